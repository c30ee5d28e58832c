// spf_check_host_fuzz.cpp - RFC 7208 check_host() over a fuzzed zone and fuzzed faults.
//
// Input: line 1 the client IP, line 2 MAIL FROM, line 3 HELO, line 4 flags ('p' no prefetch,
// 'h' the HELO identity), then the zone and faults (fuzz_zone.hpp).
// Contract checked: the RFC's limits hold (at most 10 DNS-querying terms plus the one that
// tipped the count, at most 2 void lookups plus one). (The reason may echo a HELO or record
// text with controls: the A-R and the JSON log quote it.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "coro/sync_wait.hpp"
#include "tests/fuzz/fuzz_zone.hpp"
#include "verify/spf/spf_check_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace enma;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    spf::SpfInput request;
    const auto ip = resolver::IpAddress::parse(fuzz::take_line(input));
    request.m_ip = ip ? *ip : *resolver::IpAddress::parse("192.0.2.1");
    request.m_mail_from = fuzz::take_line(input);
    request.m_helo = fuzz::take_line(input);
    request.m_receiver = "mx.example.jp";
    request.m_clock = [] { return std::int64_t{1'700'000'000}; };
    const auto flags = fuzz::take_line(input);
    if (flags.find('h') != std::string_view::npos)
        request.m_identity = spf::SpfIdentity::helo;
    spf::SpfLimits limits;
    limits.m_prefetch = flags.find('p') == std::string_view::npos;
    auto& scheduler = fuzz::shared_scheduler(false);
    auto zone = fuzz::make_zone(scheduler, fuzz::split_at_marker(input).first);
    const auto output = coro::sync_wait(scheduler, spf::check_host(*zone, request, limits));
    if (output.m_dns_terms > limits.m_max_dns_terms + 1 ||
        output.m_void_lookups > limits.m_max_void_lookups + 1)
        std::abort();
    return 0;
}
