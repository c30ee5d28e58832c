// dkim_interop_test.cpp - messages signed by dkimpy (Debian python3-dkim) at test time, keys
// served by ZoneResolver: every canonicalisation, l=, several signatures, ed25519, folded and
// repeated headers, 8-bit and empty bodies, LF-only input, and the key-record and tampering
// failures, each with its expected result and reason (tests/vectors/dkim/gen_corpus.py).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
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

namespace fs = std::filesystem;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::dkim::DkimResult;
using enma::dkim::DkimVerifier;
using enma::resolver::ZoneResolver;

namespace {

constexpr const char* python = "/usr/bin/python3";

std::string source_dir() {
    if (const char* dir = std::getenv("ENMA_SOURCE_DIR"))
        return dir;
    const std::string here = __FILE__;  // <source>/tests/unit/this_file.cpp
    return here.substr(0, here.rfind("/tests/unit/"));
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Case {
    std::string m_name;
    std::vector<std::string> m_expected;  // "code:reason" per signature
};

// Corpus - generated once per test binary run into a fresh temporary directory.
struct Corpus {
    Corpus() {
        REQUIRE_MESSAGE(
            std::system((std::string(python) + " -c 'import dkim, nacl'").c_str()) == 0,
            "python3-dkim (and python3-nacl) are required: apt-get install python3-dkim");
        m_dir = fs::temp_directory_path() / ("enma-dkim-corpus-" + std::to_string(::getpid()));
        const std::string command = std::string(python) + " " + source_dir() +
                                    "/tests/vectors/dkim/gen_corpus.py " + m_dir.string();
        REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "generator failed: " << command);
        std::istringstream manifest(read_file(m_dir / "manifest.txt"));
        for (std::string line; std::getline(manifest, line);) {
            if (line.empty())
                continue;
            const auto tab = line.find('\t');
            Case c{line.substr(0, tab), {}};
            std::istringstream results(line.substr(tab + 1));
            for (std::string one; std::getline(results, one, '|');)
                c.m_expected.push_back(one);
            m_cases.push_back(std::move(c));
        }
    }
    ~Corpus() {
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
    }
    fs::path m_dir;
    std::vector<Case> m_cases;
};

std::vector<std::string> describe(const std::vector<DkimResult>& results) {
    std::vector<std::string> out;
    for (const auto& r : results)
        out.push_back(std::string(to_string(r.m_code)) + ":" + r.m_reason);
    return out;
}

// streamed - the milter's order of calls, the body in 1-byte chunks, keys from `zone`.
std::vector<DkimResult> streamed(Scheduler& scheduler, ZoneResolver& zone,
                                 const std::string& message) {
    DkimVerifier verifier({}, std::time(nullptr));
    const auto block = enma::message::split_message(message);
    for (const auto& field : block.m_fields)
        verifier.add_header(field.m_name, field.m_raw_value);
    for (const auto& request : verifier.take_key_requests())
        verifier.set_key(request.m_index,
                         sync_wait(scheduler, enma::dkim::fetch_key(zone, request.m_selector,
                                                                    request.m_domain)));
    verifier.end_of_headers();
    for (std::size_t i = block.m_body_offset; i < message.size(); ++i)
        verifier.add_body(std::string_view(message).substr(i, 1));
    return verifier.finish();
}

// check_cases - every case of the manifest, whole message and streamed byte by byte.
void check_cases(Scheduler& scheduler, ZoneResolver& zone, const Corpus& corpus) {
    std::size_t passes = 0;
    for (const auto& c : corpus.m_cases) {
        CAPTURE(c.m_name);
        const std::string message = read_file(corpus.m_dir / (c.m_name + ".eml"));
        const auto results = sync_wait(scheduler, enma::dkim::verify_message(zone, message, {}));
        CHECK(describe(results) == c.m_expected);
        CHECK(describe(streamed(scheduler, zone, message)) == c.m_expected);
        for (const auto& r : results)
            passes += r.m_code == enma::dkim::DkimResultCode::pass;
    }
    CHECK(passes >= 30);
}

// check_properties - what is reported besides the result word.
void check_properties(Scheduler& scheduler, ZoneResolver& zone, const Corpus& corpus) {
    auto verify = [&](const std::string& name) {
        return sync_wait(scheduler, enma::dkim::verify_message(
                                        zone, read_file(corpus.m_dir / (name + ".eml")), {}));
    };
    auto results = verify("big_key_4096");
    REQUIRE(results.size() == 1);
    CHECK(results[0].m_key_bits == 4096);
    results = verify("testing_key");
    CHECK(results[0].m_key_testing);
    CHECK(results[0].m_key_bits == 2048);
    results = verify("key_too_short");
    CHECK(results[0].m_key_bits == 512);
    results = verify("length_appended");
    REQUIRE(results[0].m_body_length.has_value());
    CHECK(results[0].m_body_hashed == *results[0].m_body_length);
    CHECK(results[0].m_body_total > results[0].m_body_hashed);
    results = verify("identity_subdomain");
    CHECK(results[0].m_identity == "alice@mail.example.com");
    enma::dkim::DkimOptions accept_expired;
    accept_expired.m_accept_expired_signature = true;
    results = sync_wait(
        scheduler,
        enma::dkim::verify_message(zone, read_file(corpus.m_dir / "expired.eml"), accept_expired));
    REQUIRE(results.size() == 1);
    CHECK(results[0].m_code == enma::dkim::DkimResultCode::pass);
    results = verify("three_signatures");
    REQUIRE(results.size() == 3);
    CHECK(results[0].m_domain == "example.org");
    CHECK(results[1].m_algorithm == "ed25519-sha256");
    CHECK(results[2].m_selector == "rsa");
}

}  // namespace

// One test case, so the (slow: 4096-bit key) generator runs once per binary run.
TEST_CASE("dkimpy corpus: expected results whole and streamed, and reported properties") {
    Corpus corpus;
    REQUIRE(corpus.m_cases.size() >= 40);
    Scheduler scheduler(Scheduler::Options{true});
    ZoneResolver zone(scheduler);
    zone.load(read_file(corpus.m_dir / "keys.zone"));
    scheduler.start();
    check_cases(scheduler, zone, corpus);
    check_properties(scheduler, zone, corpus);
}
