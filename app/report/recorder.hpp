// recorder.hpp - the daemon's DMARC records, off the milter path, into the report store.
//
// Threads: offer() is called by any milter thread at end of message and never waits on the
// store: it moves the row into a bounded RecordQueue, or drops it (queue full, or stopping),
// counting it (enma_report_dropped_total) and logging a line at most every kDropLogEvery.
// One writer thread owns the store: it opens it (start-up never waits on the store), takes
// batches of up to m_batch_size rows, gathered for up to m_linger after the first row comes
// (so a busy milter costs one wake-up and one transaction per batch, not per message), and
// appends each in one transaction. A store that cannot
// be opened or refuses a batch is closed and tried again after a back-off doubling from
// m_retry_first to m_retry_max; the batch in hand is kept (but dropped after kMaxAttempts
// refusals by a store that opens), and while the store is down the queue fills and further
// rows are dropped (mail never waits).
// stop() (SIGTERM, after the milter drained) closes the queue; the writer writes what is
// queued, retrying a store that is down until the stop deadline, then drops the rest (counted
// and logged). A row's node and sequence number are set here: the sequence starts at the
// recorder's start time in microseconds and counts up, so it increases across restarts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/common/metrics.hpp"
#include "app/report/record_queue.hpp"
#include "app/report/report_store.hpp"
#include "conf/config.hpp"

namespace enma::report {

struct RecorderOptions {
    std::string m_store;  // report.store: open_store()'s spec
    std::string m_node;   // report.node (the host name when empty in the config)
    std::size_t m_queue_size = 10000;
    std::size_t m_batch_size = 500;
    std::chrono::milliseconds m_linger{200};  // how long a batch may gather rows
    std::chrono::milliseconds m_retry_first{500};
    std::chrono::milliseconds m_retry_max{15000};
};

// recorder_options - report.* of `config` (report.node empty: `host_name`).
RecorderOptions recorder_options(const conf::Config& config, const std::string& host_name);

// StoreOpener - how the writer opens the store (open_store(m_store) unless given).
using StoreOpener = std::function<std::unique_ptr<ReportStore>()>;

class Recorder {
public:
    static constexpr std::chrono::seconds kDropLogEvery{10};
    // kMaxAttempts - appends of one batch the store may refuse (while it can be opened)
    // before the batch is dropped: a row it will never take must not stop the recording.
    static constexpr int kMaxAttempts = 5;

    // Recorder - starts the writer thread. `metrics` may be null (metrics.listen off).
    Recorder(RecorderOptions options, std::shared_ptr<app::Metrics> metrics, StoreOpener open = {});
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // offer - `row` queued with this node and the next sequence number; false if dropped.
    bool offer(MessageRow row);
    // stop - no more rows; what is queued is written if the store takes it before `timeout`,
    // the rest dropped. Joins the writer; later calls do nothing.
    void stop(std::chrono::milliseconds timeout);

    struct Counts {
        std::uint64_t m_written = 0;
        std::uint64_t m_dropped = 0;
    };
    Counts counts() const;

private:
    void run();
    bool ensure_store();
    bool write(std::vector<MessageRow>& batch);
    bool wait_retry();
    void written(std::size_t count);
    void store_failed(const std::string& error);
    void lost(std::size_t count, std::string_view reason);
    void note_dropped(std::uint64_t count, std::string_view reason);

    const RecorderOptions m_options;
    const std::shared_ptr<app::Metrics> m_metrics;
    const StoreOpener m_open;
    const std::int64_t m_seq_base;
    std::atomic<std::int64_t> m_next_seq{0};
    RecordQueue m_queue;
    std::atomic<std::uint64_t> m_written{0};
    std::atomic<std::uint64_t> m_lost{0};  // dropped by the writer (stopped with the store down)
    std::atomic<std::int64_t> m_last_drop_log{0};  // steady clock, ns; 0 never
    // The writer's state; m_mutex guards the stop request.
    std::unique_ptr<ReportStore> m_store;
    bool m_failing = false;
    std::chrono::milliseconds m_backoff;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::chrono::steady_clock::time_point m_deadline{};
    std::thread m_writer;  // last: starts when everything above exists
};

}  // namespace enma::report
