"""SIGTERM and SIGINT (a Slurm time limit, Ctrl-C, mpirun passing either on): the run stops within a
few seconds on every rank, exits non-zero with one "interrupted" line, removes its temporary files and
the folders it created, and leaves earlier good files intact."""
import subprocess
import tempfile
from pathlib import Path

from fetch_testing import FetchTestCase
from fault_server import content
from job_control import Interruptible, files_under, md5
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase

INTERRUPTED = "rankpool: interrupted (SIGTERM); stopped, temporary files removed"


def writing(folder):
    """True while a write of more than 64 MB into the job's temporary output is under way: the file
    grows page by page inside that one system call (HDF5 writes a contiguous dataset in one pwrite)."""
    sizes = [p.stat().st_size for p in folder.glob("out/squares.h5.rankpool-*.tmp")]
    return any(64 << 20 < size < 700 << 20 for size in sizes)


class SquareSignalTest(TempDirTestCase):
    def test_interrupted_square_leaves_the_earlier_output(self):
        # A long run in its steady state (scatter, square and gather repeated), writing over an
        # older output in a folder of its own and a report in a folder it creates.
        for how in ("mpirun", "ctrl-c", "ranks"):
            with self.subTest(how=how):
                old = self.dir / "results" / "out.h5"
                old.parent.mkdir(exist_ok=True)
                old.write_bytes(b"an earlier, good output\n")
                before = md5(old)
                run = Interruptible(["square", "--n", "2000000", "--repeat", "1000000", "--output", "results/out.h5",
                                     "--report", "new/deeper/report.json"], self.dir)
                code, out, err, seconds = run.interrupt(how, after=3)
                self.assertNotEqual(code, 0, out + err)
                self.assertLess(seconds, 10, "the job did not stop promptly")
                self.assertRegex(err, r"rankpool: interrupted \(SIG(TERM|INT)\); stopped, temporary files removed")
                self.assertNotIn("HDF5-DIAG", err)
                self.assertEqual(files_under(self.dir / "results"), ["out.h5"])  # no temporary file
                self.assertEqual(md5(old), before)
                self.assertFalse((self.dir / "new").exists(), "a folder the run created was left")


class InterruptEveryPhaseTest(TempDirTestCase):
    """SIGTERM to mpirun in each phase of a job, in both I/O modes: exactly one "interrupted" line (from
    rank 0's signal thread, whatever its main thread is doing), a non-zero exit, nothing left behind."""

    def strike(self, io, at, n=200_000, stall=None):
        """Starts the job in a fresh folder, waits for at(run), then SIGTERMs mpirun."""
        folder = Path(tempfile.mkdtemp(dir=self.dir))
        run = Interruptible(["square", "--n", str(n), "--io", io, "--output", "out/squares.h5",
                             "--report", "out/report.json"], folder,
                            env={"RANKPOOL_TEST_STALL": stall} if stall else None)
        at(run)
        code, out, err, seconds = run.interrupt("mpirun")
        self.assertNotEqual(code, 0, out + err)
        self.assertLess(seconds, 10, "the job did not stop promptly")  # a hang guard, not a timing
        self.assertEqual(err.count("rankpool: interrupted"), 1, err)
        self.assertIn(INTERRUPTED, err)
        self.assertEqual(files_under(folder), [], "left behind")

    def test_every_phase(self):
        # start-up: rank 0 held before MPI_Init, so rank 1 waits inside MPI_Init.
        phases = ["start-up", "memory_check", "generate", "write_input", "scatter", "square", "gather", "write_output",
                  "commit"]
        for io in ("root", "parallel"):
            for phase in phases:
                if io == "parallel" and phase in ("scatter", "gather"):
                    continue  # no such phase: every rank reads and writes its own slice
                with self.subTest(io=io, phase=phase):
                    self.strike(io, lambda run, p=phase: run.wait_for(f"test stall in {p} on rank 0"),
                                stall=f"{phase}:0")

    def test_inside_a_long_write(self):
        # 800 MB to write: rank 0's main thread spends most of a second inside one write system call
        # (copying into the page cache, where no signal handler runs on that thread until it ends).
        for io in ("root", "parallel"):
            with self.subTest(io=io):
                self.strike(io, lambda run: run.wait_until(lambda: writing(run.cwd), "a write of the output"),
                            n=100_000_000)


class FetchSignalTest(FetchTestCase):
    def test_interrupted_fetch_keeps_finished_files(self):
        # size= in the list: a rerun can tell a complete file from a missing one.
        fast = [self.url(f"/fast/f{i}.bin", size=20000) + " size=20000" for i in range(4)]
        slow = [self.url(f"/slow/s{i}.bin", size=20000, delay=60) + " size=20000" for i in range(2)]
        self.write_list(fast + slow)
        run = Interruptible(["fetch", "urls.txt", "--out", "out", "--schedule", "dynamic", "--report", "r.json"],
                            self.dir, ranks=3)
        code, out, err, seconds = run.interrupt("mpirun", after=4)
        self.assertNotEqual(code, 0, out + err)
        self.assertLess(seconds, 10)
        self.assertEqual(err.count("rankpool: interrupted"), 1, err)
        self.assertIn(INTERRUPTED, err)
        names = files_under(self.dir / "out")
        self.assertEqual(names, [f"f{i}.bin" for i in range(4)], "finished files kept, nothing partial")
        for i in range(4):
            self.assertEqual((self.dir / "out" / f"f{i}.bin").read_bytes(), content(f"/fast/f{i}.bin", 20000))
        self.assertFalse((self.dir / "r.json").exists())
        # A rerun downloads only what is missing.
        requests_before = len(self.server.requests())
        self.server.heal()
        self.write_list(fast + [self.url(f"/slow/s{i}.bin", size=20000) + " size=20000" for i in range(2)])
        rerun = subprocess.run([*MPIEXEC.split(), "-q", "--oversubscribe", "-np", "3", BINARY, "fetch", "urls.txt",
                                "--out", "out"], cwd=self.dir, capture_output=True, text=True, timeout=60)
        self.assertEqual(rerun.returncode, 0, rerun.stdout + rerun.stderr)
        fetched = [r.path for r in self.server.requests()[requests_before:]]
        self.assertEqual(sorted(fetched), ["/slow/s0.bin", "/slow/s1.bin"])
        self.assertEqual(files_under(self.dir / "out"), [f"f{i}.bin" for i in range(4)] + ["s0.bin", "s1.bin"])


if __name__ == "__main__":
    import unittest
    unittest.main()
