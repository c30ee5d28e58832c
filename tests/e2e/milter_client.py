# milter_client.py - the MTA side of the milter protocol (version 6), standard library only.
#
# Enough of what Postfix and Sendmail send to drive enma directly, without an MTA in between:
# option negotiation, connect, helo, macros, mail, rcpt, headers, end of headers, body chunks,
# end of message, abort and quit. Each packet is a 4-byte big-endian length (command byte
# included), the command byte, then the data. A step the filter negotiated as "no reply"
# (SMFIP_NR_*) is sent without waiting; every other step waits for one reply.
#
#   client = MilterClient(("127.0.0.1", port))
#   client.negotiate()
#   client.connect("client.example", "192.0.2.1")
#   ...
#   actions = client.eom()   # [("i", (index, name, value)), ("m", ...), ...], last is the reply
import socket
import struct

# Commands (MTA -> filter)
SMFIC_ABORT = b"A"
SMFIC_BODY = b"B"
SMFIC_CONNECT = b"C"
SMFIC_MACRO = b"D"
SMFIC_BODYEOB = b"E"
SMFIC_HELO = b"H"
SMFIC_HEADER = b"L"
SMFIC_MAIL = b"M"
SMFIC_EOH = b"N"
SMFIC_OPTNEG = b"O"
SMFIC_QUIT = b"Q"
SMFIC_RCPT = b"R"
SMFIC_DATA = b"T"
SMFIC_UNKNOWN = b"U"

# Actions the MTA allows (SMFIF_*) and protocol steps (SMFIP_*), from libmilter/mfapi.h.
SMFIF_ADDHDRS = 0x01
SMFIF_CHGBODY = 0x02
SMFIF_ADDRCPT = 0x04
SMFIF_DELRCPT = 0x08
SMFIF_CHGHDRS = 0x10
SMFIF_QUARANTINE = 0x20
SMFIF_CHGFROM = 0x40
SMFIF_ADDRCPT_PAR = 0x80
SMFIF_SETSYMLIST = 0x100
ALL_ACTIONS = 0x1FF

SMFIP_NOCONNECT = 0x1
SMFIP_NOHELO = 0x2
SMFIP_NOMAIL = 0x4
SMFIP_NORCPT = 0x8
SMFIP_NOBODY = 0x10
SMFIP_NOHDRS = 0x20
SMFIP_NOEOH = 0x40
SMFIP_NR_HDR = 0x80
SMFIP_NOUNKNOWN = 0x100
SMFIP_NODATA = 0x200
SMFIP_SKIP = 0x400
SMFIP_RCPT_REJ = 0x800
SMFIP_NR_CONN = 0x1000
SMFIP_NR_HELO = 0x2000
SMFIP_NR_MAIL = 0x4000
SMFIP_NR_RCPT = 0x8000
SMFIP_NR_DATA = 0x10000
SMFIP_NR_UNKN = 0x20000
SMFIP_NR_EOH = 0x40000
SMFIP_NR_BODY = 0x80000
SMFIP_HDR_LEADSPC = 0x100000
ALL_STEPS = 0x1FFFFF  # what Postfix 3.x offers at milter_protocol = 6

# Replies that end a step (everything else at end of message is a modification).
FINAL_REPLIES = set(b"acdfrty")  # accept continue discard connfail reject tempfail replycode
CHUNK = 65535  # MILTER_CHUNK_SIZE: the largest body packet an MTA sends


class MilterError(Exception):
    pass


def pack(command, data=b""):
    return struct.pack("!I", len(data) + 1) + command + data


def cstrings(*items):
    return b"".join((item.encode() if isinstance(item, str) else item) + b"\0" for item in items)


class MilterClient:
    """One MTA connection to a milter. Every method raises MilterError on a broken stream."""

    def __init__(self, address, timeout=60.0):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.actions = 0
        self.protocol = 0
        self.version = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, command, data=b""):
        self.sock.sendall(pack(command, data))

    def _read_exact(self, size):
        chunks = []
        while size:
            chunk = self.sock.recv(min(size, 1 << 20))
            if not chunk:
                raise MilterError("filter closed the connection")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def read_packet(self):
        (length,) = struct.unpack("!I", self._read_exact(4))
        if length < 1:
            raise MilterError("empty packet")
        body = self._read_exact(length)
        return body[:1], body[1:]

    def negotiate(self, actions=ALL_ACTIONS, protocol=ALL_STEPS, version=6):
        self.send(SMFIC_OPTNEG, struct.pack("!III", version, actions, protocol))
        command, data = self.read_packet()
        if command != SMFIC_OPTNEG or len(data) < 12:
            raise MilterError(f"bad optneg reply {command!r}")
        self.version, self.actions, self.protocol = struct.unpack("!III", data[:12])
        return self.version, self.actions, self.protocol

    def _step(self, command, data, no_reply_flag):
        self.send(command, data)
        if no_reply_flag and self.protocol & no_reply_flag:
            return None
        command, _ = self.read_packet()
        return command.decode()

    def macro(self, step, **macros):
        data = step + cstrings(*[x for pair in macros.items() for x in pair])
        self.send(SMFIC_MACRO, data)

    def connect(self, hostname, address, port=25000, family=b"4"):
        data = cstrings(hostname) + family + struct.pack("!H", port) + cstrings(address)
        return self._step(SMFIC_CONNECT, data, SMFIP_NR_CONN)

    def helo(self, name):
        return self._step(SMFIC_HELO, cstrings(name), SMFIP_NR_HELO)

    def mail(self, sender, *args):
        return self._step(SMFIC_MAIL, cstrings(sender, *args), SMFIP_NR_MAIL)

    def rcpt(self, recipient):
        if self.protocol & SMFIP_NORCPT:
            return None
        return self._step(SMFIC_RCPT, cstrings(recipient), SMFIP_NR_RCPT)

    def unknown(self, line):
        if self.protocol & SMFIP_NOUNKNOWN:
            return None
        return self._step(SMFIC_UNKNOWN, cstrings(line), SMFIP_NR_UNKN)

    def header(self, name, value):
        """`value` as the MTA sends it: with SMFIP_HDR_LEADSPC the blank after ':' too."""
        return self._step(SMFIC_HEADER, cstrings(name, value), SMFIP_NR_HDR)

    def header_raw(self, data):
        """A header packet with arbitrary contents (for malformed-input tests)."""
        return self._step(SMFIC_HEADER, data, SMFIP_NR_HDR)

    def eoh(self):
        return self._step(SMFIC_EOH, b"", SMFIP_NR_EOH)

    def body(self, data):
        """Send `data` in MTA-sized chunks; returns the last reply (None for no-reply)."""
        reply = None
        for start in range(0, len(data), CHUNK):
            reply = self._step(SMFIC_BODY, data[start:start + CHUNK], SMFIP_NR_BODY)
        return reply

    def eom(self):
        """End of message: returns the filter's modifications, then its final reply."""
        self.send(SMFIC_BODYEOB)
        actions = []
        while True:
            command, data = self.read_packet()
            actions.append((command.decode(), parse_action(command, data)))
            if command[0] in FINAL_REPLIES:
                return actions

    def abort(self):
        self.send(SMFIC_ABORT)

    def quit(self):
        self.send(SMFIC_QUIT)
        self.close()


def parse_action(command, data):
    """Decode a modification: i (insheader) and m (chgheader) carry index, name, value."""
    if command in (b"i", b"m"):
        (index,) = struct.unpack("!I", data[:4])
        name, value = data[4:].split(b"\0")[:2]
        return index, name.decode("latin-1"), value.decode("latin-1")
    if command == b"h":
        name, value = data.split(b"\0")[:2]
        return 0, name.decode("latin-1"), value.decode("latin-1")
    return data


def inserted_headers(actions, name="Authentication-Results"):
    """Values of `name` fields inserted or added at end of message."""
    return [value for command, value in actions
            if command in ("i", "h") and value[1].lower() == name.lower()]


def deleted_indices(actions, name="Authentication-Results"):
    """Indices of `name` fields deleted (chgheader with an empty value)."""
    return [value[0] for command, value in actions
            if command == "m" and value[1].lower() == name.lower() and value[2] == ""]
