#!/usr/bin/env bash
# The paper's experiments, timed step by step in ser and in librosa + Keras on the same corpora, same run:
# features (EMOVO; RAVDESS + CREMA-D at a 1 s hop; EMOVO with the study's 7 augmented copies), EMOVO only,
# source model (its own test set, then EMOVO), fine-tuning with the convolutions frozen, augmented naive,
# LOSO (one speaker), LOPO (one phrase) and LOSO + transfer. ser runs bench/study.md (`ser run`, an empty
# cache, so everything is computed; the executed notebook gives each cell's time); Keras runs
# bench/study_keras.py in one process. Prints each step's wall time, the ratio ser/Keras, each training's epochs
# on both sides (early stopping ends them at different epochs) with the ratio of time per epoch, and both stacks'
# test accuracies, then both whole processes' wall and CPU time (on a shared machine the CPU times are steadier).
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

rm -rf "$work/cache" "$work/study.md" "$work/ser-results.md" "$work/keras-steps.json"
TIMEFORMAT='%R %U %S'
{ time "$ser" run bench/study.md --param data="$corpora" --param epochs="$epochs" --param patience="$patience" \
    --param out="$work" --cache "$work/cache" --out "$work" > "$work/ser.log" 2>&1; } 2> "$work/ser.time" \
  || { echo "bench-study: ser failed:"; tail -20 "$work/ser.log"; exit 1; }
{ time env TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES= "$venv/bin/python" bench/study_keras.py "$corpora" "$work" "$epochs" "$patience" \
    > "$work/keras.log" 2>&1; } 2> "$work/keras.time" \
  || { echo "bench-study: keras failed:"; tail -20 "$work/keras.log"; exit 1; }

"$venv/bin/python" - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
# A cell's time as the executed notebook writes it: "4.15 s" or, from a minute on, "2 min 34 s".
executed = open(f"{work}/study.md").read()
cells, cell_epochs, previous = {}, {}, 0
for m in re.finditer(r"\*cell \d+ \[([\w-]+)\] · ok · (?:(\d+) min )?([\d.]+) s", executed):
    cells[m.group(1)] = 60 * int(m.group(2) or 0) + float(m.group(3))
    # The epochs each training of the cell ran, from its output ("fit = training run on naive: 37 epochs, …").
    cell_epochs[m.group(1)] = [int(e) for e in re.findall(r"= training run on [^\n:]*: (\d+) epochs", executed[previous:m.start()])]
    previous = m.end()
ser_acc = {}
for line in open(f"{work}/ser-results.md"):
    parts = [p.strip() for p in line.strip().strip("|").split("|")]
    if len(parts) >= 2 and re.fullmatch(r"[\d.]+", parts[1]):
        ser_acc[parts[0]] = float(parts[1])
keras = json.load(open(f"{work}/keras-steps.json"))
rows = [  # (step, ser cells, keras step, results row)
    ("features: EMOVO", ["features-emovo"], "features: EMOVO, 2 s hop", None),
    ("features: RAVDESS + CREMA-D (1 s hop)", ["features-source"], "features: RAVDESS + CREMA-D, 1 s hop", None),
    ("features: EMOVO augmented (7 copies)", ["features-augmented"], "features: EMOVO augmented (7 copies)", None),
    ("EMOVO only", ["emovo-only"], "EMOVO only (naive)", "EMOVO only"),
    ("source model, its test set", ["source"], "source model (RAVDESS + CREMA-D, files split first)", "source model"),
    ("source model on EMOVO", ["zero-shot"], "source model on EMOVO", "source on EMOVO"),
    ("fine-tuned, conv frozen", ["fine-tune"], "fine-tuned on EMOVO, conv frozen", "fine-tuned"),
    ("augmented, naive", ["augmented-naive"], "augmented, naive", "augmented naive"),
    ("augmented, LOSO (f1)", ["augmented-loso"], "augmented, LOSO (speaker f1)", "augmented LOSO"),
    ("augmented, LOPO (l1)", ["augmented-lopo"], "augmented, LOPO (phrase l1)", "augmented LOPO"),
    ("augmented, LOSO + transfer", ["augmented-loso-transfer"], "augmented, LOSO + transfer (last conv trainable)", "augmented LOSO + transfer"),
]
k = {s["step"]: s for s in keras}
# Early stopping ends each training after its own number of epochs, so a step's ratio compares different amounts of
# work; "per epoch" divides each side's step time by its epochs first (the step's evaluation included).
print(f"{'step':40} {'ser s':>8} {'keras s':>8} {'ratio':>6} {'ser ep':>6} {'keras ep':>8} {'per epoch':>9}   {'ser acc':>7} {'keras acc':>9}")
ts = tk = 0.0
for name, labels, kname, result in rows:
    s = sum(cells.get(l, 0.0) for l in labels)
    kk = k[kname]
    ts += s; tk += kk["wall"]
    sa = f"{ser_acc[result]:.3f}" if result in ser_acc else ""
    ka = f"{kk['accuracy']:.3f}" if kk["accuracy"] is not None else ""
    se = sum(sum(cell_epochs.get(l, [])) for l in labels)
    ke = kk.get("epochs") or 0
    per_epoch = f"{(s / se) / (kk['wall'] / ke):9.2f}" if se and ke else ""
    print(f"{name:40} {s:8.1f} {kk['wall']:8.1f} {s / kk['wall']:6.2f} {se or '':>6} {ke or '':>8} {per_epoch:>9}   {sa:>7} {ka:>9}")
print(f"{'all steps':40} {ts:8.1f} {tk:8.1f} {ts / tk:6.2f}")
def process(name):
    wall, user, system = map(float, open(f"{work}/{name}.time").read().split()[-3:])
    return wall, user + system
sw, sc = process("ser"); kw, kc = process("keras")
print(f"whole process: ser {sw:.1f} s wall / {sc:.1f} s CPU, librosa + Keras {kw:.1f} s wall / {kc:.1f} s CPU: "
      f"ser/Keras {sw / kw:.2f} wall, {sc / kc:.2f} CPU")
PY
