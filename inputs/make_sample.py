#!/usr/bin/env python3
"""Writes inputs/sample.h5, the small example input used in the README.

Run with a Python that has numpy and h5py (Debian: /usr/bin/python3):
    /usr/bin/python3 inputs/make_sample.py
"""
import pathlib

import h5py
import numpy as np

rng = np.random.default_rng(7)
path = pathlib.Path(__file__).with_name("sample.h5")
with h5py.File(path, "w") as f:
    # The tutorial's column, as rankpool generates it: int64 in [1, 99].
    f["numbers"] = rng.integers(1, 100, size=1000, dtype=np.int64)
    # A measurement series the way instruments store it: big-endian int32, chunked, gzip.
    values = rng.integers(-50_000, 50_000, size=10_000).astype(">i4")
    f.create_dataset("run7/values", data=values, chunks=(1024,), compression="gzip", shuffle=True)
    # Floats, little-endian, in a nested group.
    f["run7/calibrated/temperature"] = rng.uniform(250.0, 320.0, size=500).astype("<f8")
print(f"wrote {path}")
