"""`rankpool square` failures: exit code, one error line from rank 0, nothing left behind."""
import os
import sys
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rankpool_testing import TempDirTestCase, write_input, write_pair  # noqa: E402

RUNTIME, USAGE = 1, 2

# name: (arguments after `square`, exit code, part of the error line)
CASES = {
    "missing_input": (["--input", "nothere.h5"], RUNTIME, "nothere.h5: no such file"),
    "not_hdf5": (["--input", "notes.h5"], RUNTIME, "notes.h5: not an HDF5 file"),
    "truncated": (["--input", "truncated.h5"], RUNTIME, "cannot open this HDF5 file (truncated or damaged?)"),
    "folder_input": (["--input", "."], RUNTIME, ".: is a folder"),
    "fifo_input": (["--input", "fifo.h5"], RUNTIME, "fifo.h5: is not a regular file"),
    "missing_dataset": (["--input", "pair.h5:/nothere"], RUNTIME,
                        "no dataset '/nothere' (found: /numbers, /squared)"),
    "group": (["--input", "shapes.h5:/grp/sub"], RUNTIME, "is a group"),
    "two_d": (["--input", "shapes.h5:/matrix"], RUNTIME, "2-D"),
    "scalar": (["--input", "shapes.h5:/scalar"], RUNTIME, "scalar"),
    "string": (["--input", "shapes.h5:/text"], RUNTIME, "not numbers"),
    "variable_string": (["--input", "shapes.h5:/vtext"], RUNTIME, "not numbers"),
    "compound": (["--input", "shapes.h5:/compound"], RUNTIME, "not numbers"),
    "null_dataspace": (["--input", "shapes.h5:/empty"], RUNTIME, "holds no data"),
    "float16": (["--input", "shapes.h5:/half"], RUNTIME, "16-bit floats are not supported"),
    "missing_filter": (["--input", "lzf.h5"], RUNTIME, "required filter 'lzf' is not registered"),
    "failure_removes_new_folders": (["--input", "nothere.h5", "--output", "new/sub/out.h5"], RUNTIME,
                                    "nothere.h5: no such file"),
    "output_under_file": (["--n", "10", "--output", "somefile.txt/out.h5"], RUNTIME,
                          "cannot create the folder somefile.txt"),
    "report_under_file": (["--n", "10", "--report", "somefile.txt/r.json"], RUNTIME,
                          "cannot create the folder somefile.txt"),
    "report_in_unwritable_folder": (["--n", "10", "--report", "/proc/rankpool-test.json"], RUNTIME,
                                    "/proc/rankpool-test.json: cannot write here"),
    "output_in_unwritable_folder": (["--n", "10", "--output", "/proc/rankpool-test.h5"], RUNTIME,
                                    "cannot create the HDF5 file"),
    "output_is_folder": (["--n", "10", "--output", "."], RUNTIME, "folder"),
    "output_is_input": (["--input", "pair.h5", "--output", "./pair.h5"], RUNTIME, "is the input file"),
    "report_is_input": (["--input", "pair.h5", "--output", "out.h5", "--report", "pair.h5"], RUNTIME,
                        "is the input file"),
    "report_is_output": (["--n", "10", "--output", "same.h5", "--report", "same.h5"], RUNTIME, "same.h5"),
    "more_than_memory": (["--n", "1000000000000"], RUNTIME, "rank 0 alone 8.00 TB), but only"),
    "negative_n": (["--n", "-5"], USAGE, "--n: '-5'"),
    "text_n": (["--n", "abc"], USAGE, "--n: 'abc'"),
    "huge_n": (["--n", "99999999999999999999"], USAGE, "--n: '99999999999999999999'"),
    "negative_seed": (["--seed", "-1"], USAGE, "--seed: '-1'"),
    "unknown_dtype": (["--dtype", "int7"], USAGE, "--dtype: unknown dtype 'int7'"),
    "text_head": (["--head", "x"], USAGE, "--head: 'x'"),
    "zero_repeat": (["--repeat", "0"], USAGE, "--repeat: '0'"),
    "unknown_option": (["--bogus"], USAGE, "--bogus"),
    "input_with_n": (["--input", "pair.h5", "--n", "5"], USAGE, "--input excludes --n"),
    "input_with_seed": (["--input", "pair.h5", "--seed", "5"], USAGE, "--input excludes --seed"),
    "input_with_dtype": (["--input", "pair.h5", "--dtype", "int8"], USAGE, "--input excludes --dtype"),
}


class ErrorTest(TempDirTestCase):
    """One test per entry of CASES, each run at 3 ranks in a folder of bad inputs."""

    def setUp(self):
        super().setUp()
        write_pair(self.dir / "pair.h5")
        with h5py.File(self.dir / "shapes.h5", "w") as f:
            f.create_group("/grp/sub")
            f["matrix"] = np.ones((3, 4))
            f["scalar"] = np.int64(5)
            f["text"] = np.array([b"ab", b"cd"])
            f["vtext"] = np.array(["ab", "cd"], dtype=h5py.string_dtype())
            f["compound"] = np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")])
            f["empty"] = h5py.Empty("<i4")
            f["half"] = np.arange(4, dtype=np.float16)
        write_input(self.dir / "lzf.h5", np.arange(100), compression="lzf")  # h5py's own filter
        os.mkfifo(self.dir / "fifo.h5")  # would block a reader forever
        truncated = self.dir / "truncated.h5"
        write_input(truncated, np.arange(100_000))
        os.truncate(truncated, truncated.stat().st_size // 2)
        (self.dir / "notes.h5").write_text("not HDF5\n")
        (self.dir / "somefile.txt").write_text("a regular file\n")


def error_test(args, code, message):
    def test(self):
        before = self.snapshot()
        result = self.square(*args, ranks=3, ok=False, timeout=60)
        self.assertFailedCleanly(result, code, message, before)
    return test


for name, case in CASES.items():
    setattr(ErrorTest, f"test_{name}", error_test(*case))


if __name__ == "__main__":
    unittest.main()
