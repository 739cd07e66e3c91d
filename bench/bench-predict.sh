#!/usr/bin/env bash
# Prediction benchmark: `ser predict MODEL CORPUS` (release build) on the full EMOVO demo corpus (588 files)
# beside feature extraction alone, `ser features` on the same files with the same single thread: the ratio is
# what the model's forward pass per window, the model card and the printing add to extracting the features.
# Uses build/bench-corpus/ser (made by bench-corpus.sh) when it is there, else synthesizes the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
ser=${SER:-.build/release/ser}
work=build/bench-predict
mkdir -p "$work"
corpus=build/bench-corpus/ser
if [[ $(find "$corpus" -name '*.wav' 2>/dev/null | wc -l) -ne 588 ]]; then
  corpus=$work/emovo
  if [[ $(find "$corpus" -name '*.wav' 2>/dev/null | wc -l) -ne 588 ]]; then
    "$ser" demo emovo --out "$corpus" > /dev/null
  fi
fi

# A model to predict with (a short training: its accuracy does not matter here).
"$ser" features "$corpus" --out "$work/feats" > /dev/null 2>&1
"$ser" train --features "$work/feats" --label emotion --epochs 5 --patience 0 --split grouped --seed 1 \
  --out "$work/model.safetensors" > /dev/null

TIMEFORMAT='%R %U %S'
runner=()
if [[ ${BENCH_PRIORITY:-0} == 1 ]]; then
  runner=(setsid -w bash -c 'echo -19 > /proc/self/autogroup 2>/dev/null || true; exec "$@"' priority)
fi
timed() { local name=$1; shift; { time "${runner[@]}" "$@" > "$work/$name.out" 2> /dev/null; } 2> "$work/$name.time"; tail -1 "$work/$name.time"; }
# Best of three by wall time for each, interleaved so that both see the same load.
for i in 1 2 3; do
  timed "features$i" "$ser" features "$corpus" --out "$work/f1" --threads 1 >> "$work/features.times"
  timed "predict$i" "$ser" predict "$work/model.safetensors" "$corpus" --csv >> "$work/predict.times"
done
read -r fw fu fs < <(sort -n "$work/features.times" | head -1)
read -r pw pu ps < <(sort -n "$work/predict.times" | head -1)
rm -f "$work/features.times" "$work/predict.times"
windows=$(grep -c '^window,' "$work/predict1.out")
files=$(grep -c '^file,' "$work/predict1.out")
rows=$(($(wc -l < "$work/f1.csv") - 1))
[[ $windows -eq $rows ]] || { echo "predict: $windows windows but ser features made $rows rows" >&2; exit 1; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
awk -v n="$files" -v w="$windows" -v fw="$fw" -v fu="$fu" -v fs="$fs" -v pw="$pw" -v pu="$pu" -v ps="$ps" -v cpu="$cpu" -v cores="$(nproc)" 'BEGIN {
  fc = fu + fs; pc = pu + ps
  printf "predict (%d files, %d windows, EMOVO demo; best of 3, 1 thread, %s, %d cores): ser predict %.2f s wall / %.2f s CPU; ser features alone %.2f s wall / %.2f s CPU\n", n, w, cpu, cores, pw, pc, fw, fc
  printf "predict: prediction costs %.2fx feature extraction alone (CPU), %.2fx (wall); %.1f ms CPU per window beyond the features\n", pc / fc, pw / fw, 1000 * (pc - fc) / w
}'
