#include "square/out_of_room.hpp"

#include <unistd.h>

#include <optional>
#include <string>

#include "h5/error_stack.hpp"
#include "util/disk_space.hpp"
#include "util/memory.hpp"

namespace rankpool {

std::uint64_t output_bytes(const Job& job) {
    const std::uint64_t squared = dtype_size(job.result.dtype_out);
    const std::uint64_t numbers = job.options.input ? 0 : dtype_size(job.result.dtype_in);  // a generated input too
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(job.result.n), squared + numbers, &bytes)) return UINT64_MAX;
    return bytes;
}

// A compressed output's size is not known in advance: a full disk then stops the write itself,
// but the file-size limit is held against the uncompressed size, because HDF5 cannot close a
// file it could not write to the end (see throw_if_out_of_room).
void check_room_for_output(const Job& job) {
    const std::string what =
        "the output (" + std::to_string(job.result.n) + " values" + (job.options.compress ? ", uncompressed)" : ")");
    check_room(job.options.output, output_bytes(job), what, "choose another --output",
               job.options.compress ? RoomKind::file_size_limit_only : RoomKind::disk_and_file_size_limit);
}

void throw_if_out_of_room(const Job& job, const Error& e) {
    // MPI-IO does not pass the errno on: then a file system that is (nearly) full tells.
    constexpr std::uint64_t nearly_full = 1 << 20;
    const int error_number = h5::last_system_errno();
    const std::optional<FileRoom> room = room_for_new_file(job.options.output.parent_path());
    if (!is_out_of_room(error_number) && !(error_number == 0 && room && room->bytes < nearly_full)) return;
    // The temporary file is given up. Emptied now, it gives HDF5 the room to flush and close it:
    // a file whose close fails makes HDF5 1.10 crash at MPI_Finalize. (Not so past a file-size
    // limit, which is why check_room_for_output checks that one before writing even a compressed
    // output.)
    if (job.is_root() && job.files.output) {
        [[maybe_unused]] const int truncated = ::truncate(job.files.output->temp_path().c_str(), 0);  // best effort
    }
    throw Error(job.options.output.string() + ": " + e.what() + " (out of room: the output needs " +
                format_bytes(output_bytes(job)) + "); free some space, or choose another --output");
}

}  // namespace rankpool
