// --io root: rank 0 holds the whole array, scatters it, every rank squares its chunk, rank 0
// gathers the squares and writes them. The tutorial's pattern, with MPI.
#include <algorithm>
#include <optional>
#include <span>

#include "h5/file.hpp"
#include "mpi/agree.hpp"
#include "mpi/collectives.hpp"
#include "square/generate.hpp"
#include "square/kernel.hpp"
#include "square/out_of_room.hpp"
#include "square/output_datasets.hpp"
#include "square/overflow.hpp"
#include "square/report.hpp"
#include "square/square_io.hpp"
#include "util/buffer.hpp"

namespace rankpool {

namespace {

class RootIo : public SquareIo {
public:
    void prepare(Job& job) override {
        output_file_ = h5::create(job.files.output->temp_path(), job.options.output.string());
        if (!job.options.input) return;
        const double start = MPI_Wtime();
        input_ = open_input(job);
        open_seconds_ = MPI_Wtime() - start;
    }

    void run(Job& job) override {
        visit_dtype(job.result.dtype_in, [&](auto type) { run_typed<decltype(type)>(job); });
    }

private:
    // Rank 0 only.
    h5::Handle output_file_;
    std::optional<OpenInput> input_;
    double open_seconds_ = 0;  // opening the input, part of the read phase

    template <class T>
    void run_typed(Job& job);
};

template <class T>
void RootIo::run_typed(Job& job) {
    using Out = squared_t<T>;
    constexpr bool in_place = InOutBuffer<T, Out>::in_place;
    const SquareOptions& o = job.options;
    const std::int64_t n = job.result.n;
    const auto& counts = job.partition.counts;
    const auto& displs = job.partition.displs;

    // Rank 0 holds the whole array; the others only their chunk. Allocation does not touch
    // the memory, so it is not a phase of its own.
    const auto held = static_cast<std::size_t>(job.is_root() ? n : job.my_count());
    InOutBuffer<T, Out> buffers;
    mpi::agree(job.comm, [&] { buffers = InOutBuffer<T, Out>(held); });
    Buffer<T>& data = buffers.in();
    Out* const out = buffers.out();

    const auto load_input = [&] {
        if (!job.is_root()) return;
        if (o.input)
            h5::read(input_->dataset, data.span(), job.result.source);
        else
            generate(data.span(), o.seed, 0);
    };
    if (o.input) {
        job.time_local("read", load_input, open_seconds_);
    } else {
        job.time_local("generate", load_input);
        job.time_local("write_input", [&] {
            if (!job.is_root()) return;
            write_output_step(job, [&] {
                const h5::Handle numbers =
                    h5::write_1d<T>(output_file_.id(), "/numbers", data.span(), output_layout(o));
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
        write_output_step(job, [&] {
            {  // the dataset must be closed before the file, or the file's close defers the flush
                const h5::Handle squared =
                    h5::write_1d<Out>(output_file_.id(), "/squared",
                                      std::span<const Out>(out, static_cast<std::size_t>(n)), output_layout(o));
                write_squared_attributes(job, squared.id());
            }
            h5::close(output_file_, job.files.output->final_path());
        });
    });
    job.time_total();

    if (job.is_root())
        for (std::int64_t i = 0; i < std::min<std::int64_t>(o.head, n); ++i)
            job.result.head.push_back(value_text(out[i]));
}

}  // namespace

std::unique_ptr<SquareIo> make_root_io() { return std::make_unique<RootIo>(); }

}  // namespace rankpool
