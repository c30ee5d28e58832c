// load_run.cpp - the connection threads of milterload.
#include "bench/milterload/load_run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <pthread.h>
#include <sys/resource.h>

#include "bench/milterload/filter_chain.hpp"

namespace milterload {
namespace {

using Clock = std::chrono::steady_clock;

// Shared - what the connection threads share: the next message number and the results.
struct Shared {
    Shared(const Options& options, const std::vector<Message>& corpus)
        : m_options(options), m_corpus(corpus) {}
    const Options& m_options;
    const std::vector<Message>& m_corpus;
    Clock::time_point m_deadline;
    std::atomic<uint64_t> m_next{0};
    std::mutex m_mutex;
    LoadResult m_result;
    std::atomic<unsigned> m_error_lines{0};
    // --hold: connections open so far (or failed to), and the moment all of them are
    std::mutex m_hold_mutex;
    std::condition_variable m_hold_ready;
    unsigned m_opened = 0;
    unsigned m_threads = 0;  // set once every thread was created
};

// hold - with --hold, count this connection as open and wait for all the others (60 s at
// most: a thread that could not start never arrives).
void hold(Shared& shared) {
    std::unique_lock lock(shared.m_hold_mutex);
    ++shared.m_opened;
    shared.m_hold_ready.notify_all();
    shared.m_hold_ready.wait_for(lock, std::chrono::seconds(60), [&] {
        return shared.m_threads != 0 && shared.m_opened >= shared.m_threads;
    });
}

bool take_message(Shared& shared, uint64_t& number) {
    if (shared.m_options.m_messages == 0)
        return Clock::now() < shared.m_deadline && ((number = shared.m_next.fetch_add(1)), true);
    number = shared.m_next.fetch_add(1);
    return number < shared.m_options.m_messages;
}

void report_error(Shared& shared, const std::string& what) {
    if (shared.m_error_lines.fetch_add(1) < 5)
        std::fprintf(stderr, "milterload: %s\n", what.c_str());
}

void connection_thread(Shared& shared, unsigned index) {
    FilterChain client(shared.m_options.m_filters, shared.m_options.m_socket_options);
    LoadResult mine;
    uint64_t number = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(shared.m_options.m_ramp_ms) * index);
    if (shared.m_options.m_hold) {
        try {
            client.open(shared.m_corpus[index % shared.m_corpus.size()].m_envelope);
            mine.m_protocol = client.protocol();
        } catch (const ProtocolError& error) {
            report_error(shared, "connect: " + error.m_what);
        }
        hold(shared);
    }
    while (take_message(shared, number)) {
        const Message& message = shared.m_corpus[number % shared.m_corpus.size()];
        try {
            if (!client.is_open()) {
                client.open(message.m_envelope);
                if (mine.m_protocol == 0)
                    mine.m_protocol = client.protocol();
                // The SMTP dialogue between CONNECT and MAIL, during which a filter may work.
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(shared.m_options.m_dialogue_ms));
            }
            const auto start = Clock::now();
            const ChainOutcome outcome =
                client.send(message, "Q" + std::to_string(index) + "N" + std::to_string(number));
            const std::chrono::duration<double, std::milli> took = Clock::now() - start;
            if (outcome.m_final != 'a' && outcome.m_final != 'c') {
                ++mine.m_errors;
                report_error(shared, message.m_name + ": final reply " + outcome.m_final);
                continue;
            }
            ++mine.m_messages;
            mine.m_latencies_ms.push_back(took.count());
            if (!outcome.m_expected)
                ++mine.m_unexpected;
            if (shared.m_options.m_reconnect)
                client.close();
        } catch (const ProtocolError& error) {
            ++mine.m_errors;
            report_error(shared, message.m_name + ": " + error.m_what);
            if (!client.is_open())  // could not connect: don't spin against a dead filter
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            client.close();
        }
    }
    client.close();
    std::lock_guard lock(shared.m_mutex);
    LoadResult& all = shared.m_result;
    all.m_messages += mine.m_messages;
    all.m_errors += mine.m_errors;
    all.m_unexpected += mine.m_unexpected;
    all.m_latencies_ms.insert(all.m_latencies_ms.end(), mine.m_latencies_ms.begin(),
                              mine.m_latencies_ms.end());
    if (all.m_protocol == 0)
        all.m_protocol = mine.m_protocol;
}

// ThreadStart - what a connection thread is started with (pthread_create takes one pointer).
struct ThreadStart {
    Shared* m_shared;
    unsigned m_index;
};

void* thread_main(void* argument) {
    const ThreadStart* start = static_cast<ThreadStart*>(argument);
    connection_thread(*start->m_shared, start->m_index);
    return nullptr;
}

// Thousands of connections mean thousands of threads and descriptors: small stacks (the
// threads only hold a few buffers) and the descriptor limit raised to its hard maximum.
constexpr size_t kThreadStack = 256 * 1024;

}  // namespace

void raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

LoadResult run_load(const Options& options, const std::vector<Message>& corpus) {
    Shared shared(options, corpus);
    const auto start = Clock::now();
    shared.m_deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.m_duration));
    raise_descriptor_limit();
    std::vector<ThreadStart> starts;
    for (unsigned i = 0; i < options.m_concurrency; ++i)
        starts.push_back({&shared, i});
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, kThreadStack);
    std::vector<pthread_t> threads;
    for (ThreadStart& entry : starts) {
        pthread_t thread;
        if (pthread_create(&thread, &attributes, thread_main, &entry) != 0) {
            // Running threads already use `shared`: go on with the connections we have.
            std::fprintf(stderr, "milterload: only %zu connection threads could start\n",
                         threads.size());
            break;
        }
        threads.push_back(thread);
    }
    pthread_attr_destroy(&attributes);
    {
        std::lock_guard lock(shared.m_hold_mutex);
        shared.m_threads = static_cast<unsigned>(threads.size());
        shared.m_hold_ready.notify_all();
    }
    for (pthread_t thread : threads)
        pthread_join(thread, nullptr);
    shared.m_result.m_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(shared.m_result.m_latencies_ms.begin(), shared.m_result.m_latencies_ms.end());
    return std::move(shared.m_result);
}

double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty())
        return 0;
    const double rank = std::ceil(fraction * static_cast<double>(sorted.size()));
    const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace milterload
