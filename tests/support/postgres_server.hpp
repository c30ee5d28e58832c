// postgres_server.hpp - a real PostgreSQL server for one test: initdb into a temporary
// directory, pg_ctl start listening on a unix socket in that directory only (no TCP port),
// stopped and removed at the end. Run as root, the server runs as the postgres user
// (runuser). Debian's postgresql package provides the binaries (/usr/lib/postgresql/N/bin).
// The database's collation is ICU's en-US, which orders text unlike byte order (lower case
// before upper: "mx" < "Mx"), so a query that forgets COLLATE "C" shows.
// A server that cannot start throws, with its log: the test fails, never skips.
#pragma once

#include <filesystem>
#include <string>

namespace enma::testing {

class PostgresServer {
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // conninfo - libpq keywords reaching the server's database `postgres` as user enma.
    std::string conninfo() const;
    // create_database - a fresh database; returns its conninfo.
    std::string create_database(const std::string& name) const;

private:
    int run(const std::string& command) const;

    std::filesystem::path m_dir;
    std::filesystem::path m_bin;
    std::string m_as_user;  // "runuser -u postgres -- " when run as root
    bool m_started = false;
};

}  // namespace enma::testing
