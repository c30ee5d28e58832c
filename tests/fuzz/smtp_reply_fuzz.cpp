// smtp_reply_fuzz.cpp - the bytes an SMTP relay sends (report.smtp), read as the client reads
// them: reply after reply from one stream.
//
// Invariants checked: nothing crashes; a complete reply consumed at least one line and no
// more than the input, ends at a line end, has a code 200..559, 1..kMaxReplyLines lines of
// text without controls (TAB aside) or octets above 0x7e, and a bounded summary; the same
// reply parses from exactly its own bytes, and one octet fewer is incomplete (a reader that
// appends bytes and parses again gets the same answer whatever the chunking); input left
// incomplete holds no line over the bound, so the reader's buffer stays bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/report/smtp_reply.hpp"

namespace {

using namespace enma::report;

void check_reply(std::string_view input, const ReplyParse& parse) {
    const auto& reply = parse.m_reply;
    if (parse.m_consumed == 0 || parse.m_consumed > input.size() ||
        input[parse.m_consumed - 1] != '\n')
        std::abort();
    if (reply.m_code < 200 || reply.m_code > 559 || reply.m_lines.empty() ||
        reply.m_lines.size() > kMaxReplyLines || reply.summary().size() > SmtpReply::kMaxSummary)
        std::abort();
    for (const auto& line : reply.m_lines) {
        const bool bad = std::any_of(line.begin(), line.end(), [](char c) {
            const auto octet = static_cast<unsigned char>(c);
            return (octet < 0x20 && c != '\t') || octet > 0x7e;
        });
        if (bad || line.size() >= kMaxReplyLine)
            std::abort();
    }
    const auto own = parse_smtp_reply(input.substr(0, parse.m_consumed));
    if (own.m_status != ReplyStatus::complete || own.m_consumed != parse.m_consumed ||
        own.m_reply.m_lines != reply.m_lines)
        std::abort();
    if (parse_smtp_reply(input.substr(0, parse.m_consumed - 1)).m_status != ReplyStatus::incomplete)
        std::abort();
}

void check_incomplete(std::string_view input) {
    const auto last = input.rfind('\n');
    const auto tail = last == std::string_view::npos ? input.size() : input.size() - last - 1;
    if (tail > kMaxReplyLine)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (;;) {
        const auto parse = parse_smtp_reply(input);
        if (parse.m_status == ReplyStatus::malformed) {
            if (parse.m_error.empty())
                std::abort();
            return 0;
        }
        if (parse.m_status == ReplyStatus::incomplete) {
            check_incomplete(input);
            return 0;
        }
        check_reply(input, parse);
        input.remove_prefix(parse.m_consumed);
    }
}
