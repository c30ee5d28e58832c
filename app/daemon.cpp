// daemon.cpp - detach, pid file, setuid, chdir.
#include "app/daemon.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace enma::app {

namespace {
StartupError failure(const std::string& what) {
    return StartupError(what + ": " + std::strerror(errno));
}
}  // namespace

unsigned long raise_descriptor_limit() noexcept {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return static_cast<unsigned long>(limit.rlim_cur);
}

void detach() {
    const pid_t pid = fork();
    if (pid < 0)
        throw failure("fork");
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        throw failure("setsid");
    const int null = open("/dev/null", O_RDWR);
    if (null < 0)
        throw failure("open /dev/null");
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO)
        close(null);
}

void prepare_pidfile_directory(const std::string& path, const std::string& user) {
    const auto directory = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!std::filesystem::create_directories(directory, ec) || user.empty())
        return;
    if (const passwd* entry = getpwnam(user.c_str()))
        if (chown(directory.c_str(), entry->pw_uid, entry->pw_gid) < 0)
            throw failure("chown " + directory.string());
}

void write_pidfile(const std::string& path) {
    std::ofstream out(path, std::ios::trunc);
    if (!out)
        throw failure("pid file " + path);
    out << getpid() << '\n';
    if (!out.flush())
        throw failure("pid file " + path);
}

void remove_pidfile(const std::string& path) noexcept {
    if (!path.empty())
        unlink(path.c_str());
}

void drop_privileges(const std::string& user) {
    errno = 0;
    const passwd* entry = getpwnam(user.c_str());
    if (entry == nullptr) {
        if (errno == 0)
            throw StartupError("milter.user: no such user: " + user);
        throw failure("milter.user: getpwnam " + user);
    }
    if (getuid() == entry->pw_uid)
        return;
    if (setgroups(0, nullptr) < 0)
        throw failure("setgroups");
    if (setgid(entry->pw_gid) < 0)
        throw failure("setgid " + user);
    if (setuid(entry->pw_uid) < 0)
        throw failure("setuid " + user);
}

void change_directory(const std::string& path) {
    if (chdir(path.c_str()) < 0)
        throw failure("milter.chdir " + path);
}

}  // namespace enma::app
