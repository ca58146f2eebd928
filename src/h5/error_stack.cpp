#include "h5/error_stack.hpp"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace rankpool::h5 {

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
thread_local int system_errno = 0;

// HDF5's file drivers describe a failed call as "file write failed: time = ..., filename = ...,
// file descriptor = 17, errno = 28, error message = 'No space left on device', buf = ..." or
// "unable to open file: name = 'x.h5', errno = 2, ...". Keeps "file write failed: No space left
// on device" and "unable to open file: x.h5: No such file or directory", and remembers the errno.
std::string shorten_system_error(std::string line) {
    const std::size_t errno_at = line.find("errno = ");
    if (errno_at == std::string::npos) {  // no errno: the call's arguments say nothing a user needs
        const std::size_t arguments = line.find(": time = ");
        return arguments == std::string::npos ? line : line.substr(0, arguments);
    }
    system_errno = std::atoi(line.c_str() + errno_at + 8);
    const std::size_t colon = line.find(": ");
    std::string text = line.substr(0, colon == std::string::npos ? 0 : colon + 2);
    const std::size_t name_at = line.find(" name = '");  // an open's file name (not a write's "filename")
    const std::size_t name_end = name_at == std::string::npos ? name_at : line.find('\'', name_at + 9);
    if (name_end != std::string::npos) text += line.substr(name_at + 9, name_end - name_at - 9) + ": ";
    return text + std::strerror(system_errno);
}

herr_t collect(unsigned /*n*/, const H5E_error2_t* entry, void* data) {
    auto& lines = *static_cast<std::vector<std::string>*>(data);
    // The plugin loader's "can't open directory" entries bury the real cause ("required filter
    // 'lzf' is not registered") under the search path it tried.
    if (entry->desc == nullptr || entry->maj_num == H5E_PLUGIN) return 0;
    std::string line = entry->desc;
    // Some descriptions carry a ctime() date with its newline: keep the message on one line.
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) lines.push_back(shorten_system_error(std::move(line)));
    return 0;
}
}  // namespace

std::string error_stack() {
    std::vector<std::string> lines;
    system_errno = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &lines);
    H5Eclear2(H5E_DEFAULT);
    // The innermost entries say what actually went wrong; the outer ones repeat the API call.
    std::string text;
    for (std::size_t i = 0, shown = 0; i < lines.size() && shown < 3; ++i) {
        if (text.find(lines[i]) != std::string::npos) continue;  // "unable to open file" twice, say
        if (!text.empty()) text += "; ";
        text += lines[i];
        ++shown;
    }
    return text.empty() ? "HDF5 reported no details" : text;
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
