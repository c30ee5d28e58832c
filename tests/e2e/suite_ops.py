# suite_ops.py - what an operator sees of the daemon (issue 14): the command line and its
# version, every key doing what it says (spf.explog, SIGHUP applying log.* and naming the keys
# that need a restart, SIGUSR1 reopening the log file), start-up truth without -f (the
# launcher's exit status says whether the socket was bound), the unix socket file (mode,
# group, stale and live files, removal at exit), the metrics endpoint (counts, the answer
# cache, messages in flight, internal errors), iprev once per connection, and JSON records on
# stdout as under systemd.
import os
import signal
import socket
import subprocess
import time

import milter_client as mc
from harness import BAD_IP, EXCLUDED_IP, GOOD_IP, Enma, free_tcp_port
from suite_wire import FROM, check_verified, send_message, start_message

EXPLAINED = "user@explained.e2e.example"


class FileEnma(Enma):
    """enma configured by a file alone (so that a SIGHUP can change any key), started as
    `enma -fc FILE` (combined flags)."""

    def __init__(self, binary, directory, dns, path, extra):
        super().__init__(binary, directory, dns, config_file=path)
        self.path = path
        self.extra = dict(extra)

    def keys(self):
        args = super().command()
        pairs = [args[i + 1] for i, arg in enumerate(args) if arg == "-o"]
        keys = dict(pair.split("=", 1) for pair in pairs)
        keys.update(self.extra)
        return keys

    def write(self, **changes):
        self.extra.update({key.replace("__", "."): value for key, value in changes.items()})
        with open(self.path, "w") as f:
            f.write("".join(f"{key}: {value}\n" for key, value in self.keys().items()))

    def command(self):
        self.write()
        return [self.binary, "-fc", self.path]


def run_tool(args, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def command_line(failures, binary):
    version = run_tool([binary, "-V"])
    failures.equal(version.returncode, 0, "[cli] enma -V exit status")
    failures.check(version.stdout.startswith("enma ") and len(version.stdout.split()) == 2,
                   "[cli] enma -V prints 'enma VERSION'", version.stdout)
    usage = run_tool([binary, "-h"])
    failures.check(usage.stdout.startswith(version.stdout.strip()), "[cli] -h names the version",
                   usage.stdout[:200])
    bad = run_tool([binary, "-fx"])
    failures.equal(bad.returncode, 2, "[cli] unknown option exit status")
    failures.equal(bad.stderr, "enma: unknown option -x\nTry 'enma -h' for more information.\n",
                   "[cli] unknown option wording")
    return version.stdout.split()[1] if version.returncode == 0 else ""


def wait_for(enma, event, count=1, timeout=30.0, path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = records_in(path, event) if path else enma.records(event)
        if len(records) >= count:
            return records[count - 1]
        time.sleep(0.05)
    return None


def records_in(path, event):
    import json
    out = []
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("event") == event:
                    out.append(record)
    return out


def explained_message(enma):
    return send_message(enma, [("From", " " + EXPLAINED)], ip=BAD_IP, sender=EXPLAINED)


def keys_and_signals(failures, directory, dns, binary, version):
    """spf.explog on and off; SIGHUP moves the log to a file and names milter.socket; SIGUSR1
    reopens that file after a rename."""
    path = os.path.join(directory, "ops.conf")
    log_file = os.path.join(directory, "enma-file.log")
    enma = FileEnma(binary, directory, dns, path, {"spf.explog": "true"}).start()
    try:
        start = enma.records("start")[0]
        failures.equal(start.get("version"), version, "[keys] start record carries the version")
        # The harness forwards to NSD, which refuses the root (the default anchor's zone): the
        # start-up DNS path checks warn, and start-up goes on.
        checks = [r.get("check") for r in enma.records("selfcheck")]
        failures.equal(checks, ["udp", "tcp"], "[keys] start-up DNS path checks warn (enma -t)")
        check_verified(failures, "keys: explained fail", explained_message(enma), spf="fail")
        record = enma.records("message")[-1]
        failures.equal(record.get("spf_explanation"),
                       f"{BAD_IP} may not send for explained.e2e.example",
                       "[keys] spf.explog: the explanation is in the message record")
        enma.write(spf__explog="false", log__target="file", log__file=log_file,
                   milter__socket=f"inet:{free_tcp_port()}@127.0.0.1")
        enma.process.send_signal(signal.SIGHUP)
        reload = wait_for(enma, "reload", path=log_file)
        failures.equal(reload and reload.get("status"), "ok",
                       "[keys] after SIGHUP the reload is logged to the new log.file")
        restart = records_in(log_file, "reload.restart_needed")
        failures.equal([r.get("key") for r in restart], ["milter.socket"],
                       "[keys] SIGHUP names the key that needs a restart")
        check_verified(failures, "keys: after reload", explained_message(enma), spf="fail")
        after = wait_for(enma, "message", path=log_file)
        failures.check(after is not None and "spf_explanation" not in after,
                       "[keys] spf.explog false: no explanation", str(after))
        os.rename(log_file, log_file + ".1")
        enma.process.send_signal(signal.SIGUSR1)
        failures.check(wait_for(enma, "reopen", path=log_file) is not None,
                       "[keys] SIGUSR1 reopens log.file after logrotate renamed it")
        check_verified(failures, "keys: still serving on the old socket",
                       send_message(enma, [FROM]))
    finally:
        failures.equal(enma.stop(), 0, "[keys] exit status after SIGTERM")


def detached(failures, directory, dns, binary):
    """Without -f the launcher's exit status is the truth about start-up."""
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    probe = Enma(binary, directory, dns, port=port)
    args = [a for a in probe.command() if a != "-f"]
    try:
        taken = run_tool(args)
    finally:
        busy.close()
    failures.equal(taken.returncode, 1, "[detach] port in use: the launcher exits 1")
    failures.check("cannot listen" in taken.stderr, "[detach] and says why on stderr",
                   taken.stderr[-500:])
    pidfile = os.path.join(directory, "detached.pid")
    good = Enma(binary, directory, dns, options=(f"milter.pidfile={pidfile}",))
    args = [a for a in good.command() if a != "-f"]
    started = run_tool(args)
    failures.equal(started.returncode, 0, "[detach] bound: the launcher exits 0")
    try:
        with socket.create_connection(("127.0.0.1", good.port), timeout=5):
            failures.check(True, "[detach] the socket accepts as soon as the launcher exits")
    except OSError as error:
        failures.check(False, "[detach] the socket accepts as soon as the launcher exits",
                       str(error))
    stop_pidfile(failures, pidfile)


def stop_pidfile(failures, pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read())
    except (OSError, ValueError) as error:
        failures.check(False, "[detach] pid file written", str(error))
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.05)
    failures.check(not os.path.exists(f"/proc/{pid}"), "[detach] the daemon stops on SIGTERM")


def unix_socket_args(binary, directory, dns, path, *options):
    enma = Enma(binary, directory, dns, options=(f"milter.socket=unix:{path}",) + options)
    return enma.command()


def sockets(failures, directory, dns, binary):
    """milter.socket_mode and milter.socket_group; the file removed at exit; a stale file
    replaced, a live one refused."""
    import grp
    import stat
    path = os.path.join(directory, "enma.sock")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)  # a file nobody listens on, as a crashed milter leaves behind
    stale.close()
    group = grp.getgrnam("nogroup")
    process = subprocess.Popen(unix_socket_args(binary, directory, dns, path,
                                                "milter.socket_mode=0620",
                                                "milter.socket_group=nogroup"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.connect(path)
                break
        except OSError:
            time.sleep(0.05)
    failures.check(process.poll() is None, "[socket] a stale socket file does not stop start-up")
    info = os.stat(path) if os.path.exists(path) else None
    failures.equal(info and stat.S_IMODE(info.st_mode), 0o620, "[socket] milter.socket_mode")
    failures.equal(info and info.st_gid, group.gr_gid, "[socket] milter.socket_group")
    live = subprocess.run(unix_socket_args(binary, directory, dns, path), capture_output=True,
                          text=True, timeout=60)
    failures.equal(live.returncode, 1, "[socket] a live socket is refused: exit status 1")
    failures.check("is in use" in live.stderr, "[socket] and the error says so",
                   live.stderr[-300:])
    failures.check(os.path.exists(path), "[socket] the live socket was left alone")
    process.send_signal(signal.SIGTERM)
    try:
        failures.equal(process.wait(timeout=60), 0, "[socket] exit status after SIGTERM")
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        failures.check(False, "[socket] enma stops on SIGTERM")
    failures.check(not os.path.exists(path), "[socket] the socket file is removed at exit")


def scrape(port):
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
        text = reply.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def dashboard_names(failures, values):
    """Every metric docs/grafana-dashboard.json and docs/metrics.md name is exported."""
    import re
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")
    exported = {re.sub(r"\{.*", "", name) for name in values}
    for doc in ("grafana-dashboard.json", "metrics.md"):
        with open(os.path.join(docs, doc)) as f:
            named = set(re.findall(r"enma_[a-z_]+", f.read()))
        missing = sorted(n for n in named if n not in exported and n + "_count" not in exported)
        failures.equal(missing, [], f"[metrics] every metric in docs/{doc} is exported")


def delta(after, before, name):
    return after.get(name, 0.0) - before.get(name, 0.0)


def scrape_until(port, name, value, timeout=30.0):
    """The scrape once `name` reads `value` (a gauge set by a no-reply step), or the last."""
    deadline = time.monotonic() + timeout
    values = scrape(port)
    while values.get(name) != value and time.monotonic() < deadline:
        time.sleep(0.05)
        values = scrape(port)
    return values


def cache_metrics(failures, enma, port):
    """The answer cache: a second identical message is answered from it, query for query."""
    before = scrape(port)
    check_verified(failures, "metrics: pass 1", send_message(enma, [FROM]))
    first = scrape(port)
    check_verified(failures, "metrics: pass 2", send_message(enma, [FROM]))
    second = scrape(port)
    queries = [r.get("dns_queries", 0) for r in enma.records("message")]
    failures.check(len(queries) == 2 and queries[0] > 0, "[metrics] two records with queries",
                   str(queries))
    failures.equal(delta(first, before, "enma_dns_cache_misses_total"), float(queries[0]),
                   "[metrics] message 1: every query a cache miss")
    failures.equal(delta(first, before, "enma_dns_cache_hits_total"), 0.0,
                   "[metrics] message 1: no cache hit")
    failures.equal(delta(second, first, "enma_dns_cache_hits_total"), float(queries[1]),
                   "[metrics] message 2: every query a cache hit")
    failures.equal(delta(second, first, "enma_dns_cache_misses_total"), 0.0,
                   "[metrics] message 2: no cache miss")
    failures.equal(second.get("enma_dns_lookup_seconds_count"),
                   second.get("enma_dns_cache_misses_total"),
                   "[metrics] one lookup latency per cache miss")
    failures.equal(second.get('enma_dns_lookup_seconds_bucket{le="+Inf"}'),
                   second.get("enma_dns_lookup_seconds_count"), "[metrics] +Inf bucket = count")


def in_flight_and_errors(failures, enma, port):
    """The in-flight gauge during a message; an MTA that refuses our header: one error."""
    client = start_message(enma)
    values = scrape_until(port, "enma_messages_in_flight", 1.0)
    failures.equal(values.get("enma_messages_in_flight"), 1.0, "[metrics] one message in flight")
    client.header(*FROM)
    client.eoh()
    client.body(b"Hello.\r\n")
    check_verified(failures, "metrics: in flight", client.eom())
    client.quit()
    values = scrape_until(port, "enma_messages_in_flight", 0.0)
    failures.equal(values.get("enma_messages_in_flight"), 0.0, "[metrics] none in flight after")
    failures.equal(values.get('enma_internal_errors_total{step="eom"}'), 0.0,
                   "[metrics] no internal error yet (the series exists from the start)")
    client = mc.MilterClient(("127.0.0.1", enma.port), timeout=60.0)
    client.negotiate(actions=mc.SMFIF_CHGHDRS)  # smfi_insheader will fail: fail_message()
    client.connect("client.e2e.example", GOOD_IP)
    client.helo("client.e2e.example")
    client.mail("<user@pass.e2e.example>")
    client.header(*FROM)
    client.eoh()
    client.body(b"Hello.\r\n")
    client.eom()
    client.quit()
    values = scrape(port)
    failures.equal(values.get('enma_internal_errors_total{step="eom"}'), 1.0,
                   "[metrics] the milter.error record counted")
    failures.equal(sum(v for k, v in values.items() if k.startswith("enma_internal_errors_total")),
                   1.0, "[metrics] no error at any other step")
    failures.equal(len(enma.records("milter.error")), 1, "[metrics] one milter.error record")


def metrics(failures, directory, dns, binary):
    """metrics.listen: a scrape during the run counts what the message records say."""
    port = free_tcp_port()
    enma = Enma(binary, directory, dns, options=(f"metrics.listen=127.0.0.1:{port}",)).start()
    try:
        before = scrape(port)
        failures.equal(before.get("enma_messages_total"), 0.0, "[metrics] no message yet")
        failures.equal(before.get("enma_messages_in_flight"), 0.0, "[metrics] nothing in flight")
        cache_metrics(failures, enma, port)
        check_verified(failures, "metrics: fail", send_message(enma, [FROM], ip=BAD_IP),
                       spf="fail")
        values = scrape(port)
        failures.equal(values.get("enma_messages_total"), 3.0, "[metrics] enma_messages_total")
        failures.equal(values.get('enma_results_total{method="spf",result="pass"}'), 2.0,
                       "[metrics] spf pass")
        failures.equal(values.get('enma_results_total{method="spf",result="fail"}'), 1.0,
                       "[metrics] spf fail")
        failures.equal(values.get('enma_results_total{method="dkim",result="none"}'), 3.0,
                       "[metrics] dkim none")
        records = enma.records("message")
        failures.equal(values.get("enma_dns_queries_total"),
                       float(sum(r.get("dns_queries", 0) for r in records)),
                       "[metrics] DNS queries equal the message records' sum")
        failures.equal(values.get("enma_eom_seconds_count"), 3.0, "[metrics] EOM histogram")
        # The MTA's QUIT closes the connection after its last reply: wait for the close.
        closed = scrape_until(port, "enma_connections", 0.0)
        failures.equal(closed.get("enma_connections"), 0.0, "[metrics] connections all closed")
        in_flight_and_errors(failures, enma, port)
        dashboard_names(failures, scrape(port))
    finally:
        failures.equal(enma.stop(), 0, "[metrics] exit status after SIGTERM")
        failures.equal(enma.sanitizer_report(), [], "[metrics] no sanitizer report")


def iprev_per_connection(failures, directory, dns, binary):
    """iprev.auth: the lookup starts at CONNECT and serves both messages of the connection."""
    path = os.path.join(directory, "iprev")
    os.makedirs(path, exist_ok=True)
    port = free_tcp_port()
    enma = Enma(binary, path, dns,
                options=("iprev.auth=true", f"metrics.listen=127.0.0.1:{port}")).start()
    try:
        before = scrape(port)
        excluded = send_message(enma, [FROM], ip=EXCLUDED_IP)
        failures.check(excluded is not None and mc.inserted_headers(excluded) == [],
                       "[iprev] an excluded client's message passes without A-R", str(excluded))
        after = scrape(port)
        failures.equal(delta(after, before, "enma_dns_cache_misses_total") +
                       delta(after, before, "enma_dns_cache_hits_total"), 0.0,
                       "[iprev] an excluded client is not looked up (no query at all)")
        client = start_message(enma)
        replies = []
        for number in range(2):
            if number:  # the MTA's next MAIL FROM on the same connection
                client.mail(f"<{FROM[1].strip()}>")
            client.header(*FROM)
            client.eoh()
            client.body(b"Hello.\r\n")
            replies.append(client.eom())
        client.quit()
        for number, actions in enumerate(replies, 1):
            value = check_verified(failures, f"iprev: message {number}", actions)
            failures.check("iprev=" in value, f"[iprev] message {number} has iprev", value)
        records = enma.records("message")
        failures.equal([r.get("iprev") for r in records], ["permerror", "permerror"],
                       "[iprev] 127.0.0.2 has no PTR (libunbound's local zone): permerror twice")
        queries = [r.get("dns_queries", 0) for r in records]
        failures.equal(queries[0] - queries[1] if len(queries) == 2 else queries, 1,
                       "[iprev] the PTR query counted once, in the first message")
    finally:
        failures.equal(enma.stop(), 0, "[iprev] exit status after SIGTERM")
        failures.equal(enma.sanitizer_report(), [], "[iprev] no sanitizer report")


class StdoutEnma(Enma):
    """enma with log.target=stdout as systemd runs it (JOURNAL_STREAM set, -f): stdout and
    stderr in two files, records() reading the stdout one."""

    def start(self, timeout=60.0):
        self.runs += 1
        self.log_path = os.path.join(self.directory, f"stdout.{self.runs}.log")
        self.stderr_path = os.path.join(self.directory, f"stderr.{self.runs}.log")
        env = dict(os.environ, JOURNAL_STREAM="8:12345")
        with open(self.log_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(self.command(), stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + timeout
        while not self.records("start") and time.monotonic() < deadline:
            status = self.process.poll()
            if status is not None:
                raise RuntimeError(f"enma exited with {status} at start-up: {self.log_text()}")
            time.sleep(0.05)
        return self


def json_stdout(failures, directory, dns, binary):
    """log.target=stdout, log.format=json: every stdout line one JSON record; stderr quiet."""
    import json
    path = os.path.join(directory, "stdout")
    os.makedirs(path, exist_ok=True)
    enma = StdoutEnma(binary, path, dns, options=("log.target=stdout", "log.format=json"))
    enma.start()
    try:
        failures.equal(len(enma.records("start")), 1, "[stdout] the start record on stdout")
        check_verified(failures, "stdout: message", send_message(enma, [FROM]))
    finally:
        failures.equal(enma.stop(), 0, "[stdout] exit status after SIGTERM")
    lines = enma.log_text().splitlines()
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            failures.check(False, "[stdout] every stdout line is a JSON object", line[:200])
    events = [record.get("event") for record in parsed]
    failures.check("message" in events and "stop" in events,
                   "[stdout] the message and stop records on stdout", str(events))
    failures.check(all({"time", "level", "event"} <= set(r) for r in parsed),
                   "[stdout] every record has time, level and event")
    message = [r for r in parsed if r.get("event") == "message"]
    failures.equal([r.get("spf") for r in message], ["pass"], "[stdout] the message's SPF")
    with open(enma.stderr_path) as f:
        failures.equal(f.read(), "", "[stdout] nothing on stderr")


def run(failures, directory, dns, enma):
    version = command_line(failures, enma.binary)
    keys_and_signals(failures, directory, dns, enma.binary, version)
    detached(failures, directory, dns, enma.binary)
    sockets(failures, directory, dns, enma.binary)
    metrics(failures, directory, dns, enma.binary)
    iprev_per_connection(failures, directory, dns, enma.binary)
    json_stdout(failures, directory, dns, enma.binary)
    enma.start()  # e2e.py's final check: SIGTERM, exit 0, drained
