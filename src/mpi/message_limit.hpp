#pragma once
// How many elements one MPI message may carry. MPI 3.1 (Open MPI 4.1) counts are int, and
// messages above 2 GiB are where transports have had bugs, so a message stays below both.
// Larger transfers go in pieces (collectives.hpp): the BigMPI idea without its derived types.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rankpool::mpi {

// min(INT_MAX, (2^31 - 1) / element_size) elements. The environment variable
// RANKPOOL_TEST_MESSAGE_LIMIT (elements) lowers it, so tests reach the piecewise code
// with small arrays; it is for tests only and never raises the limit.
std::int64_t message_limit(std::size_t element_size);

// What is wrong with RANKPOOL_TEST_MESSAGE_LIMIT, if anything: set, not empty, and not a whole
// number from 1 to 2^63 - 1 (message_limit ignores such a value; rankpool square refuses it
// up front, so that a mistyped test setting never goes unnoticed).
std::optional<std::string> message_limit_setting_problem();

// Collective. The smallest message_limit over the ranks of comm: every rank must take the same
// path, and mpirun need not pass the test setting to every node.
std::int64_t agreed_message_limit(MPI_Comm comm, std::size_t element_size);

}  // namespace rankpool::mpi
