// authres_test.cpp - Authentication-Results rendering, quoting and authserv-id parsing.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

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

TEST_CASE("a final dot does not hide our id (issue 13)") {
    CHECK(is_own_authserv_id("mx.example.jp.; spf=pass", "mx.example.jp"));
    CHECK(is_own_authserv_id("MX.example.JP.. ; spf=pass", "mx.example.jp"));
    CHECK(is_own_authserv_id("\"mx.example.jp.\"; spf=pass", "mx.example.jp"));
    CHECK(is_own_authserv_id("mx.example.jp; spf=pass", "mx.example.jp."));
    CHECK_FALSE(is_own_authserv_id(".; spf=pass", "mx.example.jp"));
    CHECK_FALSE(is_own_authserv_id("mx.example.jp.x; spf=pass", "mx.example.jp"));
}

namespace {

// lines - the header field as the MTA writes it, split at the folds.
std::vector<std::string> lines(const std::string& value) {
    std::vector<std::string> out;
    std::string field = "Authentication-Results: " + value;
    std::size_t start = 0;
    for (std::size_t end; (end = field.find('\n', start)) != std::string::npos; start = end + 1)
        out.push_back(field.substr(start, end - start));
    out.push_back(field.substr(start));
    return out;
}

}  // namespace

TEST_CASE("hostile values: no line over 998 octets, and the authserv-id still parses (issue 13)") {
    const std::string quotes(5000, '"');  // every octet escaped: the quoted form doubles
    const std::string word(5000, 'w');    // one token longer than a line
    AuthResult dkim{"dkim", "fail", std::string(3000, 'c'), quotes, {}};
    for (const char* name : {"d", "i", "s", "a", "b"})
        dkim.m_properties.push_back({"header", name, quotes});
    dkim.m_properties.push_back({"header", "x", word});
    AuthResult spf{"spf", "pass", "", "", {{"smtp", "mailfrom", word + "@" + word}}};
    const std::string value = render_auth_results("mx.example.jp", {dkim, spf, dkim});
    const auto folded = lines(value);
    CHECK(folded.size() > 10);
    for (const auto& line : folded) {
        CHECK(line.size() <= 998);
        CHECK(line.find('\r') == std::string::npos);
    }
    CHECK(parse_authserv_id(value) == "mx.example.jp");
    CHECK(quote_pvalue(quotes).size() <= 514);
    CHECK(sanitize_comment(std::string(3000, 'c')).size() == 512);
}

TEST_CASE("an unusually long result folds between its properties, before 200 columns") {
    const std::string domain = std::string(60, 'd') + ".example.com";  // 72 octets
    AuthResult dkim{"dkim",
                    "pass",
                    "2048-bit key; secure",
                    "",
                    {{"header", "d", domain},
                     {"header", "i", "@" + domain},
                     {"header", "s", "selector2024"},
                     {"header", "a", "rsa-sha256"},
                     {"header", "b", "abcd1234"}}};
    const std::string value = render_auth_results("mx.example.jp", {dkim});
    CHECK(value == "mx.example.jp;\n\tdkim=pass (2048-bit key; secure) header.d=" + domain +
                       " header.i=@" + domain + "\n\theader.s=selector2024 header.a=rsa-sha256" +
                       " header.b=abcd1234");
    for (const auto& line : lines(value))
        CHECK(line.size() <= 200);
    // One line asked for: no folding at all.
    CHECK(render_auth_results("mx.example.jp", {dkim}, " ").find('\n') == std::string::npos);
    // Ordinary results stay on one line each.
    dkim.m_properties[0].m_value = dkim.m_properties[1].m_value = "example.com";
    CHECK(lines(render_auth_results("mx.example.jp", {dkim})).size() == 2);
}

TEST_CASE("an authserv-id that looks like an address is quoted and reads back whole") {
    // found by authres_render_fuzz: emitted bare, it read back as "mx.example.jp"
    const auto value = render_auth_results("mx.example.jp@r", {});
    CHECK(value == "\"mx.example.jp@r\"; none");
    CHECK(parse_authserv_id(value) == std::optional<std::string>("mx.example.jp@r"));
}
