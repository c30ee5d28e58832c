#!/usr/bin/env python3
# faulty_dns.py - a misbehaving authoritative server for faults.example. on loopback.
#
#   faulty_dns.py     prints {"port": N, "udp_only_port": M} on stdout once ready
#
# The label right under faults.example. picks the behaviour for every name below it, so an
# SPF record, a DKIM key (sel._domainkey.CASE.faults.example) and the PRA all meet the same
# fault:
#   ok        TXT "v=spf1 ip4:192.0.2.1 -all" at the case name, NODATA elsewhere
#   servfail  RCODE SERVFAIL          refused   RCODE REFUSED
#   timeout   no answer at all        wrongid   the ok answer with the wrong message ID
#   loop      CNAME loop for every name N: N -> a-loop.N -> N
#   big       a 60 KB TXT (SPF, 3,400 ip4: terms, 192.0.2.1 last): TC over UDP, whole over TCP
#   bogus     TXT "v=spf1 a:www.broken.example -all" (fixture.py's bogus DNSSEC name)
#   tc        on udp_only_port, delegated as a stub zone: every UDP answer has TC set and no
#             TCP listener is there (the retry over TCP is refused)
# Anything else under faults.example. is NXDOMAIN. Standard library only; stops on SIGTERM.
import json
import signal
import socket
import struct
import sys
import threading

ZONE = ("faults", "example")
OK_TXT = "v=spf1 ip4:192.0.2.1 -all"
BOGUS_TXT = "v=spf1 a:www.broken.example -all"
TXT, CNAME, SOA = 16, 5, 6


def big_txt():
    terms = [f"ip4:10.{i // 250}.{i % 250}.0/24" for i in range(3400)]
    return "v=spf1 " + " ".join(terms) + " ip4:192.0.2.1 -all"


BIG_TXT = big_txt()


def parse_question(message):
    """(id, flags, labels, qtype, end of question) of a query, or None."""
    if len(message) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", message[:6])
    if qdcount != 1:
        return None
    labels, pos = [], 12
    while pos < len(message) and message[pos] != 0:
        length = message[pos]
        labels.append(message[pos + 1:pos + 1 + length].decode("ascii", "replace").lower())
        pos += 1 + length
    if pos + 5 > len(message):
        return None
    qtype = struct.unpack("!H", message[pos + 1:pos + 3])[0]
    return qid, flags, labels, qtype, pos + 5


def encode_name(labels):
    return b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"


def txt_rdata(text):
    data = text.encode()
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255))


def record(labels, rtype, rdata, ttl=60):
    return encode_name(labels) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def soa_record():
    rdata = encode_name(["ns"] + list(ZONE)) + encode_name(["host"] + list(ZONE)) + \
        struct.pack("!IIIII", 1, 3600, 600, 86400, 60)
    return record(list(ZONE), SOA, rdata)


def answer_for(case, labels, qtype):
    """(rcode, answers, authority) for the data cases; None for no answer."""
    case_name = [case] + list(ZONE)
    at_case = labels == case_name
    if case == "loop":
        target = labels[1:] if labels[0] == "a-loop" else ["a-loop"] + labels
        return 0, [record(labels, CNAME, encode_name(target))], []
    text = {"ok": OK_TXT, "wrongid": OK_TXT, "big": BIG_TXT, "bogus": BOGUS_TXT,
            "tc": OK_TXT}.get(case)
    if text is None:
        return 3, [], [soa_record()]
    if at_case and qtype == TXT:
        return 0, [record(labels, TXT, txt_rdata(text))], []
    return 0, [], [soa_record()]


def respond(query, transport):
    """The reply bytes to one query, or None to stay silent."""
    parsed = parse_question(query)
    if parsed is None:
        return None
    qid, flags, labels, qtype, end = parsed
    if labels[-2:] != list(ZONE):
        return build(qid, flags, query[12:end], 5, [], [])
    case = labels[-3] if len(labels) >= 3 else ""
    if case == "timeout":
        return None
    if case in ("servfail", "refused"):
        return build(qid, flags, query[12:end], 2 if case == "servfail" else 5, [], [])
    if transport == "udp" and (case == "tc" or case == "big"):
        return build(qid, flags, query[12:end], 0, [], [], tc=True)
    rcode, answers, authority = answer_for(case, labels, qtype)
    if case == "wrongid":
        qid ^= 0x5A5A
    return build(qid, flags, query[12:end], rcode, answers, authority)


def build(qid, query_flags, question, rcode, answers, authority, tc=False):
    flags = 0x8000 | (query_flags & 0x0100) | 0x0400 | rcode  # QR, RD copied, AA
    if tc:
        flags |= 0x0200
    header = struct.pack("!HHHHHH", qid, flags, 1, len(answers), len(authority), 0)
    return header + question + b"".join(answers) + b"".join(authority)


def serve_udp(sock):
    while True:
        query, peer = sock.recvfrom(4096)
        reply = respond(query, "udp")
        if reply is not None:
            sock.sendto(reply, peer)


def read_exact(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve_tcp_connection(conn):
    with conn:
        while True:
            length = read_exact(conn, 2)
            query = length and read_exact(conn, struct.unpack("!H", length)[0])
            if not query:
                return
            reply = respond(query, "tcp")
            if reply is not None:
                conn.sendall(struct.pack("!H", len(reply)) + reply)


def serve_tcp(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_tcp_connection, args=(conn,), daemon=True).start()


def bind_pair():
    """A UDP and a TCP socket on the same free loopback port."""
    while True:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            tcp.bind(("127.0.0.1", udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            continue
        tcp.listen(64)
        return udp, tcp


def main():
    udp, tcp = bind_pair()
    # UDP only: nothing listens on this port's TCP side, so a TCP retry is refused.
    udp_only = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_only.bind(("127.0.0.1", 0))
    for target, arg in ((serve_udp, udp), (serve_tcp, tcp), (serve_udp, udp_only)):
        threading.Thread(target=target, args=(arg,), daemon=True).start()
    print(json.dumps({"port": udp.getsockname()[1],
                      "udp_only_port": udp_only.getsockname()[1]}), flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main())
