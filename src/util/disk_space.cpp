#include "util/disk_space.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/memory.hpp"  // format_bytes

namespace fs = std::filesystem;

namespace rankpool {

std::optional<FileRoom> room_for_new_file(const fs::path& folder, RoomKind kind) {
    std::optional<FileRoom> room;
    const fs::path where = folder.empty() ? fs::path(".") : folder;
    struct statvfs vfs {};
    if (kind == RoomKind::disk_and_file_size_limit && ::statvfs(where.c_str(), &vfs) == 0) {
        // root may also use the blocks reserved for it
        const std::uint64_t blocks = ::geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail;
        room = FileRoom{.bytes = blocks * vfs.f_frsize, .file_size_limit = false, .folder = where.string()};
    }
    struct rlimit size_limit {};
    if (::getrlimit(RLIMIT_FSIZE, &size_limit) == 0 && size_limit.rlim_cur != RLIM_INFINITY &&
        (!room || size_limit.rlim_cur < room->bytes))
        room = FileRoom{.bytes = size_limit.rlim_cur, .file_size_limit = true, .folder = where.string()};
    return room;
}

void check_room(const fs::path& file, std::uint64_t needed, const std::string& what, const std::string& alternative,
                RoomKind kind) {
    const std::optional<FileRoom> room = room_for_new_file(file.parent_path(), kind);
    if (!room || needed <= room->bytes) return;
    const std::string has =
        room->file_size_limit
            ? "the file-size limit (ulimit -f) allows only " + format_bytes(room->bytes) + "; raise it"
            : "only " + format_bytes(room->bytes) + " are free on the file system of " + room->folder +
                  "; free some space";
    throw Error(file.string() + ": " + what + " needs " + format_bytes(needed) + ", but " + has + ", or " +
                alternative);
}

bool is_out_of_room(int error_number) {
    return error_number == ENOSPC || error_number == EDQUOT || error_number == EFBIG;
}

}  // namespace rankpool
