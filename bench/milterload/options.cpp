// options.cpp - milterload's command line parsing.
#include "bench/milterload/options.hpp"

#include <stdexcept>
#include <string_view>

namespace milterload {

const char* const kUsage =
    "usage: milterload --socket inet:PORT@HOST|unix:PATH --corpus DIR\n"
    "                  (--messages N | --duration SECONDS) [--concurrency N]\n"
    "                  [--nodelay] [--quickack] [--pid PID] [--expect TEXT] [--label TEXT]\n"
    "                  [--ramp-ms MS] [--hold] [--reconnect]\n"
    "  --concurrency N  connections, one thread each, each reused for message after message\n"
    "  --nodelay        set TCP_NODELAY on the client sockets\n"
    "  --quickack       re-arm TCP_QUICKACK after every read (neither: an ordinary client)\n"
    "  --pid PID        report the filter's CPU time per message (/proc/PID/stat)\n"
    "  --expect TEXT    count messages whose modification replies do not contain TEXT\n"
    "  --label TEXT     first field of the result line\n"
    "  --ramp-ms MS     open connection i only i * MS after the start (default 0: all at once)\n"
    "  --hold           send no message until every connection is open (or 60 s have passed)\n"
    "  --reconnect      a new connection per message (QUIT after each), as Postfix opens one\n"
    "                   per SMTP session\n";

namespace {

std::string value_of(int argc, char** argv, int& i) {
    if (i + 1 >= argc)
        throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--socket")
            options.m_socket = value_of(argc, argv, i);
        else if (flag == "--corpus")
            options.m_corpus = value_of(argc, argv, i);
        else if (flag == "--concurrency")
            options.m_concurrency = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
        else if (flag == "--messages")
            options.m_messages = std::stoul(value_of(argc, argv, i));
        else if (flag == "--duration")
            options.m_duration = std::stod(value_of(argc, argv, i));
        else if (flag == "--pid")
            options.m_pid = std::stoi(value_of(argc, argv, i));
        else if (flag == "--expect")
            options.m_expect = value_of(argc, argv, i);
        else if (flag == "--ramp-ms")
            options.m_ramp_ms = static_cast<unsigned>(std::stoul(value_of(argc, argv, i)));
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
    if (options.m_socket.empty() || options.m_corpus.empty())
        throw std::invalid_argument("--socket and --corpus are required");
    if ((options.m_messages == 0) == (options.m_duration <= 0))
        throw std::invalid_argument("give exactly one of --messages and --duration");
    if (options.m_concurrency == 0)
        throw std::invalid_argument("--concurrency must be at least 1");
    return options;
}

}  // namespace milterload
