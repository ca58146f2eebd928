#include "square/checks.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "mpi/memory_check.hpp"
#include "util/error.hpp"
#include "util/memory.hpp"
#include "util/pending_file.hpp"

namespace rankpool {

void check_paths(const Job& job) {
    const SquareOptions& o = job.options;
    if (o.input && same_file(o.input->file, o.output))
        throw Error(o.output.string() + ": is the input file; choose another --output");
    if (o.report && same_file(*o.report, o.output))
        throw Error(o.report->string() + ": is also the --output file; choose another --report");
    if (o.report && o.input && same_file(*o.report, o.input->file))
        throw Error(o.report->string() + ": is the input file; choose another --report");
}

void check_chunk_size(const Job& job) {
    const std::int64_t chunk = std::min(job.options.chunk_elements(), job.result.n);
    const std::uint64_t bytes = static_cast<std::uint64_t>(chunk) * dtype_size(job.result.dtype_out);
    if (bytes >= (std::uint64_t{1} << 32))
        throw UsageError("--chunk " + std::to_string(job.options.chunk_elements()) + ": chunks of " +
                         std::to_string(chunk) + " " + std::string(dtype_name(job.result.dtype_out)) + " values are " +
                         format_bytes(bytes) + "; HDF5 allows less than 4 GiB per chunk, so choose a smaller --chunk");
}

void check_memory(const Job& job) {
    const std::uint64_t in = dtype_size(job.result.dtype_in), out = dtype_size(job.result.dtype_out);
    const std::uint64_t per_element = job.result.dtype_in == job.result.dtype_out ? in : in + out;
    const bool holds_all = job.options.io == IoMode::root && job.is_root();
    const auto elements = static_cast<std::uint64_t>(holds_all ? job.result.n : job.my_count());
    std::uint64_t bytes = 0;  // saturates: n near 2^63 must still be refused, not wrap to a small number
    if (__builtin_mul_overflow(elements, per_element, &bytes)) bytes = UINT64_MAX;
    const std::string what = "squaring " + std::to_string(job.result.n) + " " +
                             std::string(dtype_name(job.result.dtype_in)) + " values with --io " +
                             std::string(io_mode_name(job.options.io));
    // (--n cannot shrink a read input.)
    const std::string advice = job.options.io == IoMode::root ? "--io parallel (no rank then holds the whole array)"
                                                              : "spread the ranks over more nodes";
    mpi::check_memory_fits(job.comm, bytes, what, (job.options.input ? "use " : "use a smaller --n, or ") + advice);
}

}  // namespace rankpool
