# suite_postfix.py - Postfix (smtpd_milters) + enma + NSD: mail sent with swaks is read back
# from the Maildir and its Authentication-Results fields are checked (issue 5, items 5 and 6).
#
# Every message must be delivered, whatever enma does or fails to do: Postfix runs with
# milter_default_action = accept, so a stopped or killed enma costs the header, never the mail.
import socket
import subprocess
import time

import harness
from harness import (AUTHSERV_ID, BAD_IP, EXCLUDED_IP, GOOD_IP, RECIPIENT, auth_results,
                     authserv_id, ours, result_of)


class Sender:
    def __init__(self, failures, postfix):
        self.failures = failures
        self.postfix = postfix

    def send(self, tag, source_ip, sender, data):
        """Send with swaks and wait for delivery; returns the delivered bytes or None."""
        status, transcript = harness.swaks(self.postfix.smtp_port, source_ip, sender, data)
        self.failures.check(status == 0, f"[{tag}] swaks accepted by Postfix",
                            transcript[-1500:])
        delivered = self.postfix.wait_for(tag)
        self.failures.check(delivered is not None, f"[{tag}] message delivered",
                            self.postfix.maillog()[-2000:])
        return delivered


def one_ar(failures, tag, delivered):
    """Exactly one A-R field with our authserv-id; returns its value ('' if not)."""
    if delivered is None:
        return ""
    mine = ours(delivered)
    failures.equal(len(mine), 1, f"[{tag}] number of A-R fields with authserv-id {AUTHSERV_ID}")
    return mine[0] if mine else ""


def expect(failures, tag, value, **wanted):
    for method, result in wanted.items():
        method = method.replace("_", "-")
        failures.equal(result_of(value, method), result, f"[{tag}] {method} result")


def run(failures, directory, dns, enma):
    enma.start()
    postfix = harness.Postfix(directory, enma.port)
    try:
        postfix.start()
        sender = Sender(failures, postfix)
        spf_cases(failures, sender)
        dkim_cases(failures, sender, dns)
        forged_cases(failures, sender)
        forged_after_bulk_case(failures, sender)
        excluded_case(failures, sender)
        bad_input_cases(failures, sender)
        disconnect_case(failures, sender, postfix)
        dns_timeout_case(failures, sender, enma)
        enma_down_cases(failures, sender, postfix, enma)
        timeouts = [line for line in postfix.maillog().splitlines()
                    if "milter" in line and ("timed out" in line or "timeout" in line)]
        failures.equal(timeouts, [], "Postfix milter timeouts")
    finally:
        postfix.stop()


def spf_cases(failures, sender):
    cases = [("spf-pass", GOOD_IP, "pass", "pass"),
             ("spf-fail", BAD_IP, "pass", "fail"),
             ("spf-softfail", BAD_IP, "soft", "softfail")]
    for tag, ip, domain, result in cases:
        address = f"user@{domain}.e2e.example"
        value = one_ar(failures, tag, sender.send(tag, ip, address, harness.message(tag, address)))
        expect(failures, tag, value, spf=result, sender_id=result, dkim="none")
        failures.check(f"smtp.mailfrom={address}" in value, f"[{tag}] smtp.mailfrom={address}",
                       value)
        failures.check("smtp.helo=client.e2e.example" in value, f"[{tag}] smtp.helo", value)


def dkim_cases(failures, sender, dns):
    address = "news@signed.e2e.example"
    signed = harness.dkim_sign(harness.message("dkim-pass", address, body="Signed body.\r\n"),
                               dns.dkim_key)
    value = one_ar(failures, "dkim-pass", sender.send("dkim-pass", GOOD_IP, address, signed))
    expect(failures, "dkim-pass", value, spf="pass", dkim="pass")
    failures.check("header.d=signed.e2e.example" in value, "[dkim-pass] header.d", value)
    failures.check("header.s=sel" in value, "[dkim-pass] header.s=sel", value)

    tampered = harness.dkim_sign(
        harness.message("dkim-fail", address, body="Original body.\r\n"), dns.dkim_key)
    tampered = tampered.replace(b"Original body.", b"Altered body!!")
    value = one_ar(failures, "dkim-fail", sender.send("dkim-fail", GOOD_IP, address, tampered))
    expect(failures, "dkim-fail", value, spf="pass", dkim="fail")


def forged_cases(failures, sender):
    tag = "forged"
    address = "user@pass.e2e.example"
    extra = [f"Authentication-Results: {AUTHSERV_ID}; spf=pass smtp.mailfrom=ceo@pass.e2e.example",
             "Authentication-Results: (sneaky) MX.E2E.Example;\r\n\tdkim=pass header.d=bank.example",
             "Authentication-Results: other.example; dkim=pass header.d=other.example"]
    delivered = sender.send(tag, BAD_IP, address, harness.message(tag, address, extra_headers=extra))
    value = one_ar(failures, tag, delivered)
    expect(failures, tag, value, spf="fail")
    failures.check("ceo@" not in value and "bank.example" not in value,
                   f"[{tag}] the forged results are gone", value)
    if delivered is not None:
        others = [v for v in auth_results(delivered) if authserv_id(v) == "other.example"]
        failures.equal(len(others), 1, f"[{tag}] A-R of another authserv-id kept")
        failures.equal(len(auth_results(delivered)), 2, f"[{tag}] A-R fields in all")


def forged_after_bulk_case(failures, sender):
    """4.5 MB of header fields (under Postfix's message_size_limit), then a forged A-R field
    with our authserv-id: past enma's 4 MiB header cap it must still be deleted."""
    tag = "forged-after-4mib"
    address = "user@pass.e2e.example"
    bulk = [f"X-Fill-{i}: " + "\r\n ".join(["f" * 900] * 60) for i in range(80)]
    bulk.append(f"Authentication-Results: {AUTHSERV_ID}; spf=pass smtp.mailfrom=ceo@bank.example")
    delivered = sender.send(tag, BAD_IP, address, harness.message(tag, address, extra_headers=bulk))
    value = one_ar(failures, tag, delivered)
    expect(failures, tag, value, spf="fail")
    if delivered is not None:
        forged = [v for v in auth_results(delivered) if "ceo@bank.example" in v]
        failures.equal(forged, [], f"[{tag}] the forged A-R field is gone")


def excluded_case(failures, sender):
    tag = "excluded"
    address = "user@pass.e2e.example"
    delivered = sender.send(tag, EXCLUDED_IP, address, harness.message(tag, address))
    if delivered is not None:
        failures.equal(auth_results(delivered), [], f"[{tag}] no A-R field for an excluded client")


def bad_input_cases(failures, sender):
    address = "user@pass.e2e.example"
    head = (f"To: {RECIPIENT}\r\nSubject: bad\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\n"
            "Message-ID: <{tag}@client.e2e.example>\r\nX-E2E-Case: {tag}\r\n")

    def send(tag, headers, body=b"Body.\r\n", **wanted):
        data = head.format(tag=tag).encode() + headers + b"\r\n" + body
        value = one_ar(failures, tag, sender.send(tag, GOOD_IP, address, data))
        expect(failures, tag, value, spf="pass", **wanted)
        return value

    # RFC 4407 2: no From, or several, means no PRA: Sender ID permerror.
    send("no-from", b"", sender_id="permerror")
    five = b"".join(f"From: user{i}@pass.e2e.example\r\n".encode() for i in range(5))
    send("five-from", five, sender_id="permerror")
    from_line = f"From: {address}\r\n".encode()
    send("nul-bytes", from_line + b"X-Nul: a\x00b\x00c\r\n", body=b"NUL \x00 in\x00 body\r\n",
         sender_id="pass")
    garbage = bytes(range(0x80, 0x100))
    send("8bit-garbage", from_line + b"X-Garbage: " + garbage + b"\r\nSubject: \xff\xfe\xc3\x28\r\n",
         body=garbage + b"\r\n" + bytes(range(1, 32)).replace(b"\n", b"").replace(b"\r", b"")
         + b"\r\n", sender_id="pass")
    many = b"".join(f"X-Many-{i}: header number {i}\r\n".encode() for i in range(10_000))
    send("10000-headers", from_line + many, sender_id="pass")
    # Postfix trims a header to what fits its limits (about 60 KB of 1 MiB here) before the
    # milter sees it; the wire suite sends enma the full 1 MiB.
    huge = b"X-Huge: " + b"\r\n ".join([b"y" * 990] * 1059) + b"\r\n"  # 1 MiB, folded
    send("1mb-header", from_line + huge, sender_id="pass")
    long_line = b"X-Long: " + b"z" * 1_048_576 + b"\r\n"  # 1 MiB on one line
    send("1mb-header-line", from_line + long_line, sender_id="pass")
    # Between libmilter's 64 KiB packet limit and Postfix's header_size_limit (100 KiB);
    # Postfix 3.7 trims such a field to about 60 kB before the milter sees it.
    folded = b"X-Big: " + b"\r\n ".join([b"w" * 990] * 80) + b"\r\n"  # 80 kB
    send("80kb-header", from_line + folded, sender_id="pass")


def disconnect_case(failures, sender, postfix):
    """A client that drops the connection in the middle of DATA: Postfix aborts the milter
    transaction; the next message on a new connection is verified as usual."""
    tag = "disconnect"
    sock = socket.create_connection(("127.0.0.1", postfix.smtp_port), timeout=30,
                                    source_address=(GOOD_IP, 0))
    reader = sock.makefile("rb")

    def command(line, expect_code):
        if line is not None:
            sock.sendall(line + b"\r\n")
        reply = reader.readline()
        while reply[3:4] == b"-":
            reply = reader.readline()
        failures.check(reply.startswith(expect_code), f"[{tag}] SMTP {line or b'banner'!r}",
                       repr(reply))

    command(None, b"220")
    command(b"EHLO client.e2e.example", b"250")
    command(b"MAIL FROM:<user@pass.e2e.example>", b"250")
    command(f"RCPT TO:<{RECIPIENT}>".encode(), b"250")
    command(b"DATA", b"354")
    sock.sendall(b"From: user@pass.e2e.example\r\nX-E2E-Case: disconnect\r\n\r\nhalf a bo")
    reader.close()
    sock.close()
    after = "after-disconnect"
    address = "user@pass.e2e.example"
    value = one_ar(failures, after, sender.send(after, GOOD_IP, address,
                                                harness.message(after, address)))
    expect(failures, after, value, spf="pass")
    failures.check(postfix.wait_for(tag, timeout=1) is None, f"[{tag}] nothing delivered")


def dns_timeout_case(failures, sender, enma):
    """blackhole.example never answers: the per-message deadline (3 s here, resolver timeout
    30 s) ends the lookups as temperror, far inside Postfix's milter timeouts."""
    tag = "dns-timeout"
    address = "user@blackhole.example"
    delivered = sender.send(tag, GOOD_IP, address, harness.message(tag, address))
    value = one_ar(failures, tag, delivered)
    expect(failures, tag, value, spf="temperror", sender_id="temperror")
    record = message_record(enma, delivered)
    failures.check(record is not None, f"[{tag}] enma logged the message")
    if record:
        failures.equal(record.get("deadline_expired"), True, f"[{tag}] deadline_expired logged")
        failures.equal(record.get("spf"), "temperror", f"[{tag}] spf in the log record")
        # enma answered before Postfix's milter_command_timeout (30 s) could fire.
        failures.check(record.get("eom_ms", 1e9) < 30_000, f"[{tag}] answered inside Postfix's"
                       " milter_command_timeout", str(record.get("eom_ms")))


def message_record(enma, delivered):
    queue = harness.queue_id(delivered) if delivered else None
    for record in enma.records("message"):
        if queue and record.get("queue_id") == queue:
            return record
    return None


def enma_down_cases(failures, sender, postfix, enma):
    address = "user@pass.e2e.example"
    # Killed while it waits for DNS at end of message: Postfix loses the milter in the
    # middle of the transaction and applies milter_default_action = accept.
    tag = "killed-mid-message"
    process = subprocess.Popen(
        ["swaks", "--server", "127.0.0.1", "--port", str(postfix.smtp_port),
         "--local-interface", GOOD_IP, "--helo", "client.e2e.example",
         "--from", "user@blackhole.example", "--to", RECIPIENT, "--data", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    process.stdin.write(harness.message(tag, "user@blackhole.example"))
    process.stdin.close()
    for line in process.stdout:
        if line.startswith(b" -> .") or line.startswith(b" -> ") and b"lines sent" in line:
            break
    time.sleep(0.5)  # inside the 3 s deadline: enma is waiting on the black hole
    enma.kill()
    rest = process.stdout.read()
    status = process.wait(timeout=120)
    failures.equal(status, 0, f"[{tag}] swaks finished successfully")
    delivered = postfix.wait_for(tag)
    failures.check(delivered is not None, f"[{tag}] message delivered", rest.decode()[-800:])
    if delivered is not None:
        failures.equal(auth_results(delivered), [], f"[{tag}] no A-R field")
    failures.check("can't read SMFIC_BODYEOB reply" in postfix.maillog(),
                   f"[{tag}] Postfix lost enma at end of message", postfix.maillog()[-1500:])

    tag = "enma-down"
    delivered = sender.send(tag, GOOD_IP, address, harness.message(tag, address))
    if delivered is not None:
        failures.equal(auth_results(delivered), [], f"[{tag}] no A-R field")
    failures.check("Milter service" in postfix.maillog(), "Postfix logged the missing milter")

    enma.start()
    tag = "enma-restarted"
    value = one_ar(failures, tag, sender.send(tag, GOOD_IP, address,
                                              harness.message(tag, address)))
    expect(failures, tag, value, spf="pass")
