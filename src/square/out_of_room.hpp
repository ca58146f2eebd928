#pragma once
// Room for the output file: checked before any work, and explained when a write runs out of
// it anyway (a compressed output's size is not known in advance; other jobs fill the disk too).
#include <cstdint>

#include "square/job.hpp"
#include "util/error.hpp"

namespace rankpool {

// The bytes of the datasets the output file gets (uncompressed; saturating).
std::uint64_t output_bytes(const Job& job);

// Rank 0, before any work: the output's datasets must fit the file system and the file-size
// limit (ulimit -f). Throws Error naming the sizes otherwise.
void check_room_for_output(const Job& job);

// Throws the explained error when `e`, a failed write of the output, ran out of room: the file
// system is full, a quota is reached or the file-size limit hit.
void throw_if_out_of_room(const Job& job, const Error& e);

// Runs `write`, a step of writing the output file; if it runs out of room, the error names the
// file and the size the output needs.
template <class Write>
void write_output_step(const Job& job, Write&& write) {
    try {
        write();
    } catch (const Error& e) {
        throw_if_out_of_room(job, e);
        throw;
    }
}

}  // namespace rankpool
