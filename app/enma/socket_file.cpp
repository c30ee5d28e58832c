// socket_file.cpp - stat, connect, chmod, chown and unlink of a unix milter socket.
#include "app/enma/socket_file.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "app/enma/daemon.hpp"

namespace enma::app {

namespace {

StartupError failure(const std::string& what) {
    return StartupError("milter.socket: " + what + ": " + std::strerror(errno));
}

// accepts - whether a process listens on the unix socket at `path`.
bool accepts(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        return false;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool connected =
        connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return connected;
}

}  // namespace

std::string socket_file_path(const std::string& socket) {
    for (const char* prefix : {"unix:", "local:"})
        if (socket.rfind(prefix, 0) == 0)
            return socket.substr(std::strlen(prefix));
    return {};
}

void check_socket_file(const std::string& path) {
    struct stat status {};
    if (path.empty() || lstat(path.c_str(), &status) != 0)
        return;
    if (!S_ISSOCK(status.st_mode))
        throw StartupError("milter.socket: " + path +
                           " exists and is not a socket; remove it or choose another path");
    if (accepts(path))
        throw StartupError("milter.socket: " + path +
                           " is in use: a running process accepts on it (another enma?)");
    if (unlink(path.c_str()) != 0)
        throw failure("cannot remove the stale socket " + path);
}

void set_socket_access(const std::string& path, unsigned mode, const std::string& user,
                       const std::string& group) {
    if (path.empty())
        return;
    if (chmod(path.c_str(), mode) != 0)
        throw failure("chmod " + path);
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    if (const passwd* entry = user.empty() ? nullptr : getpwnam(user.c_str())) {
        uid = entry->pw_uid;
        gid = entry->pw_gid;
    }
    if (!group.empty()) {
        const struct group* entry = getgrnam(group.c_str());
        if (entry == nullptr)
            throw StartupError("milter.socket_group: no such group: " + group);
        gid = entry->gr_gid;
    }
    if (chown(path.c_str(), uid, gid) != 0)
        throw failure("chown " + path);
}

void remove_socket_file(const std::string& path) noexcept {
    if (!path.empty())
        unlink(path.c_str());
}

}  // namespace enma::app
