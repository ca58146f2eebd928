// Fuzz target: `rankpool square --input FILE[:/DATASET]` (square/options.cpp) and the whole
// command line, through the real parser: cli/command_line.cpp, the CLI11 app main() parses.
// The input is argv after the program name, one argument per NUL-separated piece. Nothing runs
// a job.
//
// Expected: CLI11's ParseError for a bad command line (its message and --help are rendered too,
// as main() does). A crash, sanitizer report or any other exception escaping parse() is a bug,
// and so is a parsed command line whose values break the options' promises below (the job would
// run with them).
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_line.hpp"
#include "square/options.hpp"

namespace {

void require(bool condition, const char* what, const std::string& detail = {}) {
    if (condition) return;
    std::fprintf(stderr, "fuzz_input_spec: broken promise: %s [%s]\n", what, detail.c_str());
    std::abort();
}

// square/options.hpp: split at the last ":/", the dataset an absolute path, nothing lost.
void check_input_spec(std::string_view spec) {
    const rankpool::InputSpec input = rankpool::parse_input_spec(spec);
    require(input.dataset.starts_with("/"), "dataset is an absolute path", input.dataset);
    if (spec.find(":/") == std::string_view::npos)
        require(input.file.string() == spec && input.dataset == "/numbers", "no ':/': all of it is the file",
                std::string(spec));
    else
        require(input.file.string() + ":" + input.dataset == spec && input.dataset.find(":/") == std::string::npos,
                "split at the last ':/'", std::string(spec));
}

// A number of seconds a run can use: libcurl gets them as a long count of milliseconds.
bool usable_seconds(double s, double min) { return std::isfinite(s) && s >= min && s * 1000 < 9.2e18; }

void check_square(const rankpool::SquareOptions& o) {
    require(o.n >= 0 && o.chunk >= 0 && o.compress >= 0 && o.compress <= 9 && o.head >= 0 && o.repeat >= 1,
            "square: numbers in their ranges");
    require(rankpool::parse_dtype(rankpool::dtype_name(o.dtype)).has_value(), "square: a known dtype");
    require(o.io == rankpool::IoMode::root || o.io == rankpool::IoMode::parallel, "square: a known --io");
    if (o.input) require(o.input->dataset.starts_with("/"), "square: --input dataset is absolute", o.input->dataset);
}

void check_fetch(const rankpool::fetch::FetchOptions& o) {
    const auto& d = o.download;
    require(d.max_size >= 0 && d.retries >= 0 && d.retries <= 100 && o.parallel >= 1 && o.parallel <= 256,
            "fetch: numbers in their ranges");
    require(usable_seconds(d.transfer.stall_timeout, 0) && d.transfer.stall_timeout > 0, "fetch: --timeout",
            std::to_string(d.transfer.stall_timeout));
    require(usable_seconds(d.transfer.connect_timeout, 0) && d.transfer.connect_timeout > 0, "fetch: --connect-timeout",
            std::to_string(d.transfer.connect_timeout));
    require(usable_seconds(d.retry_delay, 0), "fetch: --retry-delay", std::to_string(d.retry_delay));
    require(usable_seconds(d.max_retry_after, 0), "fetch: --max-retry-after", std::to_string(d.max_retry_after));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> args{"rankpool"};
    for (std::size_t start = 0;;) {
        const auto end = text.find('\0', start);
        args.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    if (args.size() > 64) return 0;  // longer command lines only repeat what shorter ones test
    for (std::size_t i = 1; i < args.size(); ++i) check_input_spec(args[i]);

    // main()'s command line (its version text asks HDF5 and MPI: not here).
    rankpool::cli::CommandLine command_line([] { return std::string("rankpool fuzz"); });
    CLI::App& app = command_line.app;

    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    try {
        app.parse(static_cast<int>(args.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        std::ostringstream out, err;
        app.exit(e, out, err);  // the usage message or --help that rank 0 would print
        if (std::getenv("RANKPOOL_FUZZ_VERBOSE") != nullptr)
            std::fprintf(stderr, "  %s: %s\n", e.get_name().c_str(), e.what());
        return 0;
    }
    require(command_line.square->parsed() != command_line.fetch->parsed(), "exactly one subcommand");
    if (command_line.square->parsed())
        check_square(command_line.square_options);
    else
        check_fetch(command_line.fetch_options);
    return 0;
}
