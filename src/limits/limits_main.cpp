// rankpool-limits: the best each phase of `rankpool square`'s default job could cost on this
// machine, measured once per run (scripts run it many times and take medians). Same ranks,
// same bytes, same buffers, same timers as rankpool; only the work in each phase is the
// cheapest that moves those bytes. Errors follow rankpool's rules (cli/parse_and_run.hpp): rank 0 prints
// one message, every rank exits with the same code (2: bad command line, 1: failed run).
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <optional>

#include "cli/number_option.hpp"
#include "cli/parse_and_run.hpp"
#include "limits/measure.hpp"
#include "limits/report.hpp"
#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "util/error.hpp"
#include "util/pending_file.hpp"

namespace {

using rankpool::limits::LimitsOptions;

void add_options(CLI::App& app, LimitsOptions& options) {
    using rankpool::parse_dtype;
    auto* n = rankpool::cli::add_number_option<std::int64_t>(app, "--n", options.n, "Number of values", 0);
    auto* dtype = app.add_option_function<std::string>(
                         "--dtype", [&](const std::string& name) { options.dtype = *parse_dtype(name); },
                         "Element type, as for rankpool square: " + rankpool::dtype_choices())
                      ->check(CLI::Validator(
                          [](std::string& name) {
                              return parse_dtype(name)
                                         ? std::string()
                                         : "unknown dtype '" + name + "'; choose one of " + rankpool::dtype_choices();
                          },
                          ""))
                      ->type_name("DTYPE")
                      ->default_str("int64");
    auto* dir = app.add_option("--dir", options.dir, "Folder for rank 0's two scratch files (removed at the end)")
                    ->type_name("DIR")
                    ->capture_default_str();
    auto* report =
        app.add_option("--report", options.report, "Write the sizes, per-phase timings and peak memory as JSON")
            ->type_name("FILE.json");
    app.add_flag("--hello", options.hello, "Only start and stop MPI: the cost of an empty mpirun")
        ->excludes(n)
        ->excludes(dtype)
        ->excludes(dir)
        ->excludes(report);
}

// Collective. Measures, then rank 0 prints the line or writes the report. Returns the exit code.
int run(const LimitsOptions& options) {
    using namespace rankpool;
    const MPI_Comm comm = MPI_COMM_WORLD;
    const bool is_root = mpi::rank(comm) == 0;

    // The report is created (empty) first, as rankpool does: an unwritable path fails before
    // the measurement, and a failed run leaves no report.
    std::optional<PendingFile> report;
    mpi::agree(comm, [&] {
        if (!is_root || !options.report) return;
        report.emplace(*options.report);
        report->create_empty();
    });

    const limits::LimitsResult result = limits::run_limits(comm, options);

    mpi::agree(comm, [&] {
        if (!is_root) return;
        if (!report) {
            std::cout << limits::format_line(result) << std::endl;
            return;
        }
        std::ofstream out(report->temp_path());
        out << limits::report_json(result).dump(2) << '\n';
        out.close();
        if (!out) throw Error(options.report->string() + ": cannot write the report");
        report->commit();
    });
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    rankpool::mpi::Environment mpi_environment(argc, argv);

    CLI::App app("rankpool-limits: the best each phase of `rankpool square` could cost here, for the same bytes",
                 "rankpool-limits");
    LimitsOptions options;
    add_options(app, options);
    return rankpool::cli::parse_and_run(app, argc, argv, "rankpool-limits",
                                        [&] { return options.hello ? 0 : run(options); });
}
