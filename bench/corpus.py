#!/usr/bin/python3
# corpus.py - the benchmark messages: DKIM-signed .eml files with their envelopes (.env).
#
#   /usr/bin/python3 bench/corpus.py DIR [--count 20]
#
# Makes three rsa-2048 keys (openssl) and, for each size and signature count, a directory of
# `--count` distinct messages signed with dkimpy (relaxed/relaxed, rsa-sha256):
#   DIR/keys/s1.pem s2.pem s3.pem    private keys of s1/s2/s3._domainkey.bench.example
#   DIR/keys/s1.txt ...              the public halves as DKIM TXT record text
#   DIR/4k-1sig  DIR/4k-3sig  DIR/100k-1sig  DIR/100k-3sig
# Each NAME.eml has a NAME.env beside it (bench/milterload/corpus.hpp documents the keys):
# client 198.18.0.25 (mail.bench.example), MAIL FROM user@bench.example, which SPF and
# Sender ID pass because bench.example's SPF record allows 198.18.0.0/24 (bench/dns.py).
# With --cold N, --worst N and --huge MB it also makes the corpora of the DNS-bound and memory
# scenarios, and DIR/zone-extra.txt: their records, relative to bench.example (bench/dns.py
# appends it to the zone):
#   DIR/cold   N messages, each from its own domain cI.bench.example (SPF record, the s1 key
#              as s1._domainkey.cI, ADSP, DMARC), so every message misses every cache (S3-cold)
#   DIR/worst  N copies of the ENMA paper's worst-case message, each with its own names (S4):
#              MAIL FROM user@wI: "v=spf1 mx:m0.wI ... mx:m9.wI -all", each mJ.wI with 10 MX
#              hosts hK.mJ.wI, each with an A record (1 + 10 + 100 = 111 queries, the client
#              matching none); From: user@pI, "spf2.0/pra" built the same way (111), 10
#              DKIM-Signatures with selectors k0..k9 at pI (10 keys), _adsp._domainkey.pI (1):
#              233 queries per message; and _dmarc.pI "p=reject" for OpenDMARC (which fails
#              it: SPF fails, and it verifies no signature)
#   DIR/huge   one message with a body of MB megabytes, signed once (memory)
#   DIR/arc3   the 4k-1sig messages forwarded through three ARC sealers hop1..hop3.bench.example
#              (dkimpy's arc_sign, selector "arc", keys s1..s3): each hop adds its
#              Authentication-Results (spf, dkim, dmarc pass; arc=pass from the second hop on)
#              and its ARC set, so the chain verifies as arc=pass with i=3 and the DKIM
#              signature still passes
# Cold messages come from clients of their own, 198.18.(1 + I / 250).(1 + I % 250), each with
# a PTR record (DIR/reverse-extra.txt, relative to 18.198.in-addr.arpa) naming mail.cI, whose
# A record maps back (iprev passes, cold).
# Needs python3-dkim (Debian), hence /usr/bin/python3, and openssl.
import argparse
import base64
import os
import random
import subprocess
import sys

import dkim

DOMAIN = "bench.example"
DMARC = "v=DMARC1; p=reject"  # as _dmarc.bench.example's (bench/dns.py)
SELECTORS = ["s1", "s2", "s3"]
SIZES = {"4k": 4 * 1024, "100k": 100 * 1024}
SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                  b"content-type"]
WORDS = ("the quick brown fox jumps over lazy dog mail filter sender domain signature "
         "header body canonical relaxed simple verify result pass").split()


def make_keys(directory):
    """Private PEM and public TXT text per selector; kept if already there."""
    keys = os.path.join(directory, "keys")
    os.makedirs(keys, exist_ok=True)
    for selector in SELECTORS:
        pem = os.path.join(keys, selector + ".pem")
        if not os.path.exists(pem):
            subprocess.run(["openssl", "genrsa", "-traditional", "-out", pem, "2048"],
                           check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        with open(os.path.join(keys, selector + ".txt"), "w") as f:
            f.write("v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode() + "\n")
    return keys


def body_text(size, rng):
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def message_bytes(index, size, rng, author=DOMAIN):
    headers = (f"From: Bench User <user@{author}>\r\n"
               f"To: postmaster@{DOMAIN}\r\n"
               f"Subject: benchmark message {index}\r\n"
               "Date: Fri, 27 Nov 2026 12:00:00 +0000\r\n"
               f"Message-ID: <bench-{index}-{size}@{DOMAIN}>\r\n"
               "MIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=us-ascii\r\n")
    head_size = len(headers) + 2
    return (headers + "\r\n" + body_text(max(size - head_size, 0), rng)).encode()


def sign(message, keys, signatures, domain=DOMAIN, selectors=None, key_of=None):
    for selector in (selectors or SELECTORS[:signatures]):
        with open(os.path.join(keys, (key_of or selector) + ".pem"), "rb") as f:
            private = f.read()
        field = dkim.sign(message, selector.encode(), domain.encode(), private,
                          canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)
        message = field + message
    return message


def envelope(mail_from, client=None):
    text = ENVELOPE.replace("user@bench.example", mail_from)
    if client:
        text = text.replace("198.18.0.25", client[0]).replace("mail.bench.example", client[1])
    return text


def write_message(directory, name, message, mail_from, client=None):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name + ".eml"), "wb") as f:
        f.write(message)
    with open(os.path.join(directory, name + ".env"), "w") as f:
        f.write(envelope(mail_from, client))


def key_text(keys):
    with open(os.path.join(keys, "s1.txt")) as f:
        return " ".join('"' + part + '"' for part in split255(f.read().strip()))


def split255(text):
    return [text[i:i + 255] for i in range(0, len(text), 255)]


def cold_client(index):
    """The client address of cold message `index`, and its PTR owner in 18.198.in-addr.arpa."""
    third, fourth = 1 + index // 250, 1 + index % 250
    return f"198.18.{third}.{fourth}", f"{fourth}.{third}"


def make_cold(directory, keys, count, rng):
    """count messages, one sender domain and one client each: cI.bench.example; returns the
    forward records and the reverse ones."""
    records, reverse = [], []
    key = key_text(keys)
    for index in range(count):
        domain = f"c{index}.{DOMAIN}"
        address, ptr = cold_client(index)
        message = sign(message_bytes(index, 4 * 1024, rng, author=domain), keys, 1,
                       domain=domain, selectors=["s1"], key_of="s1")
        write_message(os.path.join(directory, "cold"), f"m{index:04}", message,
                      f"user@{domain}", client=(address, f"mail.c{index}.{DOMAIN}"))
        records.append(f'c{index} TXT "v=spf1 ip4:198.18.0.0/16 -all"\n'
                       f"mail.c{index} A {address}\n"
                       f"s1._domainkey.c{index} TXT {key}\n"
                       f'_adsp._domainkey.c{index} TXT "dkim=unknown"\n'
                       f'_dmarc.c{index} TXT "{DMARC}"\n')
        reverse.append(f"{ptr} PTR mail.c{index}.{DOMAIN}.\n")
    return records, reverse


def arc_seal(message, hop, keys):
    """One forwarder: its Authentication-Results on top, then its ARC set (dkimpy)."""
    sealer = f"hop{hop}.{DOMAIN}"
    arc = "" if hop == 1 else ";\r\n\tarc=pass"
    results = (f"Authentication-Results: {sealer}; spf=pass smtp.mailfrom=user@{DOMAIN};\r\n"
               f"\tdkim=pass header.d={DOMAIN};\r\n\tdmarc=pass header.from={DOMAIN}{arc}\r\n")
    message = results.encode() + message
    with open(os.path.join(keys, f"s{hop}.pem"), "rb") as f:
        private = f.read()
    fields = dkim.arc_sign(message, b"arc", sealer.encode(), private, sealer.encode(),
                           timestamp=1795780800)
    if not fields:
        raise RuntimeError(f"dkimpy did not seal hop {hop}")
    return b"".join(fields) + message


def make_arc3(directory, keys):
    """The 4k-1sig messages, each sealed by three forwarders in turn."""
    source = os.path.join(directory, "4k-1sig")
    for name in sorted(n[:-4] for n in os.listdir(source) if n.endswith(".eml")):
        with open(os.path.join(source, name + ".eml"), "rb") as f:
            message = f.read()
        for hop in (1, 2, 3):
            message = arc_seal(message, hop, keys)
        write_message(os.path.join(directory, "arc3"), name, message, f"user@{DOMAIN}")


def mx_tree(owner, version):
    """owner's record with 10 mx terms, 10 MX hosts each, every host with an A record."""
    terms = " ".join(f"mx:m{j}.{owner}.{DOMAIN}" for j in range(10))
    records = [f'{owner} TXT "{version} {terms} -all"\n']
    for j in range(10):
        for k in range(10):
            records.append(f"m{j}.{owner} MX {k} h{k}.m{j}.{owner}\n"
                           f"h{k}.m{j}.{owner} A 198.51.{j}.{k + 1}\n")
    return records


def make_worst(directory, keys, count, rng):
    """count worst-case messages (233 queries each), each with its own names."""
    records = []
    key = key_text(keys)
    selectors = [f"k{j}" for j in range(10)]
    for index in range(count):
        author = f"p{index}.{DOMAIN}"
        message = sign(message_bytes(index, 4 * 1024, rng, author=author), keys, 10,
                       domain=author, selectors=selectors, key_of="s1")
        write_message(os.path.join(directory, "worst"), f"m{index:03}", message,
                      f"user@w{index}.{DOMAIN}")
        records += mx_tree(f"w{index}", "v=spf1") + mx_tree(f"p{index}", "spf2.0/pra")
        records += [f"{s}._domainkey.p{index} TXT {key}\n" for s in selectors]
        records.append(f'_adsp._domainkey.p{index} TXT "dkim=unknown"\n'
                       f'_dmarc.p{index} TXT "{DMARC}"\n')
    return records


def make_huge(directory, keys, megabytes, rng):
    """One message with a body of `megabytes` MB (a repeated block: dkimpy is slow on more)."""
    block = body_text(64 * 1024, rng)
    body = block * (megabytes * 16)
    headers = message_bytes(0, 0, rng).split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    message = sign(headers.replace(b"bench-0-0", b"bench-huge") + body.encode(), keys, 1)
    write_message(os.path.join(directory, "huge"), "m000", message, "user@bench.example")


ENVELOPE = ("client_addr 198.18.0.25\nclient_name mail.bench.example\n"
            "helo mail.bench.example\nmail_from user@bench.example\n"
            "rcpt postmaster@bench.example\n")


def main():
    parser = argparse.ArgumentParser(description="make the benchmark corpus")
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--cold", type=int, default=0, help="messages of DIR/cold")
    parser.add_argument("--worst", type=int, default=0, help="messages of DIR/worst")
    parser.add_argument("--huge", type=int, default=0, help="body MB of DIR/huge")
    parser.add_argument("--arc3", type=int, default=1, help="1: make DIR/arc3 (0: don't)")
    args = parser.parse_args()
    keys = make_keys(args.directory)
    rng = random.Random(6)
    for label, size in SIZES.items():
        for signatures in (1, 3):
            out = os.path.join(args.directory, f"{label}-{signatures}sig")
            os.makedirs(out, exist_ok=True)
            for index in range(args.count):
                message = sign(message_bytes(index, size, rng), keys, signatures)
                with open(os.path.join(out, f"m{index:03}.eml"), "wb") as f:
                    f.write(message)
                with open(os.path.join(out, f"m{index:03}.env"), "w") as f:
                    f.write(ENVELOPE)
    if args.arc3:
        make_arc3(args.directory, keys)
    records, reverse = make_cold(args.directory, keys, args.cold, rng)
    records += make_worst(args.directory, keys, args.worst, rng)
    if args.huge:
        make_huge(args.directory, keys, args.huge, rng)
    with open(os.path.join(args.directory, "zone-extra.txt"), "w") as f:
        f.write("".join(records))
    with open(os.path.join(args.directory, "reverse-extra.txt"), "w") as f:
        f.write("".join(reverse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
