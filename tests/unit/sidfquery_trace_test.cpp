// sidfquery_trace_test.cpp - the -v lines: one per lookup, untrusted DNS text made printable.
#include <doctest/doctest.h>

#include <sstream>

#include "app/sidfquery/sidfquery_trace.hpp"

using enma::app::describe_lookup;
using enma::app::printable;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::IpAddress;
using enma::resolver::MxRecord;
using enma::resolver::RrType;
using enma::resolver::Security;

TEST_CASE("printable escapes control, non-ASCII, quote and backslash bytes, and bounds") {
    CHECK(printable("v=spf1 -all") == "v=spf1 -all");
    CHECK(printable("a\nb\x1b[31m") == "a\\x0Ab\\x1B[31m");
    CHECK(printable("\"q\"\\") == "\\x22q\\x22\\x5C");
    CHECK(printable("caf\xc3\xa9") == "caf\\xC3\\xA9");
    CHECK(printable("abcdef", 3) == "abc...");
    CHECK(printable("abc", 3) == "abc");
}

TEST_CASE("describe_lookup: status, security, TTL and the records") {
    Answer txt;
    txt.m_status = DnsStatus::noerror;
    txt.m_security = Security::insecure;
    txt.m_ttl = 300;
    txt.m_records = {std::string("v=spf1 -all"), std::string("x\"y")};
    CHECK(describe_lookup("example.jp", RrType::txt, txt) ==
          "lookup example.jp TXT: noerror insecure ttl=300 \"v=spf1 -all\" \"x\\x22y\"");

    Answer a;
    a.m_status = DnsStatus::noerror;
    a.m_security = Security::secure;
    a.m_ttl = 60;
    a.m_records = {*IpAddress::parse("192.0.2.1"), *IpAddress::parse("192.0.2.2")};
    CHECK(describe_lookup("h.example.jp", RrType::a, a) ==
          "lookup h.example.jp A: noerror secure ttl=60 192.0.2.1 192.0.2.2");

    Answer mx;
    mx.m_status = DnsStatus::noerror;
    mx.m_records = {MxRecord{10, "mx.example.jp"}};
    CHECK(describe_lookup("example.jp", RrType::mx, mx) ==
          "lookup example.jp MX: noerror unchecked ttl=0 10 mx.example.jp");

    Answer ptr;
    ptr.m_status = DnsStatus::noerror;
    ptr.m_records = {std::string("h.example.jp")};
    CHECK(describe_lookup("1.2.0.192.in-addr.arpa", RrType::ptr, ptr) ==
          "lookup 1.2.0.192.in-addr.arpa PTR: noerror unchecked ttl=0 h.example.jp");
}

TEST_CASE("describe_lookup: failures carry no TTL; bogus says why") {
    CHECK(describe_lookup("x.example", RrType::txt, Answer::failure(DnsStatus::timeout)) ==
          "lookup x.example TXT: timeout unchecked");
    Answer bogus = Answer::failure(DnsStatus::servfail);
    bogus.m_security = Security::bogus;
    bogus.m_why_bogus = "signature crypto failed";
    CHECK(describe_lookup("www.broken.example", RrType::a, bogus) ==
          "lookup www.broken.example A: servfail bogus why=\"signature crypto failed\"");
    Answer nx = Answer::failure(DnsStatus::nxdomain);
    nx.m_security = Security::insecure;
    nx.m_ttl = 300;
    CHECK(describe_lookup("nx.example", RrType::txt, nx) ==
          "lookup nx.example TXT: nxdomain insecure ttl=300");
}

TEST_CASE("VerboseLog: off without a stream, one flushed line per call, a tracer") {
    enma::app::VerboseLog off(nullptr);
    CHECK_FALSE(off.enabled());
    CHECK_FALSE(off.tracer());
    off.line("ignored");

    std::ostringstream out;
    enma::app::VerboseLog log(&out);
    CHECK(log.enabled());
    log.line("check spf u@example.jp 192.0.2.1 helo=example.jp");
    log.tracer()("example.jp", RrType::txt, Answer::failure(DnsStatus::servfail));
    CHECK(out.str() ==
          "check spf u@example.jp 192.0.2.1 helo=example.jp\n"
          "lookup example.jp TXT: servfail unchecked\n");
}
