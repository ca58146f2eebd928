"""A local multi-node cluster for the tests: `scripts/slurm-local.sh up --nodes N` in a temporary state folder,
taken down again at the end (also when the test fails). Nodes are namespaces on this machine (node1..nodeN),
with a real Slurm; see the script's header. Everything the jobs read and write goes below `shared`, the scratch
folder every node sees at the same path.
"""
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SLURM_LOCAL = REPO / "scripts" / "slurm-local.sh"
TOOLS = ["slurmctld", "slurmd", "sbatch", "srun", "sinfo", "squeue", "scontrol", "scancel", "munged", "munge",
         "unmunge", "nsenter", "unshare", "ip"]


def skip(reason):
    """Skips the whole test class, saying why on stderr (ctest's SKIP_REGULAR_EXPRESSION looks for it)."""
    print(f"skipped: {reason}", file=sys.stderr)
    raise unittest.SkipTest(reason)


def free_port_pair():
    """A port P such that P and P + 1 are both free on this machine now (slurmctld and slurmd)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("", port + 1))
                except OSError:
                    continue
            return port
    raise AssertionError("no two free consecutive ports")


def why_no_cluster():
    """None where a local cluster can run here, else the reason."""
    if os.environ.get("RANKPOOL_SANITIZE") == "1":  # as the slurm test: Slurm's jobs run the Release build
        return "the sanitized build: the cluster tests run in the Release pass of scripts/test.sh"
    if os.geteuid() != 0:
        return "not root: the local cluster makes namespaces and starts munged, slurmctld and slurmd"
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin" + os.pathsep + "/sbin"
    if missing := [tool for tool in TOOLS if shutil.which(tool, path=path) is None]:
        return f"Slurm, munge or iproute2 is not installed (missing: {', '.join(missing)}; scripts/setup.sh test)"
    if subprocess.run(["unshare", "--net", "--mount", "--uts", "true"], capture_output=True).returncode != 0:
        return "cannot make namespaces here (needs CAP_SYS_ADMIN)"
    return None


def finished_job_fields(job, env):
    """scontrol's fields (JobState=..., ExitCode=...) of `job` once it has finished completing: sbatch --wait
    can return while it still is, and slurm-local.sh's MinJobAge forgets a finished job 4 s later."""
    deadline = time.monotonic() + 30
    while True:
        shown = subprocess.run(["scontrol", "show", "job", str(job)], env=env, capture_output=True, text=True)
        fields = dict(re.findall(r"(\w+)=(\S*)", shown.stdout))
        if fields.get("JobState") != "COMPLETING" or time.monotonic() > deadline:
            return fields
        time.sleep(0.1)


class ClusterTestCase(unittest.TestCase):
    """A test class with its own cluster (`cls.cluster`, shared folder `cls.shared`), up for the whole class and
    down at its end; skipped, saying why, where no cluster can run."""
    nodes = 3
    node_memory = None

    @classmethod
    def setUpClass(cls):
        if reason := why_no_cluster():
            skip(reason)
        cls.cluster = LocalCluster(nodes=cls.nodes, node_memory=cls.node_memory)
        cls.addClassCleanup(cls.cluster.down)  # first: it runs even when up fails half-way
        cls.cluster.up()
        cls.shared = cls.cluster.shared


class LocalCluster:
    def __init__(self, nodes=3, node_memory=None):
        self.nodes = nodes
        self.node_memory = node_memory  # e.g. "160M": each node's memory cgroup
        self.names = [f"node{k}" for k in range(1, nodes + 1)]
        self.state = Path(tempfile.mkdtemp(prefix="rankpool-cluster-"))
        self.shared = self.state / "shared"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("SLURM_", "SBATCH_"))}
        self.env["PATH"] = self.env.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        self.port = free_port_pair()
        self.up_output = ""

    def script(self, *args, timeout=120, check=True):
        result = subprocess.run([str(SLURM_LOCAL), *args, "--state", str(self.state)], env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"slurm-local.sh {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}{result.stderr}")
        return result

    def up(self):
        memory = ["--node-memory", self.node_memory] if self.node_memory else []
        result = self.script("up", "--nodes", str(self.nodes), "--port", str(self.port), *memory)
        self.up_output = result.stdout
        for line in result.stdout.splitlines():  # export A=1 B=2: what Slurm and Open MPI need here
            if line.startswith("export "):
                for pair in shlex.split(line)[1:]:
                    key, value = pair.split("=", 1)
                    self.env[key] = value
        return result

    def down(self):
        result = self.script("down", check=False)
        shutil.rmtree(self.state, ignore_errors=True)
        return result

    def run(self, command, cwd=None, timeout=120, env=None):
        """A command on this host, with the cluster's environment; returns the CompletedProcess."""
        return subprocess.run(command, cwd=cwd or self.shared, env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=timeout)

    def start_server(self, node, port, delay=0.0):
        """tests/helpers/fault_server.py inside NODE, on the node's own address; returns (Popen, address).
        The caller kills it (the cluster's down would too)."""
        address = f"10.211.0.{node.removeprefix('node')}"
        server = subprocess.Popen([*self.enter(node), sys.executable, str(Path(__file__).with_name("fault_server.py")),
                                   "--host", address, "--port", str(port), "--delay", str(delay)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if "serving" not in server.stdout.readline():
            server.kill()
            raise AssertionError(f"the server did not start in {node}: {server.communicate()[1]}")
        return server, address

    def enter(self, node):
        """The command prefix that runs a command inside NODE (its namespaces)."""
        holder = (self.state / "run" / f"{node}.holder").read_text().strip()
        return ["nsenter", "-t", holder, "-n", "-u", "-m", "--"]

    def in_node(self, node, command, timeout=60):
        """A command inside NODE (its namespaces); returns the CompletedProcess."""
        return subprocess.run([*self.enter(node), *command], capture_output=True, text=True, timeout=timeout)
