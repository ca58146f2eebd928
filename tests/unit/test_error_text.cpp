#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "h5/error_text.hpp"

using namespace rankpool::h5;

// The descriptions below are HDF5 1.10.8's own (Debian 12's libhdf5-openmpi), captured from the
// error stacks of real failures, innermost entry first as error_stack() walks them.
namespace {
// What error_stack() makes of a stack with these descriptions.
std::string shortened(const std::vector<std::string>& descriptions) {
    std::vector<std::string> texts;
    for (const std::string& description : descriptions) texts.push_back(entry_text(description).text);
    return stack_text(texts);
}

// H5Dwrite to a file on a full tmpfs (ENOSPC); the first entry's date is ctime()'s, newline and all.
const std::vector<std::string> full_disk_write = {
    "file write failed: time = Fri Dec  4 15:02:20 2026\n, filename = 'full/out.h5', file descriptor = 3, "
    "errno = 28, error message = 'No space left on device', buf = 0x7fe6252e5810, total write size = 8128512, "
    "bytes this sub-write = 8128512, bytes actually written = 18446744073709551615, offset = 0",
    "driver write request failed",
    "file write failed",
    "write through metadata accumulator failed",
    "write through page buffer failed",
    "block write failed",
    "can't perform operation",
    "can't perform vectorized sieve buffer write",
    "write error",
    "write error",
    "contiguous write failed",
    "can't write data",
    "can't write data",
};

// H5Fopen("x.h5") where there is no such file.
const std::vector<std::string> missing_file_open = {
    "unable to open file: name = 'x.h5', errno = 2, error message = 'No such file or directory', flags = 0, "
    "o_flags = 0",
    "open failed",
    "unable to open file: time = Fri Dec  4 15:02:20 2026\n, name = 'x.h5', tent_flags = 0",
    "unable to open file",
};
}  // namespace

TEST_CASE("a write failing on a full disk keeps the call and strerror's text, and the errno", "[error_text]") {
    const EntryText entry = entry_text(full_disk_write.front());
    CHECK(entry.text == "file write failed: No space left on device");
    CHECK(entry.system_errno == 28);
}

TEST_CASE("an open failing names the file, strerror's text and the errno", "[error_text]") {
    const EntryText entry = entry_text(missing_file_open.front());
    CHECK(entry.text == "unable to open file: x.h5: No such file or directory");
    CHECK(entry.system_errno == 2);
    // H5Fcreate in a folder that does not exist.
    CHECK(entry_text("unable to open file: name = 'no/such/dir/out.h5', errno = 2, error message = 'No such file or "
                     "directory', flags = 13, o_flags = 242")
              .text == "unable to open file: no/such/dir/out.h5: No such file or directory");
}

TEST_CASE("without an errno the call's arguments and their ctime date are left out", "[error_text]") {
    const EntryText entry = entry_text(missing_file_open[2]);
    CHECK(entry.text == "unable to open file");
    CHECK_FALSE(entry.system_errno);
}

TEST_CASE("a description without the call's arguments is kept as it is", "[error_text]") {
    const EntryText entry = entry_text("file signature not found");  // H5Fopen of a file that is not HDF5
    CHECK(entry.text == "file signature not found");
    CHECK_FALSE(entry.system_errno);
}

TEST_CASE("a description is made one line, without trailing blanks", "[error_text]") {
    CHECK(entry_text("unable to open file: time = Fri Dec  4 15:02:20 2026\n").text == "unable to open file");
    CHECK(entry_text("first line\r\nsecond line\n").text == "first line  second line");
    CHECK(entry_text("\n").text.empty());
}

TEST_CASE("a stack shows its first three entries that say something new", "[error_text]") {
    CHECK(shortened(full_disk_write) ==
          "file write failed: No space left on device; driver write request failed; "
          "write through metadata accumulator failed");
    // "unable to open file", once with its arguments and once without, is in the first entry already.
    CHECK(shortened(missing_file_open) == "unable to open file: x.h5: No such file or directory; open failed");
    // H5Dopen2 of a dataset that does not exist.
    CHECK(shortened({"object 'nope' doesn't exist", "traversal operator failed", "internal path traversal failed",
                     "can't find object", "not found", "unable to open dataset"}) ==
          "object 'nope' doesn't exist; traversal operator failed; internal path traversal failed");
}

TEST_CASE("an empty stack, or one with nothing to show, says HDF5 gave no details", "[error_text]") {
    CHECK(stack_text({}) == "HDF5 reported no details");
    CHECK(shortened({"", " \n"}) == "HDF5 reported no details");
}
