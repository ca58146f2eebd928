#include "square/output_datasets.hpp"

#include <cstdint>
#include <string>

#include "version.hpp"

namespace rankpool {

h5::Layout output_layout(const SquareOptions& options) {
    return {.chunk = options.chunk_elements(), .compress = options.compress};
}

void write_squared_attributes(const Job& job, hid_t dataset) {
    const SquareOptions& o = job.options;
    h5::write_attribute(dataset, "n", job.result.n);
    h5::write_attribute(dataset, "ranks", static_cast<std::int64_t>(job.result.ranks));
    if (o.input)
        h5::write_attribute(dataset, "source", job.result.source);
    else
        h5::write_attribute(dataset, "seed", o.seed);
    h5::write_attribute(dataset, "dtype_in", std::string(dtype_name(job.result.dtype_in)));
    h5::write_attribute(dataset, "dtype_out", std::string(dtype_name(job.result.dtype_out)));
    h5::write_attribute(dataset, "io", std::string(io_mode_name(o.io)));
    h5::write_attribute(dataset, "rankpool_version", std::string(RANKPOOL_VERSION));
}

void write_numbers_attributes(const Job& job, hid_t dataset) {
    h5::write_attribute(dataset, "seed", job.options.seed);
    h5::write_attribute(dataset, "generator", std::string("splitmix64, uniform in [1, 99] (floats [1, 100))"));
}

}  // namespace rankpool
