#!/usr/bin/env bash
# Learn benchmark: trains the study's cnn1d on the same 160-value feature table (1120 rows, 7 classes, a
# deterministic synthetic table made by bench/learn_table.py) with batch 32 for the same number of epochs,
# in ser (release build) and in Keras on the CPU (bench/keras_train.py), and prints seconds per epoch
# (epochs 2.., i.e. without start-up or graph tracing; wall clock, and CPU time of all threads, which a busy
# machine disturbs less), the ratio ser/Keras (target ≤ 0.3) — also of the median and of the fastest epoch's CPU
# time, which other processes on a shared machine disturb least —, test accuracies and
# peak memory (maximum resident set size of each process, /usr/bin/time -v).
# It also reports ser's training rate in GFLOP/s per core — the cnn1d's forward + backward FLOPs per training row
# (and forward FLOPs per validation row) over the epoch's CPU time on one core (--cores 1), Adam and validation
# included — beside this core's FMA peak (bench/fma_peak.c: independent FMAs on the widest vectors ser's
# GEMM uses here).
# ser runs three times: the default (one shard, each product and pass shared by every core: the wall-clock
# comparison with Keras, which also uses every core), --cores 1 (the same bits on one core: the CPU comparison and
# the GFLOP/s) and --threads 2 (two batch shards at once, other weights); on a CPU with AVX-512 twice more with its
# AVX2 kernel (SER_GEMM_KERNEL=avx2: the GEMM and the element-wise passes as an AVX2-only CPU runs them, same bits),
# default and --cores 1, whose ratios and GFLOP/s beside the AVX2 FMA peak tell readers on such machines what they
# get; their ratios are also given against Keras with oneDNN held to AVX2 (ONEDNN_MAX_CPU_ISA=AVX2, a second Keras
# run), as TensorFlow runs on such a CPU. The load average before and after is printed: on a shared machine, other
# processes disturb the wall clock most.
# LEARN_BENCH_EPOCHS (default 20) sets the epochs; LEARN_BENCH_FEATURES=PREFIX uses a real table instead
# (its CSV needs an `emotion` column).
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${LEARN_BENCH_EPOCHS:-20}
ser=.build/release/ser
venv=bench/.venv
[[ -x $ser ]] || { echo "bench-learn: $ser is missing (make release)"; exit 1; }
if [[ ! -x $venv/bin/python ]]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c "import tensorflow, numpy" 2>/dev/null; then
  echo "bench-learn: installing tensorflow-cpu into $venv (once)"
  "$venv/bin/pip" install -q tensorflow-cpu numpy
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=${LEARN_BENCH_FEATURES:-}
if [[ -z $prefix ]]; then
  prefix=$work/table
  "$venv/bin/python" bench/learn_table.py "$prefix" 1120
fi

timed() { # timed NAME command...: stdout to $work/NAME.out, peak memory to $work/NAME.time
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "bench-learn: $name failed:"; tail -5 "$work/$name.err"; exit 1; }
}
cc=${CC:-$(command -v clang || command -v cc)}
"$cc" -O2 bench/fma_peak.c -o "$work/fma_peak"
"$work/fma_peak" > "$work/peak.out"
"$work/fma_peak" avx2 > "$work/peak-avx2.out"
avx512=0
grep -q '"avx512"' "$work/peak.out" && avx512=1

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
train=("$ser" train --features "$prefix" --label emotion --epochs "$epochs" --batch 32 --patience 0 --seed 0 --json)
timed ser1 "${train[@]}" --threads 1
timed ser1c1 "${train[@]}" --threads 1 --cores 1
timed ser2 "${train[@]}" --threads 2
if (( avx512 )); then
  timed ser1avx2 env SER_GEMM_KERNEL=avx2 "${train[@]}" --threads 1
  timed ser1c1avx2 env SER_GEMM_KERNEL=avx2 "${train[@]}" --threads 1 --cores 1
fi
timed keras env CUDA_VISIBLE_DEVICES= TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" bench/keras_train.py "$prefix" emotion "$epochs" 0
if (( avx512 )); then
  timed kerasavx2 env CUDA_VISIBLE_DEVICES= TF_CPP_MIN_LOG_LEVEL=3 ONEDNN_MAX_CPU_ISA=AVX2 "$venv/bin/python" bench/keras_train.py \
    "$prefix" emotion "$epochs" 0
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$venv/bin/python" - "$work" "$epochs" "$load_before" "$load_after" "$(nproc)" <<'PY'
import json, os, re, sys
work, epochs = sys.argv[1], int(sys.argv[2])
load_before, load_after, cores = sys.argv[3], sys.argv[4], sys.argv[5]
def last_json(name):
    return json.loads(open(f"{work}/{name}.out").read().strip().splitlines()[-1])
def peak_mb(name):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{work}/{name}.time").read())
    return int(m.group(1)) / 1024
k = last_json("keras")
# On a shared machine other processes slow some epochs of either side: the median and the fastest epoch
# (epochs 2..) are steadier than the mean.
def median(xs):
    xs = sorted(xs[1:] or xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2
def fastest(xs):
    return min(xs[1:] or xs)
def mean_after_first(xs):
    xs = xs[1:] or xs
    return sum(xs) / len(xs)
print(f"learn: cnn1d, {k['train_rows']} train rows, batch 32, {epochs} epochs (seconds/epoch: epochs 2..)")
print(f"  machine: {cores} cores, load average {load_before} before, {load_after} after (1, 5, 15 min)")
# Multiply-adds per row of the study's cnn1d (input 160 × 1, 7 classes), from its layer shapes.
def cnn1d_macs(width=160, classes=7):
    conv, length, channels = [], width, 1
    for filters, kernel in [(16, 9), (32, 7), (64, 5), (128, 3), (256, 3)]:
        conv.append(length * kernel * channels * filters)
        length, channels = length // 2, filters
    dense, inputs = [], length * channels
    for units in [128, 64, classes]:
        dense.append(inputs * units)
        inputs = units
    forward = sum(conv) + sum(dense)
    # Backward: weight gradients for every layer, input gradients for all but the first.
    return forward, forward + forward + (forward - conv[0])
fwd_macs, train_macs = cnn1d_macs(classes=len(last_json("ser1")["classes"]))
peaks = {"ser1c1": json.loads(open(f"{work}/peak.out").read()), "ser1c1avx2": json.loads(open(f"{work}/peak-avx2.out").read())}
print(f"  keras (CPU)        {k['seconds_per_epoch']:.3f} s/epoch   CPU {k['cpu_seconds_per_epoch']:.3f} s/epoch   "
      f"test accuracy {k['test_accuracy']:.3f}   peak memory {peak_mb('keras'):.0f} MB")
runs = [("ser1", f"ser (one shard, its products shared by all {cores} cores)\n                    "),
        ("ser1c1", "ser --cores 1 (one core)\n                    "),
        ("ser2", "ser --threads 2 (two shards at once: other weights)\n                    ")]
if os.path.exists(f"{work}/ser1avx2.out"):
    runs.append(("ser1avx2", f"ser, AVX2 kernel (SER_GEMM_KERNEL=avx2), all {cores} cores\n                    "))
    runs.append(("ser1c1avx2", "ser, AVX2 kernel, --cores 1\n                    "))
for name, title in runs:
    s = last_json(name)
    wall, cpu = mean_after_first(s["epoch_seconds"]), mean_after_first(s["epoch_cpu_seconds"])
    print(f"  {title} {wall:.3f} s/epoch   CPU {cpu:.3f} s/epoch   test accuracy {s['test_accuracy']:.3f}   "
          f"peak memory {peak_mb(name):.0f} MB")
    print(f"      ratio ser/keras: {wall / k['seconds_per_epoch']:.2f} wall (target <= 0.30), "
          f"{cpu / k['cpu_seconds_per_epoch']:.2f} CPU")
    if name in ("ser1c1", "ser1avx2", "ser1c1avx2"):
        same = s.get("weights_sha256") == last_json("ser1").get("weights_sha256")
        print(f"      weights sha256 {'the same as' if same else 'DIFFERENT from'} the first run's")
    if name in ("ser1avx2", "ser1c1avx2"):
        k2 = last_json("kerasavx2")
        print(f"      keras with oneDNN held to AVX2 (ONEDNN_MAX_CPU_ISA=AVX2): {k2['seconds_per_epoch']:.3f} s/epoch, "
              f"CPU {k2['cpu_seconds_per_epoch']:.3f} s/epoch (median {median(k2['epoch_cpu_seconds']):.3f} s); ratio ser/keras "
              f"{wall / k2['seconds_per_epoch']:.2f} wall, {cpu / k2['cpu_seconds_per_epoch']:.2f} CPU, median epoch "
              f"{median(s['epoch_cpu_seconds']) / median(k2['epoch_cpu_seconds']):.2f}")
    kc = k["epoch_cpu_seconds"]
    print(f"      CPU per epoch, median: ser {median(s['epoch_cpu_seconds']):.3f} s, keras {median(kc):.3f} s, ratio "
          f"{median(s['epoch_cpu_seconds']) / median(kc):.2f}; fastest: ser {fastest(s['epoch_cpu_seconds']):.3f} s, "
          f"keras {fastest(kc):.3f} s, ratio {fastest(s['epoch_cpu_seconds']) / fastest(kc):.2f}")
    if name in peaks:
        peak = peaks[name]
        flops = 2 * (s["train_rows"] * train_macs + s["validation_rows"] * fwd_macs)
        rate = flops / cpu * 1e-9
        print(f"      cnn1d forward+backward, batch 32: {rate:.1f} GFLOP/s per core "
              f"({2 * train_macs / 1e6:.1f} MFLOP per training row, Adam and validation included) = "
              f"{100 * rate / peak['gflops']:.0f} % of this core's FMA peak {peak['gflops']:.0f} GFLOP/s ({peak['isa']})")
PY

# ser's GEMM alone on each product of a training step: which shapes run near the FMA peak above. Built with
# clang, as SwiftPM builds CGEMM into ser (GCC 12 ignores the kernels' unroll pragmas: about 3× slower).
if ! command -v clang > /dev/null; then
  echo "  (ser's GEMM alone: skipped, bench/gemm_shapes.c needs clang, the compiler ser's own build uses)"
  exit 0
fi
clang -O2 -ISources/CGEMM/include bench/gemm_shapes.c Sources/CGEMM/*.c -lpthread -lm -o "$work/gemm_shapes"
kernels=(generic)
grep -q '"avx2"' "$work/peak.out" && kernels=(avx2)
(( avx512 )) && kernels=(avx512 avx2)
# Beside OpenBLAS (numpy's, the BLAS of the paper's Python stack) held to the kernels of the same vector width, one
# thread, on the same products in turn (bench/gemm_openblas.py).
for kernel in "${kernels[@]}"; do
  case $kernel in
    avx512) coretype=SkylakeX ;;
    avx2) coretype=Haswell ;;
    *) coretype= ;;
  esac
  if [[ -n $coretype ]]; then
    echo "  ser's GEMM alone, $kernel kernel, beside OpenBLAS's $coretype kernels, one core (bench/gemm_shapes.c and"
    echo "  bench/gemm_openblas.py: each product of a batch-32 step, in cache; ser's convolution outputs also add the"
    echo "  bias, ReLU and the pair max-pooling):"
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=$coretype "$venv/bin/python" bench/gemm_openblas.py \
      "$work/gemm_shapes" "$kernel" | sed 's/^/      /'
  else
    echo "  ser's GEMM alone, $kernel kernel, one core (bench/gemm_shapes.c: each product of a batch-32 step, fastest of 5 rounds):"
    "$work/gemm_shapes" "$kernel" | sed 's/^/      /'
  fi
done
