#!/usr/bin/python3
"""sidf_dkim_vectors.py - the Sender ID and DKIM unit vectors through the shipped binaries and
real libunbound (issue 10, item 5).

    sidf_dkim_vectors.py --enma-check BIN --sidfquery BIN --vectors DIR

The zones of tests/unit/sidf_check_test.cpp and the RFC 8463 Appendix A keys
(tests/vectors/dkim/rfc8463.zone) are served by tests/support/zone_server.py on 127.0.0.1:53
in a private network namespace (loopback_dns.py, as spf_suites.py does). Every case runs with
resolver.mode=system and resolver.mode=forward and must give exactly what the unit tests
expect of the verifier over ZoneResolver:
  - Sender ID, PRA scope: enma-check (the milter's MessageSession picks the PRA from the
    header fields) and, where the PRA is one From mailbox, `sidfquery -p`;
  - Sender ID, mfrom scope: `sidfquery -m` (the milter runs only the PRA scope);
  - DKIM: enma-check on the RFC 8463 A.3 message (ed25519-sha256 and rsa-sha256), tampered
    copies, the signature limit, a SERVFAIL and a missing key, and key g= under
    dkim.rfc4871_compatible.
Exit status 0 only when every case passes in both modes.
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys

from dnslib import QTYPE, RR, TXT

from loopback_dns import (MODES, PATIENT, LoopbackDns, Zone, enma_check, enter_namespace,
                          resolver_options)

DKIM_DOMAIN = "football.example.com"
ED25519_P = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


def txt(zone, name, text):
    zone.add(name, QTYPE.TXT, TXT([text.encode()]))


def sidf_records(zone):
    """sidf_check_test.cpp's Fixture."""
    txt(zone, "example.com", "v=spf1 -all")
    txt(zone, "example.com", "spf2.0/pra ip4:192.0.2.0/24 -all")
    txt(zone, "mfrom.example", "spf2.0/mfrom ip4:198.51.100.1 ?all")
    txt(zone, "spf1only.example", "v=spf1 ip4:192.0.2.7 ~all")
    txt(zone, "inc.example", "spf2.0/pra include:gone.example ip4:192.0.2.9 -all")


def rfc8463_keys(vectors):
    """RFC 8463 A.2's key records, as dnslib RRs."""
    with open(os.path.join(vectors, "rfc8463.zone")) as stream:
        return RR.fromZone(stream.read())


def dkim_records(zone, vectors):
    for rr in rfc8463_keys(vectors):
        zone.add(rr.rname, rr.rtype, rr.rdata)


def zones(vectors):
    """The phases: each a zone and the names of the cases run against it."""
    plain = Zone()
    sidf_records(plain)
    dkim_records(plain, vectors)
    servfail = Zone()
    dkim_records(servfail, vectors)
    servfail.add_servfail("brisbane._domainkey." + DKIM_DOMAIN)
    # dkim_rfc8463_test "key g=": g=joe on the RSA key, g=* on the ed25519 key.
    granular = Zone()
    rsa = b"".join(next(rr for rr in rfc8463_keys(vectors)
                        if str(rr.rname).startswith("test.")).rdata.data)
    granular.add("test._domainkey." + DKIM_DOMAIN, QTYPE.TXT,
                 TXT([b"v=DKIM1; g=joe; " + rsa[len(b"v=DKIM1; "):]]))
    txt(granular, "brisbane._domainkey." + DKIM_DOMAIN,
        "v=DKIM1; k=ed25519; g=*; p=" + ED25519_P)
    return {"plain": plain, "servfail": servfail, "granular": granular}


def message(headers, body="Hello.\r\n"):
    lines = [name + ": " + value for name, value in headers]
    return ("\r\n".join(lines + ["To: r@example.net", "Subject: vector"]) + "\r\n\r\n" +
            body).encode()


class Case:
    """One check: a tool run and the results it must print.

    enma-check: `want` lists (method, result, reason, {property: value}) of the methods in
    `methods`, in header order (reason None: not checked). sidfquery: `want` is the word."""

    def __init__(self, name, phase, tool, want, **run):
        self.name, self.phase, self.tool, self.want, self.run = name, phase, tool, want, run


def sidf_cases():
    cases = []

    def pra(name, ip, headers, result, reason=None, properties=None, sidfquery=True):
        cases.append(Case(name, "plain", "enma-check",
                          [("sender-id", result, reason, properties or {})],
                          args=["--ip", ip, "--helo", "mail.example.org",
                                "--mail-from", "bounce@example.org"],
                          message=message(headers), methods={"sender-id"},
                          overrides=["spf.auth=false", "dkim.auth=false"]))
        if sidfquery:
            pra_address = headers[0][1]
            cases.append(Case(name + " (sidfquery -p)", "plain", "sidfquery",
                              "hardfail" if result == "fail" else result,
                              args=["-p", pra_address, ip]))

    pra("pra scope uses spf2.0/pra of the PRA domain", "192.0.2.10",
        [("From", "Boss <boss@example.com>")], "pass", "",
        {"header.From": "boss@example.com"}, sidfquery=False)
    cases.append(Case("pra scope uses spf2.0/pra of the PRA domain (sidfquery -p)", "plain",
                      "sidfquery", "pass", args=["-p", "boss@example.com", "192.0.2.10"]))
    pra("Sender before From; not permitted fails", "203.0.113.1",
        [("From", "x@example.com"), ("Sender", "y@example.com")], "fail", None,
        {"header.Sender": "y@example.com"}, sidfquery=False)
    pra("v=spf1 fallback", "192.0.2.7", [("From", "a@spf1only.example")], "pass")
    pra("a PRA domain that does not exist fails", "192.0.2.7",
        [("From", "a@missing.example")], "fail")
    pra("an include of a missing domain does not match", "192.0.2.9",
        [("From", "a@inc.example")], "pass")
    pra("an include of a missing domain does not match, then -all", "192.0.2.1",
        [("From", "a@inc.example")], "fail")
    pra("no PRA (two From mailboxes) is permerror", "192.0.2.7",
        [("From", "a@x.example, b@y.example")], "permerror", None, {}, sidfquery=False)
    # sidf_pra_test.cpp steps 1 and 2, now with DNS behind the selected field.
    pra("Resent-Sender is the PRA", "192.0.2.10",
        [("Resent-Sender", "rs@example.com"), ("Resent-From", "rf@spf1only.example"),
         ("From", "a@spf1only.example")], "pass", None,
        {"header.Resent-Sender": "rs@example.com"}, sidfquery=False)

    def mfrom(name, ip, sender, result, helo=None):
        args = ["-m"] + (["--helo", helo] if helo else []) + ["--", sender, ip]
        cases.append(Case(name + " (sidfquery -m)", "plain", "sidfquery", result, args=args))

    mfrom("mfrom scope: spf2.0/mfrom", "198.51.100.1", "bounce@mfrom.example", "pass")
    mfrom("mfrom scope: v=spf1 fallback", "198.51.100.1", "bounce@example.com", "hardfail")
    mfrom("mfrom scope: null sender is postmaster@HELO", "192.0.2.7", "<>", "pass",
          helo="spf1only.example")
    mfrom("mfrom scope: a missing domain is none", "192.0.2.7", "a@missing.example", "none")
    return cases


def dkim_cases(vectors):
    with open(os.path.join(vectors, "rfc8463.eml"), "rb") as stream:
        signed = stream.read()
    ed = {"header.d": DKIM_DOMAIN, "header.i": "@" + DKIM_DOMAIN, "header.s": "brisbane",
          "header.a": "ed25519-sha256", "header.b": "/gCrinpc"}
    rsa = {"header.d": DKIM_DOMAIN, "header.s": "test", "header.a": "rsa-sha256"}
    cases = []

    def dkim(name, phase, data, want, overrides=()):
        cases.append(Case(name, phase, "enma-check", want, args=[], message=data,
                          methods={"dkim"}, overrides=list(overrides)))

    dkim("RFC 8463 A.3: ed25519 and RSA signatures pass", "plain", signed,
         [("dkim", "pass", "", ed), ("dkim", "pass", "", rsa)])
    dkim("RFC 8463: LF-only input passes", "plain", signed.replace(b"\r\n", b"\n"),
         [("dkim", "pass", "", ed), ("dkim", "pass", "", rsa)])
    dkim("RFC 8463: a changed header breaks b=", "plain",
         signed.replace(b"Is dinner ready?", b"Is dinner ready!"),
         [("dkim", "fail", "signature mismatch", ed), ("dkim", "fail", "signature mismatch", rsa)])
    dkim("RFC 8463: a changed body breaks bh=", "plain",
         signed.replace(b"hungry yet", b"hungry now"),
         [("dkim", "fail", "body hash mismatch", ed), ("dkim", "fail", "body hash mismatch", rsa)])
    dkim("RFC 8463: relaxed body canonicalisation tolerates whitespace", "plain",
         signed.replace(b"hungry yet?", b"hungry   yet?  "),
         [("dkim", "pass", "", ed), ("dkim", "pass", "", rsa)])
    dkim("RFC 8463: dkim.signheader_limit=1 verifies the first only", "plain", signed,
         [("dkim", "pass", "", ed), ("dkim", "policy", "1 more signature not checked", {})],
         overrides=["dkim.signheader_limit=1"])
    dkim("RFC 8463: a key lookup answered SERVFAIL is temperror", "servfail", signed,
         [("dkim", "temperror", "key lookup failed: servfail", ed), ("dkim", "pass", "", rsa)])
    dkim("RFC 8463: a missing key is permerror", "plain",
         signed.replace(b"s=brisbane", b"s=nosuch"),
         [("dkim", "permerror", "no key", dict(ed, **{"header.s": "nosuch"})),
          ("dkim", "pass", "", rsa)])
    dkim("key g= is ignored by default (RFC 6376)", "granular", signed,
         [("dkim", "pass", "", ed), ("dkim", "pass", "", rsa)])
    dkim("key g= is honoured with dkim.rfc4871_compatible", "granular", signed,
         [("dkim", "pass", "", ed), ("dkim", "permerror", "key g= does not match i=", rsa)],
         overrides=["dkim.rfc4871_compatible=true"])
    return cases


def run_enma_check(binary, mode, case):
    report, output = enma_check(binary, mode, case.run["message"], case.run["args"],
                                case.run["overrides"], PATIENT)
    if report is None:
        return "no JSON report", output
    got = [r for r in report.get("results", []) if r.get("method") in case.run["methods"]]
    if len(got) != len(case.want):
        return "%d results, expected %d" % (len(got), len(case.want)), output
    for result, (method, word, reason, properties) in zip(got, case.want):
        if result["method"] != method or result["result"] != word:
            return "%s=%s, expected %s=%s" % (result["method"], result["result"], method,
                                              word), output
        if reason is not None and result["reason"] != reason:
            return "%s reason %r, expected %r" % (method, result["reason"], reason), output
        for key, value in properties.items():
            if result["properties"].get(key) != value:
                return "%s %s=%r, expected %r" % (method, key, result["properties"].get(key),
                                                  value), output
    return None, output


def run_sidfquery(binary, mode, case):
    done = subprocess.run([binary] + resolver_options(mode, PATIENT) + case.run["args"],
                          capture_output=True, timeout=60)
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    words = done.stdout.decode("utf-8", "replace").split()
    got = words[-1] if words else None
    if done.returncode != 0 or got != case.want:
        return "result %s (exit %d), expected %s" % (got, done.returncode, case.want), output
    return None, output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enma-check", required=True)
    parser.add_argument("--sidfquery", required=True)
    parser.add_argument("--vectors", required=True, help="tests/vectors/dkim")
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    enter_namespace()
    runners = {"enma-check": (run_enma_check, args.enma_check),
               "sidfquery": (run_sidfquery, args.sidfquery)}
    cases = sidf_cases() + dkim_cases(args.vectors)
    failures, runs = [], 0
    with LoopbackDns() as dns, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for phase, zone in zones(args.vectors).items():
            dns.server.load(zone)
            jobs = [(case, mode, pool.submit(runners[case.tool][0], runners[case.tool][1],
                                             mode, case))
                    for case in cases if case.phase == phase for mode in MODES]
            for case, mode, future in jobs:
                runs += 1
                problem, output = future.result()
                if problem:
                    failures.append("%s [%s/%s]: %s\n%s" % (case.name, case.tool, mode, problem,
                                                           output[-2000:]))
    for failure in failures:
        print("FAIL " + failure)
    print("%d cases, %d runs (resolver.mode system and forward), %d failed"
          % (len(cases), runs, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
