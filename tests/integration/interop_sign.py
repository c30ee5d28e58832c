#!/usr/bin/python3
# interop_sign.py - the DKIM interoperability corpus (OpenDKIM and dkimpy), made at test time.
#
#   interop_sign.py sign OUTDIR RSA2048_KEY RSA1024_KEY ED25519_KEY
#       Runs Debian's `opendkim` as a signing milter (one instance per canonicalization and
#       algorithm, on unix sockets in OUTDIR) and drives it with the small milter client below,
#       the way an MTA would: CONNECT from 127.0.0.1 (an InternalHost), MAIL, RCPT, one HEADER
#       per field (values with their leading space, SMFIP_HDR_LEADSPC, folds as LF), EOH, the
#       body with CRLF line ends, EOM. The DKIM-Signature fields OpenDKIM inserts are written
#       above the message. For every case NAME in CASES it writes OUTDIR/NAME.eml and tampered
#       copies NAME.header.eml (a signed header changed), NAME.body.eml (the body changed) and,
#       for l= cases, NAME.append.eml (text after l=) and NAME.cut.eml (body shorter than l=);
#       and mislabelled.eml, an RSA key signing under SignatureAlgorithm ed25519-sha256.
#       Keys live at rsa2048/rsa1024/ed25519._domainkey.interop.example (fixture.py).
#   interop_sign.py dkimpy-sign OUTDIR RSA2048_KEY RSA1024_KEY ED25519_KEY
#       The same case list signed by dkimpy (Debian python3-dkim) with the same keys, plus
#       "three" (three signatures, three c=) and "identity" (i= on a subdomain); the same
#       tampered copies (dkimpy_cases; docs/dkim.md, "The dkimpy half").
#   interop_sign.py dkimpy NSD_PORT FILE...
#       Verifies each FILE with dkimpy (Debian python3-dkim), the keys read from NSD on
#       127.0.0.1 over TCP (python3-dnspython); prints "FILE: pass fail ..." per file, one word
#       per DKIM-Signature, top first.
#   interop_sign.py opendkim NSD_PORT FILE...
#       The same with OpenDKIM itself as the verifier (`opendkim` in Mode v, its libunbound
#       forwarding interop.example to NSD), read from the Authentication-Results it adds
#       ("none" when it adds no dkim= result).
#
# Found with OpenDKIM 2.11.0~beta2 (Debian 12), see docs/dkim.md: Ed25519 signatures made with
# simple header canonicalization verify nowhere, OpenDKIM included; under relaxed body
# canonicalization a last line without CRLF gets no CRLF in the body hash (RFC 6376 3.4.4 adds
# one), and is not signed at all unless it ends in whitespace (UNSIGNED).
#
# OpenDKIM takes the signing algorithm from its configuration, not from the key: an RSA key
# under `SignatureAlgorithm ed25519-sha256` yields a=ed25519-sha256 with an RSA signature. So
# an RSA + Ed25519 message passes through the rsa-sha256 instance, then the ed25519 one, as
# it would through two signing MTAs.
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

DOMAIN = "interop.example"
SMFIP_HDR_LEADSPC = 0x100000

# Who signs: the From address picks the keys (SigningTable). "two" gets both RSA keys, "mixed"
# an RSA signature (rsa instance) and an Ed25519 one (ed25519 instance).
RSA_TABLE = {"rsa": ["rsa2048"], "small": ["rsa1024"], "two": ["rsa2048", "rsa1024"],
             "mixed": ["rsa2048"]}
ED_TABLE = {"ed": ["ed25519"], "mixed": ["ed25519"]}

HELLO = b"Hello from OpenDKIM.\r\nSecond line.\r\n"
SPACES = b"Spaced  \t out   line \t\r\n\r\n\tindented\r\n\r\n\r\n"
EIGHT_BIT = "Grüße, 日本語 and \u00e9\r\n".encode() + b"Latin-1 \xe9\xe8 bytes\r\n"


# OpenDKIM 2.11.0~beta2 accepts these messages but adds no signature: relaxed body
# canonicalization of a last line without CRLF that does not end in whitespace.
UNSIGNED = [("relaxed/relaxed", b"no final CRLF"), ("simple/relaxed", b"x\r\nno final CRLF")]


def header(name, value):
    return (name, value)


def base_headers(user, subject=b" OpenDKIM interop"):
    return [header(b"From", b" User <" + user.encode() + b"@" + DOMAIN.encode() + b">"),
            header(b"To", b" rcpt@example.net"),
            header(b"Subject", subject),
            header(b"Date", b" Fri, 27 Nov 2026 20:00:00 +0000"),
            header(b"Message-ID", b" <" + user.encode() + b".1@interop.example>")]


# name: (From user, canonicalization, headers, body, options)
# options: "lf" - the file handed to verifiers has LF line ends only;
#          "l" - a recipient in BodyLengthDB, so the signature carries l=.
def cases():
    c = {}
    for canon in ("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"):
        tag = canon.replace("/", "-")
        c[f"rsa-{tag}"] = ("rsa", canon, base_headers("rsa"), HELLO + SPACES, ())
        c[f"ed25519-{tag}"] = ("ed", canon, base_headers("ed"), HELLO + SPACES, ())
        c[f"l-{tag}"] = ("rsa", canon, base_headers("rsa"), HELLO, ("l",))
    folded = base_headers("rsa", b" a subject\n\tfolded  over\n   three lines")
    folded += [header(b"Received", b" from a by b;\n\tFri, 27 Nov 2026 19:59:00 +0000"),
               header(b"Received", b" from c by d; Fri, 27 Nov 2026 19:58:00 +0000"),
               header(b"Cc", b" one@example.net"), header(b"Cc", b"  two@example.net  "),
               header(b"Reply-To", b"\tback@interop.example")]
    for canon in ("simple/simple", "relaxed/relaxed"):
        tag = canon.replace("/", "-")
        c[f"folded-{tag}"] = ("rsa", canon, folded, HELLO, ())
        c[f"two-{tag}"] = ("two", canon, base_headers("two"), HELLO, ())
        c[f"mixed-{tag}"] = ("mixed", canon, base_headers("mixed"), HELLO, ())
        c[f"8bit-{tag}"] = ("rsa", canon, base_headers("rsa", " Grüße 8-bit".encode()),
                            EIGHT_BIT, ())
        c[f"empty-{tag}"] = ("rsa", canon, base_headers("rsa"), b"", ())
        # Under relaxed body canonicalization OpenDKIM signs an unterminated last line only if
        # it ends in whitespace (see UNSIGNED); that is also where verifiers have differed.
        last = b"no final CRLF" if canon == "simple/simple" else b"no final CRLF \t"
        c[f"unterminated-{tag}"] = ("rsa", canon, base_headers("rsa"), last, ())
        c[f"lf-{tag}"] = ("rsa", canon, folded, HELLO + SPACES, ("lf",))
        c[f"rsa1024-{tag}"] = ("small", canon, base_headers("small"), HELLO, ())
    return c


def packet(command, data=b""):
    return struct.pack("!I", len(data) + 1) + command + data


class MilterClient:
    """The MTA side of the milter protocol (version 6), enough to have a message signed."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.sock.sendall(packet(b"O", struct.pack("!III", 6, 0x1FF, SMFIP_HDR_LEADSPC)))
        command, data = self.read()
        if command != b"O":
            raise RuntimeError(f"option negotiation answered {command!r}")
        protocol = struct.unpack("!III", data[:12])[2]
        if not protocol & SMFIP_HDR_LEADSPC:
            raise RuntimeError("the milter did not take SMFIP_HDR_LEADSPC")

    def close(self):
        self.sock.sendall(packet(b"Q"))
        self.sock.close()

    def recv(self, size):
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise RuntimeError("the milter closed the connection")
            data += chunk
        return data

    def read(self):
        (size,) = struct.unpack("!I", self.recv(4))
        data = self.recv(size)
        return data[:1], data[1:]

    def step(self, command, data=b""):
        """Send one command; returns (final reply, modification requests)."""
        self.sock.sendall(packet(command, data))
        changes = []
        while True:
            reply, body = self.read()
            if reply == b"p":
                continue
            if reply in (b"h", b"i", b"m"):
                changes.append((reply, body))
                continue
            if reply not in (b"c", b"a"):
                raise RuntimeError(f"the milter answered {reply!r} to {command!r}")
            return reply, changes


def z(text):
    return text + b"\0"


def milter_sign(socket_path, sender, headers, body, rcpt):
    """Headers with the fields the milter inserted or added, in order."""
    client = MilterClient(socket_path)
    try:
        client.step(b"C", z(b"localhost") + b"4" + struct.pack("!H", 25) + z(b"127.0.0.1"))
        client.step(b"H", z(b"localhost"))
        client.step(b"M", z(b"<" + sender + b">"))
        client.step(b"R", z(b"<" + rcpt + b">"))
        for name, value in headers:
            client.step(b"L", z(name) + z(value))
        client.step(b"N")
        for i in range(0, len(body), 65535):
            client.step(b"B", body[i:i + 65535])
        _, changes = client.step(b"E")
    finally:
        client.close()
    result = list(headers)
    for kind, data in changes:
        if kind == b"i":
            index = struct.unpack("!I", data[:4])[0]
            name, value = data[4:].split(b"\0")[:2]
            result.insert(index, (name, value))
        elif kind == b"h":
            name, value = data.split(b"\0")[:2]
            result.append((name, value))
        else:
            raise RuntimeError(f"unexpected change request {kind!r}")
    return result


class OpenDkim:
    """One `opendkim -f` instance: signing for a canonicalization and an algorithm, or (keys
    None) verifying with keys from NSD on 127.0.0.1:nsd_port (its libunbound forwards there)."""

    def __init__(self, directory, name, canon, algorithm, table, keys, nsd_port=None):
        self.socket = os.path.join(directory, name + ".sock")
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        conf = os.path.join(directory, name + ".conf")
        if keys is None:
            self.verifier(directory, name, conf, nsd_port)
        else:
            self.signer(directory, name, conf, canon, algorithm, table, keys)
        self.log = open(os.path.join(directory, name + ".log"), "w")
        self.process = subprocess.Popen(["/usr/sbin/opendkim", "-f", "-l", "-x", conf],
                                        stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"opendkim did not start; see {self.log.name}")
            time.sleep(0.05)

    def verifier(self, directory, name, conf, nsd_port):
        unbound = os.path.join(directory, name + ".unbound")
        with open(unbound, "w") as f:
            f.write("server:\n  do-not-query-localhost: no\nforward-zone:\n"
                    f'  name: "{DOMAIN}"\n  forward-addr: 127.0.0.1@{nsd_port}\n')
        with open(conf, "w") as f:
            f.write(f"Mode v\nSyslog no\nSocket local:{self.socket}\n"
                    f"PidFile {directory}/{name}.pid\nResolverConfiguration {unbound}\n"
                    "AuthservID mx.test\nAlwaysAddARHeader yes\n")

    def signer(self, directory, name, conf, canon, algorithm, table, keys):
        with open(os.path.join(directory, name + ".keys"), "w") as f:
            for selector, path in keys.items():
                f.write(f"{selector} {DOMAIN}:{selector}:{path}\n")
        with open(os.path.join(directory, name + ".signers"), "w") as f:
            for user, selectors in table.items():
                for selector in selectors:
                    f.write(f"{user}@{DOMAIN} {selector}\n")
        with open(os.path.join(directory, "lists"), "w") as f:
            f.write("*@lists.example\n")
        with open(conf, "w") as f:
            f.write(f"Mode s\nSyslog no\nSocket local:{self.socket}\n"
                    f"PidFile {directory}/{name}.pid\nRequireSafeKeys no\n"
                    f"Canonicalization {canon}\nSignatureAlgorithm {algorithm}\n"
                    f"KeyTable file:{directory}/{name}.keys\n"
                    f"SigningTable refile:{directory}/{name}.signers\nMultipleSignatures yes\n"
                    f"BodyLengthDB refile:{directory}/lists\n"
                    "OversignHeaders From\nInternalHosts 127.0.0.1\n")

    def terminate(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self):
        """Wait for the end (libmilter takes up to 5 s: terminate every instance first)."""
        self.terminate()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def render(headers, body, lf):
    text = b""
    for name, value in headers:
        if name.lower() == b"dkim-signature" and not value.startswith((b" ", b"\t")):
            value = b" " + value
        text += name + b":" + value.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n"
    text += b"\r\n" + body
    return text.replace(b"\r\n", b"\n") if lf else text


def tampered(name, signed, body, options, out):
    """Write the tampered copies of a signed message."""
    split = signed.index(b"\n\n" if "lf" in options else b"\r\n\r\n")
    top, rest = signed[:split], signed[split:]
    at = top.index(b"\nSubject:") + len(b"\nSubject: ")
    write(out, name + ".header", top[:at] + b"X" + top[at + 1:] + rest)
    changed = rest + b"tampered\r\n" if not body else rest.replace(body[:1], b"J", 1)
    if body[:1] == b"J":
        raise RuntimeError("a body must not start with J")
    write(out, name + ".body", top + changed)
    if "l" in options:
        write(out, name + ".append", signed + b"Appended below the signed part.\r\n")
        write(out, name + ".cut", signed[:-len(b"Second line.\r\n")])


def write(out, name, data):
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data)


def sign_all(out, keys):
    instances = {}

    def instance(canon, algorithm):
        key = (canon, algorithm)
        if key not in instances:
            name = f"{algorithm.split('-')[0]}-{canon.replace('/', '-')}"
            rsa = algorithm == "rsa-sha256"
            own = {s: p for s, p in keys.items() if (s != "ed25519") == rsa}
            instances[key] = OpenDkim(out, name, canon, algorithm,
                                      RSA_TABLE if rsa else ED_TABLE, own)
        return instances[key]

    try:
        for name, (user, canon, headers, body, options) in cases().items():
            sender = f"{user}@{DOMAIN}".encode()
            rcpt = b"list@lists.example" if "l" in options else b"rcpt@example.net"
            result = headers
            for algorithm, table in (("rsa-sha256", RSA_TABLE), ("ed25519-sha256", ED_TABLE)):
                if user in table:
                    result = milter_sign(instance(canon, algorithm).socket, sender, result,
                                         body, rcpt)
            if len(result) == len(headers):
                raise RuntimeError(f"{name}: OpenDKIM added no signature")
            signed = render(result, body, "lf" in options)
            write(out, name, signed)
            tampered(name, signed, body, options, out)
        # An RSA key under SignatureAlgorithm ed25519-sha256: a=ed25519-sha256, RSA signature.
        mislabel = OpenDkim(out, "mislabel", "relaxed/relaxed", "ed25519-sha256",
                            {"rsa": ["rsa2048"]}, {"rsa2048": keys["rsa2048"]})
        instances["mislabel"] = mislabel
        result = milter_sign(mislabel.socket, f"rsa@{DOMAIN}".encode(), base_headers("rsa"),
                             HELLO, b"rcpt@example.net")
        write(out, "mislabelled", render(result, HELLO, False))
        for canon, body in UNSIGNED:
            sender = f"rsa@{DOMAIN}".encode()
            result = milter_sign(instance(canon, "rsa-sha256").socket, sender,
                                 base_headers("rsa"), body, b"rcpt@example.net")
            if len(result) != len(base_headers("rsa")):
                raise RuntimeError(f"OpenDKIM now signs {body!r} under {canon}: "
                                   "update UNSIGNED, the corpus and docs/dkim.md")
    finally:
        for process in instances.values():
            process.terminate()
        for process in instances.values():
            process.stop()


# The dkimpy half: the same cases, signed by dkimpy (Debian python3-dkim) with the same keys.
# Who signs, in order (each new signature goes on top, as with OpenDKIM): the From user picks it.
DKIMPY_SIGNERS = {"rsa": ["rsa2048"], "small": ["rsa1024"], "two": ["rsa2048", "rsa1024"],
                  "mixed": ["rsa2048", "ed25519"], "ed": ["ed25519"],
                  "three": ["rsa2048", "ed25519", "rsa1024"]}
# Folded and repeated headers, all signed: Received twice (dkimpy leaves it out by default),
# Cc twice plus once more than it occurs and Reply-To, From over-signed (dkimpy's FROZEN).
FOLDED_H = [b"from", b"to", b"subject", b"date", b"message-id", b"received", b"received",
            b"cc", b"cc", b"cc", b"reply-to", b"from"]


def dkimpy_cases():
    """name: (From user, canonicalization, headers, body, options, dkimpy sign() arguments)."""
    c = {}
    for name, (user, canon, headers, body, options) in cases().items():
        extra = {}
        if name.startswith(("folded-", "lf-")):
            extra["include_headers"] = FOLDED_H
        if name.startswith("unterminated-"):
            # dkimpy keeps one space of an unterminated last line's trailing WSP under relaxed
            # body canonicalization (RFC 6376 3.4.4 drops it): none here (docs/dkim.md).
            body = b"no final CRLF"
        if "l" in options:
            extra["length"] = True
        c[name] = (user, canon, headers, body, options, extra)
    # Three signatures, each with its own c=; i= on a subdomain of d=.
    c["three"] = ("three", ["simple/simple", "relaxed/simple", "simple/relaxed"],
                  base_headers("three", b" dkimpy three"), HELLO + SPACES, (), {})
    c["identity"] = ("rsa", "relaxed/relaxed", base_headers("rsa"), HELLO, (),
                     {"identity": b"user@mail." + DOMAIN.encode()})
    return c


def dkimpy_key(path):
    """What dkimpy's sign() takes: PEM for RSA, the base64 seed for Ed25519."""
    from cryptography.hazmat.primitives import serialization
    with open(path, "rb") as f:
        pem = f.read()
    key = serialization.load_pem_private_key(pem, password=None)
    if not hasattr(key, "key_size"):
        import base64
        return base64.b64encode(key.private_bytes(serialization.Encoding.Raw,
                                                  serialization.PrivateFormat.Raw,
                                                  serialization.NoEncryption()))
    return pem


def dkimpy_sign_all(out, keys):
    import dkim
    secrets = {selector: dkimpy_key(path) for selector, path in keys.items()}
    for name, (user, canon, headers, body, options, extra) in dkimpy_cases().items():
        message = render(headers, body, False)
        canons = canon if isinstance(canon, list) else [canon] * len(DKIMPY_SIGNERS[user])
        for selector, one in zip(DKIMPY_SIGNERS[user], canons):
            signer = dkim.DKIM(message, signature_algorithm=b"ed25519-sha256"
                               if selector == "ed25519" else b"rsa-sha256")
            signer.should_not_sign.discard(b"received")
            field = signer.sign(selector.encode(), DOMAIN.encode(), secrets[selector],
                                canonicalize=tuple(x.encode() for x in one.split("/")),
                                **extra)
            message = field + message
        signed = message.replace(b"\r\n", b"\n") if "lf" in options else message
        write(out, name, signed)
        tampered(name, signed, body, options, out)


def dkimpy_verify(port, paths):
    """For each file, "FILE: RESULT..." with "pass" or "fail" per DKIM-Signature, top first."""
    import dkim
    import dns.message
    import dns.query

    def lookup(name, timeout=5):
        query = dns.message.make_query(name.decode().rstrip("."), "TXT")
        answer = dns.query.tcp(query, "127.0.0.1", port=port, timeout=timeout)
        for rrset in answer.answer:
            for record in rrset:
                return b"".join(record.strings)
        return None

    for path in paths:
        with open(path, "rb") as f:
            verifier = dkim.DKIM(f.read())
        count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
        results = []
        for index in range(count):
            try:
                ok = verifier.verify(idx=index, dnsfunc=lookup)
            except dkim.DKIMException:
                ok = False
            results.append(" pass" if ok else " fail")
        print(path + ":" + "".join(results))


def opendkim_verify(port, paths):
    """For each file, "FILE: RESULT..." as OpenDKIM's Authentication-Results reports it."""
    directory = tempfile.mkdtemp(prefix="interop-opendkim-")
    verifier = OpenDkim(directory, "verify", None, None, None, None, port)
    try:
        for path in paths:
            with open(path, "rb") as f:
                text = f.read().replace(b"\r\n", b"\n")
            top, body = text.split(b"\n\n", 1)
            fields = re.findall(rb"(?m)^[^ \t\n][^\n]*\n(?:[ \t][^\n]*\n)*", top + b"\n")
            headers = [tuple(field[:-1].split(b":", 1)) for field in fields]
            result = milter_sign(verifier.socket, b"user@" + DOMAIN.encode(), headers,
                                 body.replace(b"\n", b"\r\n"), b"rcpt@example.net")
            reports = b" ".join(value for name, value in result
                                if name == b"Authentication-Results")
            # "none": OpenDKIM added no dkim= result (nor any Authentication-Results).
            words = re.findall(rb"\bdkim=(\w+)", reports) or [b"none"]
            print(path + ":" + "".join(" " + word.decode() for word in words))
    finally:
        verifier.stop()
        shutil.rmtree(directory, ignore_errors=True)


def main(argv):
    if len(argv) == 6 and argv[1] == "sign":
        os.makedirs(argv[2], exist_ok=True)
        sign_all(argv[2], {"rsa2048": argv[3], "rsa1024": argv[4], "ed25519": argv[5]})
        return 0
    if len(argv) == 6 and argv[1] == "dkimpy-sign":
        os.makedirs(argv[2], exist_ok=True)
        dkimpy_sign_all(argv[2], {"rsa2048": argv[3], "rsa1024": argv[4], "ed25519": argv[5]})
        return 0
    if len(argv) >= 4 and argv[1] == "dkimpy":
        dkimpy_verify(int(argv[2]), argv[3:])
        return 0
    if len(argv) >= 4 and argv[1] == "opendkim":
        opendkim_verify(int(argv[2]), argv[3:])
        return 0
    print("usage: interop_sign.py sign|dkimpy-sign OUTDIR RSA2048 RSA1024 ED25519 | "
          "interop_sign.py dkimpy|opendkim NSD_PORT FILE...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
