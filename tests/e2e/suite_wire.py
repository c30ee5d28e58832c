# suite_wire.py - enma driven directly over the milter protocol with hostile input (issue 5,
# item 6): what an MTA may pass on, and what only a broken or malicious MTA would send.
#
# After every case enma must still be alive and verify the next message; at the end it must
# have as many sockets open as before (no connection left behind) and exit cleanly on SIGTERM.
import os
import pwd
import signal
import socket
import struct
import threading
import time

import milter_client as mc
from harness import AUTHSERV_ID, BAD_IP, GOOD_IP, Enma, result_of

SENDER = "user@pass.e2e.example"
FROM = ("From", " " + SENDER)  # values carry the leading blank (SMFIP_HDR_LEADSPC)
MIB = 1024 * 1024


def start_message(enma, ip=GOOD_IP, sender=SENDER, timeout=120.0):
    client = mc.MilterClient(("127.0.0.1", enma.port), timeout=timeout)
    client.negotiate()
    client.connect("client.e2e.example", ip)
    client.helo("client.e2e.example")
    client.mail(f"<{sender}>")
    client.rcpt("<inbox@e2e.test>")
    return client


def send_message(enma, headers, body=b"Hello.\r\n", ip=GOOD_IP, sender=SENDER):
    """One whole message; returns the end-of-message actions (None if the filter hung up)."""
    client = start_message(enma, ip, sender)
    try:
        for name, value in headers:
            client.header(name, value)
        client.eoh()
        client.body(body)
        actions = client.eom()
        client.quit()
        return actions
    except (OSError, mc.MilterError):
        return None
    finally:
        client.close()


def our_header(actions):
    values = mc.inserted_headers(actions or [])
    return values[0][2] if len(values) == 1 else None


def check_verified(failures, tag, actions, spf="pass", **more):
    """The message got exactly one A-R field from us, with the given results."""
    failures.check(actions is not None, f"[{tag}] enma answered end of message")
    value = our_header(actions)
    failures.check(value is not None, f"[{tag}] one Authentication-Results inserted",
                   repr(actions)[:500])
    if value is None:
        return ""
    failures.check(value.strip().startswith(AUTHSERV_ID + ";"), f"[{tag}] authserv-id", value)
    failures.equal(actions[-1][0], "c", f"[{tag}] final reply is continue")
    wanted = dict(more, spf=spf)
    for method, result in wanted.items():
        method = method.replace("_", "-")
        failures.equal(result_of(value, method), result, f"[{tag}] {method} result")
    return value


def still_serving(failures, tag, enma):
    failures.check(enma.alive(), f"[{tag}] enma still running")
    if enma.alive():
        check_verified(failures, f"{tag}: next message", send_message(enma, [FROM]))


def run(failures, directory, dns, enma):
    enma.start()
    baseline_sockets = enma.open_sockets()
    negotiation(failures, enma)
    forged(failures, enma)
    many_headers(failures, enma)
    huge_headers(failures, enma)
    odd_bytes(failures, enma)
    protocol_abuse(failures, enma)
    disconnects(failures, enma)
    big_body(failures, enma, dns)
    simultaneous(failures, enma, 2000)
    sockets_settle(failures, enma, baseline_sockets)
    reload(failures, directory, dns, enma.binary)
    reload_under_load(failures, directory, dns, enma.binary)
    daemon_duties(failures, directory, dns, enma.binary)


def status_ids(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return [int(v) for v in line.split()[1:]]
    return []


def daemon_duties(failures, directory, dns, binary):
    """milter.user, milter.pidfile and milter.chdir: bound as root, then run as the user."""
    nobody = pwd.getpwnam("nobody")
    pidfile = os.path.join(directory, "run", "enma", "enma.pid")
    os.chmod(directory, 0o755)  # the user must reach the pid file's directory
    enma = Enma(binary, directory, dns, options=(
        "milter.user=nobody", f"milter.pidfile={pidfile}", "milter.chdir=/")).start()
    try:
        failures.equal(status_ids(enma.pid(), "Uid"), [nobody.pw_uid] * 4, "[daemon] runs as nobody")
        failures.equal(status_ids(enma.pid(), "Gid"), [nobody.pw_gid] * 4,
                       "[daemon] with nobody's group")
        failures.equal(os.readlink(f"/proc/{enma.pid()}/cwd"), "/", "[daemon] milter.chdir")
        with open(pidfile) as f:
            failures.equal(int(f.read()), enma.pid(), "[daemon] pid file holds the pid")
        failures.equal(os.stat(pidfile).st_uid, nobody.pw_uid, "[daemon] pid file owned by nobody")
        check_verified(failures, "daemon: as nobody", send_message(enma, [FROM]))
    finally:
        failures.equal(enma.stop(), 0, "[daemon] exit status after SIGTERM")
    failures.check(not os.path.exists(pidfile), "[daemon] pid file removed at exit")


def wait_for_reload(enma, count, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = enma.records("reload")
        if len(records) >= count:
            return records[count - 1]
        time.sleep(0.05)
    return None


def reload(failures, directory, dns, binary):
    """SIGHUP: a good new file takes effect for new messages; a bad one is refused, old kept."""
    path = os.path.join(directory, "reload.conf")
    with open(path, "w") as f:
        f.write("# ENMA 1.x spelling off\nauthresult.spf_hardfail: false\n")
    enma = Enma(binary, directory, dns, config_file=path).start()
    try:
        check_verified(failures, "reload: before", send_message(enma, [FROM], ip=BAD_IP),
                       spf="fail")
        with open(path, "w") as f:
            f.write("authresult.spf_hardfail: true\n")
        enma.process.send_signal(signal.SIGHUP)
        record = wait_for_reload(enma, 1)
        failures.equal(record and record.get("status"), "ok", "[reload] good file accepted")
        check_verified(failures, "reload: after", send_message(enma, [FROM], ip=BAD_IP),
                       spf="hardfail")
        with open(path, "w") as f:
            f.write("authresult.spf_hardfail: maybe\n")
        enma.process.send_signal(signal.SIGHUP)
        record = wait_for_reload(enma, 2)
        failures.equal(record and record.get("status"), "kept previous configuration",
                       "[reload] bad file refused")
        failures.check("authresult.spf_hardfail" in str(record and record.get("error")),
                       "[reload] the error names the key", str(record))
        check_verified(failures, "reload: kept", send_message(enma, [FROM], ip=BAD_IP),
                       spf="hardfail")
    finally:
        failures.equal(enma.stop(), 0, "[reload] enma exit status after SIGTERM")


def reload_under_load(failures, directory, dns, binary, senders=8, reloads=10):
    """SIGHUP while `senders` connections send messages back to back (the TSan build checks
    the snapshot hand-over): every message gets one A-R with the old or the new spelling, no
    message is lost, and the last configuration is the one in force afterwards."""
    path = os.path.join(directory, "reload-load.conf")
    spelling = {False: "fail", True: "hardfail"}
    with open(path, "w") as f:
        f.write("authresult.spf_hardfail: false\n")
    enma = Enma(binary, directory, dns, config_file=path).start()
    stop = threading.Event()
    outcomes = []  # spf result of each message, None when no A-R came back

    def sender():
        while not stop.is_set():
            value = our_header(send_message(enma, [FROM], ip=BAD_IP))
            outcomes.append(result_of(value, "spf") if value else None)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    try:
        for thread in threads:
            thread.start()
        for i in range(reloads):
            with open(path, "w") as f:
                f.write(f"authresult.spf_hardfail: {'true' if i % 2 == 0 else 'false'}\n")
            enma.process.send_signal(signal.SIGHUP)
            record = wait_for_reload(enma, i + 1)
            failures.equal(record and record.get("status"), "ok", f"[reload under load] #{i + 1}")
            time.sleep(0.2)  # let messages run under this snapshot
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
        last = spelling[(reloads - 1) % 2 == 0]
        check_verified(failures, "reload under load: after", send_message(enma, [FROM],
                       ip=BAD_IP), spf=last)
        failures.equal([o for o in outcomes if o not in spelling.values()], [],
                       "[reload under load] every message got spf=fail or hardfail")
        failures.equal(sorted(set(outcomes)), ["fail", "hardfail"],
                       "[reload under load] messages ran under both configurations")
        print(f"       ({len(outcomes)} messages during {reloads} reloads)")
    finally:
        stop.set()
        failures.equal(enma.stop(), 0, "[reload under load] enma exit status after SIGTERM")
        failures.equal(enma.sanitizer_report(), [], "[reload under load] sanitizer reports")


def negotiation(failures, enma):
    client = mc.MilterClient(("127.0.0.1", enma.port))
    version, actions, protocol = client.negotiate()
    client.close()
    failures.equal(version, 6, "[negotiate] protocol version")
    failures.equal(actions & (mc.SMFIF_ADDHDRS | mc.SMFIF_CHGHDRS),
                   mc.SMFIF_ADDHDRS | mc.SMFIF_CHGHDRS, "[negotiate] add and change headers")
    # Quarantine: dmarc.quarantine_action (docs/dmarc.md); never body, recipient or sender.
    failures.equal(actions & mc.SMFIF_QUARANTINE, mc.SMFIF_QUARANTINE, "[negotiate] quarantine")
    failures.equal(actions & ~(mc.SMFIF_ADDHDRS | mc.SMFIF_CHGHDRS | mc.SMFIF_QUARANTINE), 0,
                   "[negotiate] no other actions")
    wanted = (mc.SMFIP_NR_HELO | mc.SMFIP_NR_MAIL | mc.SMFIP_NR_HDR | mc.SMFIP_NR_EOH |
              mc.SMFIP_NR_BODY | mc.SMFIP_HDR_LEADSPC | mc.SMFIP_NORCPT | mc.SMFIP_NOUNKNOWN |
              mc.SMFIP_NODATA)
    failures.equal(protocol & wanted, wanted, "[negotiate] no-reply steps and HDR_LEADSPC")
    # An MTA that offers nothing gets replies to every step and still a header at the end.
    client = mc.MilterClient(("127.0.0.1", enma.port))
    client.negotiate(protocol=0)
    failures.equal(client.protocol & (wanted & ~(mc.SMFIP_NORCPT | mc.SMFIP_NOUNKNOWN |
                                                 mc.SMFIP_NODATA)), 0,
                   "[negotiate] nothing offered: no no-reply steps, no HDR_LEADSPC")
    client.connect("client.e2e.example", GOOD_IP)
    failures.equal(client.helo("client.e2e.example"), "c", "[negotiate] helo answered")
    failures.equal(client.mail(f"<{SENDER}>"), "c", "[negotiate] mail answered")
    failures.equal(client.header("From", SENDER), "c", "[negotiate] header answered")
    failures.equal(client.eoh(), "c", "[negotiate] eoh answered")
    failures.equal(client.body(b"x\r\n"), "c", "[negotiate] body answered")
    value = check_verified(failures, "no LEADSPC", client.eom())
    failures.check(value.startswith(AUTHSERV_ID), "[no LEADSPC] no leading blank", repr(value))
    client.close()


def forged(failures, enma):
    headers = [("Authentication-Results", f" {AUTHSERV_ID}; spf=pass smtp.mailfrom=x@y.example"),
               FROM,
               ("Authentication-Results", " other.example; spf=pass smtp.mailfrom=x@y.example"),
               ("Authentication-Results", f" {AUTHSERV_ID.upper()}; dkim=pass header.d=y")]
    actions = send_message(enma, headers, ip=BAD_IP)
    check_verified(failures, "forged", actions, spf="fail")
    failures.equal(mc.deleted_indices(actions or []), [3, 1],
                   "[forged] ours deleted highest index first, the other kept")


def many_headers(failures, enma):
    tag = "10000 headers"
    headers = [FROM] + [(f"X-Many-{i}", f" value {i}") for i in range(10_000)]
    headers.append(("Authentication-Results", f" {AUTHSERV_ID}; spf=pass"))
    actions = send_message(enma, headers)
    check_verified(failures, tag, actions, sender_id="pass")
    failures.equal(mc.deleted_indices(actions or []), [1], f"[{tag}] forged A-R after them deleted")
    # Past the 4 MiB of headers enma verifies, a forged field must still be deleted.
    tag = "4 MiB of headers"
    headers = [FROM] + [(f"X-Fill-{i}", " " + "f" * 60_000) for i in range(75)]
    headers.append(("Authentication-Results", f" {AUTHSERV_ID}; spf=pass"))
    actions = send_message(enma, headers)
    failures.check(actions is not None and our_header(actions) is not None,
                   f"[{tag}] one Authentication-Results inserted")
    failures.equal(mc.deleted_indices(actions or []), [1], f"[{tag}] forged A-R after them deleted")
    still_serving(failures, tag, enma)


def huge_headers(failures, enma):
    # Postfix passes a header of up to header_size_limit (default 100 KiB, often raised) in
    # one packet; libmilter's default packet limit is 64 KiB unless smfi_setmaxdatasize().
    for tag, size in (("70 kB header", 70_000), ("1 MB header", 1_000_000)):
        actions = send_message(enma, [FROM, ("X-Huge", " " + "h" * size)])
        check_verified(failures, tag, actions, sender_id="pass")
        still_serving(failures, tag, enma)
    # Beyond any MTA's limit: the connection may be dropped, but enma must live on.
    tag = "8 MiB header packet"
    send_message(enma, [FROM, ("X-Huge", " " + "h" * (8 * MIB))])
    still_serving(failures, tag, enma)


def odd_bytes(failures, enma):
    tag = "NUL bytes in the body"
    client = start_message(enma)
    client.header(*FROM)
    client.eoh()
    client.body(b"NUL \0 in \0\0 the body\r\n" * 100)
    check_verified(failures, tag, client.eom(), sender_id="pass")
    client.close()
    # A header packet is two NUL-terminated strings; an MTA cannot put a NUL inside one.
    # Packets that do are malformed: libmilter may drop the connection, enma must live on.
    for tag, packet in (("NUL inside a header value", b"X-Nul\0 a\0b\0c\0"),
                        ("empty header name", b"\0 empty name\0"),
                        ("unterminated header", b"X-Open: no terminator")):
        client = start_message(enma)
        try:
            client.header(*FROM)
            client.header_raw(packet)
            client.eoh()
            client.eom()
        except (OSError, mc.MilterError):
            pass
        client.close()
        still_serving(failures, tag, enma)

    tag = "8-bit garbage"
    garbage = bytes(range(0x80, 0x100))
    client = start_message(enma)
    client.header_raw(b"From\0 " + garbage + b"\0")
    client.header_raw(garbage + b"\0" + garbage + b"\0")
    client.header_raw(b"Subject\0 \xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\0")
    client.header_raw(b"Authentication-Results\0 " + garbage + b"\0")
    client.eoh()
    client.body(garbage * 1000)
    actions = client.eom()
    check_verified(failures, tag, actions, sender_id="permerror")
    failures.equal(mc.deleted_indices(actions or []), [], f"[{tag}] garbage A-R is not ours")
    client.close()
    still_serving(failures, "odd bytes", enma)


def protocol_abuse(failures, enma):
    tag = "abort mid-body"
    client = start_message(enma)
    client.header(*FROM)
    client.eoh()
    client.body(b"partial body\r\n")
    client.abort()
    client.mail(f"<{SENDER}>")
    client.header(*FROM)
    client.eoh()
    client.body(b"second message\r\n")
    check_verified(failures, tag, client.eom(), sender_id="pass")
    client.close()

    tag = "MAIL twice without abort"
    client = start_message(enma, sender="user@soft.e2e.example", timeout=30)
    client.mail(f"<{SENDER}>")
    client.header(*FROM)
    client.eoh()
    value = check_verified(failures, tag, client.eom(), sender_id="pass")
    failures.check(f"smtp.mailfrom={SENDER}" in value, f"[{tag}] the second sender counts", value)
    client.close()

    tag = "unknown command"
    client = mc.MilterClient(("127.0.0.1", enma.port), timeout=30)
    client.negotiate()
    client.connect("client.e2e.example", GOOD_IP)
    client.helo("client.e2e.example")
    # Not negotiated (enma asks for SMFIP_NOUNKNOWN), sent anyway: libmilter answers it.
    failures.equal(client._step(mc.SMFIC_UNKNOWN, b"XYZZY plugh\0", 0), "c",
                   f"[{tag}] answered with continue")
    client.mail(f"<{SENDER}>")
    client.header(*FROM)
    client.eoh()
    check_verified(failures, tag, client.eom(), sender_id="pass")
    client.close()

    tag = "odd macros"  # enma needs none; Postfix's own macros are in the Postfix suite
    client = mc.MilterClient(("127.0.0.1", enma.port), timeout=30)
    client.negotiate()
    client.connect("client.e2e.example", GOOD_IP)
    client.macro(b"M", **{"{unheard_of}": "\x01\x02\xff"})
    client.mail(f"<{SENDER}>")
    client.macro(b"M", i="", **{"{auth_authen}": ""})  # empty values, after MAIL
    client.header(*FROM)
    client.eoh()
    check_verified(failures, tag, client.eom(), sender_id="pass")
    client.close()

    for tag, packet in (("macro name without a value", b"C{daemon_name}\0"),
                        ("empty macro packet", b"")):
        client = mc.MilterClient(("127.0.0.1", enma.port), timeout=30)
        client.negotiate()
        try:
            client.send(mc.SMFIC_MACRO, packet)
            client.connect("client.e2e.example", GOOD_IP)
        except (OSError, mc.MilterError):
            pass
        client.close()
        still_serving(failures, tag, enma)

    tag = "not a milter command"
    client = start_message(enma, timeout=30)
    try:
        client.send(b"Z", b"what is this")
        client.header(*FROM)
        client.eoh()
        client.eom()
    except (OSError, mc.MilterError):
        pass
    client.close()
    still_serving(failures, tag, enma)


def disconnects(failures, enma):
    cases = {
        "after MAIL": lambda c: None,
        "mid-headers": lambda c: c.header(*FROM),
        "mid-body": lambda c: (c.header(*FROM), c.eoh(), c.body(b"x" * 200_000)),
        "mid-packet": lambda c: c.sock.sendall(struct.pack("!I", 5000) + b"Lhalf"),
        "during end of message": lambda c: (c.header(*FROM), c.eoh(), c.send(mc.SMFIC_BODYEOB)),
    }
    for name, step in cases.items():
        sender = "user@blackhole.example" if name == "during end of message" else SENDER
        client = start_message(enma, sender=sender)
        step(client)
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # abrupt: RST
        still_serving(failures, f"disconnect {name}", enma)


def big_body(failures, enma, dns):
    """50 MB through the DKIM body hash: nothing is buffered, so RSS stays flat."""
    signature = ("DKIM-Signature", " v=1; a=rsa-sha256; c=relaxed/relaxed; d=signed.e2e.example;"
                 " s=sel; h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
                 " b=dGVzdA==")
    sender = "news@signed.e2e.example"
    headers = [("From", " " + sender), signature]
    line = b"The quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTU\r\n"
    warm = send_message(enma, headers, body=line * (MIB // len(line)), sender=sender)
    check_verified(failures, "1 MB body", warm, dkim="fail")
    before = enma.rss_kib()
    sizes = []
    for round_ in range(2):
        body = line * (50 * MIB // len(line))
        actions = send_message(enma, headers, body=body, sender=sender)
        del body
        check_verified(failures, f"50 MB body #{round_ + 1}", actions, dkim="fail")
        value = our_header(actions) or ""
        failures.check("body hash" in value.lower(), f"[50 MB body #{round_ + 1}] body hash"
                       " mismatch reported", value)
        sizes.append(enma.rss_kib())
    growth = max(sizes) - before
    print(f"       (RSS {before} KiB after 1 MB, {sizes} KiB after each 50 MB body)")
    failures.check(growth < 24 * 1024, "[50 MB body] RSS grew by less than 24 MiB",
                   f"RSS {before} KiB before, {sizes} KiB after")


def simultaneous(failures, enma, count):
    """`count` connections open at once, each with a message waiting for end of message."""
    tag = f"{count} connections"
    clients, failed_open = [], 0
    started = time.monotonic()
    for i in range(count):
        try:
            client = start_message(enma, timeout=120.0)
            client.header(*FROM)
            client.eoh()
            client.body(f"message {i}\r\n".encode())
            clients.append(client)
        except (OSError, mc.MilterError):
            failed_open += 1
    failures.equal(failed_open, 0, f"[{tag}] connections refused or dropped while opening")
    sockets = enma.open_sockets()
    failures.check(sockets >= len(clients), f"[{tag}] enma holds them all open",
                   f"{sockets} sockets for {len(clients)} connections")
    for client in clients:
        try:
            client.send(mc.SMFIC_BODYEOB)
        except OSError:
            pass
    answered = verified = 0
    for client in clients:
        try:
            actions = []
            while True:
                command, data = client.read_packet()
                actions.append((command.decode(), mc.parse_action(command, data)))
                if command[0] in mc.FINAL_REPLIES:
                    break
            answered += 1
            if result_of(our_header(actions) or "", "spf") == "pass":
                verified += 1
        except (OSError, mc.MilterError):
            pass
        client.close()
    failures.equal(answered, count, f"[{tag}] end-of-message replies")
    failures.equal(verified, count, f"[{tag}] spf=pass headers")
    print(f"       ({count} connections in {time.monotonic() - started:.1f} s)")
    still_serving(failures, tag, enma)


def sockets_settle(failures, enma, baseline):
    """Every connection closed on our side is closed on enma's side too (no descriptor or
    session left behind)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and enma.open_sockets() > baseline:
        time.sleep(0.2)
    failures.check(enma.open_sockets() <= baseline, "every connection's socket was closed",
                   f"{enma.open_sockets()} sockets open, {baseline} at start")
