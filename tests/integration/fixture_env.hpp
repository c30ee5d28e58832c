// fixture_env.hpp - what fixture.py tells a test binary, and a scheduler + resolver pair.
//
// The binaries run under `fixture.py run -- BINARY` (ctest does this). Run alone, the ENMA_IT_*
// variables are missing and every test FAILS with a message saying so: never a silent skip.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/resolver_options.hpp"
#include "resolver/unbound_resolver.hpp"

namespace enma::integration {

struct FixtureEnv {
    std::uint16_t m_nsd_port = 0;
    std::uint16_t m_proxy_port = 0;      // NSD behind a 50 ms delay
    std::uint16_t m_blackhole_port = 0;  // never answers
    std::string m_signed_ds;             // inline anchor for signed.example.
    std::string m_broken_key_file;       // anchor file for broken.example.
    std::string m_proxy_log;             // one "udp Q" / "tcp Q" line per proxied message

    static std::string variable(const char* name) {
        const char* value = std::getenv(name);
        if (!value || !*value)
            FAIL("environment variable ", name,
                 " missing: run this binary through tests/integration/fixture.py (ctest does)");
        return value;
    }

    static FixtureEnv load() {
        FixtureEnv env;
        env.m_nsd_port = static_cast<std::uint16_t>(std::stoi(variable("ENMA_IT_NSD_PORT")));
        env.m_proxy_port = static_cast<std::uint16_t>(std::stoi(variable("ENMA_IT_PROXY_PORT")));
        env.m_blackhole_port =
            static_cast<std::uint16_t>(std::stoi(variable("ENMA_IT_BLACKHOLE_PORT")));
        env.m_signed_ds = variable("ENMA_IT_SIGNED_DS");
        env.m_broken_key_file = variable("ENMA_IT_BROKEN_KEY_FILE");
        env.m_proxy_log = variable("ENMA_IT_PROXY_LOG");
        return env;
    }

    // proxied - how many messages the delaying proxy has forwarded over `transport` so far.
    std::size_t proxied(const std::string& transport) const {
        std::ifstream in(m_proxy_log);
        std::size_t count = 0;
        for (std::string line; std::getline(in, line);)
            count += line.rfind(transport + " ", 0) == 0;
        return count;
    }

    // peak_in_flight - the most queries the proxy ever held in their delay at the same time.
    std::size_t peak_in_flight() const {
        std::ifstream in(m_proxy_log);
        std::size_t peak = 0;
        for (std::string line; std::getline(in, line);)
            if (line.rfind("peak ", 0) == 0)
                peak = std::max<std::size_t>(peak, std::stoul(line.substr(5)));
        return peak;
    }

    // forward_to - validating forward mode to 127.0.0.1:port, anchored at our two signed zones
    // only (no root anchor: the chain would lead to the real root).
    resolver::ResolverOptions forward_to(std::uint16_t port) const {
        resolver::ResolverOptions options;
        options.m_mode = resolver::ResolverOptions::Mode::forward;
        options.m_forwarders = {"127.0.0.1@" + std::to_string(port)};
        options.m_root_trust_anchor_file.clear();
        options.m_trust_anchors = {m_signed_ds};
        options.m_trust_anchor_files = {m_broken_key_file};
        options.m_ipv6 = false;
        return options;
    }
};

// Harness - a running Scheduler and an UnboundResolver, destroyed on the loop thread.
struct Harness {
    explicit Harness(const resolver::ResolverOptions& options) {
        m_scheduler.start();
        m_resolver = std::make_unique<resolver::UnboundResolver>(m_scheduler, options);
    }
    ~Harness() { coro::sync_wait(m_scheduler, drop(*this)); }

    resolver::Answer query(std::string name, resolver::RrType type) {
        return coro::sync_wait(m_scheduler, m_resolver->query(std::move(name), type));
    }
    // in_flight - read on the loop thread, where the resolver's state lives.
    std::size_t in_flight() { return coro::sync_wait(m_scheduler, count(*this)); }

    static coro::Task<void> drop(Harness& self) {
        self.m_resolver.reset();
        co_return;
    }
    static coro::Task<std::size_t> count(Harness& self) {
        co_return self.m_resolver ? self.m_resolver->in_flight() : 0;
    }

    coro::Scheduler m_scheduler;
    std::unique_ptr<resolver::UnboundResolver> m_resolver;
};

}  // namespace enma::integration
