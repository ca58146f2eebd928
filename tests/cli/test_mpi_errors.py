"""rankpool's MPI error policy (src/mpi/error_handler.hpp): an error inside an MPI call prints one line on the
failing rank and ends the whole job with exit code 1 -- also when the other ranks wait in a collective, and
also on communicators made from MPI_COMM_WORLD. The erroneous call comes from tests/mpi/mpi_error_program.cpp,
which sets MPI up exactly as rankpool does (rankpool::mpi::Environment)."""
import os
import shlex
import socket
import subprocess
import time
import unittest

from rankpool_testing import MPIEXEC

PROGRAM = os.environ.get("MPI_ERROR_PROGRAM")


@unittest.skipUnless(PROGRAM, "MPI_ERROR_PROGRAM (set by ctest) names tests/mpi/mpi_error_program")
class MpiErrorTest(unittest.TestCase):
    def run_program(self, where, failing_rank, ranks=2):
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        command = [*shlex.split(MPIEXEC), "-q", "--oversubscribe", "-np", str(ranks), PROGRAM, where,
                   str(failing_rank)]
        start = time.monotonic()
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        return result, time.monotonic() - start

    def assert_one_line_and_exit_1(self, where, failing_rank, ranks=2):
        result, seconds = self.run_program(where, failing_rank, ranks)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        ours = [line for line in result.stderr.splitlines() if line.startswith("rankpool:")]
        self.assertEqual(len(ours), 1, result.stderr)
        # Open MPI's text for a send to a rank that does not exist, then which rank and where.
        self.assertRegex(ours[0], r"^rankpool: error: MPI: MPI_ERR_RANK: invalid rank "
                                  rf"\(rank {failing_rank} on {socket.gethostname()}\)$")
        self.assertNotIn("the bad call returned", result.stderr)
        self.assertNotIn("MPI_ERRORS_ARE_FATAL", result.stderr)  # Open MPI's own handler never ran
        self.assertLess(seconds, 60)

    def test_error_on_the_world_communicator_ends_every_rank(self):
        self.assert_one_line_and_exit_1("world", 1)

    def test_error_on_rank_0(self):
        self.assert_one_line_and_exit_1("world", 0)

    def test_duplicated_communicator_inherits_the_policy(self):
        self.assert_one_line_and_exit_1("dup", 1, ranks=3)

    def test_split_communicator_inherits_the_policy(self):
        self.assert_one_line_and_exit_1("split", 2, ranks=3)


if __name__ == "__main__":
    unittest.main()
