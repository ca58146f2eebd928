"""`rankpool square` on a real file system without byte-range locks (tests/helpers/nolock_fs.py, a
FUSE passthrough whose fcntl locks fail with ENOLCK, as on NFS without its lock service):
--io parallel refuses up front with one clear line and leaves nothing behind; --io root works.

Needs Debian's python3-fuse and a usable /dev/fuse (root, or a user allowed to mount FUSE). Skipped,
with the reason, only when FUSE cannot be mounted here at all.
"""
import errno
import fcntl
import os
import unittest

from fuse_mount import mount_nolock_fs
from rankpool_testing import DEFAULT_SEED, TempDirTestCase, generate


class NoLockTest(TempDirTestCase):
    """Each test gets `self.mount`: the FUSE file system without byte-range locks, backed by
    `self.backing`; both empty at the start and both checked for leftovers."""

    def setUp(self):
        super().setUp()
        self.backing, self.mount = self.dir / "backing", self.dir / "mnt"
        mount_nolock_fs(self, self.backing, self.mount)
        self.check_fs()

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
