#include "util/local_file_system.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include <cstdio>

namespace rankpool {

bool on_local_file_system(const std::filesystem::path& path) {
    struct statfs about {};
    if (::statfs(path.c_str(), &about) != 0) return false;
    switch (about.f_type) {
        case EXT4_SUPER_MAGIC:  // also ext2 and ext3
        case XFS_SUPER_MAGIC:
        case BTRFS_SUPER_MAGIC:
        case TMPFS_MAGIC: return true;
        default: return false;
    }
}

bool release_at_least(const std::string& release, int major, int minor) {
    int found_major = 0, found_minor = 0;
    if (std::sscanf(release.c_str(), "%d.%d", &found_major, &found_minor) != 2) return false;
    return found_major > major || (found_major == major && found_minor >= minor);
}

bool syncfs_reports_write_errors() {
    struct utsname system {};
    return ::uname(&system) == 0 && release_at_least(system.release, 5, 8);
}

}  // namespace rankpool
