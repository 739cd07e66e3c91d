#!/usr/bin/env python3
"""Reference for bench/bench-features.sh: the study's feature extraction written as a researcher would with
librosa 0.11, plus the synthetic corpus it runs on and a comparison with ser's output.

    features_librosa.py generate DIR N      N speech-like clips, 2-5 s, 48 kHz 16-bit mono WAV (seeded)
    features_librosa.py run DIR PREFIX      PREFIX.npy (windows x 160) + PREFIX.csv, as `ser features` writes
    features_librosa.py compare A B         worst per-window relative L2 error per block between two outputs
"""
import csv
import os
import sys

import numpy as np


def generate(directory, n):
    import soundfile as sf
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(2024)
    sr = 48000
    for i in range(n):
        seconds = rng.uniform(2.0, 5.0)
        t = np.arange(int(seconds * sr)) / sr
        f0 = rng.uniform(90, 260) * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(0.5, 3) * t))
        phase = 2 * np.pi * np.cumsum(f0) / sr
        voiced = sum(np.sin(k * phase) / k for k in range(1, 16))
        syllables = np.clip(np.sin(2 * np.pi * rng.uniform(2.5, 5.5) * t + rng.uniform(0, 6)), 0, None) ** 2
        noise = rng.standard_normal(len(t)) * (0.02 + 0.05 * (syllables < 0.05))
        y = 0.25 * voiced * syllables + noise
        y = 0.8 * y / np.max(np.abs(y))
        sf.write(os.path.join(directory, f"clip{i:04d}.wav"), y.astype(np.float32), sr, subtype="PCM_16")


def run(directory, prefix):
    import librosa
    names = sorted(os.path.relpath(os.path.join(root, f), directory)
                   for root, _, files in os.walk(directory) for f in files if f.lower().endswith(".wav"))
    rows, vectors = [], []
    for name in names:
        y, sr = librosa.load(os.path.join(directory, name))  # 22050 Hz, mono, soxr_hq
        size = step = 2 * sr
        starts = [0] if len(y) < size else range(0, len(y) - size + 1, step)
        for w, start in enumerate(starts):
            chunk = y[start:start + size]
            mel = np.mean(librosa.feature.melspectrogram(y=chunk, sr=sr), axis=1)
            mfcc = np.mean(librosa.feature.mfcc(y=chunk, sr=sr, n_mfcc=20), axis=1)
            chroma = np.mean(librosa.feature.chroma_stft(y=chunk, sr=sr), axis=1)
            vectors.append(np.concatenate([mel, mfcc, chroma]))
            rows.append((len(rows), name, w, start / sr, (start + len(chunk)) / sr))
    np.save(prefix + ".npy", np.asarray(vectors, dtype=np.float32).reshape(-1, 160))
    with open(prefix + ".csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["index", "file", "window", "start_s", "end_s"])
        out.writerows(rows)


def compare(a, b):
    x, y = np.load(a + ".npy"), np.load(b + ".npy")
    with open(a + ".csv") as fa, open(b + ".csv") as fb:
        files_a = [(r["file"], r["window"]) for r in csv.DictReader(fa)]
        files_b = [(r["file"], r["window"]) for r in csv.DictReader(fb)]
    if x.shape != y.shape or files_a != files_b:
        sys.exit(f"compare: different tables: {x.shape} vs {y.shape}")
    worst = {}
    for block, cols in [("mel", slice(0, 128)), ("mfcc", slice(128, 148)), ("chroma", slice(148, 160))]:
        err = np.linalg.norm(x[:, cols] - y[:, cols], axis=1) / np.maximum(np.linalg.norm(y[:, cols], axis=1), 1e-30)
        worst[block] = err.max()
    print(f"parity over {x.shape[0]} windows (worst relative L2 per window): "
          + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"generate": lambda d, n: generate(d, int(n)), "run": run, "compare": compare}[command](*args)
