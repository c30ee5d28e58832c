// process_cpu.hpp - CPU time (user + system, all threads) of another process, from /proc.
#pragma once

#include <optional>

namespace milterload {

// process_cpu_seconds - utime + stime of /proc/PID/stat in seconds; nullopt if unreadable.
std::optional<double> process_cpu_seconds(int pid);

}  // namespace milterload
