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
# Needs python3-dkim (Debian), hence /usr/bin/python3, and openssl.
import argparse
import base64
import os
import random
import subprocess
import sys

import dkim

DOMAIN = "bench.example"
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


def message_bytes(index, size, rng):
    headers = (f"From: Bench User <user@{DOMAIN}>\r\n"
               f"To: postmaster@{DOMAIN}\r\n"
               f"Subject: benchmark message {index}\r\n"
               "Date: Fri, 27 Nov 2026 12:00:00 +0000\r\n"
               f"Message-ID: <bench-{index}-{size}@{DOMAIN}>\r\n"
               "MIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=us-ascii\r\n")
    head_size = len(headers) + 2
    return (headers + "\r\n" + body_text(max(size - head_size, 0), rng)).encode()


def sign(message, keys, signatures):
    for selector in SELECTORS[:signatures]:
        with open(os.path.join(keys, selector + ".pem"), "rb") as f:
            private = f.read()
        field = dkim.sign(message, selector.encode(), DOMAIN.encode(), private,
                          canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)
        message = field + message
    return message


ENVELOPE = ("client_addr 198.18.0.25\nclient_name mail.bench.example\n"
            "helo mail.bench.example\nmail_from user@bench.example\n"
            "rcpt postmaster@bench.example\n")


def main():
    parser = argparse.ArgumentParser(description="make the benchmark corpus")
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=20)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
