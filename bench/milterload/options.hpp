// options.hpp - milterload's command line.
#pragma once

#include <string>

#include "bench/milterload/milter_client.hpp"

namespace milterload {

struct Options {
    std::string m_socket;
    std::string m_corpus;
    unsigned m_concurrency = 1;
    unsigned long m_messages = 0;  // total over all connections; 0: use m_duration
    double m_duration = 0;         // seconds
    SocketOptions m_socket_options;
    int m_pid = 0;             // the filter's process, for its CPU time; 0: not measured
    std::string m_expect;      // count messages whose modifications lack this text
    std::string m_label;       // copied into the result line
    unsigned m_ramp_ms = 0;    // connection i opens i * m_ramp_ms after the start
    bool m_hold = false;       // every connection open before any sends its first message
    bool m_reconnect = false;  // QUIT and reconnect after every message
};

// parse_options - throws std::invalid_argument with a one-line reason.
Options parse_options(int argc, char** argv);
extern const char* const kUsage;

}  // namespace milterload
