// milter_protocol.cpp - packet building for the milter wire protocol.
#include "bench/milterload/milter_protocol.hpp"

namespace milterload {

Packet::Packet(char code) : m_bytes(4, '\0') {
    m_bytes.push_back(code);
}

Packet& Packet::add_u32(uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        m_bytes.push_back(static_cast<char>((value >> shift) & 0xff));
    return *this;
}

Packet& Packet::add_u16(uint16_t value) {
    m_bytes.push_back(static_cast<char>(value >> 8));
    m_bytes.push_back(static_cast<char>(value & 0xff));
    return *this;
}

Packet& Packet::add_bytes(std::string_view bytes) {
    m_bytes.append(bytes);
    return *this;
}

Packet& Packet::add_string(std::string_view text) {
    m_bytes.append(text);
    m_bytes.push_back('\0');
    return *this;
}

const std::string& Packet::finish() {
    const uint32_t length = static_cast<uint32_t>(m_bytes.size() - 4);
    for (int i = 0; i < 4; ++i)
        m_bytes[i] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
    return m_bytes;
}

uint32_t read_u32(std::string_view bytes, size_t offset) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
    return value;
}

}  // namespace milterload
