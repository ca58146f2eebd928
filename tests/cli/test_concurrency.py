"""Two rankpool jobs at once in the same folder never corrupt each other's files: square jobs writing
different outputs (or even the same one), fetch jobs downloading into the same --out -- one of them
starting while the other's downloads are in flight, with the same file names."""
import subprocess
import time

from fault_server import content
from fetch_testing import FetchTestCase
from job_control import files_under
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase, generate, kill_session, read


def start(args, cwd, ranks=2):
    return subprocess.Popen([*MPIEXEC.split(), "-q", "--oversubscribe", "-np", str(ranks), BINARY, *map(str, args)],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(test, proc, timeout=120):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(proc.pid)
        proc.communicate()
        raise AssertionError(f"a job outlived {timeout} s") from None
    test.assertEqual(proc.returncode, 0, out + err)
    return out


class SquareConcurrencyTest(TempDirTestCase):
    def test_two_jobs_in_one_folder(self):
        # Different outputs and reports, one job in --io parallel; both runs overlap (each takes seconds).
        n = 3_000_000
        jobs = [start(["square", "--n", n, "--seed", 1, "--output", "results/a.h5", "--report", "results/a.json",
                       "--repeat", 5], self.dir),
                start(["square", "--n", n, "--seed", 2, "--output", "results/b.h5", "--report", "results/b.json",
                       "--repeat", 5, "--io", "parallel"], self.dir)]
        for job in jobs:
            finish(self, job)
        self.assertEqual(files_under(self.dir / "results"), ["a.h5", "a.json", "b.h5", "b.json"])
        for name, seed in (("a", 1), ("b", 2)):
            numbers = generate(n, seed)
            self.assertSquared(self.dir / "results" / f"{name}.h5", numbers)
            self.assertEqual(read(self.dir / "results" / f"{name}.h5", "/numbers")[0].tolist(), numbers.tolist())

    def test_two_jobs_writing_the_same_output(self):
        # The last to finish wins, whole: each job writes its own temporary file and renames it into place.
        n = 2_000_000
        jobs = [start(["square", "--n", n, "--seed", seed, "--output", "same.h5"], self.dir) for seed in (1, 2)]
        for job in jobs:
            finish(self, job)
        self.assertEqual(files_under(self.dir), ["same.h5"])
        numbers, attributes = read(self.dir / "same.h5", "/numbers")
        self.assertIn(attributes["seed"], (1, 2))
        expected = generate(n, attributes["seed"])
        self.assertEqual(numbers.tolist(), expected.tolist())
        self.assertSquared(self.dir / "same.h5", expected)


class FetchConcurrencyTest(FetchTestCase):
    def test_two_jobs_into_one_folder(self):
        # Job A downloads slowly (the server pauses after each 16 KiB); job B starts while A's temporary files
        # exist, with some of the same names (its own URLs, other bytes) and some of its own. B's clean-up of
        # abandoned temporary files must leave A's alone; every final file is whole and one job's.
        a = [self.url(f"/a/f{i}.bin", size=200_000, drip=0.25) for i in range(4)]  # about 3 s each
        b = [self.url(f"/b/f{i}.bin", size=150_000) for i in range(2)] + \
            [self.url(f"/b/g{i}.bin", size=150_000) for i in range(3)]
        self.write_list(a, "a.txt")
        self.write_list(b, "b.txt")
        job_a = start(["fetch", "a.txt", "--out", "shared", "--report", "a.json"], self.dir, ranks=2)
        deadline = time.monotonic() + 30
        while not any(".part-" in name for name in files_under(self.dir / "shared")):
            self.assertLess(time.monotonic(), deadline, "job A made no temporary file")
            time.sleep(0.05)
        job_b = start(["fetch", "b.txt", "--out", "shared", "--report", "b.json", "--force"], self.dir, ranks=2)
        finish(self, job_b)
        self.assertIsNone(job_a.poll(), "job A ended before job B: they did not overlap")
        finish(self, job_a)
        names = files_under(self.dir / "shared")
        self.assertEqual(names, [f"f{i}.bin" for i in range(4)] + [f"g{i}.bin" for i in range(3)])
        for i in range(4):  # f0, f1: either job's, whole; f2, f3: A's
            got = (self.dir / "shared" / f"f{i}.bin").read_bytes()
            candidates = [content(f"/a/f{i}.bin", 200_000)] + ([content(f"/b/f{i}.bin", 150_000)] if i < 2 else [])
            self.assertIn(got, candidates, f"f{i}.bin is a mix or a fragment")
        for i in range(3):
            self.assertEqual((self.dir / "shared" / f"g{i}.bin").read_bytes(), content(f"/b/g{i}.bin", 150_000))


if __name__ == "__main__":
    import unittest
    unittest.main()
