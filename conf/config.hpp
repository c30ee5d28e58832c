// config.hpp - the typed configuration of the enma daemon, one struct per section.
//
// Invariants:
//  - A Config is only meaningful as returned by default_config(), load_config() or
//    parse_config_text() (config_loader.hpp). The defaults live in one place, the key table
//    (key_table.cpp); the member initialisers below are placeholders, not defaults.
//  - Every value has been validated: ranges, enum names, addresses, and the cross-key rules
//    of config_validate.hpp. app/ maps it onto libmilter, libunbound and logging unchanged.
//  - Durations are milliseconds; sizes are bytes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/ip_address.hpp"

namespace enma::conf {

using Duration = std::chrono::milliseconds;

// What the milter answers when enma itself fails (deadline, internal error).
enum class FailAction : std::uint8_t { accept, tempfail };
inline constexpr std::array<std::string_view, 2> fail_action_names{"accept", "tempfail"};

// Where DNS answers come from (DESIGN.md, DNS).
enum class ResolverMode : std::uint8_t { recursive, forward, system };
inline constexpr std::array<std::string_view, 3> resolver_mode_names{"recursive", "forward",
                                                                     "system"};

// `standard_error` because `stderr` is a macro in <cstdio>.
// `standard_output`: one line per record on stdout, which journald captures under systemd.
enum class LogTarget : std::uint8_t { standard_error, syslog, file, standard_output };
inline constexpr std::array<std::string_view, 4> log_target_names{"stderr", "syslog", "file",
                                                                  "stdout"};

enum class LogFormat : std::uint8_t { text, json };
inline constexpr std::array<std::string_view, 2> log_format_names{"text", "json"};

enum class LogLevel : std::uint8_t { trace, debug, info, warn, error };
inline constexpr std::array<std::string_view, 5> log_level_names{"trace", "debug", "info", "warn",
                                                                 "error"};

// The syslog(3) facilities ENMA 1.2 accepted; syslog_facility_value() gives LOG_*.
enum class SyslogFacility : std::uint8_t {
    auth,
    authpriv,
    cron,
    daemon,
    ftp,
    kern,
    lpr,
    mail,
    news,
    syslog,
    user,
    uucp,
    local0,
    local1,
    local2,
    local3,
    local4,
    local5,
    local6,
    local7,
};
inline constexpr std::array<std::string_view, 20> syslog_facility_names{
    "auth",   "authpriv", "cron",   "daemon", "ftp",    "kern",   "lpr",
    "mail",   "news",     "syslog", "user",   "uucp",   "local0", "local1",
    "local2", "local3",   "local4", "local5", "local6", "local7"};

// The syslog(3) priorities, most severe first; syslog_priority_value() gives LOG_*.
enum class SyslogPriority : std::uint8_t { emerg, alert, crit, err, warning, notice, info, debug };
inline constexpr std::array<std::string_view, 8> syslog_priority_names{
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

// syslog_facility_value - the LOG_* facility constant of <syslog.h>.
int syslog_facility_value(SyslogFacility facility) noexcept;
// syslog_priority_value - the LOG_* priority constant of <syslog.h> (for LOG_UPTO).
int syslog_priority_value(SyslogPriority priority) noexcept;

// HostAddress - a DNS server: an address and a port (53 unless "@port" was given).
struct HostAddress {
    resolver::IpAddress m_address;
    std::uint16_t m_port = 53;

    // to_string - "IP" or "IP@port" (port shown only when not 53); libunbound's syntax.
    std::string to_string() const;
    friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

// StubZone - a zone whose queries go straight to the listed servers (ub_ctx_set_stub).
struct StubZone {
    std::string m_zone;  // lower case, no trailing dot; "." is the root
    std::vector<HostAddress> m_servers;
    friend bool operator==(const StubZone&, const StubZone&) = default;
};

struct MilterConfig {
    std::string m_socket;           // libmilter syntax, validated: inet:, inet6:, unix:, local:
    unsigned m_socket_mode = 0660;  // permission bits of a unix socket
    std::string m_socket_group;     // group of a unix socket; empty: the user's group
    std::string m_user;             // empty: do not change user
    std::string m_pidfile;          // empty: no pid file
    std::string m_chdir;            // empty: do not change directory
    Duration m_timeout{};           // libmilter I/O timeout, whole seconds (smfi_settimeout)
    int m_loglevel = 0;             // smfi_setdbg
    bool m_sendmail813 = false;
    bool m_postfix = false;
    bool m_verbose = false;
    Duration m_verify_deadline{};
    FailAction m_fail_action = FailAction::accept;
    bool m_skip_authenticated = false;
    Duration m_shutdown_timeout{};
};

struct SyslogConfig {
    std::string m_ident;
    SyslogFacility m_facility = SyslogFacility::mail;
    SyslogPriority m_logmask = SyslogPriority::info;
};

struct CommonConfig {
    std::vector<resolver::Network> m_exclusion_addresses;
};

struct SpfConfig {
    bool m_auth = false;
    bool m_explog = false;
    bool m_prefetch = true;  // speculative parallel lookups; the result is the same
};

struct SidfConfig {
    bool m_auth = false;
    bool m_explog = false;
};

struct DkimConfig {
    bool m_auth = false;
    int m_signheader_limit = 0;
    bool m_accept_expired_signature = false;
    bool m_rfc4871_compatible = false;
};

struct AdspConfig {
    bool m_auth = false;
};

struct AuthResultConfig {
    std::string m_identifier;  // empty: the host name, resolved by app/ at start-up
    bool m_spf_hardfail = false;
};

struct ResolverConfig {
    ResolverMode m_mode = ResolverMode::recursive;
    std::vector<HostAddress> m_forwarders;
    bool m_dnssec = false;
    std::string m_trust_anchor_file;
    std::vector<StubZone> m_stub_zones;
    int m_edns_buffer_size = 0;
    Duration m_query_timeout{};
    std::uint64_t m_cache_size = 0;
    int m_max_queries_per_message = 0;
};

struct LogConfig {
    LogTarget m_target = LogTarget::syslog;
    std::string m_file;  // used when m_target == file
    LogFormat m_format = LogFormat::text;
    LogLevel m_level = LogLevel::info;
};

// DMARC (RFC 9989): how the Organizational Domain is found, and what a verdict may do.
enum class DmarcOrgDomain : std::uint8_t { tree_walk, psl };
inline constexpr std::array<std::string_view, 2> dmarc_org_domain_names{"treewalk", "psl"};

enum class DmarcAction : std::uint8_t { none, reject, quarantine, tempfail };
inline constexpr std::array<std::string_view, 4> dmarc_action_names{"none", "reject", "quarantine",
                                                                    "tempfail"};

// SmtpReplyConfig - "CODE X.Y.Z text": a reply code, its enhanced status code (RFC 3463) of
// the same class, and printable text in which "%d" stands for the author domain.
struct SmtpReplyConfig {
    std::string m_code;
    std::string m_status;
    std::string m_text;
    std::string to_string() const { return m_code + " " + m_status + " " + m_text; }
};

struct DmarcConfig {
    bool m_auth = false;
    DmarcOrgDomain m_org_domain = DmarcOrgDomain::tree_walk;
    std::string m_psl_file;
    DmarcAction m_reject_action = DmarcAction::none;
    DmarcAction m_quarantine_action = DmarcAction::none;
    DmarcAction m_temperror_action = DmarcAction::none;
    SmtpReplyConfig m_reject_reply;
    SmtpReplyConfig m_tempfail_reply;
    std::vector<resolver::Network> m_exempt_addresses;
    bool m_exempt_authenticated = false;
};

struct ArcConfig {
    bool m_auth = false;
    std::vector<std::string> m_trusted_sealers;  // lower-case domains, no final dot
    int m_max_instances = 50;
    std::uint64_t m_max_header_bytes = 65536;
    // Sealing (RFC 8617 5.1): on when the key file, selector and domain are all set.
    std::string m_seal_key_file;
    std::string m_seal_selector;
    std::string m_seal_domain;
    std::vector<std::string> m_seal_headers;  // the AMS h=, lower case, "from" among them
};
struct IprevConfig {
    bool m_auth = false;
};

struct MetricsConfig {
    std::string m_listen;  // HOST:PORT of the Prometheus endpoint; empty: off
};

// report.*: the DMARC report store the daemon records into (docs/reports.md).
struct ReportConfig {
    std::string m_store;  // "sqlite:PATH" or "postgresql:CONNINFO"; empty: no recording
    int m_queue_size = 10000;
    std::string m_node;  // empty: the host name
};

// SmtpRelay - report.smtp: the SMTP relay (the local MTA) report messages are submitted to.
struct SmtpRelay {
    std::string m_host;  // an IP address (no brackets) or a host name; "": not set
    std::uint16_t m_port = 25;

    bool empty() const noexcept { return m_host.empty(); }
    // to_string - "HOST:PORT", "[IPV6]:PORT", or "" when not set.
    std::string to_string() const;
    friend bool operator==(const SmtpRelay&, const SmtpRelay&) = default;
};

// ReportSenderConfig - enma-report's reporter metadata and delivery (docs/reports.md).
struct ReportSenderConfig {
    std::string m_org_name;            // report_metadata/org_name
    std::string m_email;               // report_metadata/email and the From: of reports
    std::string m_extra_contact_info;  // "" leaves the element out
    std::string m_domain;              // the Mail Receiver's domain; "": m_email's domain
    std::string m_sendmail;            // sendmail(8)-compatible program, run with -t -oi
    SmtpRelay m_smtp;                  // set: reports are submitted over SMTP, not m_sendmail
    int m_retention_days = 0;          // enma-report --purge keeps this many days; 0: all
    bool m_failure_reports = false;    // RFC 9991 failure reports (privacy: off)
    int m_failure_limit = 10;          // failure reports per policy domain and hour
    std::string m_failure_dir;         // the daemon writes failure reports here; "": sendmail
    int m_failure_queue_size = 1000;   // failure reports waiting for the sender thread
};

struct Config {
    MilterConfig m_milter;
    SyslogConfig m_syslog;
    CommonConfig m_common;
    SpfConfig m_spf;
    SidfConfig m_sidf;
    DkimConfig m_dkim;
    AdspConfig m_dkimadsp;
    AuthResultConfig m_authresult;
    ResolverConfig m_resolver;
    LogConfig m_log;
    DmarcConfig m_dmarc;
    ArcConfig m_arc;
    IprevConfig m_iprev;
    MetricsConfig m_metrics;
    ReportConfig m_report;
    ReportSenderConfig m_report_sender;
};

}  // namespace enma::conf
