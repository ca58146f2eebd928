#include "h5/error_text.hpp"

#include <cstdlib>
#include <cstring>

namespace rankpool::h5 {

namespace {
std::string shorten_system_error(const std::string& line, int system_errno) {
    const std::size_t colon = line.find(": ");
    std::string text = line.substr(0, colon == std::string::npos ? 0 : colon + 2);
    const std::size_t name_at = line.find(" name = '");  // an open's file name (not a write's "filename")
    const std::size_t name_end = name_at == std::string::npos ? name_at : line.find('\'', name_at + 9);
    if (name_end != std::string::npos) text += line.substr(name_at + 9, name_end - name_at - 9) + ": ";
    return text + std::strerror(system_errno);
}
}  // namespace

EntryText entry_text(std::string description) {
    // Keep the message on one line: the ctime() dates carry their newline.
    for (char& c : description)
        if (c == '\n' || c == '\r') c = ' ';
    while (!description.empty() && description.back() == ' ') description.pop_back();

    const std::size_t errno_at = description.find("errno = ");
    if (errno_at == std::string::npos) {
        const std::size_t arguments = description.find(": time = ");
        if (arguments != std::string::npos) description.resize(arguments);
        return {std::move(description), std::nullopt};
    }
    const int system_errno = std::atoi(description.c_str() + errno_at + 8);
    return {shorten_system_error(description, system_errno), system_errno};
}

std::string stack_text(const std::vector<std::string>& texts) {
    std::string text;
    for (std::size_t i = 0, shown = 0; i < texts.size() && shown < 3; ++i) {
        if (texts[i].empty() || text.find(texts[i]) != std::string::npos) continue;  // "unable to open file" twice
        if (!text.empty()) text += "; ";
        text += texts[i];
        ++shown;
    }
    return text.empty() ? "HDF5 reported no details" : text;
}

}  // namespace rankpool::h5
