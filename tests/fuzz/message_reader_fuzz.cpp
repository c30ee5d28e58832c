// message_reader_fuzz.cpp - enma-check's message reader (split_for_milter, body_chunks).
//
// Contract checked: names are non-empty and colon-free; values keep their lines apart only
// by "\n" + WSP (as an MTA hands them over); every body line ends in CRLF; the chunks are the
// body, in order, none empty or over the size; read_all returns the stream as it was.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "app/enma-check/message_reader.hpp"

namespace {

void check_headers(const enma::app::MilterMessage& message) {
    for (const auto& header : message.m_headers) {
        if (header.m_name.empty() || header.m_name.find_first_of(":\n") != std::string::npos)
            std::abort();
        const auto& value = header.m_value;
        for (auto at = value.find('\n'); at != std::string::npos; at = value.find('\n', at + 1))
            if (at + 1 >= value.size() || (value[at + 1] != ' ' && value[at + 1] != '\t'))
                std::abort();
    }
}

void check_body(std::string_view body, std::size_t size) {
    for (auto at = body.find('\n'); at != std::string_view::npos; at = body.find('\n', at + 1))
        if (at == 0 || body[at - 1] != '\r')
            std::abort();
    std::string joined;
    for (const auto chunk : enma::app::body_chunks(body, size)) {
        if (chunk.empty() || chunk.size() > size)
            std::abort();
        joined += chunk;
    }
    if (joined != body)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    std::istringstream in{std::string(raw)};
    const auto read = enma::app::read_all(in);
    if (!read || *read != raw)
        std::abort();
    const auto message = enma::app::split_for_milter(raw);
    check_headers(message);
    check_body(message.m_body, 1 + size % 64);
    check_body(message.m_body, enma::app::kMilterChunkSize);
    return 0;
}
