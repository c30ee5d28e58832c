// milterload_main.cpp - milterload: an MTA's side of the milter protocol, as a load generator.
//
// Sends the messages of a corpus (corpus.hpp) to a milter filter (or a chain of them:
// filter_chain.hpp) over many reused connections, or slowly over many paced ones
// (paced_run.hpp), and prints, on its last line, one whitespace-separated record that bench/run
// parses:
//   result LABEL messages=N msgs_per_s=X p50_ms=X p90_ms=X p99_ms=X errors=N unexpected=N
//          cpu_ms_per_msg=X|-     (the CPU of every --pid, summed)
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/milterload/corpus.hpp"
#include "bench/milterload/load_run.hpp"
#include "bench/milterload/options.hpp"
#include "bench/milterload/paced_run.hpp"
#include "bench/milterload/process_cpu.hpp"

namespace {

void print_result(const milterload::Options& options, const milterload::LoadResult& result,
                  std::optional<double> cpu_seconds) {
    using milterload::percentile;
    const auto& latencies = result.m_latencies_ms;
    std::printf("filter protocol flags: 0x%06x\n", result.m_protocol);
    char cpu[32] = "-";
    if (cpu_seconds && result.m_messages > 0)
        std::snprintf(cpu, sizeof cpu, "%.3f",
                      *cpu_seconds * 1000.0 / static_cast<double>(result.m_messages));
    std::printf(
        "result %s messages=%llu msgs_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
        "errors=%llu unexpected=%llu cpu_ms_per_msg=%s\n",
        options.m_label.empty() ? "-" : options.m_label.c_str(),
        static_cast<unsigned long long>(result.m_messages),
        static_cast<double>(result.m_messages) / result.m_seconds, percentile(latencies, 0.50),
        percentile(latencies, 0.90), percentile(latencies, 0.99),
        static_cast<unsigned long long>(result.m_errors),
        static_cast<unsigned long long>(result.m_unexpected), cpu);
}

// cpu_of - the CPU seconds of all `pids` together; nullopt when there are none or, unless
// `required`, one cannot be read (a filter that exited during the run).
std::optional<double> cpu_of(const std::vector<int>& pids, bool required = true) {
    if (pids.empty())
        return std::nullopt;
    double sum = 0;
    for (const int pid : pids) {
        const auto seconds = milterload::process_cpu_seconds(pid);
        if (!seconds && required)
            throw std::invalid_argument("cannot read /proc/" + std::to_string(pid) + "/stat");
        if (!seconds)
            return std::nullopt;
        sum += *seconds;
    }
    return sum;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const milterload::Options options = milterload::parse_options(argc, argv);
        const auto corpus = milterload::load_corpus(options.m_corpus);
        const auto cpu_before = cpu_of(options.m_pids);
        const milterload::LoadResult result = options.m_pace_ms > 0
                                                  ? milterload::run_paced(options, corpus)
                                                  : milterload::run_load(options, corpus);
        std::optional<double> cpu;
        if (!options.m_pids.empty())
            if (const auto cpu_after = cpu_of(options.m_pids, false))
                cpu = *cpu_after - *cpu_before;
        print_result(options, result, cpu);
        return result.m_errors == 0 ? 0 : 1;
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "milterload: %s\n%s", error.what(), milterload::kUsage);
        return 2;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "milterload: %s\n", error.what());
        return 1;
    }
}
