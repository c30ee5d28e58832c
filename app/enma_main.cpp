// enma_main.cpp - the enma milter daemon: configuration, daemon duties, smfi_main, shutdown.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "app/daemon.hpp"
#include "app/enma_options.hpp"
#include "app/logging.hpp"
#include "app/milter_bridge.hpp"
#include "app/runtime.hpp"
#include "app/signal_thread.hpp"
#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "conf/config_render.hpp"
#include "coro/scheduler.hpp"

#include <libmilter/mfapi.h>

namespace {

using namespace enma;

constexpr int kExitUsage = 2;

// reload - SIGHUP: new connections get the new configuration; a bad file keeps the old one.
void reload(const app::EnmaOptions& options, coro::Scheduler& scheduler,
            app::RuntimeHolder& holder) {
    try {
        auto config = conf::load_config(options.m_config_file, options.m_overrides);
        holder.replace(app::build_runtime(std::move(config), scheduler, holder.current()));
        app::emit(spdlog::level::info, app::LogRecord("reload").add("status", "ok"));
    } catch (const std::exception& e) {
        app::emit(spdlog::level::err, app::LogRecord("reload")
                                          .add("status", "kept previous configuration")
                                          .add("error", e.what()));
    }
}

// serve - everything after the configuration is known; returns the exit status.
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

int serve(const app::EnmaOptions& options, conf::Config config) {
    // First: the connection read-ahead table (libmilter_tcp.cpp) is sized by this limit.
    const unsigned long descriptors = app::raise_descriptor_limit();
    if (!options.m_foreground)
        app::detach();
    app::setup_logging(config, options.m_foreground,
                       options.m_verbose || config.m_milter.m_verbose);
    // Before any thread exists, so that every thread inherits the blocked signals and only
    // SignalThread (below) receives them.
    app::block_handled_signals();
    coro::Scheduler scheduler;
    scheduler.set_error_handler(log_loop_error);
    scheduler.start();
    app::RuntimeHolder holder(app::build_runtime(config, scheduler, nullptr));
    app::MilterService service{scheduler, holder, {}, {}, 0, false, 0, {}};
    const auto& milter = config.m_milter;
    app::open_milter_socket(service, milter.m_socket,
                            static_cast<int>(milter.m_timeout.count() / 1000), milter.m_loglevel);
    if (!milter.m_pidfile.empty())
        app::prepare_pidfile_directory(milter.m_pidfile, milter.m_user);
    if (!milter.m_user.empty())
        app::drop_privileges(milter.m_user);
    if (!milter.m_pidfile.empty())
        app::write_pidfile(milter.m_pidfile);
    if (!milter.m_chdir.empty())
        app::change_directory(milter.m_chdir);
    app::SignalThread handler([&] { reload(options, scheduler, holder); },
                              [&service, &milter](int signal) {
                                  app::emit(
                                      spdlog::level::info,
                                      app::LogRecord("stop").add("signal", std::int64_t{signal}));
                                  // Messages in progress finish first (MilterService::drain).
                                  service.drain(milter.m_shutdown_timeout);
                                  smfi_stop();
                              });
    app::emit(spdlog::level::info,
              app::LogRecord("start")
                  .add("socket", milter.m_socket)
                  .add("authserv_id", holder.current()->m_auth->m_authserv_id)
                  .add("max_descriptors", static_cast<std::int64_t>(descriptors)));
    if (options.m_verbose)
        std::cerr << conf::render_effective(config);
    const int status = app::run_milter();
    const bool idle = service.wait_idle(milter.m_shutdown_timeout);
    app::emit(spdlog::level::info, app::LogRecord("exit").add("drained", idle));
    app::remove_pidfile(milter.m_pidfile);
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
        std::cerr << "enma: " << error << '\n' << app::enma_usage();
        return kExitUsage;
    }
    if (options->m_help) {
        std::cout << app::enma_usage() << '\n' << conf::render_key_help();
        return 0;
    }
    conf::Config config;
    try {
        config = conf::load_config(options->m_config_file, options->m_overrides);
    } catch (const conf::ConfigError& e) {
        std::cerr << "enma: " << e.what() << '\n';
        return kExitUsage;
    }
    try {
        return serve(*options, std::move(config));
    } catch (const std::exception& e) {
        std::cerr << "enma: " << e.what() << '\n';
        app::emit(spdlog::level::critical, app::LogRecord("fatal").add("error", e.what()));
        return 1;
    }
}
