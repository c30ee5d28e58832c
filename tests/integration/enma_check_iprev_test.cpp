// enma_check_iprev_test.cpp - iprev through the enma-check binary, real libunbound and NSD
// (fixture.py's iprev zones): pass with the name in the comment, fail, permerror without a
// PTR, and the IPv6 address quoted in policy.iprev; iprev comes first in the field.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/command.hpp"
#include "tests/integration/fixture_env.hpp"

#ifndef ENMA_CHECK_BINARY
#error "ENMA_CHECK_BINARY must name the enma-check binary (app/CMakeLists.txt sets it)"
#endif

using enma::integration::FixtureEnv;
using enma::integration::run;
using enma::integration::write_file;

namespace {

// iprev - the first resinfo of the A-R field enma-check prints for a client at `ip`.
std::string iprev(const std::string& ip) {
    const auto env = FixtureEnv::load();
    const std::string dir = FixtureEnv::variable("ENMA_IT_DIR");
    const std::string message = dir + "/iprev.eml";
    write_file(message, "From: a@iprev.example\r\nSubject: iprev\r\n\r\nHi.\r\n");
    const auto result =
        run(std::string(ENMA_CHECK_BINARY) +
            " --lf -o iprev.auth=true -o spf.auth=false -o sidf.auth=false -o dkim.auth=false"
            " -o resolver.mode=forward -o resolver.dnssec=false -o authresult.identifier=mx.test"
            " -o resolver.forwarders=127.0.0.1@" +
            std::to_string(env.m_nsd_port) + " --ip " + ip + " " + message);
    REQUIRE(result.m_status == 0);
    const auto start = result.m_out.find("\n\t");
    REQUIRE(start != std::string::npos);
    return result.m_out.substr(start + 2, result.m_out.find('\n', start + 2) - start - 2);
}

}  // namespace

TEST_CASE("iprev through enma-check: pass, fail, permerror, IPv6") {
    CHECK(iprev("11.22.33.44") == "iprev=pass (mail.iprev.example) policy.iprev=11.22.33.44");
    CHECK(iprev("11.22.33.45").starts_with("iprev=fail"));
    CHECK(iprev("11.22.33.46").starts_with("iprev=permerror"));
    CHECK(iprev("2a01:4f8:1:2::25") ==
          "iprev=pass (mail.iprev.example) policy.iprev=\"2a01:4f8:1:2::25\"");
}
