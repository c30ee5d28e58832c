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

// Buffers larger than this are released once drained, so an idle connection keeps little: at
// 20,000 slow connections whose last burst was a body chunk, keeping 4 KiB each was 80 MB
// (issue 13, S5-20k). One allocation per burst costs far less than the burst's read.
constexpr size_t kKeptCapacity = 256;

}  // namespace

MilterReadAhead::MilterReadAhead(size_t max_descriptors, ReadFunction real_read)
    : m_slots(max_descriptors), m_marks(max_descriptors), m_real_read(real_read) {}

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
    const std::uint64_t identity = m_adoptions.fetch_add(1, std::memory_order_relaxed) + 1;
    if (fd >= 0 && static_cast<size_t>(fd) < m_marks.size())
        m_marks[static_cast<size_t>(fd)].store(identity * 2, std::memory_order_release);
    replace(fd, fresh.release());
}

void MilterReadAhead::forget(int fd) {
    if (fd >= 0 && static_cast<size_t>(fd) < m_marks.size())
        m_marks[static_cast<size_t>(fd)].store(0, std::memory_order_release);
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
    if (fd < 0 || static_cast<size_t>(fd) >= m_marks.size())
        return 0;
    return m_marks[static_cast<size_t>(fd)].load(std::memory_order_acquire) / 2;
}

void MilterReadAhead::set_parked(int fd, bool parked) {
    if (fd < 0 || static_cast<size_t>(fd) >= m_marks.size())
        return;
    auto& mark = m_marks[static_cast<size_t>(fd)];
    if (parked)
        mark.fetch_or(1, std::memory_order_release);
    else
        mark.fetch_and(~std::uint64_t{1}, std::memory_order_release);
}

bool MilterReadAhead::parked(int fd) const {
    if (fd < 0 || static_cast<size_t>(fd) >= m_marks.size())
        return false;
    return (m_marks[static_cast<size_t>(fd)].load(std::memory_order_acquire) & 1) != 0;
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
