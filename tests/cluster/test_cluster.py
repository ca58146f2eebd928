"""The local multi-node cluster itself (scripts/slurm-local.sh --nodes 3): nodes with their own names, networks,
/tmp and /dev/shm and a shared folder; a real Slurm across them; Open MPI started by srun, by mpirun inside a
batch job and by mpirun without Slurm; down leaves nothing behind; up twice is safe."""
import re
import subprocess
import time
import unittest
from pathlib import Path

from local_cluster import ClusterTestCase, LocalCluster, skip, why_no_cluster

HOSTS = ["node1", "node1", "node2", "node2", "node3", "node3"]


def leftovers(state):
    """What a cluster in `state` could leave on this machine: namespaces, links, mounts, daemons."""
    found = []
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    found += [f"namespace {line.split()[0]}" for line in namespaces.splitlines() if line.startswith("rankpool-")]
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    found += [f"link {name}" for name in re.findall(r"^\d+: (rankpool[^:@]*)", links, re.M)]
    mounts = Path("/proc/self/mountinfo").read_text()
    found += [f"mount {line.split()[4]}" for line in mounts.splitlines() if str(state) in line or "/run/netns" in line]
    daemons = subprocess.run(["pgrep", "-a", "-f", str(state)], capture_output=True, text=True).stdout
    found += [f"process {line}" for line in daemons.splitlines()]
    return found


class ClusterTest(ClusterTestCase):

    def test_sinfo_shows_three_idle_nodes(self):
        out = self.cluster.run(["sinfo", "-N", "-h", "-o", "%N %T"]).stdout
        self.assertEqual(sorted(out.split("\n")[:-1]), ["node1 idle", "node2 idle", "node3 idle"], out)

    def test_srun_runs_on_every_node(self):
        result = self.cluster.run(["srun", "-N", "3", "hostname"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(result.stdout.split()), ["node1", "node2", "node3"])

    def test_nodes_have_private_tmp_and_shm_and_share_the_scratch_folder(self):
        marker = self.cluster.shared / "from-host.txt"
        marker.write_text("shared\n")
        for node in self.cluster.names:
            script = (f"echo {node} > /tmp/mine && echo {node} > /dev/shm/mine && hostname && cat {marker} && "
                      "ip -4 -o addr show eth0 | awk '{print $4}'")
            result = self.cluster.in_node(node, ["sh", "-c", script])
            self.assertEqual(result.returncode, 0, result.stderr)
            k = node[-1]
            self.assertEqual(result.stdout.split(), [node, "shared", f"10.211.0.{k}/24"])
        for node in self.cluster.names:  # each node sees only what it wrote itself
            result = self.cluster.in_node(node, ["cat", "/tmp/mine", "/dev/shm/mine"])
            self.assertEqual(result.stdout.split(), [node, node])
        self.assertFalse(any(p.name == "mine" for p in Path("/tmp").iterdir()))

    def test_a_node_reaches_no_address_outside_the_cluster(self):
        result = self.cluster.in_node("node1", ["ip", "-4", "route", "show"])
        self.assertEqual(result.stdout.strip(), "10.211.0.0/24 dev eth0 proto kernel scope link src 10.211.0.1")

    def test_srun_pmix_starts_mpi_ranks_on_every_node(self):
        result = self.cluster.run(["srun", "-N", "3", "-n", "6", "--mpi=pmix", "hostname"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(result.stdout.split()), HOSTS)

    def test_mpirun_inside_sbatch_starts_ranks_on_every_node(self):
        job = self.cluster.shared / "hosts.sbatch"
        job.write_text("#!/bin/bash\nmpirun -q hostname\n")
        result = self.cluster.run(["sbatch", "--wait", "-N", "3", "--ntasks-per-node", "2", "-o", "hosts.out",
                                   str(job)])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted((self.cluster.shared / "hosts.out").read_text().split()), HOSTS)

    def test_mpirun_without_slurm_reaches_the_nodes_through_the_launch_agent(self):
        result = self.cluster.run(["mpirun", "-q", "--host", "node1:2,node2:2,node3:2", "hostname"],
                                  env={"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(result.stdout.split()), HOSTS)

    def test_up_twice_is_safe(self):
        again = self.cluster.up()
        self.assertIn("already up", again.stdout)
        self.test_sinfo_shows_three_idle_nodes()


class UpDownTest(unittest.TestCase):
    """Up and down take seconds and down leaves nothing: its own cluster, apart from the one above."""

    def setUp(self):
        if reason := why_no_cluster():
            skip(reason)

    def test_down_leaves_nothing(self):
        cluster = LocalCluster(nodes=2, node_memory="256M")
        self.addCleanup(cluster.down)
        start = time.monotonic()
        cluster.up()
        up = time.monotonic() - start
        self.assertEqual(cluster.run(["srun", "-N", "2", "hostname"]).returncode, 0)
        start = time.monotonic()
        down = cluster.script("down")
        self.assertEqual(down.returncode, 0, down.stderr)
        print(f"up {up:.1f} s, down {time.monotonic() - start:.1f} s")
        self.assertEqual(leftovers(cluster.state), [])
        self.assertEqual(subprocess.run(["find", "/sys/fs/cgroup", "-maxdepth", "6", "-name", "rankpool-node*"],
                                        capture_output=True, text=True).stdout, "")
        self.assertEqual(cluster.script("status", check=False).returncode, 3)


if __name__ == "__main__":
    unittest.main()
