#!/usr/bin/env python3
"""The reference side of bench/bench-study.sh: the paper's experiments written as a researcher would with
librosa 0.11 + Keras 3 (TensorFlow, CPU), step for step as bench/study.md runs them in ser.

    study_keras.py DATA OUT EPOCHS PATIENCE

DATA holds EMOVO/, RAVDESS/ and CREMA-D/ (the real corpora or ser's demo corpora, same layouts). Steps:
features (EMOVO 2 s windows, 2 s hop; RAVDESS + CREMA-D 2 s windows, 1 s hop; EMOVO augmented with the
study's seven copies: noise 0.035 of the peak, stretch 0.8, pitch +0.7 and every combination, through
librosa.effects), EMOVO only (naive split), source model (RAVDESS + CREMA-D files split first) on its own
test set and on EMOVO, fine-tuning with the convolutions frozen, augmented naive, augmented LOSO (speaker f1),
augmented LOPO (phrase l1, one of the longest), augmented LOSO with transfer and the last convolution
trainable. Every split: 70/10/20 (train/validation/test) of rows (naive) or files (source), or one speaker /
phrase out with 10 % of the rest's files for validation; augmented copies train only, and only when none of
their file's original rows validate or test (ser's augmented=clean); z-score from the
training rows; Adam 1e-3, batch 32, early stopping on validation loss with the best weights restored.
Writes OUT/keras-steps.json: per step, wall and CPU seconds and the test accuracy.
"""
import itertools
import json
import os
import re
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np

DATA, OUT = sys.argv[1], sys.argv[2]
EPOCHS, PATIENCE = int(sys.argv[3]), int(sys.argv[4])
SR = 22050
EMOTIONS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
steps = []


class Step:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        acc, epochs = getattr(self, "accuracy", None), getattr(self, "epochs", None)
        steps.append({"step": self.name, "wall": wall, "cpu": cpu, "accuracy": acc, "epochs": epochs})
        print(f"keras: {self.name}: {wall:.1f} s wall, {cpu:.1f} s CPU" + (f", {epochs} epochs" if epochs is not None else "")
              + (f", accuracy {acc:.3f}" if acc is not None else ""), flush=True)


# Corpora: file → (speaker, sentence, emotion), as ser's layouts harmonise them.
EMOVO_CODES = {"dis": "disgust", "gio": "joy", "pau": "fear", "rab": "anger", "sor": "surprise", "tri": "sadness", "neu": "neutral"}
RAVDESS_CODES = {"01": "neutral", "03": "joy", "04": "sadness", "05": "anger", "06": "fear", "07": "disgust", "08": "surprise"}
CREMAD_CODES = {"ANG": "anger", "DIS": "disgust", "FEA": "fear", "HAP": "joy", "NEU": "neutral", "SAD": "sadness"}


def walk(folder):
    return sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs if f.lower().endswith(".wav"))


def corpus(name):
    folder = os.path.join(DATA, name)
    out = []
    for rel in walk(folder):
        base = os.path.basename(rel)[:-4]
        if name == "EMOVO":
            m = re.fullmatch(r"([a-z]{3})-([fm]\d)-([a-z]\d)", base)
            if m and m.group(1) in EMOVO_CODES:
                out.append((os.path.join(folder, rel), m.group(2), m.group(3), EMOVO_CODES[m.group(1)]))
        elif name == "RAVDESS":
            parts = base.split("-")
            if len(parts) == 7 and parts[2] in RAVDESS_CODES:
                out.append((os.path.join(folder, rel), parts[6], parts[4], RAVDESS_CODES[parts[2]]))
        else:
            parts = base.split("_")
            if len(parts) == 4 and parts[2] in CREMAD_CODES:
                out.append((os.path.join(folder, rel), parts[0], parts[1], CREMAD_CODES[parts[2]]))
    return out


def vectors(y, hop_seconds):
    import librosa
    size, step = 2 * SR, int(hop_seconds * SR)
    starts = [0] if len(y) < size else range(0, len(y) - size + 1, step)
    rows = []
    for start in starts:
        chunk = y[start:start + size]
        mel = np.mean(librosa.feature.melspectrogram(y=chunk, sr=SR), axis=1)
        mfcc = np.mean(librosa.feature.mfcc(y=chunk, sr=SR, n_mfcc=20), axis=1)
        chroma = np.mean(librosa.feature.chroma_stft(y=chunk, sr=SR), axis=1)
        rows.append(np.concatenate([mel, mfcc, chroma]))
    return rows


def augmented(y, rng):
    """The study's seven copies: every non-empty combination of noise, stretch and pitch (stretch, then pitch,
    then noise)."""
    import librosa
    copies = []
    for k in (1, 2, 3):
        for combo in itertools.combinations(["noise", "stretch", "pitch"], k):
            z = y
            if "stretch" in combo:
                z = librosa.effects.time_stretch(z, rate=0.8)
            if "pitch" in combo:
                z = librosa.effects.pitch_shift(z, sr=SR, n_steps=0.7)
            if "noise" in combo:
                z = (z + 0.035 * rng.uniform() * np.amax(np.abs(z)) * rng.standard_normal(len(z))).astype(np.float32)
            copies.append(z)
    return copies


def table(files, hop_seconds, augment=False):
    """X (rows × 160), labels, speakers, sentences, file ids, augmented flags."""
    import librosa
    rng = np.random.default_rng(1)
    X, meta = [], []
    for i, (path, speaker, sentence, emotion) in enumerate(files):
        y, _ = librosa.load(path, sr=SR)
        signals = [y] + (augmented(y, rng) if augment else [])
        for j, s in enumerate(signals):
            for v in vectors(s, hop_seconds):
                X.append(v)
                meta.append((EMOTIONS.index(emotion), speaker, sentence, i, j > 0))
    labels, speakers, sentences, ids, aug = map(np.array, zip(*meta))
    return np.asarray(X, dtype=np.float32), labels, speakers, sentences, ids, aug


def model():
    import keras
    from keras import layers
    net = keras.Sequential([keras.Input(shape=(160, 1))])
    for filters, kernel in zip([16, 32, 64, 128, 256], [9, 7, 5, 3, 3]):
        net.add(layers.Conv1D(filters, kernel, padding="same", activation="relu"))
        net.add(layers.MaxPooling1D(2))
    net.add(layers.Flatten())
    for units in (128, 64):
        net.add(layers.Dense(units, activation="relu"))
        net.add(layers.Dropout(0.3))
    net.add(layers.Dense(len(EMOTIONS), activation="softmax"))
    return net


def fit(net, X, y, train, val, trainable_convs=None):
    """Trains `net` (conv layers frozen but the last `trainable_convs` when given) on rows `train`, early
    stopping on `val`; returns the z-score it used and the number of epochs it ran."""
    import keras
    if trainable_convs is not None:
        convs = [l for l in net.layers if isinstance(l, keras.layers.Conv1D)]
        for i, layer in enumerate(convs):
            layer.trainable = i >= len(convs) - trainable_convs
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1
    Z = ((X - mean) / std)[..., None]
    net.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    history = net.fit(Z[train], y[train], validation_data=(Z[val], y[val]), epochs=EPOCHS, batch_size=32, callbacks=[stop],
                      verbose=0)
    return (mean, std), len(history.history["loss"])


def accuracy(net, X, y, rows, zscore):
    mean, std = zscore
    Z = ((X[rows] - mean) / std)[..., None]
    return float(np.mean(np.argmax(net.predict(Z, batch_size=256, verbose=0), axis=1) == y[rows]))


def naive(n, rng, augmented_rows=None, ids=None):
    """70/10/20 of the rows at random. With augmented rows (as ser's `split aug naive`, augmented=clean): the
    original rows are split, and a copy trains only when none of its file's original rows validate or test."""
    if augmented_rows is None:
        order = rng.permutation(n)
    else:
        order = rng.permutation(np.flatnonzero(~augmented_rows))
    m = len(order)
    n_test, n_val = round(0.2 * m), round(0.1 * m)
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    if augmented_rows is not None:
        held = np.isin(ids, ids[np.concatenate([test, val])])
        train = np.concatenate([train, np.flatnonzero(augmented_rows & ~held)])
    return train, val, test


def by_files(ids, rng):
    order = rng.permutation(np.unique(ids))
    n_test, n_val = round(0.2 * len(order)), round(0.1 * len(order))
    in_test, in_val = np.isin(ids, order[:n_test]), np.isin(ids, order[n_test:n_test + n_val])
    rows = np.arange(len(ids))
    return rows[~in_test & ~in_val], rows[in_val], rows[in_test]


def leave_out(groups, held, ids, augmented_rows, rng):
    rows = np.arange(len(groups))
    test = rows[(groups == held) & ~augmented_rows]
    rest = np.unique(ids[groups != held])
    in_val = np.isin(ids, rng.permutation(rest)[:round(0.1 * len(rest))])
    val = rows[in_val & ~augmented_rows & (groups != held)]
    train = rows[(groups != held) & ~in_val]
    return train, val, test


def main():
    import keras
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    emovo, english = corpus("EMOVO"), corpus("RAVDESS") + corpus("CREMA-D")
    with Step("features: EMOVO, 2 s hop"):
        E = table(emovo, 2)
    with Step("features: RAVDESS + CREMA-D, 1 s hop"):
        S = table(english, 1)
    with Step("features: EMOVO augmented (7 copies)"):
        A = table(emovo, 2, augment=True)

    X, y = E[0], E[1]
    with Step("EMOVO only (naive)") as s:
        train, val, test = naive(len(y), rng)
        net = model()
        z, s.epochs = fit(net, X, y, train, val)
        s.accuracy = accuracy(net, X, y, test, z)
    emovo_split = (train, val, test)
    with Step("source model (RAVDESS + CREMA-D, files split first)") as s:
        strain, sval, stest = by_files(S[4], rng)
        source = model()
        sz, s.epochs = fit(source, S[0], S[1], strain, sval)
        s.accuracy = accuracy(source, S[0], S[1], stest, sz)
    with Step("source model on EMOVO") as s:
        s.accuracy = accuracy(source, X, y, np.arange(len(y)), sz)
    with Step("fine-tuned on EMOVO, conv frozen") as s:
        tuned = keras.models.clone_model(source)
        tuned.set_weights(source.get_weights())
        z, s.epochs = fit(tuned, X, y, *emovo_split[:2], trainable_convs=0)
        s.accuracy = accuracy(tuned, X, y, emovo_split[2], z)

    AX, Ay, Aspk, Asent, Aids, Aaug = A
    with Step("augmented, naive") as s:
        train, val, test = naive(len(Ay), rng, Aaug, Aids)
        net = model()
        z, s.epochs = fit(net, AX, Ay, train, val)
        s.accuracy = accuracy(net, AX, Ay, test, z)
    with Step("augmented, LOSO (speaker f1)") as s:
        loso = leave_out(Aspk, "f1", Aids, Aaug, rng)
        net = model()
        z, s.epochs = fit(net, AX, Ay, *loso[:2])
        s.accuracy = accuracy(net, AX, Ay, loso[2], z)
    with Step("augmented, LOPO (phrase l1)") as s:
        lopo = leave_out(Asent, "l1", Aids, Aaug, rng)
        net = model()
        z, s.epochs = fit(net, AX, Ay, *lopo[:2])
        s.accuracy = accuracy(net, AX, Ay, lopo[2], z)
    with Step("augmented, LOSO + transfer (last conv trainable)") as s:
        tuned = keras.models.clone_model(source)
        tuned.set_weights(source.get_weights())
        z, s.epochs = fit(tuned, AX, Ay, *loso[:2], trainable_convs=1)
        s.accuracy = accuracy(tuned, AX, Ay, loso[2], z)

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "keras-steps.json"), "w") as f:
        json.dump(steps, f, indent=1)


if __name__ == "__main__":
    main()
