// unbound_resolver.cpp - libunbound configuration, async queries, and the ub_result mapping.
#include "resolver/unbound_resolver.hpp"

#include <unbound.h>

#include <array>
#include <chrono>
#include <span>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "resolver/rdata.hpp"

namespace enma::resolver {

namespace {

constexpr int kClassIn = 1;
constexpr int kRcodeServfail = 2;
constexpr int kRcodeNxdomain = 3;
constexpr int kRcodeRefused = 5;
// The least time libunbound waits for a forwarder's reply before resending (forward and
// system modes; see patient_with_forwarders).
constexpr std::chrono::milliseconds kForwarderMinRtt{1000};

std::string without_trailing_dot(const char* name) {
    std::string out = name ? name : "";
    if (!out.empty() && out.back() == '.')
        out.pop_back();
    return out;
}

Security security_of(const ub_result& result, bool validating) {
    if (!validating)
        return Security::unchecked;
    if (result.secure)
        return Security::secure;
    if (result.bogus)
        return Security::bogus;
    return Security::insecure;  // no anchor covers the name, or provably unsigned
}

DnsStatus status_of(const ub_result& result) {
    if (result.nxdomain || result.rcode == kRcodeNxdomain)
        return DnsStatus::nxdomain;
    switch (result.rcode) {
        case 0:
            return result.havedata ? DnsStatus::noerror : DnsStatus::nodata;
        case kRcodeServfail:
            return DnsStatus::servfail;
        case kRcodeRefused:
            return DnsStatus::refused;
        default:
            return DnsStatus::error;
    }
}

// records_of - every record of `result` that decodes; malformed ones are skipped, and so are
// repeats of one RDATA: an RRset is a set (RFC 2181 section 5), and a server that sends one
// MX 11 times has sent one MX (libunbound passes the copies on in forward and system mode).
std::vector<RecordData> records_of(const ub_result& result, RrType type) {
    std::vector<RecordData> records;
    if (!result.data || !result.len)
        return records;
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; result.data[i] != nullptr; ++i) {
        if (result.len[i] < 0)
            continue;
        const auto length = static_cast<std::size_t>(result.len[i]);
        if (!seen.insert(std::string_view(result.data[i], length)).second)
            continue;
        const std::span bytes(reinterpret_cast<const std::uint8_t*>(result.data[i]), length);
        if (auto record = parse_rdata(type, bytes))
            records.push_back(std::move(*record));
    }
    return records;
}

bool is_loopback(const std::string& server) {
    const auto address = ServerAddress::parse(server);
    if (!address)
        return false;
    static constexpr std::array<std::uint8_t, 4> kLoopbackV4{127, 0, 0, 0};
    return address->m_address.in_network(IpAddress::v4(kLoopbackV4), 8) ||
           address->m_address == *IpAddress::parse("::1");
}

// needs_local_servers - unbound refuses to query 127.0.0.1 / ::1 unless told otherwise;
// allow it only when the operator named such a server (or resolv.conf may, e.g. systemd's).
// Reverse and special-use zones libunbound answers itself (NXDOMAIN) unless told not to: the
// AS112 / RFC 6303 zones that unblock-lan-zones leaves blocked, RFC 5737 and RFC 3849
// documentation space, and the RFC 6761 / RFC 8375 names a site may serve internally.
// localhost, onion and invalid stay local: no server may answer for them.
constexpr std::array<const char*, 10> kForwardedDefaultZones{
    "0.in-addr.arpa.",
    "254.169.in-addr.arpa.",
    "2.0.192.in-addr.arpa.",
    "100.51.198.in-addr.arpa.",
    "113.0.203.in-addr.arpa.",
    "255.255.255.255.in-addr.arpa.",
    "8.b.d.0.1.0.0.2.ip6.arpa.",
    "home.arpa.",
    "test.",
    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."};

bool needs_local_servers(const ResolverOptions& options) {
    if (options.m_mode == ResolverOptions::Mode::system)
        return true;
    for (const auto& server : options.m_forwarders)
        if (options.m_mode == ResolverOptions::Mode::forward && is_loopback(server))
            return true;
    for (const auto& stub : options.m_stub_zones)
        for (const auto& server : stub.m_servers)
            if (is_loopback(server))
                return true;
    return false;
}

// recover_text - libunbound copies each RDATA with a helper that refuses 0 bytes, so a TXT
// RRset holding one record without character-strings (illegal, but published: the openspf
// case null-text) comes back as SERVFAIL with the server's NOERROR message intact. RFC 7208
// section 3.3 wants that record ignored and the others used: decode the message ourselves.
bool recover_text(const ub_result& result, RrType type, Answer& answer) {
    if ((type != RrType::txt && type != RrType::spf) || !result.answer_packet ||
        result.answer_len <= 0)
        return false;
    const std::span message(static_cast<const std::uint8_t*>(result.answer_packet),
                            static_cast<std::size_t>(result.answer_len));
    auto records = parse_answer_text(type, message);
    if (!records)
        return false;
    answer.m_status = records->empty() ? DnsStatus::nodata : DnsStatus::noerror;
    answer.m_records = std::move(*records);
    answer.m_ttl = 0;  // unknown here; 0 keeps it out of enma's cache
    answer.m_canonical_name = without_trailing_dot(result.qname);
    return true;
}

}  // namespace

Answer map_ub_result(const ub_result& result, RrType type, bool validating) {
    Answer answer;
    answer.m_security = security_of(result, validating);
    if (answer.m_security == Security::bogus) {
        // Withheld, as the validator would for a client: bogus data is never data.
        answer.m_status = DnsStatus::servfail;
        answer.m_why_bogus = result.why_bogus ? result.why_bogus : "validation failed";
        return answer;
    }
    answer.m_status = status_of(result);
    if (answer.m_status == DnsStatus::servfail && recover_text(result, type, answer))
        return answer;
    answer.m_ttl = result.ttl > 0 ? static_cast<std::uint32_t>(result.ttl) : 0;
    answer.m_canonical_name =
        without_trailing_dot(result.canonname ? result.canonname : result.qname);
    if (answer.m_status == DnsStatus::noerror) {
        answer.m_records = records_of(result, type);
        // Data that is all malformed is neither data nor a proven absence.
        if (answer.m_records.empty())
            answer.m_status = DnsStatus::error;
    }
    return answer;
}

// Pending - one query between ub_resolve_async and its completion.
struct UnboundResolver::Pending {
    UnboundResolver* m_resolver;
    std::uint64_t m_serial;
    RrType m_type;
    std::coroutine_handle<> m_waiter;
    Answer* m_out;
    int m_async_id = 0;
    coro::Scheduler::TimerId m_timer{};
    coro::CancelRegistration m_registration;
    bool m_completed = false;
};

// Lookup - the awaiter that starts one query and yields its Answer.
struct UnboundResolver::Lookup {
    UnboundResolver& m_resolver;
    const std::string& m_name;
    RrType m_type;
    const coro::CancelToken& m_token;
    Answer m_answer;

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> waiter) { return m_resolver.start(*this, waiter); }
    Answer await_resume() { return std::move(m_answer); }
};

UnboundResolver::UnboundResolver(coro::Scheduler& scheduler, const ResolverOptions& options)
    : m_scheduler(scheduler),
      m_validating(options.m_dnssec),
      m_query_timeout(options.m_query_timeout) {
    if (auto error = validate_options(options))
        throw std::invalid_argument(*error);
    m_ctx = ub_ctx_create();
    if (!m_ctx)
        throw std::runtime_error("ub_ctx_create failed");
    try {
        configure(options);
    } catch (...) {
        ub_ctx_delete(m_ctx);
        throw;
    }
}

UnboundResolver::~UnboundResolver() {
    while (!m_pending.empty()) {
        auto it = m_pending.begin();
        if (!it->second->m_completed)
            ub_cancel(m_ctx, it->second->m_async_id);
        complete(it, Answer::failure(DnsStatus::cancelled), true);
    }
    m_watch.reset();
    ub_ctx_delete(m_ctx);  // stops and joins libunbound's worker thread
}

void UnboundResolver::check(int rc, const char* what, const std::string& argument) {
    if (rc != 0)
        throw std::runtime_error(std::string("libunbound ") + what + "(" + argument +
                                 "): " + ub_strerror(rc));
}

void UnboundResolver::set_option(const char* name, const std::string& value) {
    check(ub_ctx_set_option(m_ctx, name, value.c_str()), "set_option",
          std::string(name) + " " + value);
}

// configure - map ResolverOptions onto the context, then finalize it so that a broken trust
// anchor or setting fails here, at start-up, instead of as an error on every query.
void UnboundResolver::configure(const ResolverOptions& options) {
    check(ub_ctx_async(m_ctx, 1), "ub_ctx_async", "1");
    set_option("edns-buffer-size:", std::to_string(options.m_edns_buffer_size));
    // Three quarters of resolver.cache_size (enma's answer cache in front takes the last
    // quarter), split as unbound's own guidance says: the RRset cache twice the message cache.
    set_option("msg-cache-size:", std::to_string(options.m_cache_size / 4));
    set_option("rrset-cache-size:", std::to_string(options.m_cache_size / 2));
    set_option("do-ip6:", options.m_ipv6 ? "yes" : "no");
    // libunbound's library defaults are lean (16 outgoing ports, 30 queries per thread, 2 TCP
    // sockets): a single message may need 233 lookups at once, so give the background worker
    // the capacity of a real resolver. Without this the NSD fixture never saw more than 16
    // queries in flight (tests/integration/unbound_concurrency_test.cpp).
    set_option("outgoing-range:", "1024");
    set_option("num-queries-per-thread:", "4096");
    set_option("outgoing-num-tcp:", "32");
    if (options.m_transport == ResolverOptions::Transport::udp_only)
        set_option("do-tcp:", "no");
    else if (options.m_transport == ResolverOptions::Transport::tcp_only)
        set_option("tcp-upstream:", "yes");
    configure_servers(options);
    if (options.m_dnssec)
        configure_anchors(options);
    else
        set_option("module-config:", "iterator");  // no validator at all
    // libunbound has no public finalize; removing a local zone that does not exist is a no-op
    // that finalizes the context first (and reports what failed, e.g. an unreadable anchor).
    check(ub_ctx_zone_remove(m_ctx, "enma-finalize.invalid."), "finalize", "context");
}

// configure_servers - where queries go: forwarders or resolv.conf, and stub zones.
void UnboundResolver::configure_servers(const ResolverOptions& options) {
    if (needs_local_servers(options))
        set_option("do-not-query-localhost:", "no");
    if (options.m_mode != ResolverOptions::Mode::recursive) {
        unblock_local_zones();
        patient_with_forwarders();
    }
    if (options.m_mode == ResolverOptions::Mode::forward) {
        for (const auto& server : options.m_forwarders) {
            const auto text = ServerAddress::parse(server)->to_string();
            check(ub_ctx_set_fwd(m_ctx, text.c_str()), "ub_ctx_set_fwd", text);
        }
    } else if (options.m_mode == ResolverOptions::Mode::system) {
        check(ub_ctx_resolvconf(m_ctx, options.m_resolv_conf.c_str()), "ub_ctx_resolvconf",
              options.m_resolv_conf);
    }
    for (const auto& stub : options.m_stub_zones) {
        for (const auto& server : stub.m_servers) {
            const auto text = ServerAddress::parse(server)->to_string();
            check(ub_ctx_set_stub(m_ctx, stub.m_zone.c_str(), text.c_str(), 0), "ub_ctx_set_stub",
                  stub.m_zone + " " + text);
        }
    }
}

// unblock_local_zones - in the forwarding modes the upstream servers are the authority, also
// for private reverse zones (10.in-addr.arpa, documentation prefixes...): ask them instead of
// answering NXDOMAIN here. Recursive mode keeps the defaults, since on the Internet these zones
// have no servers worth asking (RFC 6303). Unsigned there, so not validated (domain-insecure).
void UnboundResolver::unblock_local_zones() {
    set_option("unblock-lan-zones:", "yes");
    set_option("insecure-lan-zones:", "yes");
    for (const char* zone : kForwardedDefaultZones) {
        set_option("local-zone:", std::string(zone) + " nodefault");
        set_option("domain-insecure:", zone);
    }
}

// patient_with_forwarders - libunbound resends a UDP query once it has waited the server's
// RTT estimate plus four deviations, but never less than infra-cache-min-rtt (50 ms by
// default). A forwarder answers from its cache in a millisecond or two, so the estimate falls
// to that floor; a name it must resolve itself (every name of a message nobody has seen, e.g.
// the 232 lookups of the worst-case message) takes it longer than 50 ms, and each such query
// was sent twice, or more while the backoff lasted (bench/run S4: 1.16 to 1.8 queries per
// lookup). A resend cannot speed up a forwarder that is still resolving; it only doubles its
// load. unbound's manual: raise infra-cache-min-rtt "if using forwarders needing more time to
// do recursive name resolution". A lost datagram now costs up to kForwarderMinRtt instead of
// 50 ms, well within resolver.query_timeout. (A process-wide value in libunbound, applied when
// a context is finalized: each context, e.g. the one a reload builds, applies its own.)
void UnboundResolver::patient_with_forwarders() {
    set_option("infra-cache-min-rtt:", std::to_string(kForwarderMinRtt.count()));
}

void UnboundResolver::configure_anchors(const ResolverOptions& options) {
    if (!options.m_root_trust_anchor_file.empty())
        check(ub_ctx_add_ta_file(m_ctx, options.m_root_trust_anchor_file.c_str()),
              "ub_ctx_add_ta_file", options.m_root_trust_anchor_file);
    for (const auto& file : options.m_trust_anchor_files)
        check(ub_ctx_add_ta_file(m_ctx, file.c_str()), "ub_ctx_add_ta_file", file);
    for (const auto& anchor : options.m_trust_anchors)
        check(ub_ctx_add_ta(m_ctx, anchor.c_str()), "ub_ctx_add_ta", anchor);
}

coro::Task<Answer> UnboundResolver::do_query(std::string name, RrType type,
                                             coro::CancelToken token) {
    // A NUL would silently shorten the name libunbound sees.
    if (!is_valid_query_name(name) || name.find('\0') != std::string::npos)
        co_return Answer::failure(DnsStatus::error);
    if (token.is_cancelled())
        co_return Answer::failure(DnsStatus::cancelled);
    // A named awaiter, not a temporary: the query keeps a pointer to its m_answer while
    // suspended, and GCC 12 has mishandled awaiter temporaries in co_await expressions.
    Lookup lookup{*this, name, type, token, {}};
    co_return co_await lookup;
}

// start - send the query; false (answer already set) if libunbound refused to take it.
bool UnboundResolver::start(Lookup& lookup, std::coroutine_handle<> waiter) {
    watch_results();
    const auto serial = ++m_next_serial;
    auto pending = std::make_unique<Pending>(
        Pending{this, serial, lookup.m_type, waiter, &lookup.m_answer, 0, {}, {}, false});
    const int rc =
        ub_resolve_async(m_ctx, lookup.m_name.c_str(), static_cast<int>(lookup.m_type), kClassIn,
                         pending.get(), &UnboundResolver::on_result, &pending->m_async_id);
    if (rc != 0) {
        // It may have been registered before the pipe write failed: make sure it never calls.
        if (pending->m_async_id != 0)
            ub_cancel(m_ctx, pending->m_async_id);
        lookup.m_answer = Answer::failure(DnsStatus::error);
        return false;
    }
    auto& record = *m_pending.emplace(serial, std::move(pending)).first->second;
    record.m_timer = m_scheduler.add_timer(m_scheduler.now() + m_query_timeout,
                                           [this, serial] { abandon(serial, DnsStatus::timeout); });
    // Built aside: a token cancelled already would complete (and free) the record right here.
    coro::CancelRegistration registration(
        lookup.m_token, [this, serial] { abandon(serial, DnsStatus::cancelled); });
    if (auto it = m_pending.find(serial); it != m_pending.end())
        it->second->m_registration = std::move(registration);
    return true;
}

// watch_results - start watching libunbound's result pipe (first query, loop thread).
void UnboundResolver::watch_results() {
    if (m_watch)
        return;
    m_watch = m_scheduler.watch_readable(ub_fd(m_ctx), [this] {
        // An error here means the worker's pipe broke; queries then end by their timers.
        ub_process(m_ctx);
    });
}

void UnboundResolver::on_result(void* data, int err, ub_result* result) {
    auto* pending = static_cast<Pending*>(data);
    pending->m_resolver->deliver(pending->m_serial, err, result);
}

// deliver - libunbound's answer for `serial`; it owns `result` from here on.
void UnboundResolver::deliver(std::uint64_t serial, int err, ub_result* result) {
    std::unique_ptr<ub_result, void (*)(ub_result*)> owned(result, ub_resolve_free);
    const auto it = m_pending.find(serial);
    if (it == m_pending.end())
        return;
    if (it->second->m_completed) {
        m_pending.erase(it);  // the late callback of a zombie: nothing more will come
        return;
    }
    Answer answer = err != 0 || !result ? Answer::failure(DnsStatus::error)
                                        : map_ub_result(*result, it->second->m_type, m_validating);
    complete(it, std::move(answer), true);
}

// abandon - the timer or the token ended the query first: stop libunbound, then complete.
void UnboundResolver::abandon(std::uint64_t serial, DnsStatus status) {
    const auto it = m_pending.find(serial);
    if (it == m_pending.end() || it->second->m_completed)
        return;
    const int rc = ub_cancel(m_ctx, it->second->m_async_id);
    // NOID: already delivered or never registered; either way no callback can follow.
    complete(it, Answer::failure(status), rc == UB_NOERROR || rc == UB_NOID);
}

// complete - hand `answer` to the waiter (posted, never inline) and drop the record unless
// libunbound may still call back for it.
void UnboundResolver::complete(PendingMap::iterator it, Answer answer, bool release) {
    Pending& pending = *it->second;
    if (!pending.m_completed) {
        pending.m_completed = true;
        m_scheduler.cancel_timer(pending.m_timer);
        pending.m_registration.reset();
        *pending.m_out = std::move(answer);
        m_scheduler.post(pending.m_waiter);
    }
    if (release)
        m_pending.erase(it);
}

}  // namespace enma::resolver
