// spf_macro_test.cpp - RFC 7208 section 7: syntax, expansion (the section 7.4 examples),
// transformers, URL escaping, exp-only letters and name truncation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "verify/spf/spf_macro.hpp"

using enma::resolver::IpAddress;
using enma::spf::expand_macros;
using enma::spf::is_valid_domain_spec;
using enma::spf::is_valid_macro_string;
using enma::spf::MacroContext;
using enma::spf::MacroUse;
using enma::spf::to_query_name;

namespace {

struct Rfc74 {
    IpAddress m_ip = *IpAddress::parse("192.0.2.3");
    MacroContext context() const {
        MacroContext context;
        context.m_local = "strong-bad";
        context.m_sender_domain = "email.example.com";
        context.m_domain = "email.example.com";
        context.m_helo = "mx.example.org";
        context.m_ip = &m_ip;
        context.m_validated_domain = "mx.example.org";
        context.m_receiver = "mx.receiver.example";
        context.m_timestamp = 1234567890;
        return context;
    }
};

std::string expand(const MacroContext& context, std::string_view text,
                   MacroUse use = MacroUse::domain_spec) {
    return expand_macros(text, context, use).value_or("<syntax error>");
}

}  // namespace

TEST_CASE("the single-macro examples of RFC 7208 section 7.4") {
    const Rfc74 rfc;
    const auto context = rfc.context();
    CHECK(expand(context, "%{s}") == "strong-bad@email.example.com");
    CHECK(expand(context, "%{o}") == "email.example.com");
    CHECK(expand(context, "%{d}") == "email.example.com");
    CHECK(expand(context, "%{d4}") == "email.example.com");
    CHECK(expand(context, "%{d3}") == "email.example.com");
    CHECK(expand(context, "%{d2}") == "example.com");
    CHECK(expand(context, "%{d1}") == "com");
    CHECK(expand(context, "%{dr}") == "com.example.email");
    CHECK(expand(context, "%{d2r}") == "example.email");
    CHECK(expand(context, "%{l}") == "strong-bad");
    CHECK(expand(context, "%{l-}") == "strong.bad");
    CHECK(expand(context, "%{lr}") == "strong-bad");
    CHECK(expand(context, "%{lr-}") == "bad.strong");
    CHECK(expand(context, "%{l1r-}") == "strong");
}

TEST_CASE("the macro-string examples of RFC 7208 section 7.4") {
    const Rfc74 rfc;
    const auto context = rfc.context();
    CHECK(expand(context, "%{ir}.%{v}._spf.%{d2}") == "3.2.0.192.in-addr._spf.example.com");
    CHECK(expand(context, "%{lr-}.lp._spf.%{d2}") == "bad.strong.lp._spf.example.com");
    CHECK(expand(context, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}") ==
          "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
    CHECK(expand(context, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}") ==
          "3.2.0.192.in-addr.strong.lp._spf.example.com");
    CHECK(expand(context, "%{d2}.trusted-domains.example.net") ==
          "example.com.trusted-domains.example.net");
}

TEST_CASE("%{i} of an IPv6 client is 32 dotted nibbles (upper-case, as the openspf suite)") {
    Rfc74 rfc;
    rfc.m_ip = *IpAddress::parse("2001:db8::cb01");
    const auto context = rfc.context();
    std::string expanded = expand(context, "%{ir}.%{v}._spf.%{d2}");
    CHECK(expanded ==
          "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
    CHECK(expand(context, "%{c}", MacroUse::explanation) == "2001:db8::cb01");
}

TEST_CASE("IPv4-mapped IPv6 clients expand as IPv4") {
    Rfc74 rfc;
    rfc.m_ip = *IpAddress::parse("::ffff:192.0.2.3");
    CHECK(expand(rfc.context(), "%{i} %{v}", MacroUse::explanation) == "192.0.2.3 in-addr");
}

TEST_CASE("escapes, upper-case URL escaping and explanation-only letters") {
    const Rfc74 rfc;
    auto context = rfc.context();
    CHECK(expand(context, "a%%b%_c%-d") == "a%b c%20d");
    context.m_local = "~jack&jill=up-a_b3.c";
    CHECK(expand(context, "%{L}") == "~jack%26jill%3Dup-a_b3.c");
    CHECK(expand(context, "%{l}") == "~jack&jill=up-a_b3.c");
    CHECK(expand(context, "%{c} %{r} %{t}", MacroUse::explanation) ==
          "192.0.2.3 mx.receiver.example 1234567890");
    CHECK_FALSE(expand_macros("%{c}", context, MacroUse::domain_spec).has_value());
    CHECK_FALSE(expand_macros("%{r}.example.com", context, MacroUse::domain_spec).has_value());
    CHECK(expand(context, "%{p}") == "mx.example.org");
    CHECK(expand(context, "%{h}") == "mx.example.org");
}

TEST_CASE("multiple delimiters and large digit transformers") {
    const Rfc74 rfc;
    auto context = rfc.context();
    context.m_local = "foo-bar+zip+quux";
    CHECK(expand(context, "%{l2r+-}") == "bar.foo");
    CHECK(expand(context, "%{l99+-}") == "foo.bar.zip.quux");
    CHECK(expand(context, "%{l99}") == "foo-bar+zip+quux");
    CHECK(expand(context, "%{l=}") == "foo-bar+zip+quux");
}

TEST_CASE("macro syntax errors") {
    CHECK_FALSE(is_valid_macro_string("%", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("%(ir).sbl.example.com", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("foo%.bar", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("%{x}", MacroUse::explanation));
    CHECK_FALSE(is_valid_macro_string("%{d0}", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("%{d", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("%{d2:}", MacroUse::domain_spec));
    CHECK_FALSE(is_valid_macro_string("a b", MacroUse::domain_spec));
    CHECK(is_valid_macro_string("a b", MacroUse::explanation));
    CHECK_FALSE(is_valid_macro_string(std::string("a\0b", 3), MacroUse::domain_spec));
    CHECK(is_valid_macro_string("%{D2r.-}", MacroUse::domain_spec));
}

TEST_CASE("domain-spec must end in a toplabel or a macro") {
    CHECK(is_valid_domain_spec("example.com"));
    CHECK(is_valid_domain_spec("example.com."));
    CHECK(is_valid_domain_spec("foo.example.xn--zckzah"));
    CHECK(is_valid_domain_spec("foo:bar/baz.example.com"));
    CHECK(is_valid_domain_spec("%{d}"));
    CHECK(is_valid_domain_spec("%{H}.bar"));
    CHECK(is_valid_domain_spec("_spf.%{d2}"));
    CHECK_FALSE(is_valid_domain_spec(""));
    CHECK_FALSE(is_valid_domain_spec("foo-bar"));
    CHECK_FALSE(is_valid_domain_spec("museum"));
    CHECK_FALSE(is_valid_domain_spec("museum."));
    CHECK_FALSE(is_valid_domain_spec("111.222.33.44"));
    CHECK_FALSE(is_valid_domain_spec("abc.123"));
    CHECK_FALSE(is_valid_domain_spec("example.-com"));
    CHECK_FALSE(is_valid_domain_spec("example.com:8080"));
    CHECK_FALSE(is_valid_domain_spec("ip5.example.com/24"));
}

TEST_CASE("to_query_name drops the trailing dot and truncates on the left to 253 octets") {
    CHECK(to_query_name("example.com.") == "example.com");
    std::string long_name;
    for (int i = 0; i < 30; ++i)
        long_name += "label" + std::to_string(i) + ".";
    long_name += "example.com";
    const std::string name = to_query_name(long_name);
    CHECK(name.size() <= 253);
    CHECK(name.size() > 240);
    CHECK(long_name.ends_with(name));
    CHECK(name.find("label") == 0);
}
