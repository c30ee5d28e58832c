// sidfquery_main.cpp - sidfquery: ENMA's troubleshooting tool, over enma's own verifiers.
//
//   sidfquery [-s|-m|-p] [-4|-6] [-v] [-c FILE] [-o KEY=VALUE]... [--helo NAME]
//             ADDRESS IP-OR-HOSTNAME...
//
// Prints "ADDRESS IP RESULT" on stdout for every address, in operand order (docs/sidfquery.md).
// It resolves with the daemon's resolver settings (enma.conf via -c, -o overrides) through an
// UnboundResolver on a Scheduler, exactly as the milter does; the main thread only waits
// (sync_wait). stdout carries nothing but result lines: -v and errors go to stderr.
// Exit status: 0 evaluated, 1 a host name could not be resolved, 2 usage or configuration.
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/common/getopt_args.hpp"
#include "app/common/settings.hpp"
#include "app/common/version.hpp"
#include "app/sidfquery/sidfquery_check.hpp"
#include "app/sidfquery/sidfquery_options.hpp"
#include "app/sidfquery/sidfquery_targets.hpp"
#include "app/sidfquery/sidfquery_trace.hpp"
#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/query_budget.hpp"
#include "resolver/scoped_resolver.hpp"
#include "resolver/unbound_resolver.hpp"

using namespace enma;

namespace {

constexpr int kExitEvaluated = 0;
constexpr int kExitUnresolved = 1;
constexpr int kExitUsage = 2;

// Context - what every check of one invocation shares (read on the loop thread).
struct Context {
    const app::SidfqueryOptions& m_options;
    app::CheckSettings m_settings;
    std::size_t m_max_queries;  // resolver.max_queries_per_message, per address checked
    app::VerboseLog m_log;
};

// Engine - a running Scheduler and the UnboundResolver on it. The resolver is built before
// the loop starts (a bad setting throws here) and destroyed on the loop thread.
class Engine {
public:
    explicit Engine(const resolver::ResolverOptions& options)
        : m_resolver(std::make_unique<resolver::UnboundResolver>(m_scheduler, options)) {
        m_scheduler.start();
    }
    ~Engine() { coro::sync_wait(m_scheduler, drop(m_resolver)); }
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    coro::Scheduler& scheduler() noexcept { return m_scheduler; }
    resolver::Resolver& resolver() noexcept { return *m_resolver; }

private:
    static coro::Task<void> drop(std::unique_ptr<resolver::UnboundResolver>& resolver) {
        resolver.reset();
        co_return;
    }

    coro::Scheduler m_scheduler;
    std::unique_ptr<resolver::UnboundResolver> m_resolver;
};

// log_report - the -v lines after a check: who was checked, the deciding term, why, result.
void log_report(const app::VerboseLog& log, const app::CheckReport& report) {
    log.line("identity " +
             (report.m_identity.empty() ? "(none)" : app::printable(report.m_identity)));
    log.line("matched " +
             (report.m_mechanism.empty() ? "(none)" : app::printable(report.m_mechanism)));
    log.line("reason " + app::printable(report.m_reason));
    if (!report.m_explanation.empty())
        log.line("explanation " + app::printable(report.m_explanation));
    log.line("result " + report.m_result);
}

// check_one - check `ip`, print its result line; the lookups count against a fresh budget,
// as one message's would in the daemon.
coro::Task<void> check_one(resolver::Resolver& shared, const Context& context,
                           resolver::IpAddress ip) {
    const auto& options = context.m_options;
    context.m_log.line("check " + std::string(app::to_string(options.m_mode)) + " " +
                       app::printable(options.m_address) + " " + ip.to_string() +
                       " helo=" + app::printable(options.m_helo));
    resolver::QueryBudget budget(context.m_max_queries);
    resolver::ScopedResolver scoped(shared, budget, {}, context.m_log.tracer());
    const app::CheckReport report =
        co_await app::check_address(scoped, options, context.m_settings, ip);
    log_report(context.m_log, report);
    std::cout << options.m_address << ' ' << ip.to_string() << ' ' << report.m_result << std::endl;
}

// check_target - resolve one operand and check each of its addresses; false if it has none.
coro::Task<bool> check_target(resolver::Resolver& shared, const Context& context,
                              const app::Target& target) {
    if (!target.m_address)
        context.m_log.line("resolve " + target.m_text);
    resolver::QueryBudget budget(context.m_max_queries);
    resolver::ScopedResolver scoped(shared, budget, {}, context.m_log.tracer());
    const app::ResolvedTarget resolved =
        co_await app::resolve_target(scoped, target, context.m_options.m_family);
    if (resolved.m_addresses.empty()) {
        std::cerr << "sidfquery: cannot resolve " << target.m_text << ": " << resolved.m_error
                  << std::endl;
        co_return false;
    }
    for (const auto& ip : resolved.m_addresses)
        co_await check_one(shared, context, ip);
    co_return true;
}

// check_all - every operand in order; false if any host name could not be resolved.
coro::Task<bool> check_all(resolver::Resolver& shared, const Context& context) {
    bool all_resolved = true;
    for (const auto& target : context.m_options.m_targets) {
        const bool resolved = co_await check_target(shared, context, target);
        all_resolved = all_resolved && resolved;
    }
    co_return all_resolved;
}

int usage_error(const std::string& message) {
    std::cerr << app::usage_error_text("sidfquery", message) << std::flush;
    return kExitUsage;
}

int run(const app::SidfqueryOptions& options, const conf::Config& config) {
    std::unique_ptr<Engine> engine;
    try {
        engine = std::make_unique<Engine>(app::resolver_options(config));
    } catch (const std::exception& error) {
        std::cerr << "sidfquery: resolver settings: " << error.what() << std::endl;
        return kExitUsage;
    }
    const Context context{options,
                          {app::local_host_name(), !options.m_verbose && config.m_spf.m_prefetch},
                          static_cast<std::size_t>(config.m_resolver.m_max_queries_per_message),
                          app::VerboseLog(options.m_verbose ? &std::cerr : nullptr)};
    const bool all_resolved =
        coro::sync_wait(engine->scheduler(), check_all(engine->resolver(), context));
    return all_resolved ? kExitEvaluated : kExitUnresolved;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    app::SidfqueryOptions options;
    try {
        options = app::parse_options(args);
    } catch (const app::UsageError& error) {
        return usage_error(error.what());
    }
    if (options.m_version) {
        std::cout << "sidfquery " << app::kVersion << '\n';
        return kExitEvaluated;
    }
    if (options.m_help) {
        std::cout << "sidfquery " << app::kVersion << '\n' << app::usage_text();
        return kExitEvaluated;
    }
    conf::Config config;
    try {
        config = conf::load_config(options.m_config_file, options.m_overrides);
    } catch (const conf::ConfigError& error) {
        std::cerr << "sidfquery: " << error.what() << std::endl;
        return kExitUsage;
    }
    return run(options, config);
}
