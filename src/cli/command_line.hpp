#pragma once
// rankpool's whole command line: the app with both subcommands and the options they fill.
// main() parses and runs it; the fuzz target input_spec parses the very same.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "fetch/run_fetch.hpp"
#include "square/options.hpp"

namespace rankpool::cli {

struct CommandLine {
    // `version_text`: what --version prints (asked only then).
    explicit CommandLine(std::function<std::string()> version_text);
    CommandLine(const CommandLine&) = delete;  // the subcommands hold references to the options
    CommandLine& operator=(const CommandLine&) = delete;

    SquareOptions square_options;
    fetch::FetchOptions fetch_options;
    CLI::App app;
    CLI::App* square = nullptr;
    CLI::App* fetch = nullptr;
};

}  // namespace rankpool::cli
