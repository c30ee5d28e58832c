// authres_test.cpp - Authentication-Results rendering, quoting and authserv-id parsing.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "verify/authres/auth_results.hpp"
#include "verify/authres/authserv_id.hpp"

using namespace enma::verify;

TEST_CASE("a header with no results says none") {
    CHECK(render_auth_results("mx.example.jp", {}) == "mx.example.jp; none");
}

TEST_CASE("the example of the issue renders exactly") {
    std::vector<AuthResult> results{
        {"spf", "pass", "", "", {{"smtp", "mailfrom", "user@example.com"}}},
        {"sender-id", "pass", "", "", {{"header", "From", "user@example.com"}}},
        {"dkim",
         "pass",
         "2048-bit key; secure",
         "",
         {{"header", "i", "@example.com"}, {"header", "s", "sel"}, {"header", "b", "abcd1234"}}},
    };
    CHECK(render_auth_results("mx.example.jp", results, " ") ==
          "mx.example.jp; spf=pass smtp.mailfrom=user@example.com; sender-id=pass "
          "header.From=user@example.com; dkim=pass (2048-bit key; secure) header.i=@example.com "
          "header.s=sel header.b=abcd1234");
}

TEST_CASE("resinfos are folded with the given separator") {
    std::vector<AuthResult> results{{"spf", "none", "", "", {}}, {"dkim", "none", "", "", {}}};
    CHECK(render_auth_results("id", results) == "id;\n\tspf=none;\n\tdkim=none");
}

TEST_CASE("hostile values cannot inject CR, LF, ';' or comments") {
    CHECK(quote_pvalue("a\r\nX-Evil: 1") == "\"a??X-Evil: 1\"");
    CHECK(quote_pvalue("x; dkim=pass") == "\"x; dkim=pass\"");
    CHECK(quote_pvalue("x\" (y") == "\"x\\\" (y\"");
    CHECK(quote_pvalue("\"quoted\"@example.com") == "\"\\\"quoted\\\"@example.com\"");
    CHECK(quote_pvalue("caf\xc3\xa9@example.com") == "\"caf??@example.com\"");
    CHECK(quote_pvalue("user@example.com") == "user@example.com");
    CHECK(quote_pvalue("@example.com") == "@example.com");
    CHECK(quote_pvalue("") == "\"\"");
    CHECK(sanitize_comment("2048-bit) evil (") == "2048-bit? evil ?");
    std::vector<AuthResult> results{{"spf", "pass;", "", "bad\nreason", {}}};
    CHECK(render_auth_results("id", results, " ") == "id; spf=none reason=\"bad?reason\"");
}

TEST_CASE("authserv-id is found behind any CFWS and comments") {
    CHECK(parse_authserv_id("mx.example.jp; spf=pass") == "mx.example.jp");
    CHECK(parse_authserv_id("  (a (nested) comment)\r\n\t MX.Example.JP ; none") ==
          "MX.Example.JP");
    CHECK(parse_authserv_id("\"mx.example.jp\"; none") == "mx.example.jp");
    CHECK(parse_authserv_id("mx.example.jp(c); none") == "mx.example.jp");
    CHECK(parse_authserv_id("mx.example.jp 1; none") == "mx.example.jp");
    CHECK_FALSE(parse_authserv_id("(unterminated mx.example.jp; none"));
    CHECK_FALSE(parse_authserv_id(""));
    CHECK_FALSE(parse_authserv_id("; none"));
}

TEST_CASE("our id matches case-insensitively, others do not") {
    CHECK(is_own_authserv_id("(x) MX.EXAMPLE.JP; spf=pass", "mx.example.jp"));
    CHECK_FALSE(is_own_authserv_id("mx.example.jp.evil; spf=pass", "mx.example.jp"));
    CHECK_FALSE(is_own_authserv_id("other.example; spf=pass", "mx.example.jp"));
}

TEST_CASE("an authserv-id that looks like an address is quoted and reads back whole") {
    // found by authres_render_fuzz: emitted bare, it read back as "mx.example.jp"
    const auto value = render_auth_results("mx.example.jp@r", {});
    CHECK(value == "\"mx.example.jp@r\"; none");
    CHECK(parse_authserv_id(value) == std::optional<std::string>("mx.example.jp@r"));
}
