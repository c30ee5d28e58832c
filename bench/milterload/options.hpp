// options.hpp - milterload's command line.
#pragma once

#include <string>
#include <vector>

#include "bench/milterload/milter_client.hpp"

namespace milterload {

// Filter - one --socket and the --expect texts given after it.
struct Filter {
    std::string m_socket;
    std::vector<std::string> m_expect;  // a message counts as unexpected if one is missing
};

struct Options {
    std::vector<Filter> m_filters;  // each message goes through all of them, in this order
    std::string m_corpus;
    unsigned m_concurrency = 1;
    unsigned long m_messages = 0;  // total over all connections; 0: use m_duration
    double m_duration = 0;         // seconds
    SocketOptions m_socket_options;
    std::vector<int> m_pids;       // the filters' processes, for their CPU time (summed)
    std::string m_label;           // copied into the result line
    unsigned m_ramp_ms = 0;        // connection i opens i * m_ramp_ms after the start
    bool m_hold = false;           // every connection open before any sends its first message
    bool m_reconnect = false;      // QUIT and reconnect after every message
    unsigned m_dialogue_ms = 0;    // pause between opening a connection and its first MAIL
    unsigned m_pace_ms = 0;        // wait this long between the commands of a message (slow MTAs)
    unsigned m_pace_threads = 64;  // threads driving the paced connections
};

// parse_options - throws std::invalid_argument with a one-line reason.
Options parse_options(int argc, char** argv);
extern const char* const kUsage;

}  // namespace milterload
