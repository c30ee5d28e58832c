// logging.hpp - structured log records over spdlog, as text or as one JSON object per line.
//
// The spdlog default logger is the program's only global (DESIGN.md). setup_logging() names
// it after the format ("text" or "json") so that emit() knows how to render a record without
// a second global. Untrusted values are bounded (kMaxValue bytes) and control characters are
// escaped, so a hostile header cannot forge log lines or flood the log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "conf/config.hpp"

namespace enma::app {

// LogRecord - an event name plus ordered key/value fields.
class LogRecord {
public:
    static constexpr std::size_t kMaxValue = 256;

    explicit LogRecord(std::string_view event) : m_event(event) {}
    LogRecord& add(std::string_view key, std::string_view value);
    LogRecord& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    LogRecord& add(std::string_view key, std::int64_t value);
    LogRecord& add(std::string_view key, double value);
    LogRecord& add(std::string_view key, bool value);

    // text - `event key=value key="value with spaces"`.
    std::string text() const;
    // json - `"event":"...","key":value,...` without the braces (the log pattern adds time
    // and level around it).
    std::string json_fields() const;

private:
    enum class Kind : std::uint8_t { string, number, boolean };
    struct Field {
        std::string m_key;
        std::string m_value;
        Kind m_kind;
    };
    std::string m_event;
    std::vector<Field> m_fields;
};

// setup_logging - install the default logger from log.* and syslog.*; `foreground` also
// copies records to stderr when the target is syslog (not under systemd, whose journal gets the
// syslog copy: JOURNAL_STREAM is set); `verbose` lowers the level to debug.
// syslog.logmask becomes the process's setlogmask(). Called again (SIGHUP, SIGUSR1) it
// opens the log file anew, so a file renamed by logrotate is let go.
void setup_logging(const conf::Config& config, bool foreground, bool verbose);

// emit - log one record at `level` in the configured format.
void emit(spdlog::level::level_enum level, const LogRecord& record);

// bounded - an untrusted string cut to `limit` bytes with controls escaped as \xNN.
std::string bounded(std::string_view text, std::size_t limit = LogRecord::kMaxValue);

}  // namespace enma::app
