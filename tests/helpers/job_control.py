"""Runs `mpirun ... rankpool ARGS` in the background and strikes it -- a signal to mpirun, Ctrl-C to the
whole process group, SIGTERM to each rank as srun sends it, or SIGKILL to one rank as when its node dies --
at a chosen moment: after some seconds, or once a line shows up on its stderr (RANKPOOL_TEST_STALL)."""
import hashlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from rankpool_testing import BINARY, MPIEXEC, kill_session


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def files_under(folder):
    """Every path under `folder`, relative, sorted; hidden temporary files included."""
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


class Interruptible:
    """Starts the job in its own session (so a test can signal its process group as a terminal's Ctrl-C
    would) and collects its output as it comes."""

    def __init__(self, args, cwd, ranks=2, env=None):
        self.cwd = Path(cwd)
        self.proc = subprocess.Popen([*MPIEXEC.split(), "-q", "--oversubscribe", "-np", str(ranks), BINARY, *args],
                                     cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, env=dict(os.environ, **(env or {})))
        self.out, self.err = [], []
        self.readers = [threading.Thread(target=lambda s=stream, into=into: into.extend(s), daemon=True)
                        for stream, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    def wait_for(self, text, timeout=60):
        """Waits until a line of stderr contains `text`."""
        self.wait_until(lambda: any(text in line for line in self.err), f"{text!r} on stderr", timeout)

    def wait_until(self, condition, what, timeout=60):
        """Waits, while the job runs, until condition() holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            self.assert_running()
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{''.join(self.err)}")
            time.sleep(0.05)

    def interrupt(self, how, after=0):
        """Strikes (see the module's text) and waits for the end: (exit code, stdout, stderr, seconds
        from the strike to the end)."""
        time.sleep(after)
        self.assert_running()
        pid = self.proc.pid
        if how == "mpirun":
            os.kill(pid, signal.SIGTERM)
        elif how == "ctrl-c":
            os.killpg(pid, signal.SIGINT)  # as a terminal does: the foreground group, mpirun, which forwards it
        elif how == "ranks":  # srun / Slurm signal the tasks themselves
            for rank in self.ranks():
                os.kill(rank, signal.SIGTERM)
        elif how.startswith("kill rank "):  # a node dies: one rank gone without a word
            os.kill(self.ranks()[int(how.split()[-1])], signal.SIGKILL)
        else:
            raise ValueError(how)
        start = time.monotonic()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_session(pid)
            self.proc.wait()
            raise AssertionError(f"the job outlived '{how}' by 30 s") from None
        seconds = time.monotonic() - start
        self.join_readers()
        return self.proc.returncode, "".join(self.out), "".join(self.err), seconds

    def ranks(self):
        """The rank processes under mpirun, by rank (OMPI_COMM_WORLD_RANK in each one's environment)."""
        pids = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        by_rank = {}
        for pid in pids:
            environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            rank = [v for v in environment if v.startswith(b"OMPI_COMM_WORLD_RANK=")]
            if rank:
                by_rank[int(rank[0].split(b"=")[1])] = int(pid)
        assert by_rank and sorted(by_rank) == list(range(len(by_rank))), f"rank processes under mpirun: {by_rank}"
        return [by_rank[rank] for rank in sorted(by_rank)]

    def assert_running(self):
        if self.proc.poll() is not None:
            self.join_readers()
            raise AssertionError(f"the run ended before the strike (exit {self.proc.returncode}):\n"
                                 f"{''.join(self.out)}{''.join(self.err)}")

    def join_readers(self):
        for reader in self.readers:
            reader.join()
        self.proc.stdout.close()
        self.proc.stderr.close()
