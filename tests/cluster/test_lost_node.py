"""A node lost in the middle of a job, on a local cluster of 3 nodes x 2 ranks. The job (mpirun inside an sbatch
job) is held at a phase (RANKPOOL_TEST_STALL makes rank 0 wait there, the others wait for it inside the phase's
collective), then every process of node2 is killed at once (scripts/slurm-local.sh kill-node). The job must end
within 30 s with a non-zero exit, no rankpool process may be left on any node, an earlier output of the same name
stays intact and no temporary file is left in the shared folder; Slurm marks node2 down; a rerun without node2
succeeds (fetch's rerun downloads only what is missing). Then node2 is revived for the next case. And scancel of
a running 3-node job: every node's ranks stop, one `interrupted` line, nothing half-written (with --io parallel
across nodes that includes the lock file Open MPI's MPI-IO keeps beside the output while it is open)."""
import hashlib
import json
import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

import h5py
from fault_server import content
from local_cluster import ClusterTestCase
from rankpool_testing import BINARY, generate, squares

PORT = 18081
N, SEED = 200_003, 5


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


class LostNodeTest(ClusterTestCase):
    def setUp(self):
        # Every case starts with three idle nodes.
        self.addCleanup(self.revive, "node2")

    def revive(self, node):
        if not (self.cluster.state / "run" / f"{node}.holder").exists():
            self.cluster.script("revive-node", node)

    def node_state(self, node):
        return self.cluster.run(["sinfo", "-h", "-n", node, "-o", "%T"]).stdout.strip()

    @staticmethod
    def rankpool_processes():
        """The processes running the binary under test on any node (the nodes share one PID namespace, each has
        its own network namespace); not those of other tests running on this machine at the same time."""
        binary, found, host_network = os.path.realpath(BINARY), [], os.readlink("/proc/self/ns/net")
        for entry in Path("/proc").iterdir():
            try:
                if (entry.name.isdigit() and os.readlink(entry / "exe") == binary
                        and os.readlink(entry / "ns/net") != host_network):
                    found.append(entry.name)
            except OSError:  # gone, or a kernel thread
                continue
        return found

    def submit(self, name, command, options=("-N", "3", "--ntasks-per-node", "2"), env=None):
        """Starts `mpirun -q -x ... COMMAND` as a batch job; returns (Popen of sbatch --wait, log path)."""
        forwarded = " ".join(f"-x {key}" for key in (env or {}))
        job = self.shared / f"{name}.sbatch"
        job.write_text(f"#!/bin/bash\nexec mpirun -q {forwarded} {command}\n")
        log = self.shared / f"{name}.log"
        log.unlink(missing_ok=True)
        proc = subprocess.Popen(["sbatch", "--wait", *options, "-o", str(log), str(job)], cwd=self.shared,
                                env={**self.cluster.env, **(env or {})}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        return proc, log

    def wait_for_line(self, log, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and text in log.read_text(errors="replace"):
                return
            time.sleep(0.1)
        self.fail(f"no {text!r} in {log} within {timeout} s:\n{log.read_text() if log.exists() else ''}")

    def declare_node2_down(self):
        """What an administrator does on losing a node, so that the rerun starts at once: the dead job's other
        nodes are held until Slurm gives up on node2 (SlurmdTimeout and its pings: 15-40 s here, which
        test_slurm_marks_the_lost_node_down waits for)."""
        result = self.cluster.run(["scontrol", "update", "NodeName=node2", "State=DOWN", "Reason=lost in a test"])
        self.assertEqual(result.returncode, 0, result.stderr)

    def finish(self, proc, timeout=120):
        """Waits for an sbatch --wait; returns its exit code (and its output, if it failed, for the message)."""
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out + err

    def kill_node2_and_wait(self, proc, log):
        """Kills node2; returns (seconds until the job ended, exit code)."""
        self.cluster.script("kill-node", "node2")
        start = time.monotonic()
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.fail(f"the job did not end within 60 s of losing node2:\n{log.read_text()}")
        return time.monotonic() - start, proc.returncode

    def assert_nothing_left(self):
        deadline = time.monotonic() + 10  # the survivors' last exit
        while self.rankpool_processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.rankpool_processes(), [], "rankpool processes outlived the job")

    def test_square_loses_a_node_in_each_phase(self):
        out = self.shared / "lost.h5"
        first, _ = self.submit("first", f"{BINARY} square --n {N} --seed {SEED} --output {out.name}")
        code, output = self.finish(first)
        self.assertEqual(code, 0, output)
        cases = [("root", "scatter"), ("root", "square"), ("root", "write_output"), ("parallel", "square"),
                 ("parallel", "write_output")]
        for io, phase in cases:  # each rerun's output is the next case's earlier one
            args = f"{BINARY} square --io {io} --n {N} --seed {SEED} --output {out.name}"
            with self.subTest(io=io, phase=phase):
                self.revive("node2")
                before = md5(out)
                proc, log = self.submit(f"lost-{io}-{phase}", args, env={"RANKPOOL_TEST_STALL": f"{phase}:0"})
                self.wait_for_line(log, f"test stall in {phase} on rank 0")
                seconds, code = self.kill_node2_and_wait(proc, log)
                print(f"--io {io}, {phase}: the job ended {seconds:.1f} s after node2 died, exit {code}",
                      file=sys.stderr)
                self.assertNotEqual(code, 0)
                self.assertLess(seconds, 30)
                self.assert_nothing_left()
                self.assertEqual(md5(out), before, "the earlier output changed")
                left = [p.name for p in self.shared.iterdir() if ".rankpool-" in p.name]
                self.assertEqual(left, [], "temporary files left in the shared folder")
                out.unlink()
                self.declare_node2_down()
                rerun, _ = self.submit(f"rerun-{io}-{phase}", args, options=("-N", "2", "--ntasks-per-node", "2",
                                                                          "--exclude", "node2"))
                code, output = self.finish(rerun)
                self.assertEqual(code, 0, output)
                with h5py.File(out, "r") as f:
                    self.assertEqual(f["/squared"][()].tolist(), squares(generate(N, SEED)).tolist())

    def test_scancel_stops_every_node_cleanly(self):
        # srun starts the ranks: scancel has Slurm send SIGTERM to every task on every node.
        out = self.shared / "cancelled.h5"
        job = self.shared / "cancel.sbatch"
        job.write_text(f"#!/bin/bash\nexec srun --mpi=pmix {BINARY} square --io parallel --n {N} "
                       f"--output {out.name} --report cancelled.json\n")
        log = self.shared / "cancel.log"
        proc = subprocess.Popen(["sbatch", "--wait", "--parsable", "-N", "3", "--ntasks-per-node", "2", "-o",
                                 str(log), str(job)], cwd=self.shared,
                                env={**self.cluster.env, "RANKPOOL_TEST_STALL": "write_output:0"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.wait_for_line(log, "test stall in write_output on rank 0")
        job_id = self.cluster.run(["squeue", "-h", "-o", "%i"]).stdout.split()[0]
        self.assertEqual(self.cluster.run(["scancel", job_id]).returncode, 0)
        start = time.monotonic()
        proc.communicate(timeout=60)
        print(f"scancel: the job ended {time.monotonic() - start:.1f} s later, exit {proc.returncode}",
              file=sys.stderr)
        self.assert_nothing_left()
        text = log.read_text()
        self.assertRegex(text, rf"JOB {job_id} ON node1 CANCELLED")  # (sbatch --wait itself exits 0 then)
        self.assertEqual(text.count("rankpool: interrupted (SIGTERM)"), 1, text)
        self.assertEqual([p.name for p in self.shared.iterdir() if p.name.startswith("cancelled")], [], text)
        self.assertEqual([p.name for p in self.shared.iterdir() if ".rankpool-" in p.name], [])

    def test_slurm_marks_the_lost_node_down(self):
        self.cluster.script("kill-node", "node2")
        deadline = time.monotonic() + 40
        while self.node_state("node2") != "down*" and time.monotonic() < deadline:
            time.sleep(0.5)
        self.assertEqual(self.node_state("node2"), "down*")

    def test_fetch_loses_a_node_and_the_rerun_fetches_only_what_is_missing(self):
        server, address = self.cluster.start_server("node3", PORT, delay=0.3)
        self.addCleanup(server.communicate)  # (closes its pipes)
        self.addCleanup(server.kill)
        files = {f"/g{i:02d}.bin": 20_000 + i for i in range(24)}
        lines = [f"http://{address}:{PORT}{path}?size={size} size={size}" for path, size in files.items()]
        (self.shared / "lost-urls.txt").write_text("\n".join(lines) + "\n")
        command = f"{BINARY} fetch lost-urls.txt --out lost-out --schedule dynamic --report lost.json"
        # Node3 serves, so the job runs on node1 and node2 only.
        options = ("-N", "2", "--ntasks-per-node", "2", "--exclude", "node3")
        proc, log = self.submit("lost-fetch", command, options=options)
        folder = self.shared / "lost-out"
        deadline = time.monotonic() + 60
        while not (folder.exists() and len([p for p in folder.iterdir() if not p.name.startswith(".")]) >= 4):
            self.assertLess(time.monotonic(), deadline, "no 4 finished files within 60 s")
            time.sleep(0.05)
        seconds, code = self.kill_node2_and_wait(proc, log)
        print(f"fetch: the job ended {seconds:.1f} s after node2 died, exit {code}", file=sys.stderr)
        self.assertNotEqual(code, 0)
        self.assertLess(seconds, 30)
        self.assert_nothing_left()
        finished = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
        for name in finished:  # whole, or not there at all
            self.assertEqual((folder / name).read_bytes(), content(f"/{name}", files[f"/{name}"]), name)
        self.assertLess(len(finished), len(files))
        self.declare_node2_down()
        rerun, _ = self.submit("refetch", command, options=("-N", "1", "--ntasks-per-node", "2", "--nodelist",
                                                            "node1"))
        code, output = self.finish(rerun)
        self.assertEqual(code, 0, output)
        entries = json.loads((self.shared / "lost.json").read_text())["results"]
        statuses = {e["file"]: e["status"] for e in entries}
        self.assertEqual({name for name, status in statuses.items() if status == "skipped"}, finished)
        self.assertEqual(sorted(p.name for p in folder.iterdir()), sorted(p[1:] for p in files))
        for path, size in files.items():
            self.assertEqual((folder / path[1:]).read_bytes(), content(path, size), path)


if __name__ == "__main__":
    unittest.main()
