#!/usr/bin/env python3
"""Reference side of bench/bench-augment.sh: the study's augmentation recipe with librosa 0.11.

  generate DIR N    write N speech-like test clips (48 kHz 16-bit WAV, 2-4 s, seeded) into DIR
  run IN OUT        for every IN/*.wav: librosa.load(sr=22050), then noise (0.035 · U(0,1) · max|x| · N(0,1)),
                    time_stretch(rate=0.8), pitch_shift(n_steps=0.7) and all their combinations (stretch, then
                    pitch, then noise), each written as OUT/<stem>.<name>.wav (float32)
  compare A B       relative L2 difference between A/*.wav and B/*.wav of the deterministic (noise-free) outputs
"""
import itertools
import pathlib
import sys


def generate(folder: str, count: int) -> None:
    import numpy as np
    import soundfile as sf

    out = pathlib.Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    sr = 48000
    for i in range(count):
        n = int(sr * rng.uniform(2.0, 4.0))
        t = np.arange(n) / sr
        f0 = rng.uniform(110, 260) * (1 + 0.15 * np.sin(2 * np.pi * rng.uniform(0.5, 2) * t))
        phase = 2 * np.pi * np.cumsum(f0) / sr
        y = sum((0.5 / k) * np.sin(k * phase + rng.uniform(0, 6.28)) for k in range(1, 16))
        syllables = np.clip(np.sin(2 * np.pi * rng.uniform(2, 5) * t), 0, None) ** 0.7
        y = syllables * y + 0.02 * rng.standard_normal(n)
        sf.write(out / f"clip{i:03d}.wav", (0.6 * y / np.max(np.abs(y))).astype(np.float32), sr, subtype="PCM_16")


def run(folder: str, out_folder: str) -> None:
    import librosa
    import numpy as np
    import soundfile as sf

    out = pathlib.Path(out_folder)
    out.mkdir(parents=True, exist_ok=True)
    np.random.seed(1)
    names = ["noise", "stretch", "pitch"]
    combos = [c for k in (1, 2, 3) for c in itertools.combinations(names, k)]
    for path in sorted(pathlib.Path(folder).glob("*.wav")):
        y, sr = librosa.load(path, sr=22050)
        for combo in combos:
            z = y
            if "stretch" in combo:
                z = librosa.effects.time_stretch(z, rate=0.8)
            if "pitch" in combo:
                z = librosa.effects.pitch_shift(z, sr=sr, n_steps=0.7)
            if "noise" in combo:
                amp = 0.035 * np.random.uniform() * np.amax(np.abs(z))
                z = (z + amp * np.random.normal(size=z.shape[0])).astype(np.float32)
            sf.write(out / f"{path.stem}.{'+'.join(combo)}.wav", z, sr, subtype="FLOAT")


def compare(a: str, b: str) -> None:
    import numpy as np
    import soundfile as sf

    worst, files = 0.0, 0
    for path in sorted(pathlib.Path(a).glob("*.wav")):
        if "noise" in path.name:
            continue
        x, _ = sf.read(path, dtype="float32")
        y, _ = sf.read(pathlib.Path(b) / path.name, dtype="float32")
        if x.shape != y.shape:
            sys.exit(f"{path.name}: {x.shape[0]} samples against {y.shape[0]}")
        worst = max(worst, float(np.linalg.norm(x.astype(float) - y) / np.linalg.norm(y)))
        files += 1
    print(f"outputs agree: {files} stretch/pitch files, same lengths, worst relative L2 error {worst:.1e}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "generate":
        generate(args[0], int(args[1]))
    elif command == "run":
        run(args[0], args[1])
    elif command == "compare":
        compare(args[0], args[1])
    else:
        sys.exit(f"unknown command {command}")
