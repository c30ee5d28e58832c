// dkim_rfc8463_test.cpp - the RFC 8463 Appendix A message, keys served by ZoneResolver: both
// signatures pass, whole or streamed byte by byte, and tampering is caught.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/dkim/dkim_verifier.hpp"
#include "verify/dkim/verify_message.hpp"
#include "verify/message/header_field.hpp"

using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::dkim::DkimOptions;
using enma::dkim::DkimResult;
using enma::dkim::DkimResultCode;
using enma::dkim::DkimVerifier;
using enma::dkim::fetch_key;
using enma::dkim::KeyLookupResult;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

constexpr std::int64_t signing_time = 1528637909;

std::string vector_dir() {
    if (const char* dir = std::getenv("ENMA_SOURCE_DIR"))
        return std::string(dir) + "/tests/vectors/dkim/";
    std::string here = __FILE__;  // <source>/tests/unit/this_file.cpp
    return here.substr(0, here.rfind("/unit/")) + "/vectors/dkim/";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_zone.load(read_file(vector_dir() + "rfc8463.zone"));
        m_scheduler.start();
    }
    std::vector<DkimResult> verify(const std::string& message, DkimOptions options = {},
                                   std::int64_t now = signing_time) {
        return sync_wait(m_scheduler, enma::dkim::verify_message(m_zone, message, options, now));
    }
    KeyLookupResult key(std::string selector) {
        return sync_wait(m_scheduler, fetch_key(m_zone, selector, "football.example.com"));
    }
    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

// stream - the milter's way: headers one by one, keys set, body in `chunk`-byte pieces.
std::vector<DkimResult> stream(Fixture& f, const std::string& message, std::size_t chunk) {
    DkimVerifier verifier({}, signing_time);
    const auto block = enma::message::split_message(message);
    for (const auto& field : block.m_fields)
        verifier.add_header(field.m_name, field.m_raw_value);
    for (const auto& request : verifier.take_key_requests())
        verifier.set_key(request.m_index, f.key(request.m_selector));
    verifier.end_of_headers();
    const std::string body = message.substr(block.m_body_offset);
    for (std::size_t i = 0; i < body.size(); i += chunk)
        verifier.add_body(body.substr(i, chunk));
    return verifier.finish();
}

std::string replace(std::string text, std::string_view from, std::string_view to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("RFC 8463 A.3: the ed25519 and the RSA signature both pass") {
    Fixture f;
    const auto results = f.verify(read_file(vector_dir() + "rfc8463.eml"));
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::pass);
    CHECK(results[0].m_reason == "");
    CHECK(results[0].m_algorithm == "ed25519-sha256");
    CHECK(results[0].m_selector == "brisbane");
    CHECK(results[0].m_domain == "football.example.com");
    CHECK(results[0].m_identity == "@football.example.com");
    CHECK(results[0].m_key_bits == 256);
    CHECK(results[0].m_header_b == "/gCrinpc");
    CHECK(results[0].m_key_security == Security::unchecked);
    CHECK(results[1].m_code == DkimResultCode::pass);
    CHECK(results[1].m_algorithm == "rsa-sha256");
    CHECK(results[1].m_key_bits == 1024);
    CHECK(results[1].m_body_hashed == results[1].m_body_total);
}

TEST_CASE("RFC 8463: 1-byte chunks, odd chunks and one chunk give identical results") {
    Fixture f;
    const std::string message = read_file(vector_dir() + "rfc8463.eml");
    const auto whole = stream(f, message, message.size());
    REQUIRE(whole.size() == 2);
    CHECK(whole[0].m_code == DkimResultCode::pass);
    CHECK(whole[1].m_code == DkimResultCode::pass);
    for (std::size_t chunk : {1u, 2u, 7u}) {
        const auto parts = stream(f, message, chunk);
        REQUIRE(parts.size() == 2);
        for (std::size_t i = 0; i < 2; ++i) {
            CHECK(parts[i].m_code == whole[i].m_code);
            CHECK(parts[i].m_reason == whole[i].m_reason);
            CHECK(parts[i].m_body_hashed == whole[i].m_body_hashed);
        }
    }
}

TEST_CASE("RFC 8463: LF-only input still passes") {
    Fixture f;
    std::string message = read_file(vector_dir() + "rfc8463.eml");
    std::string lf;
    for (char c : message)
        if (c != '\r')
            lf.push_back(c);
    const auto results = f.verify(lf);
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::pass);
    CHECK(results[1].m_code == DkimResultCode::pass);
}

TEST_CASE("RFC 8463: a changed header breaks b=, a changed body breaks bh=") {
    Fixture f;
    const std::string message = read_file(vector_dir() + "rfc8463.eml");
    auto results = f.verify(replace(message, "Is dinner ready?", "Is dinner ready!"));
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::fail);
    CHECK(results[0].m_reason == "signature mismatch");
    CHECK(results[1].m_reason == "signature mismatch");
    results = f.verify(replace(message, "hungry yet", "hungry now"));
    CHECK(results[0].m_code == DkimResultCode::fail);
    CHECK(results[0].m_reason == "body hash mismatch");
    CHECK(results[1].m_reason == "body hash mismatch");
    // Relaxed canonicalisation tolerates whitespace changes in the body.
    results = f.verify(replace(message, "hungry yet?", "hungry   yet?  "));
    CHECK(results[0].m_code == DkimResultCode::pass);
}

TEST_CASE("RFC 8463: the signature limit and the clock") {
    Fixture f;
    const std::string message = read_file(vector_dir() + "rfc8463.eml");
    DkimOptions options;
    options.m_signheader_limit = 1;
    auto results = f.verify(message, options);
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::pass);
    CHECK(results[1].m_code == DkimResultCode::policy);
    CHECK(results[1].m_reason == "1 more signature not checked");
    CHECK(results[1].m_selector.empty());
    CHECK(results[1].m_domain.empty());
    CHECK(f.m_zone.query_count() == 1);
    results = f.verify(message, {}, signing_time - 301);
    CHECK(results[0].m_code == DkimResultCode::permerror);
    CHECK(results[0].m_reason == "signature timestamp in the future");
    results = f.verify(message, {}, signing_time - 300);
    CHECK(results[0].m_code == DkimResultCode::pass);
}

TEST_CASE("a flood of DKIM-Signature fields: one summary result, nothing kept past the limit") {
    DkimOptions options;
    options.m_signheader_limit = 3;
    DkimVerifier verifier(options, signing_time);
    for (int i = 0; i < 100000; ++i)
        verifier.add_header("DKIM-Signature", i % 2 ? "" : " v=1; d=x.example; s=s; b=AAAA");
    CHECK(verifier.signature_count() == 100000);
    CHECK(verifier.take_key_requests().empty());  // the three kept are malformed (no a=, h=)
    verifier.end_of_headers();
    verifier.add_body("body\r\n");
    const auto results = verifier.finish();
    REQUIRE(results.size() == 4);
    for (int i = 0; i < 3; ++i)
        CHECK(results[i].m_code == DkimResultCode::permerror);
    CHECK(results[0].m_domain == "x.example");
    CHECK(results[3].m_code == DkimResultCode::policy);
    CHECK(results[3].m_reason == "99997 more signatures not checked");
    CHECK(results[3].m_domain.empty());
}

TEST_CASE("RFC 8463: an RSA minimum above 1024 bits rejects the RSA key") {
    Fixture f;
    DkimOptions options;
    options.m_minimum_key_bits = 2048;
    const auto results = f.verify(read_file(vector_dir() + "rfc8463.eml"), options);
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::pass);
    CHECK(results[1].m_code == DkimResultCode::permerror);
    CHECK(results[1].m_reason == "key too short");
    CHECK(results[1].m_key_bits == 1024);
}

TEST_CASE("key lookups: DNS failures are temperror, a missing key permerror") {
    Fixture f;
    f.m_zone.set_servfail("brisbane._domainkey.football.example.com");
    auto key = f.key("brisbane");
    CHECK(key.m_status == enma::dkim::KeyLookupStatus::temperror);
    CHECK(key.m_reason == "key lookup failed: servfail");
    key = f.key("nosuch");
    CHECK(key.m_status == enma::dkim::KeyLookupStatus::permerror);
    CHECK(key.m_reason == "no key");
    key = f.key("test");
    CHECK(key.m_status == enma::dkim::KeyLookupStatus::found);
    REQUIRE(key.m_records.size() == 1);
    CHECK(key.m_records[0].size() == 234);  // four strings joined without separators
    const auto results = f.verify(read_file(vector_dir() + "rfc8463.eml"));
    CHECK(results[0].m_code == DkimResultCode::temperror);
    CHECK(results[0].m_reason == "key lookup failed: servfail");
    CHECK(results[1].m_code == DkimResultCode::pass);
}

TEST_CASE("DNSSEC security of the key answer is reported") {
    Fixture f;
    f.m_zone.set_security("test._domainkey.football.example.com", Security::secure);
    const auto results = f.verify(read_file(vector_dir() + "rfc8463.eml"));
    REQUIRE(results.size() == 2);
    CHECK(results[1].m_key_security == Security::secure);
    CHECK(results[0].m_key_security != Security::secure);
}

TEST_CASE("a verifier without keys reports temperror, not a crash") {
    DkimVerifier verifier({}, signing_time);
    const auto block = enma::message::split_message(read_file(vector_dir() + "rfc8463.eml"));
    for (const auto& field : block.m_fields)
        verifier.add_header(field.m_name, field.m_raw_value);
    CHECK(verifier.take_key_requests().size() == 2);
    CHECK(verifier.take_key_requests().empty());
    const auto results = verifier.finish();
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::temperror);
    CHECK(results[0].m_reason == "key not available");
}

TEST_CASE("key g= (RFC 4871) is honoured only in rfc4871_compatible mode") {
    Fixture f;
    // i=@football.example.com has an empty local part: "g=joe" does not match it, "g=*" does.
    std::string record = f.key("test").m_records.at(0);
    record.replace(0, 9, "v=DKIM1; g=joe; ");
    ZoneResolver zone(f.m_scheduler);
    zone.add("test._domainkey.football.example.com", enma::resolver::RrType::txt, record);
    zone.add(
        "brisbane._domainkey.football.example.com", enma::resolver::RrType::txt,
        std::string("v=DKIM1; k=ed25519; g=*; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
    const std::string message = read_file(vector_dir() + "rfc8463.eml");
    DkimOptions compatible;
    compatible.m_rfc4871_compatible = true;
    auto results = sync_wait(f.m_scheduler,
                             enma::dkim::verify_message(zone, message, compatible, signing_time));
    REQUIRE(results.size() == 2);
    CHECK(results[0].m_code == DkimResultCode::pass);
    CHECK(results[1].m_code == DkimResultCode::permerror);
    CHECK(results[1].m_reason == "key g= does not match i=");
    results = sync_wait(f.m_scheduler, enma::dkim::verify_message(zone, message, {}, signing_time));
    CHECK(results[1].m_code == DkimResultCode::pass);
}
