#pragma once
// Room for a new file: the free space of the file system it goes to (what this user may use)
// and this process's file-size limit (ulimit -f), whichever is smaller. Checked before a big
// write so that a full disk or quota shows up at once, with the sizes, not as a failed write
// after the work is done.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace rankpool {

struct FileRoom {
    std::uint64_t bytes;
    bool file_size_limit;  // the limit is ulimit -f, not the free space
    std::string folder;
};

enum class RoomKind { disk_and_file_size_limit, file_size_limit_only };

// nullopt when there is no limit to tell (statvfs fails, or no file-size limit is set).
std::optional<FileRoom> room_for_new_file(const std::filesystem::path& folder,
                                          RoomKind kind = RoomKind::disk_and_file_size_limit);

// Throws Error "FILE: WHAT needs X, but only Y are free on the file system of FOLDER; free some
// space, or ALTERNATIVE" (or "..., but the file-size limit (ulimit -f) allows only Y; raise it,
// or ALTERNATIVE") when `needed` bytes do not fit.
void check_room(const std::filesystem::path& file, std::uint64_t needed, const std::string& what,
                const std::string& alternative, RoomKind kind = RoomKind::disk_and_file_size_limit);

// True for the errno values of a write that ran out of room: no space, quota, file-size limit.
bool is_out_of_room(int error_number);

}  // namespace rankpool
