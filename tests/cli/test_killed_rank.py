"""A rank SIGKILLed (its node died, the OOM killer, a time limit's second signal) in each phase of
`rankpool square` and during `rankpool fetch`: the whole job ends within 10 s with a non-zero exit, the
output of an earlier run is still intact, no final file is half-written and no temporary file is left,
and a rerun succeeds (fetch: it downloads only what is missing)."""
import subprocess

from fault_server import content
from fetch_testing import FetchTestCase
from job_control import Interruptible, files_under, md5
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase, generate, kill_session

# (--io, the phase, the rank that stalls at its start (RANKPOOL_TEST_STALL), the rank killed). Killing the
# stalled rank leaves the others inside the phase -- in MPI_Scatterv or MPI_Gatherv, in the agreement that
# ends a local phase, in the collective HDF5 write; killing another leaves the stalled rank in the middle
# of its phase (rank 0 in root mode has /numbers written to its temporary file and /squared to go).
CASES = [
    ("root", "scatter", 1, 1), ("root", "scatter", 0, 0),
    ("root", "square", 1, 1), ("root", "square", 0, 0),
    ("root", "gather", 1, 1), ("root", "gather", 0, 0),
    ("root", "write_output", 0, 0), ("root", "write_output", 0, 1),
    ("parallel", "square", 1, 1),
    ("parallel", "write_output", 1, 1), ("parallel", "write_output", 0, 0), ("parallel", "write_output", 0, 1),
]


def rerun(args, cwd, ranks=2):
    result = subprocess.run([*MPIEXEC.split(), "-q", "--oversubscribe", "-np", str(ranks), BINARY, *args], cwd=cwd,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


class SquareKilledRankTest(TempDirTestCase):
    def test_a_rank_killed_in_each_phase(self):
        for io, phase, stalled, victim in CASES:
            with self.subTest(io=io, phase=phase, stalled=stalled, victim=victim):
                old = self.dir / "out.h5"
                old.write_bytes(b"an earlier, good output\n")
                before = md5(old)
                run = Interruptible(["square", "--io", io, "--n", "1000000", "--output", "out.h5"], self.dir,
                                    env={"RANKPOOL_TEST_STALL": f"{phase}:{stalled}"})
                run.wait_for(f"rankpool: test stall in {phase} on rank {stalled}")
                code, out, err, seconds = run.interrupt(f"kill rank {victim}")
                self.assertNotEqual(code, 0, out + err)
                self.assertLess(seconds, 10, "the job did not end promptly")
                self.assertNotIn("HDF5-DIAG", err)
                self.assertEqual(md5(old), before)
                # mpirun SIGTERMs the survivors, which remove rank 0's temporary file also when rank 0
                # is the one that died.
                self.assertEqual(files_under(self.dir), ["out.h5"])
                rerun(["square", "--io", io, "--n", "1000", "--output", "out.h5"], self.dir)
                self.assertSquared(old, generate(1000))


class SquareKilledJobTest(TempDirTestCase):
    """Every rank and mpirun SIGKILLed at once (a node's power, scancel --signal=KILL, Slurm's KillWait run
    out): nothing can remove the temporary files then; the next square writing the same output does, and
    says so, but never touches the files of a job that is still running."""

    def temporaries(self, folder):
        return sorted(p.name for p in folder.glob("out.h5.rankpool-*"))

    def test_the_next_run_removes_what_a_killed_job_left(self):
        for io in ("root", "parallel"):
            with self.subTest(io=io):
                folder = self.dir / io
                folder.mkdir()
                run = Interruptible(["square", "--io", io, "--n", "1000000", "--output", "out.h5"], folder,
                                    env={"RANKPOOL_TEST_STALL": "write_output:0"})
                run.wait_for("rankpool: test stall in write_output on rank 0")
                kill_session(run.proc.pid)
                run.proc.wait(timeout=30)
                run.join_readers()
                left = self.temporaries(folder)
                self.assertEqual(len(left), 2, left)  # the HDF5 file and the companion whose lock is gone
                tmp = [name for name in left if name.endswith(".tmp")][0]
                result = rerun(["square", "--io", io, "--n", "1000", "--output", "out.h5"], folder)
                self.assertEqual(result.stderr, f"rankpool: removed {tmp} left by a killed run\n")
                self.assertEqual(files_under(folder), ["out.h5"])
                self.assertSquared(folder / "out.h5", generate(1000))

    def test_a_live_job_keeps_its_files(self):
        # The first job is held inside write_output with its temporary file written up to there; the second
        # writes the same output meanwhile and must leave the first job's files alone.
        first = Interruptible(["square", "--n", "2000000", "--seed", "1", "--output", "out.h5"], self.dir,
                              env={"RANKPOOL_TEST_STALL": "write_output:1:8"})
        first.wait_for("rankpool: test stall in write_output on rank 1")
        held = self.temporaries(self.dir)
        self.assertEqual(len(held), 2, held)
        second = rerun(["square", "--n", "1000", "--seed", "2", "--output", "out.h5"], self.dir)
        self.assertNotIn("removed", second.stderr)
        self.assertEqual(self.temporaries(self.dir), held, "the live job's files were touched")
        first.proc.wait(timeout=120)  # the stall ends after 8 s, then the first job finishes
        first.join_readers()
        self.assertEqual(first.proc.returncode, 0, "".join(first.out + first.err))
        self.assertEqual(files_under(self.dir), ["out.h5"])
        self.assertSquared(self.dir / "out.h5", generate(2_000_000, seed=1))


class FetchKilledRankTest(FetchTestCase):
    def test_a_rank_killed_mid_download(self):
        # Rank 0 hands out the URLs (dynamic) and downloads too, a URL only to a rank with room for it, so
        # either victim is in the middle of a slow download when it dies; the fast files are complete by then.
        for victim in (1, 0):
            with self.subTest(victim=victim):
                fast = [self.url(f"/k{victim}/f{i}.bin", size=20000) + " size=20000" for i in range(4)]
                slow = [self.url(f"/k{victim}/s{i}.bin", size=400000, delay=60) + " size=400000" for i in range(3)]
                self.write_list(fast + slow)
                out_dir = self.dir / f"out{victim}"
                run = Interruptible(["fetch", "urls.txt", "--out", out_dir.name, "--schedule", "dynamic"], self.dir,
                                    ranks=3)
                # Strike once the fast files are done and every rank (rank 0 too) is in
                # the middle of a slow one.
                run.wait_until(lambda: sum(name.endswith(".bin") for name in files_under(out_dir)) == 4 and
                               sum(".part-" in name for name in files_under(out_dir)) == 3,
                               "4 finished files and 3 downloads in flight")
                code, out, err, seconds = run.interrupt(f"kill rank {victim}")
                self.assertNotEqual(code, 0, out + err)
                self.assertLess(seconds, 10, "the job did not end promptly")
                finished = [f"f{i}.bin" for i in range(4)]
                self.assertEqual([n for n in files_under(out_dir) if not n.startswith(".")], finished,
                                 "the finished files are kept, nothing partial under a final name")
                for i in range(4):
                    self.assertEqual((out_dir / f"f{i}.bin").read_bytes(), content(f"/k{victim}/f{i}.bin", 20000))
                # The killed rank could not remove its temporary file (the survivors removed theirs); the
                # rerun does, and downloads only what is missing.
                leftovers = [n for n in files_under(out_dir) if n.startswith(".")]
                self.assertEqual(len(leftovers), 1, leftovers)
                self.assertRegex(leftovers[0], r"^\.s\d\.bin\.part-[0-9a-f]{16}$")
                requests_before = len(self.server.requests())
                self.server.heal()
                self.write_list(fast + [self.url(f"/k{victim}/s{i}.bin", size=400000) + " size=400000"
                                        for i in range(3)])
                rerun(["fetch", "urls.txt", "--out", out_dir.name], self.dir, ranks=3)
                fetched = [r.path for r in self.server.requests()[requests_before:]]
                self.assertEqual(sorted(fetched), [f"/k{victim}/s{i}.bin" for i in range(3)])
                self.assertEqual(files_under(out_dir), finished + [f"s{i}.bin" for i in range(3)])
                for i in range(3):
                    self.assertEqual((out_dir / f"s{i}.bin").read_bytes(), content(f"/k{victim}/s{i}.bin", 400000))


if __name__ == "__main__":
    import unittest
    unittest.main()
