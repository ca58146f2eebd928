#include "h5/error_stack.hpp"

#include <vector>

#include "h5/error_text.hpp"
#include "util/error.hpp"

namespace rankpool::h5 {

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
thread_local int system_errno = 0;

herr_t collect(unsigned /*n*/, const H5E_error2_t* entry, void* data) {
    // The plugin loader's "can't open directory" entries bury the real cause ("required filter
    // 'lzf' is not registered") under the search path it tried.
    if (entry->desc == nullptr || entry->maj_num == H5E_PLUGIN) return 0;
    EntryText shortened = entry_text(entry->desc);
    if (shortened.system_errno) system_errno = *shortened.system_errno;
    static_cast<std::vector<std::string>*>(data)->push_back(std::move(shortened.text));
    return 0;
}
}  // namespace

std::string error_stack() {
    std::vector<std::string> texts;
    system_errno = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &texts);
    H5Eclear2(H5E_DEFAULT);
    return stack_text(texts);
}

int last_system_errno() { return system_errno; }

Handle checked(hid_t id, Handle::Closer close, const std::string& what) {
    if (id < 0) throw Error(what + ": " + error_stack());
    return Handle(id, close);
}

void check(herr_t status, const std::string& what) {
    if (status < 0) throw Error(what + ": " + error_stack());
}

}  // namespace rankpool::h5
