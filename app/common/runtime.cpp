// runtime.cpp - building a Runtime from a Config.
#include "app/common/runtime.hpp"

#include <sstream>

#include "app/common/settings.hpp"
#include "conf/config_render.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/caching_resolver.hpp"
#include "resolver/unbound_resolver.hpp"
#include "verify/dkim/public_key_cache.hpp"

namespace enma::app {

namespace {

// resolver_key - the resolver.* lines of the effective configuration.
std::string resolver_key(const conf::Config& config) {
    std::istringstream lines(conf::render_effective(config));
    std::string key;
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("resolver.", 0) == 0)
            key += line + '\n';
    return key;
}

coro::Task<resolver::UnboundResolver*> create_on_loop(coro::Scheduler& scheduler,
                                                      resolver::ResolverOptions options) {
    co_return new resolver::UnboundResolver(scheduler, options);
}

// key_cache - the parsed DKIM keys outlive a reload: they depend on nothing configurable.
std::shared_ptr<dkim::PublicKeyCache> key_cache(const std::shared_ptr<const Runtime>& previous) {
    if (previous && previous->m_auth && previous->m_auth->m_dkim_options.m_key_cache)
        return previous->m_auth->m_dkim_options.m_key_cache;
    return std::make_shared<dkim::PublicKeyCache>();
}

}  // namespace

bool Runtime::is_excluded(const resolver::IpAddress& address) const {
    for (const auto& network : m_config.m_common.m_exclusion_addresses)
        if (network.contains(address))
            return true;
    return false;
}

std::shared_ptr<resolver::Resolver> make_unbound_resolver(
    coro::Scheduler& scheduler, const conf::Config& config,
    std::shared_ptr<resolver::ResolverStats> stats) {
    auto options = resolver_options(config);
    resolver::UnboundResolver* raw =
        scheduler.on_loop_thread() ? new resolver::UnboundResolver(scheduler, options)
                                   : coro::sync_wait(scheduler, create_on_loop(scheduler, options));
    std::shared_ptr<resolver::Resolver> unbound(raw, [&scheduler](resolver::Resolver* resolver) {
        if (scheduler.on_loop_thread())
            delete resolver;
        else
            scheduler.post([resolver] { delete resolver; });
    });
    // Hot names (a domain's SPF record, its DKIM key) are answered on the loop thread, without
    // a round trip through libunbound's worker thread for each cache hit.
    // resolver.cache_size is shared: a quarter for these answers, the rest for libunbound.
    return std::make_shared<resolver::CachingResolver>(scheduler, std::move(unbound),
                                                       options.m_cache_size / 4, std::move(stats));
}

std::shared_ptr<const Runtime> build_runtime(conf::Config config, coro::Scheduler& scheduler,
                                             const std::shared_ptr<const Runtime>& previous) {
    auto runtime = std::make_shared<Runtime>();
    runtime->m_resolver_key = resolver_key(config);
    auto auth = auth_settings(config, local_host_name());
    auth.m_dkim_options.m_key_cache = key_cache(previous);
    runtime->m_auth = std::make_shared<const pipeline::AuthSettings>(std::move(auth));
    if (previous)
        runtime->m_metrics = previous->m_metrics;
    else if (!config.m_metrics.m_listen.empty())
        runtime->m_metrics = std::make_shared<Metrics>(config.m_metrics.m_listen);
    if (previous && previous->m_resolver_key == runtime->m_resolver_key)
        runtime->m_resolver = previous->m_resolver;
    else
        runtime->m_resolver = make_unbound_resolver(
            scheduler, config, runtime->m_metrics ? runtime->m_metrics->resolver_stats() : nullptr);
    runtime->m_config = std::move(config);
    return runtime;
}

}  // namespace enma::app
