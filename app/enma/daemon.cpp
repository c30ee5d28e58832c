// daemon.cpp - detach, pid file, setuid, chdir.
#include "app/enma/daemon.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
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

// wait_for_child - the parent's side of detach(): one byte means ready; end of file means
// the child died, and its exit status is ours.
[[noreturn]] void wait_for_child(pid_t child, int ready_fd) {
    char byte = 0;
    ssize_t got;
    do
        got = read(ready_fd, &byte, 1);
    while (got < 0 && errno == EINTR);
    if (got == 1)
        _exit(0);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    _exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1);
}

// redirect - `target` (stdin, stdout, stderr) to /dev/null.
void redirect(int target) noexcept {
    const int null = open("/dev/null", O_RDWR);
    if (null < 0)
        return;
    dup2(null, target);
    if (null != target)
        close(null);
}

int detach() {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) < 0)
        throw failure("pipe");
    const pid_t pid = fork();
    if (pid < 0)
        throw failure("fork");
    if (pid > 0) {
        close(ends[1]);
        wait_for_child(pid, ends[0]);
    }
    close(ends[0]);
    if (setsid() < 0)
        throw failure("setsid");
    redirect(STDIN_FILENO);
    return ends[1];
}

void finish_detach(int& ready_fd) noexcept {
    if (ready_fd < 0)
        return;
    const char byte = 1;
    [[maybe_unused]] const auto written = write(ready_fd, &byte, 1);
    close(ready_fd);
    ready_fd = -1;
    redirect(STDOUT_FILENO);
    redirect(STDERR_FILENO);
}

void notify_service_manager(const char* state) noexcept {
    sd_notify(0, state);
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
