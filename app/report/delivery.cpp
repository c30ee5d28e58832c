// delivery.cpp - SMTP or posix_spawn for sendmail, write-and-rename for files.
#include "app/report/delivery.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/report/smtp_client.hpp"

extern char** environ;

namespace enma::report {

namespace {

// write_all - the whole buffer to `fd`; false on an error (EPIPE included).
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

DeliveryResult wait_for(pid_t pid, const std::string& program, bool wrote) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return program + ": waitpid: " + std::strerror(errno);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return wrote ? "" : program + ": did not read the whole message";
    if (WIFEXITED(status))
        return program + " exited with status " + std::to_string(WEXITSTATUS(status));
    return program + " was killed by signal " + std::to_string(WTERMSIG(status));
}

// spawn - `program` with `argv`, `stdin_fd` as its standard input; posix_spawn's result.
// The daemon blocks its handled signals in every thread (and a caller may ignore SIGPIPE):
// the program starts with none blocked and SIGPIPE at its default.
int spawn(const std::string& program, char* const argv[], int stdin_fd, pid_t& pid) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
    // Nothing else of enma's: the daemon's MTA connections, listening socket and resolver
    // sockets would otherwise stay open in sendmail for as long as it runs.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return spawned;
}

}  // namespace

DeliveryResult send_with_sendmail(const std::string& program, const std::string& from,
                                  std::string_view message) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return std::string("pipe: ") + std::strerror(errno);
    std::string arg0 = program, t = "-t", oi = "-oi", f = "-f", sender = from;
    char* argv[] = {arg0.data(), t.data(), oi.data(), f.data(), sender.data(), nullptr};
    pid_t pid = 0;
    const int spawned = spawn(program, argv, pipe_fds[0], pid);
    ::close(pipe_fds[0]);
    if (spawned != 0) {
        ::close(pipe_fds[1]);
        return program + ": " + std::strerror(spawned);
    }
    // A program that exits early must not kill us with SIGPIPE.
    const auto previous = ::signal(SIGPIPE, SIG_IGN);
    const bool wrote = write_all(pipe_fds[1], message);
    ::close(pipe_fds[1]);
    ::signal(SIGPIPE, previous);
    return wait_for(pid, program, wrote);
}

DeliveryResult send_report_mail(const MailTransport& transport, const std::string& from,
                                const std::string& to, std::string_view message) {
    if (transport.m_smtp.empty())
        return send_with_sendmail(transport.m_sendmail, from, message);
    return send_with_smtp(transport.m_smtp, {from, {to}, message});
}

DeliveryResult write_report_file(const std::string& directory, const std::string& name,
                                 std::string_view data) {
    const std::filesystem::path target = std::filesystem::path(directory) / name;
    const std::filesystem::path temporary =
        std::filesystem::path(directory) / ("." + name + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        if (!out.flush())
            return "cannot write " + temporary.string();
    }
    std::error_code error;
    std::filesystem::rename(temporary, target, error);
    if (error)
        return "cannot rename to " + target.string() + ": " + error.message();
    return "";
}

}  // namespace enma::report
