#!/usr/bin/env bash
# The paper's experiments, timed step by step in ser and in librosa + Keras on the same corpora, same run:
# features (EMOVO; RAVDESS + CREMA-D at a 1 s hop; EMOVO with the study's 7 augmented copies), EMOVO only,
# source model (its own test set, then EMOVO), fine-tuning with the convolutions frozen, augmented naive,
# LOSO (one speaker), LOPO (one phrase) and LOSO + transfer. ser runs bench/study.md (`ser run`, an empty
# cache, so everything is computed; the executed notebook gives each cell's time); Keras runs
# bench/study_keras.py in one process. Prints each step's wall and CPU time (ser's cells' CPU sampled from /proc
# by bench/cell_cpu.py), the ratios ser/Keras, the epochs each training ran and both stacks' test accuracies,
# then both whole processes' wall and CPU time (on a shared machine the CPU times are steadier).
#
# BENCH_STUDY_DATA=DIR uses the real corpora (DIR/EMOVO, DIR/RAVDESS, DIR/CREMA-D); otherwise ser's demo
# corpora (BENCH_STUDY_SIZE=full|small, default full) are synthesised first (not timed) and both stacks read
# the same files. BENCH_STUDY_EPOCHS (default 200) and BENCH_STUDY_PATIENCE (default 20) set the training.
set -euo pipefail
cd "$(dirname "$0")/.."
ser=.build/release/ser
venv=bench/.venv
work=build/bench-study
size=${BENCH_STUDY_SIZE:-full}
epochs=${BENCH_STUDY_EPOCHS:-200}
patience=${BENCH_STUDY_PATIENCE:-20}
[[ -x $ser ]] || { echo "bench-study: $ser is missing (make release)"; exit 1; }
if [[ ! -x $venv/bin/python ]]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c "import librosa, soundfile, tensorflow" 2>/dev/null; then
  echo "bench-study: installing librosa 0.11 and tensorflow-cpu into $venv (once)"
  "$venv/bin/pip" install -q "librosa==0.11.*" soundfile tensorflow-cpu numpy
fi
mkdir -p "$work"

# The corpora, as one folder of EMOVO/, RAVDESS/, CREMA-D/ both stacks read.
if [[ -n ${BENCH_STUDY_DATA:-} ]]; then
  corpora=$BENCH_STUDY_DATA
else
  corpora=$work/corpora-$size
  "$ser" exec "demo emovo size=$size seed=1
demo ravdess size=$size seed=1
demo cremad size=$size seed=1" > /dev/null
  mkdir -p "$corpora"
  ln -sfn "$PWD/data/demo/emovo-$size-seed1" "$corpora/EMOVO"
  ln -sfn "$PWD/data/demo/ravdess-$size-seed1" "$corpora/RAVDESS"
  ln -sfn "$PWD/data/demo/cremad-$size-seed1" "$corpora/CREMA-D"
fi
echo "bench-study: corpora $corpora, epochs $epochs, patience $patience, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

rm -rf "$work/cache" "$work/study.md" "$work/ser-results.md" "$work/keras-steps.json" "$work/ser-cells.json"
TIMEFORMAT='%R %U %S'
# ser's cells' CPU time is sampled from /proc as each cell's progress line arrives (bench/cell_cpu.py).
"$venv/bin/python" bench/cell_cpu.py "$work/ser.log" "$work/ser-cells.json" "$work/ser.time" -- \
    "$ser" run bench/study.md --param data="$corpora" --param epochs="$epochs" --param patience="$patience" \
    --param out="$work" --cache "$work/cache" --out "$work" \
  || { echo "bench-study: ser failed:"; tail -20 "$work/ser.log"; exit 1; }
{ time env TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES= "$venv/bin/python" bench/study_keras.py "$corpora" "$work" "$epochs" "$patience" \
    > "$work/keras.log" 2>&1; } 2> "$work/keras.time" \
  || { echo "bench-study: keras failed:"; tail -20 "$work/keras.log"; exit 1; }

"$venv/bin/python" - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
# A cell's time as the executed notebook writes it: "4.15 s" or, from a minute on, "2 min 34 s".
study = open(f"{work}/study.md").read()
cells = {m.group(1): 60 * int(m.group(2) or 0) + float(m.group(3))
         for m in re.finditer(r"\*cell \d+ \[([\w-]+)\] · ok · (?:(\d+) min )?([\d.]+) s", study)}
cell_cpu = json.load(open(f"{work}/ser-cells.json"))
# Epochs each training ran, as the experiments cell prints them ("fit = training run on naive: 37 epochs, …").
epochs = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+) = training run on [^:]+: (\d+) epochs?", study, re.M)}
ser_acc = {}
for line in open(f"{work}/ser-results.md"):
    parts = [p.strip() for p in line.strip().strip("|").split("|")]
    if len(parts) >= 2 and re.fullmatch(r"[\d.]+", parts[1]):
        ser_acc[parts[0]] = float(parts[1])
k = {s["step"]: s for s in json.load(open(f"{work}/keras-steps.json"))}
features = [  # (step, ser cell, keras step)
    ("features: EMOVO", "features-emovo", "features: EMOVO, 2 s hop"),
    ("features: RAVDESS + CREMA-D (1 s hop)", "features-source", "features: RAVDESS + CREMA-D, 1 s hop"),
    ("features: EMOVO augmented (7 copies)", "features-augmented", "features: EMOVO augmented (7 copies)"),
]
experiments = [  # (step, ser run, keras step, results row)
    ("EMOVO only", "fit", "EMOVO only (naive)", "EMOVO only"),
    ("source model, its test set", "source", "source model (RAVDESS + CREMA-D, files split first)", "source model"),
    ("source model on EMOVO", None, "source model on EMOVO", "source on EMOVO"),
    ("fine-tuned, conv frozen", "tuned", "fine-tuned on EMOVO, conv frozen", "fine-tuned"),
    ("augmented, naive", "fa", "augmented, naive", "augmented naive"),
    ("augmented, LOSO (f1)", "fo", "augmented, LOSO (speaker f1)", "augmented LOSO"),
    ("augmented, LOPO (l1)", "fp", "augmented, LOPO (phrase l1)", "augmented LOPO"),
    ("augmented, LOSO + transfer", "ft", "augmented, LOSO + transfer (last conv trainable)", "augmented LOSO + transfer"),
]
print(f"{'step':40} {'ser s':>7} {'keras s':>7} {'ratio':>5} | {'ser CPU':>7} {'keras CPU':>9} {'ratio':>5}")
ts = tk = cs = ck = 0.0
def row(name, s, c, kw, kc):
    global ts, tk, cs, ck
    ts += s; tk += kw; cs += c; ck += kc
    print(f"{name:40} {s:7.1f} {kw:7.1f} {s / kw:5.2f} | {c:7.1f} {kc:9.1f} {c / max(kc, 1e-9):5.2f}")
for name, label, kname in features:
    row(name, cells.get(label, 0.0), cell_cpu.get(label, 0.0), k[kname]["wall"], k[kname]["cpu"])
row("the 8 experiments (ser: one cell)", cells.get("experiments", 0.0), cell_cpu.get("experiments", 0.0),
    sum(k[e[2]]["wall"] for e in experiments), sum(k[e[2]]["cpu"] for e in experiments))
print(f"{'all steps':40} {ts:7.1f} {tk:7.1f} {ts / tk:5.2f} | {cs:7.1f} {ck:9.1f} {cs / ck:5.2f}")
print()
print(f"{'experiment':40} {'keras s':>7} {'keras CPU':>9} | {'epochs ser/keras':>16} | {'ser acc':>7} {'keras acc':>9}")
for name, run, kname, result in experiments:
    kk = k[kname]
    ep = f"{epochs.get(run, '?')}/{kk.get('epochs') or '?'}" if run else ""
    sa = f"{ser_acc[result]:.3f}" if result in ser_acc else ""
    ka = f"{kk['accuracy']:.3f}" if kk["accuracy"] is not None else ""
    print(f"{name:40} {kk['wall']:7.1f} {kk['cpu']:9.1f} | {ep:>16} | {sa:>7} {ka:>9}")
print("(epochs: each stack stops early on its own validation loss)")
def process(name):
    wall, user, system = map(float, open(f"{work}/{name}.time").read().split()[-3:])
    return wall, user + system
sw, sc = process("ser"); kw, kc = process("keras")
print(f"whole process: ser {sw:.1f} s wall / {sc:.1f} s CPU, librosa + Keras {kw:.1f} s wall / {kc:.1f} s CPU: "
      f"ser/Keras {sw / kw:.2f} wall, {sc / kc:.2f} CPU; load after: {open('/proc/loadavg').read().split()[0]}")
PY
