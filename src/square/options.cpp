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

}  // namespace rankpool
