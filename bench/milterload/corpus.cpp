// corpus.cpp - reading .eml files and their .env envelopes.
#include "bench/milterload/corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace milterload {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

void apply_envelope_line(Envelope& envelope, const std::string& line) {
    std::istringstream fields(line);
    std::string key, value;
    fields >> key >> value;
    if (key.empty() || key[0] == '#')
        return;
    if (key == "client_addr")
        envelope.m_client_addr = value;
    else if (key == "client_name")
        envelope.m_client_name = value;
    else if (key == "client_port")
        envelope.m_client_port = static_cast<unsigned>(std::stoul(value));
    else if (key == "helo")
        envelope.m_helo = value;
    else if (key == "mail_from")
        envelope.m_mail_from = value;
    else if (key == "rcpt")
        envelope.m_rcpts.push_back(value);
    else
        throw std::runtime_error("unknown envelope key: " + key);
}

Envelope load_envelope(const std::filesystem::path& path) {
    Envelope envelope;
    if (std::filesystem::exists(path))
        for (const std::string& line : split_lines(read_file(path)))
            apply_envelope_line(envelope, line);
    if (envelope.m_client_name.empty())
        envelope.m_client_name = "[" + envelope.m_client_addr + "]";
    if (envelope.m_helo.empty())
        envelope.m_helo = envelope.m_client_name;
    if (envelope.m_rcpts.empty())
        envelope.m_rcpts.push_back("postmaster@bench.example");
    return envelope;
}

}  // namespace

Message parse_message(const std::string& text) {
    Message message;
    const std::vector<std::string> lines = split_lines(text);
    size_t i = 0;
    for (; i < lines.size() && !lines[i].empty(); ++i) {
        const std::string& line = lines[i];
        if ((line[0] == ' ' || line[0] == '\t') && !message.m_headers.empty()) {
            message.m_headers.back().m_value += "\n" + line;
            continue;
        }
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            throw std::runtime_error("not a header field: " + line.substr(0, 60));
        message.m_headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
    }
    for (++i; i < lines.size(); ++i)
        message.m_body += lines[i] + "\r\n";
    return message;
}

std::vector<Message> load_corpus(const std::string& directory) {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        if (entry.path().extension() == ".eml")
            paths.push_back(entry.path());
    if (paths.empty())
        throw std::runtime_error("no .eml file in " + directory);
    std::sort(paths.begin(), paths.end());
    std::vector<Message> corpus;
    for (const auto& path : paths) {
        Message message = parse_message(read_file(path));
        message.m_name = path.filename().string();
        message.m_envelope = load_envelope(std::filesystem::path(path).replace_extension(".env"));
        corpus.push_back(std::move(message));
    }
    return corpus;
}

}  // namespace milterload
