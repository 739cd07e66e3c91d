#!/usr/bin/env python3
"""Writes a deterministic synthetic feature table for bench-learn.sh: PREFIX.npy (rows × 160 float32) and
PREFIX.csv (index,file,window,start_s,end_s,emotion), the layout `ser features` writes.

Seven classes; each row is its class's smooth random 160-value profile (like mel/MFCC/chroma means), scaled by
a random gain, plus noise — hard enough that accuracy is not trivially 100 %.
usage: learn_table.py PREFIX [ROWS]
"""
import sys

import numpy as np

prefix = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1120
emotions = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
rng = np.random.default_rng(20240607)
width = 160
profiles = np.cumsum(rng.normal(size=(len(emotions), width)), axis=1) * 0.35
values = np.empty((rows, width), dtype=np.float32)
labels = []
for i in range(rows):
    c = i % len(emotions)
    gain = rng.uniform(0.7, 1.3)
    values[i] = profiles[c] * gain + rng.normal(scale=3.5, size=width) + rng.normal(scale=1.0)
    labels.append(emotions[c])
np.save(prefix + ".npy", values)
with open(prefix + ".csv", "w") as fh:
    fh.write("index,file,window,start_s,end_s,emotion\n")
    for i, e in enumerate(labels):
        w = i % 4
        fh.write(f"{i},synthetic/{i // 4:04d}.wav,{w},{2.0 * w:.3f},{2.0 * w + 2.0:.3f},{e}\n")
