// record_queue.cpp - a deque under one mutex, held only to move rows in or out: the milter
// side never waits on the writer's I/O.
#include "app/report/record_queue.hpp"

#include <algorithm>

namespace enma::report {

bool RecordQueue::push(MessageRow&& row) {
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed || m_rows.size() >= m_capacity) {
            ++m_refused;
            return false;
        }
        m_rows.push_back(std::move(row));
        wake = m_rows.size() == 1 || m_rows.size() == m_wake_at;
    }
    if (wake)
        m_ready.notify_one();
    return true;
}

std::vector<MessageRow> RecordQueue::pop_batch(std::size_t max, std::chrono::milliseconds linger) {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return m_closed || !m_rows.empty(); });
    if (linger.count() > 0) {
        m_wake_at = max;
        m_ready.wait_for(lock, linger, [&] { return m_closed || m_rows.size() >= max; });
        m_wake_at = 1;
    }
    std::vector<MessageRow> batch;
    batch.reserve(std::min(max, m_rows.size()));
    while (!m_rows.empty() && batch.size() < max) {
        batch.push_back(std::move(m_rows.front()));
        m_rows.pop_front();
    }
    return batch;
}

std::vector<MessageRow> RecordQueue::take_all() {
    std::lock_guard lock(m_mutex);
    std::vector<MessageRow> rows(std::make_move_iterator(m_rows.begin()),
                                 std::make_move_iterator(m_rows.end()));
    m_rows.clear();
    return rows;
}

void RecordQueue::close() {
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_ready.notify_all();
}

std::uint64_t RecordQueue::refused() const {
    std::lock_guard lock(m_mutex);
    return m_refused;
}

std::size_t RecordQueue::size() const {
    std::lock_guard lock(m_mutex);
    return m_rows.size();
}

}  // namespace enma::report
