# suite_harden.py - the holes of issue 13, each on the wire against the real daemon:
#
#   flood        300,000 DKIM-Signature fields: RSS peak under 256 MB, exactly one A-R from
#                enma, under 64 KiB, the forged field deleted
#   fail_closed  an MTA that refuses enma's header insertion (no SMFIF_ADDHDRS): forged fields
#                still deleted, one milter.error record, milter.fail_action answered
#   forged       an authserv-id with a final dot is ours; an excluded client's forged fields
#                are deleted too (and it gets no A-R)
#   leadspc      an MTA without SMFIP_HDR_LEADSPC strips the blank after the colon; a simple/
#                simple DKIM signature still passes (milter.sendmail813 forces that mode)
#   sigterm      a message after EOH when SIGTERM arrives still gets its reply at end of
#                message, and enma then exits 0 (docs/daemon.md, Signals)
#   wraps        the libmilter wraps' start-time check logs "ok" after the first connection
#                (the fallback binary enma-no-tcp-fix has no wraps and logs nothing)
import os
import re
import signal
import time

import milter_client as mc
from harness import AUTHSERV_ID, EXCLUDED_IP, GOOD_IP, Enma, dkim_sign, result_of

SENDER = "user@pass.e2e.example"
FROM = ("From", " " + SENDER)
MIB = 1024 * 1024


def start(enma, ip=GOOD_IP, actions=mc.ALL_ACTIONS, protocol=mc.ALL_STEPS):
    client = mc.MilterClient(("127.0.0.1", enma.port), timeout=300.0)
    client.negotiate(actions=actions, protocol=protocol)
    client.connect("client.e2e.example", ip)
    client.helo("client.e2e.example")
    client.mail(f"<{SENDER}>")
    client.rcpt("<inbox@e2e.test>")
    return client


def finish(client, body=b"Hello.\r\n"):
    client.eoh()
    client.body(body)
    actions = client.eom()
    client.quit()
    return actions


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def run(failures, directory, dns, enma):
    enma.start()
    flood(failures, enma, 200_000)
    flood(failures, enma, 300_000)
    wraps(failures, enma)
    forged(failures, enma)
    leadspc(failures, directory, dns, enma)
    for action, reply in (("accept", "c"), ("tempfail", "t")):
        fail_closed(failures, directory, dns, enma.binary, action, reply)
    sigterm(failures, directory, dns, enma.binary)


def wait_for(predicate, limit):
    """Poll `predicate` until true or `limit` seconds passed (a limit, not a measurement)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def sigterm(failures, directory, dns, binary):
    tag = "SIGTERM after EOH"
    # shutdown_timeout far above the limits below: a reply must come from finishing the
    # message, not from the timeout.
    other = instance(binary, directory, dns, "sigterm", "milter.shutdown_timeout=10m")
    client = start(other)
    try:
        client.header(*FROM)
        client.eoh()
        other.process.send_signal(signal.SIGTERM)
        failures.check(wait_for(lambda: other.records("stop"), 30.0),
                       f"[{tag}] enma logged the stop")
        client.sock.settimeout(60.0)
        client.body(b"Hello.\r\n")
        try:
            actions = client.eom()
        except (OSError, mc.MilterError) as error:
            actions = None
            failures.check(False, f"[{tag}] reply to end of message", str(error))
        if actions is not None:
            failures.equal(actions[-1][0], "c", f"[{tag}] final reply is continue")
            failures.equal(len(mc.inserted_headers(actions)), 1, f"[{tag}] A-R inserted")
        client.quit()
        try:
            status = other.process.wait(timeout=120.0)
        except Exception:
            status = None
        failures.equal(status, 0, f"[{tag}] exit status")
        exits = other.records("exit")
        failures.check(bool(exits) and exits[-1].get("drained") is True,
                       f"[{tag}] drained", str(exits[-1:]))
    finally:
        client.close()
        other.kill()


def flood(failures, enma, count=300_000):
    """300,000 fields pass the 4 MiB kept-header bound: DKIM is permerror, never a verdict on
    part of the header. 200,000 stay inside it: 10 results and one summary of the rest."""
    tag = f"{count} DKIM-Signature fields"
    client = start(enma)
    forged = mc.pack(mc.SMFIC_HEADER, mc.cstrings("Authentication-Results",
                                                  f" {AUTHSERV_ID}; dkim=pass"))
    one = mc.pack(mc.SMFIC_HEADER, mc.cstrings("DKIM-Signature", " "))
    client.sock.sendall(forged + mc.pack(mc.SMFIC_HEADER, mc.cstrings(*FROM)) + one * count)
    actions = finish(client)
    inserted = mc.inserted_headers(actions)
    failures.equal(len(inserted), 1, f"[{tag}] exactly one A-R inserted")
    value = inserted[0][2] if inserted else ""
    failures.check(len(value) < 64 * 1024, f"[{tag}] A-R under 64 KiB", f"{len(value)} bytes")
    if count * 15 > 4 << 20:
        failures.equal(value.count("dkim="), 1, f"[{tag}] one dkim result")
        failures.check('dkim=permerror reason="header too large to verify"' in value,
                       f"[{tag}] the header cap fails closed", value[:2000])
    else:
        failures.equal(value.count("dkim="), 11, f"[{tag}] 10 dkim results and one summary")
        summary = re.search(r'dkim=policy reason="([0-9]+) more signatures not checked"', value)
        failures.check(summary is not None and int(summary.group(1)) == count - 10,
                       f"[{tag}] one summary counts the rest", value[:2000])
        messages = [r for r in enma.records("message") if "dkim11" in r]
        failures.check(bool(messages) and "dkim12" not in messages[-1],
                       f"[{tag}] the log record has 11 dkim keys", str(messages[-1:])[:300])
    failures.equal(mc.deleted_indices(actions), [1], f"[{tag}] forged A-R deleted")
    failures.equal(actions[-1][0], "c", f"[{tag}] final reply is continue")
    peak = peak_rss_kib(enma.pid())
    failures.check(peak is not None and peak < 256 * 1024, f"[{tag}] peak RSS under 256 MB",
                   f"{peak} KiB")


def wraps(failures, enma):
    tag = "libmilter wraps"
    wrapped = not os.path.basename(enma.binary).startswith("enma-no-tcp-fix")
    deadline = time.monotonic() + 30.0
    records = enma.records("libmilter.wraps")
    while wrapped and not records and time.monotonic() < deadline:
        time.sleep(0.05)
        records = enma.records("libmilter.wraps")
    if not wrapped:
        failures.equal(records, [], f"[{tag}] no check in the build without wraps")
        return
    failures.equal(len(records), 1, f"[{tag}] checked once")
    record = records[0] if records else {}
    failures.equal(record.get("status"), "ok", f"[{tag}] the wraps saw libmilter's traffic")
    failures.check(record.get("adopted", 0) >= 1 and record.get("reads", 0) >= 1 and
                   record.get("pool_checks", 0) >= 1, f"[{tag}] counters", str(record))


def forged(failures, enma):
    tag = "final dot"
    client = start(enma)
    client.header("Authentication-Results", f" {AUTHSERV_ID}.; spf=pass")
    client.header(*FROM)
    client.header("Authentication-Results", f" {AUTHSERV_ID.upper()}..; spf=pass")
    actions = finish(client)
    failures.equal(mc.deleted_indices(actions), [2, 1], f"[{tag}] both forged fields deleted")
    failures.equal(len(mc.inserted_headers(actions)), 1, f"[{tag}] our A-R inserted")
    tag = "excluded client"
    client = start(enma, ip=EXCLUDED_IP)
    client.header("Authentication-Results", f" {AUTHSERV_ID}; spf=pass")
    client.header(*FROM)
    client.header("Authentication-Results", " other.example; spf=pass")
    actions = finish(client)
    failures.equal(mc.deleted_indices(actions), [1], f"[{tag}] forged field deleted")
    failures.equal(mc.inserted_headers(actions), [], f"[{tag}] no A-R for an excluded client")
    failures.equal(actions[-1][0], "c", f"[{tag}] final reply is continue")


def instance(binary, directory, dns, name, *options):
    """A second enma with its own directory (so its log does not overwrite the main one's)."""
    path = os.path.join(directory, name)
    os.makedirs(path, exist_ok=True)
    return Enma(binary, path, dns, options=options).start()


def signed_simple(key_path):
    import dkim
    # One blank after each colon (the usual form, which enma restores); two inside a value.
    data = (f"From: {SENDER}\r\nTo: inbox@e2e.test\r\nSubject: two  blanks inside\r\n"
            "Message-ID: <leadspc@client.e2e.example>\r\n\r\nHello.\r\n").encode()
    with open(key_path, "rb") as f:
        key = f.read()
    signature = dkim.sign(data, b"sel", b"signed.e2e.example", key,
                          canonicalize=(b"simple", b"simple"),
                          include_headers=[b"from", b"to", b"subject", b"message-id"])
    return signature + data


def split_headers(message):
    head, body = message.split(b"\r\n\r\n", 1)
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            fields[-1][1] += b"\n" + line  # Postfix joins folded lines with LF
        else:
            name, value = line.split(b":", 1)
            fields.append([name, value])
    return [(n.decode(), v.decode()) for n, v in fields], body


def send_without_leadspc(enma, message, protocol):
    headers, body = split_headers(message)
    client = start(enma, protocol=protocol)
    leadspc = bool(client.protocol & mc.SMFIP_HDR_LEADSPC)
    for name, value in headers:
        # An MTA without SMFIP_HDR_LEADSPC strips the blanks after the colon.
        client.header(name, value if leadspc else value.lstrip(" \t"))
    return finish(client, body), leadspc


def leadspc(failures, directory, dns, enma):
    message = signed_simple(dns.dkim_key)
    tag = "no SMFIP_HDR_LEADSPC"
    actions, granted = send_without_leadspc(enma, message, mc.ALL_STEPS & ~mc.SMFIP_HDR_LEADSPC)
    failures.equal(granted, False, f"[{tag}] not granted")
    value = inserted_value(actions)
    failures.equal(result_of(value, "dkim"), "pass", f"[{tag}] simple/simple DKIM passes")
    tag = "with SMFIP_HDR_LEADSPC"
    actions, granted = send_without_leadspc(enma, message, mc.ALL_STEPS)
    failures.equal(granted, True, f"[{tag}] granted")
    failures.equal(result_of(inserted_value(actions), "dkim"), "pass", f"[{tag}] DKIM passes")
    tag = "milter.sendmail813"
    other = instance(enma.binary, directory, dns, "sendmail813", "milter.sendmail813=true")
    try:
        actions, granted = send_without_leadspc(other, message, mc.ALL_STEPS)
        failures.equal(granted, False, f"[{tag}] LEADSPC not asked for")
        failures.equal(result_of(inserted_value(actions), "dkim"), "pass",
                       f"[{tag}] simple/simple DKIM passes")
    finally:
        failures.equal(other.stop(), 0, f"[{tag}] exit status after SIGTERM")


def inserted_value(actions):
    inserted = mc.inserted_headers(actions or [])
    return inserted[0][2] if len(inserted) == 1 else ""


def fail_closed(failures, directory, dns, binary, action, reply):
    tag = f"fail_action={action}, MTA refuses SMFIF_ADDHDRS"
    other = instance(binary, directory, dns, action, f"milter.fail_action={action}")
    try:
        client = start(other, actions=mc.SMFIF_CHGHDRS)
        client.header("Authentication-Results", f" {AUTHSERV_ID}; spf=pass")
        client.header(*FROM)
        actions = finish(client)
        failures.equal(mc.deleted_indices(actions), [1], f"[{tag}] forged field deleted")
        failures.equal(mc.inserted_headers(actions), [], f"[{tag}] nothing inserted")
        failures.equal(actions[-1][0], reply, f"[{tag}] final reply")
        errors = other.records("milter.error")
        failures.check(len(errors) == 1 and errors[0].get("action") == action,
                       f"[{tag}] one milter.error record", str(errors)[:300])
        # The next message on a well-behaved connection is verified as usual.
        client = start(other)
        client.header(*FROM)
        failures.equal(len(mc.inserted_headers(finish(client))), 1, f"[{tag}] next message")
    finally:
        failures.equal(other.stop(), 0, f"[{tag}] exit status after SIGTERM")
