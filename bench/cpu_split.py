#!/usr/bin/python3
# cpu_split.py - where a filter's CPU goes: perf samples of a process during a load, split by
# component (S6 of bench/run, bench/s6.py).
#
#   record(pid, load, ...)  runs `load()` under `perf record -a -e cpu-clock --call-graph dwarf`
#                           and classifies PID's samples; returns a Split (below) and load()'s
#                           value
#   split_of(script_text)   classifies the text of `perf script` (for a perf.data made elsewhere)
#
# Standalone, around any command (the command's own output is printed as it is):
#   /usr/bin/python3 bench/cpu_split.py --pid PID [--frequency HZ] -- milterload ... --pid PID
#
# Each sample's call chain is walked from the leaf towards the root, and the first frame that
# names a component decides (COMPONENTS). Frames that name none are transparent: the kernel (so a
# system call is charged to the user code that made it: libmilter's read() and poll() to the
# protocol, the loop's epoll_wait() to the scheduler), libc and libstdc++ (malloc, free, memcpy,
# std:: containers: charged to their caller), and enma's own std:: template instances. A chain
# with no deciding frame at all is "other".
#
# Two choices, both measured on S1 (bench/s6.py):
#  - DWARF call chains, not frame pointers: neither enma's RelWithDebInfo build nor Debian's
#    libraries keep frame pointers, and with 8 KB of stack per sample every chain of enma's
#    reached clone3 (Split.truncated counts those that do not).
#  - perf record -a (every CPU), keeping enma's samples at `perf script --pid`, not
#    `perf record -p PID`: a per-process event is switched in and out with enma's threads, and
#    enma switches threads several times per message (milter worker <-> scheduler loop). In an
#    A/B on S1 at concurrency 1 that cost enma 0.46 ms/msg against 0.33 with -a, put 11% of its
#    samples on finish_task_switch (against 2%), and doubled the scheduler's share (21% / 10%).
import argparse
import collections
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

COMPONENTS = ("crypto", "libmilter/protocol", "DNS", "parsing/verification", "scheduler",
              "logging", "other")

# Libraries decide by themselves, whatever the symbol.
LIBRARY_COMPONENTS = (
    ("libcrypto.so", "crypto"), ("libssl.so", "crypto"),
    ("libunbound.so", "DNS"), ("libevent", "DNS"), ("libnettle.so", "DNS"),
    ("libhogweed.so", "DNS"), ("libgmp.so", "DNS"),  # libunbound's own crypto (DNSSEC)
    ("libspdlog.so", "logging"), ("libfmt.so", "logging"),
    ("libidn2.so", "parsing/verification"), ("libunistring.so", "parsing/verification"),
    ("libmilter.so", "libmilter/protocol"),
)
TRANSPARENT_LIBRARIES = ("[kernel.kallsyms]", "libc.so", "libstdc++.so", "libgcc_s.so",
                         "ld-linux", "libm.so", "[vdso]", "[unknown]", "libpthread")

# Symbols of enma's own binary (libmilter is linked into it statically).
LIBMILTER_NAMES = {"dec_argv", "fix_stm", "freehostent", "myisenhsc", "nonblocking", "send2",
                   "sendreply", "__wrap_read", "__wrap_accept", "__wrap_sigwait"}
LIBMILTER_PREFIXES = ("mi_", "smfi_", "st_", "sm_", "milter_")
# enma::app's logging: the log record, its JSON (nlohmann, used by app/common/logging.cpp only).
LOGGING_APP = re.compile(r"^enma::app::(LogRecord|emit|bounded|setup_logging|"
                         r"MilterConnection::log_message)")
NAMESPACES = {
    "app": "libmilter/protocol",  # the milter glue: callbacks, MilterConnection
    "coro": "scheduler",
    "resolver": "DNS",
    "message": "parsing/verification", "spf": "parsing/verification",
    "sidf": "parsing/verification", "dkim": "parsing/verification",
    "adsp": "parsing/verification", "authres": "parsing/verification",
    "pipeline": "parsing/verification", "verify": "parsing/verification",
    "conf": "other",
}


def qualified_name(symbol):
    """`symbol` without template arguments, parameters, clone suffixes and return type."""
    name = symbol.split("@", 1)[0].replace("(anonymous namespace)", "anon")
    name = re.sub(r"\[clone [^\]]*\]|\[abi:[^\]]*\]", "", name)
    out, depth = [], 0
    for c in name:  # drop <...> and (...), nested
        if c in "<(":
            depth += 1
        elif c in ">)" and depth:
            depth -= 1
        elif not depth:
            out.append(c)
    name = "".join(out).strip()
    return name.rsplit(" ", 1)[-1] if " " in name else name  # the return type goes


def symbol_component(symbol):
    """The component an enma binary symbol names, or None (transparent)."""
    name = qualified_name(symbol)
    base = name.split(".", 1)[0]  # fix_stm.part.0.isra.0
    if base in LIBMILTER_NAMES or base.startswith(LIBMILTER_PREFIXES):
        return "libmilter/protocol"
    if base.startswith(("nlohmann::", "spdlog::", "fmt::")):
        return "logging"
    if base.startswith("enma::"):
        if LOGGING_APP.match(base):
            return "logging"
        return NAMESPACES.get(base.split("::")[1], "other")
    return None  # std::, __gnu_cxx::, operator new, PLT stubs, main...


def frame_component(symbol, dso):
    base = os.path.basename(dso) if dso.startswith("/") else dso
    for prefix, component in LIBRARY_COMPONENTS:
        if base.startswith(prefix):
            return component
    if base.startswith(TRANSPARENT_LIBRARIES):
        return None
    return symbol_component(symbol)


def classify(frames):
    """(component, deciding frame) of one call chain, leaf first; frames are (symbol, dso)."""
    for index, (symbol, dso) in enumerate(frames):
        component = frame_component(symbol, dso)
        if component:
            if symbol == "[unknown]":  # a stripped library's internal function: its caller
                symbol = next((s for s, d in frames[index:] if d == dso and s != "[unknown]"),
                              symbol)
            return component, short(symbol)
    return "other", short(frames[0][0]) if frames else "-"


def short(symbol):
    name = qualified_name(symbol)
    return name if len(name) < 90 else name[:87] + "..."


def leaf_name(frames):
    """The leaf, or for a sample in the kernel the system call it is in (more telling)."""
    if not frames:
        return "-"
    symbol, dso = frames[0]
    if symbol == "[unknown]":  # a stripped library's internal function: name its caller
        known = next((s for s, d in frames if d == dso and s != "[unknown]"), None)
        if known:
            return f"{short(known)} > [unknown] ({os.path.basename(dso)})"
    if dso != "[kernel.kallsyms]":
        return f"{short(symbol)} ({os.path.basename(dso)})"
    # The system call: what do_syscall_64 called (__x64_sys_poll, ksys_write, ...).
    kernel = [s for s, d in frames if d == "[kernel.kallsyms]"]
    if "do_syscall_64" in kernel[1:]:
        below = [s for s in reversed(kernel[:kernel.index("do_syscall_64")])
                 if s != "x64_sys_call"]  # the table dispatch of newer kernels
        if below and below[0].startswith(("exit_to_user_mode", "syscall_exit")):
            return "[kernel] rescheduled on the way out of a syscall"
        if below:
            call = re.sub(r"^(__x64_sys_|__do_sys_|__sys_|ksys_|do_)", "", below[0])
            return f"[kernel] {call} (syscall)"
    return f"[kernel] {symbol}"


RECEIVE_PATH = {"net_rx_action", "__netif_receive_skb_one_core", "tcp_v4_rcv", "process_backlog"}


def thread_role(frames):
    """Which of enma's threads (docs/architecture.md) a chain ran on, from its outer frames."""
    outer = frames[-6:]
    symbols = {qualified_name(symbol) for symbol, _ in outer}
    if "mi_worker" in symbols:
        return "milter workers"
    if "enma::coro::Scheduler::run" in symbols:
        return "scheduler loop"
    if any("libunbound" in dso for _, dso in outer):
        return "libunbound worker"
    if symbols & {"mi_listener", "smfi_main", "main"}:
        return "main (accept loop)"
    return "other threads"


class Split:
    """The samples of one recording, classified."""

    def __init__(self):
        self.samples = 0
        self.components = collections.Counter()
        self.kernel = collections.Counter()  # per component: samples whose leaf is the kernel
        self.leaves = collections.Counter()
        self.deciders = collections.Counter()  # "component: frame" that decided
        self.other = collections.Counter()  # leaves of the chains classified "other"
        self.crypto_calls = collections.Counter()  # crypto by the OpenSSL function enma called
        self.threads = collections.Counter()  # samples per thread role (thread_role)
        self.truncated = 0  # chains that do not reach a thread's start: unwinding gave up
        self.deleted = 0  # samples in a binary replaced on disk since it started: no symbols
        # Samples in the kernel's receive path (softirq) inside the process's own system calls:
        # on loopback, a write() also delivers the data into the peer's socket, and a read()
        # the ACK it sends. Charged to the writer here; with a real network, much of it not.
        self.loopback_rx = 0
        self.lost = 0
        self.cpu = {}  # utime_ms, stime_ms over the recording (from /proc/PID/stat)

    def add(self, frames):
        component, decider = classify(frames)
        self.samples += 1
        self.components[component] += 1
        if frames and frames[0][1] == "[kernel.kallsyms]":
            self.kernel[component] += 1
        self.leaves[leaf_name(frames)] += 1
        self.deciders[f"{component}: {decider}"] += 1
        if component == "other":
            self.other[leaf_name(frames)] += 1
        self.threads[thread_role(frames)] += 1
        if any(dso.endswith("(deleted)") for _, dso in frames):
            self.deleted += 1
        if any(symbol in RECEIVE_PATH for symbol, _ in frames):
            self.loopback_rx += 1
        if frames and frames[-1][0] not in ("clone3", "clone", "_start", "__libc_start_main"):
            self.truncated += 1
        if component == "crypto":
            outer = [s for s, d in frames if "libcrypto" in d and s != "[unknown]"]
            self.crypto_calls[short(outer[-1]) if outer else "[unknown]"] += 1

    def thread_shares(self):
        return {role: n / self.samples for role, n in self.threads.most_common()}

    def share(self, component):
        return self.components[component] / self.samples if self.samples else 0.0

    def per_message(self, cpu_ms_per_msg):
        """ms per message of each component, from the filter's CPU ms/msg."""
        return {c: self.share(c) * float(cpu_ms_per_msg) for c in COMPONENTS}

    def top(self, counter, count=10):
        return [(name, n / self.samples) for name, n in counter.most_common(count)]

    def report(self, cpu_ms_per_msg=None):
        lines = [f"{self.samples} samples ({self.truncated} truncated chains, {self.lost} chunks "
                 f"lost); user {self.cpu.get('utime_ms', 0):.0f} ms, system "
                 f"{self.cpu.get('stime_ms', 0):.0f} ms",
                 "threads: " + ", ".join(f"{role} {share:.1%}"
                                         for role, share in self.thread_shares().items())]
        lines.append(f"loopback receive path inside its system calls: "
                     f"{self.loopback_rx / max(self.samples, 1):.1%}")
        if self.deleted:
            lines.append(f"WARNING: {self.deleted} samples in a binary deleted or replaced since "
                         "it started (rebuilt?): its symbols are unknown, the split is wrong")
        for c in COMPONENTS:
            ms = f" {self.share(c) * float(cpu_ms_per_msg):.4f} ms/msg" if cpu_ms_per_msg else ""
            kernel = self.kernel[c] / max(self.components[c], 1)
            lines.append(f"  {c:22} {self.share(c):6.1%}{ms}  (in the kernel: {kernel:.0%})")
        for title, counter in (("leaves", self.leaves), ("deciding frames", self.deciders),
                               ("'other' leaves", self.other),
                               ("OpenSSL entry points (crypto)", self.crypto_calls)):
            lines.append(f"top {title}:")
            lines += [f"  {share:6.1%}  {name}" for name, share in self.top(counter)]
        return "\n".join(lines)


SAMPLE_HEAD = re.compile(r"^\S.*:\s*\d+\s+\S+:\s*$")
# "    7f12 symbol (dso)"; the dso is "/path (deleted)" when the file was replaced meanwhile.
FRAME = re.compile(r"^\s+[0-9a-f]+ (.*) \(((?:[^()]|\(deleted\))*)\)$")


def samples_of(script_text):
    """The call chains of `perf script -F comm,tid,time,period,event,ip,sym,dso` output."""
    frames = None
    for line in script_text.splitlines():
        if not line.strip():
            if frames is not None:
                yield frames
            frames = None
        elif not line[0].isspace():
            if frames is not None:
                yield frames
            frames = []
        else:
            frames = [] if frames is None else frames  # no header line (-F without comm)
            match = FRAME.match(line)
            if match:
                frames.append((match.group(1), match.group(2)))
            else:  # "[unknown]" frames have no symbol: "   7f12 [unknown] ([unknown])"
                frames.append(("[unknown]", "[unknown]"))
    if frames is not None:
        yield frames


def split_of(script_text):
    split = Split()
    for frames in samples_of(script_text):
        split.add(frames)
    return split


def proc_cpu_ms(pid):
    """utime, stime of `pid` (all threads) in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = 1000.0 / os.sysconf("SC_CLK_TCK")
    return int(fields[11]) * tick, int(fields[12]) * tick


def run_controlled(perf_args, pid, load, work):
    """Run `load()` with the perf command `perf_args` (record or stat) counting only meanwhile.

    perf starts with its events off (-D -1) and is switched on and off through a control FIFO
    exactly around load(), so its own start-up and the wait for its exit are not measured.
    Returns (load()'s value, /proc CPU (user, system) ms of `pid` before, after, perf's stderr).
    """
    control = (os.path.join(work, "ctl"), os.path.join(work, "ack"))
    for path in control:
        os.mkfifo(path)
    perf = subprocess.Popen(perf_args + ["-D", "-1", "--control",
                                         f"fifo:{control[0]},{control[1]}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # O_RDWR: opening a FIFO so never blocks, even if perf dies before opening its ends.
    ctl = os.open(control[0], os.O_RDWR)
    ack = os.open(control[1], os.O_RDWR)

    def command(word):
        os.write(ctl, (word + "\n").encode())
        deadline = time.monotonic() + 60
        while not select.select([ack], [], [], 0.5)[0]:
            if perf.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"perf did not answer '{word}': {perf.communicate()[1]}")
        os.read(ack, 64)

    try:
        command("enable")
        before = proc_cpu_ms(pid)
        try:
            value = load()
        finally:
            after = proc_cpu_ms(pid)
            command("disable")
    finally:
        os.close(ctl)
        os.close(ack)
        if perf.poll() is None:
            perf.send_signal(signal.SIGINT)
        _, errors = perf.communicate(timeout=300)
    if perf.returncode not in (0, -signal.SIGINT):
        raise RuntimeError(f"{' '.join(perf_args[:2])} failed: {errors}")
    return value, before, after, errors


def record(pid, load, frequency=999, stack=8192, directory=None, keep=None):
    """Run `load()` with the machine sampled by perf; returns (Split of `pid`, load()'s value).

    `directory`: where the (large: ~15 MB per second) perf.data goes, a temporary directory
    under it; `keep`: a path to write the perf.data to instead, for `perf report -i`.
    """
    with tempfile.TemporaryDirectory(prefix="cpu-split-", dir=directory) as work:
        data = keep or os.path.join(work, "perf.data")
        # -a: see the header. -m: per-CPU rings large enough for DWARF samples.
        value, before, after, errors = run_controlled(
            ["perf", "record", "-q", "-a", "-e", "cpu-clock", "-F", str(frequency),
             "--call-graph", f"dwarf,{stack}", "-m", "4M", "-o", data], pid, load, work)
        script = subprocess.run(["perf", "script", "-i", data, "--pid", str(pid), "--no-inline",
                                 "-F", "comm,tid,time,period,event,ip,sym,dso"],
                                capture_output=True, text=True, check=True)
        split = split_of(script.stdout)
        lost = re.search(r"lost (\d+) chunks", errors + script.stderr)
        split.lost = int(lost.group(1)) if lost else 0
        split.cpu = {"utime_ms": after[0] - before[0], "stime_ms": after[1] - before[1]}
        return split, value


SYSCALLS = ("read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg",
            "poll", "ppoll", "epoll_wait", "epoll_pwait", "futex", "setsockopt", "getsockopt",
            "accept", "accept4", "close", "mmap", "munmap", "madvise")


def count_syscalls(pid, load, directory=None):
    """Run `load()` counting `pid`'s system calls and context switches (perf stat, per thread:
    counting, unlike sampling, costs nothing per context switch that would matter here).

    Returns ({"total": n, "context-switches": n, name: n for each of SYSCALLS made}, value).
    """
    events = (["raw_syscalls:sys_enter", "context-switches"] +
              [f"syscalls:sys_enter_{name}" for name in SYSCALLS])
    with tempfile.TemporaryDirectory(prefix="cpu-split-", dir=directory) as work:
        out = os.path.join(work, "stat.csv")
        value, _, _, _ = run_controlled(["perf", "stat", "-x", ",", "-o", out, "-e",
                                         ",".join(events), "-p", str(pid)], pid, load, work)
        counts = {}
        with open(out) as f:
            for line in f:
                fields = line.strip().split(",")
                if len(fields) > 2 and fields[0].isdigit():
                    name = fields[2].replace("syscalls:sys_enter_", "")
                    counts["total" if name == "raw_syscalls:sys_enter" else name] = int(fields[0])
    return {name: n for name, n in counts.items() if n}, value


def main():
    parser = argparse.ArgumentParser(description="split a process's CPU by component (perf)")
    parser.add_argument("--pid", type=int, help="the process to sample")
    parser.add_argument("--frequency", type=int, default=999)
    parser.add_argument("--script", help="classify this `perf script` output instead")
    parser.add_argument("--keep", help="keep the perf.data here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the load to run")
    args = parser.parse_args()
    if args.script:
        with open(args.script) as f:
            print(split_of(f.read()).report())
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.pid or not command:
        parser.error("--pid and a command (after --) are needed")
    started = time.monotonic()
    split, result = record(args.pid, lambda: subprocess.run(command, capture_output=True,
                                                            text=True), args.frequency,
                           keep=args.keep)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    cpu = re.search(r"cpu_ms_per_msg=([0-9.]+)", result.stdout)
    print(f"recorded {time.monotonic() - started:.1f} s")
    print(split.report(cpu.group(1) if cpu else None))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
