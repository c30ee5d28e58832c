// milter_read_ahead.cpp - user-space read-ahead on libmilter's MTA connections.
#include "app/enma/milter_read_ahead.hpp"

#include <algorithm>
#include <cstring>

namespace enma::app {
namespace {

// scratch - the landing buffer of the small reads of this thread. Allocated on first use and
// never zeroed, so a thread that reads 200 bytes at a time keeps one page resident, not 16 KiB.
char* scratch() {
    thread_local std::unique_ptr<char[]> buffer;
    if (!buffer)
        buffer.reset(new char[MilterReadAhead::kChunk]);
    return buffer.get();
}

// Buffers larger than this are released once drained, so an idle connection keeps little.
constexpr size_t kKeptCapacity = 4096;

}  // namespace

MilterReadAhead::MilterReadAhead(size_t max_descriptors, ReadFunction real_read)
    : m_slots(max_descriptors), m_real_read(real_read) {}

MilterReadAhead::~MilterReadAhead() {
    for (auto& slot : m_slots)
        delete slot.load(std::memory_order_acquire);
}

MilterReadAhead::Slot* MilterReadAhead::slot(int fd) const {
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size())
        return nullptr;
    return m_slots[static_cast<size_t>(fd)].load(std::memory_order_acquire);
}

// replace - put `fresh` (may be null) in fd's slot and free what was there.
void MilterReadAhead::replace(int fd, Slot* fresh) {
    if (fd < 0 || static_cast<size_t>(fd) >= m_slots.size()) {
        delete fresh;
        return;
    }
    Slot* old = m_slots[static_cast<size_t>(fd)].exchange(fresh, std::memory_order_acq_rel);
    if (fresh != nullptr && old == nullptr)
        m_open.fetch_add(1, std::memory_order_relaxed);
    else if (fresh == nullptr && old != nullptr)
        m_open.fetch_sub(1, std::memory_order_relaxed);
    delete old;
}

void MilterReadAhead::adopt(int fd, bool tcp) {
    auto fresh = std::make_unique<Slot>();
    fresh->m_tcp = tcp;
    fresh->m_identity = m_adoptions.fetch_add(1, std::memory_order_relaxed) + 1;
    replace(fd, fresh.release());
}

void MilterReadAhead::forget(int fd) {
    replace(fd, nullptr);
}

bool MilterReadAhead::adopted(int fd) const {
    return slot(fd) != nullptr;
}

bool MilterReadAhead::tcp(int fd) const {
    const Slot* found = slot(fd);
    return found != nullptr && found->m_tcp;
}

bool MilterReadAhead::has_buffered(int fd) const {
    const Slot* found = slot(fd);
    return found != nullptr && found->m_offset < found->m_bytes.size();
}

std::uint64_t MilterReadAhead::identity(int fd) const {
    const Slot* found = slot(fd);
    return found != nullptr ? found->m_identity : 0;
}

LingerGate::Session* MilterReadAhead::session(int fd) const {
    Slot* found = slot(fd);
    return found != nullptr ? &found->m_pace : nullptr;
}

void MilterReadAhead::take(Slot& slot, void* buffer, size_t count) {
    std::memcpy(buffer, slot.m_bytes.data() + slot.m_offset, count);
    slot.m_offset += count;
    if (slot.m_offset < slot.m_bytes.size())
        return;
    slot.m_offset = 0;
    if (slot.m_bytes.capacity() > kKeptCapacity)
        std::string().swap(slot.m_bytes);
    else
        slot.m_bytes.clear();
}

ssize_t MilterReadAhead::read(int fd, void* buffer, size_t size, bool& real) {
    real = false;
    Slot* found = slot(fd);
    if (found == nullptr || size == 0) {
        real = true;
        return m_real_read(fd, buffer, size);
    }
    if (found->m_offset < found->m_bytes.size()) {
        const size_t count = std::min(size, found->m_bytes.size() - found->m_offset);
        take(*found, buffer, count);
        return static_cast<ssize_t>(count);
    }
    real = true;
    if (size >= kChunk)
        return m_real_read(fd, buffer, size);
    char* landing = scratch();
    const ssize_t got = m_real_read(fd, landing, kChunk);
    if (got <= 0)
        return got;
    const size_t count = std::min(size, static_cast<size_t>(got));
    std::memcpy(buffer, landing, count);
    if (static_cast<size_t>(got) > count)
        found->m_bytes.assign(landing + count, static_cast<size_t>(got) - count);
    return static_cast<ssize_t>(count);
}

}  // namespace enma::app
