#include "square/square_io.hpp"

#include "h5/file.hpp"

namespace rankpool {

OpenInput open_input(Job& job) {
    const InputSpec& input = *job.options.input;
    h5::Handle file = h5::open_for_reading(input.file);
    h5::Dataset1D dataset = h5::open_1d(file.id(), input.dataset, input.file.string());
    job.result.n = dataset.size;
    job.result.dtype_in = dataset.dtype;
    return {.file = std::move(file), .dataset = std::move(dataset)};
}

}  // namespace rankpool
