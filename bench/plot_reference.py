#!/usr/bin/env python3
"""Reference for bench/bench-plot.sh: the study's Figure 1 (mel spectrogram in dB, MFCC, chroma as three
stacked panels with colorbars) drawn with matplotlib + librosa.display at 1200 × 800 pixels (12 × 8 in,
100 dpi) and saved as PNG, the way a librosa user makes it. Features are computed once; only drawing and
encoding are timed (as `ser plot --bench` does). Prints one JSON line: median and best seconds."""
import io
import json
import sys
import time

import matplotlib

matplotlib.use("Agg")
import librosa
import librosa.display
import matplotlib.pyplot as plt
import numpy as np


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    y, sr = librosa.load(path, sr=22050)
    S = librosa.feature.melspectrogram(y=y, sr=sr)
    mel = librosa.power_to_db(S, ref=np.max)
    mfcc = librosa.feature.mfcc(y=y, sr=sr)
    chroma = librosa.feature.chroma_stft(y=y, sr=sr)

    def render():
        fig, ax = plt.subplots(3, 1, figsize=(12, 8), dpi=100, sharex=True)
        img = librosa.display.specshow(mel, sr=sr, x_axis="s", y_axis="mel", ax=ax[0])
        fig.colorbar(img, ax=ax[0], format="%+2.0f dB")
        ax[0].set(title="Mel spectrogram")
        img = librosa.display.specshow(mfcc, sr=sr, x_axis="s", ax=ax[1])
        fig.colorbar(img, ax=ax[1])
        ax[1].set(title="MFCC", ylabel="MFCC")
        img = librosa.display.specshow(chroma, sr=sr, x_axis="s", y_axis="chroma", ax=ax[2])
        fig.colorbar(img, ax=ax[2])
        ax[2].set(title="Chroma")
        fig.suptitle("bench.wav")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return buf.getvalue()

    render()  # warm-up: font cache, imports
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        render()
        times.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"median": times[len(times) // 2], "best": times[0], "runs": runs}))


if __name__ == "__main__":
    main()
