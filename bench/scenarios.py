# scenarios.py - the DNS-bound, resource and MTA scenarios of bench/run (issue 6):
#
#   S3-cold   cold cache, +50 ms per DNS query, a distinct sender domain per message
#   S4        the ENMA paper's worst-case message (233 queries) at +50 ms, one at a time
#   MEM       RSS with 100 KB bodies, then with one 50 MB body
#   S5        5,000 concurrent milter connections, one message each
#   POSTFIX   smtp-source -s 8 into a private Postfix (discard transport), with enma, with
#             OpenDKIM and with no milter
# Each function takes bench/run's Bench, measures, and stores a markdown table in
# bench.tables under its template placeholder. Every figure is a ratio against a peer or a
# floor measured in the same run (OpenDKIM, the proxy's own round trip, Postfix alone).
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))


def ratio(a, b, digits=2):
    try:
        return f"{float(a) / float(b):.{digits}f}"
    except (ValueError, ZeroDivisionError, TypeError):
        return "-"


def mib(kib):
    return f"{kib / 1024:.1f}"


def dns_round_trip_ms(port, tries=7):
    """The floor: median time of one SOA query to 127.0.0.1:port (through the proxy)."""
    times = []
    for _ in range(tries):
        qid = random.randrange(65536)
        query = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        query += b"\x05bench\x07example\x00" + struct.pack("!HH", 6, 1)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            start = time.monotonic()
            sock.sendto(query, ("127.0.0.1", port))
            sock.recv(4096)
            times.append((time.monotonic() - start) * 1000)
    return sorted(times)[len(times) // 2]


def target(bench, scenario, goal, measured, met):
    """One line of the targets table (issue 6's goals, judged on this run's figures)."""
    bench.targets.append([scenario, goal, measured, "yes" if met else "**no**"])


def targets_table(bench):
    if not bench.targets:
        return "(no scenario with a target was run)"
    return table(["scenario", "target", "this run", "met"], bench.targets)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def s3_cold(bench, messages, concurrency=8):
    """Every message from its own domain: SPF, Sender ID, DKIM key and ADSP all miss."""
    rows = []
    results = {}
    for name in ("enma-50ms", "opendkim-50ms"):
        fields, command = bench.load(name, "cold", concurrency, messages)
        results[name] = fields
        rows.append([name, fields["messages"], fields["errors"], fields["unexpected"],
                     fields["p50_ms"], fields["p99_ms"], ratio(fields["p99_ms"], bench.floor_ms),
                     f"`{command}`"])
    enma, peer = results["enma-50ms"], results["opendkim-50ms"]
    limit = 1.5 * bench.delay_ms
    target(bench, "S3-cold", f"enma p99 ≤ 1.5 × {bench.delay_ms} ms = {limit:.0f} ms, all methods",
           f"p99 {float(enma['p99_ms']):.1f} ms (OpenDKIM, DKIM only: {float(peer['p99_ms']):.1f})",
           float(enma["p99_ms"]) <= limit and enma["errors"] == "0")
    rows[0].insert(7, ratio(enma["p99_ms"], peer["p99_ms"]))
    rows[1].insert(7, "")
    bench.tables["@S3COLD@"] = table(
        ["filter", "messages", "errors", "not dkim=pass", "p50 ms", "p99 ms",
         "p99 / DNS round trip", "enma/OpenDKIM p99", "command"], rows)


def log_records(path, pattern):
    """enma's JSON `message` records whose mail_from contains `pattern`."""
    records = []
    with open(path, errors="replace") as f:
        for line in f:
            start = line.find("{")
            if start < 0:
                continue
            try:
                record = json.loads(line[start:])
            except ValueError:
                continue
            if pattern in str(record.get("mail_from", "")):
                records.append(record)
    return records


def proxy_queries(path):
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return sum(1 for line in f if line.strip() in ("udp", "tcp"))


def s4_worst(bench, messages, proxy_log):
    """The 233-query message, one at a time: wall time, queries, enma's threads."""
    rows = []
    for name in ("enma-50ms", "opendkim-50ms"):
        pid = bench.filters[name][1].pid
        before = bench.status(pid)["Threads"]
        sent_before = proxy_queries(proxy_log)
        with bench.sampler(pid) as sampler:
            fields, command = bench.load(name, "worst", 1, messages, expect=None)
        time.sleep(0.5)
        after = bench.status(pid)["Threads"]
        sent = (proxy_queries(proxy_log) - sent_before) / max(int(fields["messages"]), 1)
        queries = "-"
        if name in bench.logs:
            counts = sorted(r.get("dns_queries", 0)
                            for r in log_records(bench.logs[name], ".bench.example")
                            if str(r.get("mail_from", "")).split("@")[-1].startswith("w"))
            queries = f"{counts[0]}..{counts[-1]}" if counts else "-"
        if name == "enma-50ms":
            limit = 10 * bench.delay_ms
            target(bench, "S4", f"wall time per message ≤ 10 × {bench.delay_ms} ms = {limit} ms",
                   f"p50 {float(fields['p50_ms']):.0f} ms, p99 {float(fields['p99_ms']):.0f} ms, "
                   f"dns_queries {queries}", float(fields["p99_ms"]) <= limit)
            target(bench, "S4", "enma's thread count does not grow",
                   f"{before} / {sampler.peak['Threads']} / {after} (before / peak / after)",
                   sampler.peak["Threads"] <= before and after <= before)
        rows.append([name, fields["messages"], fields["errors"], fields["p50_ms"],
                     fields["p99_ms"], ratio(fields["p50_ms"], bench.floor_ms, 1), queries,
                     f"{sent:.0f}", f"{before} / {sampler.peak['Threads']} / {after}",
                     f"`{command}`"])
    bench.tables["@S4@"] = table(
        ["filter", "messages", "errors", "p50 ms", "p99 ms", "p50 / DNS round trip",
         "dns_queries (enma log)", "queries through the proxy per message",
         "Threads before / peak / after", "command"], rows)


def memory(bench, names):
    """VmHWM after 100 KB messages, then after one 50 MB message, on fresh filters."""
    rows = []
    for name in names:
        pid = bench.filters[name][1].pid
        bench.load(name, "4k-1sig", 1, 20, expect=None)
        fields, command_small = bench.load(name, "100k-1sig", 1, 40)
        small = bench.status(pid)
        fields_huge, command_huge = bench.load(name, "huge", 1, 3)
        huge = bench.status(pid)
        if name.startswith("enma"):
            growth = huge["VmHWM"] - small["VmHWM"]
            target(bench, "MEM", "VmHWM with a 50 MB body within 8 MB of 100 KB bodies",
                   f"{mib(small['VmHWM'])} → {mib(huge['VmHWM'])} MiB", growth < 8 * 1024)
        rows.append([name, f"{fields['messages']} + {fields_huge['messages']}",
                     f"{fields['unexpected']} + {fields_huge['unexpected']}",
                     mib(small["VmHWM"]), mib(huge["VmHWM"]),
                     mib(huge["VmHWM"] - small["VmHWM"]), mib(huge["VmRSS"]),
                     f"`{command_small}`<br>`{command_huge}`"])
    bench.tables["@MEM@"] = table(
        ["filter", "messages (100 KB + 50 MB)", "not dkim=pass", "VmHWM after 100 KB MiB",
         "VmHWM after 50 MB MiB", "growth MiB", "VmRSS after MiB", "commands"], rows)


def s5_connections(bench, names, connections):
    """`connections` connections at once, one message each: completed, RSS, threads."""
    rows = []
    for name in names:
        pid = bench.filters[name][1].pid
        before = bench.status(pid)
        with bench.sampler(pid) as sampler:
            fields, command = bench.load(name, "4k-1sig", connections, connections,
                                         extra=["--hold"])
        time.sleep(1)
        after = bench.status(pid)
        if name.startswith("enma"):
            target(bench, "S5", f"all {connections} complete, RSS under 256 MB",
                   f"{fields['messages']} completed, {fields['errors']} errors, VmHWM "
                   f"{mib(after['VmHWM'])} MiB",
                   int(fields["messages"]) == connections and after["VmHWM"] < 256 * 1024)
        rows.append([name, fields["messages"], fields["errors"], fields["unexpected"],
                     fields["p99_ms"], sampler.peak["Threads"], mib(sampler.peak["VmRSS"]),
                     mib(after["VmHWM"]), f"{before['Threads']} / {after['Threads']}",
                     f"`{command}`"])
    for row in rows:
        row.insert(8, ratio(row[7], rows[-1][7]) if row is not rows[-1] else "")
    bench.tables["@S5@"] = table(
        ["filter", "completed", "errors", "not dkim=pass", "p99 ms", "peak Threads",
         "peak VmRSS MiB", "VmHWM MiB", "enma/OpenDKIM VmHWM", "Threads before / after",
         "command"], rows)


# --- Postfix -----------------------------------------------------------------------------------

POSTFIX_EXTRA = {  # main.cf lines set over tests/e2e/harness.py's: discard once queued
    "virtual_transport": "discard",
    "smtpd_client_connection_count_limit": "0",
    "smtpd_client_connection_rate_limit": "0",
}


def edit_main_cf(path, settings):
    """Replace (or add) `name = value` lines of a main.cf."""
    with open(path) as f:
        lines = [line for line in f.read().splitlines()
                 if line.split("=", 1)[0].strip() not in settings]
    lines += [f"{name} = {value}" for name, value in settings.items()]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def smtp_source_file(corpus, directory):
    """The first 4 KB message with LF endings (smtp-source -F appends CRLF to each line)."""
    with open(os.path.join(corpus, "4k-1sig", "m000.eml"), "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    path = os.path.join(directory, "smtp-source.eml")
    with open(path, "wb") as f:
        f.write(data)
    return path


def cpu_ms(pid):
    """User + system CPU time of `pid` (all threads) in ms, from /proc/PID/stat."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def machine_busy_ms():
    """CPU time all CPUs of the machine spent busy (not idle, not iowait), in ms (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(value) for value in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) * 1000.0 / os.sysconf("SC_CLK_TCK")


def postfix_run(directory, milter_port, message, count, sessions, milter_pid=None):
    import harness
    postfix = harness.Postfix(directory, milter_port or 9)
    settings = dict(POSTFIX_EXTRA)
    if milter_port is None:
        settings["smtpd_milters"] = ""
    edit_main_cf(os.path.join(postfix.config, "main.cf"), settings)
    postfix.start()
    try:
        args = ["smtp-source", "-s", str(sessions), "-m", str(count), "-F", message,
                "-f", "user@bench.example", "-t", "inbox@e2e.test",
                f"127.0.0.1:{postfix.smtp_port}"]
        # A short warm-up (the first sessions start Postfix's smtpd and cleanup processes).
        subprocess.run(args[:3] + ["-m", str(sessions * 4)] + args[5:], check=True,
                       capture_output=True)
        start, cpu, busy = time.monotonic(), cpu_ms(milter_pid), machine_busy_ms()
        result = subprocess.run(args, capture_output=True, text=True)
        seconds = time.monotonic() - start
        milter_cpu = (cpu_ms(milter_pid) - cpu) / count
        machine_cpu = (machine_busy_ms() - busy) / count
        if result.returncode != 0:
            raise RuntimeError(f"smtp-source failed: {result.stderr}")
        shown = " ".join(args[:-1] + ["127.0.0.1:$SMTP_PORT"]).replace(message, "$MESSAGE")
        rejected = postfix.maillog().count("milter-reject")
        return (count / seconds, shown, f"{milter_cpu:.2f}" if milter_pid else "",
                f"{machine_cpu:.2f}")
    finally:
        postfix.stop()


def postfix(bench, corpus, directory, count, sessions=8):
    os.chmod(directory, 0o755)  # Postfix's unprivileged processes walk into it
    message = smtp_source_file(corpus, directory)
    runs = {}
    for name in ("none", "enma", "opendkim"):
        port, process = bench.filters[name] if name != "none" else (None, None)
        where = os.path.join(directory, f"postfix-{name}")
        os.makedirs(where)
        pass_before = 0
        if name == "enma":
            pass_before = len([r for r in log_records(bench.logs["enma"], "@bench.example")
                               if r.get("client_ip") == "127.0.0.1"])
        runs[name] = postfix_run(where, port, message, count, sessions,
                                 process.pid if process else None)
        print(f"POSTFIX {name}: {runs[name][0]:.1f} msgs/s", flush=True)
        shutil.rmtree(where, ignore_errors=True)
        if name == "enma":
            records = [r for r in log_records(bench.logs["enma"], "@bench.example")
                       if r.get("client_ip") == "127.0.0.1"][pass_before:]
            verified = sum(1 for r in records if r.get("dkim1") == "pass")
            runs[name] += (f"{verified} of {len(records)} logged dkim=pass (warm-up included)",)
    alone = runs["none"][0]
    target(bench, "POSTFIX", "Postfix + enma ≥ 80% of Postfix alone (msgs/s)",
           f"{runs['enma'][0]:.0f} / {alone:.0f} = {ratio(runs['enma'][0], alone)}",
           runs["enma"][0] >= 0.8 * alone)
    rows = []
    for name, label in (("none", "Postfix, no milter"), ("enma", "Postfix + enma"),
                        ("opendkim", "Postfix + OpenDKIM")):
        rate, command, milter_cpu, machine_cpu = runs[name][:4]
        note = runs[name][4] if len(runs[name]) > 4 else ""
        milter = {"none": "", "enma": " (smtpd_milters = inet:127.0.0.1:$ENMA_PORT)",
                  "opendkim": " (smtpd_milters = inet:127.0.0.1:$OPENDKIM_PORT)"}[name]
        rows.append([label, f"{rate:.1f}", ratio(rate, alone), milter_cpu, machine_cpu,
                     ratio(machine_cpu, runs["none"][3]), note, f"`{command}`{milter}"])
    bench.tables["@POSTFIX@"] = table(
        ["MTA", "msgs/s", "/ Postfix alone", "milter CPU ms/msg", "machine CPU ms/msg",
         "machine CPU / Postfix alone", "verified", "command"], rows)
