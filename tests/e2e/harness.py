# harness.py - what the e2e suites share: the DNS fixture (NSD with the e2e zones), the enma
# daemon, a private Postfix instance, and parsing of Authentication-Results fields.
#
# Everything runs on loopback in one temporary directory (ENMA_E2E_KEEP=1 keeps it). Anything
# that cannot start is a failure (HarnessError), never a skip. NSD and the black-hole server
# come from tests/integration/fixture.py; the zones are ours:
#   e2e.example.        (unsigned; enma runs with resolver.dnssec=false)
#     pass              TXT "v=spf1 ip4:127.0.0.2 -all"      127.0.0.2 passes, others fail
#     soft              TXT "v=spf1 ip4:127.0.0.2 ~all"      others softfail
#     explained         TXT "v=spf1 ip4:127.0.0.2 exp=why.e2e.example -all" (why: the text)
#     signed            TXT "v=spf1 ip4:127.0.0.2 -all"      and a DKIM key:
#     sel._domainkey.signed  TXT "v=DKIM1; k=rsa; p=..."     (RSA 2048, made per run)
#     dmarc, quar        SPF as pass; _dmarc: p=reject and p=quarantine (suite_dmarc.py);
#                       dmarc's rua= has two addresses (suite_report.py)
#     sel._domainkey.dmarc  the same DKIM key (suite_arc.py signs as dmarc.e2e.example)
#     pm                TXT "v=spf1 exists:%{l}.ok.%{d} -all" only postmaster@pm passes
#                                                            (suite_envelope.py)
#   blackhole.example.  a stub zone pointing at the black-hole server: every lookup times out
# Client addresses: 127.0.0.2 (authorized), 127.0.0.3 (not), 127.0.0.9 (excluded).
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import fixture  # noqa: E402  (tests/integration/fixture.py: NSD and the black-hole proxy)

AUTHSERV_ID = "mx.e2e.example"
GOOD_IP = "127.0.0.2"
BAD_IP = "127.0.0.3"
EXCLUDED_IP = "127.0.0.9"
RECIPIENT = "inbox@e2e.test"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ThreadSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


class HarnessError(Exception):
    pass


class Failures:
    """Collects failed checks so one run reports all of them; exit status 1 if any."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"  ok   {what}", flush=True)
        else:
            self.failed.append(what)
            print(f"  FAIL {what}" + (f"\n       {detail}" if detail else ""), flush=True)
        return condition

    def equal(self, actual, expected, what):
        return self.check(actual == expected, f"{what}: {expected!r}",
                          f"got {actual!r}")

    def summary(self, suite):
        print(f"{suite}: {self.passed} checks passed, {len(self.failed)} failed", flush=True)
        for what in self.failed:
            print(f"  failed: {what}", flush=True)
        return 1 if self.failed else 0


def workspace(prefix):
    directory = tempfile.mkdtemp(prefix=prefix)
    os.chmod(directory, 0o755)  # Postfix's unprivileged processes walk into it
    return directory


def remove_workspace(directory):
    if os.environ.get("ENMA_E2E_KEEP"):
        print(f"e2e directory kept: {directory}", file=sys.stderr)
    else:
        shutil.rmtree(directory, ignore_errors=True)


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- DNS -------------------------------------------------------------------------------------

def make_dkim_key(directory):
    """RSA 2048 key pair: (private key PEM path, public key base64 for the p= tag)."""
    key = os.path.join(directory, "dkim.key")
    fixture.run_tool(["openssl", "genrsa", "-out", key, "2048"], directory)
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return key, base64.b64encode(der).decode()


def e2e_zone(public_key):
    record = f"v=DKIM1; k=rsa; p={public_key}"
    return ("$ORIGIN e2e.example.\n$TTL 300\n"
            "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
            f'pass TXT "v=spf1 ip4:{GOOD_IP} -all"\n'
            f'soft TXT "v=spf1 ip4:{GOOD_IP} ~all"\n'
            f'signed TXT "v=spf1 ip4:{GOOD_IP} -all"\n'
            f'explained TXT "v=spf1 ip4:{GOOD_IP} exp=why.e2e.example -all"\n'
            'why TXT "%{i} may not send for %{d}"\n'
            f"sel._domainkey.signed TXT {fixture.split_strings(record)}\n"
            # suite_dmarc.py: p=reject and p=quarantine domains, SPF from GOOD_IP only.
            f'dmarc TXT "v=spf1 ip4:{GOOD_IP} -all"\n'
            # suite_report.py sends aggregate reports to its rua= over SMTP.
            '_dmarc.dmarc TXT "v=DMARC1; p=reject; rua=mailto:rua@dmarc.e2e.example,'
            'mailto:refused@dmarc.e2e.example"\n'
            f"sel._domainkey.dmarc TXT {fixture.split_strings(record)}\n"
            f'quar TXT "v=spf1 ip4:{GOOD_IP} -all"\n'
            '_dmarc.quar TXT "v=DMARC1; p=quarantine"\n'
            # suite_report.py: failure reports (fo=1) to an internal and an external ruf=.
            f'ruf TXT "v=spf1 ip4:{GOOD_IP} -all"\n'
            '_dmarc.ruf TXT "v=DMARC1; p=none; fo=1; ruf=mailto:failures@ruf.e2e.example,'
            'mailto:ruf@elsewhere.e2e.example"\n'
            # suite_envelope.py: an empty local-part is checked as postmaster (RFC 7208 4.3).
            'pm TXT "v=spf1 exists:%{l}.ok.%{d} -all"\n'
            "postmaster.ok.pm A 127.0.0.1\n")


class Dns:
    """NSD serving e2e.example on a free port, and the black-hole server."""

    def __init__(self, directory):
        self.directory = directory
        self.processes = []
        self.dkim_key, public = make_dkim_key(directory)
        path = os.path.join(directory, "e2e.example.zone")
        with open(path, "w") as f:
            f.write(e2e_zone(public))
        try:
            nsd, self.nsd_port = fixture.start_nsd(directory, {"e2e.example": path})
            self.processes.append(nsd)
            proxy, ports = fixture.start_proxy(self.nsd_port, os.path.join(directory, "proxy.log"))
            self.processes.append(proxy)
        except fixture.FixtureError as error:
            self.stop()
            raise HarnessError(f"DNS fixture: {error}")
        self.blackhole_port = ports["blackhole_port"]

    def stop(self):
        for process in reversed(self.processes):
            fixture.stop(process)
        self.processes = []


# --- enma ------------------------------------------------------------------------------------

class Enma:
    """The enma daemon in the foreground, JSON log records and stderr in one file."""

    def __init__(self, binary, directory, dns, port=None, options=(), config_file=None):
        self.binary = binary
        self.config_file = config_file
        self.directory = directory
        self.dns = dns
        self.port = port or free_tcp_port()
        self.options = list(options)
        self.wrapper = []  # a command that execs enma, e.g. setpriv (suite_report.py)
        self.process = None
        self.runs = 0
        self.log_path = None

    def command(self):
        base = {
            "milter.socket": f"inet:{self.port}@127.0.0.1",
            "milter.pidfile": "",
            "milter.chdir": self.directory,
            "log.target": "stderr",
            "log.format": "json",
            "resolver.mode": "forward",
            "resolver.forwarders": f"127.0.0.1@{self.dns.nsd_port}",
            "resolver.stub_zones": f"blackhole.example=127.0.0.1@{self.dns.blackhole_port}",
            "resolver.dnssec": "false",
            "authresult.identifier": AUTHSERV_ID,
            "common.exclusion_addresses": EXCLUDED_IP,
            "milter.verify_deadline": "3s",
            "resolver.query_timeout": "30s",
        }
        for option in self.options:
            key, value = option.split("=", 1)
            base[key] = value
        args = [self.binary, "-f"]
        if self.config_file:
            args += ["-c", self.config_file]
        for key, value in base.items():
            args += ["-o", f"{key}={value}"]
        return args

    def start(self, timeout=60.0):
        self.runs += 1
        self.log_path = os.path.join(self.directory, f"enma.{self.runs}.log")
        log = open(self.log_path, "w")
        env = dict(os.environ)
        # Leak checks at exit (a report makes the exit status non-zero). A small quarantine
        # (the last option wins) so that RSS measures enma, not the freed memory ASan holds
        # back to catch use-after-free (256 MB by default); ignored by normal builds.
        asan = env.get("ASAN_OPTIONS", "detect_leaks=1")
        env["ASAN_OPTIONS"] = asan + ":quarantine_size_mb=4"
        self.process = subprocess.Popen(self.wrapper + self.command(), stdout=log,
                                        stderr=subprocess.STDOUT, env=env,
                                        preexec_fn=raise_fd_limit)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"enma exited with {self.process.returncode} at start-up:\n"
                                   + self.log_text())
            if any(r.get("event") == "start" for r in self.records()):
                return self
            time.sleep(0.05)
        self.kill()
        raise HarnessError("enma did not log 'start' in time:\n" + self.log_text())

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def pid(self):
        return self.process.pid

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise HarnessError("no VmRSS")

    def threads(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        return 0

    def open_sockets(self):
        directory = f"/proc/{self.process.pid}/fd"
        count = 0
        for name in os.listdir(directory):
            try:
                if os.readlink(os.path.join(directory, name)).startswith("socket:"):
                    count += 1
            except OSError:
                pass
        return count

    def log_text(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def records(self, event=None):
        out = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if event is None or record.get("event") == event:
                    out.append(record)
        return out

    def sanitizer_report(self):
        text = self.log_text()
        return [mark for mark in SANITIZER_MARKS if mark in text]

    def stop(self, timeout=120.0):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if not self.alive():
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.alive():
            self.process.kill()
            self.process.wait()


def raise_fd_limit():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


# --- Postfix ---------------------------------------------------------------------------------

MASTER_CF = """\
{smtp_port} inet n - n - - smtpd
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def main_cf(directory, milter_port, uid, gid, default_action, extra=""):
    return f"""\
compatibility_level = 3.6
queue_directory = {directory}/queue
data_directory = {directory}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = {AUTHSERV_ID}
mydomain = e2e.example
myorigin = e2e.example
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = e2e.test
virtual_mailbox_base = {directory}/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = 1
virtual_mailbox_limit = 0
message_size_limit = 20480000
smtputf8_enable = no
biff = no
maillog_file_prefixes = {directory}
maillog_file = {directory}/maillog
smtpd_milters = inet:127.0.0.1:{milter_port}
non_smtpd_milters =
milter_protocol = 6
milter_default_action = {default_action}
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 300s
{extra}"""


class Postfix:
    """A private Postfix instance: config, queue and Maildir under `directory`. `extra_main_cf`
    lines come last in main.cf (a later line overrides an earlier one)."""

    def __init__(self, directory, milter_port, default_action="accept", extra_main_cf=""):
        self.directory = directory
        self.config = os.path.join(directory, "etc")
        self.smtp_port = free_tcp_port()
        self.mail = os.path.join(directory, "mail")
        self.started = False
        nobody = 65534
        for sub in ("etc", "queue", "data", "mail"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        os.chown(self.mail, nobody, nobody)
        with open(os.path.join(self.config, "main.cf"), "w") as f:
            f.write(main_cf(directory, milter_port, nobody, nobody, default_action,
                            extra_main_cf))
        with open(os.path.join(self.config, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(smtp_port=f"127.0.0.1:{self.smtp_port}"))
        data = os.path.join(directory, "data")
        shutil.chown(data, "postfix", "postfix")

    def postfix(self, *args):
        binary = shutil.which("postfix") or "/usr/sbin/postfix"
        if not os.path.exists(binary):
            raise HarnessError("postfix is not installed (Debian package postfix)")
        return subprocess.run([binary, "-c", self.config, *args], capture_output=True, text=True)

    def start(self, timeout=30.0):
        if os.geteuid() != 0:
            raise HarnessError("Postfix needs root to start its master")
        result = self.postfix("start")
        if result.returncode != 0:
            raise HarnessError(f"postfix start failed: {result.stdout}{result.stderr}\n"
                               + self.maillog())
        self.started = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=5) as s:
                    s.settimeout(10)
                    if s.recv(512).startswith(b"220"):
                        s.sendall(b"QUIT\r\n")
                        return self
            except OSError:
                time.sleep(0.1)
        raise HarnessError("Postfix does not answer on its SMTP port:\n" + self.maillog())

    def master_pid(self):
        try:
            with open(os.path.join(self.directory, "queue", "pid", "master.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if not self.started:
            return
        pid = self.master_pid()
        self.postfix("stop")
        deadline = time.monotonic() + 15
        while pid and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            if pid:
                self.postfix("abort")
        self.started = False

    def maillog(self):
        path = os.path.join(self.directory, "maillog")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def delivered(self):
        """Paths of delivered messages (Maildir new/)."""
        new = os.path.join(self.mail, "inbox", "new")
        if not os.path.isdir(new):
            return []
        return [os.path.join(new, name) for name in sorted(os.listdir(new))]

    def wait_for(self, tag, timeout=60.0):
        """The delivered message carrying `X-E2E-Case: tag`, as bytes (None on time-out)."""
        needle = f"X-E2E-Case: {tag}\n".encode()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in self.delivered():
                with open(path, "rb") as f:
                    data = f.read()
                if needle in data.split(b"\n\n", 1)[0] + b"\n":
                    return data
            time.sleep(0.1)
        return None


def swaks(smtp_port, source_ip, sender, data, helo="client.e2e.example", timeout=120):
    """Send one message with swaks; returns (exit status, transcript)."""
    binary = shutil.which("swaks") or "/usr/bin/swaks"
    if not os.path.exists(binary):
        raise HarnessError("swaks is not installed")
    args = [binary, "--server", "127.0.0.1", "--port", str(smtp_port),
            "--local-interface", source_ip, "--helo", helo, "--from", sender,
            "--to", RECIPIENT, "--data", "-", "--timeout", "120s", "--suppress-data"]
    result = subprocess.run(args, input=data, capture_output=True, timeout=timeout)
    return result.returncode, (result.stdout + result.stderr).decode(errors="replace")


# --- messages and Authentication-Results -----------------------------------------------------

def header_fields(message):
    """(name, unfolded value) for each header field of a delivered message (bytes)."""
    head = message.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("latin-1")
    fields = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1][1] += " " + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            fields.append([name, value.strip()])
    return [(name, value) for name, value in fields]


def auth_results(message):
    return [value for name, value in header_fields(message)
            if name.lower() == "authentication-results"]


def split_unquoted(text, separator=";"):
    parts, current, quoted, depth = [], [], False, 0
    for char in text:
        if char == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")" and depth:
            depth -= 1
        if char == separator and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def authserv_id(value):
    return re.sub(r"\([^)]*\)", "", split_unquoted(value)[0]).strip().lower()


def methods(value):
    """[(method, result, resinfo text)] of one Authentication-Results value."""
    out = []
    for part in split_unquoted(value)[1:]:
        match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_-]+)", part)
        if match:
            out.append((match.group(1).lower(), match.group(2).lower(), part.strip()))
    return out


def result_of(value, method):
    """The first result word of `method` in an A-R value (None if absent)."""
    for name, result, _ in methods(value):
        if name == method:
            return result
    return None


def ours(message):
    return [v for v in auth_results(message) if authserv_id(v) == AUTHSERV_ID]


def message(tag, sender, body="Hello.\r\n", extra_headers=(), from_header=None,
            subject=None):
    """A simple message (bytes, CRLF) carrying X-E2E-Case: tag."""
    lines = [f"From: {from_header or sender}", f"To: {RECIPIENT}",
             f"Subject: {subject or tag}", "Date: Fri, 27 Nov 2026 12:00:00 +0000",
             f"Message-ID: <{tag}@client.e2e.example>", f"X-E2E-Case: {tag}"]
    lines += list(extra_headers)
    head = "\r\n".join(lines).encode() + b"\r\n\r\n"
    return head + (body.encode() if isinstance(body, str) else body)


def dkim_sign(data, key_path, domain="signed.e2e.example", selector="sel"):
    """Prepend a DKIM-Signature (relaxed/relaxed, rsa-sha256) made with python3-dkim."""
    try:
        import dkim
    except ImportError:
        raise HarnessError("python3-dkim is missing (run the e2e tests with /usr/bin/python3)")
    with open(key_path, "rb") as f:
        key = f.read()
    signature = dkim.sign(data, selector.encode(), domain.encode(), key,
                          canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return signature + data


def queue_id(delivered):
    """Postfix's queue id from the Received field it added."""
    match = re.search(rb"\(Postfix\) with E?SMTP id ([0-9A-Za-z]+)", delivered)
    return match.group(1).decode() if match else None
