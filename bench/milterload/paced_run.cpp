// paced_run.cpp - the threads of --pace-ms, each driving its share of the connections.
#include "bench/milterload/paced_run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bench/milterload/filter_chain.hpp"
#include "bench/milterload/milter_client.hpp"
#include "bench/milterload/transaction.hpp"

namespace milterload {
namespace {

using Clock = std::chrono::steady_clock;

struct PacedConnection {
    unsigned m_index = 0;
    std::unique_ptr<MilterClient> m_client;
    std::optional<Transaction> m_transaction;
    Clock::time_point m_due;
    Clock::time_point m_started;  // of the message in progress
};

struct PacedShared {
    PacedShared(const Options& options, const std::vector<Message>& corpus)
        : m_options(options), m_corpus(corpus) {}
    const Options& m_options;
    const std::vector<Message>& m_corpus;
    std::atomic<uint64_t> m_next{0};
    std::atomic<unsigned> m_error_lines{0};
    std::mutex m_mutex;
    std::condition_variable m_all_open;
    unsigned m_open_threads = 0;
    Clock::time_point m_start;  // set by the last thread to finish opening
    LoadResult m_result;
};

void report(PacedShared& shared, const std::string& what) {
    if (shared.m_error_lines.fetch_add(1) < 5)
        std::fprintf(stderr, "milterload: %s\n", what.c_str());
}

// wait_for_all - the barrier between opening and pacing; returns the common start.
Clock::time_point wait_for_all(PacedShared& shared, unsigned threads) {
    std::unique_lock lock(shared.m_mutex);
    if (++shared.m_open_threads == threads) {
        shared.m_start = Clock::now();
        shared.m_all_open.notify_all();
        std::printf("paced: every connection opened\n");  // bench/run waits for this line
        std::fflush(stdout);
    }
    shared.m_all_open.wait(lock, [&] { return shared.m_open_threads == threads; });
    return shared.m_start;
}

class PacedThread {
public:
    PacedThread(PacedShared& shared, unsigned first, unsigned stride)
        : m_shared(shared), m_pace(std::chrono::milliseconds(shared.m_options.m_pace_ms)) {
        for (unsigned i = first; i < shared.m_options.m_concurrency; i += stride)
            m_connections.push_back({i, nullptr, std::nullopt, {}, {}});
    }

    void run(unsigned threads) {
        open_all();
        const Clock::time_point start = wait_for_all(m_shared, threads);
        const auto count = m_shared.m_options.m_concurrency;
        for (PacedConnection& connection : m_connections)
            connection.m_due = start + m_pace * connection.m_index / count;
        while (PacedConnection* next = earliest()) {
            std::this_thread::sleep_until(next->m_due);
            advance(*next);
        }
        merge();
    }

private:
    void open_all() {
        const Endpoint endpoint = parse_endpoint(m_shared.m_options.m_filters[0].m_socket);
        for (PacedConnection& connection : m_connections) {
            connection.m_client =
                std::make_unique<MilterClient>(endpoint, m_shared.m_options.m_socket_options);
            try {
                const auto& corpus = m_shared.m_corpus;
                connection.m_client->open(corpus[connection.m_index % corpus.size()].m_envelope);
                if (m_result.m_protocol == 0)
                    m_result.m_protocol = connection.m_client->protocol();
            } catch (const ProtocolError& error) {
                ++m_result.m_errors;
                report(m_shared, "connect: " + error.m_what);
                connection.m_client.reset();
            }
        }
    }

    PacedConnection* earliest() {
        PacedConnection* best = nullptr;
        for (PacedConnection& connection : m_connections)
            if (connection.m_client && (!best || connection.m_due < best->m_due))
                best = &connection;
        return best;
    }

    // advance - the connection's next command: the first of a new message, or the next one.
    void advance(PacedConnection& connection) {
        connection.m_due += m_pace;
        try {
            if (!connection.m_transaction && !begin(connection))
                return;
            if (!connection.m_transaction->step())
                finish(connection);
        } catch (const ProtocolError& error) {
            ++m_result.m_errors;
            report(m_shared,
                   "connection " + std::to_string(connection.m_index) + ": " + error.m_what);
            connection.m_client->close();
            connection.m_client.reset();
        }
    }

    bool begin(PacedConnection& connection) {
        const uint64_t number = m_shared.m_next.fetch_add(1);
        if (number >= m_shared.m_options.m_messages) {
            connection.m_client->close();
            connection.m_client.reset();
            return false;
        }
        const Message& message = m_shared.m_corpus[number % m_shared.m_corpus.size()];
        connection.m_transaction.emplace(
            *connection.m_client, message,
            "P" + std::to_string(connection.m_index) + "N" + std::to_string(number));
        connection.m_started = Clock::now();
        return true;
    }

    void finish(PacedConnection& connection) {
        const MessageOutcome& outcome = connection.m_transaction->outcome();
        if (outcome.m_final == 'a' || outcome.m_final == 'c') {
            ++m_result.m_messages;
            const std::chrono::duration<double, std::milli> took =
                Clock::now() - connection.m_started;
            m_result.m_latencies_ms.push_back(took.count());
            if (!has_all(outcome.m_modifications, m_shared.m_options.m_filters[0].m_expect))
                ++m_result.m_unexpected;
        } else {
            ++m_result.m_errors;
            report(m_shared, std::string("final reply ") + outcome.m_final);
        }
        connection.m_transaction.reset();
    }

    void merge() {
        std::lock_guard lock(m_shared.m_mutex);
        LoadResult& all = m_shared.m_result;
        all.m_messages += m_result.m_messages;
        all.m_errors += m_result.m_errors;
        all.m_unexpected += m_result.m_unexpected;
        all.m_latencies_ms.insert(all.m_latencies_ms.end(), m_result.m_latencies_ms.begin(),
                                  m_result.m_latencies_ms.end());
        if (all.m_protocol == 0)
            all.m_protocol = m_result.m_protocol;
    }

    PacedShared& m_shared;
    std::chrono::milliseconds m_pace;
    std::vector<PacedConnection> m_connections;
    LoadResult m_result;
};

}  // namespace

LoadResult run_paced(const Options& options, const std::vector<Message>& corpus) {
    raise_descriptor_limit();
    PacedShared shared(options, corpus);
    const auto begun = Clock::now();
    const unsigned count = std::min(options.m_pace_threads, options.m_concurrency);
    std::vector<std::unique_ptr<PacedThread>> drivers;
    for (unsigned t = 0; t < count; ++t)
        drivers.push_back(std::make_unique<PacedThread>(shared, t, count));
    std::vector<std::thread> threads;
    for (auto& driver : drivers)
        threads.emplace_back([&driver, count] { driver->run(count); });
    for (std::thread& thread : threads)
        thread.join();
    shared.m_result.m_seconds = std::chrono::duration<double>(Clock::now() - begun).count();
    std::sort(shared.m_result.m_latencies_ms.begin(), shared.m_result.m_latencies_ms.end());
    return std::move(shared.m_result);
}

}  // namespace milterload
