// enma_main.cpp - the enma milter daemon: configuration, daemon duties, smfi_main, shutdown.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "app/common/getopt_args.hpp"
#include "app/common/logging.hpp"
#include "app/common/runtime.hpp"
#include "app/common/settings.hpp"
#include "app/common/version.hpp"
#include "app/enma/daemon.hpp"
#include "app/enma/enma_options.hpp"
#include "app/enma/milter_bridge.hpp"
#include "app/enma/reload.hpp"
#include "app/enma/self_check.hpp"
#include "app/enma/signal_thread.hpp"
#include "app/enma/socket_file.hpp"
#include "app/report/destination_check.hpp"
#include "app/report/failure_sender.hpp"
#include "app/report/recorder.hpp"
#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "conf/config_render.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"

#include <libmilter/mfapi.h>

namespace {

using namespace enma;

constexpr int kExitUsage = 2;

// setup_logging - log.* and syslog.* of `config` with the command line's -f and -v.
void setup_logging(const app::EnmaOptions& options, const conf::Config& config) {
    app::setup_logging(config, options.m_foreground,
                       options.m_verbose || config.m_milter.m_verbose);
}

// warn_restart_keys - each changed key a reload cannot apply, by name.
void warn_restart_keys(const conf::Config& running, const conf::Config& loaded) {
    for (const auto key : app::keys_needing_restart(running, loaded))
        app::emit(spdlog::level::warn, app::LogRecord("reload.restart_needed").add("key", key));
}

// reload - SIGHUP: new connections get the new configuration and the logger is rebuilt from
// it; a bad file keeps the old one. `started` holds the values the restart-only keys run with.
void reload(const app::EnmaOptions& options, const conf::Config& started,
            coro::Scheduler& scheduler, app::RuntimeHolder& holder) {
    app::notify_service_manager("RELOADING=1");
    try {
        auto config = conf::load_config(app::config_file_to_read(options), options.m_overrides);
        setup_logging(options, config);
        warn_restart_keys(started, config);
        holder.replace(app::build_runtime(std::move(config), scheduler, holder.current()));
        app::emit(spdlog::level::info, app::LogRecord("reload").add("status", "ok"));
    } catch (const std::exception& e) {
        app::emit(spdlog::level::err, app::LogRecord("reload")
                                          .add("status", "kept previous configuration")
                                          .add("error", e.what()));
    }
    app::notify_service_manager("READY=1");
}

// reopen_logs - SIGUSR1: the log file opened anew (after logrotate moved it).
void reopen_logs(const app::EnmaOptions& options, app::RuntimeHolder& holder) {
    setup_logging(options, holder.current()->m_config);
    app::emit(spdlog::level::info, app::LogRecord("reopen"));
}

// open_socket - the milter socket bound (a live unix socket refused, a stale one removed),
// with its mode and group set while still root.
void open_socket(app::MilterService& service, const conf::MilterConfig& milter) {
    const auto path = app::socket_file_path(milter.m_socket);
    app::check_socket_file(path);
    app::open_milter_socket(service, milter.m_socket,
                            static_cast<int>(milter.m_timeout.count() / 1000), milter.m_loglevel);
    app::set_socket_access(path, milter.m_socket_mode, milter.m_user, milter.m_socket_group);
}

// become_daemon_user - pid file, milter.user and milter.chdir, in ENMA's order.
void become_daemon_user(const conf::MilterConfig& milter) {
    if (!milter.m_pidfile.empty())
        app::prepare_pidfile_directory(milter.m_pidfile, milter.m_user);
    if (!milter.m_user.empty())
        app::drop_privileges(milter.m_user);
    if (!milter.m_pidfile.empty())
        app::write_pidfile(milter.m_pidfile);
    if (!milter.m_chdir.empty())
        app::change_directory(milter.m_chdir);
}

// self_test - `enma -t`: the configuration has loaded; now the DNS path. 0 if all is well.
int self_test(const conf::Config& config) {
    bool ok = true;
    for (const auto& outcome : app::check_resolver_path(config)) {
        std::cout << (outcome.m_ok ? "ok   " : "FAIL ") << outcome.m_name << ": "
                  << outcome.m_detail << '\n';
        ok = ok && outcome.m_ok;
    }
    std::cout << (ok ? "enma -t: configuration and DNS path ok\n"
                     : "enma -t: the DNS path has problems (above)\n");
    return ok ? 0 : 1;
}

// warn_about_dns - the checks of -t at start-up, failures logged as warnings (start-up goes
// on: the messages of a broken DNS path fail open). At most three query timeouts long.
void warn_about_dns(const conf::Config& config) {
    for (const auto& outcome : app::check_resolver_path(config))
        if (!outcome.m_ok)
            app::emit(spdlog::level::warn, app::LogRecord("selfcheck")
                                               .add("check", outcome.m_name)
                                               .add("detail", outcome.m_detail));
}

// on_stop - SIGTERM/SIGINT: messages in progress finish first (MilterService::drain), then
// libmilter stops accepting.
void on_stop(app::MilterService& service, const conf::MilterConfig& milter, int signal) {
    app::notify_service_manager("STOPPING=1");
    app::emit(spdlog::level::info, app::LogRecord("stop").add("signal", std::int64_t{signal}));
    service.drain(milter.m_shutdown_timeout);
    smfi_stop();
}

// log_loop_error - the loop's exception barrier reports here: a bug costs its message (the
// TaskGroup fails it closed), never the daemon.
void log_loop_error(std::exception_ptr error) {
    std::string what = "unknown";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    app::emit(spdlog::level::err, app::LogRecord("loop.error").add("error", what));
}

// start_recorder - report.store's recorder; null when it is off.
std::unique_ptr<report::Recorder> start_recorder(const conf::Config& config,
                                                 std::shared_ptr<app::Metrics> metrics) {
    if (config.m_report.m_store.empty())
        return nullptr;
    return std::make_unique<report::Recorder>(
        report::recorder_options(config, app::local_host_name()), std::move(metrics));
}

// stop_recorder - the queued records written while the store answers (within `timeout`),
// then what was written and dropped in all.
void stop_recorder(report::Recorder* recorder, std::chrono::milliseconds timeout) {
    if (recorder == nullptr)
        return;
    recorder->stop(timeout);
    const auto counts = recorder->counts();
    app::emit(spdlog::level::info,
              app::LogRecord("report.stop")
                  .add("written", static_cast<std::int64_t>(counts.m_written))
                  .add("dropped", static_cast<std::int64_t>(counts.m_dropped)));
}

// start_failure_sender - report.failure_reports' sender; null when off. Its destination checks
// run on the daemon's loop and resolver (whichever the current Runtime holds); only the
// sender's thread waits for them.
std::unique_ptr<report::FailureSender> start_failure_sender(const conf::Config& config,
                                                            coro::Scheduler& scheduler,
                                                            app::RuntimeHolder& holder) {
    if (!config.m_report_sender.m_failure_reports)
        return nullptr;
    auto checker = [&scheduler, &holder](const std::string& domain, const std::string& host) {
        const auto runtime = holder.current();
        return coro::sync_wait(scheduler,
                               report::verify_destination(*runtime->m_resolver, domain, host));
    };
    return std::make_unique<report::FailureSender>(report::failure_sender_options(config),
                                                   std::move(checker), holder.current()->m_metrics);
}

// stop_failure_sender - the queued failure reports sent (within `timeout`), then the totals.
void stop_failure_sender(report::FailureSender* sender, std::chrono::milliseconds timeout) {
    if (sender == nullptr)
        return;
    sender->stop(timeout);
    const auto counts = sender->counts();
    app::emit(spdlog::level::info,
              app::LogRecord("failure_report.stop")
                  .add("sent", static_cast<std::int64_t>(counts.m_sent))
                  .add("dropped", static_cast<std::int64_t>(counts.m_dropped))
                  .add("rate_limited", static_cast<std::int64_t>(counts.m_rate_limited))
                  .add("refused", static_cast<std::int64_t>(counts.m_refused))
                  .add("failed", static_cast<std::int64_t>(counts.m_failed)));
}

// serve - everything after the configuration is known; returns the exit status.
int serve(const app::EnmaOptions& options, conf::Config config) {
    // First: the connection read-ahead table (libmilter_tcp.cpp) is sized by this limit.
    const unsigned long descriptors = app::raise_descriptor_limit();
    int ready_fd = options.m_foreground ? -1 : app::detach();
    setup_logging(options, config);
    // Before any thread exists, so that every thread inherits the blocked signals and only
    // SignalThread (below) receives them.
    app::block_handled_signals();
    coro::Scheduler scheduler;
    scheduler.set_error_handler(log_loop_error);
    scheduler.start();
    app::RuntimeHolder holder(app::build_runtime(config, scheduler, nullptr));
    warn_about_dns(config);
    app::MilterService service{scheduler, holder, {}, {}, 0, false, 0, {}, nullptr, nullptr};
    const auto& milter = config.m_milter;
    open_socket(service, milter);
    become_daemon_user(milter);
    // After dropping privileges: the writer creates the SQLite file as the daemon's user.
    const auto recorder = start_recorder(config, holder.current()->m_metrics);
    service.m_recorder = recorder.get();
    const auto failures = start_failure_sender(config, scheduler, holder);
    service.m_failures = failures.get();
    app::SignalThread handler([&] { reload(options, config, scheduler, holder); },
                              [&] { reopen_logs(options, holder); },
                              [&](int signal) { on_stop(service, milter, signal); });
    app::emit(spdlog::level::info,
              app::LogRecord("start")
                  .add("version", app::kVersion)
                  .add("socket", milter.m_socket)
                  .add("authserv_id", holder.current()->m_auth->m_authserv_id)
                  .add("max_descriptors", static_cast<std::int64_t>(descriptors)));
    if (options.m_verbose)
        std::cerr << conf::render_effective(config);
    app::finish_detach(ready_fd);
    app::notify_service_manager("READY=1");
    const int status = app::run_milter();
    const bool idle = service.wait_idle(holder.current()->m_config.m_milter.m_shutdown_timeout);
    stop_recorder(recorder.get(), milter.m_shutdown_timeout);
    stop_failure_sender(failures.get(), milter.m_shutdown_timeout);
    app::emit(spdlog::level::info, app::LogRecord("exit").add("drained", idle));
    app::remove_pidfile(milter.m_pidfile);
    app::remove_socket_file(app::socket_file_path(milter.m_socket));
    // Connections still open after the shutdown timeout belong to libmilter threads we
    // cannot join: leave without running destructors under them (the MTA's
    // milter_default_action decides for those messages).
    if (!idle)
        std::_Exit(status == MI_SUCCESS ? 0 : 1);
    holder.replace(nullptr);
    scheduler.stop();
    return status == MI_SUCCESS ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string error;
    const auto options = app::parse_enma_options(argc, argv, error);
    if (!options) {
        std::cerr << app::usage_error_text("enma", error);
        return kExitUsage;
    }
    if (options->m_version) {
        std::cout << "enma " << app::kVersion << '\n';
        return 0;
    }
    if (options->m_help) {
        std::cout << "enma " << app::kVersion << '\n'
                  << app::enma_usage() << '\n'
                  << conf::render_key_help();
        return 0;
    }
    conf::Config config;
    try {
        config = conf::load_config(app::config_file_to_read(*options), options->m_overrides);
    } catch (const conf::ConfigError& e) {
        std::cerr << "enma: " << e.what() << '\n';
        return kExitUsage;
    }
    if (options->m_test)
        return self_test(config);
    try {
        return serve(*options, std::move(config));
    } catch (const std::exception& e) {
        std::cerr << "enma: " << e.what() << '\n';
        app::emit(spdlog::level::critical, app::LogRecord("fatal").add("error", e.what()));
        return 1;
    }
}
