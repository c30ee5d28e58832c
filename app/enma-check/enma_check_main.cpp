// enma_check_main.cpp - enma-check: the milter's verdict on one message, from a shell.
//
//   enma-check [--ip ADDR] [--helo NAME] [--mail-from ADDR] [--rcpt ADDR]... [--hostname NAME]
//              [--json] [--seal] [--crlf|--lf] [-c FILE] [-o KEY=VALUE]... [FILE|-]
//
// Reads one RFC 5322 message, hands it to MessageSession exactly as the milter would
// (enma_check_run.hpp) and prints the Authentication-Results header the daemon would add,
// or with --json one JSON object (docs/enma-check.md); with --seal, the ARC set too. Settings come
// from the daemon's enma.conf (-c) and -o overrides. stdout carries only the result; notes go to
// stderr. Exit status: 0 evaluated, 1 unreadable input, 2 usage or configuration error.
#include <unistd.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/common/getopt_args.hpp"
#include "app/common/version.hpp"
#include "app/enma-check/enma_check_options.hpp"
#include "app/enma-check/enma_check_report.hpp"
#include "app/enma-check/enma_check_run.hpp"
#include "app/enma-check/message_reader.hpp"
#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"

using namespace enma;

namespace {

constexpr int kExitEvaluated = 0;
constexpr int kExitUnreadable = 1;
constexpr int kExitUsage = 2;

int usage_error(const std::string& message) {
    std::cerr << app::usage_error_text("enma-check", message) << std::flush;
    return kExitUsage;
}

// read_message - the named file, or standard input for "" and "-".
std::optional<std::string> read_message(const std::string& path) {
    if (path.empty() || path == "-")
        return app::read_all(std::cin);
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    return app::read_all(in);
}

std::string fold_for(app::Folding folding) {
    switch (folding) {
        case app::Folding::crlf:
            return "\r\n\t";
        case app::Folding::lf:
            return "\n\t";
        case app::Folding::automatic:
            break;
    }
    return isatty(STDOUT_FILENO) ? "\n\t" : "\r\n\t";
}

// print_seal - the ARC set as the daemon inserts it (newest on top), or why there is none.
void print_seal(const pipeline::Verdict& verdict, const std::string& fold, const std::string& end) {
    if (!verdict.m_seal || !verdict.m_seal->m_set) {
        std::cerr << "enma-check: not sealed: "
                  << (verdict.m_seal ? verdict.m_seal->m_skipped : "sealing is off") << std::endl;
        return;
    }
    for (const auto& line : app::seal_lines(*verdict.m_seal->m_set, fold))
        std::cout << line << end;
}

void print(const app::EnmaCheckOptions& options, const app::CheckOutcome& outcome) {
    if (outcome.m_excluded)
        std::cerr << "enma-check: note: common.exclusion_addresses lists "
                  << options.m_ip->to_string() << "; the daemon would not verify this client"
                  << std::endl;
    if (!options.m_json) {
        const std::string fold = fold_for(options.m_folding);
        const std::string end = fold.starts_with("\r") ? "\r\n" : "\n";
        std::cout << app::header_line(outcome.m_authserv_id, outcome.m_verdict, fold) << end;
        if (options.m_seal)
            print_seal(outcome.m_verdict, fold, end);
        return;
    }
    const app::CheckEnvelope envelope{options.m_ip ? options.m_ip->to_string() : "",
                                      app::connection_info(options).m_hostname, options.m_helo,
                                      options.m_mail_from, options.m_rcpts};
    auto json = app::verdict_json(outcome.m_authserv_id, outcome.m_verdict, envelope);
    if (options.m_seal)
        json["arc_seal"] = app::seal_json(outcome.m_verdict);
    std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << std::endl;
}

int run(const app::EnmaCheckOptions& options, const conf::Config& config) {
    const auto raw = read_message(options.m_input);
    if (!raw) {
        std::cerr << "enma-check: cannot read "
                  << (options.m_input.empty() ? "standard input" : options.m_input) << std::endl;
        return kExitUnreadable;
    }
    const app::MilterMessage message = app::split_for_milter(*raw);
    app::CheckOutcome outcome;
    try {
        outcome = app::run_check(options, config, message);
    } catch (const std::exception& error) {
        std::cerr << "enma-check: settings: " << error.what() << std::endl;
        return kExitUsage;
    }
    print(options, outcome);
    return kExitEvaluated;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    app::EnmaCheckOptions options;
    try {
        options = app::parse_check_options(args);
    } catch (const app::CheckUsageError& error) {
        return usage_error(error.what());
    }
    if (options.m_version) {
        std::cout << "enma-check " << app::kVersion << '\n';
        return kExitEvaluated;
    }
    if (options.m_help) {
        std::cout << "enma-check " << app::kVersion << '\n' << app::check_usage_text();
        return kExitEvaluated;
    }
    conf::Config config;
    try {
        config = conf::load_config(options.m_config_file, options.m_overrides);
    } catch (const conf::ConfigError& error) {
        std::cerr << "enma-check: " << error.what() << std::endl;
        return kExitUsage;
    }
    if (options.m_seal && config.m_arc.m_seal_key_file.empty())
        return usage_error(
            "--seal needs arc.seal_key_file, arc.seal_selector and "
            "arc.seal_domain (-c FILE or -o KEY=VALUE)");
    return run(options, config);
}
