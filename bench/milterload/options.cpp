// options.cpp - milterload's command line parsing.
#include "bench/milterload/options.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace milterload {

const char* const kUsage =
    "usage: milterload --socket inet:PORT@HOST|unix:PATH [--expect TEXT]... [--socket ...]\n"
    "                  --corpus DIR (--messages N | --duration SECONDS) [--concurrency N]\n"
    "                  [--nodelay] [--quickack] [--pid PID]... [--label TEXT]\n"
    "                  [--ramp-ms MS] [--hold] [--reconnect] [--dialogue-ms MS]\n"
    "                  [--pace-ms MS [--pace-threads N]]\n"
    "  --socket S       a filter; repeated: each message goes through every filter in turn,\n"
    "                   its whole conversation with the first, then with the next (a chain)\n"
    "  --concurrency N  connections, one thread each, each reused for message after message\n"
    "  --nodelay        set TCP_NODELAY on the client sockets\n"
    "  --quickack       re-arm TCP_QUICKACK after every read (neither: an ordinary client)\n"
    "  --pid PID        report the filter's CPU time per message (/proc/PID/stat); repeated:\n"
    "                   the sum of the processes' CPU times\n"
    "  --expect TEXT    count messages whose modification replies from the filter of the\n"
    "                   --socket before it (the first if none) lack TEXT; repeatable\n"
    "  --label TEXT     first field of the result line\n"
    "  --ramp-ms MS     open connection i only i * MS after the start (default 0: all at once)\n"
    "  --hold           send no message until every connection is open (or 60 s have passed)\n"
    "  --reconnect      a new connection per message (QUIT after each), as Postfix opens one\n"
    "                   per SMTP session\n"
    "  --dialogue-ms MS wait MS after opening a connection (CONNECT, HELO) before its first\n"
    "                   MAIL, as an SMTP client's EHLO, MAIL, RCPT and DATA round trips do;\n"
    "                   latency is still counted from MAIL (default 0)\n"
    "  --pace-ms MS     slow clients: every connection opens, waits for all the others\n"
    "                   (as --hold), then sends one command of its message every MS ms;\n"
    "                   --pace-threads N threads (default 64) drive all the connections\n";

namespace {

std::string value_of(int argc, char** argv, int& i) {
    if (i + 1 >= argc)
        throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    std::vector<std::pair<size_t, std::string>> expects;  // filter index, text
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--socket")
            options.m_filters.push_back({value_of(argc, argv, i), {}});
        else if (flag == "--corpus")
            options.m_corpus = value_of(argc, argv, i);
        else if (flag == "--concurrency")
            options.m_concurrency = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--messages")
            options.m_messages = std::stoul(value_of(argc, argv, i));
        else if (flag == "--duration")
            options.m_duration = std::stod(value_of(argc, argv, i));
        else if (flag == "--pid")
            options.m_pids.push_back(std::stoi(value_of(argc, argv, i)));
        else if (flag == "--expect")
            expects.push_back({options.m_filters.empty() ? 0 : options.m_filters.size() - 1,
                               value_of(argc, argv, i)});
        else if (flag == "--pace-ms")
            options.m_pace_ms = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--pace-threads")
            options.m_pace_threads = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--ramp-ms")
            options.m_ramp_ms = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--dialogue-ms")
            options.m_dialogue_ms = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--label")
            options.m_label = value_of(argc, argv, i);
        else if (flag == "--hold")
            options.m_hold = true;
        else if (flag == "--reconnect")
            options.m_reconnect = true;
        else if (flag == "--nodelay")
            options.m_socket_options.m_nodelay = true;
        else if (flag == "--quickack")
            options.m_socket_options.m_quickack = true;
        else
            throw std::invalid_argument("unknown flag " + std::string(flag));
    }
    if (options.m_filters.empty() || options.m_corpus.empty())
        throw std::invalid_argument("--socket and --corpus are required");
    for (auto& [index, text] : expects)
        options.m_filters[index].m_expect.push_back(std::move(text));
    if (options.m_pace_ms > 0 && (options.m_messages == 0 || options.m_filters.size() != 1))
        throw std::invalid_argument("--pace-ms needs --messages and a single --socket");
    if (options.m_pace_threads == 0)
        throw std::invalid_argument("--pace-threads must be at least 1");
    if ((options.m_messages == 0) == (options.m_duration <= 0))
        throw std::invalid_argument("give exactly one of --messages and --duration");
    if (options.m_concurrency == 0)
        throw std::invalid_argument("--concurrency must be at least 1");
    return options;
}

}  // namespace milterload
