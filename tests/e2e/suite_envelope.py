# suite_envelope.py - MAIL FROM values that are no RFC 5321 mailbox but that Postfix passes on
# (strict_rfc821_envelopes = no, set explicitly here) give the SPF result RFC 7208 section 4.3
# says, the same through the milter (the spf= of the delivered A-R), `sidfquery` and
# `enma-check` (issue 10). The two tools run from enma's build directory against the same NSD.
#
#   trailing dot     a@pass.e2e.example.         the dot is dropped: pass
#   domain literal   foo@[127.0.0.2]             not a domain name: none, no lookup
#   no local-part    @pm.e2e.example             checked as postmaster@pm...: pass (pm passes
#                                                only the local-part postmaster, via %{l})
#   quoted space     "a b"@pass.e2e.example      the local-part does not matter here: pass
#                    "a b"@pm.e2e.example        %{l} is "a b", not postmaster: fail
# Postfix 3.7 refuses two forms even so (501 5.1.7 "Illegal address syntax"), so only the
# tools are checked for them, and Postfix's refusal is:
#   bare space       a b@pass.e2e.example        pass
#   empty labels     a@A...e2e.example           malformed domain: none
import json
import os
import re
import subprocess

import harness
from harness import GOOD_IP
from suite_postfix import Sender, one_ar

CASES = [  # tag, MAIL FROM, SPF result, whether Postfix passes it on
    ("env-trailing-dot", "a@pass.e2e.example.", "pass", True),
    ("env-domain-literal", "foo@[127.0.0.2]", "none", True),
    ("env-no-local-part", "@pm.e2e.example", "pass", True),
    ("env-quoted-space", '"a b"@pass.e2e.example', "pass", True),
    ("env-quoted-space-macro", '"a b"@pm.e2e.example', "fail", True),
    ("env-bare-space", "a b@pass.e2e.example", "pass", False),
    ("env-empty-labels", "a@A...e2e.example", "none", False),
]
HELO = "client.e2e.example"


def run(failures, directory, dns, enma):
    enma.start()
    postfix = harness.Postfix(directory, enma.port)
    with open(os.path.join(postfix.config, "main.cf"), "a") as f:
        f.write("strict_rfc821_envelopes = no\n")
    tools = os.path.dirname(enma.binary)
    resolver = ["-o", "resolver.mode=forward",
                "-o", f"resolver.forwarders=127.0.0.1@{dns.nsd_port}", "-o", "resolver.dnssec=false"]
    try:
        postfix.start()
        sender = Sender(failures, postfix)
        for tag, mail_from, expected, accepted in CASES:
            if accepted:
                delivered = sender.send(tag, GOOD_IP, mail_from,
                                        harness.message(tag, "sender@e2e.example"))
                value = one_ar(failures, tag, delivered)
                failures.equal(harness.result_of(value, "spf"), expected, f"[{tag}] milter spf=")
            else:
                status, transcript = harness.swaks(postfix.smtp_port, GOOD_IP, mail_from,
                                                   harness.message(tag, "sender@e2e.example"))
                failures.check(status != 0 and "501 5.1.7" in transcript,
                               f"[{tag}] Postfix refuses MAIL FROM {mail_from!r}",
                               transcript[-800:])
            failures.equal(sidfquery(tools, resolver, mail_from), expected,
                           f"[{tag}] sidfquery {mail_from!r}")
            failures.equal(enma_check(tools, resolver, mail_from), expected,
                           f"[{tag}] enma-check --mail-from {mail_from!r}")
    finally:
        postfix.stop()


def sidfquery(tools, resolver, mail_from):
    done = subprocess.run([os.path.join(tools, "sidfquery")] + resolver +
                          ["--helo", HELO, "--", mail_from, GOOD_IP],
                          capture_output=True, text=True, timeout=120)
    match = re.search(r" (\S+)\n?$", done.stdout)
    if done.returncode != 0 or not match:
        return f"exit {done.returncode}: {done.stdout}{done.stderr}".strip()
    return "fail" if match.group(1) == "hardfail" else match.group(1)


def enma_check(tools, resolver, mail_from):
    done = subprocess.run([os.path.join(tools, "enma-check"), "--json", "--ip", GOOD_IP,
                           "--helo", HELO, "--mail-from", mail_from] + resolver + ["-"],
                          input=harness.message("check", "sender@e2e.example"),
                          capture_output=True, timeout=120)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return f"exit {done.returncode}: {done.stderr.decode(errors='replace')}".strip()
    for result in report.get("results", []):
        if result.get("method") == "spf":
            return result.get("result")
    return "no spf result"
