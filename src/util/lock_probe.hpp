#pragma once
// MPI-IO implementations lock byte ranges (fcntl) while they write shared files, and on a file
// system without that support (NFS without its lock service, some FUSE and object stores) they
// fail deep inside a collective write -- or print a page of ROMIO advice and abort. Probing
// once, before any work, turns that into one message.
#include <filesystem>
#include <optional>
#include <string>

namespace rankpool {

// Creates `probe` exclusively (it must not exist), takes and releases a write lock on it, and
// removes it. Returns the reason when byte-range locks do not work there (nullopt when they do);
// throws Error naming `label` (the file the user asked for) when it cannot be created at all.
std::optional<std::string> byte_range_lock_problem(const std::filesystem::path& probe, const std::string& label);

}  // namespace rankpool
