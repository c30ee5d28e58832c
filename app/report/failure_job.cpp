// failure_job.cpp - the bounded header copy and the trigger (fo= and ruf=).
#include "app/report/failure_job.hpp"

#include "app/report/failure_report.hpp"

namespace enma::report {

void HeaderCopy::add(std::string_view name, std::string_view value) {
    m_bytes += name.size() + value.size();
    if (m_truncated || m_bytes > kMaxBytes) {
        m_truncated = true;
        return;
    }
    m_fields.emplace_back(std::string(name), std::string(value));
}

void HeaderCopy::clear() {
    m_fields.clear();
    m_bytes = 0;
    m_truncated = false;
}

HeaderFields HeaderCopy::take() {
    HeaderFields fields = std::move(m_fields);
    clear();
    return fields;
}

std::optional<FailureJob> failure_job(const MessageRow& row, std::string_view a_r_value,
                                      HeaderCopy& headers) {
    if (row.m_ruf.empty() || !wants_failure_report(row))
        return std::nullopt;
    return FailureJob{row, std::string(a_r_value), headers.take()};
}

}  // namespace enma::report
