#include "square/checks.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/memory_check.hpp"
#include "mpi/messages.hpp"
#include "util/error.hpp"
#include "util/memory.hpp"
#include "util/pending_file.hpp"
#include "util/test_stall.hpp"

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

namespace {

// "SIZE:MTIME_NS" of an existing file; "" when this rank cannot see it.
std::string file_identity(const std::string& path) {
    struct stat s {};
    if (::stat(path.c_str(), &s) != 0) return {};
    return std::to_string(s.st_size) + ":" + std::to_string(s.st_mtim.tv_sec) + "." + std::to_string(s.st_mtim.tv_nsec);
}

// Rank 0: an empty file beside the output's temporary file (H5Fcreate wants that name free), gone
// with this object.
class Probe {
public:
    explicit Probe(std::string path) : path_(std::move(path)) {
        const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) throw Error(path_ + ": cannot create: " + std::strerror(errno));
        ::close(fd);
    }
    ~Probe() { ::unlink(path_.c_str()); }
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct SharedFile {
    std::string option, shown, path, identity;  // identity "": existence is enough
};

// Rank 0's host, then one SharedFile after another, fields separated by NUL (no path holds one).
std::string encode(const std::string& host, const std::vector<SharedFile>& files) {
    std::string text = host + '\0';
    for (const SharedFile& f : files) text += f.option + '\0' + f.shown + '\0' + f.path + '\0' + f.identity + '\0';
    return text;
}

std::vector<std::string> fields(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t start = 0, end; (end = text.find('\0', start)) != std::string::npos; start = end + 1)
        out.push_back(text.substr(start, end - start));
    return out;
}

}  // namespace

void check_shared_paths(Job& job) {
    std::string list;
    std::optional<Probe> probe;
    mpi::agree(job.comm, [&] {
        if (!job.is_root()) return;
        const SquareOptions& o = job.options;
        probe.emplace(job.files.output->temp_path().string() + ".probe");
        std::vector<SharedFile> files = {{"--output", o.output.string(), probe->path(), ""}};
        if (job.files.report) files.push_back({"--report", o.report->string(), job.files.report->temp_path(), ""});
        if (o.input)
            files.push_back(
                {"--input", o.input->file.string(), o.input->file.string(), file_identity(o.input->file.string())});
        list = encode(mpi::processor_name(), files);
    });
    mpi::bcast_string(job.comm, root, list);
    mpi::agree(job.comm, [&] {
        if (job.is_root()) return;
        const std::vector<std::string> f = fields(list);
        const std::string& rank0_host = f.at(0);
        for (std::size_t i = 1; i + 3 < f.size(); i += 4) {
            const std::string &option = f[i], &shown = f[i + 1], &path = f[i + 2], &identity = f[i + 3];
            const std::string here = file_identity(path);
            if (!here.empty() && (identity.empty() || here == identity)) continue;
            const std::string what =
                here.empty() ? mpi::processor_name() + " cannot see the file that rank 0 sees there on " + rank0_host
                             : mpi::processor_name() + " sees another file of that name than rank 0 on " + rank0_host;
            throw Error(option + " " + shown + ": the folder is not the same on every node (" + what +
                        "); --io parallel needs --output, --report and --input on a file system that every node "
                        "shares (a parallel or network file system, not /tmp or a node's local disk), or use "
                        "--io root");
        }
    });
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
    stall_if_asked("memory_check", job.rank);
    mpi::check_memory_fits(job.comm, bytes, what, (job.options.input ? "use " : "use a smaller --n, or ") + advice);
}

}  // namespace rankpool
