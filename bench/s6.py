# s6.py - S6 of bench/run: where enma's CPU goes, beside the crypto floor.
#
#   s6(bench)  measures and stores the markdown of bench.tables["@S6@"]
#
# The S1 message (4 KB, one rsa-2048 signature, relaxed/relaxed, warm cache) against the warm
# `enma`, at concurrency 1 and 8:
#   1. the crypto floor: bench/crypto_floor.cpp (`crypto-floor`, built beside milterload) repeats,
#      with OpenSSL only, exactly the cryptography of that message's check: SHA-256 of its
#      canonical body, then EVP_DigestVerify (SHA-256 of the signed header fields and one
#      RSA-2048 verification) with the real b= and the real key, which must verify. The median
#      of three one-second runs, CPU time of its single thread;
#   2. the S1 load on enma under `perf record -a -e cpu-clock --call-graph dwarf`
#      (bench/cpu_split.py): enma's CPU ms/msg over the run (milterload --pid, /proc/PID/stat)
#      with its user/system split, and its samples, each charged to the first component its call
#      chain names walking from the leaf (malloc, memcpy, the kernel are charged to their
#      caller). A component's ms/msg is its share of the samples times that CPU ms/msg;
#   3. the same load without perf, as a control of perf's own cost, then a shorter one under
#      `perf stat`: enma's system calls and context switches per message.
#
# A paragraph for bench/benchmarks.md.in (the lead's to place):
#
#   ## S6: where enma's CPU goes (4 KB, 1 signature, warm cache)
#
#   The **crypto floor** is OpenSSL's own cost of the S1 message's check, measured in the same
#   run by `bench/crypto_floor.cpp` (`build-bench/bench/crypto-floor --message
#   $CORPUS/4k-1sig/m000.eml --key $CORPUS/keys/s1.txt`): the SHA-256 of the canonical body and
#   one `EVP_DigestVerify` (SHA-256 of the signed header fields, one RSA-2048 verification),
#   repeated for a second with the key decoded once, as enma keeps it; the signature must
#   verify. Beside it, enma's CPU per message on the same message (the S1 milterload command)
#   while `perf record -a -e cpu-clock -F 999 --call-graph dwarf,8192` samples the machine;
#   enma's samples are split by component (`bench/cpu_split.py`): each goes to the first
#   component its call chain names, from the leaf up; allocation, libc and kernel frames go to
#   their caller, so a `read()` on the milter socket counts as protocol and the loop's
#   `epoll_wait()` as scheduler. A component's ms/msg is its share of the samples times enma's
#   CPU ms/msg over the same run. perf samples every CPU (`-a`) rather than enma's process
#   (`-p`): a per-process event is switched with each of enma's thread switches, several per
#   message, which inflated its CPU and its scheduler share; the same run without perf is shown
#   as the control. A shorter run under `perf stat` counts enma's system calls and context
#   switches per message. `/usr/bin/python3 bench/cpu_split.py --pid $PID -- milterload ...`
#   prints the same split, with the top functions, for any load.
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cpu_split  # noqa: E402
from scenarios import table, target  # noqa: E402

CORPUS = "4k-1sig"
DESCRIPTIONS = {
    "crypto": "OpenSSL: body SHA-256, EVP_DigestVerify (header SHA-256, RSA), contexts",
    "libmilter/protocol": "libmilter (static) and enma::app's callbacks; socket reads, writes, "
                          "poll in the kernel",
    "DNS": "enma::resolver (the answer cache), libunbound",
    "parsing/verification": "enma::message, spf, sidf, dkim (tags, canonicalisation), adsp, "
                            "authres, pipeline",
    "scheduler": "enma::coro: hand-offs to the loop thread (eventfd), epoll_wait, waits",
    "logging": "the JSON log record, spdlog, fmt, the log file write",
    "other": "no component in the call chain",
}


def crypto_floor(bench, runs=3):
    """The median of `runs` crypto-floor runs: (result fields, shown command)."""
    binary = os.path.join(os.path.dirname(bench.milterload), "crypto-floor")
    if not os.path.exists(binary):
        raise RuntimeError(f"{binary} is missing: build the crypto-floor target")
    args = [binary, "--message", os.path.join(bench.corpus, CORPUS, "m000.eml"),
            "--key", os.path.join(bench.corpus, "keys", "s1.txt"), "--seconds", "1"]
    results = []
    for _ in range(runs):
        out = subprocess.run(args, capture_output=True, text=True)
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("result ")]
        if out.returncode != 0 or not line:
            raise RuntimeError(f"crypto-floor failed: {out.stderr.strip()}")
        print(f"S6 crypto floor: {line[-1]}", flush=True)
        results.append(dict(field.split("=", 1) for field in line[-1].split()[1:]))
    results.sort(key=lambda r: float(r["crypto_floor_ms_per_msg"]))
    shown = " ".join(args).replace(bench.corpus, "$CORPUS")
    shown = shown.replace(os.path.dirname(bench.milterload), "build-bench/bench")
    return results[len(results) // 2], shown


def messages_for(bench, name, concurrency):
    """About bench.duration seconds of messages: from S1's rate if it ran, else measured."""
    for row in bench.rows:
        if (row.get("scenario"), row.get("filter"), row.get("concurrency")) == \
                ("S1", name, concurrency):
            return max(1000, int(float(row["msgs_per_s"]) * bench.duration))
    fields, _ = bench.load(name, CORPUS, concurrency, 2000)
    return max(1000, int(float(fields["msgs_per_s"]) * bench.duration))


def measure_level(bench, name, concurrency, frequency):
    """One concurrency: the run under perf, a control run without it, the system calls."""
    pid = bench.filters[name][1].pid
    messages = messages_for(bench, name, concurrency)
    split, (profiled, command) = cpu_split.record(
        pid, lambda: bench.load(name, CORPUS, concurrency, messages), frequency)
    if split.deleted > split.samples / 100:
        raise RuntimeError(f"{name}'s binary was replaced while it ran: perf cannot name its "
                           "functions; restart the run")
    print(f"S6 c={concurrency}:\n{split.report(profiled['cpu_ms_per_msg'])}", flush=True)
    count = max(int(profiled["messages"]), 1)
    # The control: perf -a costs enma little (no per-thread switching, the stacks are unwound
    # afterwards), which this run without perf shows, noise permitting.
    plain, _ = bench.load(name, CORPUS, concurrency, messages)
    # System calls and context switches per message, on a shorter run of their own.
    counts, (counted, _) = cpu_split.count_syscalls(
        pid, lambda: bench.load(name, CORPUS, concurrency, min(messages, 5000)))
    per_message = {call: n / max(int(counted["messages"]), 1) for call, n in counts.items()}
    return {"concurrency": concurrency, "profiled": profiled, "plain": plain, "split": split,
            "user": split.cpu["utime_ms"] / count, "system": split.cpu["stime_ms"] / count,
            "command": command, "syscalls": per_message}


def syscall_line(run):
    calls = run["syscalls"]
    named = sorted(((n, call) for call, n in calls.items()
                    if call not in ("total", "context-switches") and n >= 0.05), reverse=True)
    return (f"c={run['concurrency']}: {calls.get('total', 0):.1f} system calls per message ("
            + ", ".join(f"{call} {n:.1f}" for n, call in named)
            + f"), {calls.get('context-switches', 0):.1f} context switches")


def s6(bench, name="enma", levels=(1, 8), frequency=999):
    floor, floor_command = crypto_floor(bench)
    floor_ms = float(floor["crypto_floor_ms_per_msg"])
    runs = [measure_level(bench, name, c, frequency) for c in levels]

    summary = []
    for run in runs:
        cpu = float(run["profiled"]["cpu_ms_per_msg"])
        crypto = run["split"].share("crypto") * cpu
        summary.append([
            run["concurrency"], run["profiled"]["msgs_per_s"], f"{cpu:.3f}",
            f"{run['user']:.3f} / {run['system']:.3f}", run["plain"]["cpu_ms_per_msg"],
            f"{floor_ms:.4f}", f"{cpu / floor_ms:.1f}", f"{crypto:.4f}",
            f"{crypto / floor_ms:.2f}", run["split"].samples, f"`{run['command']}`"])
    parts = [table(["concurrency", "msgs/s", "enma CPU ms/msg", "user / system ms/msg",
                    "without perf (control)", "crypto floor ms/msg", "enma / floor",
                    "enma's crypto ms/msg", "enma's crypto / floor", "perf samples",
                    "command"], summary),
             f"Crypto floor: body SHA-256 {floor['body_sha256_ms']} ms + EVP_DigestVerify "
             f"{floor['header_verify_ms']} ms ({floor['body_bytes']} body bytes, "
             f"{floor['header_bytes']} header bytes; {floor['iterations']} iterations, median "
             f"of 3 runs): `{floor_command}`"]

    rows = []
    for component in cpu_split.COMPONENTS:
        row = [component]
        for run in runs:
            split, cpu = run["split"], float(run["profiled"]["cpu_ms_per_msg"])
            kernel = split.kernel[component] / max(split.components[component], 1)
            row += [f"{split.share(component) * cpu:.4f}", f"{split.share(component):.1%}",
                    f"{kernel:.0%}"]
        rows.append(row + [DESCRIPTIONS[component]])
    header = ["component"]
    for run in runs:
        c = run["concurrency"]
        header += [f"c={c} ms/msg", f"c={c} share", f"c={c} in the kernel"]
    parts.append(table(header + ["covers"], rows))

    first = runs[0]
    cpu = float(first["profiled"]["cpu_ms_per_msg"])
    for title, counter in (("leaf function (where the CPU is spent)", first["split"].leaves),
                           ("deciding frame (the component's function on the way up)",
                            first["split"].deciders),
                           ("OpenSSL function enma called (crypto only)",
                            first["split"].crypto_calls)):
        parts.append(table([f"top {title}, c={first['concurrency']}", "share", "ms/msg"],
                           [[f"`{label}`", f"{share:.1%}", f"{share * cpu:.4f}"]
                            for label, share in first["split"].top(counter, 10)]))
    threads = ", ".join(f"{role} {share:.0%}"
                        for role, share in first["split"].thread_shares().items())
    other = max(run["split"].share("other") for run in runs)
    parts.append("System calls and context switches of enma per message (perf stat, "
                 f"{', '.join('c=' + str(run['concurrency']) for run in runs)}):<br>"
                 + "<br>".join(syscall_line(run) for run in runs))
    loopback = first["split"].loopback_rx / max(first["split"].samples, 1)
    parts.append(f"Threads (c={first['concurrency']}): {threads}. Of enma's samples, "
                 f"{loopback:.1%} (c={first['concurrency']}) are the kernel's loopback receive "
                 "path run inside its own socket writes and reads (delivering its replies, and "
                 "its ACKs, into milterload's socket), counted in libmilter/protocol: a cost of "
                 "measuring on loopback. \"other\": at most "
                 f"{other:.1%} of the samples; truncated call chains: "
                 f"{sum(run['split'].truncated for run in runs)}.")
    bench.tables["@S6@"] = "\n\n".join(parts)
    cpu = float(first["profiled"]["cpu_ms_per_msg"])
    target(bench, "S6", "enma's CPU split by component, ≥ 90% of samples named",
           f"{1 - other:.1%} named; enma {cpu:.3f} ms/msg = {cpu / floor_ms:.1f} × the crypto "
           "floor", other < 0.10)
    return runs, floor
