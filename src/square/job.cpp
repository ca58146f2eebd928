#include "square/job.hpp"

#include <unistd.h>

#include "h5/error_stack.hpp"
#include "util/disk_space.hpp"
#include "util/memory.hpp"
#include "version.hpp"

namespace rankpool {

void LocalTimes::add(const std::string& name, double seconds) {
    for (auto& [n, samples] : phases)
        if (n == name) return samples.push_back(seconds);
    phases.push_back({name, {seconds}});
}

std::uint64_t Job::output_bytes() const {
    const std::uint64_t squared = dtype_size(result.dtype_out);
    const std::uint64_t numbers = options.input ? 0 : dtype_size(result.dtype_in);  // a generated input is stored too
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(result.n), squared + numbers, &bytes)) return UINT64_MAX;
    return bytes;
}

void Job::throw_if_out_of_room(const Error& e) {
    // MPI-IO does not pass the errno on: then a file system that is (nearly) full tells.
    constexpr std::uint64_t nearly_full = 1 << 20;
    const int error_number = h5::last_system_errno();
    const std::optional<FileRoom> room = room_for_new_file(options.output.parent_path());
    if (!is_out_of_room(error_number) && !(error_number == 0 && room && room->bytes < nearly_full)) return;
    // The temporary file is given up. Emptied now, it gives HDF5 the room to flush and close it:
    // a file whose close fails makes HDF5 1.10 crash at MPI_Finalize. (Not so past a file-size
    // limit, which is why pipeline.cpp checks that one before writing even a compressed output.)
    if (is_root() && files.output) {
        [[maybe_unused]] const int truncated = ::truncate(files.output->temp_path().c_str(), 0);  // best effort
    }
    throw Error(options.output.string() + ": " + e.what() + " (out of room: the output needs " +
                format_bytes(output_bytes()) + "); free some space, or choose another --output");
}

h5::Layout output_layout(const SquareOptions& options) { return {options.chunk_elements(), options.compress}; }

void write_squared_attributes(const Job& job, hid_t dataset) {
    const SquareOptions& o = job.options;
    h5::write_attribute(dataset, "n", job.result.n);
    h5::write_attribute(dataset, "ranks", static_cast<std::int64_t>(job.result.ranks));
    if (o.input)
        h5::write_attribute(dataset, "source", job.result.source);
    else
        h5::write_attribute(dataset, "seed", o.seed);
    h5::write_attribute(dataset, "dtype_in", std::string(dtype_name(job.result.dtype_in)));
    h5::write_attribute(dataset, "dtype_out", std::string(dtype_name(job.result.dtype_out)));
    h5::write_attribute(dataset, "io", std::string(io_mode_name(o.io)));
    h5::write_attribute(dataset, "rankpool_version", std::string(RANKPOOL_VERSION));
}

void write_numbers_attributes(const Job& job, hid_t dataset) {
    h5::write_attribute(dataset, "seed", job.options.seed);
    h5::write_attribute(dataset, "generator", std::string("splitmix64, uniform in [1, 99] (floats [1, 100))"));
}

}  // namespace rankpool
