#include "cli/fetch_options.hpp"

#include "cli/number_option.hpp"

namespace rankpool::cli {

CLI::App& add_fetch_command(CLI::App& app, fetch::FetchOptions& options) {
    CLI::App& cmd = *app.add_subcommand(
        "fetch",
        "Download every URL of a list over HTTP(S), the ranks sharing the URLs, each with up to --parallel transfers: "
        "checked status, length and sha256, retries, files renamed into place only when complete.");
    fetch::DownloadSettings& d = options.download;
    cmd.add_option("LIST", options.list, "URL list: one URL per line, optional name=FILE sha256=HEX size=BYTES")
        ->required()
        ->type_name("FILE");
    cmd.add_option("--out", d.out, "Folder for the downloads (created if missing)")
        ->type_name("DIR")
        ->capture_default_str();
    cmd.add_option_function<std::string>(
           "--schedule", [&](const std::string& name) { options.schedule = *fetch::parse_schedule(name); },
           "cyclic: URL i to rank i mod P; block: contiguous ranges; dynamic: rank 0 hands out the next URL")
        ->check(CLI::Validator(
            [](std::string& name) {
                return fetch::parse_schedule(name) ? std::string()
                                                   : "unknown schedule '" + name + "'; choose cyclic, block or dynamic";
            },
            ""))
        ->type_name("S")
        ->default_str("cyclic");
    add_number_option<int>(
        cmd, "--parallel", options.parallel,
        "Transfers in flight per rank (libcurl's multi interface; HTTP/2 streams share a connection)", 1, 256);
    cmd.add_option("--ca-cert", options.ca_cert,
                   "Trust the CA certificates in this PEM file (else CURL_CA_BUNDLE, SSL_CERT_FILE, the system's)")
        ->type_name("FILE");
    cmd.add_option("--proxy", d.proxy,
                   "Send every transfer through this proxy (else http_proxy, https_proxy, all_proxy; no_proxy applies)")
        ->type_name("URL")
        ->check(CLI::Validator(
            [](std::string& url) { return url.empty() ? "give a proxy URL, e.g. http://proxy:3128" : ""; }, ""));
    add_seconds_option(cmd, "--timeout", d.transfer.stall_timeout,
                       "Abort an attempt when no byte arrives for S seconds", false);
    add_seconds_option(cmd, "--connect-timeout", d.transfer.connect_timeout, "Give up connecting after S seconds",
                       false);
    add_number_option<std::int64_t>(cmd, "--max-size", d.max_size, "Refuse bodies larger than BYTES (0: no limit)", 0);
    add_number_option<int>(cmd, "--retries", d.retries, "Retries after timeouts, connection errors, 408, 429, 5xx", 0,
                           100);
    add_seconds_option(cmd, "--retry-delay", d.retry_delay, "First backoff in seconds; doubles each retry, with jitter",
                       true);
    add_seconds_option(cmd, "--max-retry-after", d.max_retry_after, "Cap on a server's Retry-After, in seconds", true);
    cmd.add_flag("--force", d.force, "Download again even when a complete file is already there");
    cmd.add_option("--report", options.report, "Write a JSON report with one object per list line")
        ->type_name("FILE.json");
    cmd.add_option("--failed", options.failed, "Write the failed lines in list form, ready to rerun")
        ->type_name("FILE");
    cmd.add_flag("--quiet", options.quiet, "No per-file lines (the table still prints)");
    cmd.add_flag("--progress", options.live_progress,
                 "A live progress line on stderr even when it is not a terminal (under mpirun it never is)");
    return cmd;
}

}  // namespace rankpool::cli
