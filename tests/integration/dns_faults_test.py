#!/usr/bin/env python3
# dns_faults_test.py - DNS faults through real libunbound, driven through the enma daemon.
#
#   fixture.py run -- python3 dns_faults_test.py --enma PATH
#
# faulty_dns.py answers faults.example. badly (SERVFAIL, REFUSED, silence, the wrong message
# ID, a CNAME loop, TC with the TCP retry refused, a 60 KB TXT); fixture.py's NSD serves the
# bogus DNSSEC name www.broken.example. Each message below goes through enma over the milter
# protocol and must get exactly the RFC results: a DNS failure is temperror for SPF (RFC 7208
# section 2.6.6), Sender ID (RFC 4406) and DKIM (RFC 6376 section 6.1.2), within the
# per-message deadline (3 s here, the client waits 20 s, lookups time out after 30 s), and
# a well-behaved message on another connection is answered while a silent server holds one.
import argparse
import json
import os
import select
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import milter_client as mc  # noqa: E402
from harness import Enma, Failures, result_of  # noqa: E402

GOOD_IP = "192.0.2.1"
TEMPERROR = {"spf": "temperror", "sender-id": "temperror", "dkim": "temperror"}
# case: the exact results of a message from user@CASE.faults.example, signed by d=CASE...
EXPECTED = {
    "servfail": TEMPERROR,
    "refused": TEMPERROR,
    "timeout": TEMPERROR,
    "wrongid": TEMPERROR,
    "loop": TEMPERROR,
    "tc": TEMPERROR,
    "bogus": {"spf": "temperror", "sender-id": "temperror"},
    "big": {"spf": "pass", "sender-id": "pass"},
    "ok": {"spf": "pass", "sender-id": "pass"},
}
SIGNATURE = (" v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=sel; h=from;"
             " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==")


def start_message(port, case):
    domain = f"{case}.faults.example"
    client = mc.MilterClient(("127.0.0.1", port), timeout=20.0)
    client.negotiate()
    client.connect("client.example", GOOD_IP)
    client.helo("client.example")
    client.mail(f"<user@{domain}>")
    client.rcpt("<inbox@example.jp>")
    client.header("From", f" user@{domain}")
    if "dkim" in EXPECTED[case]:
        client.header("DKIM-Signature", SIGNATURE.format(domain=domain))
    client.eoh()
    client.body(b"")
    client.send(mc.SMFIC_BODYEOB)
    return client


def finish(client):
    """The A-R value enma inserted (None unless it answered with exactly one)."""
    actions = []
    try:
        while True:
            command, data = client.read_packet()
            actions.append((command.decode(), mc.parse_action(command, data)))
            if command[0] in mc.FINAL_REPLIES:
                break
    except (OSError, mc.MilterError):
        return None
    finally:
        client.close()
    values = mc.inserted_headers(actions)
    return values[0][2] if len(values) == 1 else None


def check_case(failures, case, value):
    failures.check(value is not None, f"[{case}] enma inserted an A-R")
    for method, result in EXPECTED[case].items():
        failures.equal(result_of(value or "", method), result, f"[{case}] {method}")


def start_dns():
    process = subprocess.Popen([sys.executable, os.path.join(HERE, "faulty_dns.py")],
                               stdout=subprocess.PIPE, text=True)
    ports = json.loads(process.stdout.readline())
    return process, ports


def enma_options(ports):
    nsd = os.environ["ENMA_IT_NSD_PORT"]
    stubs = [f"blackhole.example=127.0.0.1@{os.environ['ENMA_IT_BLACKHOLE_PORT']}",
             f"tc.faults.example=127.0.0.1@{ports['udp_only_port']}",
             f"broken.example=127.0.0.1@{nsd}"]
    return ("resolver.dnssec=true",
            f"resolver.trust_anchor_file={os.environ['ENMA_IT_BROKEN_KEY_FILE']}",
            "resolver.stub_zones=" + ",".join(stubs))


def run(failures, enma):
    # The silent server holds one message while another is answered (not queued behind it).
    held = start_message(enma.port, "timeout")
    check_case(failures, "ok", finish(start_message(enma.port, "ok")))
    readable, _, _ = select.select([held.sock], [], [], 0)
    failures.equal(readable, [], "[timeout] still pending while the ok message was answered")
    check_case(failures, "timeout", finish(held))
    for case in EXPECTED:
        if case not in ("timeout", "ok"):
            check_case(failures, case, finish(start_message(enma.port, case)))
    check_case(failures, "ok", finish(start_message(enma.port, "ok")))
    failures.check(enma.alive(), "enma still running after every fault")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enma", required=True)
    args = parser.parse_args()
    failures = Failures()
    dns, ports = start_dns()
    directory = os.environ["ENMA_IT_DIR"]
    enma = Enma(os.path.abspath(args.enma), directory,
                types.SimpleNamespace(nsd_port=ports["port"],
                                      blackhole_port=os.environ["ENMA_IT_BLACKHOLE_PORT"]),
                options=enma_options(ports))
    try:
        enma.start()
        run(failures, enma)
        failures.equal(enma.stop(), 0, "enma exit status after SIGTERM")
        failures.equal(enma.sanitizer_report(), [], "sanitizer reports in enma's output")
    finally:
        enma.kill()
        dns.terminate()
        dns.wait()
        if failures.failed:
            print("--- enma log ---\n" + enma.log_text()[-6000:])
    return failures.summary("dns faults")


if __name__ == "__main__":
    sys.exit(main())
