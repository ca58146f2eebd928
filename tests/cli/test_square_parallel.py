"""`rankpool square` beyond the tutorial: --io parallel (MPI-IO), --chunk / --compress, scatter and gather
in pieces (RANKPOOL_TEST_MESSAGE_LIMIT), memory refused up front, peak memory, --repeat and clean failures."""
import json
import re
import shutil
import subprocess
import unittest

import h5py
import numpy as np

from rankpool_testing import (DEFAULT_N, DEFAULT_SEED, GENERATE_PHASES, INT64_LIMIT,
                              PARALLEL_GENERATE_PHASES, PARALLEL_READ_PHASES, READ_PHASES, SANITIZED,
                              TempDirTestCase, counts, dataset_bytes, datasets, generate, layout, peak_memory_line,
                              ranks_text, read, write_input, write_pair)

COLLECTIVE = {"collective": True, "no_collective_cause": []}
DEFAULT_CHUNK = 1048576   # elements per chunk with --compress and no --chunk
GIB_2 = 2 * 1024**3       # address-space limit under which any allocation of gigabytes fails at once


def values_for(dtype, n=1001, seed=0):
    """`n` values of `dtype` (any byte order) whose squares fit the squared type, extremes last."""
    rng, native = np.random.default_rng(seed), np.dtype(dtype).newbyteorder("=")
    if native.kind == "f":
        values = np.concatenate([rng.normal(0, 1000, n - 3), [0.0, -1.5, 1e-30]])
    else:
        info = np.iinfo(native)
        high = {"int64": INT64_LIMIT, "uint64": 2**32 - 1}.get(native.name, info.max)
        low = -high if native.name == "int64" else info.min
        values = np.concatenate([rng.integers(low, high, n - 4, endpoint=True), [low, high, 0, 1]])
    return values.astype(dtype)


def generated_line(n, dtype, seed, ranks, output):
    return f"rankpool square: {n} {dtype} values, generated (seed {seed}), {ranks_text(ranks)} -> {output}"


class SquareTestCase(TempDirTestCase):
    def assertGenerated(self, path, n, seed=DEFAULT_SEED, dtype="int64"):
        """/numbers of `path` is the generator's array and /squared its squares; returns /squared."""
        numbers, _ = read(path, "/numbers")
        self.assertEqual(numbers.dtype, np.dtype(dtype))
        np.testing.assert_array_equal(numbers, generate(n, seed, dtype))
        self.assertSquared(path, numbers)
        return read(path)[0]

    def assertPeakLine(self, out, report):
        """The last line of stdout states the report's peak RSS figures."""
        self.assertEqual(out.splitlines()[-1], peak_memory_line(report["peak_rss_bytes"]["per_rank"]))

    def assertCollective(self, report, transfers):
        """collective_io names exactly `transfers` (in order), each with a consistent verdict; returns it."""
        io = report["collective_io"]
        self.assertEqual(list(io), transfers)
        for name, verdict in io.items():
            self.assertEqual(list(verdict), ["collective", "no_collective_cause"], name)
            self.assertIsInstance(verdict["collective"], bool, name)
            self.assertEqual(verdict["collective"], verdict["no_collective_cause"] == [], f"{name}: {verdict}")
        return io


class ParallelGenerateTest(SquareTestCase):
    """--io parallel with generated input: the same file as --io root, byte for byte."""

    def check_against_root(self, n, ranks, dtype="int64", seed=DEFAULT_SEED, head=5):
        common = ["--n", n, "--seed", seed, "--dtype", dtype]
        self.square(*common, "--output", "root.h5", ranks=ranks)
        _, out, _ = self.square(*common, "--io", "parallel", "--output", "par.h5", "--report", "par.json",
                                "--head", head, ranks=ranks)
        self.assertEqual(datasets(self.dir / "par.h5"), ["/numbers", "/squared"])
        for dataset in ("/numbers", "/squared"):
            self.assertEqual(dataset_bytes(self.dir / "par.h5", dataset), dataset_bytes(self.dir / "root.h5", dataset),
                             dataset)
        squared = self.assertGenerated(self.dir / "par.h5", n, seed, dtype)
        self.assertAttributes(self.dir / "par.h5", n=n, ranks=ranks, dtype_in=dtype, io="parallel", seed=seed)
        self.assertEqual(read(self.dir / "root.h5")[1]["io"], "root")
        report = self.assertReport("par.json", ranks=ranks, n=n, dtype_in=dtype, output="par.h5",
                                   phases=PARALLEL_GENERATE_PHASES, io="parallel", extra=("collective_io",),
                                   seed=seed)
        # An empty array has no transfers to report.
        transfers = ["write_input", "write_output"] if n else []
        self.assertEqual(self.assertCollective(report, transfers), {name: COLLECTIVE for name in transfers})
        self.assertStdout(out, generated_line(n, dtype, seed, ranks, "par.h5"), squared, ranks,
                          PARALLEL_GENERATE_PHASES, head=head)
        self.assertPeakLine(out, report)
        return report

    def test_same_bytes_as_root_at_1_to_4_ranks(self):
        for ranks, n in ((1, 1001), (2, 1001), (3, 1001), (4, 1001), (3, 10), (2, 1)):
            with self.subTest(ranks=ranks, n=n):
                report = self.check_against_root(n, ranks)
                self.assertEqual(report["counts"], counts(n, ranks))

    def test_widening_and_float_dtypes(self):
        for dtype in ("int8", "uint32", "float32"):
            with self.subTest(dtype=dtype):
                self.check_against_root(1001, 3, dtype, seed=2**64 - 1)

    def test_head_gathered_from_several_ranks(self):
        # n=3 at 4 ranks: one value on each of ranks 0-2, none on rank 3; --head 5 shows all 3.
        # n=10 at 4 ranks: counts 3, 3, 2, 2; --head 12 shows all 10, from every rank.
        for ranks, n, head in ((4, 3, 5), (4, 10, 12), (3, 1001, 0)):
            with self.subTest(ranks=ranks, n=n, head=head):
                self.check_against_root(n, ranks, head=head)

    def test_empty(self):
        for ranks in (1, 3):
            with self.subTest(ranks=ranks):
                report = self.check_against_root(0, ranks)
                self.assertEqual(report["counts"], [0] * ranks)


class ParallelReadTest(SquareTestCase):
    """--io parallel --input: every rank reads its own hyperslab."""

    def square_parallel(self, values, ranks, **create_options):
        write_input(self.dir / "in.h5", values, **create_options)
        _, out, _ = self.square("--io", "parallel", "--input", "in.h5", "--output", "out.h5", "--report", "r.json",
                                ranks=ranks)
        n, dtype_in, source = len(values), values.dtype.newbyteorder("=").name, "in.h5:/numbers"
        self.assertEqual(datasets(self.dir / "out.h5"), ["/squared"])
        self.assertSquared(self.dir / "out.h5", values.astype(dtype_in))
        self.assertAttributes(self.dir / "out.h5", n=n, ranks=ranks, dtype_in=dtype_in, io="parallel", source=source)
        report = self.assertReport("r.json", ranks=ranks, n=n, dtype_in=dtype_in, output="out.h5",
                                   phases=PARALLEL_READ_PHASES, io="parallel", extra=("collective_io",), source=source)
        io = self.assertCollective(report, ["read", "write_output"] if n else [])  # empty: no transfers
        if n:
            self.assertEqual(io["write_output"], COLLECTIVE)
            if values.dtype.isnative:
                self.assertEqual(io["read"], COLLECTIVE)
            elif not io["read"]["collective"]:  # HDF5 may read a foreign byte order independently
                self.assertEqual(io["read"]["no_collective_cause"], ["datatype conversion"])
        squared, _ = read(self.dir / "out.h5")
        self.assertStdout(out, f"rankpool square: {n} {dtype_in} values, {source}, {ranks_text(ranks)} -> out.h5",
                          squared, ranks, PARALLEL_READ_PHASES)
        self.assertPeakLine(out, report)

    def test_layouts_byte_orders_and_widening(self):
        inputs = {
            "contiguous": ("<i8", {}),
            "chunked_gzip_shuffle": ("<i8", dict(chunks=(64,), compression="gzip", shuffle=True)),
            "big_endian_chunked_gzip": (">i2", dict(chunks=(100,), compression="gzip")),
            "big_endian_contiguous": (">u8", {}),
            "int32_widening": ("<i4", {}),
        }
        for ranks in (1, 3):
            for name, (dtype, create_options) in inputs.items():
                with self.subTest(ranks=ranks, input=name):
                    self.square_parallel(values_for(dtype, n=1001), ranks, **create_options)

    def test_fewer_values_than_ranks(self):
        self.square_parallel(np.array([-7, 5], dtype="<i8"), 4)

    def test_empty_input(self):
        for ranks in (1, 3):
            with self.subTest(ranks=ranks):
                self.square_parallel(np.array([], dtype="<i4"), ranks)


class ChunkCompressTest(SquareTestCase):
    """--chunk and --compress: the datasets' storage as h5py and h5dump see it, values unchanged."""

    # (io, ranks, options, n, dtype, chunk as stored (clamped to n; also the report's), gzip level or None)
    GENERATED = {
        "root_chunk": ("root", 2, ["--chunk", 100], 1001, "int64", 100, None),
        "root_chunk_gzip_widening": ("root", 3, ["--chunk", 64, "--compress", 6], 1001, "int8", 64, 6),
        "root_gzip_default_chunk": ("root", 2, ["--compress", 1], DEFAULT_CHUNK + 1001, "int64", DEFAULT_CHUNK, 1),
        "root_chunk_above_n": ("root", 2, ["--chunk", 5000, "--compress", 2], 1001, "uint16", 1001, 2),
        "parallel_chunk_gzip": ("parallel", 3, ["--chunk", 100, "--compress", 1], 1001, "int64", 100, 1),
        "parallel_chunks_straddle_ranks": ("parallel", 4, ["--chunk", 7], 1003, "uint16", 7, None),
        "parallel_gzip_small_n": ("parallel", 2, ["--compress", 9], 5000, "int32", 5000, 9),
        "parallel_gzip_default_chunk": ("parallel", 3, ["--compress", 1], 2 * DEFAULT_CHUNK + 3, "int64",
                                        DEFAULT_CHUNK, 1),
        "parallel_float_chunk_above_n": ("parallel", 3, ["--chunk", 4096, "--compress", 4], 1001, "float64", 1001, 4),
    }

    def assertLayout(self, path, dataset, chunk, level):
        want = (chunk,), "gzip" if level else None, level, bool(level)
        self.assertEqual(layout(path, dataset), want, dataset)

    def test_generated(self):
        for name, (io, ranks, options, n, dtype, chunk, level) in self.GENERATED.items():
            with self.subTest(name):
                seed = 99
                self.square("--io", io, "--n", n, "--seed", seed, "--dtype", dtype, *options, "--output", "out.h5",
                            "--report", "r.json", "--head", 0, ranks=ranks)
                for dataset in ("/numbers", "/squared"):
                    self.assertLayout(self.dir / "out.h5", dataset, chunk, level)
                self.assertGenerated(self.dir / "out.h5", n, seed, dtype)
                self.assertAttributes(self.dir / "out.h5", n=n, ranks=ranks, dtype_in=dtype, io=io, seed=seed)
                report = self.assertReport(
                    "r.json", ranks=ranks, n=n, dtype_in=dtype, output="out.h5", io=io, seed=seed,
                    phases=GENERATE_PHASES if io == "root" else PARALLEL_GENERATE_PHASES,
                    extra=("layout",) if io == "root" else ("layout", "collective_io"))
                self.assertEqual(report["layout"], {"chunk": chunk, "compress": level or 0})
                if io == "parallel":
                    self.assertCollective(report, ["write_input", "write_output"])

    def test_read_input(self):
        values = values_for(">i4", n=3001)  # contiguous big-endian input, widened to int64
        write_input(self.dir / "in.h5", values)
        for io, options, chunk, level in (("root", ["--compress", 4], 3001, 4),
                                          ("parallel", ["--chunk", 50, "--compress", 2], 50, 2),
                                          ("parallel", ["--chunk", 999], 999, None)):
            with self.subTest(io=io, options=options):
                self.square("--io", io, "--input", "in.h5", *options, "--output", "out.h5", "--report", "r.json",
                            ranks=3)
                self.assertEqual(datasets(self.dir / "out.h5"), ["/squared"])
                self.assertLayout(self.dir / "out.h5", "/squared", chunk, level)
                self.assertSquared(self.dir / "out.h5", values.astype("int32"))
                report = self.assertReport(
                    "r.json", ranks=3, n=3001, dtype_in="int32", output="out.h5", io=io, source="in.h5:/numbers",
                    phases=READ_PHASES if io == "root" else PARALLEL_READ_PHASES,
                    extra=("layout",) if io == "root" else ("layout", "collective_io"))
                self.assertEqual(report["layout"]["compress"], level or 0)

    def test_empty_with_compress(self):
        # Nothing to chunk: the empty datasets stay contiguous, and the run succeeds.
        for io in ("root", "parallel"):
            with self.subTest(io=io):
                self.square("--io", io, "--n", 0, "--compress", 3, "--output", "out.h5", "--report", "r.json",
                            ranks=3)
                for dataset in ("/numbers", "/squared"):
                    self.assertEqual(layout(self.dir / "out.h5", dataset), (None, None, None, False), dataset)
                self.assertGenerated(self.dir / "out.h5", 0)
                # ... and the report claims no layout.
                self.assertReport("r.json", ranks=3, n=0, dtype_in="int64", output="out.h5", io=io,
                                  seed=DEFAULT_SEED,
                                  phases=GENERATE_PHASES if io == "root" else PARALLEL_GENERATE_PHASES,
                                  extra=() if io == "root" else ("collective_io",))

    @unittest.skipUnless(shutil.which("h5dump"), "h5dump is not installed")
    def test_h5dump_sees_shuffle_and_deflate(self):
        for io, level in (("root", 7), ("parallel", 3)):
            with self.subTest(io=io):
                self.square("--io", io, "--n", 1001, "--chunk", 128, "--compress", level, "--output", "out.h5",
                            ranks=2)
                dump = subprocess.run(["h5dump", "-pH", "out.h5"], cwd=self.dir, capture_output=True, text=True,
                                      timeout=60, check=True).stdout
                for name in ("numbers", "squared"):
                    block = dump[dump.index(f'DATASET "{name}"'):]
                    block = block[:block.index("ATTRIBUTE")]
                    self.assertRegex(block, r"CHUNKED \( 128 \)")
                    self.assertRegex(block, r"FILTERS \{\s+PREPROCESSING SHUFFLE\s+COMPRESSION DEFLATE \{ LEVEL "
                                            + str(level) + r" \}\s+\}")


# name: (arguments after `square`, part of the error line); each must end with exit code 2.
OPTION_ERRORS = {
    "compress_zero": (["--compress", "0"], "--compress: '0' is not a whole number from 1 to 9"),
    "compress_ten": (["--compress", "10"], "--compress: '10' is not a whole number from 1 to 9"),
    "compress_text": (["--compress", "x"], "--compress: 'x' is not a whole number from 1 to 9"),
    "chunk_zero": (["--chunk", "0"], "--chunk: '0' is not a whole number from 1 to"),
    "chunk_negative": (["--chunk", "-1"], "--chunk: '-1'"),
    "chunk_text": (["--chunk", "1e3"], "--chunk: '1e3'"),
    "io_unknown": (["--io", "bogus"], "--io: bogus not in {root,parallel}"),
    "io_parallel_bad_compress": (["--io", "parallel", "--compress", "10"], "--compress: '10'"),
}

# (io, dtype, n, --chunk, the refusal) -- chunk elements (clamped to n) times the squared type's size
# reach 4 GiB. Every case runs under a 2 GiB address-space limit: a run that allocated would fail
# with exit 1 instead.
HUGE_CHUNKS = {
    "int64_4_8_GB": ("root", "int64", 600_000_000, 600_000_000,
                     "--chunk 600000000: chunks of 600000000 int64 values are 4.80 GB; HDF5 allows less than 4 GiB per chunk"),
    "int64_4_8_GB_parallel": ("parallel", "int64", 600_000_000, 600_000_000,
                              "chunks of 600000000 int64 values are 4.80 GB; HDF5 allows less than 4 GiB"),
    "clamped_to_n_widened": ("root", "int32", 600_000_000, 700_000_000,
                             "--chunk 700000000: chunks of 600000000 int64 values are 4.80 GB"),
    "exactly_4_GiB": ("parallel", "int64", 2**29, 2**29,
                      "chunks of 536870912 int64 values are 4.29 GB; HDF5 allows less than 4 GiB"),
    "int8_widened_to_4_GiB": ("root", "int8", 2**31, 2**31,
                              "chunks of 2147483648 int16 values are 4.29 GB; HDF5 allows less than 4 GiB"),
}


class OptionErrorTest(SquareTestCase):
    def test_bad_options(self):
        for name, (args, message) in OPTION_ERRORS.items():
            with self.subTest(name):
                before = self.snapshot()
                result = self.square("--n", 10, *args, "--output", "out.h5", ranks=3, ok=False, timeout=60)
                self.assertFailedCleanly(result, 2, message, before)

    def test_chunks_of_4_gib_refused_before_allocating(self):
        for name, (io, dtype, n, chunk, message) in HUGE_CHUNKS.items():
            with self.subTest(name):
                before = self.snapshot()
                code, out, err = self.square("--io", io, "--dtype", dtype, "--n", n, "--chunk", chunk, "--report",
                                             "r.json", ranks=2, ok=False, timeout=60, address_space=GIB_2)
                self.assertEqual(code, 2, out + err)
                self.assertEqual(out, "")
                lines = err.splitlines()
                self.assertTrue(lines and lines[0].startswith("rankpool: "), err)
                self.assertIn(message, lines[0])
                self.assertIn(lines[1:], ([], ["Run with --help for more information."]), err)
                self.assertEqual(self.snapshot(), before)

    def test_chunk_just_below_4_gib_is_accepted(self):
        # 2**29 - 1 int64 elements: 8 bytes under 4 GiB. Accepted, so the run goes on to allocate the
        # 4.29 GB array, which the 2 GiB address-space limit (or the memory check, on a small machine)
        # refuses: the same limit under which the refusals above came before any allocation.
        before = self.snapshot()
        code, out, err = self.square("--n", 2**29 - 1, "--chunk", 2**29 - 1, ranks=2, ok=False, timeout=60,
                                     address_space=GIB_2)
        self.assertEqual(code, 1, out + err)
        self.assertNotIn("4 GiB", err)
        self.assertRegex(err.splitlines()[0], r"^rankpool: error: .*(cannot allocate|of memory on)")
        self.assertEqual(self.snapshot(), before)


class MessageLimitTest(SquareTestCase):
    """Scatter and gather in point-to-point pieces when chunks exceed the per-message limit."""

    def test_generated_in_pieces(self):
        n, seed = 10007, 3
        for limit in (1, 7, 1000):
            for ranks in (2, 3, 4):
                for dtype in ("int64", "int8"):  # in place; widened into a second array
                    with self.subTest(limit=limit, ranks=ranks, dtype=dtype):
                        self.square("--n", n, "--seed", seed, "--dtype", dtype, "--output", "out.h5", "--head", 0,
                                    ranks=ranks, env={"RANKPOOL_TEST_MESSAGE_LIMIT": str(limit)})
                        self.assertGenerated(self.dir / "out.h5", n, seed, dtype)

    def test_pieces_with_empty_chunks_repeats_and_read_input(self):
        values = values_for(">i8", n=1000)
        write_input(self.dir / "in.h5", values)
        cases = {
            "fewer_values_than_ranks": (["--n", 2], 4, 1),
            "limit_divides_chunks": (["--n", 12], 3, 2),
            "repeat_in_place": (["--n", 1001, "--repeat", 3], 3, 7),
            "read_input_repeat": (["--input", "in.h5", "--repeat", 2], 3, 7),
        }
        for name, (args, ranks, limit) in cases.items():
            with self.subTest(name):
                self.square(*args, "--output", "out.h5", ranks=ranks, env={"RANKPOOL_TEST_MESSAGE_LIMIT": str(limit)})
                if "--input" in args:
                    self.assertSquared(self.dir / "out.h5", values.astype("int64"))
                else:
                    self.assertGenerated(self.dir / "out.h5", args[1])


class MemoryTest(SquareTestCase):
    def test_refused_up_front(self):
        with h5py.File(self.dir / "huge.h5", "w") as f:  # 10**12 int32 values, no chunk written: 1.4 kB
            f.create_dataset("numbers", shape=(10**12,), dtype="<i4", chunks=(2**20,))
        # (arguments, ranks, input dtype, io, the memory needed in all, rank 0's share, advice)
        parallel_advice = "use a smaller --n, or spread the ranks over more nodes"
        cases = {
            "parallel_int64": (["--io", "parallel", "--n", 10**12], 3, "int64", "parallel", "8.00 TB", "2.67 TB",
                               parallel_advice),
            "parallel_int8_widened": (["--io", "parallel", "--n", 10**12, "--dtype", "int8"], 3, "int8", "parallel",
                                      "3.00 TB", "1.00 TB", parallel_advice),
            "parallel_compressed": (["--io", "parallel", "--n", 10**12, "--compress", 1], 4, "int64", "parallel",
                                    "8.00 TB", "2.00 TB", parallel_advice),
            "root_int16_widened": (["--n", 10**12, "--dtype", "int16"], 3, "int16", "root", "10.00 TB", "6.00 TB",
                                   "use a smaller --n, or --io parallel (no rank then holds the whole array)"),
            "parallel_read": (["--io", "parallel", "--input", "huge.h5"], 4, "int32", "parallel", "12.00 TB",
                              "3.00 TB", "spread the ranks over more nodes"),
            "root_read": (["--input", "huge.h5"], 4, "int32", "root", "21.00 TB", "12.00 TB",
                          "--io parallel (no rank then holds the whole array)"),
        }
        for name, (args, ranks, dtype, io, total, rank0, advice) in cases.items():
            with self.subTest(name):
                before = self.snapshot()
                result = self.square(*args, "--output", "out.h5", "--report", "r.json", ranks=ranks, ok=False,
                                     timeout=60, address_space=GIB_2)
                self.assertFailedCleanly(result, 1, f"squaring 1000000000000 {dtype} values with --io {io} needs ",
                                         before)
                self.assertRegex(
                    result[2].splitlines()[0],
                    rf"^rankpool: error: squaring 1000000000000 {dtype} values with --io {io} needs {re.escape(total)} "
                    rf"of memory on \S+ \({ranks} ranks there; rank 0 alone {re.escape(rank0)}\), but only "
                    rf"[\d.]+ [kMGTP]?B are available \((MemAvailable|cgroup memory limit)\); .*{re.escape(advice)}$")

    @unittest.skipIf(SANITIZED, "AddressSanitizer's shadow memory and quarantine inflate the peak RSS")
    def test_peak_memory_of_the_default_job(self):
        # 10**7 int64 values, 80 MB. --io root: rank 0 holds the whole array once (squared in place, also
        # with --repeat, which regenerates instead of keeping a copy); rank 1 its half. --io parallel:
        # every rank its half. Bounds: the arrays plus 20 %, plus 40 MB for the program itself.
        whole, half = 8 * DEFAULT_N, 4 * DEFAULT_N
        for io, repeat in (("root", 1), ("root", 3), ("parallel", 1), ("parallel", 3)):
            with self.subTest(io=io, repeat=repeat):
                _, out, _ = self.square("--io", io, "--repeat", repeat, "--report", "r.json", ranks=2)
                report = json.loads((self.dir / "r.json").read_text())
                per_rank = report["peak_rss_bytes"]["per_rank"]
                self.assertEqual(len(per_rank), 2)
                largest_array = [whole, half] if io == "root" else [half, half]
                for rank, (peak, array) in enumerate(zip(per_rank, largest_array)):
                    self.assertGreaterEqual(peak, array, f"rank {rank}: {per_rank}")  # the array was touched
                    self.assertLessEqual(peak, array * 1.2 + 40e6, f"rank {rank}: {per_rank}")
                self.assertPeakLine(out, report)
                self.assertEqual(report["repeat"], repeat)
                self.assertGenerated(self.dir / "squares.h5", DEFAULT_N)


class RepeatTest(SquareTestCase):
    """--repeat K squares the input K times over, each time from the input: the result is x², not x^(2^K)."""

    def test_generated_parallel(self):
        for dtype in ("int64", "int16"):  # in place; widened into a second array
            with self.subTest(dtype=dtype):
                self.square("--io", "parallel", "--n", 1001, "--dtype", dtype, "--repeat", 3, "--report", "r.json",
                            ranks=3)
                self.assertGenerated(self.dir / "squares.h5", 1001, dtype=dtype)
                report = self.assertReport("r.json", ranks=3, n=1001, dtype_in=dtype, output="squares.h5",
                                           phases=PARALLEL_GENERATE_PHASES, repeat=3, io="parallel",
                                           extra=("collective_io",), seed=DEFAULT_SEED)
                self.assertIn("square", report["phases"])

    def test_read_input(self):
        for io in ("root", "parallel"):
            for dtype in ("<i8", ">i2"):  # in place; widened
                with self.subTest(io=io, dtype=dtype):
                    values = values_for(dtype, n=1001, seed=5)
                    write_input(self.dir / "in.h5", values, chunks=(100,), compression="gzip")
                    self.square("--io", io, "--input", "in.h5", "--repeat", 3, "--output", "out.h5", "--report",
                                "r.json", ranks=3)
                    native = values.dtype.newbyteorder("=").name
                    self.assertSquared(self.dir / "out.h5", values.astype(native))
                    np.testing.assert_array_equal(read(self.dir / "in.h5", "/numbers")[0], values)  # input untouched
                    report = self.assertReport(
                        "r.json", ranks=3, n=1001, dtype_in=native, output="out.h5", repeat=3, io=io,
                        source="in.h5:/numbers", phases=READ_PHASES if io == "root" else PARALLEL_READ_PHASES,
                        extra=() if io == "root" else ("collective_io",))
                    self.assertIn("square", report["phases"])


# name: (arguments after `square --io parallel`, part of the error line, same stderr as --io root?)
PARALLEL_FAILURES = {
    "missing_dataset": (["--input", "pair.h5:/nothere", "--output", "out.h5"],
                        "pair.h5: no dataset '/nothere' (found: /numbers, /squared)", True),
    "missing_dataset_new_folders": (["--input", "pair.h5:/nothere", "--output", "new/sub/out.h5"],
                                    "pair.h5: no dataset '/nothere'", True),
    "missing_input": (["--input", "nothere.h5", "--output", "out.h5"], "nothere.h5: no such file", True),
    "two_d": (["--input", "shapes.h5:/matrix", "--output", "out.h5"], "2-D", True),
    "missing_filter": (["--input", "lzf.h5", "--output", "out.h5"], "required filter 'lzf' is not registered", False),
    "overflow": (["--input", "overflow.h5", "--output", "out.h5", "--report", "r.json"],
                 "element 7 of the input is 3037000500, whose square does not fit int64", True),
    "output_under_file": (["--n", 10, "--output", "somefile.txt/out.h5"], "cannot create the folder somefile.txt",
                          True),
    "output_in_unwritable_folder": (["--n", 10, "--output", "/proc/rankpool-test.h5"],
                                    "/proc/rankpool-test.h5: cannot create the file", False),
    "output_is_folder": (["--n", 10, "--output", "."], "is a folder", True),
    "output_is_input": (["--input", "pair.h5", "--output", "./pair.h5"], "is the input file", True),
    "report_under_file": (["--n", 10, "--output", "out.h5", "--report", "somefile.txt/r.json"],
                          "cannot create the folder somefile.txt", True),
}


class ParallelFailureTest(SquareTestCase):
    """Failures with --io parallel: exit 1, one line from rank 0, nothing left behind (out.h5, already
    there, unchanged)."""

    def setUp(self):
        super().setUp()
        write_pair(self.dir / "pair.h5")
        with h5py.File(self.dir / "shapes.h5", "w") as f:
            f["matrix"] = np.ones((100, 3))
        write_input(self.dir / "lzf.h5", np.arange(100), compression="lzf")  # h5py's own filter
        overflow = np.arange(20, dtype="<i8")
        overflow[[7, 15]] = INT64_LIMIT + 1  # on ranks 1 and 2 of 3
        write_input(self.dir / "overflow.h5", overflow)
        write_input(self.dir / "out.h5", np.arange(5))  # an older output
        (self.dir / "somefile.txt").write_text("a regular file\n")

    def test_failures(self):
        for name, (args, message, same_as_root) in PARALLEL_FAILURES.items():
            with self.subTest(name):
                before = self.snapshot()
                result = self.square("--io", "parallel", *args, ranks=3, ok=False, timeout=60)
                self.assertFailedCleanly(result, 1, message, before)
                if same_as_root:
                    root = self.square("--io", "root", *args, ranks=3, ok=False, timeout=60)
                    self.assertEqual(root, result)


if __name__ == "__main__":
    unittest.main()
