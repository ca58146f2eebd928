#include "square/options.hpp"

namespace rankpool {

InputSpec parse_input_spec(std::string_view spec) {
    InputSpec input;
    const auto split = spec.rfind(":/");
    if (split == std::string_view::npos) {
        input.file = std::string(spec);
    } else {
        input.file = std::string(spec.substr(0, split));
        input.dataset = std::string(spec.substr(split + 1));
    }
    return input;
}

std::string_view io_mode_name(IoMode mode) { return mode == IoMode::root ? "root" : "parallel"; }

std::optional<IoMode> parse_io_mode(std::string_view name) {
    for (IoMode mode : {IoMode::root, IoMode::parallel})
        if (name == io_mode_name(mode)) return mode;
    return std::nullopt;
}

}  // namespace rankpool
