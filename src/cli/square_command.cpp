#include "cli/square_command.hpp"

#include "cli/number_option.hpp"

#include <iostream>

#include "mpi/environment.hpp"
#include "square/pipeline.hpp"
#include "square/report.hpp"
#include "util/dtype.hpp"

namespace rankpool::cli {

CLI::App& add_square_command(CLI::App& app, SquareOptions& options) {
    CLI::App& cmd = *app.add_subcommand(
        "square",
        "Square a 1-D array with MPI_Scatterv / MPI_Gatherv: rank 0 generates it (default) or "
        "reads it from HDF5, every rank squares its chunk, rank 0 writes HDF5.");

    auto* input = cmd.add_option_function<std::string>(
        "--input", [&](const std::string& spec) { options.input = parse_input_spec(spec); },
        "Read FILE[:/DATASET] (default dataset /numbers) instead of generating: any 1-D integer "
        "or float dataset, any byte order, contiguous or chunked/compressed");
    input->type_name("FILE[:/DATASET]");

    auto* n = add_number_option<std::int64_t>(cmd, "--n", options.n, "Number of values to generate", 0);
    auto* seed = add_number_option<std::uint64_t>(cmd, "--seed", options.seed, "Seed of the counter-based generator");
    auto* dtype = cmd.add_option_function<std::string>(
                         "--dtype", [&](const std::string& name) { options.dtype = *parse_dtype(name); },
                         "Type of the generated values: " + dtype_choices() +
                             " (integers in [1, 99], floats in [1, 100))")
                      ->check(CLI::Validator(
                          [](std::string& name) {
                              return parse_dtype(name) ? std::string() : "unknown dtype '" + name + "'; choose one of " + dtype_choices();
                          },
                          ""))
                      ->type_name("DTYPE")
                      ->default_str("int64");
    input->excludes(n)->excludes(seed)->excludes(dtype);

    cmd.add_option("--output", options.output, "HDF5 file to write (/numbers when generated, /squared)")
        ->type_name("FILE")
        ->capture_default_str();
    cmd.add_option("--report", options.report, "Write a JSON report of sizes and per-phase timings")
        ->type_name("FILE.json");
    add_number_option<int>(cmd, "--head", options.head, "Print the first K values of the result", 0);
    add_number_option<int>(cmd, "--repeat", options.repeat, "Repeat scatter, square and gather K times; report medians", 1);
    return cmd;
}

int run_square_command(const SquareOptions& options) {
    const SquareResult result = run_square(MPI_COMM_WORLD, options);
    if (mpi::rank() != 0) return 0;
    const std::string what = options.input ? result.source : "generated (seed " + std::to_string(options.seed) + ")";
    std::cout << "rankpool square: " << result.n << " " << dtype_name(result.dtype_in) << " values, " << what
              << ", " << result.ranks << " rank" << (result.ranks == 1 ? "" : "s") << " -> "
              << options.output.string() << "\n"
              << format_head(result.head, std::string(dtype_name(result.dtype_out)))
              << format_timings(result) << std::endl;
    return 0;
}

}  // namespace rankpool::cli
