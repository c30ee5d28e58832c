// failure_report_fuzz.cpp - the outside bytes a daemon failure report carries: the message's
// header fields (as the MTA passed them, kept by HeaderCopy), the fo= and ruf= of the sender's
// DMARC record, and enma's Authentication-Results value built from them.
//
// Input: first line fo=, second line ruf=, the rest header fields ("Name:value" lines,
// continuation lines folded into the previous value). Invariants: nothing crashes; every line
// of the report ends in CRLF; no header field (name or value) can start a line that ends a
// MIME part: the boundary appears exactly where the builder writes it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/report/failure_job.hpp"
#include "app/report/failure_report.hpp"

namespace {

using namespace enma;

std::string_view next_line(std::string_view& text) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    return line;
}

void add_fields(std::string_view text, report::HeaderCopy& copy) {
    std::string name, value;
    while (!text.empty()) {
        const auto line = next_line(text);
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !name.empty()) {
            value += "\n" + std::string(line);
            continue;
        }
        if (!name.empty())
            copy.add(name, value);
        const auto colon = line.find(':');
        name = std::string(line.substr(0, colon == std::string_view::npos ? 0 : colon));
        value = colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1));
    }
    if (!name.empty())
        copy.add(name, value);
}

// check_lines - CRLF only; the boundary the message declares starts exactly four lines (three
// parts and the close), whatever the header fields hold.
void check_lines(const std::string& message) {
    for (std::size_t i = message.find('\n'); i != std::string::npos; i = message.find('\n', i + 1))
        if (i == 0 || message[i - 1] != '\r')
            std::abort();
    const auto start = message.find("boundary=\"");
    if (start == std::string::npos)
        std::abort();
    const auto end = message.find('"', start + 10);
    const std::string line = "\r\n--" + message.substr(start + 10, end - start - 10);
    std::size_t boundaries = 0;
    for (std::size_t i = message.find(line); i != std::string::npos; i = message.find(line, i + 1))
        ++boundaries;
    if (boundaries != 4)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    report::MessageRow row;
    row.m_fo = std::string(next_line(text));
    row.m_ruf = std::string(next_line(text));
    row.m_policy_domain = row.m_header_from = "example.com";
    row.m_envelope_from = "example.net";
    row.m_source_ip = "192.0.2.1";
    row.m_dmarc_result = "fail";
    row.m_spf_result = "fail";
    report::HeaderCopy copy;
    add_fields(text, copy);
    auto job = report::failure_job(row, "r.example; dmarc=fail\n\tspf=fail", copy);
    if (!job)
        return 0;
    report::FailureInput input{"r.example",
                               "dmarc@r.example",
                               "ruf@example.com",
                               "enma/fuzz",
                               job->m_authentication_results,
                               job->m_headers,
                               0};
    check_lines(report::failure_report_message(job->m_row, input));
    return 0;
}
