// message_session_fuzz.cpp - one whole message through MessageSession over a fuzzed zone.
//
// Input: line 1 the client IP, line 2 MAIL FROM, line 3 flags ('a' ADSP, 'h' hardfail,
// 'p' no SPF prefetch, 'u' authenticated client, digits: the body chunk size), then the zone
// and faults (fuzz_zone.hpp) up to "%%", then the raw message as enma-check reads it.
// Contract checked: the verdict's header value starts with our authserv-id, carries no CR and
// folds only as "\n\t"; forged indices are distinct, highest first, among the A-R fields seen.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "app/enma-check/message_reader.hpp"
#include "tests/fuzz/fuzz_zone.hpp"
#include "verify/authres/authserv_id.hpp"
#include "verify/message/header_field.hpp"
#include "verify/pipeline/message_session.hpp"

namespace {

using enma::pipeline::AuthSettings;

constexpr std::string_view kAuthservId = "mx.example.jp";

struct Setup {
    enma::pipeline::ConnectionInfo m_connection;
    std::string m_mail_from;
    AuthSettings m_settings;
    std::size_t m_chunk = enma::app::kMilterChunkSize;
};

Setup read_setup(std::string_view& input) {
    Setup setup;
    const auto ip = enma::resolver::IpAddress::parse(enma::fuzz::take_line(input));
    setup.m_connection.m_ip = ip ? *ip : *enma::resolver::IpAddress::parse("192.0.2.1");
    setup.m_connection.m_hostname = "client.example";
    setup.m_connection.m_helo = "helo.example";
    setup.m_mail_from = enma::fuzz::take_line(input);
    const auto flags = enma::fuzz::take_line(input);
    setup.m_settings.m_authserv_id = kAuthservId;
    setup.m_settings.m_receiver = kAuthservId;
    setup.m_settings.m_adsp = flags.find('a') != std::string_view::npos;
    setup.m_settings.m_spf_hardfail = flags.find('h') != std::string_view::npos;
    setup.m_settings.m_spf_prefetch = flags.find('p') == std::string_view::npos;
    setup.m_connection.m_authenticated = flags.find('u') != std::string_view::npos;
    const auto digits = flags.find_first_of("0123456789");
    if (digits != std::string_view::npos)
        setup.m_chunk = 1 + std::strtoul(std::string(flags.substr(digits)).c_str(), nullptr, 10) %
                                enma::app::kMilterChunkSize;
    return setup;
}

void check(const enma::pipeline::Verdict& verdict, int ar_fields) {
    const auto& value = verdict.m_header_value;
    if (value.find('\r') != std::string::npos || value.find('\0') != std::string::npos)
        std::abort();
    for (auto at = value.find('\n'); at != std::string::npos; at = value.find('\n', at + 1))
        if (at + 1 >= value.size() || value[at + 1] != '\t')
            std::abort();
    const auto id = enma::verify::parse_authserv_id(value);
    if (!id || *id != kAuthservId)
        std::abort();
    int previous = ar_fields + 1;
    for (const int index : verdict.m_forged_indices) {
        if (index < 1 || index >= previous)
            std::abort();
        previous = index;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto setup = read_setup(input);
    const auto [zone_text, raw] = enma::fuzz::split_at_marker(input);
    auto& scheduler = enma::fuzz::shared_scheduler(true);
    auto zone = enma::fuzz::make_zone(scheduler, zone_text);
    const auto message = enma::app::split_for_milter(raw);
    enma::pipeline::MessageSession session(scheduler, zone,
                                           std::make_shared<const AuthSettings>(setup.m_settings),
                                           setup.m_connection);
    session.mail_from(setup.m_mail_from);
    int ar_fields = 0;
    for (const auto& header : message.m_headers) {
        ar_fields += enma::message::iequals(header.m_name, "Authentication-Results");
        session.header(header.m_name, header.m_value);
    }
    session.end_of_headers();
    for (const auto chunk : enma::app::body_chunks(message.m_body, setup.m_chunk))
        session.body(chunk);
    check(session.end_of_message(), ar_fields);
    return 0;
}
