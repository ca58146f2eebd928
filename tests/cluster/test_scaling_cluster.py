"""Scaling studies over nodes on a local 3-node cluster: scripts/slurm/submit-scaling.sh with node counts 1, 2, 3
(one Slurm job per node count, srun) and scripts/scaling.sh inside one 3-node allocation (mpirun). results.csv,
summary.csv and summary.md must carry each point's node count and hosts, as the ranks really ran (the nodes'
own host names, from every rank's report), and the plots must be made."""
import csv
import json
import re
import unittest

from local_cluster import REPO, ClusterTestCase
from rankpool_testing import BINARY

SUBMIT_SCALING = REPO / "scripts" / "slurm" / "submit-scaling.sh"
SCALING = REPO / "scripts" / "scaling.sh"
PNGS = ["time-vs-ranks.png", "efficiency.png", "phases.png"]


def hosts(nodes, per_node):
    """results.csv's hosts of a point: "node1:2 node2:2"."""
    return " ".join(f"node{k}:{per_node}" for k in range(1, nodes + 1))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class ScalingClusterTest(ClusterTestCase):
    def check_study(self, out, ios, node_counts, per_node, launcher):
        """Every point: its rank count, node count and hosts, in the raw reports and in the tables."""
        rows = read_csv(out / "results.csv")
        expected = {(io, str(per_node * n), str(n), hosts(n, per_node)) for io in ios for n in node_counts}
        self.assertEqual({(r["io"], r["ranks"], r["nodes"], r["hosts"]) for r in rows}, expected)
        self.assertEqual({r["launcher"] for r in rows}, {launcher})
        for io in ios:
            for n in node_counts:
                report = json.loads((out / "raw" / io / f"p{per_node * n}" / "rep1.json").read_text())
                self.assertEqual(report["rank_hosts"], [f"node{k}" for k in range(1, n + 1) for _ in range(per_node)])
        summary = read_csv(out / "summary.csv")
        self.assertEqual({(r["io"], r["ranks"], r["nodes"], r["hosts"]) for r in summary}, expected)
        table = (out / "summary.md").read_text()
        self.assertIn("Ranks on " + ", ".join(f"node{k}" for k in range(1, max(node_counts) + 1)), table)
        for io in ios:
            section = table.split(f"## --io {io}")[1]
            header = section.split("\n")[2]
            self.assertTrue(header.startswith("| ranks | nodes |"), header)
            body = [line for line in section.split("\n")[4:] if line.startswith("| ")]
            got = [tuple(cell.strip() for cell in line.split("|")[1:3]) for line in body[:len(node_counts)]]
            self.assertEqual(got, [(str(per_node * n), str(n)) for n in node_counts])
        for png in PNGS:
            self.assertEqual((out / png).read_bytes()[:8], b"\x89PNG\r\n\x1a\n", png)

    def test_submit_scaling_over_one_two_and_three_nodes(self):
        out = self.shared / "by-nodes"
        done = self.cluster.run([str(SUBMIT_SCALING), "--nodes", "1,2,3", "--ranks-per-node", "2", "--time", "00:05:00",
                                 "--out", str(out), "--wait", "--mode", "strong", "--n", "200000", "--repeat", "1",
                                 "--io", "root,parallel", "--rankpool", BINARY], timeout=300)
        logs = "".join(f"--- {p.name}:\n{p.read_text(errors='replace')}" for p in sorted((out / "slurm").glob("*.out")))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr + logs)
        points = re.findall(r"ranks (\d+) on (\d+) node\(s\): job (\d+)", done.stdout)
        self.assertEqual([(p, n) for p, n, _ in points], [("2", "1"), ("4", "2"), ("6", "3")], done.stdout)
        for ranks, nodes, job in points:  # each point in its own job of that many nodes
            meta = json.loads((out / "raw" / "root" / f"p{ranks}" / "rep1.meta.json").read_text())
            self.assertEqual((meta["slurm_job_id"], meta["nodes_requested"], meta["allocation_nodes"]),
                             (job, int(nodes), int(nodes)))
        self.check_study(out, ["root", "parallel"], [1, 2, 3], 2, "srun")

    def test_scaling_sh_inside_one_allocation(self):
        # One rank per node: left to itself mpirun would fill node1's two slots first.
        out = self.shared / "in-allocation"
        job = self.shared / "scaling.sbatch"
        job.write_text("#!/bin/bash\n"
                       f"{SCALING} --nodes 4 --ranks-per-node 2 --mode weak --out {out}-refused --rankpool {BINARY}\n"
                       "echo refused-with=$?\n"
                       f"exec {SCALING} --nodes 2,3 --ranks-per-node 1 --launcher mpirun --mode weak "
                       f"--n-per-rank 50000 --repeat 1 --io parallel --out {out} --rankpool {BINARY}\n")
        done = self.cluster.run(["sbatch", "--wait", "-N", "3", "--ntasks-per-node", "2", "-o", "scaling.log", str(job)],
                                timeout=300)
        log = (self.shared / "scaling.log").read_text(errors="replace")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr + log)
        self.assertIn("refused-with=2", log)
        self.assertIn("a point needs 4 nodes, but this allocation has 3", log)
        self.assertFalse((self.shared / "in-allocation-refused").exists())
        self.assertRegex(log, r"weak io=parallel ranks=3 nodes=3 rep 1/1")
        self.check_study(out, ["parallel"], [2, 3], 1, "mpirun")


if __name__ == "__main__":
    unittest.main()
