// report_recorder_test.cpp - the bounded queue and the recorder's writer: a full queue drops
// and counts, a store that is down is retried and loses nothing it can still write, and what
// is left when stopping with the store down is counted as dropped.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/report/recorder.hpp"
#include "app/report/sqlite_store.hpp"
#include "report_store_fixture.hpp"

using namespace enma::report;
using enma::report::testing::TempDir;
using std::chrono::milliseconds;

namespace {

MessageRow row(std::int64_t time) {
    return testing::sample_row("", 0, time, "queue.example", 1);
}

RecorderOptions options(std::size_t queue_size) {
    RecorderOptions options;
    options.m_node = "node-a";
    options.m_queue_size = queue_size;
    options.m_retry_first = milliseconds(1);
    options.m_retry_max = milliseconds(4);
    return options;
}

std::vector<MessageRow> stored(const std::string& path) {
    SqliteStore store(path);
    std::vector<MessageRow> rows;
    store.for_each_message("queue.example", 0, 1'000'000,
                           [&](const MessageRow& r) { rows.push_back(r); });
    return rows;
}

// Gate - holds the writer inside the store opener until opened.
struct Gate {
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_open = false;
    void wait() {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_open; });
    }
    void open() {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_cv.notify_all();
    }
};

// FlakyStore - a SqliteStore whose appends fail while `failures` lasts.
class FlakyStore final : public ReportStore {
public:
    FlakyStore(const std::string& path, int& failures) : m_store(path), m_failures(failures) {}
    void append(std::span<const MessageRow> rows) override {
        if (m_failures > 0) {
            --m_failures;
            throw StoreError("sqlite: disk I/O error");
        }
        m_store.append(rows);
    }
    std::vector<std::string> policy_domains(std::int64_t b, std::int64_t e) override {
        return m_store.policy_domains(b, e);
    }
    void for_each_message(std::string_view d, std::int64_t b, std::int64_t e,
                          const std::function<void(const MessageRow&)>& v) override {
        m_store.for_each_message(d, b, e, v);
    }
    bool was_sent(std::string_view d, std::int64_t b, std::string_view t) override {
        return m_store.was_sent(d, b, t);
    }
    void mark_sent(const SentRow& r) override { m_store.mark_sent(r); }
    std::int64_t purge_before(std::int64_t t) override { return m_store.purge_before(t); }

private:
    SqliteStore m_store;
    int& m_failures;
};

}  // namespace

TEST_CASE("a full queue refuses and counts; rows come out in order, in batches") {
    RecordQueue queue(3);
    for (int i = 0; i < 3; ++i)
        CHECK(queue.push(row(i)));
    CHECK_FALSE(queue.push(row(3)));
    CHECK_FALSE(queue.push(row(4)));
    CHECK(queue.refused() == 2);
    CHECK(queue.size() == 3);
    const auto first = queue.pop_batch(2);
    REQUIRE(first.size() == 2);
    CHECK(first[0].m_received_at == 0);
    CHECK(first[1].m_received_at == 1);
    queue.close();
    CHECK_FALSE(queue.push(row(5)));  // closed: refused too
    CHECK(queue.refused() == 3);
    CHECK(queue.pop_batch(2).size() == 1);
    CHECK(queue.pop_batch(2).empty());  // closed and empty: no waiting
}

TEST_CASE("a batch gathers rows for the linger, and a full batch or close() ends it early") {
    RecordQueue queue(100);
    CHECK(queue.push(row(0)));
    CHECK(queue.pop_batch(10, milliseconds(1)).size() == 1);  // the linger passed: what is there
    CHECK(queue.push(row(1)));
    // A full batch wakes the writer long before its linger (an hour) is over.
    std::thread filler([&] {
        for (int i = 2; i < 4; ++i)
            queue.push(row(i));
    });
    const auto full = queue.pop_batch(3, std::chrono::hours(1));
    filler.join();
    REQUIRE(full.size() == 3);
    CHECK(full[0].m_received_at == 1);
    CHECK(full[2].m_received_at == 3);
    CHECK(queue.push(row(4)));
    std::thread closer([&] { queue.close(); });
    const auto last = queue.pop_batch(3, std::chrono::hours(1));
    closer.join();
    CHECK(last.size() == 1);
    CHECK(queue.pop_batch(3, std::chrono::hours(1)).empty());
}

TEST_CASE("while the writer cannot reach the store, the queue fills and further rows drop") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    Gate gate;
    Recorder recorder(options(4), nullptr, [&] {
        gate.wait();
        return std::make_unique<SqliteStore>(path);
    });
    std::vector<bool> accepted;
    for (int i = 0; i < 6; ++i)
        accepted.push_back(recorder.offer(row(100 + i)));
    CHECK(accepted == std::vector<bool>{true, true, true, true, false, false});
    CHECK(recorder.counts().m_dropped == 2);
    gate.open();
    recorder.stop(milliseconds(10000));
    CHECK(recorder.counts().m_written == 4);
    CHECK(recorder.counts().m_dropped == 2);
    const auto rows = stored(path);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].m_node == "node-a");
    CHECK(rows[0].m_received_at == 100);
    CHECK(rows[3].m_received_at == 103);
    CHECK(rows[0].m_seq < rows[1].m_seq);
    CHECK(rows[1].m_seq + 1 == rows[2].m_seq);
}

TEST_CASE("a store that cannot be opened is retried until it can, and nothing is lost") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    int attempts = 0;
    Recorder recorder(options(100), nullptr, [&]() -> std::unique_ptr<ReportStore> {
        if (++attempts <= 3)
            throw StoreError("sqlite: cannot open " + path + ": unable to open database file");
        return std::make_unique<SqliteStore>(path);
    });
    for (int i = 0; i < 3; ++i)
        CHECK(recorder.offer(row(i)));
    recorder.stop(milliseconds(10000));
    CHECK(attempts == 4);
    CHECK(recorder.counts().m_written == 3);
    CHECK(recorder.counts().m_dropped == 0);
    CHECK(stored(path).size() == 3);
}

TEST_CASE("a batch the store refuses is kept and written once the store takes it") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    int failures = 2;
    int opened = 0;
    Recorder recorder(options(100), nullptr, [&] {
        ++opened;
        return std::make_unique<FlakyStore>(path, failures);
    });
    for (int i = 0; i < 5; ++i)
        CHECK(recorder.offer(row(i)));
    recorder.stop(milliseconds(10000));
    CHECK(failures == 0);
    CHECK(opened >= 3);  // closed after each failure and opened again
    CHECK(recorder.counts().m_written == 5);
    CHECK(stored(path).size() == 5);
}

TEST_CASE("stopping with the store down drops what is queued, counted") {
    int attempts = 0;
    Recorder recorder(options(100), nullptr, [&]() -> std::unique_ptr<ReportStore> {
        ++attempts;
        throw StoreError("postgresql: cannot connect: connection refused");
    });
    CHECK(recorder.offer(row(1)));
    CHECK(recorder.offer(row(2)));
    recorder.stop(milliseconds(20));
    CHECK(attempts >= 1);
    CHECK(recorder.counts().m_written == 0);
    CHECK(recorder.counts().m_dropped == 2);
    CHECK_FALSE(recorder.offer(row(3)));  // stopped: refused and counted
    CHECK(recorder.counts().m_dropped == 3);
}

TEST_CASE("report.* become the recorder's options; the node defaults to the host name") {
    enma::conf::Config config;
    config.m_report.m_store = "sqlite:/var/lib/enma/dmarc.db";
    config.m_report.m_queue_size = 77;
    auto from = recorder_options(config, "mx7.example");
    CHECK(from.m_store == "sqlite:/var/lib/enma/dmarc.db");
    CHECK(from.m_queue_size == 77);
    CHECK(from.m_node == "mx7.example");
    config.m_report.m_node = "edge-1";
    CHECK(recorder_options(config, "mx7.example").m_node == "edge-1");
}

TEST_CASE("a batch the store keeps refusing is dropped, and recording goes on") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    int failures = Recorder::kMaxAttempts;
    Gate gate;
    Recorder recorder(options(100), nullptr, [&] {
        gate.wait();  // every row is queued before the first batch is taken
        return std::make_unique<FlakyStore>(path, failures);
    });
    for (int i = 0; i < 4; ++i)
        CHECK(recorder.offer(row(i)));
    gate.open();
    CHECK(recorder.offer(row(10)));  // queued behind the doomed batch, or in it
    recorder.stop(milliseconds(10000));
    const auto counts = recorder.counts();
    CHECK(counts.m_written + counts.m_dropped == 5);
    CHECK(counts.m_dropped >= 4);
    CHECK(stored(path).size() == counts.m_written);
}
