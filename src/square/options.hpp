#pragma once
// What `rankpool square` is asked to do. Filled by cli/, read by the pipeline.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "square/generate.hpp"
#include "util/dtype.hpp"

namespace rankpool {

struct InputSpec {
    std::filesystem::path file;
    std::string dataset = "/numbers";  // absolute path inside the file
};

// "FILE" or "FILE:/DATASET" (split at the last ":/", so FILE may contain ':').
// "FILE:DATASET" without the slash is not split: a file name may contain ':'.
InputSpec parse_input_spec(std::string_view spec);

struct SquareOptions {
    std::optional<InputSpec> input;  // read this dataset; otherwise generate
    std::int64_t n = 10'000'000;
    std::uint64_t seed = default_seed;
    Dtype dtype = Dtype::int64;
    std::filesystem::path output = "squares.h5";
    std::optional<std::filesystem::path> report;
    int head = 5;
    int repeat = 1;
};

}  // namespace rankpool
