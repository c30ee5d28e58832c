// fuzz_zone.hpp - a ZoneResolver whose records and faults come from fuzz input.
//
// Input layout shared by the harnesses that resolve (message_session, spf_check_host):
//   lines starting with '!' are faults: "!servfail NAME", "!noanswer NAME", "!bogus NAME",
//   "!secure NAME", "!delay NAME MS"; every other line up to "%%" (or the end) is zone text.
// A zone that does not parse is loaded line by line, keeping the lines that do, so most
// inputs still reach the verifiers with some records.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"

namespace enma::fuzz {

// take_line - the text up to the next '\n' (removed from `input` with it).
inline std::string_view take_line(std::string_view& input) {
    const auto end = input.find('\n');
    const auto line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    return line;
}

// split_at_marker - the text before the first "\n%%\n" and the text after it.
inline std::pair<std::string_view, std::string_view> split_at_marker(std::string_view input) {
    const auto at = input.find("\n%%\n");
    if (at == std::string_view::npos)
        return {input, {}};
    return {input.substr(0, at + 1), input.substr(at + 4)};
}

inline void apply_fault(resolver::ZoneResolver& zone, std::string_view line) {
    using namespace std::chrono_literals;
    const auto space = line.find(' ');
    const auto verb = line.substr(1, space == std::string_view::npos ? 0 : space - 1);
    auto name = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    try {
        if (verb == "servfail")
            zone.set_servfail(name);
        else if (verb == "noanswer")
            zone.set_no_answer(name);
        else if (verb == "bogus")
            zone.set_security(name, resolver::Security::bogus);
        else if (verb == "secure")
            zone.set_security(name, resolver::Security::secure);
        else if (verb == "delay") {
            const auto last = name.rfind(' ');
            const auto ms = last == std::string_view::npos ? 0 : std::atoi(name.data() + last + 1);
            zone.set_delay(name.substr(0, last), std::chrono::milliseconds(ms % 60'000));
        }
    } catch (const std::exception&) {
        // a fault on an invalid name is a harness set-up error, not a product finding
    }
}

inline void load_lenient(resolver::ZoneResolver& zone, const std::string& text) {
    try {
        zone.load(text);
        return;
    } catch (const std::exception&) {
    }
    std::string_view rest = text;
    while (!rest.empty()) {
        try {
            zone.load(take_line(rest));
        } catch (const std::exception&) {
        }
    }
}

// make_zone - a resolver over `text` (the zone part of the input) on `scheduler`.
inline std::shared_ptr<resolver::ZoneResolver> make_zone(coro::Scheduler& scheduler,
                                                         std::string_view text) {
    auto zone = std::make_shared<resolver::ZoneResolver>(scheduler);
    zone->set_query_timeout(std::chrono::seconds(5));
    std::string records;
    while (!text.empty()) {
        const auto line = take_line(text);
        if (!line.empty() && line.front() == '!')
            apply_fault(*zone, line);
        else
            records.append(line).push_back('\n');
    }
    load_lenient(*zone, records);
    return zone;
}

// shared_scheduler - one virtual-time loop for the whole fuzzing process (a thread per input
// would dominate the run time). With `awaited_only` the clock jumps only while a caller waits
// in TaskGroup::wait (the MessageSession contract); without, whenever the loop is idle (for
// sync_wait callers).
inline coro::Scheduler& shared_scheduler(bool awaited_only) {
    auto make = [](bool awaited) {
        auto* s = new coro::Scheduler(coro::Scheduler::Options{true, awaited});
        s->start();
        return s;
    };
    if (awaited_only) {
        static auto* awaited = make(true);
        return *awaited;
    }
    static auto* idle = make(false);
    return *idle;
}

}  // namespace enma::fuzz
