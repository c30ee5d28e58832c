#!/usr/bin/env python3
# dns_proxy.py - a DNS proxy on 127.0.0.1 that adds a fixed latency, and a black hole.
#
#   dns_proxy.py --upstream-port PORT [--delay-ms 50] [--log FILE]
#
# Listens on two ports, each for UDP and TCP, and prints them as one JSON line on stdout
# ({"delay_port": N, "blackhole_port": M}) once ready:
#   delay_port      every message (UDP datagram or TCP length-prefixed message) is forwarded to
#                   127.0.0.1:PORT after the delay, independently, and the reply relayed back;
#                   so N concurrent queries take about one delay, not N delays.
#   blackhole_port  accepts everything and never answers (the timeout case).
# Messages are not parsed: the proxy is transparent to EDNS, DNSSEC and truncation, unless
# told to behave like a broken middlebox (enma -t's test, tests/integration/self_check_test.py):
#   --drop-udp-over N   UDP replies longer than N bytes are dropped (an old firewall)
#   --strip-dnssec      RRSIG, NSEC and NSEC3 records are removed from every reply, UDP and
#                       TCP (a forwarder without DNSSEC support); needs python3-dnslib
# --log appends one line per forwarded message, "udp QUESTION" or "tcp QUESTION" (the question
# section in hex), so a test can prove which transport was used (e.g. the TCP retry after a
# truncated UDP answer), and a line "done udp QUESTION" when its delay and exchange are over,
# so a resend (the same question again while the first is still held) can be told from a new
# query for the same name.
# Standard library only (asyncio). Stops on SIGTERM / SIGINT.
import argparse
import asyncio
import json
import signal
import socket
import sys

UPSTREAM_TIMEOUT = 5.0


class Faults:
    """What the delaying side breaks on purpose (nothing by default)."""
    drop_udp_over = 0
    strip_dnssec = False

    @classmethod
    def reply(cls, data, udp):
        """The reply to relay, or None to drop it."""
        if cls.strip_dnssec:
            data = strip_dnssec(data)
        if udp and cls.drop_udp_over and len(data) > cls.drop_udp_over:
            return None
        return data


def strip_dnssec(data):
    import dnslib  # only this mode needs it
    record = dnslib.DNSRecord.parse(data)
    dnssec = (dnslib.QTYPE.RRSIG, dnslib.QTYPE.NSEC, dnslib.QTYPE.NSEC3)
    record.rr = [rr for rr in record.rr if rr.rtype not in dnssec]
    record.auth = [rr for rr in record.auth if rr.rtype not in dnssec]
    record.ar = [rr for rr in record.ar if rr.rtype not in dnssec]
    return record.pack()


def question(data):
    """The question section of a DNS message in hex (the name as sent, type and class), or
    "-" if the message has none."""
    end = 12
    while end < len(data) and data[end] != 0:
        end += 1 + data[end]
    if len(data) < 12 or end + 5 > len(data):
        return "-"
    return data[12:end + 5].hex()


class Log:
    """Appends "udp QUESTION" / "tcp QUESTION" lines to a file, if one was given."""

    def __init__(self, path):
        self.path = path
        self.in_flight = 0
        self.peak = 0

    def record(self, transport, data):
        self.write(transport + " " + question(data))

    def done(self, transport, data):
        self.write("done " + transport + " " + question(data))

    def enter(self):
        """One more query held in its delay; a new peak is logged as "peak N"."""
        self.in_flight += 1
        if self.in_flight > self.peak:
            self.peak = self.in_flight
            self.write("peak %d" % self.peak)

    def leave(self):
        self.in_flight -= 1

    def write(self, line):
        if self.path:
            with open(self.path, "a") as f:
                f.write(line + "\n")


def bind_pair(host="127.0.0.1", port=0):
    """A TCP listening socket and a UDP socket on the same port of `host` (port 0: a free one)."""
    for _ in range(50):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((host, port))
        bound = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind((host, bound))
        except OSError:
            tcp.close()
            udp.close()
            if port:
                raise
            continue
        tcp.listen(128)
        tcp.setblocking(False)
        udp.setblocking(False)
        return tcp, udp, bound
    raise RuntimeError("no free port pair on 127.0.0.1")


class UpstreamReply(asyncio.DatagramProtocol):
    def __init__(self, future):
        self.future = future

    def datagram_received(self, data, addr):
        if not self.future.done():
            self.future.set_result(data)


class DelayUdp(asyncio.DatagramProtocol):
    def __init__(self, upstream_port, delay, log):
        self.upstream_port = upstream_port
        self.delay = delay
        self.log = log
        self.transport = None
        self.tasks = set()

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        task = asyncio.ensure_future(self.forward(data, addr))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def forward(self, data, addr):
        self.log.record("udp", data)
        self.log.enter()
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.log.leave()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: UpstreamReply(future), remote_addr=("127.0.0.1", self.upstream_port))
        try:
            transport.sendto(data)
            reply = Faults.reply(await asyncio.wait_for(future, UPSTREAM_TIMEOUT), udp=True)
            if reply is not None:
                self.transport.sendto(reply, addr)
        except asyncio.TimeoutError:
            pass
        finally:
            transport.close()
            self.log.done("udp", data)


class BlackHoleUdp(asyncio.DatagramProtocol):
    def datagram_received(self, data, addr):
        pass


async def read_message(reader):
    length = struct_length(await reader.readexactly(2))
    return await reader.readexactly(length)


def struct_length(prefix):
    return prefix[0] << 8 | prefix[1]


async def tcp_exchange(message, upstream_port):
    reader, writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    try:
        writer.write(len(message).to_bytes(2, "big") + message)
        await writer.drain()
        return await asyncio.wait_for(read_message(reader), UPSTREAM_TIMEOUT)
    finally:
        writer.close()


def delay_tcp_handler(upstream_port, delay, log):
    async def handle(reader, writer):
        try:
            while True:
                message = await read_message(reader)
                log.record("tcp", message)
                await asyncio.sleep(delay)
                reply = Faults.reply(await tcp_exchange(message, upstream_port), udp=False)
                writer.write(len(reply).to_bytes(2, "big") + reply)
                await writer.drain()
                log.done("tcp", message)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError,
                asyncio.CancelledError):
            pass
        finally:
            writer.close()
    return handle


async def black_hole_tcp(reader, writer):
    try:
        while await reader.read(4096):
            pass
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(upstream_port, delay, log, listen=("127.0.0.1", 0)):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: stop.done() or stop.set_result(None))
    delay_tcp, delay_udp, delay_port = bind_pair(*listen)
    hole_tcp, hole_udp, hole_port = bind_pair()
    await loop.create_datagram_endpoint(lambda: DelayUdp(upstream_port, delay, log),
                                        sock=delay_udp)
    await loop.create_datagram_endpoint(BlackHoleUdp, sock=hole_udp)
    servers = [
        await asyncio.start_server(delay_tcp_handler(upstream_port, delay, log), sock=delay_tcp),
        await asyncio.start_server(black_hole_tcp, sock=hole_tcp),
    ]
    print(json.dumps({"delay_port": delay_port, "blackhole_port": hole_port}), flush=True)
    await stop
    for server in servers:
        server.close()


def main():
    parser = argparse.ArgumentParser(description="delaying DNS proxy and black hole")
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--log", default="")
    parser.add_argument("--listen", default="127.0.0.1:0",
                        help="HOST:PORT of the delaying side (port 0: a free one)")
    parser.add_argument("--drop-udp-over", type=int, default=0,
                        help="drop UDP replies longer than this many bytes")
    parser.add_argument("--strip-dnssec", action="store_true",
                        help="remove RRSIG, NSEC and NSEC3 records from replies")
    args = parser.parse_args()
    Faults.drop_udp_over = args.drop_udp_over
    Faults.strip_dnssec = args.strip_dnssec
    host, _, port = args.listen.rpartition(":")
    asyncio.run(serve(args.upstream_port, args.delay_ms / 1000.0, Log(args.log),
                      (host, int(port))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
