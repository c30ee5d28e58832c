// message_session_arc_test.cpp - ARC through a whole message (verify/pipeline/arc_step): a
// two-hop chain sealed by dkimpy (fwd.example, then lists.example) over a message signed by
// example.com, all with one 1024-bit test key published for every selector below; and this
// hop's seal, whose bh= comes from DKIM's or the AMSs' body hash when one is relaxed.
#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <string_view>

#include "tests/unit/message_session_fixture.hpp"
#include "verify/arc/arc_seal.hpp"
#include "verify/dkim/signing_key.hpp"
#include "verify/dkim/tag_list.hpp"
#include "verify/message/header_field.hpp"

namespace {

// Made with dkimpy 1.1 (dkim.sign relaxed/relaxed, then dkim.arc_sign twice); the body is the
// fixture's "Hello.\r\n".
constexpr std::string_view kHeader =
    "ARC-Seal: i=2; cv=pass; a=rsa-sha256; d=lists.example; s=sel;\r\n"
    " t=1764763200;\r\n"
    " b=t+7OWzw/CpvszMOLpLI/6OKVwX9Mwvr/kSaOOx56LD3w7rA+2ixSGn/WwcSyBtqzk6B1J\r\n"
    " I+vBu5ycs5ZrVhh2k1Qp7aZy9EwdD0aHVHdM917mNMOpvqFsbzX1Lq6O9QownOo7EGo2RtM\r\n"
    " pqVXS+MiYX/3TdE5cG/qfd153rrA5sY=\r\n"
    "ARC-Message-Signature: i=2; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=lists.example; s=sel; t=1764763200; h=from : to : subject : from;\r\n"
    " bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=;\r\n"
    " b=skF4wqHYNFDh83RBzxU1zfkqc5bND96nvNOVgr7OgdegYJoyntkyqMCIVSonYpYxDqD0z\r\n"
    " CY4VSx1o2BV8+mPLc7Iy6TeCnBVOYPEyTe5ERYAYNczV9jyFCx07JPToJswzbuNQQMSnwWl\r\n"
    " 8/4LwLuudA+JY4qfseGsRwbbroc7060=\r\n"
    "ARC-Authentication-Results: i=2; lists.example; spf=fail smtp.mailfrom=alice@example.com;\r\n"
    "  arc=pass\r\n"
    "Authentication-Results: lists.example; spf=fail smtp.mailfrom=alice@example.com;\r\n"
    "	arc=pass\r\n"
    "ARC-Seal: i=1; cv=none; a=rsa-sha256; d=fwd.example; s=sel; t=1764763200;\r\n"
    " b=ITBB5pQVEceekhiGy8vxVFJb6UxKaTZch7T6mJjYf4Hb9jUp9Gxs+PGrHskVrC4qg2TN9\r\n"
    " P7m1crmys13ERsKWsYScuc5blguSaDhJRlfcpaB0/BAMDpnTFtFvSoGPEStp638PRwYvijj\r\n"
    " StBNwpjI/UQsE2UMXTaZDnWYTFNgCHo=\r\n"
    "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=fwd.example; s=sel; t=1764763200; h=from : to : subject : from;\r\n"
    " bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=;\r\n"
    " b=xvZ0Vk9fN10EksitM+KXCEhyhsKolq4HCnRNF1W1X+6zqP3+3cC34Fc8S7wwGpGU0JHwl\r\n"
    " 60n6Mth43wlmp4i1yKcldZcedE2XP10mj7MsRHaGgS53GSEs0XM88bo9qc7vkmMPKkFTyrg\r\n"
    " hsaut8lbC6q8kOFczNTA4NczT/2dBLQ=\r\n"
    "ARC-Authentication-Results: i=1; fwd.example; spf=pass smtp.mailfrom=alice@example.com;\r\n"
    "  dkim=pass header.d=example.com;\r\n"
    "  dmarc=pass header.from=example.com\r\n"
    "Authentication-Results: fwd.example; spf=pass smtp.mailfrom=alice@example.com;\r\n"
    "	dkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;\r\n"
    " i=@example.com; q=dns/txt; s=sel; t=1796308038; h=from : to : subject;\r\n"
    " bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=;\r\n"
    " b=NWy3zvN/GEKPlxDmQ4462kQ+11hMpLKkE2tdqHlz7vS19EcTJKnH69LfFSW7law4WScpA\r\n"
    " 1vaQorEpvohUEwyNo7Pb7W0LRXPFd9eyf1SEJyOrTwB5fiN+laBDOiXpn2urb4nW4AvshCS\r\n"
    " sSn2nRFQ3rAjHVxByVaErWh4yOc6KkE=\r\n"
    "From: Alice <alice@example.com>\r\n"
    "To: list@lists.example\r\n"
    "Subject: hi\r\n";
constexpr std::string_view kKey =
    "v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDWU7Fe/"
    "duAdlVWSdrvaswajVyPkl4DHz0gNwNeISR6UQCLcuyW4cC4nlhGQM6QzW78fhxZs3Mb7Ob76kAf+Zddba9CRhd+gDwk+"
    "LfnWQzsncmVvl4Ffk+dPopBJybQ6/EPEbOxsGiKstbz/FD1bwVNjfw7RgwwUWjJRooZ2wcSCwIDAQAB";

struct Fixture : enma::testing::SessionFixture {
    Fixture()
        : SessionFixture(
              "$ORIGIN example.com.\n"
              "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
              "_dmarc TXT \"v=DMARC1; p=reject\"\n"
              "sel._domainkey TXT \"" +
              std::string(kKey) +
              "\"\n"
              "sel._domainkey.fwd.example. TXT \"" +
              std::string(kKey) +
              "\"\n"
              "sel._domainkey.lists.example. TXT \"" +
              std::string(kKey) + "\"\n") {
        m_settings.m_arc.m_enabled = true;
    }

    enma::pipeline::Verdict run_message(std::string_view header, std::string_view ip) {
        Headers headers;
        for (const auto& field :
             enma::message::split_message(std::string(header) + "\r\n").m_fields)
            headers.emplace_back(field.m_name, field.m_raw_value);
        return run(ip, "<alice@example.com>", headers);
    }
};

const enma::verify::AuthResult* find(const enma::pipeline::Verdict& verdict,
                                     std::string_view method) {
    for (const auto& result : verdict.m_results)
        if (result.m_method == method)
            return &result;
    return nullptr;
}

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out(text);
    const auto at = out.find(from);
    REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
}

std::shared_ptr<const enma::arc::SealSettings> seal_settings() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string error;
    auto signing = enma::dkim::SigningKey::from_pem(
        std::string_view(data, static_cast<std::size_t>(size)), error);
    BIO_free(bio);
    EVP_PKEY_free(key);
    REQUIRE(signing);
    return std::make_shared<const enma::arc::SealSettings>(
        enma::arc::SealSettings{std::make_shared<const enma::dkim::SigningKey>(*signing),
                                "seal.example",
                                "s1",
                                {"from", "to", "subject"}});
}

// sealed_bh - bh= of the AMS this hop adds.
std::string sealed_bh(const enma::pipeline::Verdict& verdict) {
    REQUIRE(verdict.m_seal);
    REQUIRE(verdict.m_seal->m_set);
    const auto tags = enma::dkim::parse_tag_list(verdict.m_seal->m_set->m_ams);
    const auto* bh = tags.find("bh");
    return bh ? bh->m_value : "(missing)";
}

}  // namespace

TEST_CASE("a two-hop chain passes, beside the DKIM signature whose body hash it shares") {
    Fixture f;
    const auto verdict = f.run_message(kHeader, "192.0.2.1");
    const auto* arc = find(verdict, "arc");
    REQUIRE(arc != nullptr);
    CHECK(arc->m_result == "pass");
    CHECK(arc->m_reason.empty());
    CHECK(arc->m_comment == "i=2 as.2.d=lists.example cv=pass");
    REQUIRE(arc->m_properties.size() == 1);
    CHECK(arc->m_properties[0].m_property == "remote-ip");
    CHECK(arc->m_properties[0].m_value == "192.0.2.1");
    CHECK(find(verdict, "dkim")->m_result == "pass");
    REQUIRE(verdict.m_arc);
    CHECK(verdict.m_arc->m_output.m_instances == 2);
    CHECK(verdict.m_arc->m_output.m_oldest_pass == 0);
    CHECK(verdict.m_arc->m_output.seal_cv() == enma::arc::ArcResult::pass);
    CHECK(verdict.m_header_value.find(
              "arc=pass (i=2 as.2.d=lists.example cv=pass) smtp.remote-ip=192.0.2.1") !=
          std::string::npos);
    // example.com TXT for SPF and Sender ID, the DKIM key, one key per sealer (a sealer's
    // AS and AMS share theirs).
    CHECK(verdict.m_queries == 5);
}

TEST_CASE("without DKIM the chain keeps its own body hash and still passes") {
    Fixture f;
    f.m_settings.m_dkim = false;
    const auto verdict = f.run_message(kHeader, "192.0.2.1");
    CHECK(find(verdict, "arc")->m_result == "pass");
    CHECK(find(verdict, "dkim") == nullptr);
}

TEST_CASE("a changed signed field fails the newest AMS; a changed AAR fails the seals") {
    Fixture f;
    const auto subject =
        f.run_message(replaced(kHeader, "Subject: hi", "Subject: HI!"), "192.0.2.1");
    CHECK(find(subject, "arc")->m_result == "fail");
    CHECK(find(subject, "arc")->m_reason == "ARC-Message-Signature i=2: signature mismatch");
    CHECK(subject.m_arc->m_output.seal_cv() == enma::arc::ArcResult::fail);
    const auto aar = f.run_message(
        replaced(kHeader, "i=1; fwd.example; spf=pass", "i=1; fwd.example; spf=fail"), "192.0.2.1");
    CHECK(find(aar, "arc")->m_reason == "ARC-Seal i=2: signature mismatch");
}

TEST_CASE("a trusted sealer's AAR overrides a DMARC fail; an untrusted one does not") {
    Fixture f;
    f.m_settings.m_dmarc.m_enabled = true;
    f.m_settings.m_dmarc.m_on_reject = enma::pipeline::Action::reject;
    // The DKIM signature broken (not covered by any ARC signature) and SPF failing: DMARC fails.
    const std::string header = replaced(kHeader, "b=NWy3", "b=AWy3");
    const auto plain = f.run_message(header, "192.0.2.99");
    REQUIRE(plain.m_dmarc);
    CHECK(find(plain, "arc")->m_result == "pass");
    CHECK(find(plain, "dmarc")->m_result == "fail");
    CHECK(plain.m_action == enma::pipeline::Action::reject);
    CHECK(plain.m_dmarc->m_override.empty());

    f.m_settings.m_arc.m_trusted_sealers = {"lists.example"};  // its AAR says spf=fail only
    CHECK(f.run_message(header, "192.0.2.99").m_action == enma::pipeline::Action::reject);

    f.m_settings.m_arc.m_trusted_sealers = {"fwd.example"};
    const auto trusted = f.run_message(header, "192.0.2.99");
    CHECK(find(trusted, "dmarc")->m_result == "fail");
    CHECK(trusted.m_action == enma::pipeline::Action::none);
    CHECK(trusted.m_dmarc->m_applied == enma::dmarc::Policy::none);
    CHECK(trusted.m_dmarc->m_override == "local_policy");
    CHECK(trusted.m_dmarc->m_override_comment == "arc=pass as.1.d=fwd.example dmarc=pass");
    CHECK(find(trusted, "dmarc")->m_comment ==
          "p=reject dis=none; override local_policy arc=pass as.1.d=fwd.example dmarc=pass");
    REQUIRE(trusted.m_arc->m_override);
    CHECK(trusted.m_arc->m_override->m_sealer == "fwd.example");
}

TEST_CASE("no ARC field: arc=none and no lookup") {
    Fixture f;
    const auto verdict =
        f.run_message("From: Alice <alice@example.com>\r\nSubject: hi\r\n", "192.0.2.1");
    CHECK(find(verdict, "arc")->m_result == "none");
    CHECK(find(verdict, "arc")->m_properties.empty());
    CHECK(verdict.m_queries == 2);  // SPF and Sender ID only
}

TEST_CASE(
    "the seal's AMS bh= is the body's relaxed digest, borrowed from DKIM or ARC, or its own") {
    // dkimpy's bh= of the fixture's body "Hello.\r\n" (relaxed), in every signature above.
    const std::string expected = "yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=";
    Fixture f;
    f.m_settings.m_arc_seal = seal_settings();
    const auto with_dkim = f.run_message(kHeader, "192.0.2.1");  // DKIM's relaxed hash
    CHECK(with_dkim.m_seal->log_value() == "i=3 cv=pass");
    CHECK(sealed_bh(with_dkim) == expected);
    f.m_settings.m_dkim = false;
    const auto with_arc = f.run_message(kHeader, "192.0.2.1");  // the AMSs' own hash
    CHECK(with_arc.m_seal->log_value() == "i=3 cv=pass");
    CHECK(sealed_bh(with_arc) == expected);
    const std::string plain = "From: Alice <alice@example.com>\r\nSubject: hi\r\n";
    const auto own = f.run_message(plain, "192.0.2.1");  // nothing to borrow
    CHECK(own.m_seal->log_value() == "i=1 cv=none");
    CHECK(sealed_bh(own) == expected);
    f.m_settings.m_dkim = true;
    const auto simple = f.run_message(
        replaced(kHeader, "c=relaxed/relaxed; d=example.com", "c=relaxed/simple; d=example.com"),
        "192.0.2.1");  // DKIM hashes simple; the AMSs' relaxed hash lives in DKIM too
    CHECK(find(simple, "dkim")->m_result == "fail");
    CHECK(sealed_bh(simple) == expected);
}
