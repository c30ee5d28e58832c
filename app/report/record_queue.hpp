// record_queue.hpp - the bounded queue between the milter threads and the recorder's writer.
//
// push() never waits: a full (or closed) queue refuses the row and counts it, so a slow or
// dead store costs records, never the milter's time. pop_batch() is the writer's side: it
// waits for rows (or close()), then lets up to `linger` pass for a batch of `max` to gather,
// and takes up to `max` at once, in arrival order. push() wakes the writer only when the
// queue stops being empty or reaches the batch it waits for, so a busy queue costs one wake-up
// and one store transaction per batch, not per row. close() wakes the writer at once; rows
// already queued can still be popped. Any thread may push; one pops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "app/report/message_row.hpp"

namespace enma::report {

class RecordQueue {
public:
    explicit RecordQueue(std::size_t capacity) : m_capacity(capacity) {}

    // push - queued (true), or refused because the queue is full or closed (false, counted).
    bool push(MessageRow&& row);
    // pop_batch - up to `max` rows; waits until there is one or the queue is closed (then
    // empty when nothing is left), then up to `linger` more for `max` rows (or close()).
    std::vector<MessageRow> pop_batch(
        std::size_t max, std::chrono::milliseconds linger = std::chrono::milliseconds(0));
    // take_all - whatever is queued, without waiting.
    std::vector<MessageRow> take_all();
    void close();

    std::uint64_t refused() const;
    std::size_t size() const;

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<MessageRow> m_rows;
    std::uint64_t m_refused = 0;
    std::size_t m_wake_at = 1;  // the queue size at which push() wakes the writer
    bool m_closed = false;
};

}  // namespace enma::report
