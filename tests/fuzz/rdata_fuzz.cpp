// rdata_fuzz.cpp - libFuzzer harness for the RDATA decoder (resolver/rdata.hpp).
//
// Input: one byte choosing the record type, then the RDATA bytes. Every type is also run on
// the same bytes, parse_answer_text on them as a whole message, and parse_wire_name from every
// offset, so no input byte goes untried. The decoder must never read out of bounds, crash or
// throw; results are sanity-checked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "resolver/rdata.hpp"

namespace {

using enma::resolver::RrType;

constexpr RrType kTypes[] = {RrType::a,  RrType::ns,  RrType::cname, RrType::ptr,
                             RrType::mx, RrType::txt, RrType::aaaa,  RrType::spf};

void check_text_size(const std::optional<enma::resolver::RecordData>& data, std::size_t size) {
    if (!data)
        return;
    // Joined TXT strings are never longer than the RDATA that carried them.
    if (const auto* text = std::get_if<std::string>(&*data); text && text->size() > size * 4)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::span<const std::uint8_t> rdata(data + 1, size - 1);
    const RrType chosen = kTypes[data[0] % std::size(kTypes)];
    check_text_size(enma::resolver::parse_rdata(chosen, rdata), rdata.size());
    for (const auto type : kTypes)
        (void)enma::resolver::parse_rdata(type, rdata);
    // The same bytes as a whole DNS message (libunbound's answer_packet).
    (void)enma::resolver::parse_answer_text(RrType::txt, rdata);
    for (std::size_t offset = 0; offset < rdata.size(); ++offset) {
        std::size_t position = offset;
        const auto name = enma::resolver::parse_wire_name(rdata, position);
        if (name ? position <= offset || position > rdata.size() : position != offset)
            std::abort();
    }
    return 0;
}
