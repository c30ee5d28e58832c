// config.cpp - syslog constants and the text forms of HostAddress and SmtpRelay.
#include "conf/config.hpp"

#include <syslog.h>

#include <fmt/format.h>

namespace enma::conf {

int syslog_facility_value(SyslogFacility facility) noexcept {
    // Same order as the enum.
    constexpr std::array<int, 20> values{
        LOG_AUTH,   LOG_AUTHPRIV, LOG_CRON,   LOG_DAEMON, LOG_FTP,    LOG_KERN,   LOG_LPR,
        LOG_MAIL,   LOG_NEWS,     LOG_SYSLOG, LOG_USER,   LOG_UUCP,   LOG_LOCAL0, LOG_LOCAL1,
        LOG_LOCAL2, LOG_LOCAL3,   LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
    return values[static_cast<std::size_t>(facility)];
}

int syslog_priority_value(SyslogPriority priority) noexcept {
    constexpr std::array<int, 8> values{LOG_EMERG,   LOG_ALERT,  LOG_CRIT, LOG_ERR,
                                        LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
    return values[static_cast<std::size_t>(priority)];
}

std::string HostAddress::to_string() const {
    if (m_port == 53) {
        return m_address.to_string();
    }
    return fmt::format("{}@{}", m_address.to_string(), m_port);
}

std::string SmtpRelay::to_string() const {
    if (m_host.empty())
        return {};
    if (m_host.find(':') != std::string::npos)
        return fmt::format("[{}]:{}", m_host, m_port);  // an IPv6 address
    return fmt::format("{}:{}", m_host, m_port);
}

}  // namespace enma::conf
