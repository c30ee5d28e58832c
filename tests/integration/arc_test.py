#!/usr/bin/env python3
# arc_test.py - ARC chains sealed by dkimpy verified by enma-check over real DNS, beside
# dkimpy's own arc_verify on the same bytes. Runs under fixture.py (ctest does), which serves
# arc.example on ENMA_IT_NSD_PORT with the sealers' keys (ENMA_IT_ARC_HOP1_KEY ..).
#
# Each case builds a message, seals it through 1..3 hops (dkim.arc_sign: each hop first adds
# its own Authentication-Results, whose arc= gives the cv= of its seal), optionally damages
# it, and checks enma's arc= result and reason (RFC 8617 5.2) and, for DMARC, the override by
# a trusted sealer (RFC 8617 7.2). Exit 1 on any failed expectation.
#
#   arc_test.py ENMA_CHECK_BINARY
import json
import os
import re
import subprocess
import sys
import tempfile

import dkim
import dns.resolver

AUTHOR = "author.arc.example"
GOOD_IP, BAD_IP = "198.18.7.25", "198.18.7.99"  # SPF pass / fail for the author domain
FAILURES = []


def key(hop):
    with open(os.environ[f"ENMA_IT_ARC_HOP{hop}_KEY"], "rb") as f:
        return f.read()


def original():
    return (f"From: Alice <alice@{AUTHOR}>\r\nTo: list@lists.example\r\nSubject: ARC\r\n"
            "Date: Thu, 3 Dec 2026 12:00:00 +0000\r\nMessage-ID: <arc-1@author.arc.example>\r\n"
            "\r\nHello through forwarders.\r\n").encode()


def seal(message, hop, cv=None, results=None):
    """One forwarding hop: its A-R on top, then dkimpy's ARC set for it on top of that."""
    domain = f"hop{hop}.arc.example"
    results = results or (f"spf=pass smtp.mailfrom=alice@{AUTHOR};\r\n\t"
                          f"dmarc=pass header.from={AUTHOR}")
    arc = "" if cv is None else f";\r\n\tarc={cv}"
    ar = f"Authentication-Results: {domain}; {results}{arc}\r\n".encode()
    message = ar + message
    fields = dkim.arc_sign(message, b"sel", domain.encode(), key(hop), domain.encode(),
                           timestamp=1764763200)
    if not fields:
        raise RuntimeError(f"dkimpy did not seal hop {hop}")
    return b"".join(fields) + message


def chain(hops):
    message = original()
    for hop in range(1, hops + 1):
        message = seal(message, hop, None if hop == 1 else "pass")
    return message


def dnsfunc_for(port):
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name.rstrip("."), "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        return b"".join(b"".join(r.strings) for r in answer)
    return dnsfunc


def enma(binary, port, directory, name, message, ip=GOOD_IP, options=()):
    path = os.path.join(directory, name + ".eml")
    with open(path, "wb") as f:
        f.write(message)
    args = [binary, "--json", "-o", "arc.auth=true", "-o", "dmarc.auth=true",
            "-o", "sidf.auth=false", "-o", "resolver.mode=forward", "-o", "resolver.dnssec=false",
            "-o", f"resolver.forwarders=127.0.0.1@{port}", "--ip", ip, "--helo",
            "mx.lists.example", "--mail-from", f"alice@{AUTHOR}"]
    for option in options:
        args += ["-o", option]
    run = subprocess.run(args + [path], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{name}: enma-check failed: {run.stderr}")
    return json.loads(run.stdout)


def method(report, name):
    return next((r for r in report["results"] if r["method"] == name), {})


def expect(name, what, got, wanted):
    ok = got == wanted
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {what} = {got!r}" + ("" if ok else f", want {wanted!r}"))
    if not ok:
        FAILURES.append(name)


def damage(message, pattern, replacement, count=1):
    damaged, n = re.subn(pattern, replacement, message, count=count)
    if n == 0:
        raise RuntimeError(f"pattern {pattern!r} not found")
    return damaged


def newest_seal_b(message):
    """The newest ARC-Seal's b= with one base64 character changed."""
    match = re.search(rb"ARC-Seal: i=(\d+);.*?b=([A-Za-z0-9+/]{8})", message, re.S)
    old = match.group(2)
    new = old[:4] + (b"B" if old[4:5] != b"B" else b"C") + old[5:]
    return message.replace(old, new, 1)


def cases():
    """(name, message, expected result, expected reason or None, options, crosscheck)."""
    two = chain(2)
    out = []
    for hops in (1, 2, 3):
        out.append((f"chain-{hops}", chain(hops), "pass", "", (), True))
    out.append(("tampered-body", chain(2) + b"appended\r\n", "fail",
                "ARC-Message-Signature i=2: body hash mismatch", (), True))
    out.append(("broken-seal", newest_seal_b(chain(2)), "fail",
                "ARC-Seal i=2: signature mismatch", (), True))
    out.append(("older-aar-changed", damage(two, rb"i=1; hop1.arc.example; spf=pass",
                                            b"i=1; hop1.arc.example; spf=fail"), "fail",
                "ARC-Seal i=2: signature mismatch", (), True))
    out.append(("missing-ams", damage(two, rb"(?s)ARC-Message-Signature: i=1;.*?\r\n(?=\S)", b""), "fail", "ARC-Message-Signature i=1 missing", (), True))
    dup = re.search(rb"ARC-Seal: i=2;.*?\r\n(?=\S)", two, re.S).group(0)
    out.append(("duplicate-seal", dup + two, "fail", "duplicate ARC-Seal i=2", (), True))
    out.append(("wrong-cv-order", damage(two, rb"i=1; cv=none", b"i=1; cv=pass"),
                "fail", "ARC-Seal i=1 has cv=pass", (), True))
    failed = seal(seal(original(), 1), 2, "fail")
    out.append(("cv-fail", failed, "fail", "ARC-Seal i=2 says cv=fail", (), True))
    out.append(("too-many-instances", chain(3), "fail", "ARC-Seal i=3 outside 1..2",
                ("arc.max_instances=2",), False))
    out.append(("too-large", chain(1), "fail", "ARC fields exceed 1024 bytes",
                ("arc.max_header_bytes=1024",), False))
    return out


def check_override(binary, port, directory):
    """DMARC fails (SPF from the wrong IP, no DKIM); hop2 vouches dmarc=pass in its AAR."""
    message = chain(2)
    options = ("dmarc.reject_action=reject",)
    plain = enma(binary, port, directory, "override-untrusted", message, BAD_IP, options)
    expect("override-untrusted", "dmarc", method(plain, "dmarc").get("result"), "fail")
    expect("override-untrusted", "applied", plain["dmarc"]["applied"], "reject")
    expect("override-untrusted", "action", plain["action"], "reject")
    trusted = enma(binary, port, directory, "override-trusted", message, BAD_IP,
                   options + ("arc.trusted_sealers=hop2.arc.example",))
    expect("override-trusted", "applied", trusted["dmarc"]["applied"], "none")
    expect("override-trusted", "override", trusted["dmarc"].get("override"), "local_policy")
    expect("override-trusted", "action", trusted["action"], "none")
    expect("override-trusted", "arc override sealer", trusted["arc"].get("override_sealer"),
           "hop2.arc.example")
    expect("override-trusted", "A-R comment", method(trusted, "dmarc")["comment"],
           "p=reject dis=none; override local_policy arc=pass as.2.d=hop2.arc.example "
           "dmarc=pass")
    broken = enma(binary, port, directory, "override-broken-chain", newest_seal_b(message),
                  BAD_IP, options + ("arc.trusted_sealers=hop2.arc.example",))
    expect("override-broken-chain", "applied", broken["dmarc"]["applied"], "reject")


def main(argv):
    port = int(os.environ["ENMA_IT_NSD_PORT"])
    dnsfunc = dnsfunc_for(port)
    with tempfile.TemporaryDirectory() as directory:
        for name, message, result, reason, options, crosscheck in cases():
            report = enma(argv[1], port, directory, name, message, options=options)
            arc = method(report, "arc")
            expect(name, "arc", arc.get("result"), result)
            expect(name, "reason", arc.get("reason"), reason)
            if name == "chain-3":
                expect(name, "comment", arc.get("comment"), "i=3 as.3.d=hop3.arc.example cv=pass")
                expect(name, "remote-ip", arc["properties"].get("smtp.remote-ip"), GOOD_IP)
                expect(name, "json i", report["arc"].get("i"), 3)
                expect(name, "json seal_cv", report["arc"].get("seal_cv"), "pass")
            if crosscheck:
                cv, _, why = dkim.arc_verify(message, dnsfunc=dnsfunc)
                # dkimpy says None for "a chain that has ended" (a newest cv=fail): RFC 8617
                # 5.2 step 3 calls that fail.
                expect(name, "dkimpy arc_verify", cv.decode() if cv else "fail", result)
        check_override(argv[1], port, directory)
    print(f"arc_test: {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
