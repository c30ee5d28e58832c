# dns.py - the benchmark DNS: NSD serving bench.example., started through the integration
# tier's fixture (tests/integration/fixture.py: start_nsd, stop, and its delaying proxy
# dns_proxy.py), so the benchmark and the tests share one NSD start-up.
#
# bench/run runs inside its own network namespace, so the DNS takes the well-known port there:
#   127.0.0.1:53   NSD, no response rate limiting (OpenDMARC caches nothing: a few thousand
#                  queries a second for one name would hit NSD's default of 200 and be dropped)
#   127.0.0.2:53   dns_proxy.py's delaying proxy (+DELAY ms per query) in front of it
# Port 53 because OpenDMARC resolves through the C library (res_query), which knows no other
# port: its /etc/resolv.conf (the namespace's, or a private one for the delayed peer: see
# bench/peers.py) names only an address.
#
# bench.example. (unsigned; enma runs with resolver.dnssec=false here):
#   @                TXT "v=spf1 ip4:198.18.0.0/24 ip4:127.0.0.0/8 -all"   SPF and Sender ID
#                                  (no spf2.0 record: Sender ID falls back to it; 127/8 for the
#                                  Postfix scenario, whose client is 127.0.0.1)
#   _dmarc           TXT "v=DMARC1; p=reject"   OpenDMARC: passes through aligned SPF
#   mail             A   198.18.0.25                        the benchmark client
#   s1 s2 s3._domainkey TXT  the rsa-2048 public keys of bench/corpus.py (DIR/keys/sN.txt)
#   _adsp._domainkey TXT "dkim=unknown"
#   arc._domainkey.hop1 hop2 hop3  the keys of the three ARC sealers (the s1, s2, s3 keys)
#   + the records of CORPUS/zone-extra.txt (bench/corpus.py: cold domains and their clients'
#     A records, worst-case trees)
# 18.198.in-addr.arpa. (iprev, RFC 8601: the client's PTR, whose name maps back to it):
#   25.0             PTR mail.bench.example.
#   + the PTR records of CORPUS/reverse-extra.txt (bench/corpus.py: one client per cold message)
# example. (PARENT, empty but for the delegation): DMARC's DNS Tree Walk (enma-all) also asks
#   _dmarc.example; without this zone NSD REFUSEs it, a temporary failure that no cache keeps,
#   so every message paid a round trip through libunbound's thread that the real Internet
#   (an NXDOMAIN from the TLD, cached for its SOA minimum) does not charge.
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import fixture  # noqa: E402

ZONE = "bench.example"
REVERSE = "18.198.in-addr.arpa"  # the clients 198.18.0.0/16 of the corpus
PARENT = "example"  # bench.example's parent: the Tree Walk's last step gets its NXDOMAIN here
NSD = ("127.0.0.1", 53)
DELAYED = ("127.0.0.2", 53)


def zone_text(keys_directory):
    extra = os.path.join(keys_directory, "..", "zone-extra.txt")
    extra_text = open(extra).read() if os.path.exists(extra) else ""
    records = []
    for selector in ("s1", "s2", "s3"):
        with open(os.path.join(keys_directory, selector + ".txt")) as f:
            key = f.read().strip()
        records.append(f"{selector}._domainkey TXT {fixture.split_strings(key)}\n")
    return (f"$ORIGIN {ZONE}.\n$TTL 3600\n"
            "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
            '@ TXT "v=spf1 ip4:198.18.0.0/24 ip4:127.0.0.0/8 -all"\n'
            "mail A 198.18.0.25\n"
            '_dmarc TXT "v=DMARC1; p=reject"\n'
            '_adsp._domainkey TXT "dkim=unknown"\n' + "".join(records) + arc_keys(keys_directory)
            + extra_text)


def arc_keys(keys_directory):
    """arc._domainkey.hopN: the ARC sealers of bench/corpus.py's arc3 corpus (keys sN)."""
    records = []
    for hop in (1, 2, 3):
        with open(os.path.join(keys_directory, f"s{hop}.txt")) as f:
            key = f.read().strip()
        records.append(f"arc._domainkey.hop{hop} TXT {fixture.split_strings(key)}\n")
    return "".join(records)


def reverse_text(keys_directory):
    extra = os.path.join(keys_directory, "..", "reverse-extra.txt")
    extra_text = open(extra).read() if os.path.exists(extra) else ""
    return (f"$ORIGIN {REVERSE}.\n$TTL 3600\n"
            f"@ SOA ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 300\n@ NS ns.{ZONE}.\n"
            f"25.0 PTR mail.{ZONE}.\n" + extra_text)


def parent_text():
    return (f"$ORIGIN {PARENT}.\n$TTL 3600\n"
            f"@ SOA ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 300\n@ NS ns.{ZONE}.\n"
            f"bench NS ns.{ZONE}.\n")


def start(directory, keys_directory):
    """Start NSD on 127.0.0.1:53; returns (processes, port). Raises fixture.FixtureError."""
    path = os.path.join(directory, ZONE + ".zone")
    with open(path, "w") as f:
        f.write(zone_text(keys_directory))
    reverse = os.path.join(directory, REVERSE + ".zone")
    with open(reverse, "w") as f:
        f.write(reverse_text(keys_directory))
    parent = os.path.join(directory, PARENT + ".zone")
    with open(parent, "w") as f:
        f.write(parent_text())
    nsd, port = fixture.start_nsd(directory, {ZONE: path, REVERSE: reverse, PARENT: parent},
                                  port=NSD[1],
                                  server_lines="  rrl-ratelimit: 0\n")
    return [nsd], port


def start_delay(directory, nsd_port, delay_ms):
    """The fixture's delaying proxy in front of `nsd_port`, listening on DELAYED."""
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "..", "tests", "integration", "dns_proxy.py"),
         "--listen", f"{DELAYED[0]}:{DELAYED[1]}", "--upstream-port", str(nsd_port), "--delay-ms", str(delay_ms),
         "--log", os.path.join(directory, "proxy.log")], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line:
        raise fixture.FixtureError("the delaying proxy did not start")
    json.loads(line)
    return process


def stop(processes):
    for process in reversed(processes):
        fixture.stop(process)
