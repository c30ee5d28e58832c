// arc_seal_test.cpp - the signing key reader, the arc.seal_* keys and one sealed set checked
// field by field; the interoperability proof (dkimpy, authheaders) is
// tests/integration/arc_seal_interop.py.
#include <doctest/doctest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "verify/arc/arc_seal.hpp"
#include "verify/dkim/base64.hpp"
#include "verify/dkim/body_hash.hpp"
#include "verify/dkim/public_key.hpp"
#include "verify/dkim/signing_key.hpp"
#include "verify/dkim/tag_list.hpp"
#include "verify/message/canonicalization.hpp"
#include "verify/pipeline/seal_step.hpp"

using namespace enma;

namespace {

std::string pem_of(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

std::string rsa_pem(unsigned bits) {
    return pem_of(EVP_RSA_gen(bits));
}

const std::string& test_pem() {
    static const std::string pem = rsa_pem(2048);
    return pem;
}

dkim::SigningKey test_key() {
    std::string error;
    auto key = dkim::SigningKey::from_pem(test_pem(), error);
    REQUIRE(key);
    return *key;
}

std::string config_error(std::vector<std::string> overrides) {
    try {
        conf::parse_config_text("", "enma.conf", overrides);
    } catch (const conf::ConfigError& error) {
        return error.what();
    }
    return "no error";
}

std::string body_hash(std::string_view body) {
    dkim::BodyHash hash(message::Canonicalization::relaxed, std::nullopt);
    hash.add(body);
    hash.finish();
    return hash.digest();
}

std::string tag(std::string_view value, std::string_view name) {
    const auto list = dkim::parse_tag_list(value);
    const auto* found = list.find(name);
    return found ? found->m_value : "(missing)";
}

// without_b - the value with b= emptied, as a verifier hashes it.
std::string without_b(std::string_view value) {
    const auto list = dkim::parse_tag_list(value);
    const auto* b = list.find("b");
    REQUIRE(b);
    return std::string(value.substr(0, b->m_value_begin)) +
           std::string(value.substr(b->m_value_end));
}

}  // namespace

TEST_CASE("SigningKey reads an RSA PEM key and refuses anything else without quoting it") {
    std::string error;
    CHECK(dkim::SigningKey::from_pem(test_pem(), error)->bits() == 2048);
    CHECK_FALSE(dkim::SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n", error));
    CHECK(error == "not an unencrypted PEM private key");
    CHECK_FALSE(dkim::SigningKey::from_pem(rsa_pem(512), error));
    CHECK(error == "RSA key of 512 bits; 1024 to 4096 are allowed");
    CHECK_FALSE(
        dkim::SigningKey::from_pem(pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")), error));
    CHECK(error == "not an RSA key (ARC seals are rsa-sha256 only)");
}

TEST_CASE("SigningKey refuses a damaged key whose signatures would never verify") {
    const char* source = std::getenv("ENMA_SOURCE_DIR");
    REQUIRE(source != nullptr);
    // rsa_pkcs1 with e changed from 65537 to 65539: it decodes, but does not sign for its n, e.
    const auto path = std::filesystem::path(source) / "tests/fuzz/corpus/seal_key";
    CHECK(dkim::SigningKey::load_file((path / "rsa_pkcs1").string()).bits() == 1024);
    CHECK_THROWS_WITH(dkim::SigningKey::load_file((path / "rsa_wrong_exponent").string()),
                      ((path / "rsa_wrong_exponent").string() +
                       ": damaged RSA key: its signatures do not verify with its own public key")
                          .c_str());
}

TEST_CASE("SigningKey::load_file names the file and the reason") {
    const auto path = std::filesystem::temp_directory_path() / "enma_arc_seal_test.key";
    std::ofstream(path) << "secret material\n";
    try {
        dkim::SigningKey::load_file(path.string());
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == path.string() + ": not an unencrypted PEM private key");
    }
    std::filesystem::remove(path);
    CHECK_THROWS_WITH(dkim::SigningKey::load_file("/nonexistent/enma.key"),
                      "/nonexistent/enma.key: cannot be read");
}

TEST_CASE("SigningKey signatures verify with the verifier's PublicKey") {
    const auto key = test_key();
    const auto signature = key.sign("data to sign");
    REQUIRE(signature);
    const auto public_key = dkim::PublicKey::load("rsa", key.public_key_der());
    REQUIRE(public_key);
    CHECK(public_key->verify(dkim::Algorithm::rsa_sha256, "data to sign", *signature));
    CHECK_FALSE(public_key->verify(dkim::Algorithm::rsa_sha256, "data to sigN", *signature));
}

TEST_CASE("arc.seal_* go together, and arc.seal_headers keeps ARC fields out") {
    CHECK(config_error({"arc.seal_selector=s1"})
              .find("ARC sealing needs arc.seal_key_file, arc.seal_selector and arc.seal_domain "
                    "together; arc.seal_key_file is empty") != std::string::npos);
    CHECK(config_error({"arc.seal_key_file=/k", "arc.seal_selector=s1",
                        "arc.seal_domain=example.org"}) == "no error");
    CHECK(config_error({"arc.seal_headers=to, subject"}).find("must contain From") !=
          std::string::npos);
    CHECK(config_error({"arc.seal_headers=from, ARC-Seal"}).find("'arc-seal' must not be signed") !=
          std::string::npos);
    CHECK(config_error({"arc.seal_headers=from, Authentication-Results"})
              .find("must not be signed") != std::string::npos);
    const std::vector<std::string> overrides{"arc.seal_headers=From To"};
    const auto config = conf::parse_config_text("", "enma.conf", overrides);
    CHECK(config.m_arc.m_seal_headers == std::vector<std::string>{"from", "to"});
}

TEST_CASE("seal: the AMS and AS sign what RFC 8617 5.1 says, with enma's canonicalisation") {
    arc::SealSettings settings{std::make_shared<const dkim::SigningKey>(test_key()),
                               "seal.example",
                               "s1",
                               {"from", "subject", "to"}};
    const std::vector<message::HeaderField> headers{{"From", " a@example.com"},
                                                    {"Subject", " Hi  there\r\n\tfolded"},
                                                    {"X-Other", " not signed"}};
    arc::SealInput input;
    input.m_instance = 1;
    input.m_results = "mx.example; spf=pass smtp.mailfrom=example.com";
    input.m_headers = &headers;
    input.m_body_hash = body_hash("Hello  \r\n\r\n\r\n");
    input.m_now = 1700000000;
    const auto set = arc::seal(settings, input);
    REQUIRE(set);
    CHECK(set->m_aar == "i=1; mx.example; spf=pass smtp.mailfrom=example.com");
    CHECK(tag(set->m_ams, "i") == "1");
    CHECK(tag(set->m_ams, "a") == "rsa-sha256");
    CHECK(tag(set->m_ams, "c") == "relaxed/relaxed");
    CHECK(tag(set->m_ams, "h") == "from:subject:to");
    CHECK(tag(set->m_ams, "t") == "1700000000");
    CHECK(tag(set->m_ams, "bh") == dkim::encode_base64(body_hash("Hello\r\n")));
    CHECK(tag(set->m_seal, "cv") == "none");
    CHECK(tag(set->m_seal, "d") == "seal.example");
    CHECK(dkim::parse_tag_list(set->m_seal).find("h") == nullptr);

    const auto public_key = dkim::PublicKey::load("rsa", settings.m_key->public_key_der());
    REQUIRE(public_key);
    // Written out by hand: relaxed From and Subject (To absent: nothing), then the AMS.
    std::string ams_data =
        "from:a@example.com\r\nsubject:Hi there folded\r\narc-message-signature:" +
        message::canonicalize_header(message::Canonicalization::relaxed, "x", without_b(set->m_ams))
            .substr(2);
    ams_data.resize(ams_data.size() - 2);
    CHECK(public_key->verify(dkim::Algorithm::rsa_sha256, ams_data,
                             *dkim::decode_base64(tag(set->m_ams, "b"))));
    const auto relaxed = [](std::string_view name, std::string_view value) {
        return message::canonicalize_header(message::Canonicalization::relaxed, name, value);
    };
    std::string as_data = relaxed("ARC-Authentication-Results", set->m_aar) +
                          relaxed("ARC-Message-Signature", set->m_ams) +
                          relaxed("ARC-Seal", without_b(set->m_seal));
    as_data.resize(as_data.size() - 2);
    CHECK(public_key->verify(dkim::Algorithm::rsa_sha256, as_data,
                             *dkim::decode_base64(tag(set->m_seal, "b"))));
}

TEST_CASE("SealStep: which messages are sealed, at which instance, with which cv") {
    auto settings = std::make_shared<const arc::SealSettings>(arc::SealSettings{
        std::make_shared<const dkim::SigningKey>(test_key()), "seal.example", "s1", {"from"}});
    const auto run = [&](std::vector<message::HeaderField> fields,
                         std::optional<pipeline::SealChain> chain, bool truncated = false) {
        pipeline::SealStep step(settings);
        for (const auto& field : fields)
            step.header(field.m_name, field.m_raw_value);
        step.body("body\r\n");
        return step.finish("mx.example; none", chain, truncated, 1700000000);
    };
    const auto plain = run({{"From", " a@example.com"}}, std::nullopt);
    CHECK(plain.log_value() == "i=1 cv=none");
    const auto chained =
        run({{"ARC-Seal", " i=1; cv=none"}, {"From", " a@example.com"}}, std::nullopt);
    CHECK(chained.log_value() == "none");
    CHECK(chained.m_skipped == "ARC chain present but not validated (arc.auth is false)");
    CHECK(run({{"From", " a"}}, std::nullopt, true).m_skipped == "header too large to seal");
    const auto failed = run({{"From", " a"}}, pipeline::SealChain{arc::ArcResult::fail, 3, {}, ""});
    CHECK(failed.log_value() == "i=4 cv=fail");
    const auto full = run({{"From", " a"}}, pipeline::SealChain{arc::ArcResult::pass, 50, {}, ""});
    CHECK(full.m_skipped == "ARC chain already at instance 50");
    const auto dns = run({{"From", " a"}}, pipeline::SealChain{arc::ArcResult::fail, 2, {}, "DNS"});
    CHECK(dns.m_skipped == "DNS");
    const auto unreadable =
        run({{"From", " a"}}, pipeline::SealChain{arc::ArcResult::fail, 0, {}, ""});
    CHECK(unreadable.m_skipped == "ARC fields without a readable instance");
    const auto none = run({{"From", " a"}}, pipeline::SealChain{arc::ArcResult::none, 0, {}, ""});
    CHECK(none.log_value() == "i=1 cv=none");
    CHECK_FALSE(full.m_set);
}

TEST_CASE("SealStep::highest_instance reads i= of every ARC field, capped past 50") {
    auto settings = std::make_shared<const arc::SealSettings>(arc::SealSettings{
        std::make_shared<const dkim::SigningKey>(test_key()), "seal.example", "s1", {"from"}});
    pipeline::SealStep step(settings);
    step.header("ARC-Seal", " a=rsa-sha256; i=3; cv=pass; b=");
    step.header("ARC-Authentication-Results", " i=7; mx.example; none");
    step.header("ARC-Message-Signature", " i=x; a=rsa-sha256");
    step.header("X-Not-Arc", " i=40");
    CHECK(step.highest_instance() == 7);
    CHECK(step.arc_fields() == 3);
    step.header("arc-seal", " i=99999999999");
    CHECK(step.highest_instance() == 0 + 7);  // does not fit an int: unreadable
    step.header("arc-seal", " i=600");
    CHECK(step.highest_instance() == 51);
}

TEST_CASE("SealStep takes a running relaxed body hash's digest instead of hashing the body") {
    auto settings = std::make_shared<const arc::SealSettings>(arc::SealSettings{
        std::make_shared<const dkim::SigningKey>(test_key()), "seal.example", "s1", {"from"}});
    const auto bh = [&](dkim::BodyHash* running, bool body_first, std::string_view seal_body) {
        pipeline::SealStep step(settings);
        step.header("From", " a@example.com");
        if (body_first)
            step.body(seal_body);
        step.end_of_headers(running);
        if (!body_first)
            step.body(seal_body);
        const auto out = step.finish("mx.example; none", std::nullopt, false, 1700000000);
        REQUIRE(out.m_set);
        return tag(out.m_set->m_ams, "bh");
    };
    const std::string hello = dkim::encode_base64(body_hash("Hello\r\n"));
    const std::string other = dkim::encode_base64(body_hash("Other\r\n"));
    // Shared: the owner (DKIM or ARC) fed the body; what reaches the seal's body() is not
    // hashed again, so a different body there does not change bh=.
    dkim::BodyHash shared(message::Canonicalization::relaxed, std::nullopt);
    shared.add("Hello  \r\n\r\n");
    CHECK(bh(&shared, false, "Other\r\n") == hello);
    shared.finish();  // the owner's own finish() after the seal's is a no-op
    CHECK(dkim::encode_base64(shared.digest()) == hello);
    // Not shared: no running hash, a simple one, one with l=, or a body already started.
    CHECK(bh(nullptr, false, "Other \r\n") == other);
    dkim::BodyHash simple(message::Canonicalization::simple, std::nullopt);
    simple.add("Hello\r\n");
    CHECK(bh(&simple, false, "Other \r\n") == other);
    dkim::BodyHash limited(message::Canonicalization::relaxed, 3);
    limited.add("Hello\r\n");
    CHECK(bh(&limited, false, "Other \r\n") == other);
    dkim::BodyHash late(message::Canonicalization::relaxed, std::nullopt);
    late.add("Hello\r\n");
    CHECK(bh(&late, true, "Other \r\n") == other);
}
