"""`rankpool square` across the nodes of a local cluster (3 nodes x 2 ranks, scripts/slurm-local.sh --nodes 3):
both I/O modes, generated and read input, started by `srun --mpi=pmix` and by mpirun inside an sbatch job. The
output must equal a one-node run of the same job bit for bit (h5py), and the report must name every rank's node.
Paths that are not the same on every node (a node's own /tmp) are refused by --io parallel before any work."""
import json
import unittest
from pathlib import Path

import h5py
import numpy as np

from local_cluster import REPO, ClusterTestCase
from rankpool_testing import BINARY, generate, squares, write_input

N, SEED = 100_003, 77
HOSTS = ["node1", "node1", "node2", "node2", "node3", "node3"]


def datasets(path):
    with h5py.File(path, "r") as f:
        return {name: (f[name].dtype.str, f[name][()].tobytes()) for name in ("/numbers", "/squared") if name in f}


class SquareClusterTest(ClusterTestCase):
    # Each node as a machine of 160 MB (a memory cgroup): enough for every job here but the one that must not fit.
    node_memory = "160M"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        write_input(cls.shared / "in.h5", np.arange(1, 50_001, dtype=">i4"), dataset="/run/values")

    def srun(self, *args, nodes=3, tasks=6):
        return self.cluster.run(["srun", "-N", str(nodes), "-n", str(tasks), "--mpi=pmix", BINARY, "square",
                                 *map(str, args)])

    def sbatch_mpirun(self, name, *args):
        job = self.shared / f"{name}.sbatch"
        job.write_text(f"#!/bin/bash\nmpirun -q {BINARY} square {' '.join(map(str, args))}\n")
        return self.cluster.run(["sbatch", "--wait", "-N", "3", "--ntasks-per-node", "2", "-o", f"{name}.log",
                                 str(job)])

    def check_against_one_node(self, io, source_args, name, launch):
        result = launch(name, "--io", io, *source_args, "--output", f"{name}.h5", "--report", f"{name}.json")
        log = result.stdout + result.stderr
        if (self.shared / f"{name}.log").exists():
            log += (self.shared / f"{name}.log").read_text()
        self.assertEqual(result.returncode, 0, log)
        one = self.srun("--io", io, *source_args, "--output", f"{name}-one.h5", nodes=1, tasks=2)
        self.assertEqual(one.returncode, 0, one.stderr)
        across, single = datasets(self.shared / f"{name}.h5"), datasets(self.shared / f"{name}-one.h5")
        self.assertEqual(across, single, "output differs from a one-node run")
        with h5py.File(self.shared / f"{name}.h5", "r") as f:  # and both are right
            values = f["/numbers"][()] if "/numbers" in f else np.arange(1, 50_001, dtype=">i4").astype("<i4")
            np.testing.assert_array_equal(f["/squared"][()], squares(values))
        report = json.loads((self.shared / f"{name}.json").read_text())
        self.assertEqual((report["ranks"], report["nodes"]), (6, 3))
        self.assertEqual(report["ranks_per_node"], {"node1": 2, "node2": 2, "node3": 2})
        self.assertEqual(report["rank_hosts"], HOSTS)
        self.assertEqual(report["host"], "node1")
        self.assertIn("6 ranks on 3 nodes (node1: 2, node2: 2, node3: 2)", log)

    def test_srun_generated_and_read_in_both_modes(self):
        for io in ("root", "parallel"):
            for source, args in (("gen", ("--n", N, "--seed", SEED)), ("read", ("--input", "in.h5:/run/values"))):
                with self.subTest(io=io, source=source):
                    self.check_against_one_node(io, args, f"srun-{io}-{source}",
                                                lambda name, *a: self.srun(*a))
        np.testing.assert_array_equal(datasets(self.shared / "srun-root-gen.h5")["/numbers"][1],
                                      generate(N, SEED).astype("<i8").tobytes())

    def test_mpirun_inside_sbatch_in_both_modes(self):
        for io, args in (("root", ("--input", "in.h5:/run/values")), ("parallel", ("--n", N, "--seed", SEED))):
            with self.subTest(io=io):
                self.check_against_one_node(io, args, f"sbatch-{io}", self.sbatch_mpirun)

    def node_tmp(self, node):
        return self.cluster.in_node(node, ["ls", "-A", "/tmp"]).stdout.split()

    def test_parallel_refuses_paths_that_are_not_shared(self):
        # The folders every node's /tmp shows from the host: the cluster's state, and the repository when it is in /tmp.
        bound = {Path(p).parts[2] for p in (self.cluster.state, REPO) if Path(p).parts[1:2] == ("tmp",)}
        write = self.cluster.in_node("node1", ["cp", str(self.shared / "in.h5"), "/tmp/in.h5"])
        self.assertEqual(write.returncode, 0, write.stderr)
        cases = {
            "--output": ("--output", "/tmp/out.h5"),
            "--report": ("--output", "out-r.h5", "--report", "/tmp/r.json"),
            "--input": ("--input", "/tmp/in.h5:/run/values", "--output", "out-i.h5"),
        }
        for option, args in cases.items():
            with self.subTest(option=option):
                before = sorted(p.name for p in self.shared.iterdir())
                result = self.srun("--io", "parallel", *args)
                self.assertEqual(result.returncode, 1, result.stderr)
                lines = [line for line in result.stderr.splitlines() if line.startswith("rankpool")]
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn(f"{option} /tmp/", lines[0])
                self.assertIn("the folder is not the same on every node (node2 cannot see", lines[0])
                self.assertIn("or use --io root", lines[0])
                self.assertEqual(sorted(p.name for p in self.shared.iterdir()), before)
                self.assertEqual(sorted(set(self.node_tmp("node1")) - bound), ["in.h5"])

    def test_memory_is_checked_per_node(self):
        # 24M int64 values: 192 MB in all. Spread over 3 nodes (64 MB each) it fits; on one node it does not.
        one = self.srun("--io", "parallel", "--n", 24_000_000, "--output", "big1.h5", nodes=1, tasks=2)
        self.assertEqual(one.returncode, 1, one.stderr)
        lines = [line for line in one.stderr.splitlines() if line.startswith("rankpool")]
        self.assertEqual(len(lines), 1, one.stderr)
        self.assertRegex(lines[0], r"needs 192\.00 MB of memory on node1 \(2 ranks there; rank 0 alone 96\.00 MB\), "
                                   r"but only [\d.]+ MB are available \(cgroup memory limit\)")
        self.assertFalse((self.shared / "big1.h5").exists())
        three = self.srun("--io", "parallel", "--n", 24_000_000, "--output", "big3.h5", "--report", "big3.json")
        self.assertEqual(three.returncode, 0, three.stderr)
        self.assertEqual(json.loads((self.shared / "big3.json").read_text())["nodes"], 3)
        (self.shared / "big3.h5").unlink()

    def test_root_mode_writes_to_rank_0s_node_and_says_so(self):
        result = self.srun("--io", "root", "--n", 1000, "--output", "/tmp/root.h5")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("-> /tmp/root.h5 (written on node1)", result.stdout)
        self.assertIn("root.h5", self.node_tmp("node1"))
        self.assertNotIn("root.h5", self.node_tmp("node2"))


if __name__ == "__main__":
    unittest.main()
