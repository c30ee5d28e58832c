#!/usr/bin/python3
# arc_seal_interop.py - enma's ARC seals (enma-check --seal, the code the milter runs) verified
# by independent implementations: dkimpy's arc_verify (python3-dkim) and authheaders
# (python3-authheaders). Keys are made here with openssl(1); their records reach dkimpy
# through the dnsfunc it takes, so no DNS server is involved. Tampered copies must fail, so
# the test can tell a seal that verifies from one that does not. Exit 1 on any failure.
#
#   arc_seal_interop.py ENMA_CHECK_BINARY
import base64
import os
import subprocess
import sys
import tempfile

import authheaders
import dkim

MESSAGE = (b"From: Alice <alice@origin.example>\r\n"
           b"To: list@forwarder.example\r\n"
           b"Subject: sealing  test\r\n"
           b"\t(folded)\r\n"
           b"Date: Thu, 03 Dec 2026 14:00:00 +0000\r\n"
           b"Message-ID: <arc-seal-1@origin.example>\r\n"
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


def make_key(directory, name):
    path = os.path.join(directory, name + ".pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", path], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def enma_seal(binary, message, key, selector, domain, authserv_id):
    """The fields enma would add on top of `message`, as CRLF lines, in order."""
    args = [binary, "--seal", "--crlf",
            "-o", "arc.seal_key_file=" + key, "-o", "arc.seal_selector=" + selector,
            "-o", "arc.seal_domain=" + domain, "-o", "authresult.identifier=" + authserv_id,
            "-o", "resolver.mode=forward", "-o", "resolver.forwarders=127.0.0.1@9",
            "-o", "resolver.dnssec=false", "-"]
    done = subprocess.run(args, input=message, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"enma-check exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout, done.stderr.decode()


def make_dnsfunc(records):
    def dnsfunc(name, timeout=5):
        return records.get(name.decode() if isinstance(name, bytes) else name)
    return dnsfunc


def arc_result(message, dnsfunc):
    cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
    return cv, reason


def authheaders_arc(message, dnsfunc):
    header = authheaders.authenticate_message(message, "verifier.example", dkim=False,
                                              arc=True, dmarc=False, dnsfunc=dnsfunc)
    return header


def one_hop(binary, directory, records):
    key, record = make_key(directory, "hop1")
    records["s1._domainkey.hop1.example."] = record
    added, _ = enma_seal(binary, MESSAGE, key, "s1", "hop1.example", "mx.hop1.example")
    lines = added.split(b"\r\n")
    check("enma-check --seal prints A-R then AS, AMS, AAR",
          [l.split(b":")[0] for l in lines if l and not l.startswith(b"\t")] ==
          [b"Authentication-Results", b"ARC-Seal", b"ARC-Message-Signature",
           b"ARC-Authentication-Results"], added)
    # The milter puts the set above its own A-R: AS, AMS, AAR, A-R.
    ar_end = added.index(b"\r\nARC-Seal:") + 2
    sealed = added[ar_end:] + added[:ar_end] + MESSAGE
    dnsfunc = make_dnsfunc(records)
    cv, reason = arc_result(sealed, dnsfunc)
    check("dkimpy arc_verify: enma's 1-set chain passes", cv == dkim.CV_Pass, reason)
    check("AAR carries enma's A-R", b"ARC-Authentication-Results: i=1; mx.hop1.example;" in added,
          added)
    header = authheaders_arc(sealed, dnsfunc)
    check("authheaders: arc=pass", "arc=pass" in header, header)
    tampered = sealed.replace(b"a body with", b"a body without")
    cv, reason = arc_result(tampered, dnsfunc)
    check("dkimpy: a changed body fails", cv == dkim.CV_Fail, reason)
    tampered = sealed.replace(b"Subject: sealing  test", b"Subject: sealing  tesT")
    cv, reason = arc_result(tampered, dnsfunc)
    check("dkimpy: a changed signed header fails", cv == dkim.CV_Fail, reason)
    tampered = sealed.replace(b"X-Unsigned: anything", b"X-Unsigned: changed")
    cv, reason = arc_result(tampered, dnsfunc)
    check("dkimpy: an unsigned header may change", cv == dkim.CV_Pass, reason)
    tampered = sealed.replace(b"; mx.hop1.example;", b"; mx.hop1.examplE;", 1)
    cv, reason = arc_result(tampered, dnsfunc)
    check("dkimpy: a changed AAR breaks the seal", cv == dkim.CV_Fail, reason)
    return sealed


def main(argv):
    binary = argv[1]
    with tempfile.TemporaryDirectory() as directory:
        records = {}
        one_hop(binary, directory, records)
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
