// report_store.hpp - the DMARC report store: SQLite on one machine, PostgreSQL for a fleet,
// one schema (migrations/) and the same answers from both, so enma-report builds
// byte-identical reports from either.
//
// Not thread-safe: the daemon's writer thread owns one, enma-report another. Every method
// throws StoreError (what failed, and the driver's message) on a store that is down or
// refuses; the caller retries or reports.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/report/message_row.hpp"

namespace enma::report {

struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ReportStore {
public:
    virtual ~ReportStore() = default;
    // append - the rows, in one transaction (all or none).
    virtual void append(std::span<const MessageRow> rows) = 0;
    // policy_domains - the distinct policy domains with rows received in [begin, end),
    // sorted.
    virtual std::vector<std::string> policy_domains(std::int64_t begin, std::int64_t end) = 0;
    // for_each_message - the rows of `policy_domain` received in [begin, end), ordered by
    // (received_at, node, seq), each with its DKIM rows in message order.
    virtual void for_each_message(std::string_view policy_domain, std::int64_t begin,
                                  std::int64_t end,
                                  const std::function<void(const MessageRow&)>& visit) = 0;
    // was_sent - whether a report for (policy_domain, period_begin, destination) is recorded.
    virtual bool was_sent(std::string_view policy_domain, std::int64_t period_begin,
                          std::string_view destination) = 0;
    // mark_sent - record a report (replacing a previous row for the same key).
    virtual void mark_sent(const SentRow& row) = 0;
    // purge_before - delete the message rows (and their DKIM rows) received before `time`;
    // returns how many messages went.
    virtual std::int64_t purge_before(std::int64_t time) = 0;
};

// StoreConfig - which store: "sqlite:PATH" or "postgresql:CONNINFO" (libpq's conninfo string
// or URI); the config key report.store holds it.
// open_store - connects and runs the pending migrations; throws StoreError.
std::unique_ptr<ReportStore> open_store(std::string_view spec);

}  // namespace enma::report
