// milter_read_ahead_fuzz.cpp - MilterReadAhead under fuzzed reads, short reads and reuse.
//
// Each input byte pair is an operation on one of eight descriptors (the last four are never
// adopted: at or above the table size): adopt, forget (both start a new connection on that
// number), has_buffered, or a read of a fuzzed size while the "kernel" hands out at most a
// fuzzed number of bytes, or fails with EAGAIN / reports end of stream.
// Contract checked: every connection's bytes reach the caller exactly once, in order, never
// more than asked; a descriptor with buffered bytes is served without a real read (a read of
// zero bytes always goes to the kernel).
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "app/enma/milter_read_ahead.hpp"

namespace {

constexpr int kDescriptors = 8;
constexpr std::size_t kStreamBytes = 3 * enma::app::MilterReadAhead::kChunk;

struct Connection {
    std::size_t m_sent = 0;      // bytes the kernel handed out
    std::size_t m_received = 0;  // bytes the caller got
    std::uint32_t m_generation = 0;
};

Connection g_connections[kDescriptors];
std::size_t g_kernel_limit = 0;  // the most one real read returns (0: EAGAIN)
bool g_eof = false;

std::uint8_t stream_byte(int fd, std::size_t offset) {
    return static_cast<std::uint8_t>(offset * 31 + g_connections[fd].m_generation * 7 + fd);
}

ssize_t fake_read(int fd, void* buffer, size_t size) {
    auto& connection = g_connections[fd];
    if (g_eof || connection.m_sent == kStreamBytes)
        return 0;
    if (g_kernel_limit == 0) {
        errno = EAGAIN;
        return -1;
    }
    const std::size_t count =
        std::min<std::size_t>({size, g_kernel_limit, kStreamBytes - connection.m_sent});
    auto* out = static_cast<std::uint8_t*>(buffer);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = stream_byte(fd, connection.m_sent + i);
    connection.m_sent += count;
    return static_cast<ssize_t>(count);
}

void restart(int fd) {
    g_connections[fd].m_sent = g_connections[fd].m_received = 0;
    ++g_connections[fd].m_generation;
}

void read_some(enma::app::MilterReadAhead& ahead, int fd, std::size_t size) {
    const bool buffered = ahead.has_buffered(fd);
    std::vector<std::uint8_t> buffer(size);
    bool real = false;
    const ssize_t got = ahead.read(fd, buffer.data(), size, real);
    if (buffered && size > 0 && (real || got <= 0))
        std::abort();
    if (got < 0 || static_cast<std::size_t>(got) > size)
        return got < 0 ? void() : std::abort();
    auto& connection = g_connections[fd];
    for (ssize_t i = 0; i < got; ++i)
        if (buffer[static_cast<std::size_t>(i)] != stream_byte(fd, connection.m_received++))
            std::abort();
    if (connection.m_received > connection.m_sent)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    enma::app::MilterReadAhead ahead(kDescriptors / 2, &fake_read);
    for (auto& connection : g_connections)
        connection = Connection{};
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        const int fd = data[i] % kDescriptors;
        const std::size_t arg = data[i + 1];
        switch ((data[i] / kDescriptors) % 4) {
            case 0:
                restart(fd);
                ahead.adopt(fd, arg & 1);
                break;
            case 1:
                ahead.forget(fd);
                restart(fd);
                break;
            case 2:
                g_kernel_limit = arg < 16 ? arg : arg * 97;
                g_eof = arg == 255;
                break;
            default:
                read_some(ahead, fd, arg < 200 ? arg : (arg - 199) * 1024);
                break;
        }
    }
    return 0;
}
