// failure_job.hpp - what the daemon hands to the FailureSender for one message that fo= asks
// a failure report of: the report store's row, enma's Authentication-Results value and the
// header as the MTA gave it (HeaderCopy, bounded). Never the body (docs/reports.md).
//
// HeaderCopy lives in the milter connection while a message is in progress (one thread at a
// time); a FailureJob is plain values, moved to the sender's thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/report/message_row.hpp"

namespace enma::report {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// HeaderCopy - the header fields of the message in progress, in order, up to kMaxBytes of
// names and values; the fields past the bound are left out of the report.
class HeaderCopy {
public:
    static constexpr std::size_t kMaxBytes = 64 * 1024;

    void add(std::string_view name, std::string_view value);
    void clear();
    HeaderFields take();
    bool truncated() const noexcept { return m_truncated; }

private:
    HeaderFields m_fields;
    std::size_t m_bytes = 0;
    bool m_truncated = false;
};

struct FailureJob {
    MessageRow m_row;
    std::string m_authentication_results;  // the value enma added, folded as inserted
    HeaderFields m_headers;
};

// failure_job - the job for `row` when fo= asks for a report and ruf= names a destination;
// nullopt otherwise (the header is then left where it is).
std::optional<FailureJob> failure_job(const MessageRow& row, std::string_view a_r_value,
                                      HeaderCopy& headers);

}  // namespace enma::report
