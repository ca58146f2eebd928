"""`rankpool square` generating its input: values, dtypes, ranks, printed head, report, files."""
import re
import shutil
import subprocess
import unittest

import numpy as np

from rankpool_testing import (DEFAULT_N, DEFAULT_SEED, GENERATE_PHASES, SQUARED, TempDirTestCase,
                              generate, ranks_text, read, squares)


class GenerateTest(TempDirTestCase):
    def check_generated(self, path, n, seed=DEFAULT_SEED, dtype="int64", ranks=2):
        """Checks /numbers and /squared of a generated run; returns (numbers, squared)."""
        numbers, attrs = read(path, "/numbers")
        self.assertEqual(numbers.dtype, np.dtype(dtype))
        np.testing.assert_array_equal(numbers, generate(n, seed, dtype))
        self.assertTrue(np.all((numbers >= 1) & (numbers < 100)))  # integers in [1, 99], floats in [1, 100)
        self.assertEqual(attrs["seed"], seed)
        self.assertIn("splitmix64", attrs["generator"])
        self.assertSquared(path, numbers)
        self.assertAttributes(path, n=n, ranks=ranks, dtype_in=dtype, seed=seed)
        return numbers, read(path)[0]

    def first_line(self, n, dtype, seed, ranks, output):
        return f"rankpool square: {n} {dtype} values, generated (seed {seed}), {ranks_text(ranks)} -> {output}"

    def test_default_job(self):
        _, out, _ = self.square("--report", "report.json")
        self.assertEqual(sorted(self.snapshot()), ["report.json", "squares.h5"])
        numbers, squared = self.check_generated(self.dir / "squares.h5", DEFAULT_N)
        self.assertEqual(set(np.unique(numbers)), set(range(1, 100)))
        printed = self.assertStdout(out, self.first_line(DEFAULT_N, "int64", DEFAULT_SEED, 2, "squares.h5"),
                                    squared, 2, GENERATE_PHASES)
        report = self.assertReport("report.json", ranks=2, n=DEFAULT_N, dtype_in="int64", output="squares.h5",
                                   phases=GENERATE_PHASES, seed=DEFAULT_SEED)
        self.assertEqual(report["counts"], [5_000_000, 5_000_000])
        for phase, seconds in printed.items():
            self.assertAlmostEqual(seconds, report["phases"][phase]["max"], delta=0.000051, msg=phase)

    def test_same_result_for_1_to_4_ranks(self):
        n, seed = 1001, 7
        results = []
        for ranks in (1, 2, 3, 4):
            with self.subTest(ranks=ranks):
                output = f"out{ranks}.h5"
                _, out, _ = self.square("--n", n, "--seed", seed, "--output", output, "--report", f"r{ranks}.json",
                                        ranks=ranks)
                results.append(self.check_generated(self.dir / output, n, seed, ranks=ranks))
                self.assertStdout(out, self.first_line(n, "int64", seed, ranks, output), results[-1][1], ranks,
                                  GENERATE_PHASES)
                self.assertReport(f"r{ranks}.json", ranks=ranks, n=n, dtype_in="int64", output=output,
                                  phases=GENERATE_PHASES, seed=seed)
        for numbers, squared in results[1:]:
            self.assertEqual(numbers.tobytes(), results[0][0].tobytes())
            self.assertEqual(squared.tobytes(), results[0][1].tobytes())

    def test_fewer_values_than_ranks(self):
        for n in (2, 0):
            with self.subTest(n=n):
                _, out, _ = self.square("--n", n, "--report", "r.json", ranks=4)
                _, squared = self.check_generated(self.dir / "squares.h5", n, ranks=4)
                self.assertEqual(squared.shape, (n,))
                self.assertStdout(out, self.first_line(n, "int64", DEFAULT_SEED, 4, "squares.h5"), squared, 4,
                                  GENERATE_PHASES)
                report = self.assertReport("r.json", ranks=4, n=n, dtype_in="int64", output="squares.h5",
                                           phases=GENERATE_PHASES, seed=DEFAULT_SEED)
                self.assertEqual(report["counts"], [1, 1, 0, 0] if n else [0, 0, 0, 0])

    def test_every_dtype(self):
        n, seed = 1000, 2**64 - 1
        for dtype in SQUARED:
            with self.subTest(dtype=dtype):
                output = f"{dtype}.h5"
                _, out, _ = self.square("--n", n, "--seed", seed, "--dtype", dtype, "--output", output)
                _, squared = self.check_generated(self.dir / output, n, seed, dtype)
                self.assertStdout(out, self.first_line(n, dtype, seed, 2, output), squared, 2, GENERATE_PHASES)

    def test_head(self):
        for n, head in ((20, 0), (20, 12), (3, 12)):
            with self.subTest(n=n, head=head):
                _, out, _ = self.square("--n", n, "--head", head)
                squared, _ = read(self.dir / "squares.h5")
                self.assertStdout(out, self.first_line(n, "int64", DEFAULT_SEED, 2, "squares.h5"), squared, 2,
                                  GENERATE_PHASES, head=head)

    def test_repeat(self):
        n = 1001
        for dtype in ("int64", "int16", "float64"):  # squared in place, into a wider array, floats
            with self.subTest(dtype=dtype):
                self.square("--n", n, "--dtype", dtype, "--repeat", 3, "--report", "r.json", ranks=3)
                self.check_generated(self.dir / "squares.h5", n, dtype=dtype, ranks=3)
                self.assertReport("r.json", ranks=3, n=n, dtype_in=dtype, output="squares.h5",
                                  phases=GENERATE_PHASES, repeat=3, seed=DEFAULT_SEED)

    def test_output_in_new_nested_folder(self):
        output = "results/run 1/squares.h5"
        _, out, _ = self.square("--n", 10, "--output", output, "--report", "reports/r.json")
        self.assertEqual(sorted(self.snapshot()), ["reports", "reports/r.json", "results", "results/run 1", output])
        self.assertEqual(out.splitlines()[0], self.first_line(10, "int64", DEFAULT_SEED, 2, output))
        self.check_generated(self.dir / output, 10)
        self.assertReport("reports/r.json", ranks=2, n=10, dtype_in="int64", output=output,
                          phases=GENERATE_PHASES, seed=DEFAULT_SEED)

    @unittest.skipUnless(shutil.which("h5dump"), "h5dump is not installed")
    def test_h5dump_reads_output(self):
        self.square("--n", 10, "--dtype", "int32")
        dump = subprocess.run(["h5dump", "-d", "/squared", "-s", "0", "-c", "3", "squares.h5"], cwd=self.dir,
                              capture_output=True, text=True, timeout=60, check=True).stdout
        self.assertIn("DATATYPE  H5T_STD_I64LE", dump)
        self.assertIn("DATASPACE  SIMPLE { ( 10 ) / ( 10 ) }", dump)
        values = re.search(r"\(0\): ([-\d, ]+)\n", dump).group(1)
        self.assertEqual([int(v) for v in values.split(",")], squares(generate(3, dtype="int32")).tolist())


if __name__ == "__main__":
    unittest.main()
