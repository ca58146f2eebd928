#pragma once
// SIGINT and SIGTERM -- Ctrl-C, a Slurm job's time limit, mpirun passing either on -- stop the
// process promptly: its temporary files and the folders it created are removed, one line says
// it was interrupted, and it exits with 128 + the signal number (130, 143), on every rank.
//
// Temporary files register themselves while they exist (PendingFile, fetch's part files). The
// handler calls only async-signal-safe functions (unlink, rmdir, write, nanosleep, _exit): whatever the
// process was doing -- inside MPI, HDF5 or libcurl, or a system call -- is simply abandoned.
#include <filesystem>

namespace rankpool {

// Installs the handlers, first thing in main: before MPI_Init, so that a signal during start-up is
// reported too, and before any thread starts. SIGINT and SIGTERM are blocked in the calling thread
// and so in every thread started later (MPI's, HDF5's, fetch's); one watcher thread alone takes
// them. A rank busy inside a long system call (a multi-second write of rank 0) reacts at once.
// Until set_prints_interrupt_line, the launcher's rank variable decides who prints.
void install_interrupt_handlers();

// Whether this process writes the "interrupted" line: rank 0 only.
void set_prints_interrupt_line(bool prints);

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
