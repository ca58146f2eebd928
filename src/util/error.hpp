#pragma once
// Error types shared by every layer. Messages are written for the user: they name the thing
// that is wrong and, where it helps, what to do about it.
#include <stdexcept>
#include <string>

namespace rankpool {

// Bad input, bad options, unusable files: the user can fix it. Exit code 1.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An Error that every rank of the communicator already knows about (see mpi/agree.hpp):
// rank 0 prints it once and every rank exits normally with a non-zero code.
class AgreedError : public Error {
public:
    using Error::Error;
};

}  // namespace rankpool
