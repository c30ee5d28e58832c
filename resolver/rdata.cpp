// rdata.cpp - bounds-checked RDATA decoding for the record types enma asks for.
#include "resolver/rdata.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_set>

namespace enma::resolver {

namespace {

constexpr std::size_t kMaxWireName = 255;  // RFC 1035 section 2.3.4, with the root label

// append_label_octet - presentation form of one label octet.
void append_label_octet(std::string& out, std::uint8_t octet) {
    if (octet == '.' || octet == '\\') {
        out += '\\';
        out += static_cast<char>(octet);
    } else if (octet < 0x21 || octet > 0x7e) {
        out += '\\';
        out += static_cast<char>('0' + octet / 100);
        out += static_cast<char>('0' + octet / 10 % 10);
        out += static_cast<char>('0' + octet % 10);
    } else {
        out += static_cast<char>(octet);
    }
}

template <std::size_t N>
std::optional<RecordData> parse_address(std::span<const std::uint8_t> rdata) {
    if (rdata.size() != N)
        return std::nullopt;
    std::array<std::uint8_t, N> bytes{};
    std::copy(rdata.begin(), rdata.end(), bytes.begin());
    if constexpr (N == 4)
        return RecordData{IpAddress::v4(bytes)};
    else
        return RecordData{IpAddress::v6(bytes)};
}

// parse_name_rdata - NS, CNAME, PTR: exactly one name and nothing after it.
std::optional<RecordData> parse_name_rdata(std::span<const std::uint8_t> rdata) {
    std::size_t offset = 0;
    auto name = parse_wire_name(rdata, offset);
    if (!name || offset != rdata.size())
        return std::nullopt;
    return RecordData{std::move(*name)};
}

std::optional<RecordData> parse_mx(std::span<const std::uint8_t> rdata) {
    if (rdata.size() < 3)
        return std::nullopt;
    MxRecord mx;
    mx.m_preference = static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]);
    std::size_t offset = 2;
    auto name = parse_wire_name(rdata, offset);
    if (!name || offset != rdata.size())
        return std::nullopt;
    mx.m_exchange = std::move(*name);
    return RecordData{std::move(mx)};
}

// parse_text - TXT/SPF: one or more <length><octets> strings filling the RDATA exactly.
std::optional<RecordData> parse_text(std::span<const std::uint8_t> rdata) {
    if (rdata.empty())
        return std::nullopt;
    std::string joined;
    joined.reserve(rdata.size());
    std::size_t offset = 0;
    while (offset < rdata.size()) {
        const std::size_t length = rdata[offset++];
        if (length > rdata.size() - offset)
            return std::nullopt;
        joined.append(reinterpret_cast<const char*>(rdata.data() + offset), length);
        offset += length;
    }
    return RecordData{std::move(joined)};
}

// skip_name - past a possibly compressed name in a message; false if it runs off the end.
bool skip_name(std::span<const std::uint8_t> message, std::size_t& offset) {
    while (offset < message.size()) {
        const std::uint8_t length = message[offset];
        if ((length & 0xC0) == 0xC0) {
            offset += 2;
            return offset <= message.size();
        }
        offset += 1 + length;
        if (length == 0)
            return true;
    }
    return false;
}

std::uint16_t read_u16(std::span<const std::uint8_t> message, std::size_t offset) {
    return static_cast<std::uint16_t>(message[offset] << 8 | message[offset + 1]);
}

}  // namespace

std::optional<std::vector<RecordData>> parse_answer_text(RrType type,
                                                         std::span<const std::uint8_t> message) {
    constexpr std::size_t kHeader = 12;
    constexpr std::size_t kFixed = 10;  // TYPE, CLASS, TTL, RDLENGTH
    if (message.size() < kHeader || (message[3] & 0x0F) != 0)
        return std::nullopt;
    std::size_t offset = kHeader;
    for (auto questions = read_u16(message, 4); questions > 0; --questions)
        if (!skip_name(message, offset) || (offset += 4) > message.size())
            return std::nullopt;
    std::vector<RecordData> records;
    std::unordered_set<std::string_view> seen;  // RFC 2181 section 5: an RRset has no repeats
    for (auto answers = read_u16(message, 6); answers > 0; --answers) {
        if (!skip_name(message, offset) || offset + kFixed > message.size())
            return std::nullopt;
        const auto rr_type = read_u16(message, offset);
        const std::size_t length = read_u16(message, offset + 8);
        offset += kFixed;
        if (length > message.size() - offset)
            return std::nullopt;
        const auto rdata = message.subspan(offset, length);
        const std::string_view raw(reinterpret_cast<const char*>(rdata.data()), length);
        if (rr_type == static_cast<std::uint16_t>(type) && length > 0 && seen.insert(raw).second)
            if (auto record = parse_rdata(type, rdata))
                records.push_back(std::move(*record));
        offset += length;
    }
    return records;
}

std::optional<std::string> parse_wire_name(std::span<const std::uint8_t> data,
                                           std::size_t& offset) {
    std::string name;
    std::size_t position = offset;
    std::size_t wire_length = 0;
    while (true) {
        if (position >= data.size())
            return std::nullopt;
        const std::size_t length = data[position++];
        // 0xC0 is a compression pointer, 0x40 and 0x80 are obsolete or reserved label types.
        if (length > 63)
            return std::nullopt;
        wire_length += length + 1;
        if (wire_length > kMaxWireName)
            return std::nullopt;
        if (length == 0)
            break;
        if (length > data.size() - position)
            return std::nullopt;
        if (!name.empty())
            name += '.';
        for (std::size_t i = 0; i < length; ++i)
            append_label_octet(name, data[position + i]);
        position += length;
    }
    offset = position;
    return name;
}

std::optional<RecordData> parse_rdata(RrType type, std::span<const std::uint8_t> rdata) {
    switch (type) {
        case RrType::a:
            return parse_address<4>(rdata);
        case RrType::aaaa:
            return parse_address<16>(rdata);
        case RrType::ns:
        case RrType::cname:
        case RrType::ptr:
            return parse_name_rdata(rdata);
        case RrType::mx:
            return parse_mx(rdata);
        case RrType::txt:
        case RrType::spf:
            return parse_text(rdata);
    }
    return std::nullopt;
}

}  // namespace enma::resolver
