"""`rankpool fetch --parallel K`: every rank keeps up to K transfers in flight, under every schedule, with
each URL requested once; memory stays bounded whatever the file sizes; Ctrl-C and a killed rank with many
transfers in flight leave no temporary file behind (a killed rank's are removed by the rerun).
On a file system that is not local (a FUSE mount here) each finished file gets its own fsync.
The failure cases of the fault server at --parallel 8 are in test_fetch_transfer.py."""
import os
import resource
import shlex
import subprocess
import time
import unittest

from fault_server import FaultServer, content
from fetch_testing import FetchTestCase, sha256
from fuse_mount import mount_nolock_fs
from job_control import Interruptible, files_under
from rankpool_testing import BINARY, MPIEXEC, SANITIZED


class InFlightTest(FetchTestCase):
    def in_flight(self, schedule, parallel, ranks=2, urls=16):
        """Runs `urls` URLs that each take 0.6 s; returns the most the server answered at once."""
        with FaultServer() as server:
            lines = [server.url(f"/k/{i}.bin", size=3000 + i, delay=0.6) for i in range(urls)]
            args = ["--schedule", schedule] + (["--parallel", str(parallel)] if parallel else [])
            result = self.fetch(lines, *args, ranks=ranks)
            self.assertEqual(result.code, 0, result.out + result.err)
            self.assertEqual(result.report["parallel"], parallel or 1)
            for i, entry in enumerate(result.results):
                self.assertOk(entry, f"/k/{i}.bin", 3000 + i)
                self.assertEqual(server.hits(f"/k/{i}.bin"), 1, f"/k/{i}.bin requested more than once")
            return server.max_in_flight

    def test_k_transfers_per_rank_under_every_schedule(self):
        for schedule in ("cyclic", "block", "dynamic"):
            with self.subTest(schedule=schedule):
                self.assertEqual(self.in_flight(schedule, 4), 8)  # 2 ranks x 4

    def test_default_is_one_transfer_per_rank(self):
        self.assertEqual(self.in_flight("cyclic", None, urls=6), 2)

    def test_more_transfers_than_urls(self):
        self.assertEqual(self.in_flight("dynamic", 16, ranks=3, urls=5), 5)

    def test_parallel_out_of_range(self):
        for value in ("0", "257", "x"):
            with self.subTest(value=value):
                result = self.fetch([self.url("/k/a.bin")], "--parallel", value, ranks=2)
                self.assertEqual(result.code, 2, result.out + result.err)
                self.assertIn("--parallel", result.err)
                self.assertEqual(self.server.hits(), 0)


def high_water_mark(pid):
    """The peak resident memory of a live process in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


class MemoryTest(FetchTestCase):
    @unittest.skipIf(SANITIZED, "AddressSanitizer's shadow memory and quarantine inflate the peak RSS")
    def test_memory_stays_bounded(self):
        # 4 x 70 MB at once in one process: no body is ever held in memory. Over 64 MB each: the
        # files are also flushed while they arrive (util/background_flush.hpp).
        size, files = 70_000_000, 4
        lines = [self.url(f"/m/{i}.bin", size=size) + f" sha256={sha256(f'/m/{i}.bin', size)}" for i in range(files)]
        self.write_list(lines)
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        with subprocess.Popen([BINARY, "fetch", "urls.txt", "--out", "out", "--parallel", str(files), "--quiet"],
                              cwd=self.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
            peak = 0  # VmHWM, the process's own peak (getrusage would count the test's memory copied by fork)
            while proc.poll() is None:
                peak = max(peak, high_water_mark(proc.pid))
                time.sleep(0.02)
            output = proc.stdout.read().decode()
        self.assertEqual(proc.returncode, 0, output)
        self.assertEqual(self.server.max_in_flight, files)
        self.assertGreater(peak, 0)
        self.assertLess(peak, 120_000_000, f"peak RSS {peak} bytes for {files * size} bytes downloaded")
        for i in range(files):
            self.assertEqual((self.dir / "out" / f"{i}.bin").stat().st_size, size)


class OpenFilesTest(FetchTestCase):
    """Each transfer holds a socket and a file: --parallel raises the soft limit on open files
    (ulimit -n) as far as the hard limit allows, and says so when even that is too low."""

    def fetch_with_limit(self, soft, hard, parallel, urls):
        self.write_list([self.url(f"/o/{i}.bin", size=5000 + i, delay=2) for i in range(urls)])
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        command = [*shlex.split(MPIEXEC), "-q", "--oversubscribe", "-np", "2", BINARY, "fetch", "urls.txt",
                   "--out", "out", "--report", "report.json", "--parallel", str(parallel), "--quiet"]
        return subprocess.run(command, cwd=self.dir, env=env, capture_output=True, text=True, timeout=90,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))

    def test_soft_limit_raised(self):
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 1000:
            self.skipTest(f"the hard limit on open files here is {hard}")
        # 64 transfers per rank need more than 100 open files
        result = self.fetch_with_limit(100, hard, 64, 200)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for i in range(200):
            self.assertEqual((self.dir / "out" / f"{i}.bin").read_bytes(), content(f"/o/{i}.bin", 5000 + i))
        self.assertEqual(self.server.max_in_flight, 128)

    def test_hard_limit_too_low(self):
        result = self.fetch_with_limit(300, 300, 256, 10)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stderr.count("rankpool: error:"), 1, result.stderr)
        self.assertIn("--parallel 256 needs about", result.stderr)
        self.assertIn("may open only 300 (ulimit -n); lower --parallel", result.stderr)
        self.assertEqual(self.server.hits(), 0)
        self.assertEqual(files_under(self.dir), ["urls.txt"])


class StrikeTest(FetchTestCase):
    def test_ctrl_c_with_many_transfers_in_flight(self):
        fast = [self.url(f"/fast/f{i}.bin", size=20000) + " size=20000" for i in range(4)]
        slow = [self.url(f"/slow/s{i}.bin", size=200_000, stall=50_000, sleep=60) for i in range(8)]
        self.write_list(fast + slow)
        run = Interruptible(["fetch", "urls.txt", "--out", "out", "--parallel", "8", "--schedule", "dynamic"],
                            self.dir, ranks=2)
        run.wait_until(lambda: self.server.hits() == 12, "all 12 requests")
        run.wait_until(lambda: len(files_under(self.dir / "out")) >= 4 + 8, "4 files and 8 parts")
        code, out, err, _ = run.interrupt("ctrl-c")
        self.assertNotEqual(code, 0, out + err)
        self.assertIn("rankpool: interrupted (SIG", err)
        self.assertEqual(files_under(self.dir / "out"), [f"f{i}.bin" for i in range(4)])

    def test_killed_rank_parts_removed_by_the_rerun(self):
        lines = [self.url(f"/slow/s{i}.bin", size=200_000, stall=50_000, sleep=60) + " size=200000"
                 for i in range(8)]
        self.write_list(lines)
        run = Interruptible(["fetch", "urls.txt", "--out", "out", "--parallel", "4"], self.dir, ranks=2)
        run.wait_until(lambda: self.server.hits() == 8, "8 requests")
        run.wait_until(lambda: len(files_under(self.dir / "out")) == 8, "8 parts")
        code, out, err, _ = run.interrupt("kill rank 1")
        self.assertNotEqual(code, 0, out + err)
        left = files_under(self.dir / "out")
        self.assertTrue(left and all(".part-" in name for name in left), left)  # the killed rank's 4 at least
        self.server.heal()
        result = self.fetch(None, "--parallel", "4", ranks=2)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual(files_under(self.dir / "out"), sorted(f"s{i}.bin" for i in range(8)))
        for i in range(8):
            self.assertEqual((self.dir / "out" / f"s{i}.bin").read_bytes(), content(f"/slow/s{i}.bin", 200_000))


class NetworkFileSystemTest(FetchTestCase):
    """--out on a FUSE mount (nolock_fs.py, a passthrough to `self.backing`): not a local file system, so
    each file is made durable with its own fsync on the committer's threads instead of one syncfs per
    group, as on NFS or Lustre. Skipped where FUSE cannot be mounted, like test_square_nolock.py."""

    def setUp(self):
        super().setUp()
        self.backing, self.mount = self.dir / "backing", self.dir / "mnt"
        self.fsync_log = self.dir / "fsync.log"
        mount_nolock_fs(self, self.backing, self.mount, fsync_log=self.fsync_log)

    def assertNoParts(self):
        for folder in (self.mount, self.backing):
            self.assertEqual([name for name in files_under(folder) if ".part-" in name], [], folder)

    def test_many_files(self):
        # Not a local file system: each file its own fsync, on the committer's threads (counted by nolock_fs.py).
        files = [(f"/nfs/{i}.bin", 100 + i) for i in range(300)]
        result = self.fetch([self.url(path, size=size) for path, size in files], "--parallel", "8", ranks=2,
                            out="mnt/out")
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual([entry["status"] for entry in result.results], ["ok"] * len(files))
        for (path, size), entry in zip(files, result.results):
            self.assertEqual((self.mount / "out" / entry["file"]).read_bytes(), content(path, size), entry["file"])
        self.assertEqual(files_under(self.backing / "out"), sorted(f"{i}.bin" for i in range(300)))
        self.assertNoParts()
        # Each file synced on its own, as it was written: the temporary file, once.
        synced = self.fsync_log.read_text().split()
        self.assertEqual(len(synced), 300)
        self.assertEqual(sorted(path.split("/")[-1].split(".part-")[0] for path in synced),
                         sorted(f".{i}.bin" for i in range(300)))

    def test_failed_download(self):
        lines = [self.url(f"/nfs/{i}.bin", size=2000) for i in range(8)]
        lines.insert(3, self.url("/nfs/missing.bin", status=404))
        result = self.fetch(lines, "--parallel", "8", ranks=2, out="mnt/out")
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[3], attempts=1, http=404, error="404")
        self.assertEqual([entry["status"] for entry in result.results], ["ok"] * 3 + ["failed"] + ["ok"] * 5)
        self.assertFalse(os.path.lexists(self.mount / "out" / "missing.bin"))
        # The failed line's name is absent from the backing folder too, and no other file is there.
        self.assertEqual(files_under(self.backing / "out"), sorted(f"{i}.bin" for i in range(8)))
        self.assertNoParts()


if __name__ == "__main__":
    unittest.main()
