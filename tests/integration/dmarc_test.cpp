// dmarc_test.cpp - DMARC through the enma-check binary, real libunbound and NSD serving the
// dmarctest. zone (fixture.py): relaxed and strict alignment, sp= and np=, t=y, a Public
// Suffix Domain, duplicate records, several From fields, PSL mode, --json and the action.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "tests/integration/command.hpp"
#include "tests/integration/fixture_env.hpp"

#ifndef ENMA_CHECK_BINARY
#error "ENMA_CHECK_BINARY must name the enma-check binary (app/CMakeLists.txt sets it)"
#endif

using enma::integration::FixtureEnv;
using enma::integration::Result;
using enma::integration::run;
using enma::integration::write_file;

namespace {

constexpr const char* kSigner = ENMA_INTEGRATION_DATA "/../enma_check_sign.py";
const std::string kGood = " --ip 198.18.5.25 --helo mail.org.dmarctest";
const std::string kBad = " --ip 198.18.5.99 --helo mail.org.dmarctest";

struct Fixture {
    Fixture() {
        const auto env = FixtureEnv::load();
        m_dir = FixtureEnv::variable("ENMA_IT_DIR");
        m_key = FixtureEnv::variable("ENMA_IT_DKIM_KEY");
        m_settings =
            " --lf -o dmarc.auth=true -o sidf.auth=false -o resolver.mode=forward"
            " -o resolver.dnssec=false -o authresult.identifier=mx.test"
            " -o resolver.forwarders=127.0.0.1@" +
            std::to_string(env.m_nsd_port);
    }

    // message - a file with these From fields; signed by dkimpy for `d` when given.
    std::string message(const std::string& name, const std::string& from_fields,
                        const std::string& d = "") {
        const std::string path = m_dir + "/dmarc-" + name + ".eml";
        write_file(path, from_fields +
                             "To: rcpt@example.net\r\nSubject: dmarc\r\n"
                             "Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n\r\nHello.\r\n");
        if (d.empty())
            return path;
        const auto sign = run("/usr/bin/python3 " + std::string(kSigner) + " " + m_key + " sel " +
                              d + " @" + d + " < " + path + " > " + path + ".signed");
        REQUIRE_MESSAGE(sign.m_status == 0, "dkimpy could not sign");
        return path + ".signed";
    }

    Result check(const std::string& args) {
        return run(std::string(ENMA_CHECK_BINARY) + m_settings + " " + args);
    }

    // dmarc - the dmarc resinfo of the A-R line enma-check prints.
    std::string dmarc(const std::string& args) {
        const auto result = check(args);
        REQUIRE(result.m_status == 0);
        const auto at = result.m_out.find("dmarc=");
        REQUIRE(at != std::string::npos);
        std::string line = result.m_out.substr(at);
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        return line;
    }

    std::string m_dir, m_key, m_settings;
};

}  // namespace

TEST_CASE("relaxed SPF alignment: MAIL FROM bounce.org passes for From org") {
    Fixture f;
    const auto eml = f.message("relaxed", "From: user@org.dmarctest\r\n");
    CHECK(f.dmarc(kGood + " --mail-from bounce@bounce.org.dmarctest " + eml) ==
          "dmarc=pass (p=reject dis=none) header.from=org.dmarctest policy.dmarc=none"
          " polrec.p=reject");
}

TEST_CASE("no aligned pass: p= for the domain, sp= for a subdomain, np= for a ghost") {
    Fixture f;
    const std::string reason = " reason=\"no aligned SPF or DKIM pass\"";
    CHECK(f.dmarc(kBad + " --mail-from a@org.dmarctest " +
                  f.message("p", "From: user@org.dmarctest\r\n")) ==
          "dmarc=fail (p=reject dis=none)" + reason +
              " header.from=org.dmarctest policy.dmarc=reject polrec.p=reject");
    CHECK(f.dmarc(kBad + " --mail-from a@org.dmarctest " +
                  f.message("sp", "From: user@news.org.dmarctest\r\n")) ==
          "dmarc=fail (p=quarantine dis=none)" + reason +
              " header.from=news.org.dmarctest policy.dmarc=quarantine polrec.p=reject"
              " polrec.domain=org.dmarctest");
    CHECK(f.dmarc(kBad + " --mail-from a@org.dmarctest " +
                  f.message("np", "From: user@ghost.org.dmarctest\r\n")) ==
          "dmarc=fail (p=reject dis=none)" + reason +
              " header.from=ghost.org.dmarctest policy.dmarc=reject polrec.p=reject"
              " polrec.domain=org.dmarctest");
}

TEST_CASE("a DKIM pass for the Organizational Domain aligns with a subdomain's From") {
    Fixture f;
    const auto eml = f.message("dkim", "From: user@news.org.dmarctest\r\n", "org.dmarctest");
    CHECK(f.dmarc(kBad + " --mail-from a@elsewhere.dmarctest " + eml) ==
          "dmarc=pass (p=quarantine dis=none) header.from=news.org.dmarctest"
          " policy.dmarc=none polrec.p=reject polrec.domain=org.dmarctest");
}

TEST_CASE("aspf=s: a bounce subdomain does not align") {
    Fixture f;
    const auto eml = f.message("strict", "From: user@strict.dmarctest\r\n");
    CHECK(f.dmarc(kGood + " --mail-from b@bounce.strict.dmarctest " + eml)
              .starts_with("dmarc=fail (p=reject dis=none)"));
}

TEST_CASE("t=y asks for no disposition; psd=y supplies a policy; two records are none") {
    Fixture f;
    CHECK(f.dmarc(kBad + " --mail-from a@testing.dmarctest " +
                  f.message("t", "From: user@testing.dmarctest\r\n"))
              .ends_with("header.from=testing.dmarctest policy.dmarc=none polrec.p=reject"));
    CHECK(f.dmarc(kBad + " --mail-from a@member.psd.dmarctest " +
                  f.message("psd", "From: user@member.psd.dmarctest\r\n"))
              .ends_with("policy.dmarc=reject polrec.p=reject polrec.domain=psd.dmarctest"));
    CHECK(f.dmarc(kBad + " --mail-from a@twice.dmarctest " +
                  f.message("twice", "From: user@twice.dmarctest\r\n")) ==
          "dmarc=none reason=\"no DMARC record\" header.from=twice.dmarctest");
}

TEST_CASE("several From fields never pass: permerror") {
    Fixture f;
    const auto eml = f.message("two", "From: user@org.dmarctest\r\nFrom: x@evil.dmarctest\r\n");
    CHECK(f.dmarc(kGood + " --mail-from a@org.dmarctest " + eml) ==
          "dmarc=permerror reason=\"multiple From fields\"");
}

TEST_CASE("PSL mode: an unlisted top-level label is a suffix, so org.dmarctest's sp= applies") {
    Fixture f;
    const auto eml = f.message("psl", "From: user@news.org.dmarctest\r\n");
    CHECK(f.dmarc("-o dmarc.org_domain=psl" + kBad + " --mail-from a@org.dmarctest " + eml)
              .starts_with("dmarc=fail (p=quarantine dis=none)"));
}

TEST_CASE("--json: the policy fields, the walk's queries, and the configured action") {
    Fixture f;
    const auto eml = f.message("json", "From: user@news.org.dmarctest\r\n");
    const auto result = f.check("--json -o dmarc.quarantine_action=quarantine -o spf.auth=false " +
                                kBad + " --mail-from a@org.dmarctest " + eml);
    REQUIRE(result.m_status == 0);
    const auto json = nlohmann::json::parse(result.m_out);
    const auto& dmarc = json["dmarc"];
    CHECK(dmarc["header_from"] == "news.org.dmarctest");
    CHECK(dmarc["policy_domain"] == "org.dmarctest");
    CHECK(dmarc["p"] == "reject");
    CHECK(dmarc["sp"] == "quarantine");
    CHECK(dmarc["np"] == "reject");
    CHECK(dmarc["policy"] == "quarantine");
    CHECK(dmarc["disposition"] == "quarantine");
    CHECK(dmarc["applied"] == "quarantine");
    CHECK(dmarc["action"] == "quarantine");
    CHECK(dmarc["rua"] == "mailto:agg@org.dmarctest");
    CHECK(dmarc["spf_aligned"] == false);
    CHECK(dmarc["spf_domain"] == "org.dmarctest");
    CHECK(json["action"] == "quarantine");
    // The walks of news.org.dmarctest and org.dmarctest (three names, asked once each), then
    // np= differs from sp=: A, AAAA and MX of news.org.dmarctest in a second round.
    CHECK(json["dns"]["queries"] == 6);
    CHECK(json["results"].back()["method"] == "dmarc");
    CHECK(json["results"].back()["dnssec"] == "unchecked");
}
