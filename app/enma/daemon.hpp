// daemon.hpp - the duties of a Unix daemon: detach, pid file, user, working directory.
//
// Each fails with a StartupError naming what and why (a bad environment is fatal at
// start-up, never later).
#pragma once

#include <string>

#include "app/common/startup_error.hpp"

namespace enma::app {

// raise_descriptor_limit - the soft RLIMIT_NOFILE up to the hard one (libmilter holds a
// descriptor and a thread per MTA connection; the usual soft limit of 1,024 would refuse
// connections long before memory runs short). Returns the soft limit in force afterwards.
unsigned long raise_descriptor_limit() noexcept;
// detach - fork and setsid; stdin becomes /dev/null. The parent waits for the child to call
// finish_detach() and exits 0, or, if the child exits first (it could not bind the socket...),
// exits with the child's status: a launcher sees the truth. stdout and stderr stay open in
// the child until finish_detach(), so a start-up error reaches the terminal. Returns the
// descriptor finish_detach() takes.
int detach();
// finish_detach - tell the waiting parent that start-up succeeded, and redirect stdout and
// stderr to /dev/null. Does nothing with -1 (the foreground case).
void finish_detach(int& ready_fd) noexcept;
// notify_service_manager - sd_notify(state) ("READY=1", "RELOADING=1", "STOPPING=1") when
// started by systemd with Type=notify; nothing otherwise.
void notify_service_manager(const char* state) noexcept;
// prepare_pidfile_directory - create the pid file's directory (as root, before dropping
// privileges) and hand it to `user` (if any), so the pid file can be written and removed later.
void prepare_pidfile_directory(const std::string& path, const std::string& user);
// write_pidfile - write our pid (after dropping privileges, as ENMA did).
void write_pidfile(const std::string& path);
// remove_pidfile - best effort at exit.
void remove_pidfile(const std::string& path) noexcept;
// drop_privileges - become `user` (and its primary group, supplementary groups cleared);
// called after the milter socket is bound, so privileged ports and paths still work.
void drop_privileges(const std::string& user);
// change_directory - chdir(path), e.g. where core files may be written.
void change_directory(const std::string& path);

}  // namespace enma::app
