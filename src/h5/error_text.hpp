#pragma once
// The text side of h5/error_stack: how the descriptions on HDF5's error stack become the one line
// a user reads. Pure string work, no HDF5 calls, so unit tests can feed it real stacks' texts.
#include <optional>
#include <string>
#include <vector>

namespace rankpool::h5 {

struct EntryText {
    std::string text;                 // on one line; empty: nothing worth showing
    std::optional<int> system_errno;  // the errno the entry reports, if it describes a failed system call
};

// One entry's description, made short. HDF5's file drivers describe a failed system call with all
// its arguments: "file write failed: time = <a ctime() date and its newline>, filename = 'x.h5',
// file descriptor = 3, errno = 28, error message = 'No space left on device', buf = ...". That
// becomes "file write failed: No space left on device", and "unable to open file: name = 'x.h5',
// errno = 2, ..." becomes "unable to open file: x.h5: No such file or directory". Without an
// errno, the call's arguments (from ": time = " on) say nothing a user needs and are dropped.
EntryText entry_text(std::string description);

// The entries' texts, innermost first, as one line: the innermost ones say what actually went
// wrong and the outer ones repeat the API call, so at most three, each saying something new;
// "HDF5 reported no details" when none says anything.
std::string stack_text(const std::vector<std::string>& texts);

}  // namespace rankpool::h5
