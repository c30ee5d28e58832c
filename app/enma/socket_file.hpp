// socket_file.hpp - the file of a unix: (local:) milter socket: stale or live, its
// permissions and group, its removal at exit.
//
// libmilter, asked to, unlinks whatever is at the path before it binds, which would steal
// the socket of a running enma; check_socket_file() refuses a live one first. Inet sockets
// have no file: every function here does nothing for them.
#pragma once

#include <string>

namespace enma::app {

// socket_file_path - the path of a unix:/local: socket spec, or empty for inet/inet6.
std::string socket_file_path(const std::string& socket);

// check_socket_file - nothing there: fine; a socket nobody listens on: removed (stale); a
// socket something accepts on, or a file that is no socket: StartupError naming the path.
void check_socket_file(const std::string& path);

// set_socket_access - chmod `mode`, and chown to `user` (if any) and `group` (if any, else
// the user's primary group). Called right after the bind, while still root.
void set_socket_access(const std::string& path, unsigned mode, const std::string& user,
                       const std::string& group);

// remove_socket_file - best effort at exit.
void remove_socket_file(const std::string& path) noexcept;

}  // namespace enma::app
