// logging.cpp - LogRecord rendering and spdlog sinks (stderr, stdout, syslog, file).
#include "app/common/logging.hpp"

#include <syslog.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <utility>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace enma::app {

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool needs_quotes(std::string_view value) {
    if (value.empty())
        return true;
    for (char c : value)
        if (c == ' ' || c == '"' || c == '=' || c == '\\')
            return true;
    return false;
}

std::string quote_text(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

spdlog::level::level_enum to_spdlog(conf::LogLevel level) {
    switch (level) {
        case conf::LogLevel::trace:
            return spdlog::level::trace;
        case conf::LogLevel::debug:
            return spdlog::level::debug;
        case conf::LogLevel::info:
            return spdlog::level::info;
        case conf::LogLevel::warn:
            return spdlog::level::warn;
        case conf::LogLevel::error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

std::vector<spdlog::sink_ptr> make_sinks(const conf::Config& config, bool foreground) {
    std::vector<spdlog::sink_ptr> sinks;
    switch (config.m_log.m_target) {
        case conf::LogTarget::standard_error:
            sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
            break;
        case conf::LogTarget::standard_output:
            sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
            break;
        case conf::LogTarget::file:
            sinks.push_back(
                std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.m_log.m_file));
            break;
        case conf::LogTarget::syslog:
            sinks.push_back(std::make_shared<spdlog::sinks::syslog_sink_mt>(
                config.m_syslog.m_ident, LOG_PID,
                conf::syslog_facility_value(config.m_syslog.m_facility), true));
            // Under systemd (JOURNAL_STREAM set) the journal gets the syslog copy already.
            if (foreground && std::getenv("JOURNAL_STREAM") == nullptr)
                sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
            break;
    }
    return sinks;
}

// append_json_string - `text` as a JSON string. 8-bit garbage from a message must not make
// the log line invalid JSON: invalid UTF-8 is replaced.
void append_json_string(std::string& out, std::string_view text) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string bounded(std::string_view text, std::size_t limit) {
    std::string out;
    const bool cut = text.size() > limit;
    if (cut)
        text = text.substr(0, limit);
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (cut)
        out += "...";
    return out;
}

LogRecord& LogRecord::add(std::string_view key, std::string_view value) {
    m_fields.push_back({std::string(key), bounded(value), Kind::string});
    return *this;
}

LogRecord& LogRecord::add(std::string_view key, std::int64_t value) {
    m_fields.push_back({std::string(key), std::to_string(value), Kind::number});
    return *this;
}

LogRecord& LogRecord::add(std::string_view key, double value) {
    m_fields.push_back({std::string(key), fmt::format("{:.3f}", value), Kind::number});
    return *this;
}

LogRecord& LogRecord::add(std::string_view key, bool value) {
    m_fields.push_back({std::string(key), value ? "true" : "false", Kind::boolean});
    return *this;
}

std::string LogRecord::text() const {
    std::string out = m_event;
    for (const auto& field : m_fields) {
        out += ' ';
        out += field.m_key;
        out += '=';
        out += needs_quotes(field.m_value) ? quote_text(field.m_value) : field.m_value;
    }
    return out;
}

std::string LogRecord::json_fields() const {
    // Written field by field: numbers and booleans are JSON literals already, and an object
    // built and dumped by nlohmann cost more than the rest of a message's record.
    std::string out = "\"event\":";
    append_json_string(out, m_event);
    for (const auto& field : m_fields) {
        out += ',';
        append_json_string(out, field.m_key);
        out += ':';
        if (field.m_kind == Kind::string)
            append_json_string(out, field.m_value);
        else
            out += field.m_value;
    }
    return out;
}

// g_logger - the logger (the one global DESIGN.md allows), held here as well as in spdlog's
// registry: emit() copies it under the mutex, and setup_logging() drops the replaced
// logger's last reference in this (instrumented) code rather than inside libspdlog, so a
// reload under load is race-free and visibly so to ThreadSanitizer. (A mutex, not
// std::atomic<shared_ptr>: libstdc++ 12's lock bit in the pointer is opaque to TSan.)
struct LoggerSlot {
    std::mutex m_mutex;
    std::shared_ptr<spdlog::logger> m_logger;
};
LoggerSlot g_logger;

void setup_logging(const conf::Config& config, bool foreground, bool verbose) {
    const bool json = config.m_log.m_format == conf::LogFormat::json;
    auto sinks = make_sinks(config, foreground);
    auto logger =
        std::make_shared<spdlog::logger>(json ? "json" : "text", sinks.begin(), sinks.end());
    if (json)
        logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l",%v})");
    else
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    // syslog stamps time and priority itself.
    for (auto& sink : logger->sinks())
        if (dynamic_cast<spdlog::sinks::syslog_sink_mt*>(sink.get()) != nullptr)
            sink->set_pattern(json ? "{%v}" : "%v");
    logger->set_level(verbose ? spdlog::level::debug : to_spdlog(config.m_log.m_level));
    logger->flush_on(spdlog::level::info);
    // syslog.logmask: the C library drops what is less severe before it reaches syslogd.
    setlogmask(LOG_UPTO(conf::syslog_priority_value(config.m_syslog.m_logmask)));
    // Replacing the logger closes the old log file: this is also how SIGUSR1 reopens it.
    std::shared_ptr<spdlog::logger> previous;
    {
        std::lock_guard lock(g_logger.m_mutex);
        previous = std::exchange(g_logger.m_logger, logger);
    }
    spdlog::set_default_logger(std::move(logger));
    previous.reset();  // the registry's reference is gone: the last one is dropped here
}

// emit - a shared_ptr copy, not default_logger_raw(): a SIGHUP or SIGUSR1 replaces the
// logger while other threads log, and the one they hold must outlive their call.
void emit(spdlog::level::level_enum level, const LogRecord& record) {
    std::shared_ptr<spdlog::logger> logger;
    {
        std::lock_guard lock(g_logger.m_mutex);
        logger = g_logger.m_logger;
    }
    if (!logger)  // before setup_logging(): spdlog's own console logger
        logger = spdlog::default_logger();
    if (!logger->should_log(level))
        return;
    logger->log(level, logger->name() == "json" ? record.json_fields() : record.text());
}

}  // namespace enma::app
