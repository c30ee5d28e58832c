// zone_parser_fuzz.cpp - parse_zone (ldns, then resolver::parse_rdata) on arbitrary bytes, and
// on bytes folded into the master-file alphabet (so that most inputs reach ldns's RR parser).
//
// Contract checked: either std::invalid_argument or records whose owners are valid names and
// whose TXT/SPF data never exceeds what the strings of one entry could hold; no crash, leak or
// hang inside ldns either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "resolver/resolver.hpp"
#include "tests/support/zone_parser.hpp"

namespace {

// kAlphabet - the characters master files are made of; one byte in, one of these out.
constexpr std::string_view kAlphabet =
    " \t\n\n;()\"\\$@.*_-:0123456789aAbBcCdDeEfFhmswxINTXMPSOYQ#\r";

std::string folded(std::string_view input) {
    std::string out;
    out.reserve(input.size());
    for (char c : input)
        out += kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
    return out;
}

void check(std::string_view text, std::string_view origin) {
    try {
        const auto records = enma::resolver::parse_zone(text, origin);
        for (const auto& record : records) {
            if (!enma::resolver::is_valid_query_name(record.m_owner))
                std::abort();
            const bool text_type = record.m_type == enma::resolver::RrType::txt ||
                                   record.m_type == enma::resolver::RrType::spf;
            const auto* data = record.m_data ? std::get_if<std::string>(&*record.m_data) : nullptr;
            if (text_type && record.m_data && (!data || data->size() > text.size()))
                std::abort();
        }
    } catch (const std::invalid_argument&) {
        // A syntax error is the parser's documented answer to bad text.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    // The first byte chooses the mode, so one corpus serves both.
    if (data[0] & 1)
        check(folded(input), "example.com.");
    else
        check(input, (data[0] & 2) ? "" : "example.com");
    return 0;
}
