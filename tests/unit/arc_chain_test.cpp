// arc_chain_test.cpp - ARC set collection and the structural rules of RFC 8617 5.2.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "verify/arc/arc_chain.hpp"

using namespace enma::arc;
using enma::message::HeaderField;

namespace {

std::string cv_for(unsigned i) {
    return i == 1 ? "none" : "pass";
}

// set - the three fields of instance i (placeholder signatures: only the form matters here).
std::vector<HeaderField> set(unsigned i, const std::string& cv = "") {
    const std::string n = std::to_string(i);
    return {{"ARC-Seal", " i=" + n + "; a=rsa-sha256; cv=" + (cv.empty() ? cv_for(i) : cv) +
                             "; d=hop" + n + ".example; s=s; b=AAAA"},
            {"ARC-Message-Signature",
             " i=" + n + "; a=rsa-sha256; d=hop" + n + ".example; s=s; h=from; bh=AAAA; b=AAAA"},
            {"ARC-Authentication-Results", " i=" + n + "; hop" + n + ".example; spf=pass"}};
}

std::vector<HeaderField> chain(unsigned n) {
    std::vector<HeaderField> fields{{"Received", " from somewhere"}};
    for (unsigned i = n; i >= 1; --i) {  // newest on top, as forwarders prepend
        auto one = set(i);
        fields.insert(fields.end(), one.begin(), one.end());
    }
    fields.push_back({"From", " a@example.com"});
    return fields;
}

}  // namespace

TEST_CASE("no ARC field: none") {
    const ArcChain result = collect_arc_chain({{"From", " a@example.com"}});
    CHECK(result.m_status == ArcResult::none);
    CHECK(result.m_sets.empty());
    CHECK(result.m_field_count == 0);
}

TEST_CASE("complete chains of 1, 2 and 3 sets: oldest first") {
    for (unsigned n : {1u, 2u, 3u}) {
        const ArcChain result = collect_arc_chain(chain(n));
        CHECK(result.m_status == ArcResult::pass);
        CHECK(result.m_reason.empty());
        REQUIRE(result.m_sets.size() == n);
        CHECK(result.newest() == n);
        CHECK(result.m_highest_instance == n);
        CHECK(result.m_field_count == 3 * n);
        for (unsigned k = 0; k < n; ++k) {
            CHECK(result.m_sets[k].m_instance == k + 1);
            CHECK(result.m_sets[k].m_seal.m_domain == "hop" + std::to_string(k + 1) + ".example");
            CHECK(result.m_sets[k].m_aar_field.m_name == "ARC-Authentication-Results");
        }
    }
}

TEST_CASE("the RFC's longest chain, 50 sets, has a valid form") {
    const ArcChain result = collect_arc_chain(chain(50));
    CHECK(result.m_status == ArcResult::pass);
    CHECK(result.newest() == 50);
    CHECK(result.m_field_count == 150);
}

TEST_CASE("a missing field or set fails") {
    auto fields = chain(2);
    std::erase_if(fields, [](const HeaderField& f) {
        return f.m_name == "ARC-Message-Signature" && f.m_raw_value.starts_with(" i=1;");
    });
    CHECK(collect_arc_chain(fields).m_reason == "ARC-Message-Signature i=1 missing");
    auto gap = chain(1);
    auto third = set(3);
    gap.insert(gap.end(), third.begin(), third.end());
    const ArcChain result = collect_arc_chain(gap);
    CHECK(result.m_status == ArcResult::fail);
    CHECK(result.m_reason == "ARC set i=2 missing");
    CHECK(result.m_sets.empty());
    CHECK(result.m_highest_instance == 3);  // a sealer of a broken chain still numbers on
}

TEST_CASE("a duplicated field fails") {
    auto fields = chain(2);
    fields.push_back({"ARC-Seal", " i=2; a=rsa-sha256; cv=pass; d=evil.example; s=s; b=AAAA"});
    const ArcChain result = collect_arc_chain(fields);
    CHECK(result.m_status == ArcResult::fail);
    CHECK(result.m_reason == "duplicate ARC-Seal i=2");
}

TEST_CASE("instances outside 1..50 and unreadable ones fail") {
    CHECK(collect_arc_chain(set(0)).m_reason == "ARC-Seal i=0 outside 1..50");
    CHECK(collect_arc_chain(set(51)).m_reason == "ARC-Seal i=51 outside 1..50");
    CHECK(collect_arc_chain({{"ARC-Seal", " a=rsa-sha256"}}).m_reason ==
          "ARC-Seal without a valid i=");
    ArcLimits limits;
    limits.m_max_instances = 2;
    const ArcChain three = collect_arc_chain(chain(3), limits);
    CHECK(three.m_status == ArcResult::fail);
    CHECK(three.m_reason == "ARC-Seal i=3 outside 1..2");
}

TEST_CASE("cv= order: none at i=1, pass above; a newest cv=fail ends the chain") {
    auto wrong_first = set(1, "pass");
    CHECK(collect_arc_chain(wrong_first).m_reason == "ARC-Seal i=1 has cv=pass");
    auto fields = set(1);
    auto second = set(2, "none");
    fields.insert(fields.end(), second.begin(), second.end());
    CHECK(collect_arc_chain(fields).m_reason == "ARC-Seal i=2 has cv=none");
    auto failed = set(1);
    auto newest = set(2, "fail");
    failed.insert(failed.end(), newest.begin(), newest.end());
    const ArcChain result = collect_arc_chain(failed);
    CHECK(result.m_status == ArcResult::fail);
    CHECK(result.m_reason == "ARC-Seal i=2 says cv=fail");
    CHECK(result.m_sets.size() == 2);  // complete, so kept for diagnostics
}

TEST_CASE("a field that does not parse fails the chain with its reason") {
    auto fields = chain(1);
    fields.push_back({"ARC-Seal", " i=2; a=rsa-sha256; cv=pass; d=x.example; s=s; h=to; b=AAAA"});
    CHECK(collect_arc_chain(fields).m_reason == "ARC-Seal i=2: h= in an ARC-Seal");
}

TEST_CASE("limits: bytes and field count, counted without keeping") {
    ArcLimits limits;
    limits.m_max_bytes = 300;
    const ArcChain big = collect_arc_chain(chain(3), limits);
    CHECK(big.m_status == ArcResult::fail);
    CHECK(big.m_reason == "ARC fields exceed 300 bytes");
    CHECK(big.m_field_count == 9);
    std::vector<HeaderField> flood;
    for (int k = 0; k < 1000; ++k)
        flood.push_back({"ARC-Authentication-Results", " i=1; x"});
    const ArcChain many = collect_arc_chain(flood);
    CHECK(many.m_status == ArcResult::fail);
    CHECK(many.m_field_count == 1000);
    CHECK(many.m_reason == "duplicate ARC-Authentication-Results i=1");
    ArcLimits two;
    two.m_max_instances = 2;
    auto seven = chain(2);
    seven.push_back({"ARC-Authentication-Results", " i=1; x"});
    CHECK(collect_arc_chain(seven, two).m_reason == "more than 6 ARC fields");
}
