// interop_test.cpp - the DKIM interoperability corpus: messages signed at test time by
// Debian's opendkim milter (interop_sign.py drives it over the milter protocol) and by dkimpy
// (Debian python3-dkim, interop_sign.py dkimpy-sign) across every canonicalization, l=, two
// and three signatures, RSA 2048/1024 and Ed25519, folded, repeated and over-signed headers,
// 8-bit, empty and unterminated bodies, LF-only files and i= on a subdomain are verified by the
// enma-check binary against keys served by NSD (fixture.py, interop.example). Every message
// passes, except where OpenDKIM's signature is itself wrong (docs/dkim.md, "Interoperability
// with OpenDKIM"); a changed header, a changed body and a body cut below l= fail with their
// reasons; text appended after l= still passes; dkimpy agrees with enma on every file, and so
// does OpenDKIM's own verifier but for the one body it hashes its own way.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/command.hpp"
#include "tests/integration/fixture_env.hpp"
#include "verify/authres/auth_results.hpp"

#ifndef ENMA_CHECK_BINARY
#error "ENMA_CHECK_BINARY must name the enma-check binary (tests/integration/CMakeLists.txt)"
#endif

using enma::integration::FixtureEnv;
using enma::integration::Result;
using enma::integration::run;

namespace {

constexpr const char* kSigner = ENMA_INTEGRATION_DATA "/../interop_sign.py";

// One DKIM-Signature OpenDKIM or dkimpy wrote, as enma should report it. m_defect: "" if the
// signer made a good signature, else why the untouched message fails (docs/dkim.md,
// "Interoperability with OpenDKIM"). m_identity: header.i (i=, or "@" d= without one).
struct Signature {
    std::string m_selector, m_algorithm, m_comment, m_defect;
    std::string m_identity = "@interop.example";
};

const Signature kRsa2048{"rsa2048", "rsa-sha256", "2048-bit key; DNSSEC insecure", ""};
const Signature kRsa1024{"rsa1024", "rsa-sha256", "1024-bit key; DNSSEC insecure", ""};
const Signature kEd25519{"ed25519", "ed25519-sha256", "256-bit key; DNSSEC insecure", ""};

// OpenDKIM's Ed25519 signatures under simple header canonicalization verify nowhere.
Signature broken_ed25519() {
    auto signature = kEd25519;
    signature.m_defect = "signature mismatch";
    return signature;
}

// The corpus interop_sign.py writes: case name -> its signatures, top first.
std::map<std::string, std::vector<Signature>> corpus() {
    std::map<std::string, std::vector<Signature>> cases;
    for (const char* canon :
         {"simple-simple", "simple-relaxed", "relaxed-simple", "relaxed-relaxed"}) {
        const bool simple_header = std::string(canon).starts_with("simple-");
        cases[std::string("rsa-") + canon] = {kRsa2048};
        cases[std::string("ed25519-") + canon] = {simple_header ? broken_ed25519() : kEd25519};
        cases[std::string("l-") + canon] = {kRsa2048};
    }
    for (const char* canon : {"simple-simple", "relaxed-relaxed"}) {
        for (const char* family : {"folded-", "8bit-", "empty-", "unterminated-", "lf-"})
            cases[family + std::string(canon)] = {kRsa2048};
        // OpenDKIM inserts each signature at the top: the one made last comes first.
        cases[std::string("two-") + canon] = {kRsa1024, kRsa2048};
        cases[std::string("rsa1024-") + canon] = {kRsa1024};
    }
    cases["mixed-simple-simple"] = {broken_ed25519(), kRsa2048};
    cases["mixed-relaxed-relaxed"] = {kEd25519, kRsa2048};
    // Relaxed body, last line "no final CRLF \t" without CRLF: OpenDKIM hashes "no final CRLF",
    // RFC 6376 3.4.4 (and enma) "no final CRLF\r\n".
    cases["unterminated-relaxed-relaxed"][0].m_defect = "body hash mismatch";
    return cases;
}

// The corpus interop_sign.py dkimpy-sign writes into dkimpy/: the OpenDKIM case list (dkimpy
// signs each of those the same way, in the same order; Received is signed too, Cc over-signed in
// folded-* and lf-*), plus three signatures with three c= and i= on a subdomain. dkimpy makes
// no defective signature: everything passes.
std::map<std::string, std::vector<Signature>> dkimpy_corpus() {
    std::map<std::string, std::vector<Signature>> cases;
    for (const char* canon :
         {"simple-simple", "simple-relaxed", "relaxed-simple", "relaxed-relaxed"}) {
        cases[std::string("rsa-") + canon] = {kRsa2048};
        cases[std::string("ed25519-") + canon] = {kEd25519};
        cases[std::string("l-") + canon] = {kRsa2048};
    }
    for (const char* canon : {"simple-simple", "relaxed-relaxed"}) {
        for (const char* family : {"folded-", "8bit-", "empty-", "unterminated-", "lf-"})
            cases[family + std::string(canon)] = {kRsa2048};
        cases[std::string("two-") + canon] = {kRsa1024, kRsa2048};
        cases[std::string("mixed-") + canon] = {kEd25519, kRsa2048};
        cases[std::string("rsa1024-") + canon] = {kRsa1024};
    }
    cases["three"] = {kRsa1024, kEd25519, kRsa2048};
    auto subdomain = kRsa2048;
    subdomain.m_identity = "user@mail.interop.example";
    cases["identity"] = {subdomain};
    std::map<std::string, std::vector<Signature>> files;
    for (auto& [name, signatures] : cases)
        files["dkimpy/" + name] = std::move(signatures);
    return files;
}

// Both corpora, for what holds for either signer.
std::map<std::string, std::vector<Signature>> every_case() {
    auto cases = corpus();
    cases.merge(dkimpy_corpus());
    return cases;
}

// The files of a case list: each message and its tampered copies.
std::vector<std::string> files_of(const std::map<std::string, std::vector<Signature>>& cases) {
    std::vector<std::string> files;
    for (const auto& [name, signatures] : cases) {
        for (const char* suffix : {".eml", ".header.eml", ".body.eml"})
            files.push_back(name + suffix);
        if (name.starts_with("l-") || name.starts_with("dkimpy/l-")) {
            files.push_back(name + ".append.eml");
            files.push_back(name + ".cut.eml");
        }
    }
    return files;
}

struct Corpus {
    Corpus() {
        const auto env = FixtureEnv::load();
        const std::string dir = FixtureEnv::variable("ENMA_IT_DIR");
        m_dir = dir + "/interop/";
        m_nsd_port = std::to_string(env.m_nsd_port);
        const auto sign = run("/usr/bin/python3 " + std::string(kSigner) + " sign " + m_dir + " " +
                              FixtureEnv::variable("ENMA_IT_INTEROP_RSA2048_KEY") + " " +
                              FixtureEnv::variable("ENMA_IT_INTEROP_RSA1024_KEY") + " " +
                              FixtureEnv::variable("ENMA_IT_INTEROP_ED25519_KEY") + " >&2");
        REQUIRE_MESSAGE(sign.m_status == 0, "interop_sign.py could not sign with opendkim");
        const auto dkimpy =
            run("/usr/bin/python3 " + std::string(kSigner) + " dkimpy-sign " + m_dir + "dkimpy " +
                FixtureEnv::variable("ENMA_IT_INTEROP_RSA2048_KEY") + " " +
                FixtureEnv::variable("ENMA_IT_INTEROP_RSA1024_KEY") + " " +
                FixtureEnv::variable("ENMA_IT_INTEROP_ED25519_KEY") + " >&2");
        REQUIRE_MESSAGE(dkimpy.m_status == 0, "interop_sign.py could not sign with dkimpy");
        std::ofstream anchor(dir + "/interop-anchor.ds");
        anchor << env.m_signed_ds << "\n";
        m_settings = " -o resolver.mode=forward -o resolver.forwarders=127.0.0.1@" + m_nsd_port +
                     " -o resolver.trust_anchor_file=" + dir +
                     "/interop-anchor.ds -o authresult.identifier=mx.test";
    }

    // check - enma-check's output for one corpus file.
    Result check(const std::string& args, const std::string& file) const {
        return run(std::string(ENMA_CHECK_BINARY) + m_settings + " " + args + " " + m_dir + file);
    }

    // dkim - enma-check's DKIM results for one corpus file (--json), run once per file.
    nlohmann::json dkim(const std::string& file) const {
        if (const auto known = m_results.find(file); known != m_results.end())
            return known->second;
        const auto result =
            check("--json --ip 198.18.4.25 --mail-from '<rsa@interop.example>'", file);
        REQUIRE_MESSAGE(result.m_status == 0, file);
        const auto json = nlohmann::json::parse(result.m_out);
        nlohmann::json found = nlohmann::json::array();
        for (const auto& one : json["results"])
            if (one["method"] == "dkim")
                found.push_back(one);
        return m_results[file] = found;
    }

    std::string m_dir, m_nsd_port, m_settings;
    mutable std::map<std::string, nlohmann::json> m_results;
};

const Corpus& the_corpus() {
    static const Corpus corpus;
    return corpus;
}

// expect - the DKIM results of `file`: one per signature, with the right d=, i=, s=, a= and key.
// `reason` gives each signature's result and reason; empty means pass.
void expect(const std::string& file, const std::vector<Signature>& signatures,
            const std::function<std::string(const Signature&)>& reason) {
    const auto found = the_corpus().dkim(file);
    REQUIRE_MESSAGE(found.size() == signatures.size(), file);
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        INFO(file, " signature ", i);
        const auto why = reason(signatures[i]);
        CHECK(found[i]["result"] == (why.empty() ? "pass" : "fail"));
        CHECK(found[i].value("reason", "") == why);
        CHECK(found[i]["comment"] == signatures[i].m_comment);
        CHECK(found[i]["properties"]["header.d"] == "interop.example");
        CHECK(found[i]["properties"]["header.i"] == signatures[i].m_identity);
        CHECK(found[i]["properties"]["header.s"] == signatures[i].m_selector);
        CHECK(found[i]["properties"]["header.a"] == signatures[i].m_algorithm);
    }
}

std::string as_signed(const Signature& signature) {
    return signature.m_defect;
}

}  // namespace

TEST_CASE("every OpenDKIM-signed message passes, but for OpenDKIM's own defects") {
    for (const auto& [name, signatures] : corpus())
        expect(name + ".eml", signatures, as_signed);
}

TEST_CASE("every dkimpy-signed message passes") {
    for (const auto& [name, signatures] : dkimpy_corpus())
        expect(name + ".eml", signatures, as_signed);
}

TEST_CASE("a changed signed header: signature mismatch (OpenDKIM and dkimpy)") {
    // The body hash is checked first: a wrong one still says so.
    for (const auto& [name, signatures] : every_case())
        expect(name + ".header.eml", signatures, [](const Signature& signature) {
            return signature.m_defect == "body hash mismatch" ? signature.m_defect
                                                              : "signature mismatch";
        });
}

TEST_CASE("a changed body: body hash mismatch (OpenDKIM and dkimpy)") {
    for (const auto& [name, signatures] : every_case())
        expect(name + ".body.eml", signatures,
               [](const Signature&) { return "body hash mismatch"; });
}

TEST_CASE("l=: text appended after it passes, a body cut below it fails (OpenDKIM and dkimpy)") {
    for (const auto& [name, signatures] : every_case()) {
        if (!name.starts_with("l-") && !name.starts_with("dkimpy/l-"))
            continue;
        expect(name + ".append.eml", signatures, as_signed);
        expect(name + ".cut.eml", signatures,
               [](const Signature&) { return "l= exceeds body length"; });
    }
}

TEST_CASE("OpenDKIM's a=ed25519-sha256 made with an RSA key: permerror, dkimpy fails it") {
    const auto found = the_corpus().dkim("mislabelled.eml");
    REQUIRE(found.size() == 1);
    CHECK(found[0]["result"] == "permerror");
    CHECK(found[0]["reason"] == "key type does not match a=");
    CHECK(found[0]["comment"] == "DNSSEC insecure");
    CHECK(found[0]["properties"]["header.s"] == "rsa2048");
    CHECK(found[0]["properties"]["header.a"] == "ed25519-sha256");
    const auto& c = the_corpus();
    CHECK(run("/usr/bin/python3 " + std::string(kSigner) + " dkimpy " + c.m_nsd_port + " " +
              c.m_dir + "mislabelled.eml")
              .m_out == c.m_dir + "mislabelled.eml: fail\n");
}

TEST_CASE("the Authentication-Results header of two OpenDKIM signatures and SPF") {
    const auto& c = the_corpus();
    const auto result = c.check(
        "--lf --ip 198.18.4.25 --helo mail.interop.example"
        " --mail-from '<mixed@interop.example>'",
        "mixed-relaxed-relaxed.eml");
    CHECK(result.m_status == 0);
    const auto found = c.dkim("mixed-relaxed-relaxed.eml");
    REQUIRE(found.size() == 2);
    const auto b = [&](int i) {
        return enma::verify::quote_pvalue(found[i]["properties"]["header.b"].get<std::string>());
    };
    CHECK(result.m_out ==
          "Authentication-Results: mx.test;\n\t"
          "spf=pass (DNSSEC insecure) smtp.mailfrom=mixed@interop.example "
          "smtp.helo=mail.interop.example;\n\t"
          "sender-id=pass (DNSSEC insecure) header.From=mixed@interop.example;\n\t"
          "dkim=pass (256-bit key; DNSSEC insecure) header.d=interop.example"
          " header.i=@interop.example header.s=ed25519 header.a=ed25519-sha256 header.b=" +
              b(0) +
              ";\n\t"
              "dkim=pass (2048-bit key; DNSSEC insecure) header.d=interop.example"
              " header.i=@interop.example header.s=rsa2048 header.a=rsa-sha256 header.b=" +
              b(1) + "\n");
}

// verdicts - "DIR/FILE: pass fail ..." lines from interop_sign.py dkimpy|opendkim, by file.
std::map<std::string, std::string> verdicts(const std::string& verifier,
                                            const std::vector<std::string>& files) {
    const auto& c = the_corpus();
    std::string command =
        "/usr/bin/python3 " + std::string(kSigner) + " " + verifier + " " + c.m_nsd_port;
    for (const auto& file : files)
        command += " " + c.m_dir + file;
    const auto result = run(command);
    REQUIRE_MESSAGE(result.m_status == 0, verifier << " could not verify");
    std::map<std::string, std::string> found;
    std::istringstream lines(result.m_out);
    for (std::string line; std::getline(lines, line);) {
        const auto colon = line.find(": ");
        REQUIRE(colon != std::string::npos);
        found[line.substr(c.m_dir.size(), colon - c.m_dir.size())] = line.substr(colon + 2);
    }
    return found;
}

// What OpenDKIM's verifier says where it differs from enma: it verifies its own unterminated
// relaxed body the way it signed it, and ignores a relaxed body whose unterminated last line has
// no trailing whitespace (it adds no result, as it adds no signature to such a message).
std::string opendkim_differs(const std::string& file) {
    if (file == "unterminated-relaxed-relaxed.eml")
        return "pass";
    if (file.starts_with("dkimpy/unterminated-relaxed-relaxed."))
        return "none";
    return "";
}

TEST_CASE("dkimpy agrees with enma on every file; OpenDKIM on all but its relaxed-body defect") {
    const auto& c = the_corpus();
    const auto files = files_of(every_case());
    const auto dkimpy = verdicts("dkimpy", files);
    const auto opendkim = verdicts("opendkim", files);
    CHECK(dkimpy.size() == files.size());
    CHECK(opendkim.size() == files.size());
    for (const auto& file : files) {
        std::string enma;
        for (const auto& one : c.dkim(file))
            enma += (enma.empty() ? "" : " ") + one["result"].get<std::string>();
        INFO(file);
        CHECK(dkimpy.at(file) == enma);
        const auto differs = opendkim_differs(file);
        CHECK(opendkim.at(file) == (differs.empty() ? enma : differs));
    }
}
