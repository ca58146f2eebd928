#pragma once
// SIGINT and SIGTERM -- Ctrl-C, a Slurm job's time limit, mpirun passing either on -- stop the
// process promptly: its temporary files and the folders it created are removed, one line says
// it was interrupted, and it exits with 128 + the signal number (130, 143), on every rank.
//
// Temporary files register themselves while they exist (PendingFile, fetch's part files). The
// handler calls only async-signal-safe functions (unlink, rmdir, write, nanosleep, _exit): whatever the
// process was doing -- inside MPI, HDF5 or libcurl -- is simply abandoned.
#include <filesystem>

namespace rankpool {

// Installs the handlers; `prints`: this process writes the "interrupted" line (rank 0 only).
void install_interrupt_handlers(bool prints);

// Back to the default (a signal ends the process silently), once the work is over and no
// temporary file is left: mpirun SIGTERMs the ranks still finishing when one exits with an error,
// and that is no interruption to report.
void restore_default_interrupts();

// Registers `path` for removal on interruption while this object lives (unlink, or rmdir for
// a folder). Paths beyond the registry's capacity are not registered (nothing fails).
class RemoveOnInterrupt {
public:
    enum class Kind { file, folder };
    explicit RemoveOnInterrupt(const std::filesystem::path& path, Kind kind = Kind::file);
    ~RemoveOnInterrupt();
    RemoveOnInterrupt(const RemoveOnInterrupt&) = delete;
    RemoveOnInterrupt& operator=(const RemoveOnInterrupt&) = delete;

private:
    int slot_ = -1;
};

}  // namespace rankpool
