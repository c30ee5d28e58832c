// command.hpp - running a tool's real binary from an integration test, and files around it.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace enma::integration {

struct Result {
    int m_status = -1;
    std::string m_out;
};

// run - a shell command line; its exit status and standard output.
inline Result run(const std::string& command) {
    Result result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE_MESSAGE(pipe, "cannot run " << command);
    std::array<char, 4096> buffer{};
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
        result.m_out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.m_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace enma::integration
