# suite_arc.py - ARC sealing through two real Postfix hops (issue 12): a message sent to the
# first Postfix is sealed by its enma (key hop1) and relayed to the second Postfix, whose
# enma (key hop2, arc.auth on) validates the chain (arc=pass) and seals it again (i=2 cv=pass)
# before delivery. The delivered message must carry a chain
# that dkimpy's arc_verify (python3-dkim) passes, with the keys published by a second NSD
# (sealers.example) that both enmas and dkimpy ask. A message sent to the second hop alone
# gets an i=1 seal that passes too, and its log record says so.
#
# The DMARC override (docs/arc.md): hop 1 acts as a mailing list for subjects "arc-list-*":
# its header_checks and body_checks rewrite the subject and the body of a message from
# dmarc.e2e.example (p=reject) that the author DKIM-signed. Postfix applies them before its
# milter sees the message, so hop 1's own DKIM check fails too, but SPF passes (the client is
# 127.0.0.2) and with it DMARC: hop 1 seals the changed message with an AAR saying dmarc=pass,
# and relays it from 127.0.0.1, which the author's SPF does not allow. At the last hop SPF and
# DKIM fail, so DMARC (dmarc.reject_action=reject) fails. With sealers.example in
# arc.trusted_sealers the message is delivered with the override in the DMARC comment; with
# it absent (enma restarted) the last hop answers hop 1's SMTP client with the 550.
import base64
import os
import re
import signal
import subprocess
import time

import dns.resolver

import harness
from harness import GOOD_IP, fixture

SEAL_DOMAIN = "sealers.example"
LIST_SENDER = "user@dmarc.e2e.example"  # p=reject; SPF allows GOOD_IP only
DMARC_OPTIONS = ["dmarc.auth=true", "dmarc.reject_action=reject"]
LIST_HEADER_CHECKS = "/^Subject: (arc-list-.*)$/ REPLACE Subject: [list] ${1}\n"
LIST_BODY_CHECKS = "/^Posted to the list\\.$/ REPLACE Posted to the list. -- the list's footer\n"
REJECTED = ("said: 550 5.7.1 Message rejected per DMARC policy of dmarc.e2e.example "
            "(in reply to end of DATA command)")


def make_key(directory, name):
    """(PEM path, key record) of a fresh RSA 2048 key."""
    path = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", path], check=True, capture_output=True)
    os.chmod(path, 0o644)  # enma runs as this user; the directory is private to the test
    der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return path, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def start_seal_dns(directory, records):
    """NSD serving sealers.example (one TXT per selector) in its own directory."""
    zone_dir = os.path.join(directory, "sealdns")
    os.makedirs(zone_dir, exist_ok=True)
    text = (f"$ORIGIN {SEAL_DOMAIN}.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n"
            "@ NS ns\nns A 127.0.0.1\n")
    for selector, record in records.items():
        text += f"{selector}._domainkey TXT {fixture.split_strings(record)}\n"
    path = os.path.join(zone_dir, SEAL_DOMAIN + ".zone")
    with open(path, "w") as f:
        f.write(text)
    try:
        return fixture.start_nsd(zone_dir, {SEAL_DOMAIN: path})
    except fixture.FixtureError as error:
        raise harness.HarnessError(f"sealers.example NSD: {error}")


def seal_options(dns_fixture, seal_port, key, selector, authserv, trusted=""):
    return DMARC_OPTIONS + [f"arc.trusted_sealers={trusted}", "arc.auth=true", f"arc.seal_key_file={key}", f"arc.seal_selector={selector}",
            f"arc.seal_domain={SEAL_DOMAIN}", f"authresult.identifier={authserv}",
            f"resolver.stub_zones=blackhole.example=127.0.0.1@{dns_fixture.blackhole_port}, "
            f"{SEAL_DOMAIN}=127.0.0.1@{seal_port}"]


def relaying_postfix(directory, milter_port, next_port):
    """A Postfix that relays everything to 127.0.0.1:next_port instead of delivering."""
    postfix = harness.Postfix(directory, milter_port)
    for name, text in (("header_checks", LIST_HEADER_CHECKS), ("body_checks", LIST_BODY_CHECKS)):
        with open(os.path.join(postfix.config, name), "w") as f:
            f.write(text)
    with open(os.path.join(postfix.config, "main.cf"), "a") as f:
        f.write("myhostname = hop1.e2e.example\nvirtual_mailbox_domains =\n"
                f"relayhost = [127.0.0.1]:{next_port}\n"
                f"header_checks = regexp:{postfix.config}/header_checks\n"
                f"body_checks = regexp:{postfix.config}/body_checks\n"
                # A refusal by the next hop stays in the queue: no bounce to relay.
                "soft_bounce = yes\n")
    with open(os.path.join(postfix.config, "master.cf"), "a") as f:
        f.write("smtp      unix  -       -       n       -       -       smtp\n"
                "relay     unix  -       -       n       -       -       smtp\n")
    return postfix


def make_dnsfunc(port):
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        return b"".join(answer[0].strings)
    return dnsfunc


def seals(message):
    """{instance: (cv, selector)} of the ARC-Seal fields of a delivered message."""
    out = {}
    for name, value in harness.header_fields(message):
        if name.lower() == "arc-seal":
            tags = dict(re.findall(r"(\w+)=([^;]*)", value))
            out[int(tags["i"])] = (tags.get("cv", "").strip(), tags.get("s", "").strip())
    return out


def run(failures, directory, dns_fixture, enma):
    import dkim
    hop1_key, hop1_record = make_key(directory, "hop1")
    hop2_key, hop2_record = make_key(directory, "hop2")
    nsd, seal_port = start_seal_dns(directory, {"hop1": hop1_record, "hop2": hop2_record})
    hop1_dir = os.path.join(directory, "hop1")
    os.makedirs(hop1_dir, exist_ok=True)
    hop1 = harness.Enma(enma.binary, hop1_dir, dns_fixture,
                        options=seal_options(dns_fixture, seal_port, hop1_key, "hop1",
                                             "hop1.e2e.example"))
    enma.options = seal_options(dns_fixture, seal_port, hop2_key, "hop2", harness.AUTHSERV_ID,
                                trusted=SEAL_DOMAIN)
    final = first = None
    try:
        enma.start()
        hop1.start()
        final = harness.Postfix(directory, enma.port).start()
        first = relaying_postfix(hop1_dir, hop1.port, final.smtp_port).start()
        dnsfunc = make_dnsfunc(seal_port)
        two_hops_case(failures, first, final, hop1, enma, dnsfunc, dkim)
        one_hop_case(failures, final, enma, dnsfunc, dkim)
        list_trusted_case(failures, first, final, hop1, enma, dns_fixture)
        failures.equal(enma.stop(), 0, "last hop's enma exit status before the restart")
        failures.equal(enma.sanitizer_report(), [], "sanitizer reports before the restart")
        enma.options = seal_options(dns_fixture, seal_port, hop2_key, "hop2",
                                    harness.AUTHSERV_ID)  # no trusted sealer
        enma.start()
        list_untrusted_case(failures, first, final, enma, dns_fixture)
        bad_key_reload_case(failures, final, enma, hop2_key, dnsfunc, dkim)
        bad_key_start_case(failures, enma, directory)
        failures.equal(hop1.stop(), 0, "hop 1 enma exit status after SIGTERM")
        failures.equal(hop1.sanitizer_report(), [], "sanitizer reports in hop 1 enma's output")
    finally:
        for postfix in (first, final):
            if postfix:
                postfix.stop()
        hop1.kill()
        fixture.stop(nsd)


def send(failures, postfix, tag, sender="user@pass.e2e.example"):
    status, transcript = harness.swaks(postfix.smtp_port, GOOD_IP, sender,
                                       harness.message(tag, sender, body="Hello  \r\n\r\n"))
    failures.check(status == 0, f"[{tag}] swaks accepted by Postfix", transcript[-1500:])


def two_hops_case(failures, first, final, hop1, enma, dnsfunc, dkim):
    tag = "arc-two-hops"
    send(failures, first, tag)
    delivered = final.wait_for(tag)
    failures.check(delivered is not None, f"[{tag}] delivered through both hops",
                   first.maillog()[-1500:] + final.maillog()[-1500:])
    if delivered is None:
        return
    found = seals(delivered)
    failures.equal(found.get(1), ("none", "hop1"), f"[{tag}] hop 1 sealed i=1 cv=none")
    records = hop1.records("message")
    failures.equal(records[-1].get("arc_sealed") if records else None, "i=1 cv=none",
                   f"[{tag}] hop 1 log record arc_sealed")
    failures.equal(found.get(2), ("pass", "hop2"), f"[{tag}] hop 2 sealed i=2 cv=pass")
    records = enma.records("message")
    failures.equal((records[-1].get("arc"), records[-1].get("arc_sealed")) if records else None,
                   ("pass", "i=2 cv=pass"), f"[{tag}] hop 2 validated the chain, then sealed")
    aar2 = [v for n, v in harness.header_fields(delivered)
            if n.lower() == "arc-authentication-results" and v.startswith("i=2;")]
    failures.check(len(aar2) == 1 and "arc=pass" in aar2[0],
                   f"[{tag}] hop 2's AAR carries its arc=pass", str(aar2))
    cv, _, reason = dkim.arc_verify(delivered, dnsfunc=dnsfunc)
    failures.equal((cv, len(found)), (dkim.CV_Pass, 2),
                   f"[{tag}] dkimpy arc_verify of the 2-set chain ({reason})")


def one_hop_case(failures, final, enma, dnsfunc, dkim):
    tag = "arc-one-hop"
    send(failures, final, tag)
    delivered = final.wait_for(tag)
    failures.check(delivered is not None, f"[{tag}] delivered", final.maillog()[-1500:])
    if delivered is None:
        return
    failures.equal(seals(delivered), {1: ("none", "hop2")}, f"[{tag}] one seal, i=1 cv=none")
    cv, _, reason = dkim.arc_verify(delivered, dnsfunc=dnsfunc)
    failures.equal(cv, dkim.CV_Pass, f"[{tag}] dkimpy arc_verify ({reason})")
    tampered = delivered.replace(b"Hello", b"Hullo", 1)
    cv, _, reason = dkim.arc_verify(tampered, dnsfunc=dnsfunc)
    failures.equal(cv, dkim.CV_Fail, f"[{tag}] dkimpy: a changed body fails")
    records = enma.records("message")
    failures.equal(records[-1].get("arc_sealed") if records else None, "i=1 cv=none",
                   f"[{tag}] log record arc_sealed")


def send_to_list(failures, first, tag, dns_fixture):
    """A message from dmarc.e2e.example, DKIM-signed by it, that passes DMARC at hop 1."""
    data = harness.dkim_sign(harness.message(tag, LIST_SENDER, body="Posted to the list.\r\n"),
                             dns_fixture.dkim_key, domain="dmarc.e2e.example")
    status, transcript = harness.swaks(first.smtp_port, GOOD_IP, LIST_SENDER, data)
    failures.check(status == 0, f"[{tag}] swaks accepted by hop 1", transcript[-1500:])


def hop1_aar(failures, tag, hop1):
    """Hop 1's own A-R for the last message, which its AAR i=1 copies."""
    records = hop1.records("message")
    record = records[-1] if records else {}
    failures.equal((record.get("dmarc"), record.get("arc_sealed")), ("pass", "i=1 cv=none"),
                   f"[{tag}] hop 1 saw dmarc=pass and sealed")


def list_trusted_case(failures, first, final, hop1, enma, dns_fixture):
    tag = "arc-list-trusted"
    send_to_list(failures, first, tag, dns_fixture)
    delivered = final.wait_for(tag)
    failures.check(delivered is not None, f"[{tag}] delivered despite p=reject",
                   first.maillog()[-1500:] + final.maillog()[-1500:])
    if delivered is None:
        return
    hop1_aar(failures, tag, hop1)
    subject = [v for n, v in harness.header_fields(delivered) if n.lower() == "subject"]
    failures.equal(subject, [f"[list] {tag}"], f"[{tag}] hop 1 rewrote the subject")
    aar = [v for n, v in harness.header_fields(delivered)
           if n.lower() == "arc-authentication-results" and v.startswith("i=1;")]
    aar_methods = {m: text for m, _, text in harness.methods(aar[0] if aar else "")}
    failures.equal((aar_methods.get("spf"), aar_methods.get("dmarc")),
                   ("spf=pass smtp.mailfrom=user@dmarc.e2e.example smtp.helo=client.e2e.example",
                    "dmarc=pass (p=reject dis=none) header.from=dmarc.e2e.example "
                    "policy.dmarc=none polrec.p=reject"), f"[{tag}] hop 1's AAR")
    ours = harness.ours(delivered)
    failures.equal(len(ours), 1, f"[{tag}] one A-R field of the last hop")
    found = {m: text for m, _, text in harness.methods(ours[0] if ours else "")}
    failures.equal((harness.result_of(ours[0] if ours else "", "spf"),
                    harness.result_of(ours[0] if ours else "", "dkim")),
                   ("fail", "fail"), f"[{tag}] the list broke SPF and DKIM")
    failures.equal(found.get("arc"),
                   "arc=pass (i=1 as.1.d=sealers.example cv=none) smtp.remote-ip=127.0.0.1",
                   f"[{tag}] last hop's arc=")
    failures.equal(found.get("dmarc"),
                   "dmarc=fail (p=reject dis=none; override local_policy arc=pass "
                   "as.1.d=sealers.example dmarc=pass) reason=\"no aligned SPF or DKIM pass\" "
                   "header.from=dmarc.e2e.example policy.dmarc=reject polrec.p=reject",
                   f"[{tag}] last hop's dmarc=, overridden")
    records = enma.records("message")
    record = records[-1] if records else {}
    fields = ("dmarc", "dmarc_action", "dmarc_applied", "dmarc_override",
              "dmarc_override_comment", "arc_override_sealer", "arc_override_i",
              "arc_override_method")
    failures.equal(tuple(record.get(k) for k in fields),
                   ("fail", "none", "none", "local_policy",
                    "arc=pass as.1.d=sealers.example dmarc=pass", "sealers.example", 1, "dmarc"),
                   f"[{tag}] last hop's log record")


def list_untrusted_case(failures, first, final, enma, dns_fixture):
    tag = "arc-list-untrusted"
    send_to_list(failures, first, tag, dns_fixture)
    deadline = time.monotonic() + 60
    refused = []
    while not refused and time.monotonic() < deadline:
        refused = [line for line in first.maillog().splitlines()
                   if REJECTED in line]
        time.sleep(0.1)
    failures.check(len(refused) == 1, f"[{tag}] hop 1's SMTP client got the 550",
                   first.maillog()[-1500:])
    failures.check(final.wait_for(tag, timeout=2) is None, f"[{tag}] nothing delivered")
    records = enma.records("message")
    record = records[-1] if records else {}
    fields = ("arc", "dmarc", "dmarc_action", "dmarc_applied", "dmarc_override_comment",
              "arc_override_sealer")
    failures.equal(tuple(record.get(k) for k in fields),
                   ("pass", "fail", "reject", "reject", None, None),
                   f"[{tag}] last hop's log record: no override")


def wait_for_record(enma, event, count, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = enma.records(event)
        if len(records) >= count:
            return records[count - 1]
        time.sleep(0.1)
    return None


def bad_key_reload_case(failures, final, enma, key_path, dnsfunc, dkim):
    """SIGHUP with an unusable key file keeps the running key; no key byte reaches the log."""
    tag = "arc-bad-key-reload"
    with open(key_path) as f:
        key_lines = f.read().splitlines()
    with open(key_path, "w") as f:
        f.write("\n".join(key_lines[:3]) + "\n")  # a truncated PEM
    reloads = len(enma.records("reload"))
    enma.process.send_signal(signal.SIGHUP)
    record = wait_for_record(enma, "reload", reloads + 1)
    failures.equal(record and record.get("status"), "kept previous configuration",
                   f"[{tag}] the reload is refused")
    failures.equal(record and record.get("error"),
                   f"arc.seal_key_file {key_path}: not an unencrypted PEM private key",
                   f"[{tag}] the error names the key and the file")
    log = enma.log_text()
    failures.check(not any(line in log for line in key_lines[1:4]),
                   f"[{tag}] no line of the key file in the log")
    send(failures, final, tag)
    delivered = final.wait_for(tag)
    cv, _, reason = dkim.arc_verify(delivered or b"", dnsfunc=dnsfunc)
    failures.equal(cv, dkim.CV_Pass, f"[{tag}] still sealed with the running key ({reason})")


def bad_key_start_case(failures, enma, directory):
    """A key file that is not a key stops start-up with the file and the reason."""
    path = os.path.join(directory, "not-a-key.pem")
    with open(path, "w") as f:
        f.write("-----BEGIN PRIVATE KEY-----\nc2VjcmV0IG1hdGVyaWFs\n-----END PRIVATE KEY-----\n")
    args = [enma.binary, "-f", "-o", "milter.pidfile=", "-o", f"milter.chdir={directory}",
            "-o", "log.target=stderr", "-o", f"arc.seal_key_file={path}",
            "-o", "arc.seal_selector=s", "-o", f"arc.seal_domain={SEAL_DOMAIN}",
            "-o", "resolver.mode=forward", "-o", "resolver.forwarders=127.0.0.1@9",
            "-o", "resolver.dnssec=false"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    failures.equal(done.returncode, 1, "[arc-bad-key-start] enma exits 1")
    failures.check(f"enma: arc.seal_key_file {path}: not an unencrypted PEM private key"
                   in done.stderr, "[arc-bad-key-start] stderr names the file and the reason",
                   done.stderr[-800:])
    failures.check("c2VjcmV0IG1hdGVyaWFs" not in done.stderr + done.stdout,
                   "[arc-bad-key-start] the file's content is not printed")
