# dns.py - the benchmark DNS: NSD on 127.0.0.1 serving bench.example., started through the
# integration tier's fixture (tests/integration/fixture.py: start_nsd, stop, and its delaying
# proxy dns_proxy.py), so the benchmark and the tests share one NSD start-up.
#
# bench.example. (unsigned; enma runs with resolver.dnssec=false here):
#   @                TXT "v=spf1 ip4:198.18.0.0/24 ip4:127.0.0.0/8 -all"   SPF and Sender ID
#                                  (no spf2.0 record: Sender ID falls back to it; 127/8 for the
#                                  Postfix scenario, whose client is 127.0.0.1)
#   mail             A   198.18.0.25                        the benchmark client
#   s1 s2 s3._domainkey TXT  the rsa-2048 public keys of bench/corpus.py (DIR/keys/sN.txt)
#   _adsp._domainkey TXT "dkim=unknown"
#   + the records of CORPUS/zone-extra.txt (bench/corpus.py: cold domains, worst-case trees)
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import fixture  # noqa: E402

ZONE = "bench.example"


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
            '_adsp._domainkey TXT "dkim=unknown"\n' + "".join(records) + extra_text)


def start(directory, keys_directory, delay_ms=None):
    """Start NSD (and the proxy with `delay_ms` if given); returns (processes, port).

    The port is the proxy's when delaying, NSD's otherwise. Raises fixture.FixtureError.
    """
    path = os.path.join(directory, ZONE + ".zone")
    with open(path, "w") as f:
        f.write(zone_text(keys_directory))
    nsd, port = fixture.start_nsd(directory, {ZONE: path})
    processes = [nsd]
    if delay_ms is not None:
        fixture.DELAY_MS = delay_ms
        proxy, ports = fixture.start_proxy(port, os.path.join(directory, "proxy.log"))
        processes.append(proxy)
        port = ports["delay_port"]
    return processes, port


def start_delay(directory, nsd_port, delay_ms):
    """The fixture's delaying proxy in front of `nsd_port`; returns (process, its port)."""
    fixture.DELAY_MS = delay_ms
    proxy, ports = fixture.start_proxy(nsd_port, os.path.join(directory, "proxy.log"))
    return proxy, ports["delay_port"]


def stop(processes):
    for process in reversed(processes):
        fixture.stop(process)
