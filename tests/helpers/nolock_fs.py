"""A FUSE file system without byte-range locks: a passthrough to a backing folder whose POSIX lock
operation (fcntl F_SETLK / F_SETLKW / F_GETLK) always fails with ENOLCK, as on NFS without its lock
service. Everything else (create, read, write, truncate, rename, unlink, folders, statfs) passes
through to the backing folder.

Usage (as root, or a user allowed to mount FUSE):  /usr/bin/python3 nolock_fs.py BACKING MOUNTPOINT
It stays in the foreground until the mount is unmounted (`fusermount -u MOUNTPOINT` or `umount
MOUNTPOINT`) and then exits 0. Needs Debian's python3-fuse (python-fuse 1.0, on libfuse 2).

Why the kernel asks this file system at all: Linux handles POSIX locks on a FUSE mount itself (so
they work, locally) unless the file system declares lock support at mount time; libfuse declares it
exactly when a `lock` operation is registered, and python-fuse registers one when the file class
defines `lock`. So NoLockFile.lock below makes every fcntl lock request reach this process, which
refuses it. flock(2) is not declared (python-fuse has no flock operation), so the kernel keeps
emulating flock locally: HDF5's own file locking (flock) works here, only byte-range locks fail.
"""
import errno
import os
import sys

import fuse

FSYNC_LOG = os.environ.get("NOLOCK_FS_FSYNC_LOG")  # a file that gets one line per fsync, if set

fuse.fuse_python_api = (0, 2)


class NoLockFS(fuse.Fuse):
    """Passthrough to `root`; paths from FUSE are absolute within the mount ("/a/b")."""

    def __init__(self, root, *args, **kw):
        super().__init__(*args, **kw)
        self.root = os.path.realpath(root)
        fs = self

        class NoLockFile:
            """One open file: a descriptor on the backing file."""

            def __init__(self, path, flags, *mode):
                self.path = path
                self.fd = os.open(fs.real(path), flags, *mode)

            def read(self, length, offset):
                return os.pread(self.fd, length, offset)

            def write(self, buf, offset):
                return os.pwrite(self.fd, buf, offset)

            def fgetattr(self):
                return os.fstat(self.fd)

            def ftruncate(self, length):
                os.ftruncate(self.fd, length)

            def flush(self):
                os.close(os.dup(self.fd))  # reports close-time errors of the backing file system

            def fsync(self, datasync):
                (os.fdatasync if datasync else os.fsync)(self.fd)
                if FSYNC_LOG:  # one line per call, for tests that count them
                    with open(FSYNC_LOG, "a") as log:
                        log.write(f"{self.path}\n")

            def release(self, flags):
                os.close(self.fd)

            def lock(self, cmd, owner, **kw):
                # F_GETLK, F_SETLK, F_SETLKW and unlocks alike: no byte-range locks here.
                return -errno.ENOLCK

        self.file_class = NoLockFile

    def real(self, path):
        return self.root + path

    def getattr(self, path):
        return os.lstat(self.real(path))

    def readdir(self, path, offset):
        for name in [".", ".."] + os.listdir(self.real(path)):
            yield fuse.Direntry(name)

    def readlink(self, path):
        return os.readlink(self.real(path))

    def access(self, path, mode):
        if not os.access(self.real(path), mode):
            return -errno.EACCES

    def statfs(self):
        return os.statvfs(self.root)

    def mknod(self, path, mode, dev):
        os.mknod(self.real(path), mode, dev)

    def mkdir(self, path, mode):
        os.mkdir(self.real(path), mode)

    def rmdir(self, path):
        os.rmdir(self.real(path))

    def unlink(self, path):
        os.unlink(self.real(path))

    def symlink(self, target, path):
        os.symlink(target, self.real(path))

    def link(self, target, path):
        os.link(self.real(target), self.real(path))

    def rename(self, old, new):
        os.rename(self.real(old), self.real(new))

    def chmod(self, path, mode):
        os.chmod(self.real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.real(path), uid, gid)

    def truncate(self, path, length):
        os.truncate(self.real(path), length)

    def utimens(self, path, accessed, modified):
        os.utime(self.real(path), ns=(accessed.tv_sec * 10**9 + accessed.tv_nsec,
                                      modified.tv_sec * 10**9 + modified.tv_nsec))


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} BACKING MOUNTPOINT")
    backing, mountpoint = sys.argv[1:]
    server = NoLockFS(backing)
    server.fuse_args.mountpoint = os.path.realpath(mountpoint)
    server.fuse_args.setmod("foreground")
    server.fuse_args.add("fsname=nolock_fs")
    server.fuse_args.add("subtype=nolock")
    try:
        server.main()  # returns once unmounted
    except fuse.FuseError as e:  # libfuse has printed why (cannot open /dev/fuse, mount not permitted, ...)
        sys.exit(f"{os.path.basename(sys.argv[0])}: {e}")


if __name__ == "__main__":
    main()
