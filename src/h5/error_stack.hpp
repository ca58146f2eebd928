#pragma once
// HDF5's own error printing is turned off; its error stack is folded into the exception text
// instead, so a user sees one message and never an HDF5-DIAG dump.
#include <hdf5.h>

#include <string>

#include "h5/handle.hpp"

namespace rankpool::h5 {

// Turns HDF5's automatic error printing off for this process. Call once, early.
void silence_errors();

// The current HDF5 error stack, most specific entry first, as one line; clears the stack.
// A failed system call is told by its strerror text, not HDF5's dump of its arguments
// (h5/error_text.hpp).
std::string error_stack();

// The errno of the failed system call in the stack error_stack() last read (0: none), for
// telling a full disk from other failures.
int last_system_errno();

// Wrap an id returned by an H5*create/open call; throws Error("<what>: <stack>") if it failed.
Handle checked(hid_t id, Handle::Closer close, const std::string& what);
// Throws Error("<what>: <stack>") when an H5* call returned a negative status.
void check(herr_t status, const std::string& what);

}  // namespace rankpool::h5
