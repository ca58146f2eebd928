"""Shared helpers for the whole-program tests of `rankpool fetch`.

Each test gets its own FaultServer (fault_server.py) and temporary folder; `fetch()` writes the URL list,
runs `rankpool fetch` (through `launch`, which keeps '\\r' and can give stdout or stderr a terminal) with a JSON
report and short retry delays and timeouts, and checks what must hold after every run: the exit code
agrees with the statuses, each ok or skipped line left a regular file whose size and SHA-256 are in the
report, a failed line left nothing under its name (unless the test says a good file there must be kept), and
no temporary file is left.
"""
import hashlib
import json
import os
import pty
import re
import shlex
import subprocess
import threading
from typing import NamedTuple

from fault_server import FaultServer, content
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase, kill_session, rank_stacks, timed_out

FAST = {"--retry-delay": "0.05", "--timeout": "1"}  # unless a test gives its own
REPORT_KEYS = {"command", "rankpool_version", "ranks", "parallel", "schedule", "list", "out", "seconds", "results"}
RESULT_KEYS = {"index", "line", "url", "file", "rank", "host", "status", "http_status", "bytes", "attempts", "seconds",
               "sha256", "error", "protocol", "proxy"}

TOTALS = re.compile(r"(\d+) files?: (\d+) ok, (\d+) skipped, (\d+) failed; (\d+) bytes in (\d+\.\d+) s "
                    r"\((\d+\.\d+) MB/s\)")


def totals(out):
    """(files, ok, skipped, failed, bytes) from the totals line, the last line of stdout."""
    match = TOTALS.fullmatch(out.splitlines()[-1] if out else "")
    assert match, f"no totals line at the end of stdout:\n{out}"
    return tuple(int(n) for n in match.groups()[:5])


def digest(data):
    return hashlib.sha256(data).hexdigest()


def sha256(path, size):
    """The SHA-256 of what the server sends for `path`."""
    return digest(content(path, size))


def url_lines(text):
    """The lines of a URL list that are neither blank nor comments."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def attempts_text(n):
    return f"{n} attempt" + ("" if n == 1 else "s")


class Fetched(NamedTuple):
    code: int
    out: str
    err: str
    report: dict  # None when the run wrote none

    @property
    def results(self):
        return self.report["results"]


def launch(args, ranks, cwd, timeout=90, tty=None):
    """Runs `MPIEXEC -q --oversubscribe -np RANKS BINARY ARGS` like rankpool_testing.run (with ranks=None:
    `BINARY ARGS` alone, a singleton MPI process), but keeps every '\\r' (run's text mode turns them into
    newlines) and, with tty="stdout" or "stderr", gives that stream a pseudo-terminal. Returns
    (returncode, stdout, stderr); fails if the run outlives `timeout` seconds."""
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    mpi = [] if ranks is None else [*shlex.split(MPIEXEC), "-q", "--oversubscribe", "-np", str(ranks)]
    command = [*mpi, BINARY, *map(str, args)]
    master, slave = pty.openpty() if tty else (None, None)
    streams = {name: slave if name == tty else subprocess.PIPE for name in ("stdout", "stderr")}
    with subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, start_new_session=True,
                          **streams) as proc:
        if tty:
            os.close(slave)
        fds = [master if name == tty else getattr(proc, name).fileno() for name in streams]
        received = {fd: [] for fd in fds}
        readers = [threading.Thread(target=drain, args=item) for item in received.items()]
        for reader in readers:
            reader.start()
        stacks = None
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stacks = rank_stacks(proc.pid)  # where it waits, before the kill
            kill_session(proc.pid)
            proc.wait()
        finally:
            for reader in readers:
                reader.join()
            if tty:
                os.close(master)
    out, err = (b"".join(received[fd]).decode(errors="replace") for fd in fds)
    if stacks is not None:
        raise timed_out(command, timeout, out, err, stacks)
    return proc.returncode, out, err


def drain(fd, chunks):
    """Reads `fd` to its end (for a terminal: until every writer closed it)."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO from a terminal nobody writes to any more
            return
        if not chunk:
            return
        chunks.append(chunk)


class FetchTestCase(TempDirTestCase):
    """A temporary folder (self.dir) and a running FaultServer (self.server) per test. `parallel`: every
    fetch() runs with --parallel N on at most 2 ranks (see parallel_variants)."""
    parallel = None

    def setUp(self):
        super().setUp()
        self.server = FaultServer().__enter__()
        self.addCleanup(self.server.shutdown)

    def url(self, path, **query):
        return self.server.url(path, **query)

    def write_list(self, lines, name="urls.txt", newline="\n"):
        """UTF-8; a lone surrogate \\udcXX stands for the byte 0xXX (so lines can hold invalid UTF-8)."""
        (self.dir / name).write_bytes("".join(line + newline for line in lines).encode(errors="surrogateescape"))

    def fetch(self, lines, *args, ranks=3, listfile="urls.txt", out="out", timeout=90, kept=()):
        """Writes `lines` (unless None) to `listfile`, runs `rankpool fetch LISTFILE --out OUT --report
        report.json` with FAST and `args` (no --out when `out` is None), checks the invariants and returns
        a Fetched with the report. `kept`: names of good files in OUT that must stay as they are even if
        their lines fail."""
        folder = self.dir / (out or "downloads")
        kept = {name: (folder / name).read_bytes() for name in kept}
        if lines is not None:
            self.write_list(lines, listfile)
        report_path = self.dir / "report.json"
        report_path.unlink(missing_ok=True)
        fast = [word for option, value in FAST.items() if option not in args for word in (option, value)]
        if self.parallel and "--parallel" not in args:
            fast += ["--parallel", str(self.parallel)]
            ranks = min(ranks, 2)
        command = ["fetch", listfile, *(["--out", out] if out else []), "--report", "report.json", *fast, *args]
        code, stdout, stderr = launch(command, ranks=ranks, cwd=self.dir, timeout=timeout)
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        if code in (0, 1):
            self.assertIsNotNone(report, f"no report (exit {code}):\n{stdout}{stderr}")
            if lines is not None:
                self.assertEqual(len(report["results"]), len(url_lines("\n".join(lines))))
            self.assertInvariants(code, report, folder, stdout + stderr, kept)
        return Fetched(code, stdout, stderr, report)

    def assertInvariants(self, code, report, folder, output, kept=()):
        """What holds after every run that wrote a report (see the module docstring)."""
        statuses = [entry["status"] for entry in report["results"]]
        self.assertEqual(code, 1 if "failed" in statuses else 0, output)
        self.assertEqual([entry["index"] for entry in report["results"]], list(range(len(statuses))))
        for entry in report["results"]:
            path = folder / entry["file"]
            if entry["status"] == "failed":
                if entry["file"] in kept:
                    self.assertEqual(path.read_bytes(), kept[entry["file"]], f"{entry['file']} was not kept")
                else:
                    self.assertFalse(os.path.lexists(path), f"{entry['file']} failed but exists")
                continue
            self.assertIn(entry["status"], ("ok", "skipped"), entry)
            self.assertTrue(path.is_file() and not path.is_symlink(), f"{path} is not a regular file")
            data = path.read_bytes()
            self.assertEqual((entry["bytes"], entry["sha256"]), (len(data), digest(data)), entry["file"])
        if folder.exists():
            self.assertEqual([p.name for p in folder.iterdir() if p.name.startswith(".") and ".part" in p.name],
                             [], "temporary files left")

    def assertOk(self, entry, path, size, attempts=1, name=None, http=200):
        """A downloaded line: report fields, and the file in out/ holds exactly what the server sent."""
        self.assertEqual(entry["status"], "ok", entry)
        self.assertEqual((entry["http_status"], entry["bytes"], entry["attempts"], entry["sha256"], entry["error"]),
                         (http, size, attempts, sha256(path, size), None), entry)
        if name is not None:
            self.assertEqual(entry["file"], name)
        self.assertEqual((self.dir / "out" / entry["file"]).read_bytes(), content(path, size), entry["file"])

    def assertFailed(self, entry, attempts, http=None, error=None):
        """A failed line: attempts, the HTTP status if given, an error message (containing `error`)."""
        self.assertEqual((entry["status"], entry["attempts"]), ("failed", attempts), entry)
        if http is not None:
            self.assertEqual(entry["http_status"], http, entry)
        self.assertIsInstance(entry["error"], str)
        self.assertTrue(entry["error"], entry)
        if error is not None:
            self.assertIn(error, entry["error"])


def parallel_variants(namespace, *classes, parallel=8):
    """Adds to `namespace` (a test module's globals()) a copy of each FetchTestCase class that runs every
    fetch with --parallel `parallel` on at most 2 ranks: the same failures, retries, stalls and resumes,
    several at once in one rank's transfers."""
    for cls in classes:
        name = f"{cls.__name__}Parallel{parallel}"
        namespace[name] = type(name, (cls,), {"parallel": parallel, "__doc__": f"{cls.__name__}, --parallel {parallel}"})
