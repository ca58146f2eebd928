"""Output to a file system that runs out of room -- a 2 MB tmpfs the test mounts, or a file-size limit
(ulimit -f): one clear error naming the path and the space needed, no partial output, the earlier file at
that path intact, the space given back; `fetch` fails only the URLs that do not fit while the others
complete."""
import os
import re
import subprocess
import unittest

from fetch_testing import FetchTestCase, content
from job_control import files_under, md5
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase, generate

TMPFS_BYTES = 2_000_000


def mount_small_tmpfs(test, folder):
    """Mounts a TMPFS_BYTES tmpfs on `folder` for the test's duration; skips the test where that is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        test.skipTest(f"cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    test.addCleanup(subprocess.run, ["umount", "-l", str(folder)], check=True)


def free_bytes(folder):
    info = os.statvfs(folder)
    return info.f_bfree * info.f_frsize


class SquareFullDiskTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.small = self.dir / "small"
        mount_small_tmpfs(self, self.small)

    def run_square(self, *args):
        """rankpool square at 2 ranks writing small/out.h5, where an earlier good output lies; asserts it
        failed cleanly and returns its one error line."""
        old = self.small / "out.h5"
        old.write_bytes(b"an earlier, good output\n")
        before, free_before = md5(old), free_bytes(self.small)
        code, out, err = self.square(*args, "--output", old, ranks=2, ok=False, timeout=60)
        self.assertEqual(code, 1, out + err)
        self.assertEqual(out, "")
        # Open MPI's MPI-IO (--io parallel) prints its own line about a failed write, before rankpool's.
        lines = [line for line in err.splitlines() if not line.startswith("mca_fbtl_posix_pwritev: error in ")]
        self.assertTrue(lines and lines[0].startswith(f"rankpool: error: {old}: "), err)
        self.assertEqual(len(lines), 1, err)
        self.assertNotIn("HDF5-DIAG", err)
        self.assertEqual(files_under(self.small), ["out.h5"], "a partial output was left")
        self.assertEqual(md5(old), before)
        self.assertEqual(free_bytes(self.small), free_before, "the space was not given back")
        return lines[0]

    def test_refused_up_front(self):
        # 10**6 int64 values and their squares: 16 MB, checked against the free space before any work.
        for io in ("root", "parallel"):
            with self.subTest(io=io):
                line = self.run_square("--io", io, "--n", 1_000_000)
                self.assertRegex(line, r"the output \(1000000 values\) needs 16\.00 MB, but only \d\.\d\d MB are free on "
                                       rf"the file system of {re.escape(str(self.small))}; free some space, or choose "
                                       r"another --output$")

    def test_full_while_writing(self):
        # A compressed output's size is not known in advance, so the disk fills up in the middle of the write.
        for io in ("root", "parallel"):
            for n, dataset in ((1_000_000, "/squared"), (10_000_000, "/numbers")):
                with self.subTest(io=io, n=n):
                    line = self.run_square("--io", io, "--n", n, "--compress", 1, "--head", 0)
                    self.assertIn(f"writing dataset {dataset} failed: file write failed", line)
                    self.assertRegex(line, rf"\(out of room: the output needs {16 * n // 1_000_000}\.00 MB\); free some "
                                           r"space, or choose another --output$")
                    if io == "root":  # HDF5's POSIX driver passes the errno on; MPI-IO does not
                        self.assertIn("No space left on device", line)

    def test_a_rerun_with_room_succeeds(self):
        self.run_square("--n", 1_000_000)
        self.square("--n", 50_000, "--output", self.small / "out.h5")
        self.assertSquared(self.small / "out.h5", generate(50_000))


class FileSizeLimitTest(TempDirTestCase):
    """ulimit -f on the ranks (mpirun's own shared-memory files would not fit under it)."""

    def run_limited(self, blocks_of_1k, *args):
        limited = ["/bin/bash", "-c", f'ulimit -f {blocks_of_1k} && exec "$0" "$@"', BINARY]
        return subprocess.run([*MPIEXEC.split(), "-q", "--oversubscribe", "-np", "2", *limited, "square", *map(str, args)],
                              cwd=self.dir, capture_output=True, text=True, timeout=60)

    def test_output_over_the_file_size_limit(self):
        # Also with --compress, against the uncompressed size: HDF5 could not close a file cut short by the
        # limit (freeing space, as for a full disk, does not help there).
        for args, what in (([], ""), (["--compress", 1], ", uncompressed")):
            with self.subTest(args=args):
                result = self.run_limited(8_000, "--output", "out.h5", "--head", 0, *args)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertEqual(result.stderr.splitlines()[0],
                                 f"rankpool: error: out.h5: the output (10000000 values{what}) needs 160.00 MB, but the "
                                 "file-size limit (ulimit -f) allows only 8.19 MB; raise it, or choose another --output")
                self.assertEqual(files_under(self.dir), [])


class FetchFullDiskTest(FetchTestCase):
    def test_only_the_urls_that_do_not_fit_fail(self):
        small = self.dir / "small"
        mount_small_tmpfs(self, small)
        lines = [self.url(f"/d/small{i}.bin", size=100_000) for i in range(4)]
        lines.insert(1, self.url("/d/big.bin", size=5_000_000))                    # Content-Length: refused at once
        lines.insert(3, self.url("/d/chunked.bin", size=5_000_000, cl="chunked"))  # no length: fills the disk
        result = self.fetch(lines, "--schedule", "cyclic", ranks=1, out=str(small))  # one at a time: deterministic
        self.assertEqual(result.code, 1, result.out + result.err)
        by_file = {entry["file"]: entry for entry in result.results}
        for i in range(4):
            self.assertEqual((by_file[f"small{i}.bin"]["status"], by_file[f"small{i}.bin"]["bytes"]), ("ok", 100_000))
            self.assertEqual((small / f"small{i}.bin").read_bytes(), content(f"/d/small{i}.bin", 100_000))
        self.assertFailed(by_file["big.bin"], 1)
        self.assertRegex(by_file["big.bin"]["error"],
                         rf"^{re.escape(str(small))}/big\.bin: the download needs 5\.00 MB, but only 1\.\d\d MB are free "
                         rf"on the file system of {re.escape(str(small))}; free some space, or choose another --out$")
        self.assertFailed(by_file["chunked.bin"], 1)
        self.assertRegex(by_file["chunked.bin"]["error"],
                         rf"^{re.escape(str(small))}/chunked\.bin: cannot write: No space left on device$")
        self.assertEqual(files_under(small), [f"small{i}.bin" for i in range(4)])


if __name__ == "__main__":
    unittest.main()
