#pragma once
// Error types shared by every layer. Messages are written for the user: they name the thing
// that is wrong and, where it helps, what to do about it. Each carries the exit code it ends
// the run with.
#include <stdexcept>
#include <string>

namespace rankpool {

// Bad input, unusable files, failed work: the user can fix it. Exit code 1.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, int exit_code = 1)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const noexcept { return exit_code_; }

private:
    int exit_code_;
};

// A bad command line or input list: nothing was attempted. Exit code 2.
class UsageError : public Error {
public:
    explicit UsageError(const std::string& message) : Error(message, 2) {}
};

// An Error that every rank of the communicator already knows about (see mpi/agree.hpp):
// rank 0 prints it once and every rank exits normally with its code.
class AgreedError : public Error {
public:
    using Error::Error;
};

}  // namespace rankpool
