// postgres_server.cpp - initdb, pg_ctl start/stop, createdb through the shell.
#include "tests/support/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace enma::testing {

namespace {

// newest_bin - the newest /usr/lib/postgresql/N/bin holding initdb.
std::filesystem::path newest_bin() {
    std::filesystem::path best;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
        if (std::filesystem::exists(entry.path() / "bin" / "initdb") &&
            (best.empty() || std::stoi(entry.path().filename().string()) >
                                 std::stoi(best.parent_path().filename().string())))
            best = entry.path() / "bin";
    if (best.empty())
        throw std::runtime_error("PostgreSQL binaries not found in /usr/lib/postgresql");
    return best;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

PostgresServer::PostgresServer() : m_bin(newest_bin()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "enma-pg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    m_dir = pattern;
    if (geteuid() == 0) {
        const passwd* user = getpwnam("postgres");
        if (user == nullptr || chown(m_dir.c_str(), user->pw_uid, user->pw_gid) != 0)
            throw std::runtime_error("cannot hand " + m_dir.string() + " to user postgres");
        m_as_user = "runuser -u postgres -- ";
    }
    const auto data = m_dir / "data";
    if (run((m_bin / "initdb").string() + " -D " + data.string() +
            " -A trust -U enma -E UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US "
            "> " +
            (m_dir / "initdb.log").string() + " 2>&1") != 0)
        throw std::runtime_error("initdb failed: " + read_file(m_dir / "initdb.log"));
    const std::string options = "-k " + m_dir.string() + " -c listen_addresses= -c fsync=off";
    if (run((m_bin / "pg_ctl").string() + " -D " + data.string() + " -l " +
            (m_dir / "server.log").string() + " -w -t 60 -o '" + options + "' start > /dev/null") !=
        0)
        throw std::runtime_error("pg_ctl start failed: " + read_file(m_dir / "server.log"));
    m_started = true;
}

PostgresServer::~PostgresServer() {
    if (m_started)
        run((m_bin / "pg_ctl").string() + " -D " + (m_dir / "data").string() +
            " -m immediate -w stop > /dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

int PostgresServer::run(const std::string& command) const {
    return std::system((m_as_user + command).c_str());
}

std::string PostgresServer::conninfo() const {
    return "host=" + m_dir.string() + " user=enma dbname=postgres";
}

std::string PostgresServer::create_database(const std::string& name) const {
    if (run((m_bin / "createdb").string() + " -h " + m_dir.string() + " -U enma " + name) != 0)
        throw std::runtime_error("createdb " + name + " failed");
    return "host=" + m_dir.string() + " user=enma dbname=" + name;
}

}  // namespace enma::testing
