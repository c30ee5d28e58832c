"""loopback_dns.py - what the conformance scripts share: a private network + mount namespace
whose /etc/resolv.conf names tests/support/zone_server.py on 127.0.0.1:53, and the resolver
options that point the shipped binaries at it.

    enter_namespace()          re-exec the calling script inside `unshare --net --mount
                               --map-root-user` (once: the environment marks the second run)
    with LoopbackDns() as dns: lo up, resolv.conf bind-mounted, dns.server a ZoneServer
    resolver_options(mode)     -o options for resolver.mode=system or forward (and a timeout)
    enma_check(binary, ...)    one enma-check --json run, its parsed report (None if unreadable)

`resolver.mode=system` thus reads a real resolv.conf, and `forward` names the server itself.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from zone_server import Zone, ZoneServer  # noqa: E402,F401  (re-exported for the scripts)

NAMESPACE_MARK = "ENMA_CONFORMANCE_NETNS"
MODES = ("system", "forward")
# A suite's TIMEOUT cases wait QUICK for every lookup the server leaves unanswered. On a loaded
# machine the Python server may itself take that long (a temperror, or a ptr term that does
# not match); a result a case does not expect is then run again with PATIENT (spf_suites.py):
# a real bug repeats, a slow server does not.
QUICK, PATIENT = "1500ms", "5s"


def enter_namespace():
    """Re-run the calling script as root of a private network + mount namespace."""
    if os.environ.get(NAMESPACE_MARK):
        return
    env = dict(os.environ, **{NAMESPACE_MARK: "1"})
    command = ["unshare", "--net", "--mount", "--map-root-user", sys.executable] + sys.argv
    os.execvpe("unshare", command, env)


def prepare_namespace(directory):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    resolv = os.path.join(directory, "resolv.conf")
    with open(resolv, "w") as out:
        out.write("nameserver 127.0.0.1\n")
    subprocess.run(["mount", "--bind", resolv, "/etc/resolv.conf"], check=True)


class LoopbackDns:
    """Inside the namespace: lo up, resolv.conf naming 127.0.0.1, a ZoneServer on port 53."""

    def __enter__(self):
        self.directory = tempfile.TemporaryDirectory()
        prepare_namespace(self.directory.name)
        self.server = ZoneServer("127.0.0.1", 53)
        return self

    def __exit__(self, *exc):
        self.server.stop()
        self.directory.cleanup()
        return False


def resolver_options(mode, timeout=QUICK):
    """-o options for one resolver mode, DNSSEC off (the test zones are unsigned)."""
    options = ["-o", "resolver.mode=" + mode, "-o", "resolver.dnssec=false",
               "-o", "resolver.query_timeout=" + timeout]
    if mode == "forward":
        options += ["-o", "resolver.forwarders=127.0.0.1"]
    return options


def enma_check(binary, mode, message, args=(), overrides=(), timeout=QUICK):
    """enma-check --json over the loopback server: (report or None, output for diagnosis)."""
    command = [binary, "--json"] + list(args) + resolver_options(mode, timeout)
    for override in overrides:
        command += ["-o", override]
    done = subprocess.run(command + ["-"], input=message, capture_output=True, timeout=60)
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    try:
        return json.loads(done.stdout), output
    except ValueError:
        return None, output
