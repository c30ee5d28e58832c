// arc_trusted_sealer_test.cpp - reading AAR payloads (RFC 8601 resinfos) and choosing the
// trusted sealer that vouches for the author domain (RFC 8617 7.2).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "verify/arc/arc_chain.hpp"
#include "verify/arc/trusted_sealer.hpp"
#include "verify/authres/resinfo_parse.hpp"

using namespace enma;
using message::HeaderField;

namespace {

std::vector<HeaderField> set(unsigned i, const std::string& sealer, const std::string& results) {
    const std::string n = std::to_string(i);
    return {{"ARC-Seal", " i=" + n + "; a=rsa-sha256; cv=" + (i == 1 ? "none" : "pass") +
                             "; d=" + sealer + "; s=s; b=AAAA"},
            {"ARC-Message-Signature",
             " i=" + n + "; a=rsa-sha256; d=" + sealer + "; s=s; h=from; bh=AAAA; b=AAAA"},
            {"ARC-Authentication-Results", " i=" + n + "; " + sealer + "; " + results}};
}

arc::ArcChain two_hops(const std::string& first, const std::string& second) {
    auto fields = set(2, "lists.example", second);
    auto older = set(1, "fwd.example", first);
    fields.insert(fields.end(), older.begin(), older.end());
    return arc::collect_arc_chain(fields);
}

arc::ArcOutput passed() {
    arc::ArcOutput out;
    out.m_result = arc::ArcResult::pass;
    out.m_instances = 2;
    return out;
}

}  // namespace

TEST_CASE("resinfos: methods, results and properties; comments and quotes are not read") {
    const auto parsed = verify::parse_resinfos(
        "mx.example.org 1; spf=pass (sender (nested) ok; dkim=pass) smtp.mailfrom=a@Example.com;"
        "\r\n\tdkim/1 = pass reason=\"x; dmarc=pass\" header.d=example.com header.s=sel;"
        " dmarc=FAIL header.from=example.com; arc=none");
    CHECK(parsed.m_authserv_id == "mx.example.org");
    REQUIRE(parsed.m_resinfos.size() == 4);
    CHECK(parsed.m_resinfos[0].m_method == "spf");
    CHECK(parsed.m_resinfos[0].m_result == "pass");
    CHECK(parsed.m_resinfos[0].property("smtp", "mailfrom") == "a@Example.com");
    CHECK(parsed.m_resinfos[1].m_method == "dkim");
    CHECK(parsed.m_resinfos[1].property("header", "d") == "example.com");
    CHECK(parsed.m_resinfos[1].property("header", "s") == "sel");
    CHECK(parsed.m_resinfos[2].m_result == "fail");
    CHECK(parsed.m_resinfos[3].m_method == "arc");
    CHECK(verify::parse_resinfos("mx.example.org; none").m_resinfos.empty());
    CHECK(verify::parse_resinfos("").m_resinfos.empty());
}

TEST_CASE("a trusted sealer's dmarc=pass for the author domain endorses") {
    const auto chain =
        two_hops("spf=pass smtp.mailfrom=a@example.com", "dmarc=pass header.from=example.com");
    REQUIRE(chain.m_status == arc::ArcResult::pass);
    const auto found = arc::find_endorsement(chain, passed(), "example.com", {"lists.example"});
    REQUIRE(found);
    CHECK(found->m_instance == 2);
    CHECK(found->m_sealer == "lists.example");
    CHECK(found->m_method == "dmarc");
    CHECK_FALSE(arc::find_endorsement(chain, passed(), "example.com", {"other.example"}));
    CHECK_FALSE(arc::find_endorsement(chain, passed(), "example.net", {"lists.example"}));
}

TEST_CASE("the newest trusted sealer that vouches wins; spf and dkim need alignment") {
    const auto chain = two_hops("spf=pass smtp.mailfrom=bounce@example.com",
                                "dkim=pass header.d=sibling.example.com");
    const std::vector<std::string> both{"example", "fwd.example"};
    const auto found = arc::find_endorsement(chain, passed(), "news.example.com", both);
    REQUIRE(found);  // the newest (lists.example) does not vouch: sibling subdomain
    CHECK(found->m_instance == 1);
    CHECK(found->m_method == "spf");
    CHECK(found->m_sealer == "fwd.example");
}

TEST_CASE("no endorsement from a chain that did not pass, or from results that failed") {
    const auto chain =
        two_hops("dmarc=pass header.from=example.com", "dmarc=fail header.from=example.com");
    arc::ArcOutput failed = passed();
    failed.m_result = arc::ArcResult::fail;
    CHECK_FALSE(arc::find_endorsement(chain, failed, "example.com", {"fwd.example"}));
    CHECK(arc::find_endorsement(chain, passed(), "example.com", {"fwd.example"}));
    CHECK_FALSE(arc::find_endorsement(chain, passed(), "example.com", {"lists.example"}));
    CHECK(arc::is_trusted_sealer("a.lists.example", {"lists.example"}));
    CHECK_FALSE(arc::is_trusted_sealer("badlists.example", {"lists.example"}));
}
