// key_table.cpp - the table of enma.conf keys and the typed setters behind it.
//
// ENMA 1.2 keys keep their meaning and, unless docs/configuration.md says otherwise, their
// defaults. Each row names the Config member it sets through FIELD(), a generic lambda that
// yields a mutable reference for the parser and a const one for the renderer.
#include "conf/key_table.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "conf/config_error.hpp"
#include "conf/value_parse.hpp"

namespace enma::conf {

namespace {

using namespace std::chrono_literals;

#define FIELD(member)      \
    [](auto& c) -> auto& { \
        return c.member;   \
    }

// make_key - a row from a parser (text to T) and a renderer (T to text).
template <typename Access, typename Parse, typename Render>
KeySpec make_key(std::string_view name, std::string type, std::string_view def,
                 std::string_view meaning, Access field, Parse parse, Render render) {
    return KeySpec{name,
                   std::move(type),
                   def,
                   meaning,
                   [field, parse](Config& c, std::string_view v) { field(c) = parse(v); },
                   [field, render](const Config& c) { return render(field(c)); }};
}

template <typename Access>
KeySpec bool_key(std::string_view name, std::string_view def, std::string_view meaning,
                 Access field) {
    return make_key(name, "bool", def, meaning, field, parse_bool,
                    [](bool v) { return std::string(v ? "true" : "false"); });
}

template <typename Access>
KeySpec int_key(std::string_view name, std::string_view def, int min, int max,
                std::string_view meaning, Access field) {
    return make_key(
        name, fmt::format("integer {}..{}", min, max), def, meaning, field,
        [min, max](std::string_view v) { return static_cast<int>(parse_integer(v, min, max)); },
        [](int v) { return std::to_string(v); });
}

template <typename Access>
KeySpec duration_key(std::string_view name, std::string_view def, Duration min, Duration max,
                     std::string_view meaning, Access field) {
    return make_key(
        name, fmt::format("duration {}..{}", render_duration(min), render_duration(max)), def,
        meaning, field, [min, max](std::string_view v) { return parse_duration(v, min, max); },
        render_duration);
}

// seconds_key - a duration the consumer only takes in whole seconds (libmilter's timeout).
template <typename Access>
KeySpec seconds_key(std::string_view name, std::string_view def, Duration min, Duration max,
                    std::string_view meaning, Access field) {
    auto parse = [min, max](std::string_view v) {
        const auto value = parse_duration(v, min, max);
        if (value.count() % 1000 != 0) {
            throw ValueError(fmt::format("must be whole seconds, got {}", render_duration(value)));
        }
        return value;
    };
    return make_key(name, fmt::format("seconds {}..{}", render_duration(min), render_duration(max)),
                    def, meaning, field, parse, render_duration);
}

template <typename Access>
KeySpec size_key(std::string_view name, std::string_view def, std::uint64_t min, std::uint64_t max,
                 std::string_view meaning, Access field) {
    return make_key(
        name, fmt::format("size {}..{}", render_size(min), render_size(max)), def, meaning, field,
        [min, max](std::string_view v) { return parse_size(v, min, max); }, render_size);
}

// parse_word - printable ASCII without blanks or the RFC 8601 / RFC 2045 specials that would
// break a header field or a log line; empty only if allowed.
std::string parse_word(std::string_view text, bool allow_empty) {
    const auto bad = [](char c) {
        return c <= ' ' || c >= 0x7f ||
               std::string_view("\"(),;").find(c) != std::string_view::npos;
    };
    if ((text.empty() && !allow_empty) || std::any_of(text.begin(), text.end(), bad)) {
        throw ValueError(fmt::format(
            "expected a word of printable characters without blanks or \"(),;, got '{}'",
            bounded(text)));
    }
    return std::string(text);
}

template <typename Access>
KeySpec word_key(std::string_view name, std::string_view def, bool allow_empty,
                 std::string_view meaning, Access field) {
    return make_key(
        name, "word", def, meaning, field,
        [allow_empty](std::string_view v) { return parse_word(v, allow_empty); },
        [](const std::string& v) { return v; });
}

// parse_text - one line of printable text (UTF-8 allowed, no control characters), as a
// header field or an XML element can carry it; empty allowed.
std::string parse_text(std::string_view text) {
    const auto bad = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
    if (std::any_of(text.begin(), text.end(), bad) || text.size() > 200) {
        throw ValueError(fmt::format(
            "expected one line of at most 200 printable characters, got '{}'", bounded(text)));
    }
    return std::string(text);
}

template <typename Access>
KeySpec text_key(std::string_view name, std::string_view def, std::string_view meaning,
                 Access field) {
    return make_key(name, "text", def, meaning, field, parse_text,
                    [](const std::string& v) { return v; });
}

template <typename Access>
KeySpec path_key(std::string_view name, std::string_view def, bool allow_empty,
                 std::string_view meaning, Access field) {
    return make_key(
        name, "path", def, meaning, field,
        [allow_empty](std::string_view v) { return parse_path(v, allow_empty); },
        [](const std::string& v) { return v; });
}

template <typename Enum, std::size_t N, typename Access>
KeySpec enum_key(std::string_view name, std::string_view def,
                 const std::array<std::string_view, N>& names, std::string_view meaning,
                 Access field) {
    return make_key(
        name, fmt::format("{}", fmt::join(names, "|")), def, meaning, field,
        [&names](std::string_view v) { return static_cast<Enum>(parse_choice(v, names)); },
        [&names](Enum v) { return std::string(names[static_cast<std::size_t>(v)]); });
}

// render_list - items joined by ", ", each by its to_string().
template <typename T>
std::string render_list(const std::vector<T>& items) {
    std::vector<std::string> texts;
    for (const auto& item : items) {
        texts.push_back(item.to_string());
    }
    return fmt::format("{}", fmt::join(texts, ", "));
}

// render_networks - a full-length network as a bare address, as people write it.
std::string render_networks(const std::vector<resolver::Network>& networks) {
    std::vector<std::string> texts;
    for (const auto& network : networks) {
        const bool host = network.m_prefix == network.m_address.size() * 8;
        texts.push_back(host ? network.m_address.to_string() : network.to_string());
    }
    return fmt::format("{}", fmt::join(texts, ", "));
}

std::string render_stub_zones(const std::vector<StubZone>& zones) {
    std::vector<std::string> texts;
    for (const auto& zone : zones) {
        for (const auto& server : zone.m_servers) {
            texts.push_back(zone.m_zone + "=" + server.to_string());
        }
    }
    return fmt::format("{}", fmt::join(texts, ", "));
}

void add_milter_keys(std::vector<KeySpec>& t) {
    t.push_back(make_key(
        "milter.socket", "milter socket", "inet:10025@127.0.0.1",
        "Socket the MTA connects to: inet:PORT@HOST, inet6:PORT@HOST, unix:/path or local:/path.",
        FIELD(m_milter.m_socket), parse_milter_socket, [](const std::string& v) { return v; }));
    t.push_back(word_key("milter.user", "", true,
                         "User to run as after start-up; empty keeps the starting user.",
                         FIELD(m_milter.m_user)));
    t.push_back(path_key("milter.pidfile", "/var/run/enma/enma.pid", true,
                         "File the daemon writes its process id to; empty writes none.",
                         FIELD(m_milter.m_pidfile)));
    t.push_back(path_key("milter.chdir", "/var/tmp", true,
                         "Working directory of the daemon (where a core dump lands).",
                         FIELD(m_milter.m_chdir)));
    t.push_back(seconds_key("milter.timeout", "7210", 1s, 24h,
                            "libmilter I/O timeout on the MTA connection; a plain number is "
                            "seconds.",
                            FIELD(m_milter.m_timeout)));
    t.push_back(int_key("milter.loglevel", "0", 0, 100, "libmilter debug level (smfi_setdbg).",
                        FIELD(m_milter.m_loglevel)));
    t.push_back(bool_key("milter.sendmail813", "false",
                         "Do not ask the MTA for SMFIP_HDR_LEADSPC (verbatim header values) even "
                         "when it offers it. Whenever header values come without it, enma puts "
                         "back the single blank the MTA strips after the colon, so simple "
                         "canonicalisation still verifies.",
                         FIELD(m_milter.m_sendmail813)));
    t.push_back(bool_key(
        "milter.postfix", "false",
        "ENMA compatibility only: the queue id is read at MAIL FROM and again at end of message.",
        FIELD(m_milter.m_postfix)));
    t.push_back(bool_key("milter.verbose", "false",
                         "Print the effective configuration at start-up (same as -v).",
                         FIELD(m_milter.m_verbose)));
}

// parse_mode - permission bits in octal, as chmod(1) takes them: "660" or "0660".
unsigned parse_mode(std::string_view text) {
    const bool octal =
        !text.empty() && text.size() <= 4 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '7'; });
    if (!octal)
        throw ValueError(
            fmt::format("expected octal permission bits such as 0660, got '{}'", bounded(text)));
    return static_cast<unsigned>(std::stoul(std::string(text), nullptr, 8)) & 0777U;
}

std::string render_mode(unsigned mode) {
    return fmt::format("{:04o}", mode);
}

void add_milter_new_keys(std::vector<KeySpec>& t) {
    t.push_back(make_key("milter.socket_mode", "octal mode", "0660",
                         "Permissions of a unix: milter socket (the MTA needs read and write).",
                         FIELD(m_milter.m_socket_mode), parse_mode, render_mode));
    t.push_back(word_key("milter.socket_group", "", true,
                         "Group of a unix: milter socket (e.g. postfix); empty keeps the group "
                         "of milter.user.",
                         FIELD(m_milter.m_socket_group)));
    t.push_back(duration_key("milter.verify_deadline", "10s", 100ms, 1min,
                             "Time all DNS work of one message may take; then pending "
                             "lookups end as temperror. Keep it well below the MTA's milter "
                             "timeouts.",
                             FIELD(m_milter.m_verify_deadline)));
    t.push_back(enum_key<FailAction>(
        "milter.fail_action", "accept", fail_action_names,
        "What the MTA is told when enma itself fails: accept the message or tempfail it.",
        FIELD(m_milter.m_fail_action)));
    t.push_back(bool_key("milter.skip_authenticated", "true",
                         "Skip SPF and Sender ID when the {auth_authen} macro says the client "
                         "authenticated (SMTP AUTH).",
                         FIELD(m_milter.m_skip_authenticated)));
    t.push_back(duration_key("milter.shutdown_timeout", "30s", 0ms, 1h,
                             "On SIGTERM, how long messages in progress may finish before "
                             "enma exits.",
                             FIELD(m_milter.m_shutdown_timeout)));
}

void add_logging_keys(std::vector<KeySpec>& t) {
    t.push_back(word_key("syslog.ident", "enma", false, "Identifier of syslog messages.",
                         FIELD(m_syslog.m_ident)));
    t.push_back(enum_key<SyslogFacility>("syslog.facility", "local4", syslog_facility_names,
                                         "Syslog facility.", FIELD(m_syslog.m_facility)));
    t.push_back(
        enum_key<SyslogPriority>("syslog.logmask", "info", syslog_priority_names,
                                 "Least severe syslog priority that is sent (setlogmask LOG_UPTO).",
                                 FIELD(m_syslog.m_logmask)));
    t.push_back(enum_key<LogTarget>("log.target", "syslog", log_target_names,
                                    "Where log records go (stdout: one line each, for journald).",
                                    FIELD(m_log.m_target)));
    t.push_back(
        path_key("log.file", "", true, "Log file when log.target is file.", FIELD(m_log.m_file)));
    t.push_back(enum_key<LogFormat>("log.format", "text", log_format_names,
                                    "Log record format: text lines or one JSON object per line.",
                                    FIELD(m_log.m_format)));
    t.push_back(enum_key<LogLevel>("log.level", "info", log_level_names,
                                   "Least severe level that is logged.", FIELD(m_log.m_level)));
}

void add_method_keys(std::vector<KeySpec>& t) {
    t.push_back(make_key("common.exclusion_addresses", "address list", "127.0.0.1, ::1",
                         "Clients (addresses or CIDR networks) whose mail is not verified at all.",
                         FIELD(m_common.m_exclusion_addresses), parse_address_list,
                         render_networks));
    t.push_back(bool_key("spf.auth", "true", "Verify SPF (RFC 7208).", FIELD(m_spf.m_auth)));
    t.push_back(bool_key("spf.explog", "true", "Log the explanation (exp=) of SPF failures.",
                         FIELD(m_spf.m_explog)));
    t.push_back(bool_key("spf.prefetch", "true",
                         "Look up the names an SPF record may need in parallel, before the "
                         "evaluation asks (the result is the same either way).",
                         FIELD(m_spf.m_prefetch)));
    t.push_back(
        bool_key("sidf.auth", "true", "Verify Sender ID (RFC 4406, PRA).", FIELD(m_sidf.m_auth)));
    t.push_back(bool_key("sidf.explog", "true", "Log the explanation of Sender ID failures.",
                         FIELD(m_sidf.m_explog)));
    t.push_back(
        bool_key("dkim.auth", "true", "Verify DKIM signatures (RFC 6376).", FIELD(m_dkim.m_auth)));
    t.push_back(int_key("dkim.signheader_limit", "10", 1, 100,
                        "Most DKIM-Signature fields verified per message; the rest are ignored.",
                        FIELD(m_dkim.m_signheader_limit)));
    t.push_back(bool_key("dkim.accept_expired_signature", "false",
                         "Treat a signature past its x= expiry as valid.",
                         FIELD(m_dkim.m_accept_expired_signature)));
    t.push_back(bool_key("dkim.rfc4871_compatible", "false",
                         "Accept the RFC 4871 forms that RFC 6376 dropped.",
                         FIELD(m_dkim.m_rfc4871_compatible)));
    t.push_back(bool_key("dkimadsp.auth", "false",
                         "Check DKIM ADSP (RFC 5617, historic since 2013).",
                         FIELD(m_dkimadsp.m_auth)));
    t.push_back(bool_key("arc.auth", "false",
                         "Verify the ARC chain (RFC 8617) and report arc= in the A-R field.",
                         FIELD(m_arc.m_auth)));
    t.push_back(make_key(
        "arc.trusted_sealers", "domain list", "",
        "ARC sealers (AS d=) whose ARC-Authentication-Results may override a "
        "DMARC fail (docs/arc.md).",
        FIELD(m_arc.m_trusted_sealers), parse_domain_list,
        [](const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }));
    t.push_back(int_key("arc.max_instances", "50", 1, 50,
                        "Most ARC sets a chain may have; a longer chain is arc=fail.",
                        FIELD(m_arc.m_max_instances)));
    t.push_back(size_key("arc.max_header_bytes", "64K", 1024, 1024 * 1024,
                         "Most bytes all ARC fields of a message may take; more is arc=fail.",
                         FIELD(m_arc.m_max_header_bytes)));
    t.push_back(
        bool_key("iprev.auth", "false",
                 "Check the client's reverse DNS (RFC 8601 iprev): PTR, then its names forward; "
                 "once per connection, from CONNECT.",
                 FIELD(m_iprev.m_auth)));
}

// parse_header_names - field names for the AMS h=: lower case, From required, and never an
// ARC field or Authentication-Results (RFC 8617 4.1.2: the next hops rewrite those).
std::vector<std::string> parse_header_names(std::string_view text) {
    std::vector<std::string> names;
    for (const auto item : split_list(text)) {
        const bool bad = std::any_of(item.begin(), item.end(),
                                     [](char c) { return c <= ' ' || c >= 0x7f || c == ':'; });
        if (bad)
            throw ValueError(fmt::format("'{}' is not a header field name", bounded(item)));
        std::string name(item);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name.starts_with("arc-") || name == "authentication-results")
            throw ValueError(fmt::format("'{}' must not be signed by an ARC seal", name));
        names.push_back(std::move(name));
    }
    if (std::find(names.begin(), names.end(), "from") == names.end())
        throw ValueError("the list must contain From (RFC 6376 5.4)");
    return names;
}

void add_arc_seal_keys(std::vector<KeySpec>& t) {
    t.push_back(path_key("arc.seal_key_file", "", true,
                         "PEM RSA private key (1024 to 4096 bits) ARC seals are signed with; "
                         "read at start and on SIGHUP. Sealing is on when this, "
                         "arc.seal_selector and arc.seal_domain are all set (docs/arc.md).",
                         FIELD(m_arc.m_seal_key_file)));
    t.push_back(word_key("arc.seal_selector", "", true,
                         "Selector (s=) of the sealing key: TXT at "
                         "SELECTOR._domainkey.DOMAIN.",
                         FIELD(m_arc.m_seal_selector)));
    t.push_back(word_key("arc.seal_domain", "", true, "Signing domain (d=) of the ARC seals.",
                         FIELD(m_arc.m_seal_domain)));
    t.push_back(make_key(
        "arc.seal_headers", "header name list",
        "from, to, cc, subject, date, message-id, in-reply-to, references, "
        "reply-to, sender, mime-version, content-type, "
        "content-transfer-encoding, list-id",
        "Header fields the ARC-Message-Signature signs (h=); must contain From.",
        FIELD(m_arc.m_seal_headers), parse_header_names,
        [](const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }));
}

// parse_reply - "CODE X.Y.Z text" for a reply of `klass` (4 or 5), as smfi_setreply takes it.
SmtpReplyConfig parse_reply(std::string_view text, char klass) {
    const auto fail = [&](std::string_view why) -> SmtpReplyConfig {
        throw ValueError(fmt::format("expected '{}XY {}.Y.Z text' ({}), got '{}'", klass, klass,
                                     why, bounded(text)));
    };
    const auto first = text.find(' ');
    const auto second = first == std::string_view::npos ? first : text.find(' ', first + 1);
    if (second == std::string_view::npos)
        return fail("code, status and text");
    SmtpReplyConfig reply{std::string(text.substr(0, first)),
                          std::string(text.substr(first + 1, second - first - 1)),
                          std::string(text.substr(second + 1))};
    const auto digits = [](std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (reply.m_code.size() != 3 || !digits(reply.m_code) || reply.m_code[0] != klass)
        return fail("the code");
    const auto dot1 = reply.m_status.find('.');
    const auto dot2 = reply.m_status.find('.', dot1 == std::string::npos ? dot1 : dot1 + 1);
    if (reply.m_status.substr(0, 2) != std::string{klass, '.'} || dot2 == std::string::npos ||
        !digits(std::string_view(reply.m_status).substr(2, dot2 - 2)) ||
        !digits(std::string_view(reply.m_status).substr(dot2 + 1)))
        return fail("the enhanced status code");
    for (std::size_t i = 0; i < reply.m_text.size(); ++i) {
        const char c = reply.m_text[i];
        if (c < ' ' || c >= 0x7f || (c == '%' && reply.m_text.compare(i, 2, "%d") != 0))
            return fail("printable text; '%' only in %d");
    }
    if (reply.m_text.empty())
        return fail("the text");
    return reply;
}

template <typename Access>
KeySpec reply_key(std::string_view name, std::string_view def, char klass, std::string_view meaning,
                  Access field) {
    return make_key(
        name, "smtp reply", def, meaning, field,
        [klass](std::string_view v) { return parse_reply(v, klass); },
        [](const SmtpReplyConfig& v) { return v.to_string(); });
}

void add_dmarc_keys(std::vector<KeySpec>& t) {
    t.push_back(bool_key("dmarc.auth", "false",
                         "Evaluate DMARC (RFC 9989) and report dmarc= in the A-R field.",
                         FIELD(m_dmarc.m_auth)));
    t.push_back(enum_key<DmarcOrgDomain>(
        "dmarc.org_domain", "treewalk", dmarc_org_domain_names,
        "Organizational Domain: RFC 9989's DNS tree walk, or RFC 7489's public suffix list.",
        FIELD(m_dmarc.m_org_domain)));
    t.push_back(path_key("dmarc.psl_file", "/usr/share/publicsuffix/public_suffix_list.dat", false,
                         "Public suffix list for dmarc.org_domain psl; read at start and on "
                         "SIGHUP.",
                         FIELD(m_dmarc.m_psl_file)));
    t.push_back(enum_key<DmarcAction>(
        "dmarc.reject_action", "none", dmarc_action_names,
        "What enma does with a message failing DMARC under p=reject; none only reports.",
        FIELD(m_dmarc.m_reject_action)));
    t.push_back(enum_key<DmarcAction>(
        "dmarc.quarantine_action", "none", dmarc_action_names,
        "What enma does with a message failing DMARC under p=quarantine (quarantine: the MTA's "
        "hold queue).",
        FIELD(m_dmarc.m_quarantine_action)));
    t.push_back(enum_key<DmarcAction>("dmarc.temperror_action", "none", dmarc_action_names,
                                      "What enma does when DMARC ends in temperror.",
                                      FIELD(m_dmarc.m_temperror_action)));
    t.push_back(reply_key("dmarc.reject_reply", "550 5.7.1 Message rejected per DMARC policy of %d",
                          '5', "SMTP reply for dmarc.*_action reject; %d is the author domain.",
                          FIELD(m_dmarc.m_reject_reply)));
    t.push_back(reply_key("dmarc.tempfail_reply",
                          "451 4.7.1 DMARC policy of %d could not be evaluated", '4',
                          "SMTP reply for dmarc.*_action tempfail; %d is the author domain.",
                          FIELD(m_dmarc.m_tempfail_reply)));
    t.push_back(make_key("dmarc.exempt_addresses", "address list", "",
                         "Clients (addresses or CIDR networks) DMARC actions never apply to.",
                         FIELD(m_dmarc.m_exempt_addresses), parse_address_list, render_networks));
    t.push_back(bool_key("dmarc.exempt_authenticated", "true",
                         "DMARC actions never apply to SMTP AUTH clients ({auth_authen} set).",
                         FIELD(m_dmarc.m_exempt_authenticated)));
}

void add_authresult_keys(std::vector<KeySpec>& t) {
    t.push_back(word_key("authresult.identifier", "", true,
                         "authserv-id of the Authentication-Results field; empty means the "
                         "host name.",
                         FIELD(m_authresult.m_identifier)));
    t.push_back(bool_key("authresult.spf_hardfail", "false",
                         "Write spf=hardfail instead of spf=fail, as ENMA 1.x did.",
                         FIELD(m_authresult.m_spf_hardfail)));
}

void add_resolver_keys(std::vector<KeySpec>& t) {
    t.push_back(enum_key<ResolverMode>(
        "resolver.mode", "recursive", resolver_mode_names,
        "recursive from the root, forward to resolver.forwarders, or system (/etc/resolv.conf).",
        FIELD(m_resolver.m_mode)));
    t.push_back(make_key("resolver.forwarders", "host list", "",
                         "Servers IP[@port] used when resolver.mode is "
                         "forward.",
                         FIELD(m_resolver.m_forwarders), parse_host_list,
                         [](const std::vector<HostAddress>& v) { return render_list(v); }));
    t.push_back(bool_key("resolver.dnssec", "true", "Validate DNSSEC; bogus answers are temperror.",
                         FIELD(m_resolver.m_dnssec)));
    t.push_back(path_key("resolver.trust_anchor_file", "/usr/share/dns/root.key", true,
                         "DNSSEC trust anchor file (Debian's dns-root-data).",
                         FIELD(m_resolver.m_trust_anchor_file)));
    t.push_back(make_key("resolver.stub_zones", "stub zone list", "",
                         "Zones sent straight to given servers: zone=IP[@port], repeat a zone "
                         "for more servers.",
                         FIELD(m_resolver.m_stub_zones), parse_stub_zones, render_stub_zones));
    t.push_back(int_key("resolver.edns_buffer_size", "1232", 512, 4096,
                        "EDNS UDP buffer size advertised (1232 avoids IP fragmentation).",
                        FIELD(m_resolver.m_edns_buffer_size)));
    t.push_back(duration_key("resolver.query_timeout", "5s", 100ms, 1min,
                             "Time one DNS lookup may take before it is a timeout.",
                             FIELD(m_resolver.m_query_timeout)));
    t.push_back(size_key("resolver.cache_size", "32M", 1ULL << 20, 64ULL << 30,
                         "Memory for the DNS cache (K, M, G are powers of 1024).",
                         FIELD(m_resolver.m_cache_size)));
    t.push_back(int_key("resolver.max_queries_per_message", "256", 16, 65535,
                        "Most DNS queries one message may cause, over all methods.",
                        FIELD(m_resolver.m_max_queries_per_message)));
}

void add_metrics_keys(std::vector<KeySpec>& t) {
    t.push_back(word_key("metrics.listen", "", true,
                         "HOST:PORT where Prometheus scrapes /metrics (docs/metrics.md); empty "
                         "turns the endpoint off. Applied at start only.",
                         FIELD(m_metrics.m_listen)));
}

// parse_store - report.store: empty, sqlite:ABSOLUTE-PATH or postgresql:CONNINFO (libpq
// keywords or a postgresql:// URI; blanks allowed, controls not).
std::string parse_store(std::string_view text) {
    constexpr std::string_view sqlite = "sqlite:";
    if (text.empty())
        return {};
    if (text.starts_with(sqlite))
        return std::string(sqlite) + parse_path(text.substr(sqlite.size()), false);
    const bool printable = std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < ' ' || c == 0x7f;
    });
    if (text.starts_with("postgresql:") && printable)
        return std::string(text);
    throw ValueError(
        fmt::format("expected sqlite:/PATH or postgresql:CONNINFO, got '{}'", bounded(text)));
}

void add_report_keys(std::vector<KeySpec>& t) {
    t.push_back(make_key("report.store", "store", "",
                         "Where each DMARC-evaluated message's record goes for aggregate "
                         "reports (docs/reports.md): sqlite:/PATH (one machine) or "
                         "postgresql:CONNINFO (a fleet); empty records nothing. Needs "
                         "dmarc.auth. Applied at start only.",
                         FIELD(m_report.m_store), parse_store,
                         [](const std::string& v) { return v; }));
    t.push_back(int_key("report.queue_size", "10000", 1, 10000000,
                        "Records waiting for the store; when full, further ones are dropped "
                        "(counted, logged) rather than delay mail. Applied at start only.",
                        FIELD(m_report.m_queue_size)));
    t.push_back(word_key("report.node", "", true,
                         "This enma's name in the store (a fleet shares one database); empty "
                         "means the host name. Applied at start only.",
                         FIELD(m_report.m_node)));
}

void add_report_sender_keys(std::vector<KeySpec>& t) {
    t.push_back(text_key("report.org_name", "",
                         "Reporting organisation named in aggregate reports (enma-report; "
                         "docs/reports.md). Required to send.",
                         FIELD(m_report_sender.m_org_name)));
    t.push_back(word_key("report.email", "", true,
                         "Contact address in reports and the From: of report messages. "
                         "Required to send.",
                         FIELD(m_report_sender.m_email)));
    t.push_back(text_key("report.extra_contact_info", "",
                         "Extra contact information in reports (a URL, a phone); empty: none.",
                         FIELD(m_report_sender.m_extra_contact_info)));
    t.push_back(word_key("report.domain", "", true,
                         "The receiver's domain in report file names, Subjects and Report-IDs; "
                         "empty: the domain of report.email.",
                         FIELD(m_report_sender.m_domain)));
    t.push_back(path_key("report.sendmail", "/usr/sbin/sendmail", false,
                         "sendmail(8)-compatible program enma-report and the daemon run as "
                         "PROGRAM -t -oi -f report.email with one report message on standard "
                         "input, unless report.smtp is set.",
                         FIELD(m_report_sender.m_sendmail)));
    t.push_back(make_key("report.smtp", "host[:port]", "",
                         "Submit report messages over SMTP to this relay (the local MTA, e.g. "
                         "127.0.0.1:25 or [::1]:25; port 25 if none; no TLS or AUTH) instead "
                         "of running report.sendmail, as the hardened enma.service needs; "
                         "empty: report.sendmail.",
                         FIELD(m_report_sender.m_smtp), parse_smtp_relay,
                         [](const SmtpRelay& v) { return v.to_string(); }));
    t.push_back(int_key("report.retention_days", "0", 0, 36500,
                        "enma-report --purge deletes records older than this many days; 0 "
                        "keeps everything.",
                        FIELD(m_report_sender.m_retention_days)));
    t.push_back(bool_key("report.failure_reports", "false",
                         "Send RFC 9991 failure reports to ruf= destinations as messages fail "
                         "DMARC (header only, local-parts redacted; docs/reports.md). Needs "
                         "dmarc.auth and report.email. Applied at start only.",
                         FIELD(m_report_sender.m_failure_reports)));
    t.push_back(int_key("report.failure_limit", "10", 1, 100000,
                        "Most failure reports per policy domain and hour.",
                        FIELD(m_report_sender.m_failure_limit)));
    t.push_back(path_key("report.failure_dir", "", true,
                         "Write the daemon's failure reports as files into this directory "
                         "instead of sending them (report.smtp or report.sendmail); empty: "
                         "send. "
                         "Applied at start only.",
                         FIELD(m_report_sender.m_failure_dir)));
    t.push_back(int_key("report.failure_queue_size", "1000", 1, 1000000,
                        "Failure reports waiting for the sender thread; when full, further "
                        "ones are dropped (counted, logged). Applied at start only.",
                        FIELD(m_report_sender.m_failure_queue_size)));
}

#undef FIELD

}  // namespace

std::vector<KeySpec> key_table() {
    std::vector<KeySpec> table;
    add_milter_keys(table);
    add_milter_new_keys(table);
    add_logging_keys(table);
    add_method_keys(table);
    add_dmarc_keys(table);
    add_arc_seal_keys(table);
    add_authresult_keys(table);
    add_resolver_keys(table);
    add_metrics_keys(table);
    add_report_keys(table);
    add_report_sender_keys(table);
    return table;
}

const KeySpec* find_key(const std::vector<KeySpec>& table, std::string_view name) {
    const auto found = std::find_if(table.begin(), table.end(),
                                    [name](const KeySpec& spec) { return spec.m_name == name; });
    return found == table.end() ? nullptr : &*found;
}

}  // namespace enma::conf
