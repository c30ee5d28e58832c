# scenarios.py - the DNS-bound, resource and MTA scenarios of bench/run (issue 6), and the
# lines of issues 11, 12, 13 and 15:
#
#   S1-all    S1's rows of enma with every method, with ARC, with the report recorder, and of
#             OpenDKIM followed by OpenDMARC (measured in bench/run's S1 loop): their targets
#   ARC3      a three-hop ARC chain and one DKIM signature, concurrency 8
#   S3-cold   cold cache, +50 ms per DNS query, a distinct sender domain per message
#   S4        the ENMA paper's worst-case message (233 queries) at +50 ms, one at a time
#   MEM       RSS with 100 KB bodies, then with one 50 MB body
#   S5        5,000 concurrent milter connections, one message each
#   S5-20k    20,000 slow connections (a command every 2 s each) and a well-behaved one
#   POSTFIX   smtp-source -s 8 into a private Postfix (discard transport), with enma, with
#             OpenDKIM, with OpenDMARC and with no milter
# Each function takes bench/run's Bench, measures, and stores a markdown table in
# bench.tables under its template placeholder. Every figure is a ratio against a peer or a
# floor measured in the same run (OpenDKIM and OpenDMARC, bench/peers.py; the proxy's own
# round trip; Postfix alone).
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
from peers import PEERS, descriptor_ceiling, expected, raise_fd_limit  # noqa: E402


def ratio(a, b, digits=2):
    try:
        return f"{float(a) / float(b):.{digits}f}"
    except (ValueError, ZeroDivisionError, TypeError):
        return "-"


def mib(kib):
    return f"{kib / 1024:.1f}"


def dns_round_trip_ms(server, tries=7):
    """The floor: median time of one SOA query to `server` (host, port: the proxy)."""
    times = []
    for _ in range(tries):
        qid = random.randrange(65536)
        query = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        query += b"\x05bench\x07example\x00" + struct.pack("!HH", 6, 1)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            start = time.monotonic()
            sock.sendto(query, server)
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


def versus_peers(results, suffix, key, enma_over_peer=True):
    """Ratio cells of enma+suffix's `key` against each peer+suffix's (results: name -> fields)."""
    mine = results["enma" + suffix]
    cells = []
    for peer, _ in PEERS:
        other = results.get(peer + suffix)
        pair = (mine, other) if enma_over_peer else (other, mine)
        cells.append(ratio(pair[0][key], pair[1][key]) if other else "-")
    return cells


def ratio_headers(template):
    return [template.format(peer=label) for _, label in PEERS]


def s3_cold(bench, messages, concurrency=8):
    """Every message from its own domain: SPF, Sender ID, DKIM key, ADSP, DMARC all miss."""
    rows = []
    results = {}
    for name in ["enma-50ms"] + [peer + "-50ms" for peer, _ in PEERS]:
        fields, command = bench.load(name, "cold", concurrency, messages)
        results[name] = fields
        rows.append([name, fields["messages"], fields["errors"], fields["unexpected"],
                     fields["p50_ms"], fields["p99_ms"], ratio(fields["p99_ms"], bench.floor_ms),
                     f"`{command}`"])
    enma = results["enma-50ms"]
    limit = 1.5 * bench.delay_ms
    peers_p99 = "; ".join(f"{label}: {float(results[peer + '-50ms']['p99_ms']):.1f}"
                          for peer, label in PEERS)
    target(bench, "S3-cold", f"enma p99 ≤ 1.5 × {bench.delay_ms} ms = {limit:.0f} ms, all methods",
           f"p99 {float(enma['p99_ms']):.1f} ms ({peers_p99})",
           float(enma["p99_ms"]) <= limit and enma["errors"] == "0")
    cells = versus_peers(results, "-50ms", "p99_ms")
    for row in rows:
        row[7:7] = cells if row[0] == "enma-50ms" else [""] * len(cells)
    if "enma-all-50ms" in bench.filters:
        rows += s3_cold_all(bench, messages, concurrency, limit, len(cells))
    bench.tables["@S3COLD@"] = table(
        ["filter", "messages", "errors", "not verified", "p50 ms", "p99 ms",
         "p99 / DNS round trip"] + ratio_headers("enma/{peer} p99") + ["command"], rows)


def s3_cold_all(bench, messages, concurrency, limit, blanks):
    """Issue 11: the same with DMARC and iprev on: on reused connections (iprev of 8 clients,
    cached after the first messages; DMARC cold), then with a new connection (so a new client
    and a cold PTR) per message, the target's; returns the two table rows."""
    name = "enma-all-50ms"
    rows, runs = [], {}
    dialogue = ["--reconnect", "--dialogue-ms", str(int(bench.delay_ms))]
    for how, extra, label in (("reused", [], "connections reused"),
                              ("reconnect", ["--reconnect"], "a new connection per message"),
                              ("dialogue", dialogue, "the same, MAIL one DNS round trip after "
                               "CONNECT")):
        fields, command = bench.load(name, "cold", concurrency, messages, extra=extra)
        runs[how] = fields
        rows.append([f"{name} ({label})",
                     fields["messages"], fields["errors"], fields["unexpected"], fields["p50_ms"],
                     fields["p99_ms"], ratio(fields["p99_ms"], bench.floor_ms)]
                    + [""] * blanks + [f"`{command}`"])
    fields, reused = runs["reconnect"], runs["reused"]
    p99 = float(fields["p99_ms"])
    target(bench, "S3-cold", f"enma-all (DMARC and iprev on, a cold client per message) p99 ≤ "
           f"1.5 × {bench.delay_ms} ms = {limit:.0f} ms (issue 11)",
           f"p99 {p99:.1f} ms, p50 {float(fields['p50_ms']):.1f} ms; {fields['unexpected']} of "
           f"{fields['messages']} without dkim, dmarc and iprev pass (connections reused, iprev "
           f"cold on each connection's first message only: p50 {float(reused['p50_ms']):.1f}, "
           f"p99 {float(reused['p99_ms']):.1f} ms; with MAIL one DNS round trip after "
           f"CONNECT, as a real SMTP dialogue takes several: p99 "
           f"{float(runs['dialogue']['p99_ms']):.1f} ms)",
           p99 <= limit and fields["errors"] == "0" and fields["unexpected"] == "0")
    return rows


# --- S1-all and ARC3 (issues 11, 12, 15) --------------------------------------------------------

CHAIN = "opendkim+opendmarc"


def fields_ok(*rows):
    return all(r["errors"] == "0" and r["unexpected"] == "0" for r in rows)


def stored_records(path):
    """Rows of enma-report's dmarc_message table (its writer thread may lag: 1 s to drain)."""
    import sqlite3
    if not path or not os.path.exists(path):
        return 0
    time.sleep(1)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT count(*) FROM dmarc_message").fetchone()[0]


def cpu_target(bench, rows, levels, name, base, limit, goal, also=True):
    """`name`'s CPU per message ≤ limit × `base`'s at every level of `levels` (S1-all), and
    `also`."""
    shown, met = [], bool(levels) and also
    for level in levels:
        mine, other = rows.get((name, level)), rows.get((base, level))
        if not mine or not other:
            met = False
            continue
        times = float(mine["cpu_ms_per_msg"]) / max(float(other["cpu_ms_per_msg"]), 1e-9)
        shown.append(f"c={level}: {mine['cpu_ms_per_msg']} / {other['cpu_ms_per_msg']} ms = "
                     f"{times:.2f}×")
        met = met and times <= limit and fields_ok(mine, other)
    target(bench, "S1-all", goal, "; ".join(shown) or "-", met)


def s1_all(bench):
    """The S1-all table (enma's S1 rows for reference) and its four target lines."""
    wanted = [r for r in bench.rows
              if r["scenario"] == "S1-all" or (r["scenario"] == "S1" and r["filter"] == "enma")]
    rows = {(r["filter"], r["concurrency"]): r for r in wanted}
    levels = sorted({level for _, level in rows})
    cpu_target(bench, rows, levels, "enma-all", "enma", 1.25,
               "enma-all (+ ADSP, DMARC, iprev, ARC) ≤ 1.25 × enma's (SPF, Sender ID, DKIM) CPU "
               "per message, every message passing each (issue 11)")
    shown, met = [], bool(levels)
    for level in levels:
        mine, chain = rows.get(("enma-all", level)), rows.get((CHAIN, level))
        if not mine or not chain:
            met = False
            continue
        times = float(mine["msgs_per_s"]) / max(float(chain["msgs_per_s"]), 1e-9)
        shown.append(f"c={level}: {times:.2f}×")
        met = met and times >= 3 and fields_ok(mine, chain)
    target(bench, "S1-all", "enma-all ≥ 3 × the msgs/s of OpenDKIM followed by OpenDMARC at "
           "every concurrency (issue 11)", ", ".join(shown) or "-", met)
    cpu_target(bench, rows, levels, "enma-arc", "enma", 1.05,
               "ARC verification on, no ARC header in the message: enma-arc ≤ 1.05 × enma's CPU "
               "per message (issue 12: costs nothing measurable)")
    measured = sum(int(r["messages"]) for (name, _), r in rows.items() if name == "enma-report")
    stored = stored_records(bench.report_store)
    cpu_target(bench, rows, levels, "enma-report", "enma-all", 1.05,
               "the DMARC report recorder (SQLite) on: enma-report ≤ 1.05 × enma-all's CPU per "
               f"message (issue 15); the store holds a record of each message ({stored} records "
               f"for the {measured} measured, warm-ups included)", stored >= measured > 0)
    cells = []
    for (name, level), r in sorted(rows.items(), key=lambda kv: (kv[0][1], order(kv[0][0]))):
        base = "enma-all" if name == "enma-report" else "enma"
        other = rows.get((base, level))
        chain = rows.get((CHAIN, level))
        cells.append([level, name, r["msgs_per_s"], r["p50_ms"], r["p99_ms"],
                      r["cpu_ms_per_msg"], r["errors"], r["unexpected"],
                      ratio(r["cpu_ms_per_msg"], other["cpu_ms_per_msg"])
                      if other and name not in ("enma", CHAIN) else "",
                      ratio(r["msgs_per_s"], chain["msgs_per_s"])
                      if chain and name.startswith("enma") else "",
                      f"`{r['command']}`"])
    bench.tables["@S1ALL@"] = table(
        ["concurrency", "filter", "msgs/s", "p50 ms", "p99 ms", "CPU ms/msg", "errors",
         "not verified", "CPU / enma (enma-report: / enma-all)",
         "msgs/s / OpenDKIM+OpenDMARC", "command"], cells)


def order(name):
    names = ["enma", "enma-arc", "enma-all", "enma-report", CHAIN]
    return names.index(name) if name in names else len(names)


def arc3(bench, concurrency=8):
    """Issue 12: a message with a three-hop ARC chain and its one DKIM signature."""
    results, cells = {}, []
    for name in ("enma-arc", "enma-all", "opendkim"):
        extra = ["--expect", "arc=pass"] if name.startswith("enma") else []
        results[name] = bench.measure("ARC3", name, "arc3", concurrency, "tuned", extra)
    peer = results["opendkim"]
    for name, r in results.items():
        cells.append([concurrency, name, r["msgs_per_s"], r["p50_ms"], r["p99_ms"],
                      r["cpu_ms_per_msg"], r["errors"], r["unexpected"],
                      ratio(r["msgs_per_s"], peer["msgs_per_s"]) if name != "opendkim" else "",
                      f"`{r['command']}`"])
    mine = results["enma-all"]
    times = float(mine["msgs_per_s"]) / max(float(peer["msgs_per_s"]), 1e-9)
    target(bench, "ARC3", "3-hop ARC chain + 1 DKIM signature, c=8: enma-all (arc=pass) ≥ 3 × "
           "OpenDKIM's msgs/s on the same messages (issue 12)",
           f"{times:.2f}× (enma-arc: {ratio(results['enma-arc']['msgs_per_s'], peer['msgs_per_s'])}×)",
           times >= 3 and fields_ok(mine, peer))
    bench.tables["@ARC3@"] = table(
        ["concurrency", "filter", "msgs/s", "p50 ms", "p99 ms", "CPU ms/msg", "errors",
         "not verified", "msgs/s / OpenDKIM", "command"], cells)


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
        return sum(1 for line in f if line.split()[:1] in (["udp"], ["tcp"]))


OPENDMARC_WORST = 5  # messages of S4 for OpenDMARC at most


def worst_lookups(path):
    """dns_queries of each S4 message in enma's log (MAIL FROM user@wN.bench.example)."""
    return [r.get("dns_queries", 0) for r in log_records(path, ".bench.example")
            if str(r.get("mail_from", "")).split("@")[-1].startswith("w")]


def queries_total(path):
    return sum(worst_lookups(path))


def s1_cpu_ms(bench):
    """enma's CPU per ordinary message (S1: 4 KB, 1 signature, c=1) in this run; measured
    here, on the warm enma resolving through NSD directly, when S1 was not run."""
    for row in bench.rows:
        if (row["scenario"], row["filter"], row["concurrency"]) == ("S1", "enma", 1):
            return float(row["cpu_ms_per_msg"]), "S1 c=1"
    fields, _ = bench.load("enma", "4k-1sig", 1, 2000)
    return float(fields["cpu_ms_per_msg"]), "4k-1sig c=1, 2000 messages"


def s4_targets(bench, fields, sent, lookups):
    """Issue 13's amplification goals: upstream queries, round trips, CPU per message."""
    messages = max(int(fields["messages"]), 1)
    upstream = sent * messages / max(lookups, 1)
    target(bench, "S4", "queries through the proxy ≤ 1.1 × enma's lookups (no retransmissions)",
           f"{sent * messages:.0f} / {lookups} = {upstream:.2f}×", lookups and upstream <= 1.1)
    limit = 4 * bench.delay_ms
    target(bench, "S4", f"p99 ≤ 4 round trips = 4 × {bench.delay_ms} ms = {limit} ms",
           f"p50 {float(fields['p50_ms']):.0f} ms, p99 {float(fields['p99_ms']):.0f} ms",
           float(fields["p99_ms"]) <= limit)
    cpu = float(fields["cpu_ms_per_msg"])
    ordinary, source = s1_cpu_ms(bench)
    target(bench, "S4", "enma CPU per message ≤ 10 × an ordinary message's",
           f"{cpu:.2f} ms / {ordinary:.3f} ms ({source}) = {cpu / max(ordinary, 1e-9):.1f}×",
           cpu <= 10 * ordinary)


def s4_worst(bench, messages, proxy_log):
    """The 233-query message, one at a time: wall time, queries, enma's threads."""
    rows = []
    for name in ["enma-50ms"] + [peer + "-50ms" for peer, _ in PEERS]:
        pid = bench.filters[name][1].pid
        if name == "enma-50ms":
            # libunbound starts its worker thread with the first query: one ordinary message
            # (names of its own) first, so that a run of S4 alone counts it in "before" too.
            bench.load(name, "4k-1sig", 1, 1, expect=None)
        before = bench.status(pid)["Threads"]
        sent_before = proxy_queries(proxy_log)
        # OpenDMARC's libspf2 asks one query at a time: ~6 s a message, each the same.
        count = min(messages, OPENDMARC_WORST) if name.startswith("opendmarc") else messages
        with bench.sampler(pid) as sampler:
            fields, command = bench.load(name, "worst", 1, count, expect=None)
        time.sleep(0.5)
        after = bench.status(pid)["Threads"]
        sent = (proxy_queries(proxy_log) - sent_before) / max(int(fields["messages"]), 1)
        queries = "-"
        if name in bench.logs:
            counts = sorted(worst_lookups(bench.logs[name]))
            queries = f"{counts[0]}..{counts[-1]}" if counts else "-"
        if name == "enma-50ms":
            s4_targets(bench, fields, sent, queries_total(bench.logs[name]))
            target(bench, "S4", "enma's thread count does not grow",
                   f"{before} / {sampler.peak['Threads']} / {after} (before / peak / after)",
                   sampler.peak["Threads"] <= before and after <= before)
        rows.append([name, fields["messages"], fields["errors"], fields["p50_ms"],
                     fields["p99_ms"], ratio(fields["p50_ms"], bench.floor_ms, 1), queries,
                     f"{sent:.0f}", fields["cpu_ms_per_msg"],
                     f"{before} / {sampler.peak['Threads']} / {after}",
                     f"`{command}`"])
    bench.tables["@S4@"] = table(
        ["filter", "messages", "errors", "p50 ms", "p99 ms", "p50 / DNS round trip",
         "dns_queries (enma log)", "queries through the proxy per message", "CPU ms/msg",
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
        ["filter", "messages (100 KB + 50 MB)", "not verified", "VmHWM after 100 KB MiB",
         "VmHWM after 50 MB MiB", "growth MiB", "VmRSS after MiB", "commands"], rows)


def s5_connections(bench, names, connections):
    """`connections` connections at once, one message each: completed, RSS, threads."""
    rows = []
    hwm = {}
    for name in names:
        pid = bench.filters[name][1].pid
        before = bench.status(pid)
        with bench.sampler(pid) as sampler:
            fields, command = bench.load(name, "4k-1sig", connections, connections,
                                         extra=["--hold"])
        time.sleep(1)
        after = bench.status(pid)
        hwm[name] = {"VmHWM": after["VmHWM"]}
        if name.startswith("enma"):
            target(bench, "S5", f"all {connections} complete, RSS under 256 MB",
                   f"{fields['messages']} completed, {fields['errors']} errors, VmHWM "
                   f"{mib(after['VmHWM'])} MiB",
                   int(fields["messages"]) == connections and after["VmHWM"] < 256 * 1024)
        rows.append([name, fields["messages"], fields["errors"], fields["unexpected"],
                     fields["p99_ms"], sampler.peak["Threads"], mib(sampler.peak["VmRSS"]),
                     mib(after["VmHWM"]), f"{before['Threads']} / {after['Threads']}",
                     f"`{command}`"])
    cells = versus_peers(hwm, "-mem", "VmHWM")
    for row in rows:
        row[8:8] = cells if row[0] == "enma-mem" else [""] * len(cells)
    bench.tables["@S5@"] = table(
        ["filter", "completed", "errors", "not verified", "p99 ms", "peak Threads",
         "peak VmRSS MiB", "VmHWM MiB"] + ratio_headers("enma/{peer} VmHWM")
        + ["Threads before / after", "command"], rows)


FD_RESERVE = 100  # descriptors enma and milterload need besides the connections


def s5_slow(bench, name, asked, pace_ms):
    """Issue 13: `asked` slow connections at once beside one well-behaved connection; fewer when
    the descriptor limit cannot be raised that far (each connection is a descriptor in enma
    and one in milterload), which the target line says."""
    pid = bench.filters[name][1].pid
    ceiling = descriptor_ceiling()
    connections = min(asked, ceiling - FD_RESERVE)
    fewer = "" if connections == asked else (
        f" ({asked} asked: the hard descriptor limit is {ceiling} and this run may not raise it)")
    alone, alone_command = bench.load(name, "4k-1sig", 1, None)
    args = bench.command(name, "4k-1sig", connections, "tuned", messages=connections)
    args += ["--pace-ms", str(pace_ms)]
    before = bench.status(pid)
    with bench.sampler(pid) as sampler:
        started = time.monotonic()
        slow = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=raise_fd_limit)
        lines = []
        for line in slow.stdout:  # until every slow connection is open
            lines.append(line)
            if line.startswith("paced:"):
                break
        opened = time.monotonic() - started
        beside, beside_command = bench.load(name, "4k-1sig", 1, None)
        out, err = slow.communicate()
    after = bench.status(pid)
    result = [ln for ln in lines + out.splitlines() if ln.startswith("result ")]
    if not result:
        raise RuntimeError(f"milterload (slow) failed: {err[-2000:]}")
    print(f"S5-20k {name} slow: {result[-1].strip()} (open in {opened:.1f} s)", flush=True)
    if err.strip():
        print(err.strip()[:2000], flush=True)
    fields = dict(field.split("=", 1) for field in result[-1].split()[2:])
    peak_rss, peak_threads = sampler.peak["VmRSS"], sampler.peak["Threads"]
    target(bench, "S5-20k", f"all {connections} slow connections{fewer} complete with the right "
           "verdicts, enma's RSS < 256 MB and threads < 64 (issue 13)",
           f"{fields['messages']} completed, {fields['errors']} errors, {fields['unexpected']} "
           f"not verified; peak VmRSS {mib(peak_rss)} MiB, peak Threads {peak_threads}",
           int(fields["messages"]) == connections and fields["errors"] == "0"
           and fields["unexpected"] == "0" and peak_rss < 256 * 1024 and peak_threads < 64)
    p99_alone, p99_beside = float(alone["p99_ms"]), float(beside["p99_ms"])
    target(bench, "S5-20k", "a well-behaved connection beside them keeps its latency: p99 ≤ 2 × "
           "its p99 without them (issue 13)",
           f"p99 {p99_beside:.2f} ms beside, {p99_alone:.2f} ms alone "
           f"({ratio(p99_beside, p99_alone)}×)",
           p99_beside <= 2 * p99_alone and fields_ok(alone, beside))
    shown = bench.shown(args, name)
    blank = ["", "", "", ""]
    bench.tables["@S5SLOW@"] = table(
        ["connections", "messages", "errors", "not verified", "p50 ms", "p99 ms", "peak Threads",
         "peak VmRSS MiB", "VmHWM MiB", "Threads before / after", "command"],
        [[f"{connections} slow (all open after {opened:.1f} s)", fields["messages"],
          fields["errors"], fields["unexpected"], fields["p50_ms"], fields["p99_ms"],
          peak_threads, mib(peak_rss), mib(after["VmHWM"]),
          f"{before['Threads']} / {after['Threads']}", f"`{shown}`"],
         ["1 well-behaved, alone (before)", alone["messages"], alone["errors"],
          alone["unexpected"], alone["p50_ms"], alone["p99_ms"]] + blank + [f"`{alone_command}`"],
         [f"1 well-behaved, beside the {connections}", beside["messages"], beside["errors"],
          beside["unexpected"], beside["p50_ms"], beside["p99_ms"]] + blank
         + [f"`{beside_command}`"]])


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


VERIFIED = "bench-verified"  # the WARN text of milter_header_checks: one log line a message


def header_checks(directory, expect):
    """A milter_header_checks table logging VERIFIED for each A-R header containing `expect`."""
    path = os.path.join(directory, "milter_header_checks")
    with open(path, "w") as f:
        f.write(f"/^Authentication-Results:.*{expect}/ WARN {VERIFIED}\n")
    return f"regexp:{path}"


def postfix_run(directory, milter_port, message, count, sessions, milter_pid=None, expect=None):
    import harness
    postfix = harness.Postfix(directory, milter_port or 9)
    settings = dict(POSTFIX_EXTRA)
    if milter_port is None:
        settings["smtpd_milters"] = ""
    if expect:
        settings["milter_header_checks"] = header_checks(directory, expect)
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
    finally:
        postfix.stop()
    shown = " ".join(args[:-1] + ["127.0.0.1:$SMTP_PORT"]).replace(message, "$MESSAGE")
    verified = ""
    if expect:
        verified = (f"{postfix.maillog().count(VERIFIED)} of {count + sessions * 4} with "
                    f"{expect} (warm-up included)")
    return {"rate": count / seconds, "command": shown, "verified": verified,
            "milter_cpu": f"{milter_cpu:.2f}" if milter_pid else "",
            "machine_cpu": machine_cpu}


def postfix(bench, corpus, directory, count, sessions=8):
    os.chmod(directory, 0o755)  # Postfix's unprivileged processes walk into it
    message = smtp_source_file(corpus, directory)
    runs = {}
    labels = {"none": "Postfix, no milter",
              "enma0": "Postfix + enma0 (enma, every method off: the milter plumbing alone)",
              "enma": "Postfix + enma"}
    labels.update((peer, f"Postfix + {label}") for peer, label in PEERS)
    for name in labels:
        port, process = bench.filters[name] if name != "none" else (None, None)
        where = os.path.join(directory, f"postfix-{name}")
        os.makedirs(where)
        runs[name] = postfix_run(where, port, message, count, sessions,
                                 process.pid if process else None,
                                 expected(name) if process else None)
        print(f"POSTFIX {name}: {runs[name]['rate']:.1f} msgs/s {runs[name]['verified']}",
              flush=True)
        shutil.rmtree(where, ignore_errors=True)
    alone = runs["none"]
    target(bench, "POSTFIX", "Postfix + enma ≥ 80% of Postfix alone (msgs/s)",
           f"{runs['enma']['rate']:.0f} / {alone['rate']:.0f} = "
           f"{ratio(runs['enma']['rate'], alone['rate'])}",
           runs["enma"]["rate"] >= 0.8 * alone["rate"])
    plumbing = runs["enma0"]
    target(bench, "POSTFIX", "(for reading the line above) Postfix + enma0, the same milter "
           "with every method off, against Postfix alone",
           f"{plumbing['rate']:.0f} / {alone['rate']:.0f} = "
           f"{ratio(plumbing['rate'], alone['rate'])}; enma / enma0 = "
           f"{ratio(runs['enma']['rate'], plumbing['rate'])}",
           plumbing["rate"] >= 0.8 * alone["rate"])
    rows = []
    for name, label in labels.items():
        run = runs[name]
        port = f"${name.upper()}_PORT"
        milter = "" if name == "none" else f" (smtpd_milters = inet:127.0.0.1:{port})"
        rows.append([label, f"{run['rate']:.1f}", ratio(run["rate"], alone["rate"]),
                     run["milter_cpu"], f"{run['machine_cpu']:.2f}",
                     ratio(run["machine_cpu"], alone["machine_cpu"]), run["verified"],
                     f"`{run['command']}`{milter}"])
    bench.tables["@POSTFIX@"] = table(
        ["MTA", "msgs/s", "/ Postfix alone", "milter CPU ms/msg", "machine CPU ms/msg",
         "machine CPU / Postfix alone", "verified", "command"], rows)
