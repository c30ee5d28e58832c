"""zone_server.py - a small DNS server for conformance tests: serves one in-memory zone set
over UDP and TCP on loopback, swapped whole between scenarios (a "reload").

Used where NSD cannot express a suite: names that time out (the server stays silent), SPF-type
(99) records, TXT records with no character-string at all (RFC 7208 3.3's "null text").

Semantics, as a recursive server seen from a forwarding libunbound:
  - names compare case-insensitively, label by label, on their wire bytes;
  - a CNAME is followed inside the data (up to 8) and the chain is put in the answer;
  - a name with no records but with descendants is NODATA (RFC 8020), otherwise NXDOMAIN;
  - negative answers carry a SOA of the enclosing test zone (TTL 0), so they are not cached;
  - `silent` (name, type) pairs and `silent_names` get no answer at all;
  - `servfail` names get SERVFAIL (an upstream that cannot answer);
  - answers larger than the client's EDNS size (512 without EDNS) are truncated over UDP.
Records are (name, type, rdata) with dnslib rdata objects; TTL is 0 so no cache survives a reload.
"""
import socketserver
import struct
import threading

from dnslib import DNSLabel, DNSRecord, QTYPE, RCODE, RR, SOA

MAX_CNAMES = 8


def key_of(name):
    """The lookup key of a name: its labels, lower-cased bytes."""
    label = name if isinstance(name, DNSLabel) else DNSLabel(name)
    return tuple(part.lower() for part in label.label)


class Zone:
    """Records by owner; silent types; ancestors (empty non-terminals)."""

    def __init__(self):
        self.records = {}
        self.silent = set()
        self.silent_names = set()
        self.servfail = set()
        self.ancestors = set()

    def add(self, name, rtype, rdata):
        key = key_of(name)
        self.records.setdefault(key, []).append((rtype, rdata))
        for i in range(1, len(key)):
            self.ancestors.add(key[i:])

    def exists(self, key):
        return key in self.records or key in self.ancestors

    def add_silent(self, name, rtype=None):
        if rtype is None:
            self.silent_names.add(key_of(name))
        else:
            self.silent.add((key_of(name), rtype))

    def add_servfail(self, name):
        self.servfail.add(key_of(name))


    def for_key(self, key):  # a ZoneSet picks the zone of a name; a Zone is its own
        return self


class ZoneSet:
    """Zones by suffix, each replaceable on its own while the others are being queried (the
    differential test minimises scenarios in parallel, each under its own dN.example). A name
    goes to the zone of its longest listed suffix; other names are NXDOMAIN."""

    def __init__(self):
        self.zones = {}
        self.empty = Zone()

    def put(self, suffix, zone):
        self.zones[key_of(suffix)] = zone

    def for_key(self, key):
        for i in range(len(key)):
            zone = self.zones.get(key[i:])
            if zone is not None:
                return zone
        return self.empty


class ZoneServer:
    """UDP and TCP on host:port (port 0: a free one); `zone` (a Zone or a ZoneSet) may be
    replaced at any time."""

    def __init__(self, host="127.0.0.1", port=0):
        self.zone = Zone()
        self.lock = threading.Lock()
        self.queries = 0
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self):
                data, sock = self.request
                reply = server.answer(data, udp=True)
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self):
                while True:
                    head = self.request.recv(2)
                    if len(head) < 2:
                        return
                    (length,) = struct.unpack("!H", head)
                    data = b""
                    while len(data) < length:
                        chunk = self.request.recv(length - len(data))
                        if not chunk:
                            return
                        data += chunk
                    reply = server.answer(data, udp=False)
                    if reply is None:
                        return
                    self.request.sendall(struct.pack("!H", len(reply)) + reply)

        socketserver.ThreadingUDPServer.allow_reuse_address = True
        self.udp = socketserver.ThreadingUDPServer((host, port), Udp)
        self.port = self.udp.server_address[1]
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.tcp = socketserver.ThreadingTCPServer((host, self.port), Tcp)
        self.udp.daemon_threads = self.tcp.daemon_threads = True
        for s in (self.udp, self.tcp):
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def load(self, zone):
        with self.lock:
            self.zone = zone

    def stop(self):
        for s in (self.udp, self.tcp):
            s.shutdown()
            s.server_close()

    def answer(self, data, udp):
        try:
            request = DNSRecord.parse(data)
        except Exception:  # noqa: BLE001 - garbage gets no answer
            return None
        with self.lock:
            zone = self.zone
            self.queries += 1
        reply = request.reply(ra=1, aa=1)
        if not self.fill(zone, request.q.qname, request.q.qtype, reply):
            return None
        wire = reply.pack()
        if udp:
            limit = 512
            for rr in request.ar:
                if rr.rtype == QTYPE.OPT:
                    limit = max(512, rr.rclass)
            if len(wire) > limit:
                reply = request.reply(ra=1, aa=1)
                reply.header.tc = 1
                wire = reply.pack()
        return wire

    def fill(self, zone, qname, qtype, reply):
        """Answer records into reply; False when the server must stay silent."""
        name, zones = qname, zone
        for _ in range(MAX_CNAMES + 1):
            key = key_of(name)
            zone = zones.for_key(key)
            if key in zone.silent_names or (key, qtype) in zone.silent:
                return False
            if key in zone.servfail:
                reply.header.rcode = RCODE.SERVFAIL
                return True
            records = zone.records.get(key, [])
            cname = [r for t, r in records if t == QTYPE.CNAME]
            if cname and qtype != QTYPE.CNAME:
                reply.add_answer(RR(name, QTYPE.CNAME, ttl=0, rdata=cname[0]))
                name = cname[0].label
                continue
            matching = [r for t, r in records if t == qtype]
            for rdata in matching:
                reply.add_answer(RR(name, qtype, ttl=0, rdata=rdata))
            if not matching:
                if not zone.exists(key):
                    reply.header.rcode = RCODE.NXDOMAIN
                soa_owner = DNSLabel(list(key[-2:]) if len(key) >= 2 else list(key))
                reply.add_auth(RR(soa_owner, QTYPE.SOA, ttl=0, rdata=SOA(
                    "ns." + str(soa_owner), "hostmaster." + str(soa_owner), (1, 0, 0, 0, 0))))
            return True
        reply.header.rcode = RCODE.SERVFAIL
        return True

