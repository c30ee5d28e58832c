// app_reload_test.cpp - which keys a SIGHUP cannot apply, found by comparing configurations.
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "app/enma/reload.hpp"
#include "conf/config_loader.hpp"

using enma::app::keys_needing_restart;
using enma::conf::parse_config_text;

TEST_CASE("a changed socket or user needs a restart; log and method keys do not") {
    const auto running = parse_config_text("milter.socket: inet:10025@127.0.0.1\n", "a.conf");
    const auto loaded = parse_config_text(
        "milter.socket: unix:/run/enma/enma.sock\nmilter.user: enma\nlog.level: debug\n"
        "syslog.logmask: err\nspf.explog: false\n",
        "b.conf");
    CHECK(keys_needing_restart(running, loaded) ==
          std::vector<std::string_view>{"milter.socket", "milter.user"});
    CHECK(keys_needing_restart(running, running).empty());
}
