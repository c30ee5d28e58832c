#!/usr/bin/python3
# arc_seal_interop.py - enma's ARC seals (enma-check --seal, the code the milter runs) verified
# by independent implementations: dkimpy's arc_verify (python3-dkim) and authheaders
# (python3-authheaders). Runs under fixture.py (ctest does): NSD serves arc.example on
# ENMA_IT_NSD_PORT with the keys of hop1..hop3.arc.example (selector sel; private halves in
# ENMA_IT_ARC_HOPn_KEY). enma-check validates incoming chains over that DNS (arc.auth) and
# dkimpy and authheaders look the keys up there too. Tampered copies must fail, so the test
# tells a seal that verifies from one that does not. Exit 1 on any failure.
#
#   arc_seal_interop.py ENMA_CHECK_BINARY
import os
import subprocess
import sys

import authheaders
import dkim
import dns.resolver

MESSAGE = (b"From: Alice <alice@author.arc.example>\r\n"
           b"To: list@forwarder.example\r\n"
           b"Subject: sealing  test\r\n"
           b"\t(folded)\r\n"
           b"Date: Thu, 03 Dec 2026 14:00:00 +0000\r\n"
           b"Message-ID: <arc-seal-1@author.arc.example>\r\n"
           b"X-Unsigned: anything\r\n"
           b"\r\n"
           b"Hello,  \r\n"
           b"a body with trailing blanks\t \r\n"
           b"\r\n\r\n")

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)))
    if not condition:
        failures.append(name)


def key_path(hop):
    return os.environ[f"ENMA_IT_ARC_HOP{hop}_KEY"]


def enma_seal(binary, message, hop):
    """The fields enma-check prints for `message` sealed as hopN.arc.example, as CRLF lines."""
    port = os.environ["ENMA_IT_NSD_PORT"]
    domain = f"hop{hop}.arc.example"
    args = [binary, "--seal", "--crlf", "-o", "arc.auth=true",
            "-o", f"arc.seal_key_file={key_path(hop)}", "-o", "arc.seal_selector=sel",
            "-o", f"arc.seal_domain={domain}", "-o", f"authresult.identifier=mx.{domain}",
            "-o", "resolver.mode=forward", "-o", f"resolver.forwarders=127.0.0.1@{port}",
            "-o", "resolver.dnssec=false", "-"]
    done = subprocess.run(args, input=message, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"enma-check exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout, done.stderr.decode()


def prepend(binary, message, hop):
    """`message` with enma's fields on top as the milter leaves it: AS, AMS, AAR, A-R."""
    added, notes = enma_seal(binary, message, hop)
    if b"\r\nARC-Seal:" not in added:
        return added + message, notes
    ar_end = added.index(b"\r\nARC-Seal:") + 2
    return added[ar_end:] + added[:ar_end] + message, notes


def dnsfunc():
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = int(os.environ["ENMA_IT_NSD_PORT"])

    def lookup(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name.rstrip("."), "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        return b"".join(b"".join(r.strings) for r in answer)
    return lookup


def arc_result(message):
    cv, _, reason = dkim.arc_verify(message, dnsfunc=dnsfunc())
    return cv, reason


def authheaders_arc(message):
    return authheaders.authenticate_message(message, "verifier.example", dkim=False, arc=True,
                                            dmarc=False, dnsfunc=dnsfunc())


def seals(message):
    """[(i, cv, d)] of the ARC-Seal fields, top to bottom."""
    out = []
    for line in message.replace(b"\r\n\t", b" ").split(b"\r\n"):
        if line.lower().startswith(b"arc-seal:"):
            tags = dict(t.strip().split(b"=", 1) for t in line[9:].split(b";") if b"=" in t)
            out.append((int(tags[b"i"]), tags[b"cv"].decode(), tags[b"d"].decode()))
    return out


def one_hop(binary):
    added, _ = enma_seal(binary, MESSAGE, 1)
    names = [l.split(b":")[0] for l in added.split(b"\r\n") if l and not l.startswith(b"\t")]
    check("enma-check --seal prints A-R then AS, AMS, AAR", names ==
          [b"Authentication-Results", b"ARC-Seal", b"ARC-Message-Signature",
           b"ARC-Authentication-Results"], added)
    check("the AAR carries enma's A-R (arc=none)",
          b"ARC-Authentication-Results: i=1; mx.hop1.arc.example;" in added
          and b"arc=none" in added, added)
    sealed, _ = prepend(binary, MESSAGE, 1)
    check("enma seals a message without a chain: i=1 cv=none",
          seals(sealed) == [(1, "none", "hop1.arc.example")], seals(sealed))
    cv, reason = arc_result(sealed)
    check("dkimpy arc_verify: enma's 1-set chain passes", cv == dkim.CV_Pass, reason)
    header = authheaders_arc(sealed)
    check("authheaders: arc=pass", "arc=pass" in header, header)
    for what, old, new, want in (
            ("a changed body fails", b"a body with", b"a body without", dkim.CV_Fail),
            ("a changed signed header fails", b"sealing  test", b"sealing  tesT", dkim.CV_Fail),
            ("an unsigned header may change", b"X-Unsigned: anything", b"X-Unsigned: x",
             dkim.CV_Pass),
            ("a changed AAR breaks the seal", b"; mx.hop1.arc.example;",
             b"; mx.hop1.arc.examplE;", dkim.CV_Fail)):
        cv, reason = arc_result(sealed.replace(old, new, 1))
        check("dkimpy: " + what, cv == want, reason)
    return sealed


def two_hops(binary, hop1_sealed):
    """enma sealing a message enma sealed before: i=2 cv=pass, the chain verifies."""
    sealed, notes = prepend(binary, hop1_sealed, 2)
    check("enma seals above its own validated seal: i=2 cv=pass",
          seals(sealed)[:1] == [(2, "pass", "hop2.arc.example")], notes)
    cv, reason = arc_result(sealed)
    check("dkimpy arc_verify: enma's 2-set chain passes", cv == dkim.CV_Pass, reason)
    header = authheaders_arc(sealed)
    check("authheaders: arc=pass on enma's 2 sets", "arc=pass" in header, header)


def dkimpy_chain(binary):
    """Two sets made by dkimpy's arc_sign, then enma's: i=3 cv=pass verifies; the same chain
    with an older AAR changed is sealed i=3 cv=fail."""
    message = MESSAGE
    for hop in (1, 2):
        # arc_sign takes cv= from the A-R field of its srv_id (none without arc=).
        domain = b"hop%d.arc.example" % hop
        results = b"spf=pass smtp.mailfrom=author.arc.example" + (b"; arc=pass" if hop > 1 else b"")
        message = b"Authentication-Results: " + domain + b"; " + results + b"\r\n" + message
        with open(key_path(hop), "rb") as f:
            fields = dkim.arc_sign(message, b"sel", domain, f.read(), domain,
                                   include_headers=[b"from", b"to", b"subject", b"date"])
        message = b"".join(f if f.endswith(b"\r\n") else f + b"\r\n" for f in fields) + message
    cv, reason = arc_result(message)
    check("dkimpy's own 2-set chain passes (the fixture is right)", cv == dkim.CV_Pass, reason)
    sealed, notes = prepend(binary, message, 3)
    check("enma seals dkimpy's chain: i=3 cv=pass",
          seals(sealed)[:1] == [(3, "pass", "hop3.arc.example")], notes)
    cv, reason = arc_result(sealed)
    check("dkimpy arc_verify: dkimpy, dkimpy, enma passes", cv == dkim.CV_Pass, reason)
    broken = message.replace(b"i=1; hop1.arc.example", b"i=1; hop1.arc.examplE", 1)
    cv, reason = arc_result(broken)
    check("dkimpy: the broken chain fails (the fixture is right)", cv == dkim.CV_Fail, reason)
    sealed, notes = prepend(binary, broken, 3)
    check("enma seals a broken chain with cv=fail: i=3 cv=fail",
          seals(sealed)[:1] == [(3, "fail", "hop3.arc.example")], notes)
    cv, reason = arc_result(sealed)
    check("dkimpy: a chain ending in cv=fail does not pass", cv != dkim.CV_Pass, reason)


def main(argv):
    binary = argv[1]
    hop1_sealed = one_hop(binary)
    two_hops(binary, hop1_sealed)
    dkimpy_chain(binary)
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
