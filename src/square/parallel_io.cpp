// --io parallel: no scatter and no gather. Every rank generates its own slice (the generator is
// counter-based, so the file is bit-identical to --io root's) or reads its own hyperslab,
// squares it, and all ranks write their slices together: collective H5Dwrites per dataset, in pieces
// through MPI-IO. No rank ever holds more than its own slice.
//
// Every collective HDF5 call is agreed on by itself (mpi::agree right after it): an I/O error
// that only some ranks see -- a full disk under one MPI-IO aggregator -- then stops every rank
// before the next collective call, instead of leaving the others waiting inside it.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "h5/file.hpp"
#include "h5/parallel.hpp"
#include "mpi/agree.hpp"
#include "mpi/datatype.hpp"
#include "mpi/environment.hpp"
#include "mpi/messages.hpp"
#include "square/generate.hpp"
#include "square/kernel.hpp"
#include "square/out_of_room.hpp"
#include "square/output_datasets.hpp"
#include "square/overflow.hpp"
#include "square/report.hpp"
#include "square/square_io.hpp"
#include "util/buffer.hpp"
#include "util/interrupt.hpp"
#include "util/lock_probe.hpp"

namespace rankpool {

namespace {

// Collective. Rank 0 learns the first `head` values of the result, wherever they live.
template <class Out>
void gather_head(Job& job, const Out* out) {
    const std::int64_t head = std::min<std::int64_t>(job.options.head, job.result.n);
    const int mine = static_cast<int>(std::clamp<std::int64_t>(head - job.my_offset(), 0, job.my_count()));
    std::vector<int> counts(job.partition.counts.size()), displs(counts.size());
    for (std::size_t r = 0; r < counts.size(); ++r) {
        counts[r] =
            static_cast<int>(std::clamp<std::int64_t>(head - job.partition.displs[r], 0, job.partition.counts[r]));
        displs[r] = static_cast<int>(std::min(head, job.partition.displs[r]));
    }
    std::vector<Out> values(job.is_root() ? static_cast<std::size_t>(head) : 0);
    MPI_Gatherv(out, mine, mpi::datatype<Out>(), values.data(), counts.data(), displs.data(), mpi::datatype<Out>(),
                root, job.comm);
    for (const Out& v : values) job.result.head.push_back(value_text(v));
}

// Collective. Across nodes Open MPI's MPI-IO opens the file with a lock file of its own beside it,
// "TEMP-<n>-<pid>.lock", which it removes when the file is closed. An interrupted run (scancel,
// Ctrl-C, a node lost) never closes it: every rank registers the ones rank 0 finds for removal on
// SIGINT/SIGTERM, as share_temporary_files does for the temporary file itself.
std::deque<RemoveOnInterrupt> share_mpi_io_files(const Job& job, const std::string& temp) {
    std::string list;  // one name a line
    if (job.is_root()) {
        const std::filesystem::path path(temp);
        const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
        const std::string prefix = path.filename().string() + "-";
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.starts_with(prefix) && name.ends_with(".lock")) list += (folder / name).string() + "\n";
        }
    }
    mpi::bcast_string(job.comm, root, list);
    std::deque<RemoveOnInterrupt> files;
    for (std::size_t start = 0, end; (end = list.find('\n', start)) != std::string::npos; start = end + 1)
        files.emplace_back(list.substr(start, end - start));
    return files;
}

// Collective. Creates dataset `name`, writes every rank's slice with collective H5Dwrites (pieces),
// adds the attributes and closes it, each step agreed on.
template <class V, class Attributes>
void write_collectively(Job& job, hid_t file, const std::string& name, std::span<const V> values, hid_t transfer,
                        const std::string& phase, Attributes&& attributes) {
    h5::Handle dataset;
    mpi::agree(job.comm, [&] {
        write_output_step(job, [&] {
            dataset = h5::create_1d(file, name, h5::native_type<V>(), job.result.n, output_layout(job.options));
        });
    });
    // An empty array has no file space to write (HDF5 1.10 fails collective transfers of a
    // zero-sized contiguous dataset); n is the same on every rank, so they all skip together.
    if (job.result.n > 0)
        mpi::agree(job.comm, [&] {
            write_output_step(job, [&] {
                const std::int64_t piece = h5::write_piece_elements(sizeof(V), output_layout(job.options));
                const std::int64_t largest =
                    *std::max_element(job.partition.counts.begin(), job.partition.counts.end());
                h5::write_in_pieces<V>(dataset.id(), job.my_offset(), values, piece, h5::pieces_for(largest, piece),
                                       transfer, "dataset " + name);
            });
            job.result.no_collective_causes.push_back({phase, h5::no_collective_causes(transfer)});
        });
    mpi::agree(job.comm, [&] { attributes(dataset.id()); });
    mpi::agree(job.comm,
               [&] { write_output_step(job, [&] { h5::check(dataset.reset(), "closing dataset " + name); }); });
}

class ParallelIo : public SquareIo {
public:
    void prepare(Job& job) override {
        const SquareOptions& o = job.options;
        // Every rank creates the output together, later (run).
        if (const auto problem = byte_range_lock_problem(job.files.output->temp_path(), o.output.string()))
            throw Error(o.output.string() +
                        ": --io parallel writes through MPI-IO, which needs byte-range locks, and the file "
                        "system there does not support them (" +
                        *problem +
                        "); write to a file system with locking "
                        "(a parallel file system, or NFS with its lock service) or use --io root");
        if (!o.input) return;
        // Checked here, on rank 0 alone, for the better messages; every rank reopens it in run.
        const double start = MPI_Wtime();
        open_input(job);
        open_seconds_ = MPI_Wtime() - start;
    }

    void run(Job& job) override;

private:
    double open_seconds_ = 0;  // opening the input (rank 0 twice), part of the read phase

    template <class T>
    void run_typed(Job& job, h5::Handle& file, const std::optional<h5::Dataset1D>& input);
};

void ParallelIo::run(Job& job) {
    // Rank 0 chose the temporary name (and checked the paths); every rank creates the file.
    std::string temp = job.is_root() ? job.files.output->temp_path().string() : std::string();
    mpi::bcast_string(job.comm, root, temp);
    h5::Handle file;
    mpi::agree(job.comm, [&] { file = h5::create_parallel(temp, job.options.output.string(), job.comm); });
    const std::deque<RemoveOnInterrupt> mpi_io_files = share_mpi_io_files(job, temp);

    h5::Handle input_file;
    std::optional<h5::Dataset1D> input;
    if (job.options.input) {
        const double start = MPI_Wtime();
        mpi::agree(job.comm, [&] {
            input_file = h5::open_parallel(job.options.input->file, job.comm);
            input = h5::open_1d(input_file.id(), job.options.input->dataset, job.options.input->file.string());
        });
        open_seconds_ += MPI_Wtime() - start;
    }
    try {
        visit_dtype(job.result.dtype_in, [&](auto type) { run_typed<decltype(type)>(job, file, input); });
    } catch (const AgreedError&) {
        throw;  // every rank throws it: the collective closes during unwinding match
    } catch (const std::exception& e) {
        // Thrown on this rank alone: unwinding would run the collective H5Fclose here only and
        // wait forever for the others. End the job now, while `file` is still open.
        std::fprintf(stderr, "rankpool: error on rank %d: %s\n", job.rank, e.what());
        mpi::abort_job(1);
    }
}

template <class T>
void ParallelIo::run_typed(Job& job, h5::Handle& file, const std::optional<h5::Dataset1D>& input) {
    using Out = squared_t<T>;
    constexpr bool in_place = InOutBuffer<T, Out>::in_place;
    const SquareOptions& o = job.options;
    const std::int64_t count = job.my_count(), offset = job.my_offset();
    const h5::Handle transfer = h5::collective_transfer();

    InOutBuffer<T, Out> buffers;
    mpi::agree(job.comm, [&] { buffers = InOutBuffer<T, Out>(static_cast<std::size_t>(count)); });
    Buffer<T>& data = buffers.in();
    Out* const out = buffers.out();

    // As in write_collectively: an empty array has nothing to read, on every rank.
    const auto load_input = [&] {
        if (job.result.n == 0) return;
        if (input)
            h5::read_slice(*input, offset, data.span(), transfer.id(), job.result.source);  // one collective call
        else
            generate(data.span(), o.seed, static_cast<std::uint64_t>(offset));
    };
    if (input) {
        job.time_local("read", load_input, open_seconds_);
        if (job.result.n > 0)
            job.result.no_collective_causes.push_back({"read", h5::no_collective_causes(transfer.id())});
    } else {
        job.time_local("generate", load_input);
        job.time_collective("write_input", [&] {
            write_collectively<T>(job, file.id(), "/numbers", data.span(), transfer.id(), "write_input",
                                  [&](hid_t numbers) { write_numbers_attributes(job, numbers); });
        });
    }

    for (int repetition = 0; repetition < o.repeat; ++repetition) {
        if (repetition > 0 && in_place) mpi::agree(job.comm, load_input);  // untimed, as in root mode
        std::optional<std::size_t> overflow;
        job.time_local("square", [&] { overflow = square<T>(data.data(), out, static_cast<std::size_t>(count)); });
        if constexpr (square_may_overflow<T>) agree_on_overflow<T>(job, overflow, data.data());
    }

    job.time_collective("write_output", [&] {
        // write_collectively closes the dataset before the file: otherwise the file's close defers the flush.
        write_collectively<Out>(job, file.id(), "/squared", std::span<const Out>(out, static_cast<std::size_t>(count)),
                                transfer.id(), "write_output",
                                [&](hid_t squared) { write_squared_attributes(job, squared); });
        mpi::agree(job.comm, [&] { write_output_step(job, [&] { h5::close(file, job.options.output); }); });
    });
    job.time_total();
    gather_head<Out>(job, out);
}

}  // namespace

std::unique_ptr<SquareIo> make_parallel_io() { return std::make_unique<ParallelIo>(); }

}  // namespace rankpool
