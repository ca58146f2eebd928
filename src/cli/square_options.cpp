#include "cli/square_options.hpp"

#include "cli/number_option.hpp"
#include "util/dtype.hpp"

namespace rankpool::cli {

CLI::App& add_square_command(CLI::App& app, SquareOptions& options) {
    CLI::App& cmd = *app.add_subcommand(
        "square",
        "Square a 1-D array: rank 0 generates it (default) or reads it from HDF5, MPI_Scatterv "
        "sends every rank its chunk to square, MPI_Gatherv brings the squares back and rank 0 "
        "writes HDF5 (--io root); or every rank works on its own slice of the file (--io parallel).");

    auto* input = cmd.add_option_function<std::string>(
        "--input", [&](const std::string& spec) { options.input = parse_input_spec(spec); },
        "Read FILE[:/DATASET] (default dataset /numbers) instead of generating: any 1-D integer "
        "or float dataset, any byte order, contiguous or chunked/compressed");
    input->type_name("FILE[:/DATASET]");

    auto* n = add_number_option<std::int64_t>(cmd, "--n", options.n, "Number of values to generate", 0);
    auto* seed = add_number_option<std::uint64_t>(cmd, "--seed", options.seed, "Seed of the counter-based generator");
    auto* dtype =
        cmd.add_option_function<std::string>(
               "--dtype", [&](const std::string& name) { options.dtype = *parse_dtype(name); },
               "Type of the generated values: " + dtype_choices() + " (integers in [1, 99], floats in [1, 100))")
            ->check(CLI::Validator(
                [](std::string& name) {
                    return parse_dtype(name) ? std::string()
                                             : "unknown dtype '" + name + "'; choose one of " + dtype_choices();
                },
                ""))
            ->type_name("DTYPE")
            ->default_str("int64");
    input->excludes(n)->excludes(seed)->excludes(dtype);

    cmd.add_option("--output", options.output, "HDF5 file to write (/numbers when generated, /squared)")
        ->type_name("FILE")
        ->capture_default_str();
    cmd.add_option_function<std::string>(
           "--io", [&](const std::string& name) { options.io = *parse_io_mode(name); },
           "root: rank 0 generates or reads, scatters, gathers and writes (MPI_Scatterv/Gatherv); "
           "parallel: every rank generates or reads its own slice and all ranks write together "
           "through MPI-IO (no scatter, no gather; the output must be on a file system every rank sees)")
        ->check(CLI::IsMember({"root", "parallel"}))
        ->type_name("MODE")
        ->default_str("root");
    add_number_option<std::int64_t>(cmd, "--chunk", options.chunk,
                                    "Store the datasets in HDF5 chunks of this many elements (default: contiguous; "
                                    "1048576 with --compress)",
                                    1);
    add_number_option<int>(cmd, "--compress", options.compress,
                           "gzip level 1-9 for the datasets (chunked, byte-shuffled)", 1, 9)
        ->default_str("none");
    cmd.add_option("--report", options.report, "Write a JSON report of sizes and per-phase timings")
        ->type_name("FILE.json");
    add_number_option<int>(cmd, "--head", options.head, "Print the first K values of the result", 0);
    add_number_option<int>(cmd, "--repeat", options.repeat, "Repeat scatter, square and gather K times; report medians",
                           1);
    return cmd;
}

}  // namespace rankpool::cli
