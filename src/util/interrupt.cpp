#include "util/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <ctime>
#include <thread>

#include "util/launcher_rank.hpp"

namespace rankpool {

namespace {

// A fixed table, so that registering never allocates and the handler never sees a half-built
// entry: a slot's path is written first, then `state` flips to ready (release); the handler
// reads `state` (acquire) before the path. Files come first in removal order, folders after
// (deepest were registered first).
constexpr int slots = 1024;  // --parallel 256 plus as many files awaiting their commit
constexpr std::size_t path_size = 4096;
enum State : int { free_slot, claimed, ready };

struct Slot {
    std::atomic<int> state{free_slot};
    bool folder = false;
    char path[path_size]{};  // zeros: a constant initializer must leave nothing indeterminate (clang)
};
// constinit: all zeros in .bss, touched only where used. Built at start-up instead, it cost every
// rank a page fault for each of its 4 MB.
constinit Slot table[slots];
std::atomic<bool> prints_message{false};

void remove_registered(bool folders) {
    for (Slot& slot : table)
        if (slot.state.load(std::memory_order_acquire) == ready && slot.folder == folders)
            folders ? ::rmdir(slot.path) : ::unlink(slot.path);
}

extern "C" void on_interrupt(int signal_number) {
    remove_registered(false);
    remove_registered(true);  // only empty ones go: rmdir never removes anything else
    if (prints_message.load()) {
        const char* text = signal_number == SIGINT
                               ? "rankpool: interrupted (SIGINT); stopped, temporary files removed\n"
                               : "rankpool: interrupted (SIGTERM); stopped, temporary files removed\n";
        [[maybe_unused]] const auto written = ::write(STDERR_FILENO, text, std::strlen(text));
    }
    // mpirun SIGKILLs every rank as soon as the first one exits. All ranks got the signal at the
    // same moment; a short pause lets a rank that was slower to react (busy in the kernel,
    // faulting in memory) finish removing its own files first.
    const timespec pause{.tv_sec = 0, .tv_nsec = 300'000'000};
    ::nanosleep(&pause, nullptr);
    ::_exit(128 + signal_number);
}

sigset_t interrupt_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

void install_interrupt_handlers() {
    prints_message = launcher_rank() == 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigfillset(&action.sa_mask);  // no second signal inside the handler
    for (int signal_number : {SIGINT, SIGTERM}) sigaction(signal_number, &action, nullptr);
    // The watcher alone has them unblocked, so the kernel delivers them to it: it waits for nothing else.
    const sigset_t signals = interrupt_signals();
    std::thread([signals] {
        pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
        for (;;) ::pause();
    }).detach();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void set_prints_interrupt_line(bool prints) { prints_message = prints; }

void restore_default_interrupts() {
    for (int signal_number : {SIGINT, SIGTERM}) ::signal(signal_number, SIG_DFL);
}

RemoveOnInterrupt::RemoveOnInterrupt(const std::filesystem::path& path, Kind kind) {
    const std::string& text = path.native();
    if (text.size() >= path_size) return;
    for (int i = 0; i < slots; ++i) {
        int expected = free_slot;
        if (!table[i].state.compare_exchange_strong(expected, claimed)) continue;
        std::memcpy(table[i].path, text.c_str(), text.size() + 1);
        table[i].folder = kind == Kind::folder;
        table[i].state.store(ready, std::memory_order_release);
        slot_ = i;
        return;
    }
}

RemoveOnInterrupt::~RemoveOnInterrupt() {
    if (slot_ >= 0) table[slot_].state.store(free_slot, std::memory_order_release);
}

}  // namespace rankpool
