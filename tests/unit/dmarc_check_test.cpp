// dmarc_check_test.cpp - evaluate_dmarc(): alignment modes, policy choice (p, sp, np), t=y,
// PSL mode with multi-label suffixes and pct=, temperror rules, and the lookups it asks for.
#include <doctest/doctest.h>

#include "verify/dmarc/dmarc_check.hpp"
#include "verify/dmarc/tree_walk.hpp"

using namespace enma::dmarc;
using enma::dkim::DkimResult;
using enma::dkim::DkimResultCode;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::RrType;
using enma::resolver::Security;
using enma::spf::SpfResult;

namespace {

const char* kPslFile = "/usr/share/publicsuffix/public_suffix_list.dat";

Answer txt(std::string text, Security security = Security::unchecked) {
    Answer answer;
    answer.m_status = DnsStatus::noerror;
    answer.m_security = security;
    answer.m_records.emplace_back(std::move(text));
    return answer;
}

// Dns - a snapshot where every DMARC name not given a record is NXDOMAIN.
struct Dns {
    std::map<std::string, Answer> m_records;
    std::map<Question, Answer> m_others;

    DnsSnapshot for_domains(std::initializer_list<std::string_view> domains) const {
        DnsSnapshot dns;
        for (auto domain : domains)
            for (const auto& target : walk_targets(domain)) {
                const auto it = m_records.find(target);
                dns.add(dmarc_question(target),
                        it == m_records.end() ? Answer::failure(DnsStatus::nxdomain) : it->second);
            }
        for (const auto& [question, answer] : m_others)
            dns.add(question, answer);
        return dns;
    }
};

DkimResult signature(DkimResultCode code, std::string domain) {
    DkimResult result;
    result.m_code = code;
    result.m_domain = std::move(domain);
    result.m_selector = "s1";
    return result;
}

DmarcInput input(std::string author, SpfResult spf, std::string spf_domain) {
    DmarcInput in;
    in.m_author_domain = std::move(author);
    in.m_spf_checked = true;
    in.m_spf_result = spf;
    in.m_spf_domain = std::move(spf_domain);
    return in;
}

DmarcOutput evaluate(const DmarcInput& in, const DnsSnapshot& dns) {
    auto evaluation = evaluate_dmarc(in, dns);
    REQUIRE(evaluation.m_output);
    return *evaluation.m_output;
}

}  // namespace

TEST_CASE("relaxed SPF alignment: a bounce subdomain passes; strict fails") {
    Dns zone;
    zone.m_records["example.com"] = txt("v=DMARC1; p=reject");
    const auto in = input("example.com", SpfResult::pass, "bounce.example.com");
    const auto dns = zone.for_domains({"example.com", "bounce.example.com"});
    const auto out = evaluate(in, dns);
    CHECK(out.m_result == DmarcResult::pass);
    CHECK(out.m_spf_aligned);
    zone.m_records["example.com"] = txt("v=DMARC1; p=reject; aspf=s");
    const auto strict = evaluate(in, zone.for_domains({"example.com"}));
    CHECK(strict.m_result == DmarcResult::fail);
    CHECK(strict.m_policy == Policy::reject);
    CHECK(strict.m_disposition == Policy::reject);
}

TEST_CASE("an aligned DKIM pass passes, an unaligned one does not, d=com never aligns") {
    Dns zone;
    zone.m_records["example.com"] = txt("v=DMARC1; p=quarantine");
    auto in = input("news.example.com", SpfResult::fail, "other.example");
    in.m_dkim = {signature(DkimResultCode::pass, "com"),
                 signature(DkimResultCode::pass, "mailer.example.net"),
                 signature(DkimResultCode::pass, "example.com")};
    const auto out = evaluate(in, zone.for_domains({"news.example.com", "example.com", "com"}));
    CHECK(out.m_result == DmarcResult::pass);
    CHECK(out.m_dkim_aligned);
    CHECK(out.m_dkim_domain == "example.com");
    in.m_dkim.pop_back();
    const auto fail = evaluate(in, zone.for_domains({"news.example.com", "com"}));
    CHECK(fail.m_result == DmarcResult::fail);
    CHECK(fail.m_policy_domain == "example.com");
    CHECK(fail.m_policy_tag == "p");  // no sp=: p= applies to subdomains
    CHECK(fail.m_disposition == Policy::quarantine);
}

TEST_CASE("no record in the walk: none, without a policy") {
    const auto out = evaluate(input("example.org", SpfResult::pass, "example.org"),
                              Dns{}.for_domains({"example.org"}));
    CHECK(out.m_result == DmarcResult::none);
    CHECK(out.m_reason == "no DMARC record");
    CHECK_FALSE(out.m_record);
}

TEST_CASE("sp= for an existing subdomain, np= for a non-existent one") {
    Dns zone;
    zone.m_records["example.com"] = txt("v=DMARC1; p=none; sp=quarantine; np=reject");
    const auto in = input("ghost.example.com", SpfResult::none, "");
    auto dns = zone.for_domains({"ghost.example.com"});
    auto first = evaluate_dmarc(in, dns);
    REQUIRE_FALSE(first.m_output);  // the existence check was not foreseen
    CHECK(first.m_missing.size() == 3);
    for (auto type : {RrType::a, RrType::aaaa, RrType::mx})
        dns.add({"ghost.example.com", type}, Answer::failure(DnsStatus::nxdomain));
    auto out = evaluate(in, dns);
    CHECK(out.m_policy == Policy::reject);
    CHECK(out.m_policy_tag == "np");
    dns.add({"ghost.example.com", RrType::mx}, txt("x"));
    out = evaluate(in, dns);
    CHECK(out.m_policy == Policy::quarantine);
    CHECK(out.m_policy_tag == "sp");
}

TEST_CASE("t=y: the policy is reported but its disposition is none (policy_test_mode)") {
    Dns zone;
    zone.m_records["example.com"] = txt("v=DMARC1; p=reject; t=y");
    const auto out = evaluate(input("example.com", SpfResult::fail, "example.com"),
                              zone.for_domains({"example.com"}));
    CHECK(out.m_result == DmarcResult::fail);
    CHECK(out.m_policy == Policy::reject);
    CHECK(out.m_disposition == Policy::none);
    CHECK(out.m_override == "policy_test_mode");
}

TEST_CASE("a psd=y record supplies the policy of an organization without one") {
    Dns zone;
    zone.m_records["gov.example"] = txt("v=DMARC1; p=reject; sp=quarantine; psd=y");
    const auto out = evaluate(input("agency.gov.example", SpfResult::none, ""),
                              zone.for_domains({"agency.gov.example"}));
    CHECK(out.m_result == DmarcResult::fail);
    CHECK(out.m_policy_domain == "gov.example");
    CHECK(out.m_org_domain == "agency.gov.example");
    CHECK(out.m_policy == Policy::quarantine);
}

TEST_CASE("a failed policy lookup is temperror; an aligned SPF temperror is temperror") {
    Dns zone;
    zone.m_records["example.com"] = Answer::failure(DnsStatus::servfail);
    auto out = evaluate(input("example.com", SpfResult::pass, "example.com"),
                        zone.for_domains({"example.com"}));
    CHECK(out.m_result == DmarcResult::temperror);
    zone.m_records["example.com"] = txt("v=DMARC1; p=reject");
    out = evaluate(input("example.com", SpfResult::temperror, "example.com"),
                   zone.for_domains({"example.com"}));
    CHECK(out.m_result == DmarcResult::temperror);
    CHECK(out.m_reason == "SPF temperror for an aligned MAIL FROM domain");
    out = evaluate(input("example.com", SpfResult::temperror, "unrelated.example"),
                   zone.for_domains({"example.com"}));
    CHECK(out.m_result == DmarcResult::fail);
}

TEST_CASE("no usable author domain: the result the caller gives, without lookups") {
    DmarcInput in;
    in.m_author_result = DmarcResult::permerror;
    in.m_author_error = "multiple From fields";
    const auto out = evaluate(in, DnsSnapshot{});
    CHECK(out.m_result == DmarcResult::permerror);
    CHECK(out.m_reason == "multiple From fields");
}

TEST_CASE("the result is DNSSEC secure only when every answer read was") {
    Dns zone;
    zone.m_records["example.com"] = txt("v=DMARC1; p=reject", Security::secure);
    zone.m_records["com"] = Answer::failure(DnsStatus::nxdomain);
    zone.m_records["com"].m_security = Security::secure;
    auto out = evaluate(input("example.com", SpfResult::pass, "example.com"),
                        zone.for_domains({"example.com"}));
    CHECK(out.m_security == Security::secure);
    zone.m_records["com"].m_security = Security::insecure;
    out = evaluate(input("example.com", SpfResult::pass, "example.com"),
                   zone.for_domains({"example.com"}));
    CHECK(out.m_security == Security::insecure);
}

TEST_CASE("foreseeable questions: the author's walk and the related identifiers' walks") {
    auto in = input("example.com", SpfResult::none, "bounce.example.com");
    const auto questions = foreseeable_questions(in, {"example.com", "other.org"});
    CHECK(questions == std::set<Question>{dmarc_question("example.com"), dmarc_question("com"),
                                          dmarc_question("bounce.example.com")});
}

TEST_CASE("PSL mode: co.uk and co.jp are suffixes, pct= samples") {
    const auto psl = PublicSuffixList::load(kPslFile);
    CHECK(psl->organizational_domain("mail.example.co.uk") == "example.co.uk");
    CHECK(psl->organizational_domain("a.b.example.co.jp") == "example.co.jp");
    CHECK(psl->organizational_domain("co.uk") == "co.uk");
    Dns zone;
    zone.m_records["example.co.uk"] = txt("v=DMARC1; p=reject; pct=50");
    auto in = input("mail.example.co.uk", SpfResult::pass, "bounce.example.co.uk");
    in.m_mode = OrgDomainMode::psl;
    in.m_psl = psl.get();
    CHECK(foreseeable_questions(in, {}) == std::set<Question>{dmarc_question("mail.example.co.uk"),
                                                              dmarc_question("example.co.uk")});
    DnsSnapshot dns;
    dns.add(dmarc_question("mail.example.co.uk"), Answer::failure(DnsStatus::nxdomain));
    dns.add(dmarc_question("example.co.uk"), zone.m_records["example.co.uk"]);
    auto out = evaluate(in, dns);
    CHECK(out.m_result == DmarcResult::pass);  // relaxed: same registrable domain
    in.m_spf_result = SpfResult::fail;
    in.m_sample = 10;
    out = evaluate(in, dns);
    CHECK(out.m_disposition == Policy::reject);
    in.m_sample = 60;
    out = evaluate(in, dns);
    CHECK(out.m_disposition == Policy::quarantine);
    CHECK(out.m_override == "sampled_out");
}

TEST_CASE("PublicSuffixList::load names the file it cannot read") {
    CHECK_THROWS_WITH(PublicSuffixList::load("/nonexistent/psl.dat"),
                      "cannot load the public suffix list /nonexistent/psl.dat");
}
