"""The build as a user meets it: `rankpool --version` and `cmake --install` into a prefix."""
import os
import subprocess
import unittest

import h5py

from rankpool_testing import BINARY, TempDirTestCase, read, run

ROOT_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


class VersionTest(unittest.TestCase):
    def test_version_names_rankpool_mpi_and_hdf5(self):
        out = subprocess.run([BINARY, "--version"], env=ROOT_ENV, capture_output=True, text=True, timeout=60,
                             check=True).stdout
        lines = out.splitlines()
        self.assertEqual(len(lines), 3, out)
        self.assertRegex(lines[0], r"^rankpool \d+\.\d+\.\d+$")
        self.assertRegex(lines[1], r"^MPI: Open MPI v\d+\.\d+")
        # h5py links the same Debian HDF5: an independent source for the version.
        self.assertEqual(lines[2], f"HDF5: {h5py.version.hdf5_version} (parallel)")

    def test_version_through_mpirun_prints_once(self):
        code, out, err = run(["--version"], ranks=3)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(out.splitlines()), 3, out)


@unittest.skipUnless(os.environ.get("RANKPOOL_BUILD_DIR"), "RANKPOOL_BUILD_DIR (set by ctest) names the build")
class InstallTest(TempDirTestCase):
    def test_install_into_a_prefix_and_run(self):
        prefix = self.dir / "prefix"
        subprocess.run(["cmake", "--install", os.environ["RANKPOOL_BUILD_DIR"], "--prefix", prefix],
                       capture_output=True, text=True, timeout=120, check=True)
        installed = prefix / "bin" / "rankpool"
        self.assertTrue(os.access(installed, os.X_OK))
        version = subprocess.run([installed, "--version"], env=ROOT_ENV, capture_output=True, text=True,
                                 timeout=60, check=True).stdout
        self.assertTrue(version.startswith("rankpool "), version)
        result = subprocess.run(["mpirun", "-q", "-np", "2", installed, "square", "--n", "100"], cwd=self.dir,
                                env=ROOT_ENV, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        numbers, _ = read(self.dir / "squares.h5", "/numbers")
        squared, _ = read(self.dir / "squares.h5")
        self.assertEqual(squared.tolist(), (numbers * numbers).tolist())


if __name__ == "__main__":
    unittest.main()
