// reload.hpp - what a SIGHUP can apply and what only a restart can.
//
// A reload builds a new Runtime (every per-message key) and reinstalls the logger (log.*,
// syslog.*). The keys in restart_only_keys() are used once at start-up (the socket, the
// user, the pid file...): a changed value is reported by name and waits for a restart.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "conf/config.hpp"

namespace enma::app {

// restart_only_keys - the keys a reload cannot apply.
std::span<const std::string_view> restart_only_keys();

// keys_needing_restart - the restart-only keys whose value differs between the running
// configuration and the newly loaded one, in table order.
std::vector<std::string_view> keys_needing_restart(const conf::Config& running,
                                                   const conf::Config& loaded);

}  // namespace enma::app
