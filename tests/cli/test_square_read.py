"""`rankpool square --input`: every dtype and byte order, storage layouts, groups, overflow."""
import unittest

import numpy as np

from rankpool_testing import (INT64_LIMIT, READ_PHASES, SQUARED, UINT64_LIMIT, TempDirTestCase,
                              datasets, ranks_text, read, write_input)


def sample(dtype, n=1000, seed=0):
    """`n` values of `dtype` (any byte order) over the whole range whose squares fit, extremes last."""
    rng, native = np.random.default_rng(seed), np.dtype(dtype).newbyteorder("=")
    if native.kind == "f":
        special = [0.0, -0.0, -1.5, 1e-30, 3e38]  # 3e38 squares to inf in float32
        values = np.concatenate([rng.normal(0, 1000, n - len(special)), special])
    else:
        info = np.iinfo(native)
        high = {"int64": INT64_LIMIT, "uint64": UINT64_LIMIT}.get(native.name, info.max)
        low = -high if native.name == "int64" else info.min
        values = np.concatenate([rng.integers(low, high, n - 4, endpoint=True), [low, high, 0, 1]])
    return values.astype(dtype)


class ReadTest(TempDirTestCase):
    def square_file(self, values, dataset="/numbers", spec=None, ranks=2, head=5, **create_options):
        """Writes `values` to in.h5 at `dataset`, squares `spec` (default in.h5:DATASET) into out.h5 and
        checks the output file, its attributes, the printed lines and the report."""
        write_input(self.dir / "in.h5", values, dataset, **create_options)
        source = f"in.h5:{dataset}"
        _, out, _ = self.square("--input", spec or source, "--output", "out.h5", "--report", "r.json",
                                "--head", head, ranks=ranks)
        n, dtype_in = len(values), values.dtype.newbyteorder("=").name
        self.assertEqual(datasets(self.dir / "out.h5"), ["/squared"])
        self.assertSquared(self.dir / "out.h5", values.astype(dtype_in))
        self.assertAttributes(self.dir / "out.h5", n=n, ranks=ranks, dtype_in=dtype_in, source=source)
        self.assertReport("r.json", ranks=ranks, n=n, dtype_in=dtype_in, output="out.h5", phases=READ_PHASES,
                          source=source)
        squared, _ = read(self.dir / "out.h5")
        self.assertStdout(out, f"rankpool square: {n} {dtype_in} values, {source}, {ranks_text(ranks)} -> out.h5",
                          squared, ranks, READ_PHASES, head=head)

    def test_every_dtype_and_byte_order(self):
        for dtype in SQUARED:
            for order in "<>":
                with self.subTest(dtype=order + dtype):
                    self.square_file(sample(np.dtype(dtype).newbyteorder(order)))

    def test_chunked_and_compressed(self):
        layouts = [dict(chunks=(64,)), dict(chunks=(50,), maxshape=(None,)), dict(chunks=(100,), compression="gzip"),
                   dict(chunks=(128,), compression="gzip", shuffle=True)]
        for dtype in (">i4", "<u2", ">f8", "<i8"):
            for layout in layouts:
                with self.subTest(dtype=dtype, **layout):
                    self.square_file(sample(dtype), ranks=3, **layout)

    def test_nested_group(self):
        self.square_file(sample(">i2"), "/grp/sub/values")

    def test_default_dataset(self):
        self.square_file(sample("<f4"), spec="in.h5")

    def test_ranks(self):
        for ranks in (1, 3, 4):
            for dtype in (">i2", "<i8"):
                with self.subTest(ranks=ranks, dtype=dtype):
                    self.square_file(sample(dtype, n=1001), ranks=ranks, chunks=(100,), compression="gzip")

    def test_empty_dataset(self):
        self.square_file(np.array([], dtype=">i4"), ranks=3)

    def test_negative_values(self):
        self.square_file(np.array([-128, -1, 0, 127], dtype="i1"))
        squared, _ = read(self.dir / "out.h5")
        self.assertEqual(squared.tolist(), [16384, 1, 0, 16129])

    def test_head_shows_extreme_floats(self):
        for dtype in ("<f4", ">f8"):
            with self.subTest(dtype=dtype):
                self.square_file(np.array([1.5, -0.0, 1e-30, 3e38, 1e30, np.nan, -np.inf], dtype=dtype), head=7)

    def test_largest_squarable_64_bit_values(self):
        for dtype, values, expected in (("<i8", [INT64_LIMIT, -INT64_LIMIT], [9223372030926249001] * 2),
                                        (">u8", [UINT64_LIMIT], [18446744065119617025])):
            with self.subTest(dtype=dtype):
                self.square_file(np.array(values, dtype=dtype))
                squared, _ = read(self.dir / "out.h5")
                self.assertEqual(squared.tolist(), expected)

    def test_64_bit_overflow(self):
        # 20 values at 3 ranks: chunks 0-6, 7-13 and 14-19. The error names the first bad element.
        for dtype, bad, where in (("<i8", INT64_LIMIT + 1, [7, 15]), (">i8", -INT64_LIMIT - 1, [7]),
                                  ("<u8", UINT64_LIMIT + 1, [7, 8]), ("<i8", np.iinfo(np.int64).min, [3, 19]),
                                  (">u8", np.iinfo(np.uint64).max, [19])):
            with self.subTest(dtype=dtype, bad=bad, where=where):
                values = np.arange(20, dtype=dtype)
                values[where] = bad
                write_input(self.dir / "in.h5", values)
                self.assertOverflowFails(f"element {where[0]} of the input is {bad}, whose square does not fit")

    def test_failed_run_keeps_existing_output(self):
        self.square_file(np.arange(20, dtype="<i8"))
        values = np.arange(20, dtype="<i8")
        values[7] = INT64_LIMIT + 1
        write_input(self.dir / "in.h5", values)
        self.assertOverflowFails("element 7 of the input is 3037000500")

    def assertOverflowFails(self, message):
        """Squaring in.h5 into out.h5 fails with `message` and changes no file."""
        before = self.snapshot()
        result = self.square("--input", "in.h5", "--output", "out.h5", "--report", "r.json", ranks=3, ok=False)
        self.assertFailedCleanly(result, 1, message, before)


if __name__ == "__main__":
    unittest.main()
