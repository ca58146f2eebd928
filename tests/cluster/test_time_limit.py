"""Slurm's time limit across the local cluster's 3 nodes, with scripts/slurm/square.sbatch as a user submits it:
an endless job past --time=1 ends as TIMEOUT, and one with --signal=B:TERM@60 stops itself before its limit
(the batch script passes the warning on to every rank). Either way the log says rankpool was interrupted, once,
and nothing is left in the shared folder. Both jobs run at once, one task per node each."""
import re
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from local_cluster import ClusterTestCase, finished_job_fields
from rankpool_testing import BINARY

REPO = Path(__file__).resolve().parents[2]
SQUARE = REPO / "scripts" / "slurm" / "square.sbatch"


class TimeLimitTest(ClusterTestCase):
    def endless_job(self, *options):
        """sbatch --wait of an endless square on 3 nodes; (job id, log, JobState, ExitCode) as soon as it ends."""
        root = Path(BINARY).resolve().parents[1]  # the checkout whose build/rankpool is under test
        result = self.cluster.run(["sbatch", "--wait", "--parsable", "-N", "3", "--ntasks", "3", *options,
                                   str(SQUARE), "--n", "600000", "--repeat", "1000000000"],
                                  env={"RANKPOOL_ROOT": str(root)}, timeout=300)
        job = re.match(r"\d+", result.stdout).group(0)
        fields = finished_job_fields(job, self.cluster.env)
        log = (self.shared / f"rankpool-square-{job}.out").read_text(errors="replace")
        return job, log, fields.get("JobState"), fields.get("ExitCode")

    def test_time_limit_and_its_warning(self):
        with ThreadPoolExecutor(2) as pool:
            at_limit = pool.submit(self.endless_job, "--time=1")
            warned = pool.submit(self.endless_job, "--time=2", "--signal=B:TERM@60")
            for future, state in ((at_limit, ("TIMEOUT", "143:0")), (warned, ("FAILED", "143:0"))):
                job, log, *got = future.result()
                with self.subTest(job=job, expected=state):
                    self.assertEqual(tuple(got), state, log)
                    self.assertIn("3 node(s)", log)
                    self.assertEqual(log.count("rankpool: interrupted"), 1, log)
                    self.assertIn("rankpool: interrupted (SIGTERM); stopped, temporary files removed", log)
                    self.assertIn("rankpool square was interrupted (exit code 143,", log)
                    out = self.shared / "runs" / job
                    self.assertEqual([p.name for p in out.iterdir()], ["slurm.out"])


if __name__ == "__main__":
    unittest.main()
