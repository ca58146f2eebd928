// Fuzz target: what rank 0 of `rankpool square --input FILE:/DATASET` does with the input file
// (square/square_io.cpp open_input, square/root_io.cpp): h5::open_for_reading, h5::open_1d and
// h5::read_slice, on mutated HDF5 files. The input is the file's bytes.
//
// Expected: rankpool::Error for a file or dataset that cannot be read. A crash, sanitizer report
// or hang is a bug, and so is HDF5 printing its error stack, a handle left open, or a dataset
// that opens with a size no array can have.
//
// Coverage guides only through rankpool's own code: Debian's libhdf5 is not instrumented.
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "h5/dataset.hpp"
#include "h5/error_stack.hpp"
#include "h5/file.hpp"
#include "util/error.hpp"

namespace {

void require(bool condition, const char* what, const std::string& detail = {}) {
    if (condition) return;
    std::fprintf(stderr, "fuzz_h5_reader: broken promise: %s %s\n", what, detail.c_str());
    std::abort();
}

// The file: a temporary file, rewritten for each input, removed at exit. (HDF5 resolves a
// symbolic link to its target, so a memfd's /proc/self/fd path cannot stand in for it.)
// scripts/fuzz.sh points TMPDIR at its scratch folder, where a crashed run leaves its file.
int file_fd = -1;
std::string file_path;
void remove_file() { unlink(file_path.c_str()); }

// RANKPOOL_FUZZ_VERBOSE=1: print the errors, to see how far an input gets.
const bool verbose = std::getenv("RANKPOOL_FUZZ_VERBOSE") != nullptr;
void expected(const rankpool::Error& e) {
    if (verbose) std::fprintf(stderr, "  error: %s\n", e.what());
}

// At most this many elements are read: a mutated size can be anything (the real program
// checks the memory it needs first, see check_memory in square/checks.cpp).
constexpr std::int64_t max_read = 1 << 16;

void read_dataset(hid_t file, const std::string& name) {
    const rankpool::h5::Dataset1D dataset = rankpool::h5::open_1d(file, name, file_path);
    require(dataset.size >= 0, "open_1d: size is not negative", std::to_string(dataset.size));
    rankpool::visit_dtype(dataset.dtype, [&](auto type) {
        using T = decltype(type);
        std::vector<T> values(static_cast<std::size_t>(std::min(dataset.size, max_read)));
        rankpool::h5::read_slice(dataset, 0, std::span<T>(values), H5P_DEFAULT, name);
        if (dataset.size > max_read) {  // and the very last element, at an offset
            T last{};
            rankpool::h5::read_slice(dataset, dataset.size - 1, std::span<T>(&last, 1), H5P_DEFAULT, name);
        }
    });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    rankpool::h5::silence_errors();  // as cli/main.cpp does first
    std::string path = (std::filesystem::temp_directory_path() / "rankpool-fuzz-XXXXXX.h5").string();
    file_fd = mkstemps(path.data(), 3);
    require(file_fd >= 0, "creating a temporary file", path);
    file_path = path;
    std::atexit(remove_file);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    require(ftruncate(file_fd, 0) == 0 && pwrite(file_fd, data, size, 0) == static_cast<ssize_t>(size),
            "writing the file");
    try {
        const rankpool::h5::Handle file = rankpool::h5::open_for_reading(file_path);
        // The default dataset, one in a group, and a path through a dataset.
        for (const char* name : {"/numbers", "/g/values", "/numbers/x"}) {
            try {
                read_dataset(file.id(), name);
            } catch (const rankpool::Error& e) {
                expected(e);
            }
        }
    } catch (const rankpool::Error& e) {
        expected(e);
    }
    // One owner per handle: nothing of this input may still be open.
    require(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "every HDF5 object closed",
            std::to_string(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL)));
    H5E_auto2_t print = nullptr;
    void* print_data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &print, &print_data);
    require(print == nullptr, "HDF5's error printing stays off");
    return 0;
}
