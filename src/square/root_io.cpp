// --io root: rank 0 holds the whole array, scatters it, every rank squares its chunk, rank 0
// gathers the squares and writes them. The tutorial's pattern, with MPI.
#include <cstring>

#include "h5/file.hpp"
#include "mpi/agree.hpp"
#include "mpi/collectives.hpp"
#include "mpi/phase_timer.hpp"
#include "square/generate.hpp"
#include "square/job.hpp"
#include "util/buffer.hpp"

namespace rankpool {

namespace {

template <class T>
void run_typed(Job& job) {
    using Out = squared_t<T>;
    constexpr bool in_place = std::is_same_v<T, Out>;
    const SquareOptions& o = job.options;
    const std::int64_t n = job.result.n;
    const auto& counts = job.partition.counts;
    const auto& displs = job.partition.displs;

    // Rank 0 holds the whole array; the others only their chunk. Allocation does not touch
    // the memory, so it is not a phase of its own. When the square has the input's type it
    // overwrites the input: one array in memory.
    Buffer<T> data;
    Buffer<Out> separate_out;  // only when the square is wider than the input
    mpi::agree(job.comm, [&] {
        data = Buffer<T>(static_cast<std::size_t>(job.is_root() ? n : job.my_count()));
        if constexpr (!in_place) separate_out = Buffer<Out>(data.size());
    });
    Out* out = nullptr;
    if constexpr (in_place)
        out = data.data();
    else
        out = separate_out.data();

    const auto load_input = [&] {
        if (!job.is_root()) return;
        if (o.input)
            h5::read(*job.files.input, data.span(), job.result.source);
        else
            generate(data.span(), o.seed, 0);
    };
    if (o.input) {
        job.time_local("read", load_input, job.open_seconds);
    } else {
        job.time_local("generate", load_input);
        job.time_local("write_input", [&] {
            if (!job.is_root()) return;
            job.write_output_step([&] {
                const h5::Handle numbers =
                    h5::write_1d<T>(job.files.output_file.id(), "/numbers", data.span(), output_layout(o));
                write_numbers_attributes(job, numbers.id());
            });
        });
    }

    for (int repetition = 0; repetition < o.repeat; ++repetition) {
        // Squaring in place consumed rank 0's input: a repetition produces it again (untimed)
        // rather than keeping a second copy in memory.
        if (repetition > 0 && in_place) mpi::agree(job.comm, load_input);
        job.time_collective("scatter", [&] { mpi::scatterv<T>(job.comm, root, counts, displs, data.span()); });
        std::optional<std::size_t> overflow;
        job.time_local("square", [&] {
            // Rank 0's own chunk is the front of its whole array (displs[0] == 0).
            overflow = square<T>(data.data(), out, static_cast<std::size_t>(job.my_count()));
        });
        if constexpr (square_may_overflow<T>) agree_on_overflow<T>(job, overflow, data.data());
        job.time_collective("gather", [&] {
            mpi::gatherv<Out>(job.comm, root, counts, displs, std::span<Out>(out, job.is_root() ? n : job.my_count()));
        });
    }

    job.time_local("write_output", [&] {
        if (!job.is_root()) return;
        job.write_output_step([&] {
            {  // the dataset must be closed before the file, or the file's close defers the flush
                const h5::Handle squared =
                    h5::write_1d<Out>(job.files.output_file.id(), "/squared",
                                      std::span<const Out>(out, static_cast<std::size_t>(n)), output_layout(o));
                write_squared_attributes(job, squared.id());
            }
            h5::close(job.files.output_file, job.files.output->final_path());
        });
    });
    job.times.add("total", MPI_Wtime() - job.start);

    if (job.is_root())
        for (std::int64_t i = 0; i < std::min<std::int64_t>(o.head, n); ++i)
            job.result.head.push_back(value_text(out[i]));
}

}  // namespace

void run_root_io(Job& job) {
    visit_dtype(job.result.dtype_in, [&](auto type) { run_typed<decltype(type)>(job); });
}

}  // namespace rankpool
