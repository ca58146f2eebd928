"""`rankpool square` on a real file system without byte-range locks (tests/helpers/nolock_fs.py, a
FUSE passthrough whose fcntl locks fail with ENOLCK, as on NFS without its lock service):
--io parallel refuses up front with one clear line and leaves nothing behind; --io root works.

Needs Debian's python3-fuse and a usable /dev/fuse (root, or a user allowed to mount FUSE). Skipped,
with the reason, only when FUSE cannot be mounted here at all.
"""
import errno
import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from rankpool_testing import DEFAULT_SEED, TempDirTestCase, generate

NOLOCK_FS = Path(__file__).resolve().parents[1] / "helpers" / "nolock_fs.py"
MOUNT_TIMEOUT = 10  # seconds
# The helper's (libfuse's) words when the kernel or the container does not let us mount.
CANNOT_MOUNT = ("Operation not permitted", "Permission denied", "device not found", "No such device",
                "fuse device not found")


def mounted(path):
    """Whether `path` (absolute, resolved) is a mount point, from the mount table (never touches the
    file system mounted there, which may hang)."""
    with open("/proc/self/mounts") as mounts:
        # Fields are octal-escaped (\040 for a space); temporary folder names here have none of those.
        return any(line.split()[1] == str(path) for line in mounts)


class NoLockTest(TempDirTestCase):
    """Each test gets `self.mount`: the FUSE file system without byte-range locks, backed by
    `self.backing`; both empty at the start and both checked for leftovers."""

    def setUp(self):
        super().setUp()
        if not os.path.exists("/dev/fuse"):
            self.skipTest("FUSE cannot be mounted here: /dev/fuse does not exist (no fuse module, or a "
                          "container started without --device /dev/fuse)")
        try:
            os.close(os.open("/dev/fuse", os.O_RDWR))
        except OSError as e:
            self.skipTest(f"FUSE cannot be mounted here: cannot open /dev/fuse: {e.strerror}")
        if importlib.util.find_spec("fuse") is None:
            self.fail(f"{sys.executable} cannot import fuse: install Debian's python3-fuse (scripts/setup.sh test)")
        self.backing, self.mount = self.dir / "backing", self.dir / "mnt"
        self.backing.mkdir()
        self.mount.mkdir()
        self.mount_fs()
        self.check_fs()

    def mount_fs(self):
        """Starts nolock_fs.py in the foreground and waits for the mount; registers the unmount (which
        runs before the temporary folder goes, as cleanups run last-in first-out)."""
        log = tempfile.TemporaryFile()  # not under self.dir: snapshots must not see it
        self.addCleanup(log.close)
        proc = subprocess.Popen([sys.executable, str(NOLOCK_FS), str(self.backing), str(self.mount)],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.fs_mounted = False
        self.addCleanup(self.unmount_fs, proc, log)
        deadline = time.monotonic() + MOUNT_TIMEOUT
        while not mounted(self.mount):
            if proc.poll() is not None:
                log.seek(0)
                text = "; ".join(log.read().decode(errors="replace").split("\n")).strip("; ")
                if any(words in text for words in CANNOT_MOUNT):
                    self.skipTest(f"FUSE cannot be mounted here: {NOLOCK_FS.name} exited {proc.returncode}: {text}")
                self.fail(f"{NOLOCK_FS.name} exited {proc.returncode} without mounting: {text}")
            if time.monotonic() > deadline:
                self.fail(f"{NOLOCK_FS.name} did not mount {self.mount} within {MOUNT_TIMEOUT} s")
            time.sleep(0.02)
        self.fs_mounted = True

    def unmount_fs(self, proc, log):
        """Unmounts (lazily if busy) and waits for the file system process; fails if a process that had
        mounted exits with an error or left a traceback (an operation that broke rather than failing
        with an errno). A process that never mounted was already reported by mount_fs."""
        if not self.fs_mounted and proc.poll() is None:  # still not mounted after MOUNT_TIMEOUT
            proc.kill()
        if mounted(self.mount):
            fusermount = shutil.which("fusermount") or shutil.which("fusermount3")
            command = [fusermount, "-u"] if fusermount else ["umount"]
            if subprocess.run([*command, str(self.mount)], capture_output=True).returncode != 0:
                subprocess.run([*command, "-z" if fusermount else "-l", str(self.mount)], check=True,
                               capture_output=True)
        try:
            proc.wait(timeout=MOUNT_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{NOLOCK_FS.name} did not exit after the unmount") from None
        log.seek(0)
        text = log.read().decode(errors="replace")
        if self.fs_mounted and (proc.returncode != 0 or "Traceback" in text):
            raise AssertionError(f"{NOLOCK_FS.name} exited {proc.returncode}:\n{text}")

    def check_fs(self):
        """The fixture is what the tests claim: fcntl byte-range locks fail with ENOLCK on the mount
        (and work on the backing folder), while files and folders otherwise behave."""
        for folder, locks in ((self.backing, True), (self.mount, False)):
            path = folder / "check"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                self.assertEqual(os.pwrite(fd, b"hello", 0), 5)
                self.assertEqual(os.pread(fd, 5, 0), b"hello")
                if locks:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1)  # fcntl(F_SETLK, F_WRLCK)
                else:
                    with self.assertRaises(OSError) as caught:
                        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1)
                    self.assertEqual(caught.exception.errno, errno.ENOLCK)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # whole-file flock: kernel-local on FUSE
            finally:
                os.close(fd)
            (folder / "sub").mkdir()
            path.rename(folder / "sub" / "moved")
            (folder / "sub" / "moved").unlink()
            (folder / "sub").rmdir()
        self.assertEqual(os.listdir(self.mount), [])
        self.assertEqual(os.listdir(self.backing), [])

    def test_parallel_io_refused(self):
        output = self.mount / "out.h5"
        before = self.snapshot()
        result = self.square("--io", "parallel", "--n", 1000, "--output", output, ranks=2, ok=False, timeout=60)
        self.assertFailedCleanly(result, 1, f"{output}: --io parallel writes through MPI-IO, which needs "
                                 "byte-range locks, and the file system there does not support them (fcntl "
                                 f"write lock: {os.strerror(errno.ENOLCK)})", before)
        self.assertEqual(os.listdir(self.mount), [])  # no output, no temporary or probe file
        self.assertEqual(os.listdir(self.backing), [])

    def test_root_io_works(self):
        output = self.mount / "out.h5"
        self.square("--io", "root", "--n", 1000, "--output", output, ranks=2, timeout=60)
        self.assertEqual(os.listdir(self.mount), ["out.h5"])  # no temporary file left
        self.assertEqual(os.listdir(self.backing), ["out.h5"])
        self.assertSquared(output, generate(1000))
        self.assertAttributes(output, n=1000, ranks=2, dtype_in="int64", io="root", seed=DEFAULT_SEED)
        self.assertEqual(output.read_bytes(), (self.backing / "out.h5").read_bytes())


if __name__ == "__main__":
    unittest.main()
