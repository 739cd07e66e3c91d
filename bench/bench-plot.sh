#!/usr/bin/env bash
# Plot benchmark: the study's Figure 1 (mel spectrogram, MFCC, chroma: three panels with colorbars) of a
# 3-second recording at 1200 × 800 pixels, drawn and PNG-encoded by ser (release build, `ser plot features
# --bench`) and by matplotlib + librosa.display (bench/plot_reference.py). Features are computed once in both;
# only drawing + encoding is timed. Prints the median milliseconds per figure, best, and the ratio ser/matplotlib
# (target: ser under 50 ms). PLOT_BENCH_RUNS (default 20) sets the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${PLOT_BENCH_RUNS:-20}
ser=.build/release/ser
venv=bench/.venv
[[ -x $ser ]] || { echo "bench-plot: $ser is missing (make release)"; exit 1; }
if [[ ! -x $venv/bin/python ]]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c "import librosa, matplotlib" 2>/dev/null; then
  echo "bench-plot: installing librosa and matplotlib into $venv (once)"
  "$venv/bin/pip" install -q librosa matplotlib
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A deterministic 3 s, 22050 Hz test recording: a gliding harmonic tone, a pause, a noise burst (stdlib only).
python3 - "$work/bench.wav" <<'PY'
import math, random, struct, sys, wave
sr, n = 22050, 3 * 22050
rng = random.Random(1)
out = bytearray()
for i in range(n):
    t = i / sr
    f0 = 180 + 60 * math.sin(2 * math.pi * 0.4 * t)
    v = 0.0
    if t < 1.6 or t > 2.0:
        v = sum(0.5 / h * math.sin(2 * math.pi * h * f0 * t) for h in range(1, 6)) * 0.6
    if 2.4 < t < 2.7:
        v += 0.3 * (rng.random() * 2 - 1)
    out += struct.pack("<h", max(-32767, min(32767, int(v * 32767))))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(sr); w.writeframes(bytes(out))
PY

ser_line=$("$ser" plot features "$work/bench.wav" --size 1200x800 --out "$work/fig1.png" --title bench.wav --bench "$runs")
echo "  $ser_line"
ser_ms=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$ser_line")
ser_best=$(sed -E 's/.*best ([0-9.]+) ms.*/\1/' <<<"$ser_line")
ref=$("$venv/bin/python" bench/plot_reference.py "$work/bench.wav" "$runs")
"$venv/bin/python" - "$ser_ms" "$ser_best" "$ref" <<'PY'
import json, sys
ser_ms, ser_best, ref = float(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
mpl_ms, mpl_best = ref["median"] * 1000, ref["best"] * 1000
print("plot: Figure 1 (mel + MFCC + chroma, colorbars), 1200x800 PNG, render + encode, median of %d" % ref["runs"])
print("  ms/figure   ser %.1f (best %.1f)   matplotlib+librosa.display %.1f (best %.1f)   ratio ser/matplotlib %.3f   target ser < 50 ms: %s"
      % (ser_ms, ser_best, mpl_ms, mpl_best, ser_ms / mpl_ms, "met" if ser_ms < 50 else "NOT met"))
PY
