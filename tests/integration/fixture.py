#!/usr/bin/env python3
# fixture.py - real DNS on loopback for the integration tier: NSD with zones generated and
# signed at test time, plus the delaying / black-hole proxy (dns_proxy.py).
#
#   fixture.py run -- COMMAND [ARGS...]  start everything, run COMMAND with the ENMA_IT_*
#                                        variables below, stop everything, exit with its status
#   fixture.py serve                     start everything, print the variables, wait for Ctrl-C
#
# Zones (see docs/dns.md):
#   signed.example.        signed (ECDSA P-256); anchored by an inline DS      -> secure
#   broken.example.        signed, then the RRSIG of www.broken.example. A is corrupted;
#                          anchored by a trust anchor file (its DNSKEY)       -> bogus
#   plain.example.         unsigned, under no anchor                          -> insecure
#                          (sq.plain.example: sidfquery's policies, SIDFQUERY_RECORDS;
#                          _report._dmarc: REPORT_DESTINATION_RECORDS)
#   18.198.in-addr.arpa.   unsigned reverse zone for PTR                      -> insecure
#   check.example.         unsigned: enma-check's SPF, ADSP and a DKIM key made at start
#                          (check_zone_text)                                  -> insecure
#   interop.example.       unsigned: DKIM keys made at start for the OpenDKIM interop corpus
#                          (interop_zone_text: rsa2048, rsa1024, ed25519) and SPF -> insecure
#   arc.example.           unsigned: ARC sealers hop1..hop3.arc.example (key sel._domainkey under
#                          each, made at start: arc_zone_text) and the author domain
#                          author.arc.example (SPF 198.18.7.25 only, DMARC p=reject) -> insecure
#   iprev.example., 33.22.11.in-addr.arpa., 2.0.0.0.1.0.0.0.8.f.4.0.1.0.a.2.ip6.arpa.
#                          unsigned: iprev's forward and reverse data (iprev_zone_texts) -> insecure
# Variables: ENMA_IT_NSD_PORT, ENMA_IT_PROXY_PORT (+50 ms), ENMA_IT_BLACKHOLE_PORT (never
# answers), ENMA_IT_PROXY_LOG (one "udp"/"tcp" line per proxied message), ENMA_IT_SIGNED_DS
# (inline anchor text), ENMA_IT_BROKEN_KEY_FILE, ENMA_IT_DIR (the temporary directory),
# ENMA_IT_DKIM_KEY (PEM private key of sel._domainkey.check.example), ENMA_IT_INTEROP_RSA2048_KEY,
# ENMA_IT_INTEROP_RSA1024_KEY, ENMA_IT_INTEROP_ED25519_KEY (PEM private keys of the selectors
# rsa2048, rsa1024 and ed25519 at _domainkey.interop.example), ENMA_IT_ARC_HOP1_KEY ..
# ENMA_IT_ARC_HOP3_KEY (PEM private keys of sel._domainkey.hopN.arc.example).
# Anything that cannot start is an error (exit status 1), never a skip. Only the standard
# library is used; NSD, ldnsutils (ldns-keygen, ldns-signzone) and openssl must be installed.
# ENMA_IT_KEEP=1 keeps the temporary directory (zones, keys, nsd.log) for inspection.
import base64
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MANY = 233  # h0 .. h232.signed.example, one "message" worth of queries
DELAY_MS = 50


class FixtureError(Exception):
    pass


def many_address(index):
    return f"198.19.{index // 256}.{index % 256}"


def split_strings(text, size=255):
    return " ".join('"' + text[i:i + size] + '"' for i in range(0, len(text), size))


# sq.plain.example: the SPF and Sender ID policies tests/integration/sidfquery_test.cpp checks
# sidfquery against (SPF: 198.18.1.0/28, 2001:db8:1::/64 and, via the include, 198.18.1.32/28;
# mfrom: the same two networks, else softfail; pra: 198.18.1.16/28 and 2001:db8:1:1::/64, else
# neutral), a host with two addresses of each family, and a HELO-dependent policy.
SIDFQUERY_RECORDS = (
    'sq TXT "v=spf1 ip4:198.18.1.0/28 ip6:2001:db8:1::/64 include:inc.sq.plain.example -all"\n'
    'sq TXT "spf2.0/mfrom ip4:198.18.1.0/28 ip6:2001:db8:1::/64 ~all"\n'
    'sq TXT "spf2.0/pra ip4:198.18.1.16/28 ip6:2001:db8:1:1::/64 ?all"\n'
    'inc.sq TXT "v=spf1 ip4:198.18.1.32/28 -all"\n'
    "hosts.sq A 198.18.1.20\nhosts.sq A 198.18.1.5\n"
    "hosts.sq AAAA 2001:db8:2::1\nhosts.sq AAAA 2001:db8:1::5\n"
    'heloq.sq TXT "v=spf1 exists:%{h}.ok.sq.plain.example -all"\n'
    "relay.example.ok.sq A 127.0.0.2\n")


# RFC 9990 external report destinations (tests/integration/report_external_test.cpp):
# plain.example takes reports for example.org only, refuses bad.example with a record that is
# not DMARC1; signed.example takes reports for any domain through a wildcard.
REPORT_DESTINATION_RECORDS = (
    'example.org._report._dmarc TXT "v=DMARC1"\n'
    'bad.example._report._dmarc TXT "v=spf1 -all"\n')


def zone_texts():
    with open(os.path.join(HERE, "data", "dkim4096.txt")) as f:
        dkim = f.read().strip()
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    signed = (
        "$ORIGIN signed.example.\n$TTL 300\n" + soa +
        "@ MX 10 mail\n@ MX 20 backup.plain.example.\n"
        "www A 198.18.0.10\nwww AAAA 2001:db8::10\nmail A 198.18.0.25\n"
        "alias CNAME www\n"
        'spf TXT "v=spf1 " "ip4:198.18.0.0/24 -all"\n'
        'spf SPF "v=spf1 ip4:198.18.0.0/24 -all"\n'
        f"sel._domainkey TXT {split_strings(dkim)}\n" +
        "".join(f"h{i} A {many_address(i)}\n" for i in range(MANY)) +
        '*._report._dmarc TXT "v=DMARC1;"\n')
    broken = ("$ORIGIN broken.example.\n$TTL 300\n" + soa +
              'www A 198.18.2.10\ntxt TXT "intact"\n')
    plain = ("$ORIGIN plain.example.\n$TTL 300\n" + soa +
             'www A 198.18.1.10\nbackup A 198.18.1.25\ntxt TXT "plain text"\n' +
             SIDFQUERY_RECORDS + REPORT_DESTINATION_RECORDS)
    reverse = ("$ORIGIN 18.198.in-addr.arpa.\n$TTL 300\n"
               "@ SOA ns.plain.example. hostmaster.plain.example. 1 3600 600 86400 300\n"
               "@ NS ns.plain.example.\n"
               "10.0 PTR www.signed.example.\n25.0 PTR mail.signed.example.\n")
    texts = {"signed.example": signed, "broken.example": broken, "plain.example": plain,
             "18.198.in-addr.arpa": reverse}
    texts.update(iprev_zone_texts(soa))
    return texts


# iprev (tests/integration/iprev_test.cpp): client addresses outside libunbound's default
# local zones (RFC 1918, 5737, 2001:db8::/32 ...), so their reverse lookups reach NSD.
IPREV_V4 = "11.22.33.{}"
IPREV_V6 = "2a01:4f8:1:2::{}"


def iprev_reverse(prefix, soa_ptr, records):
    """A reverse zone whose owners are given as the last address field ('44', '25' ...)."""
    import ipaddress
    zone = ipaddress.ip_address(prefix.format(0)).reverse_pointer
    zone = zone.split(".", 1)[1] if "in-addr" in zone else zone.split(".", 16)[16]
    lines = [f"$ORIGIN {zone}.", "$TTL 300", soa_ptr]
    for host, rdata in records:
        owner = ipaddress.ip_address(prefix.format(host)).reverse_pointer
        lines.append(f"{owner}. {rdata}")
    return zone, "\n".join(lines) + "\n"


def iprev_zone_texts(soa):
    """iprev.example (forward names) and the reverse zones of 11.22.33.0/24, 2a01:4f8:1:2::/64:
    .44/::25 pass, .45/::45 fail (other address), .46/::46 no PTR (permerror), .47/::47 eleven
    names whose 11th (n10) is the only match (fail: 10-name limit), .48/::48 eleven names with
    n03 matching (pass), .49 RFC 2317 CNAME then a CNAME'd name (pass), .50 a PTR naming its own
    reverse name (fail), .51 a CNAME loop (temperror), .52/.53 names under blackhole.example,
    which the test sends to a server that never answers (pass wins / temperror)."""
    v4, v6 = IPREV_V4, IPREV_V6
    eleven = [f"n{i:02d}" for i in range(11)]
    forward = ["$ORIGIN iprev.example.", "$TTL 300", soa.strip(),
               f"mail A {v4.format(44)}", f"mail AAAA {v6.format(25)}",
               f"other A {v4.format(99)}", f"other AAAA {v6.format(99)}",
               f"host49 A {v4.format(49)}", "cname49 CNAME host49",
               "loop1 CNAME loop2", "loop2 CNAME loop1", f"host52 A {v4.format(52)}"]
    for i, name in enumerate(eleven):
        last = {10: 47, 3: 48}.get(i, 99)
        forward.append(f"{name} A {v4.format(last)}")
        forward.append(f"{name} AAAA {v6.format(last)}")
    soa_ptr = "@ SOA ns.plain.example. hostmaster.plain.example. 1 3600 600 86400 300\n" \
              "@ NS ns.plain.example."
    common = [("44", "PTR mail.iprev.example."), ("45", "PTR other.iprev.example.")]
    common += [(h, f"PTR {n}.iprev.example.") for h in ("47", "48") for n in eleven]
    v4_records = common + [
        ("49", "CNAME 49.0-63"), ("50", "PTR 50.33.22.11.in-addr.arpa."),
        ("51", "PTR loop1.iprev.example."),
        ("52", "PTR host52.iprev.example."), ("52", "PTR host52.blackhole.example."),
        ("53", "PTR host53.blackhole.example.")]
    v6_records = [("25" if h == "44" else h, rdata) for h, rdata in common]
    zone4, text4 = iprev_reverse(v4, soa_ptr, v4_records)
    text4 += "49.0-63 PTR cname49.iprev.example.\n"
    zone6, text6 = iprev_reverse(v6, soa_ptr, v6_records)
    return {"iprev.example": "\n".join(forward) + "\n", zone4: text4, zone6: text6}


def run_tool(args, cwd):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise FixtureError(f"{' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def sign_zone(directory, zone, path, algorithm="ECDSAP256SHA256", bits=None):
    """Sign `path` with a fresh KSK; returns the key's base name."""
    size = ["-b", str(bits)] if bits else []
    base = run_tool(["ldns-keygen", "-a", algorithm] + size + ["-k", zone], directory).strip()
    now = datetime.datetime.now(datetime.timezone.utc)
    inception = (now - datetime.timedelta(hours=1)).strftime("%Y%m%d%H%M%S")
    expiration = (now + datetime.timedelta(days=30)).strftime("%Y%m%d%H%M%S")
    run_tool(["ldns-signzone", "-i", inception, "-e", expiration, "-o", zone + ".",
              "-f", path + ".signed", path, base], directory)
    return base


def corrupt_rrsig(path, owner, covered):
    """Flip one character of the signature of the RRSIG covering `covered` at `owner`."""
    pattern = re.compile(rf"^{re.escape(owner)}\s+\d+\s+IN\s+RRSIG\s+{covered}\s")
    with open(path) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if pattern.match(line):
            fields = line.split()
            signature = fields[-1]
            fields[-1] = ("B" if signature[0] == "A" else "A") + signature[1:]
            lines[i] = " ".join(fields)
            break
    else:
        raise FixtureError(f"no RRSIG {covered} at {owner} in {path}")
    with open(path, "w") as f:
        f.write("\n".join(lines))


# check.example: what tests/integration/enma_check_test.cpp checks enma-check against. SPF
# allows 198.18.3.25 only; ADSP says dkim=all; sel._domainkey holds the public half of an RSA
# key made at start (openssl), whose private half the test signs with (dkimpy).
def check_zone_text(directory):
    """The check.example zone and the path of the DKIM private key it publishes."""
    key = os.path.join(directory, "check-dkim.pem")
    run_tool(["openssl", "genrsa", "-traditional", "-out", key, "2048"], directory)
    result = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                            cwd=directory, capture_output=True)
    if result.returncode != 0:
        raise FixtureError(f"openssl pkey failed: {result.stderr.decode(errors='replace')}")
    der = result.stdout
    public = base64.b64encode(der).decode()
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    text = ("$ORIGIN check.example.\n$TTL 300\n" + soa +
            "@ MX 10 mail\nmail A 198.18.3.25\n"
            '@ TXT "v=spf1 ip4:198.18.3.25 -all"\n'
            '_adsp._domainkey TXT "dkim=all"\n'
            f'sel._domainkey TXT {split_strings("v=DKIM1; k=rsa; p=" + public)}\n')
    return text, key, public


# dmarctest.: a top-level zone of its own, so that DMARC's tree walk ends at a name NSD
# answers (tests/integration/dmarc_test.cpp). org.dmarctest publishes p=reject, sp=quarantine,
# np=reject and rua=; strict. uses aspf=s; testing. t=y; psd. is a Public Suffix Domain (psd=y);
# twice. has two DMARC records; relaxed SPF passes for bounce.org from 198.18.5.25; the DKIM
# key of check.example is published for org.dmarctest too.
# example.co.uk.: DMARC under a multi-label public suffix, for dmarc_crosscheck.py (PSL mode
# only: the tree walk would ask _dmarc.co.uk, which this NSD does not serve).
def crosscheck_zone_text():
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    spf = '"v=spf1 ip4:198.18.5.25 -all"'
    return ("$ORIGIN example.co.uk.\n$TTL 300\n" + soa +
            f"@ TXT {spf}\nbounce TXT {spf}\nnews MX 10 mail\nmail A 198.18.5.25\n"
            '_dmarc TXT "v=DMARC1; p=reject; sp=quarantine"\n'
            f"strict TXT {spf}\nbounce.strict TXT {spf}\n"
            '_dmarc.strict TXT "v=DMARC1; p=reject; aspf=s"\n')


def dmarc_zone_text(public):
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    spf = '"v=spf1 ip4:198.18.5.25 -all"'
    return ("$ORIGIN dmarctest.\n$TTL 300\n" + soa +
            f"org MX 10 mail.org\nmail.org A 198.18.5.25\norg TXT {spf}\n"
            f"bounce.org TXT {spf}\nnews.org MX 10 mail.org\n"
            '_dmarc.org TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; '
            'rua=mailto:agg@org.dmarctest"\n'
            f'sel._domainkey.org TXT {split_strings("v=DKIM1; k=rsa; p=" + public)}\n'
            f"strict TXT {spf}\nbounce.strict TXT {spf}\n"
            '_dmarc.strict TXT "v=DMARC1; p=reject; aspf=s"\n'
            f"testing TXT {spf}\n"
            '_dmarc.testing TXT "v=DMARC1; p=reject; t=y"\n'
            '_dmarc.psd TXT "v=DMARC1; p=reject; psd=y"\nmember.psd MX 10 mail.org\n'
            '_dmarc.twice TXT "v=DMARC1; p=reject"\n_dmarc.twice TXT "v=DMARC1; p=none"\n'
            "twice MX 10 mail.org\n"
            # enma-report --failure-report (enma_report_test.py): fo=1, one ruf inside the
            # domain and one at plain.example, which does not authorise it.
            '_dmarc.ruf TXT "v=DMARC1; p=quarantine; fo=1; '
            'ruf=mailto:ruf@ruf.dmarctest,mailto:ext@plain.example"\n'
            "ruf MX 10 mail.org\n")


# interop.example: what tests/integration/interop_test.cpp checks OpenDKIM's signatures against
# (tests/integration/interop_sign.py). SPF allows 198.18.4.25 only; rsa2048, rsa1024 and
# ed25519._domainkey hold the public halves of keys made at start (openssl).
def public_key_der(directory, key):
    result = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                            cwd=directory, capture_output=True)
    if result.returncode != 0:
        raise FixtureError(f"openssl pkey failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def interop_zone_text(directory):
    """The interop.example zone and the ENMA_IT_INTEROP_* variables naming its private keys."""
    keys = {}
    records = ""
    for selector, generate in (("rsa2048", ["genrsa", "-traditional", "2048"]),
                               ("rsa1024", ["genrsa", "-traditional", "1024"]),
                               ("ed25519", ["genpkey", "-algorithm", "ed25519"])):
        key = os.path.join(directory, f"interop-{selector}.pem")
        run_tool(["openssl"] + generate[:1] + ["-out", key] + generate[1:], directory)
        der = public_key_der(directory, key)
        if selector == "ed25519":
            record = "v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:]).decode()
        else:
            record = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
        records += f"{selector}._domainkey TXT {split_strings(record)}\n"
        keys[f"ENMA_IT_INTEROP_{selector.upper()}_KEY"] = key
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    text = ("$ORIGIN interop.example.\n$TTL 300\n" + soa +
            "@ MX 10 mail\nmail A 198.18.4.25\n"
            '@ TXT "v=spf1 ip4:198.18.4.25 -all"\n' + records)
    return text, keys


# arc.example: ARC chains sealed by dkimpy (tests/integration/arc_test.py) verify against it.
def arc_zone_text(directory):
    """The arc.example zone and the ENMA_IT_ARC_* variables naming its private keys."""
    keys = {}
    records = ""
    for hop in ("hop1", "hop2", "hop3"):
        key = os.path.join(directory, f"arc-{hop}.pem")
        run_tool(["openssl", "genrsa", "-out", key, "-traditional", "2048"], directory)
        record = "v=DKIM1; k=rsa; p=" + base64.b64encode(public_key_der(directory, key)).decode()
        records += f"sel._domainkey.{hop} TXT {split_strings(record)}\n"
        keys[f"ENMA_IT_ARC_{hop.upper()}_KEY"] = key
    soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    text = ("$ORIGIN arc.example.\n$TTL 300\n" + soa +
            'author TXT "v=spf1 ip4:198.18.7.25 -all"\n'
            '_dmarc.author TXT "v=DMARC1; p=reject"\n' + records)
    return text, keys


def build_zones(directory):
    """Write and sign every zone; returns (zone files by name, anchor facts)."""
    files = {}
    for zone, text in zone_texts().items():
        path = os.path.join(directory, zone + ".zone")
        with open(path, "w") as f:
            f.write(text)
        files[zone] = path
    signed_key = sign_zone(directory, "signed.example", files["signed.example"])
    broken_key = sign_zone(directory, "broken.example", files["broken.example"])
    files["signed.example"] += ".signed"
    files["broken.example"] += ".signed"
    corrupt_rrsig(files["broken.example"], "www.broken.example.", "A")
    check_text, check_key, check_public = check_zone_text(directory)
    zones = (("check.example", check_text), ("dmarctest", dmarc_zone_text(check_public)),
             ("example.co.uk", crosscheck_zone_text()))
    for zone, text in zones:
        files[zone] = os.path.join(directory, zone + ".zone")
        with open(files[zone], "w") as f:
            f.write(text)
    interop_text, interop_keys = interop_zone_text(directory)
    files["interop.example"] = os.path.join(directory, "interop.example.zone")
    with open(files["interop.example"], "w") as f:
        f.write(interop_text)
    arc_text, arc_keys = arc_zone_text(directory)
    files["arc.example"] = os.path.join(directory, "arc.example.zone")
    with open(files["arc.example"], "w") as f:
        f.write(arc_text)
    with open(os.path.join(directory, signed_key + ".ds")) as f:
        signed_ds = " ".join(f.read().split())
    anchors = {"ENMA_IT_SIGNED_DS": signed_ds,
               "ENMA_IT_BROKEN_KEY_FILE": os.path.join(directory, broken_key + ".key"),
               "ENMA_IT_DKIM_KEY": check_key}
    anchors.update(interop_keys)
    anchors.update(arc_keys)
    return files, anchors


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 right now (NSD binds both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise FixtureError("no free port on 127.0.0.1")


def nsd_config(directory, port, files, server_lines=""):
    zones = "".join(f"zone:\n  name: {zone}\n  zonefile: {path}\n"
                    for zone, path in files.items())
    return (f'server:\n  ip-address: 127.0.0.1\n  port: {port}\n  username: ""\n{server_lines}'
            f'  chroot: ""\n  zonesdir: "{directory}"\n  database: ""\n'
            f'  pidfile: "{directory}/nsd.pid"\n  logfile: "{directory}/nsd.log"\n'
            f'  xfrdfile: "{directory}/xfrd.state"\n  xfrdir: "{directory}"\n'
            f'  zonelistfile: "{directory}/zone.list"\n  verbosity: 2\n'
            f"  server-count: 1\n  reuseport: no\n  hide-version: yes\n"
            f"remote-control:\n  control-enable: no\n" + zones)


def dns_query(name, qtype, qid):
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(label)]) + label.encode()
                      for label in name.rstrip(".").split("."))
    return header + labels + b"\0" + struct.pack("!HH", qtype, 1)


def answers_soa(port, zone):
    """True if the server on `port` answers SOA `zone` with NOERROR and one answer."""
    qid = random.randrange(65536)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        try:
            sock.sendto(dns_query(zone, 6, qid), ("127.0.0.1", port))
            reply = sock.recv(4096)
        except OSError:
            return False
    if len(reply) < 12:
        return False
    rid, flags, _, ancount = struct.unpack("!HHHH", reply[:8])
    return rid == qid and flags & 0x000F == 0 and ancount >= 1


def wait_until_serving(process, port, zones, log_path, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if all(answers_soa(port, zone) for zone in zones):
            return True
        time.sleep(0.1)
    log = open(log_path).read() if os.path.exists(log_path) else "(no log)"
    raise FixtureError(f"NSD on port {port} did not serve every zone within {timeout} s:\n{log}")


def start_nsd(directory, files, port=None, server_lines=""):
    """Start NSD on a free port, retrying if another process grabbed the port first.

    With `port` (bench/dns.py: 53 in its own network namespace), on that port, tried once.
    `server_lines`: more "  name: value" lines for nsd.conf's server clause.
    """
    nsd = shutil.which("nsd") or "/usr/sbin/nsd"
    if not os.path.exists(nsd):
        raise FixtureError("nsd is not installed (Debian package nsd)")
    conf = os.path.join(directory, "nsd.conf")
    log_path = os.path.join(directory, "nsd.log")
    fixed = port
    for _ in range(1 if fixed else 5):
        port = fixed or free_port()
        with open(conf, "w") as f:
            f.write(nsd_config(directory, port, files, server_lines))
        checkconf = shutil.which("nsd-checkconf")
        if checkconf:
            run_tool([checkconf, conf], directory)
        with open(os.path.join(directory, "nsd.out"), "a") as output:
            process = subprocess.Popen([nsd, "-d", "-c", conf], stdout=output, stderr=output)
        try:
            if wait_until_serving(process, port, files.keys(), log_path):
                return process, port
        except FixtureError:
            stop(process)
            raise
        # It exited: most likely another process took the port in between; try another.
    log = open(log_path).read() if os.path.exists(log_path) else ""
    raise FixtureError(f"NSD would not start:\n{log}")


def start_proxy(nsd_port, log_path):
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "dns_proxy.py"), "--upstream-port", str(nsd_port),
         "--delay-ms", str(DELAY_MS), "--log", log_path], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line:
        raise FixtureError("dns_proxy.py did not start")
    return process, json.loads(line)


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_all(directory):
    """Returns (processes, environment) with NSD and the proxy running."""
    files, anchors = build_zones(directory)
    processes = []
    nsd, nsd_port = start_nsd(directory, files)
    processes.append(nsd)
    proxy_log = os.path.join(directory, "proxy.log")
    proxy, ports = start_proxy(nsd_port, proxy_log)
    processes.append(proxy)
    env = dict(anchors, ENMA_IT_NSD_PORT=str(nsd_port), ENMA_IT_DIR=directory,
               ENMA_IT_PROXY_LOG=proxy_log,
               ENMA_IT_PROXY_PORT=str(ports["delay_port"]),
               ENMA_IT_BLACKHOLE_PORT=str(ports["blackhole_port"]))
    return processes, env


def main(argv):
    if len(argv) < 2 or argv[1] not in ("run", "serve") or \
            (argv[1] == "run" and (len(argv) < 4 or argv[2] != "--")):
        print(__doc__ or "usage: fixture.py run -- COMMAND... | fixture.py serve", file=sys.stderr)
        return 2
    directory = tempfile.mkdtemp(prefix="enma-it-")
    processes = []
    try:
        processes, env = start_all(directory)
        if argv[1] == "serve":
            for key, value in sorted(env.items()):
                print(f"export {key}='{value}'", flush=True)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
            return 0
        return subprocess.run(argv[3:], env=dict(os.environ, **env)).returncode
    except FixtureError as error:
        print(f"integration fixture FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes):
            stop(process)
        if os.environ.get("ENMA_IT_KEEP"):
            print(f"fixture directory kept: {directory}", file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
