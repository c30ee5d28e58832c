// report_uri_fuzz.cpp - the outside bytes enma-report handles: a rua= / ruf= list from DNS,
// the TXT of an external destination check, and a header value being redacted.
//
// Invariants checked: nothing crashes; every accepted address is local@domain with no byte
// that could end a header line, start a new one or reach a shell (CR, LF, NUL, blanks, ",",
// "<", ">", "|", "`", "/"); redaction never lengthens a value by more than "redacted" per "@"
// and keeps every line break where it was.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/report/destination_check.hpp"
#include "app/report/failure_report.hpp"
#include "app/report/report_uri.hpp"

namespace {

using namespace enma;

void check_uris(std::string_view text) {
    const auto list = report::parse_report_uris(text);
    for (const auto& uri : list.m_uris) {
        const auto at = uri.m_address.rfind('@');
        if (at == std::string::npos || at == 0 || uri.m_address.substr(at + 1) != uri.m_host)
            std::abort();
        if (uri.m_address.find_first_of(std::string_view("\r\n\0 \t,<>|`/\"", 13)) !=
            std::string::npos)
            std::abort();
    }
}

void check_redaction(std::string_view text) {
    const std::string out = report::redact_addresses(text);
    const auto count = [](std::string_view s, char c) { return std::count(s.begin(), s.end(), c); };
    if (count(out, '\n') != count(text, '\n') ||
        out.size() > text.size() + 8 * static_cast<std::size_t>(count(text, '@')))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_uris(text);
    check_redaction(text);
    (void)report::authorises(text);
    return 0;
}
