// runtime.hpp - everything a new connection needs, swapped whole on SIGHUP.
//
// A Runtime is immutable. Connections take a shared_ptr to the current one when they start
// and keep it to the end, so a reload never changes a message under way; the old Runtime (and
// its resolver, if the resolver settings changed) is freed when its last connection closes.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/common/metrics.hpp"
#include "conf/config.hpp"
#include "coro/scheduler.hpp"
#include "resolver/ip_address.hpp"
#include "resolver/resolver.hpp"
#include "verify/pipeline/auth_settings.hpp"

namespace enma::app {

struct Runtime {
    conf::Config m_config;
    std::shared_ptr<const pipeline::AuthSettings> m_auth;
    std::shared_ptr<resolver::Resolver> m_resolver;
    std::string m_resolver_key;          // the resolver.* settings it was built from
    std::shared_ptr<Metrics> m_metrics;  // metrics.listen; null when off; kept across reloads

    // is_excluded - common.exclusion_addresses: no verification, no header.
    bool is_excluded(const resolver::IpAddress& address) const;
};

// build_runtime - a Runtime for `config`; reuses `previous`'s resolver (and so its cache)
// when the resolver settings did not change, and always its metrics (metrics.listen is read
// at start only; the first Runtime starts the endpoint). Throws on a resolver that cannot start.
std::shared_ptr<const Runtime> build_runtime(conf::Config config, coro::Scheduler& scheduler,
                                             const std::shared_ptr<const Runtime>& previous);

// make_unbound_resolver - a CachingResolver in front of an UnboundResolver, both created and
// destroyed on the loop thread as they require, whatever thread releases the last reference.
// The cache counts into `stats` (the metrics'), or into counters of its own when null.
std::shared_ptr<resolver::Resolver> make_unbound_resolver(
    coro::Scheduler& scheduler, const conf::Config& config,
    std::shared_ptr<resolver::ResolverStats> stats = {});

// RuntimeHolder - the current Runtime, replaced atomically by reloads.
class RuntimeHolder {
public:
    explicit RuntimeHolder(std::shared_ptr<const Runtime> runtime)
        : m_runtime(std::move(runtime)) {}
    std::shared_ptr<const Runtime> current() const {
        std::lock_guard lock(m_mutex);
        return m_runtime;
    }
    void replace(std::shared_ptr<const Runtime> runtime) {
        std::lock_guard lock(m_mutex);
        m_runtime.swap(runtime);
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const Runtime> m_runtime;
};

}  // namespace enma::app
