#!/usr/bin/env bash
# Augmentation benchmark: the study's recipe (noise 0.035, stretch 0.8, pitch +0.7 and all combinations:
# 7 augmented copies per file) over the same 100 clips (48 kHz WAV, 2-4 s, generated under build/), whole
# process: `ser augment --recipe study` (release build) against librosa 0.11 in one Python process.
set -euo pipefail
cd "$(dirname "$0")/.."
ser=.build/release/ser
work=build/bench-augment
files=${BENCH_AUGMENT_FILES:-100}

# Reference tools: bench/.venv with librosa 0.11 and soundfile (installed only if missing).
if [[ ! -x bench/.venv/bin/python ]]; then python3 -m venv bench/.venv; fi
py=bench/.venv/bin/python
if ! "$py" -c "import librosa, soundfile" 2>/dev/null; then
  "$py" -m pip install --quiet "librosa==0.11.*" soundfile
fi

if [[ $(ls "$work/in" 2>/dev/null | wc -l) -ne $files ]]; then
  rm -rf "$work/in"
  "$py" bench/augment_librosa.py generate "$work/in" "$files"
fi
rm -rf "$work/ser" "$work/librosa"

# Wall-clock and CPU (user + system) seconds of each whole process: on a busy machine the CPU figures are the
# steadier comparison; ser uses every core (--threads), librosa runs in one process as a notebook would.
TIMEFORMAT='%R %U %S'
{ time "$ser" augment "$work"/in/*.wav --recipe study --seed 1 --out "$work/ser" > /dev/null; } 2> "$work/ser.time"
{ time "$py" bench/augment_librosa.py run "$work/in" "$work/librosa"; } 2> "$work/librosa.time"

"$py" bench/augment_librosa.py compare "$work/ser" "$work/librosa"
read -r sw su ss < <(tail -1 "$work/ser.time")
read -r lw lu ls < <(tail -1 "$work/librosa.time")
awk -v sw="$sw" -v su="$su" -v ss="$ss" -v lw="$lw" -v lu="$lu" -v ls="$ls" -v n="$files" 'BEGIN {
  sc = su + ss; lc = lu + ls
  printf "augment, study recipe (%d files x 7 copies): ser %.2f s wall / %.2f s CPU, librosa %.2f s wall / %.2f s CPU\n", n, sw, sc, lw, lc
  printf "augment: ser is %.1fx faster (wall), %.1fx less CPU\n", lw / sw, lc / sc
}'
