#include "util/local_file_system.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>

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

}  // namespace rankpool
