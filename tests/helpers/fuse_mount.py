"""Mounts nolock_fs.py (a FUSE passthrough without byte-range locks) for one test:

    mount_nolock_fs(self, self.dir / "backing", self.dir / "mnt")   # in a unittest.TestCase's setUp

Skips the test, with the reason, only when FUSE cannot be mounted here at all; fails it when python3-fuse
is missing or the file system misbehaves. Importing this module mounts nothing and needs no fuse module.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOLOCK_FS = Path(__file__).resolve().parent / "nolock_fs.py"
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


def mount_nolock_fs(test, backing, mount, fsync_log=None):
    """Creates the folders `backing` and `mount` (Paths, absolute and resolved, e.g. under a temporary
    folder), starts nolock_fs.py in the foreground and waits for the mount. Registers the unmount on
    `test`; it runs before the temporary folder goes if that cleanup was registered first (cleanups run
    last-in first-out). `fsync_log`: a file (outside `backing`) that gets one line per fsync, its path."""
    if not os.path.exists("/dev/fuse"):
        test.skipTest("FUSE cannot be mounted here: /dev/fuse does not exist (no fuse module, or a "
                      "container started without --device /dev/fuse)")
    try:
        os.close(os.open("/dev/fuse", os.O_RDWR))
    except OSError as e:
        test.skipTest(f"FUSE cannot be mounted here: cannot open /dev/fuse: {e.strerror}")
    if importlib.util.find_spec("fuse") is None:
        test.fail(f"{sys.executable} cannot import fuse: install Debian's python3-fuse (scripts/setup.sh test)")
    backing.mkdir()
    mount.mkdir()
    log = tempfile.TemporaryFile()  # not under the test's folder: snapshots must not see it
    test.addCleanup(log.close)
    env = dict(os.environ, NOLOCK_FS_FSYNC_LOG=str(fsync_log)) if fsync_log else None
    proc = subprocess.Popen([sys.executable, str(NOLOCK_FS), str(backing), str(mount)], env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    ready = False  # the cleanup reads it when it runs, after the wait below
    test.addCleanup(lambda: unmount(proc, log, mount, ready))
    deadline = time.monotonic() + MOUNT_TIMEOUT
    while not mounted(mount):
        if proc.poll() is not None:
            log.seek(0)
            text = "; ".join(log.read().decode(errors="replace").split("\n")).strip("; ")
            if any(words in text for words in CANNOT_MOUNT):
                test.skipTest(f"FUSE cannot be mounted here: {NOLOCK_FS.name} exited {proc.returncode}: {text}")
            test.fail(f"{NOLOCK_FS.name} exited {proc.returncode} without mounting: {text}")
        if time.monotonic() > deadline:
            test.fail(f"{NOLOCK_FS.name} did not mount {mount} within {MOUNT_TIMEOUT} s")
        time.sleep(0.02)
    ready = True


def unmount(proc, log, mount, ready):
    """Unmounts (lazily if busy) and waits for the file system process; fails if a process that had
    mounted (`ready`) exits with an error or left a traceback (an operation that broke rather than
    failing with an errno). A process that never mounted was already reported by mount_nolock_fs."""
    if not ready and proc.poll() is None:  # still not mounted after MOUNT_TIMEOUT
        proc.kill()
    if mounted(mount):
        fusermount = shutil.which("fusermount") or shutil.which("fusermount3")
        command = [fusermount, "-u"] if fusermount else ["umount"]
        if subprocess.run([*command, str(mount)], capture_output=True).returncode != 0:
            subprocess.run([*command, "-z" if fusermount else "-l", str(mount)], check=True, capture_output=True)
    try:
        proc.wait(timeout=MOUNT_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{NOLOCK_FS.name} did not exit after the unmount") from None
    log.seek(0)
    text = log.read().decode(errors="replace")
    if ready and (proc.returncode != 0 or "Traceback" in text):
        raise AssertionError(f"{NOLOCK_FS.name} exited {proc.returncode}:\n{text}")
