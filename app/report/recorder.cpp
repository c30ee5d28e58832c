// recorder.cpp - the writer thread's loop, its back-off, and the counting of drops.
#include "app/report/recorder.hpp"

#include "app/common/logging.hpp"

namespace enma::report {

namespace {

std::int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t steady_nanos() {
    return std::chrono::steady_clock::now().time_since_epoch().count();
}

}  // namespace

RecorderOptions recorder_options(const conf::Config& config, const std::string& host_name) {
    RecorderOptions options;
    options.m_store = config.m_report.m_store;
    options.m_node = config.m_report.m_node.empty() ? host_name : config.m_report.m_node;
    options.m_queue_size = static_cast<std::size_t>(config.m_report.m_queue_size);
    return options;
}

Recorder::Recorder(RecorderOptions options, std::shared_ptr<app::Metrics> metrics, StoreOpener open)
    : m_options(std::move(options)),
      m_metrics(std::move(metrics)),
      m_open(open ? std::move(open) : [spec = m_options.m_store] { return open_store(spec); }),
      m_seq_base(now_micros()),
      m_queue(m_options.m_queue_size),
      m_backoff(m_options.m_retry_first),
      m_writer([this] { run(); }) {}

Recorder::~Recorder() {
    stop(std::chrono::milliseconds(0));
}

bool Recorder::offer(MessageRow row) {
    row.m_node = m_options.m_node;
    row.m_seq = m_seq_base + m_next_seq.fetch_add(1, std::memory_order_relaxed);
    if (m_queue.push(std::move(row)))
        return true;
    note_dropped(1, "queue full");
    return false;
}

void Recorder::stop(std::chrono::milliseconds timeout) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
        m_deadline = std::chrono::steady_clock::now() + timeout;
    }
    m_wake.notify_all();
    m_queue.close();
    m_writer.join();
}

Recorder::Counts Recorder::counts() const {
    return {m_written.load(), m_queue.refused() + m_lost.load()};
}

void Recorder::run() {
    while (ensure_store()) {
        auto batch = m_queue.pop_batch(m_options.m_batch_size, m_options.m_linger);
        if (batch.empty() || !write(batch))
            break;
    }
    lost(m_queue.take_all().size(), "store unavailable at stop");
    m_store.reset();
}

// ensure_store - an open store, or false when stopping and out of time.
bool Recorder::ensure_store() {
    while (!m_store) {
        try {
            m_store = m_open();
        } catch (const std::exception& e) {
            store_failed(e.what());
            if (!wait_retry())
                return false;
        }
    }
    return true;
}

// write - the batch appended (true, also when the store refused it kMaxAttempts times and it
// was dropped), or dropped when stopping and out of time (false).
bool Recorder::write(std::vector<MessageRow>& batch) {
    int refusals = 0;
    while (ensure_store()) {
        try {
            m_store->append(batch);
            written(batch.size());
            return true;
        } catch (const std::exception& e) {
            m_store.reset();
            store_failed(e.what());
            if (++refusals == kMaxAttempts) {
                lost(batch.size(), "refused by the store");
                return true;
            }
            if (!wait_retry())
                break;
        }
    }
    lost(batch.size(), "store unavailable at stop");
    return false;
}

void Recorder::written(std::size_t count) {
    m_written += count;
    if (m_metrics)
        m_metrics->report_written(count);
    if (m_failing)
        app::emit(spdlog::level::info, app::LogRecord("report.store").add("status", "ok"));
    m_failing = false;
    m_backoff = m_options.m_retry_first;
}

// wait_retry - the back-off pause (cut short by stop()); false once stopping past the deadline.
bool Recorder::wait_retry() {
    std::unique_lock lock(m_mutex);
    const auto delay = m_backoff;
    m_backoff = std::min(m_backoff * 2, m_options.m_retry_max);
    if (!m_stopping)
        m_wake.wait_for(lock, delay, [&] { return m_stopping; });
    else
        m_wake.wait_until(lock, std::min(std::chrono::steady_clock::now() + delay, m_deadline));
    return !m_stopping || std::chrono::steady_clock::now() < m_deadline;
}

void Recorder::store_failed(const std::string& error) {
    m_failing = true;
    app::emit(spdlog::level::err,
              app::LogRecord("report.store")
                  .add("status", "error")
                  .add("error", error)
                  .add("retry_ms", static_cast<std::int64_t>(m_backoff.count())));
}

void Recorder::lost(std::size_t count, std::string_view reason) {
    if (count == 0)
        return;
    m_lost += count;
    m_last_drop_log = 0;  // always logged
    note_dropped(count, reason);
}

// note_dropped - counted always; logged at most every kDropLogEvery (a full queue drops at the
// message rate).
void Recorder::note_dropped(std::uint64_t count, std::string_view reason) {
    if (m_metrics)
        m_metrics->report_dropped(count);
    const auto now = steady_nanos();
    auto last = m_last_drop_log.load();
    const auto every = std::chrono::nanoseconds(kDropLogEvery).count();
    if ((last != 0 && now - last < every) || !m_last_drop_log.compare_exchange_strong(last, now))
        return;
    app::emit(spdlog::level::warn,
              app::LogRecord("report.dropped")
                  .add("reason", reason)
                  .add("count", static_cast<std::int64_t>(count))
                  .add("dropped_total", static_cast<std::int64_t>(counts().m_dropped)));
}

}  // namespace enma::report
