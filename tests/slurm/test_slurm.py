"""The Slurm batch scripts (scripts/slurm/) under a real single-node Slurm, started for the test with
scripts/slurm-local.sh in a temporary state folder and stopped at the end, also on failure.

Jobs are submitted with `sbatch --wait` from a temporary folder (so runs/ lands there, not in the
repository), with RANKPOOL_ROOT pointing at the checkout whose build/rankpool is the binary under test
(RANKPOOL=<root>/build/rankpool, as ctest sets it). Nothing is mocked: slurmctld, slurmd, sbatch, srun and
Open MPI's pmix all run for real. Skipped (with the reason) when not root, or where Slurm or munge is not
installed (scripts/setup.sh test installs them).
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fault_server import FaultServer, content
from local_cluster import finished_job_fields, free_port_pair
from rankpool_testing import generate, read, squares

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]  # the scripts under test

SLURM_LOCAL = REPO / "scripts" / "slurm-local.sh"
SQUARE = REPO / "scripts" / "slurm" / "square.sbatch"
FETCH = REPO / "scripts" / "slurm" / "fetch.sbatch"
SUBMIT_SCALING = REPO / "scripts" / "slurm" / "submit-scaling.sh"
TOOLS = ["slurmctld", "slurmd", "sbatch", "srun", "sinfo", "squeue", "scontrol", "scancel", "munged", "munge",
         "unmunge"]
JOB_TIMEOUT = 120  # seconds for one sbatch --wait


def rankpool_root():
    """The checkout whose build/rankpool is the binary under test (RANKPOOL, else this repository's);
    None when the binary under test is not a checkout's build/rankpool (e.g. build-debug/)."""
    binary = Path(os.environ.get("RANKPOOL", REPO / "build" / "rankpool")).resolve()
    if binary.name != "rankpool" or binary.parent.name != "build" or not os.access(binary, os.X_OK):
        return None
    return binary.parent.parent


def missing_tools():
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin" + os.pathsep + "/sbin"
    return [tool for tool in TOOLS if shutil.which(tool, path=path) is None]


class SlurmTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            reason = "not root: scripts/slurm-local.sh starts munged, slurmctld and slurmd as root"
            print(f"skipped: {reason}", file=sys.stderr)
            raise unittest.SkipTest(reason)
        if missing := missing_tools():
            reason = (f"Slurm or munge is not installed (missing: {', '.join(missing)}; "
                      "scripts/setup.sh test installs them)")
            print(f"skipped: {reason}", file=sys.stderr)
            raise unittest.SkipTest(reason)
        cls.root = rankpool_root()
        if cls.root is None:
            reason = (f"the binary under test ({os.environ.get('RANKPOOL')}) is not a checkout's build/rankpool, "
                      "which the batch scripts run (through RANKPOOL_ROOT)")
            print(f"skipped: {reason}", file=sys.stderr)
            raise unittest.SkipTest(reason)
        cls.state = Path(tempfile.mkdtemp(prefix="rankpool-slurm-state-"))
        cls.addClassCleanup(shutil.rmtree, cls.state, ignore_errors=True)
        cls.submit_dir = Path(tempfile.mkdtemp(prefix="rankpool-slurm-submit-"))
        cls.addClassCleanup(shutil.rmtree, cls.submit_dir, ignore_errors=True)
        cls.env = {key: value for key, value in os.environ.items() if not key.startswith(("SLURM_", "SBATCH_"))}
        cls.env.update(SLURM_CONF=str(cls.state / "slurm.conf"), RANKPOOL_ROOT=str(cls.root),
                       OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cls.env["PATH"] = cls.env.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        cls.addClassCleanup(cls.stop_slurm)  # registered first: runs even when start fails half-way
        started = subprocess.run([str(SLURM_LOCAL), "start", "--state", str(cls.state), "--port",
                                  str(free_port_pair())], env=cls.env, capture_output=True, text=True, timeout=120)
        if started.returncode != 0:
            raise AssertionError(f"scripts/slurm-local.sh start failed ({started.returncode}):\n"
                                 f"{started.stdout}{started.stderr}")
        assert f"export SLURM_CONF={cls.state}/slurm.conf" in started.stdout, started.stdout

    @classmethod
    def stop_slurm(cls):
        stopped = subprocess.run([str(SLURM_LOCAL), "stop", "--state", str(cls.state)], env=cls.env,
                                 capture_output=True, text=True, timeout=120)
        if stopped.returncode != 0:
            print(f"scripts/slurm-local.sh stop failed:\n{stopped.stdout}{stopped.stderr}", file=sys.stderr)

    # --- helpers ---

    def sbatch(self, script, *args, options=(), env=None, timeout=JOB_TIMEOUT):
        """`sbatch --wait --parsable OPTIONS SCRIPT ARGS` in the submit folder; returns (exit code, job id, log
        text). The log is rankpool-<name>-<id>.out in the submit folder."""
        command = ["sbatch", "--wait", "--parsable", *options, str(script), *map(str, args)]
        with subprocess.Popen(command, cwd=self.submit_dir, env={**self.env, **(env or {})}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                self.cancel(out)
                self.fail(f"timed out after {timeout} s: {' '.join(command)}\n{out}{err}")
        match = re.match(r"(\d+)", out)
        self.assertIsNotNone(match, f"no job id from {' '.join(command)}:\n{out}{err}")
        job = match.group(1)
        name = Path(script).stem
        log_path = self.submit_dir / f"rankpool-{name}-{job}.out"
        log = log_path.read_text(errors="replace") if log_path.exists() else f"(no log {log_path})"
        self.assertNotIn("HDF5-DIAG", log)
        return proc.returncode, job, log

    def cancel(self, text):
        ids = re.findall(r"\b(\d+)\b", text)
        if ids:
            subprocess.run(["scancel", *ids], env=self.env, capture_output=True)

    def job_state(self, job):
        """(JobState, ExitCode) as scontrol shows them once the job has finished."""
        fields = finished_job_fields(job, self.env)
        return fields.get("JobState"), fields.get("ExitCode")

    # --- tests ---

    def test_square(self):
        """2 tasks through srun --mpi=pmix: the file, the report and the log under runs/<job id>/."""
        n, seed = 100_003, 77
        code, job, log = self.sbatch(SQUARE, "--n", n, "--seed", seed, "--head", 3)
        self.assertEqual(code, 0, log)
        self.assertEqual(self.job_state(job), ("COMPLETED", "0:0"))
        out = self.submit_dir / "runs" / job
        numbers = generate(n, seed)
        got, attributes = read(out / "squares.h5", "/numbers")
        self.assertTrue((got == numbers).all())
        got, attributes = read(out / "squares.h5", "/squared")
        self.assertEqual(got.dtype.name, "int64")
        self.assertTrue((got == squares(numbers)).all())
        self.assertEqual((attributes["n"], attributes["ranks"], attributes["seed"]), (n, 2, seed))
        report = json.loads((out / "report.json").read_text())
        self.assertEqual((report["command"], report["ranks"], report["n"], report["counts"]),
                         ("square", 2, n, [50_002, 50_001]))
        self.assertIn(f"rankpool square: {n} int64 values, generated (seed {seed}), 2 ranks", log)
        self.assertIn("srun --mpi=pmix", log)
        self.assertEqual((out / "slurm.out").read_text(), log)
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["report.json", "slurm.out", "squares.h5"])

    def test_square_mpirun_launcher(self):
        """--launcher mpirun, the fallback for sites without the pmix plugin: 4 tasks (the node declares 4 CPUs)."""
        n = 1001
        code, job, log = self.sbatch(SQUARE, "--launcher", "mpirun", "--n", n, options=["--ntasks", "4"])
        self.assertEqual(code, 0, log)
        self.assertIn("running: mpirun -q ", log)
        out = self.submit_dir / "runs" / job
        got, attributes = read(out / "squares.h5")
        self.assertTrue((got == squares(generate(n))).all())
        self.assertEqual(json.loads((out / "report.json").read_text())["ranks"], 4)

    def finished_job(self, *args, options=()):
        """sbatch --wait, then the job's state at once (before MinJobAge forgets it): (code, job, log, state)."""
        code, job, log = self.sbatch(*args, options=options, timeout=300)
        return code, job, log, self.job_state(job)

    def test_time_limit(self):
        """An endless job past its time limit: Slurm's SIGTERM at the limit stops rankpool (TIMEOUT), and with
        --signal=B:TERM@60 the batch script passes the warning on and the job stops itself first (FAILED,
        143). Either way the log says rankpool was interrupted and nothing is left. Both run at once."""
        endless = (SQUARE, "--n", 2_000_000, "--repeat", 1_000_000_000)
        with ThreadPoolExecutor(2) as pool:
            at_limit = pool.submit(self.finished_job, *endless, options=["--time=1"])
            warned = pool.submit(self.finished_job, *endless, options=["--time=2", "--signal=B:TERM@60"])
            for future, state in ((at_limit, ("TIMEOUT", "143:0")), (warned, ("FAILED", "143:0"))):
                code, job, log, got = future.result()
                with self.subTest(job=job, expected=state):
                    self.assertEqual(got, state, log)
                    self.assertEqual(log.count("rankpool: interrupted"), 1, log)
                    self.assertIn("rankpool: interrupted (SIGTERM); stopped, temporary files removed", log)
                    # At the limit Slurm signals the batch shell too; the warning reaches it alone.
                    self.assertIn("rankpool-square: SIGTERM received", log)
                    self.assertIn("rankpool square was interrupted (exit code 143,", log)
                    out = self.submit_dir / "runs" / job
                    self.assertEqual([p.name for p in out.iterdir()], ["slurm.out"])

    def test_square_failure(self):
        """A failing run: sbatch --wait returns rankpool's exit code, the message is in the log, no output."""
        code, job, log = self.sbatch(SQUARE, "--input", "missing.h5")
        self.assertEqual(code, 1, log)
        self.assertEqual(self.job_state(job), ("FAILED", "1:0"))
        self.assertIn("rankpool: error: missing.h5: no such file", log)
        self.assertIn("rankpool square failed with exit code 1", log)
        out = self.submit_dir / "runs" / job
        self.assertEqual([p.name for p in out.iterdir()], ["slurm.out"])

    def test_missing_binary(self):
        """A checkout without build/rankpool: a clear error with the build command."""
        with tempfile.TemporaryDirectory(prefix="rankpool-slurm-empty-") as empty:
            code, job, log = self.sbatch(SQUARE, env={"RANKPOOL_ROOT": empty})
        self.assertEqual(code, 1, log)
        self.assertIn(f"rankpool-square: error: {empty}/build/rankpool is missing", log)
        self.assertIn(f"cmake -S {empty} -B {empty}/build -DCMAKE_BUILD_TYPE=Release", log)

    def test_fetch(self):
        """3 tasks fetch 7 URLs from a local server: every file byte for byte, the report, one request each."""
        with FaultServer() as server:
            paths = [f"/slurm/{i}.bin" for i in range(7)]
            sizes = [1000 + 7919 * i for i in range(7)]
            (self.submit_dir / "urls.txt").write_text(
                "".join(f"{server.url(path, size=size)}\n" for path, size in zip(paths, sizes)))
            code, job, log = self.sbatch(FETCH, "urls.txt", "--retries", "1", "--timeout", "5",
                                         options=["--ntasks", "3"])
            self.assertEqual(code, 0, log)
            self.assertEqual([server.hits(path) for path in paths], [1] * 7)
        self.assertEqual(self.job_state(job), ("COMPLETED", "0:0"))
        out = self.submit_dir / "runs" / job
        report = json.loads((out / "report.json").read_text())
        self.assertEqual((report["command"], report["ranks"], report["out"]), ("fetch", 3, f"runs/{job}/downloads"))
        self.assertEqual([entry["status"] for entry in report["results"]], ["ok"] * 7)
        self.assertEqual(sorted(entry["rank"] for entry in report["results"]), [0, 0, 0, 1, 1, 2, 2])
        for entry, path, size in zip(report["results"], paths, sizes):
            self.assertEqual((entry["file"], entry["bytes"]), (Path(path).name, size))
            self.assertEqual((out / "downloads" / entry["file"]).read_bytes(), content(path, size), entry["file"])
        self.assertEqual(sorted(p.name for p in (out / "downloads").iterdir()), sorted(Path(p).name for p in paths))
        self.assertIn("7 files: 7 ok, 0 skipped, 0 failed", log)

    def test_fetch_needs_list(self):
        code, job, log = self.sbatch(FETCH)
        self.assertEqual(code, 2, log)
        self.assertIn("the first argument must be the URL list", log)

    def test_submit_scaling(self):
        """Two points (1 and 2 ranks) and the collect job that waits for both (afterok)."""
        out = self.submit_dir / "scaling"
        command = [str(SUBMIT_SCALING), "--ranks", "1,2", "--time", "00:05:00", "--out", str(out), "--wait",
                   "--mode", "strong", "--n", "100000", "--repeat", "1"]
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=self.submit_dir, env=self.env, capture_output=True, text=True,
                                  timeout=240)
        except subprocess.TimeoutExpired as timeout:
            self.cancel(timeout.stdout.decode() if timeout.stdout else "")
            raise
        text = done.stdout + done.stderr
        logs = "".join(f"--- {p.name}:\n{p.read_text(errors='replace')}" for p in sorted((out / "slurm").glob("*.out")))
        self.assertEqual(done.returncode, 0, text + logs)
        self.assertNotIn("HDF5-DIAG", logs)
        points = dict(re.findall(r"ranks (\d+): job (\d+)", done.stdout))
        collect = re.search(r"collect: job (\d+) \(after (.*)\)", done.stdout)
        self.assertEqual(sorted(points), ["1", "2"], text)
        self.assertIsNotNone(collect, text)
        self.assertEqual(collect.group(2).split(), list(points.values()))
        for job in [*points.values(), collect.group(1)]:
            self.assertEqual(self.job_state(job), ("COMPLETED", "0:0"), f"job {job}\n{text}{logs}")
        self.assertIn(f"output folder {out}", done.stdout)
        for name in ("results.csv", "summary.csv"):
            self.assertTrue((out / name).is_file(), f"no {name} in {out}: {sorted(os.listdir(out))}\n{logs}")
        with open(out / "results.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual({(row["ranks"], row["launcher"]) for row in rows}, {("1", "srun"), ("2", "srun")})
        for ranks, job in points.items():  # each point ran in its own job, with its own number of tasks
            meta = json.loads((out / "raw" / "root" / f"p{ranks}" / "rep1.meta.json").read_text())
            self.assertEqual(meta["slurm_job_id"], job)
        self.assertTrue(list(out.rglob("*.png")) or list(out.rglob("*.svg")), f"no plots in {out}\n{logs}")
        print(f"submit-scaling.sh --wait: {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
