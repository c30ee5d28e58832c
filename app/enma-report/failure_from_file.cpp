// failure_from_file.cpp - evaluate, decide, build and deliver one failure report.
#include "app/enma-report/failure_from_file.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "app/common/version.hpp"
#include "app/enma-check/enma_check_report.hpp"
#include "app/enma-check/enma_check_run.hpp"
#include "app/report/delivery.hpp"
#include "app/report/failure_report.hpp"
#include "app/report/report_uri.hpp"
#include "app/report/row_from_verdict.hpp"

namespace enma::report {

namespace {

constexpr int kDone = 0;
constexpr int kNotSent = 1;
constexpr int kUnusable = 2;

std::optional<std::string> read_file(const std::string& path) {
    if (path == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

app::EnmaCheckOptions check_options(const FailureFileRequest& request) {
    app::EnmaCheckOptions options;
    options.m_ip = resolver::IpAddress::parse(request.m_ip);
    options.m_helo = request.m_helo;
    options.m_mail_from = request.m_mail_from;
    if (!request.m_rcpt.empty())
        options.m_rcpts.push_back(request.m_rcpt);
    return options;
}

// a_r_value - the Authentication-Results value enma would add, without the field name.
std::string a_r_value(const app::CheckOutcome& outcome) {
    const std::string line = app::header_line(outcome.m_authserv_id, outcome.m_verdict, "\r\n\t");
    const auto colon = line.find(':');
    return colon == std::string::npos ? line : line.substr(colon + 1);
}

FailureInput failure_input(const app::MilterMessage& message, const app::CheckOutcome& outcome,
                           const RunSettings& settings) {
    FailureInput input;
    input.m_reporter_domain = settings.m_reporter.m_domain;
    input.m_from = settings.m_reporter.m_email;
    input.m_user_agent = std::string("enma/") + app::kVersion;
    input.m_authentication_results = a_r_value(outcome);
    for (const auto& header : message.m_headers)
        input.m_headers.emplace_back(header.m_name, header.m_value);
    input.m_date = settings.m_now;
    return input;
}

// deliver - one destination: checked, then written, printed or sent; the exit status.
int deliver(const ReportUri& uri, const MessageRow& row, FailureInput input,
            const FailureFileRequest& request, const RunSettings& settings,
            const DestinationChecker& checker, std::ostream& out) {
    const auto verdict = checker(row.m_policy_domain, uri.m_host);
    const std::string line = row.m_policy_domain + " " + uri.m_uri;
    if (verdict == DestinationVerdict::refused || verdict == DestinationVerdict::temporary) {
        out << (verdict == DestinationVerdict::refused ? "refused " : "deferred ") << line << '\n';
        return verdict == DestinationVerdict::refused ? kDone : kNotSent;
    }
    input.m_to = uri.m_address;
    const std::string message = failure_report_message(row, input);
    if (request.m_dry_run) {
        out << "would-send " << line << '\n' << message;
        return kDone;
    }
    const std::string name = "failure!" + row.m_policy_domain + "!" +
                             std::to_string(row.m_received_at) + "!" + uri.m_host + ".eml";
    const auto error = request.m_output_dir.empty()
                           ? send_report_mail({settings.m_sendmail, settings.m_smtp},
                                              settings.m_reporter.m_email, uri.m_address, message)
                           : write_report_file(request.m_output_dir, name, message);
    out << (error.empty() ? "sent " : "failed ") << line
        << (error.empty() ? "" : " (" + error + ")") << '\n';
    return error.empty() ? kDone : kNotSent;
}

}  // namespace

int report_failure_file(const FailureFileRequest& request, const conf::Config& config,
                        const RunSettings& settings, const DestinationChecker& checker,
                        std::ostream& out) {
    const auto raw = read_file(request.m_file);
    if (!raw) {
        std::cerr << "enma-report: cannot read " << request.m_file << std::endl;
        return kUnusable;
    }
    const app::MilterMessage message = app::split_for_milter(*raw);
    const app::CheckOutcome outcome = app::run_check(check_options(request), config, message);
    const auto mode = config.m_dmarc.m_org_domain == conf::DmarcOrgDomain::psl
                          ? dmarc::OrgDomainMode::psl
                          : dmarc::OrgDomainMode::tree_walk;
    const auto row = row_from_verdict({outcome.m_verdict, request.m_ip, request.m_mail_from,
                                       request.m_rcpt, mode, settings.m_now});
    if (!row) {
        out << "none (no DMARC policy record for the author domain)\n";
        return kDone;
    }
    if (!wants_failure_report(*row)) {
        out << "none " << row->m_policy_domain << " (dmarc=" << row->m_dmarc_result
            << ", fo=" << (row->m_fo.empty() ? "0" : row->m_fo) << " asks for no report)\n";
        return kDone;
    }
    FailureRateLimit limit(config.m_report_sender.m_failure_limit, 3600);
    const auto uris = parse_report_uris(row->m_ruf);
    for (const auto& skipped : uris.m_skipped)
        out << "skipped " << row->m_policy_domain << " " << skipped << '\n';
    int status = kDone;
    for (const auto& uri : uris.m_uris) {
        if (!limit.allow(row->m_policy_domain, settings.m_now)) {
            out << "limited " << row->m_policy_domain << " " << uri.m_uri << '\n';
            continue;
        }
        const FailureInput input = failure_input(message, outcome, settings);
        status = std::max(status, deliver(uri, *row, input, request, settings, checker, out));
    }
    return status;
}

}  // namespace enma::report
