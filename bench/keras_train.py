#!/usr/bin/env python3
"""The Keras reference for bench-learn.sh: trains the study's cnn1d on a feature table (PREFIX.npy + PREFIX.csv),
as `ser train` does — seeded 70/10/20 train/validation/test split, z-score fitted on the training rows, Adam(1e-3),
categorical cross-entropy, batch 32, a fixed number of epochs (no early stopping, so both sides run the same
epochs) — on the CPU. Prints one JSON line: seconds per epoch (epochs 2.., i.e. without graph tracing),
test accuracy, peak RSS.
usage: keras_train.py PREFIX LABEL EPOCHS [SEED]
"""
import csv
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers

prefix, label, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
keras.utils.set_random_seed(seed)

x = np.load(prefix + ".npy").astype(np.float32)
with open(prefix + ".csv", newline="") as fh:
    names = [row[label] for row in csv.DictReader(fh)]
classes = sorted(set(names))
y = np.array([classes.index(n) for n in names])

order = np.random.default_rng(seed).permutation(len(y))
n_test, n_val = round(0.2 * len(y)), round(0.1 * len(y))
test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
mean = x[train].mean(axis=0)
std = x[train].std(axis=0)
std[std == 0] = 1
x = ((x - mean) / std)[..., None]
onehot = keras.utils.to_categorical(y, len(classes))

model = keras.Sequential([keras.Input(shape=(x.shape[1], 1))])
for filters, kernel in [(16, 9), (32, 7), (64, 5), (128, 3), (256, 3)]:
    model.add(layers.Conv1D(filters, kernel, padding="same", activation="relu"))
    model.add(layers.MaxPooling1D(2))
model.add(layers.Flatten())
model.add(layers.Dense(128, activation="relu"))
model.add(layers.Dropout(0.3))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dropout(0.3))
model.add(layers.Dense(len(classes), activation="softmax"))
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])


class Timer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []
        self.cpu = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()
        self.start_cpu = time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)
        self.cpu.append(time.process_time() - self.start_cpu)


timer = Timer()
model.fit(x[train], onehot[train], validation_data=(x[val], onehot[val]), epochs=epochs, batch_size=32,
          verbose=0, callbacks=[timer])
_, accuracy = model.evaluate(x[test], onehot[test], verbose=0)
steady = timer.seconds[1:] or timer.seconds
steady_cpu = timer.cpu[1:] or timer.cpu
print(json.dumps({
    "seconds_per_epoch": sum(steady) / len(steady),
    "cpu_seconds_per_epoch": sum(steady_cpu) / len(steady_cpu),
    "first_epoch_seconds": timer.seconds[0],
    "epoch_seconds": timer.seconds,
    "epoch_cpu_seconds": timer.cpu,
    "epochs": len(timer.seconds),
    "test_accuracy": accuracy,
    "train_rows": len(train),
    "test_rows": len(test),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
