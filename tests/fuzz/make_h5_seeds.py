#!/usr/bin/python3
"""Writes the HDF5 seed corpus of fuzz_h5_reader (corpus/h5_reader/seed-*.h5): tiny files,
each a different way to store a 1-D /numbers (or a reason to refuse one). Rerun after changing:
    /usr/bin/python3 tests/fuzz/make_h5_seeds.py
Crash inputs (crash-*) in the same folder are kept."""
import os

import h5py
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "h5_reader")
os.makedirs(out, exist_ok=True)
values = np.arange(1, 17)


def seed(name, fill, **file_args):
    path = os.path.join(out, f"seed-{name}.h5")
    with h5py.File(path, "w", **file_args) as f:
        fill(f)
    assert os.path.getsize(path) < 10_000, (path, os.path.getsize(path))


seed("contiguous-int64", lambda f: f.create_dataset("numbers", data=values.astype("<i8")))
seed("chunked-gzip-float32", lambda f: f.create_dataset(
    "numbers", data=values.astype("<f4"), chunks=(4,), compression="gzip", shuffle=True))
seed("bigendian-int32", lambda f: f.create_dataset("numbers", data=values.astype(">i4")))
seed("group-bigendian-float64-chunked", lambda f: f.create_dataset(
    "g/values", data=values.astype(">f8"), chunks=(8,), fletcher32=True))
seed("latest-uint16", lambda f: f.create_dataset("numbers", data=values.astype("<u2")), libver="latest")
seed("lzf-uint8", lambda f: f.create_dataset("numbers", data=values.astype("u1"), chunks=(4,), compression="lzf"))
seed("2d-int16", lambda f: f.create_dataset("numbers", data=values.astype("<i2").reshape(4, 4)))
seed("string", lambda f: f.create_dataset("numbers", data=np.array([b"one", b"two"])))
seed("empty-int8", lambda f: f.create_dataset("numbers", shape=(0,), dtype="i1"))
seed("unlimited-uint64", lambda f: f.create_dataset(
    "numbers", data=values.astype("<u8"), chunks=(16,), maxshape=(None,)))
