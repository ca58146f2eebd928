"""Shared helpers for the whole-program tests of `rankpool square`.

Environment: RANKPOOL (the binary; default build/rankpool under the repository root) and
MPIEXEC (default `mpirun`; may carry options). Needs only the standard library, numpy and h5py.
"""
import datetime
import hashlib
import json
import os
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("RANKPOOL", str(REPO / "build" / "rankpool"))
MPIEXEC = os.environ.get("MPIEXEC", "mpirun")
# Set by ctest in the sanitize build (RANKPOOL_SANITIZE=ON): the binary runs under AddressSanitizer.
SANITIZED = os.environ.get("RANKPOOL_SANITIZE") == "1"

DEFAULT_N = 10_000_000
DEFAULT_SEED = 20240601
# The dtype of the square of each input dtype.
SQUARED = {
    "int8": "int16", "int16": "int32", "int32": "int64", "int64": "int64",
    "uint8": "uint16", "uint16": "uint32", "uint32": "uint64", "uint64": "uint64",
    "float32": "float32", "float64": "float64",
}
INT64_LIMIT = 3037000499    # floor(sqrt(2**63 - 1))
UINT64_LIMIT = 4294967295   # floor(sqrt(2**64 - 1))
GENERATE_PHASES = ["generate", "write_input", "scatter", "square", "gather", "write_output", "total"]
READ_PHASES = ["read", "scatter", "square", "gather", "write_output", "total"]
# --io parallel: no scatter and no gather.
PARALLEL_GENERATE_PHASES = ["generate", "write_input", "square", "write_output", "total"]
PARALLEL_READ_PHASES = ["read", "square", "write_output", "total"]


def session_processes(session):
    """The pids of every process in `session` (a Popen with start_new_session=True leads one: mpirun and
    every rank it starts, which Open MPI puts in process groups of their own, out of killpg's reach)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getsid(int(entry.name)) == session:
                found.append(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return found


def kill_session(session):
    """SIGKILL to mpirun and every rank of `session` (see session_processes)."""
    for pid in session_processes(session):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def timed_out(command, timeout, stdout, stderr, stacks):
    """The failure of a run that outlived its limit: what it printed so far and where its ranks waited."""
    return AssertionError(f"timed out after {timeout} s: {' '.join(command)}\nstdout:\n{stdout}\n"
                          f"stderr:\n{stderr}{stacks}")


def rank_stacks(session):
    """The stacks of every thread of the ranks in session `session`, as gdb prints them: where a hung
    run waits. Empty where gdb is not installed."""
    if not shutil.which("gdb"):
        return ""
    binary, stacks = os.path.realpath(BINARY), []
    for pid in session_processes(session):
        try:
            if os.readlink(f"/proc/{pid}/exe") == binary:
                gdb = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt"],
                                     capture_output=True, text=True, timeout=60)
                stacks.append(f"\nstacks of rank process {pid}:\n{gdb.stdout}")
        except (OSError, subprocess.TimeoutExpired):  # gone meanwhile, or gdb stuck
            continue
    return "".join(stacks)


def run(args, ranks=2, cwd=None, timeout=120, env=None, address_space=None):
    """Runs `MPIEXEC -q --oversubscribe -np RANKS BINARY ARGS...`; returns (returncode, stdout, stderr).

    `env`: extra environment variables (for mpirun and, through it, every rank). `address_space`:
    a limit in bytes on the virtual memory of mpirun and of every rank (RLIMIT_AS), so that a
    big allocation fails at once instead of happening.
    Fails (AssertionError) if the run outlives `timeout` seconds or if HDF5-DIAG shows up.
    """
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", **(env or {}))
    command = [*shlex.split(MPIEXEC), "-q", "--oversubscribe", "-np", str(ranks), BINARY, *map(str, args)]

    def limit_address_space():  # in the child, before mpirun starts
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    limit = limit_address_space if address_space else None
    if address_space and SANITIZED:
        # AddressSanitizer reserves terabytes of address space for its shadow memory, so it cannot
        # start under RLIMIT_AS; its allocator refuses any single allocation over the limit instead.
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               f":allocator_may_return_null=1:max_allocation_size_mb={address_space >> 20}")
        limit = None
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True, preexec_fn=limit) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stacks = rank_stacks(proc.pid)
            kill_session(proc.pid)
            stdout, stderr = proc.communicate()
            raise timed_out(command, timeout, stdout, stderr, stacks) from None
    # Open MPI's libevent now and then warns as the processes end ("[warn] Epoll MOD(1) on fd 25 failed.
    # ...": a race in its shutdown, open-mpi/ompi#2004), whatever the program did. Not rankpool's output.
    stderr = "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("[warn] Epoll "))
    if address_space and SANITIZED:  # the allocator's one warning for the allocation it refused
        stderr = "".join(line for line in stderr.splitlines(keepends=True)
                         if "WARNING: AddressSanitizer failed to allocate" not in line)
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        if "HDF5-DIAG" in text:
            raise AssertionError(f"HDF5-DIAG in {name} of {' '.join(command)}:\n{text}")
    return proc.returncode, stdout, stderr


def splitmix64(n, seed=DEFAULT_SEED):
    """Outputs 0..n-1 of SplitMix64 started at `seed`, as uint64 (numpy arrays wrap mod 2**64)."""
    u64 = np.uint64
    z = u64(seed) + np.arange(1, n + 1, dtype=u64) * u64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> u64(30))) * u64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> u64(27))) * u64(0x94D049BB133111EB)
    return z ^ (z >> u64(31))


def generate(n, seed=DEFAULT_SEED, dtype="int64"):
    """The array `rankpool square --n N --seed S --dtype D` should generate."""
    z = splitmix64(n, seed)
    if dtype == "float64":
        return 1.0 + 99.0 * ((z >> np.uint64(11)).astype(np.float64) / 2.0**53)
    if dtype == "float32":
        unit = (z >> np.uint64(40)).astype(np.float32) / np.float32(2**24)
        return np.float32(1) + np.float32(99) * unit
    # 1 + ((z * 99) >> 64) with a 128-bit product, from the two 32-bit halves of z.
    high, low = z >> np.uint64(32), z & np.uint64(0xFFFFFFFF)
    scaled = (high * np.uint64(99) + ((low * np.uint64(99)) >> np.uint64(32))) >> np.uint64(32)
    return (scaled + np.uint64(1)).astype(dtype)


def squares(values):
    """Independent expectation: the squares of `values` in the widened dtype (floats may overflow to inf)."""
    wide = values.astype(SQUARED[values.dtype.name])
    with np.errstate(over="ignore"):
        return wide * wide


def counts(n, ranks):
    """Chunk sizes per rank, as np.array_split makes them."""
    return [len(chunk) for chunk in np.array_split(np.broadcast_to(0, n), ranks)]


def ranks_text(ranks):
    return f"{ranks} rank" + ("" if ranks == 1 else "s")


def read(path, dataset="/squared"):
    """(values, attributes) of a dataset, values in native byte order."""
    with h5py.File(path, "r") as f:
        data = f[dataset]
        return data[()].astype(data.dtype.newbyteorder("=")), dict(data.attrs)


def datasets(path):
    """Sorted names of every dataset in an HDF5 file."""
    names = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: names.append("/" + name) if isinstance(obj, h5py.Dataset) else None)
    return sorted(names)


def write_input(path, values, dataset="/numbers", **create_options):
    """Creates (or replaces) the HDF5 file `path` holding `values` (any dtype and byte order) as a 1-D
    dataset, in groups as the name says."""
    with h5py.File(path, "w") as f:
        f.create_dataset(dataset, data=values, **create_options)


def format_bytes(count):
    """rankpool's byte counts: decimal units, two decimals ("80.00 MB"), whole bytes below 1 kB."""
    value, unit = float(count), 0
    while value >= 1000 and unit < 5:
        value, unit = value / 1000, unit + 1
    return f"{value:.2f} {['B', 'kB', 'MB', 'GB', 'TB', 'PB'][unit]}" if unit else f"{count} B"


def peak_memory_line(per_rank):
    """The last line of rankpool square's stdout for these peak RSS values (bytes, by rank)."""
    return (f"peak memory (RSS): {format_bytes(per_rank[0])} on rank 0, largest {format_bytes(max(per_rank))}, "
            f"smallest {format_bytes(min(per_rank))}")


def dataset_bytes(path, dataset):
    """(dtype as stored, raw bytes as stored) of a dataset: for byte-for-byte comparisons of two files."""
    with h5py.File(path, "r") as f:
        data = f[dataset]
        return data.dtype, data[()].tobytes()


def layout(path, dataset):
    """(chunks, compression, compression_opts, shuffle) of a dataset, as h5py reports them."""
    with h5py.File(path, "r") as f:
        data = f[dataset]
        return data.chunks, data.compression, data.compression_opts, data.shuffle


def write_pair(path):
    """A file that already holds /numbers and /squared (0..9 and their squares), as an output would."""
    with h5py.File(path, "w") as f:
        f["numbers"] = np.arange(10)
        f["squared"] = np.arange(10) ** 2


def head_lines(values):
    """The lines pandas prints for pd.Series(values) of non-negative integers, before "Name:"."""
    index_width, value_width = len(str(len(values) - 1)), max(len(str(v)) for v in values)
    return [f"{i:<{index_width}}    {v:>{value_width}}" for i, v in enumerate(values)]


class TempDirTestCase(unittest.TestCase):
    """Each test runs in its own temporary directory, `self.dir` (a Path)."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rankpool-cli-")
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def square(self, *args, ranks=2, ok=True, timeout=120, env=None, address_space=None):
        """Runs `rankpool square ARGS` in self.dir (`env`, `address_space`: as for run()); with ok,
        asserts it succeeded."""
        code, out, err = run(["square", *args], ranks=ranks, cwd=self.dir, timeout=timeout, env=env,
                             address_space=address_space)
        if ok:
            self.assertEqual(code, 0, f"rankpool square {' '.join(map(str, args))} failed:\n{out}{err}")
            self.assertEqual(err, "")
        return code, out, err

    def snapshot(self):
        """{path relative to self.dir: SHA-256 of its bytes (None for a folder, FIFO, ...)} for everything
        under self.dir."""
        return {str(p.relative_to(self.dir)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
                for p in self.dir.rglob("*")}

    def assertSquared(self, path, numbers):
        """Asserts that /squared in `path` holds the squares of `numbers` in the widened dtype."""
        got, _ = read(path)
        want = squares(numbers)
        self.assertEqual(got.dtype, want.dtype)
        self.assertEqual(got.shape, want.shape)
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=np.finfo(want.dtype).eps, atol=0)
        else:
            np.testing.assert_array_equal(got, want)

    def assertAttributes(self, path, *, n, ranks, dtype_in, io="root", **seed_or_source):
        """The attributes of /squared: n, ranks, dtype_in, dtype_out, io, rankpool_version and seed or source."""
        _, attrs = read(path)
        expected = dict(n=n, ranks=ranks, dtype_in=dtype_in, dtype_out=SQUARED[dtype_in], io=io, **seed_or_source)
        self.assertEqual({key: attrs.get(key) for key in expected}, expected)
        self.assertEqual(set(attrs), set(expected) | {"rankpool_version"})
        self.assertIsInstance(attrs["rankpool_version"], str)
        for key, dtype in (("n", np.int64), ("ranks", np.int64), ("seed", np.uint64)):
            if key in expected:
                self.assertEqual(attrs[key].dtype, dtype, key)

    def assertStdout(self, out, first_line, squared, ranks, phases, head=5):
        """Rank 0's stdout: `first_line`, the first `head` values of `squared` as pandas prints a
        Series, the Name line, the timings of `phases` and the peak memory line; returns {phase: printed seconds}."""
        lines = out.splitlines()
        self.assertEqual(lines[0], first_line)
        self.assertRegex(lines[-1], r"^peak memory \(RSS\): [\d.]+ [kMG]B on rank 0, largest [\d.]+ [kMG]B, "
                                    r"smallest [\d.]+ [kMG]B$")
        lines.pop()
        shown, name = squared[:head], f"Name: squared, dtype: {squared.dtype}"
        if len(shown) == 0:
            self.assertEqual(lines[1:-1], [f"Series([], {name})"])
        elif squared.dtype.kind == "f":
            body = lines[1:len(shown) + 1]
            self.assertEqual(len({len(line) for line in body}), 1, body)  # values right-aligned
            self.assertEqual([line.split()[0] for line in body], [str(i) for i in range(len(shown))])
            np.testing.assert_allclose([float(line.split()[1]) for line in body], shown, rtol=1e-6, atol=1e-6)
            self.assertEqual(lines[len(shown) + 1:-1], [name])
        else:
            self.assertEqual(lines[1:-1], head_lines(shown.tolist()) + [name])
        prefix = f"timings (s, max over {ranks_text(ranks)}): "
        self.assertTrue(lines[-1].startswith(prefix), lines[-1])
        timings = dict(item.split(" ") for item in lines[-1][len(prefix):].split(" | "))
        self.assertEqual(list(timings), phases)
        for seconds in timings.values():
            self.assertRegex(seconds, r"^\d+\.\d{4}$")
        return {phase: float(seconds) for phase, seconds in timings.items()}

    def assertReport(self, path, *, ranks, n, dtype_in, output, phases, repeat=1, io="root", extra=(),
                     **seed_or_source):
        """The JSON report of a successful run; returns it. `extra`: further keys expected
        (layout, collective_io), checked by the caller."""
        report = json.loads((self.dir / path).read_text())
        expected = dict(command="square", io=io, ranks=ranks, n=n, counts=counts(n, ranks), dtype_in=dtype_in,
                        dtype_out=SQUARED[dtype_in], repeat=repeat, output=output, **seed_or_source)
        self.assertEqual({key: report.get(key) for key in expected}, expected)
        self.assertEqual(set(report), set(expected) | {"rankpool_version", "host", "started", "phases", "peak_rss_bytes",
                                                       "nodes", "ranks_per_node", "rank_hosts"} | set(extra))
        self.assertIsInstance(report["rankpool_version"], str)
        host = socket.gethostname()
        self.assertEqual((report["host"], report["nodes"], report["ranks_per_node"], report["rank_hosts"]),
                         (host, 1, {host: ranks}, [host] * ranks))
        started = datetime.datetime.strptime(report["started"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        self.assertLess(abs((datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()), 600)
        rss = report["peak_rss_bytes"]
        self.assertEqual(list(rss), ["max", "min", "per_rank"])
        self.assertEqual(len(rss["per_rank"]), ranks)
        self.assertEqual((rss["max"], rss["min"]), (max(rss["per_rank"]), min(rss["per_rank"])))
        self.assertTrue(all(10_000_000 < r < 100_000_000_000 for r in rss["per_rank"]), rss)
        self.assertEqual(list(report["phases"]), phases)
        for phase, stats in report["phases"].items():
            self.assertEqual(set(stats), {"min", "mean", "max"}, phase)
            self.assertTrue(0 <= stats["min"] <= stats["mean"] <= stats["max"], f"{phase}: {stats}")
        return report

    def assertFailedCleanly(self, result, code, message, before):
        """A failed run: exit `code`, nothing on stdout, a single error line from rank 0 that
        contains `message` (plus the --help hint for usage errors), and no new or changed paths."""
        returncode, out, err = result
        self.assertEqual(returncode, code, out + err)
        self.assertEqual(out, "")
        lines = err.splitlines()
        self.assertTrue(lines, "no error message")
        self.assertTrue(lines[0].startswith("rankpool: error: " if code == 1 else "rankpool: "), err)
        self.assertIn(message, lines[0])
        self.assertEqual(lines[1:], [] if code == 1 else ["Run with --help for more information."], err)
        self.assertEqual(self.snapshot(), before)
