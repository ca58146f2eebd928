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

// root: rank 0 reads or generates, scatters, gathers and writes (the tutorial's pattern).
// parallel: every rank generates or reads its own slice and all write together (MPI-IO).
enum class IoMode { root, parallel };
std::string_view io_mode_name(IoMode mode);
std::optional<IoMode> parse_io_mode(std::string_view name);

struct SquareOptions {
    std::optional<InputSpec> input;  // read this dataset; otherwise generate
    std::int64_t n = 10'000'000;
    std::uint64_t seed = default_seed;
    Dtype dtype = Dtype::int64;
    std::filesystem::path output = "squares.h5";
    std::optional<std::filesystem::path> report;
    IoMode io = IoMode::root;
    std::int64_t chunk = 0;  // elements per HDF5 chunk; 0: contiguous (unless compressed)
    int compress = 0;        // gzip level 1-9; 0: none
    static constexpr std::int64_t default_chunk = 1 << 20;  // when compressing without --chunk
    std::int64_t chunk_elements() const { return chunk > 0 ? chunk : compress > 0 ? default_chunk : 0; }
    int head = 5;
    int repeat = 1;
};

}  // namespace rankpool
