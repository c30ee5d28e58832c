# peers.py - the filters bench/run measures, each started in the foreground on 127.0.0.1 with
# its descriptor limit raised, resolving through a given DNS server (host, port) of bench/dns.py:
#   enma       SPF, Sender ID and DKIM (the methods of the first benchmarks), forwarding to the
#              server, DNSSEC off (unsigned zone); its variants (VARIANTS) add methods:
#   enma-arc     + ARC verification (arc.auth)
#   enma-all     every method: + ADSP, DMARC, iprev, ARC (dkimadsp, dmarc, iprev, arc .auth)
#   enma-report  enma-all + the DMARC report recorder (report.store, an SQLite file)
#   opendkim   Debian's OpenDKIM, Mode v (DKIM only), libunbound forwarded to the server
#   opendmarc  Debian's OpenDMARC, SPF (libspf2, SPFSelfValidate) + DMARC, resolving through the
#              C library: /etc/resolv.conf, so the server's port must be 53
import os
import socket
import subprocess
import time

import dns

# The peers, as bench/run names their processes and as the tables name them.
PEERS = (("opendkim", "OpenDKIM"), ("opendmarc", "OpenDMARC"))

# What each filter must write into Authentication-Results for a message of the corpus
# (milterload --expect, every text): enma and OpenDKIM verify the signatures, OpenDMARC passes
# DMARC through SPF aligned with From: (it verifies no signature itself); enma-all and
# enma-report also pass DMARC (SPF and DKIM aligned) and iprev (the client's PTR maps back).
ALL_PASS = ["dkim=pass", "dmarc=pass", "iprev=pass"]
EXPECT = {"enma": ["dkim=pass"], "opendkim": ["dkim=pass"], "opendmarc": ["dmarc=pass"],
          "enma-arc": ["dkim=pass"], "enma-all": ALL_PASS, "enma-report": ALL_PASS,
          "enma0": ["none"]}  # enma0: enma with every method off (its header says "none")

# The enma variants beside enma: name -> options (enma-report's store is added by bench/run,
# in the run's temporary directory).
ALL_METHODS = ("-o", "dkimadsp.auth=true", "-o", "dmarc.auth=true", "-o", "iprev.auth=true",
               "-o", "arc.auth=true")
VARIANTS = {"enma-arc": ("-o", "arc.auth=true"), "enma-all": ALL_METHODS,
            "enma-report": ALL_METHODS}

# The options that make enma0 of enma: the milter plumbing alone, no verification.
NO_METHODS = ("-o", "spf.auth=false", "-o", "sidf.auth=false", "-o", "dkim.auth=false")


def kind(name):
    """The filter `name` without the suffix of its set (-50ms, -mem, -20k)."""
    for suffix in ("-50ms", "-mem", "-20k"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name if name in EXPECT else name.split("-")[0]


def expectations(name):
    """Every text `name` must write for a good message (milterload --expect, repeated)."""
    return EXPECT[kind(name)]


def expected(name):
    """`name`'s main text for a good message (one per filter: Postfix's header check)."""
    return expectations(name)[0]


def wait_port(port, process, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"filter on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


FD_LIMIT = 65536


def raise_fd_limit():
    """For a filter's (or milterload's) child process: 20,000 connections need more than the
    usual 1,024 descriptors, and may need more than the machine's hard limit: as root, both
    limits go to FD_LIMIT; otherwise the soft one goes up to the hard one."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, FD_LIMIT), max(hard, FD_LIMIT)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, FD_LIMIT)), hard))


def descriptor_ceiling():
    """The descriptor limit this process's children get from raise_fd_limit: FD_LIMIT when
    root may raise the hard limit (CAP_SYS_RESOURCE), else the hard limit as it is."""
    import resource
    raise_fd_limit()
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def start_enma(binary, port, server, log_path, extra=()):
    host, dns_port = server
    args = [binary, "-f", "-o", "log.target=file", "-o", f"log.file={log_path}",
            "-o", "log.format=json", "-o", f"milter.socket=inet:{port}@127.0.0.1",
            "-o", "milter.pidfile=", "-o", "resolver.mode=forward",
            "-o", f"resolver.forwarders={host}@{dns_port}", "-o", "resolver.dnssec=false",
            "-o", "common.exclusion_addresses=127.0.0.9"] + list(extra)
    with open(log_path + ".out", "w") as log:
        return subprocess.Popen(args, stdout=log, stderr=log, preexec_fn=raise_fd_limit)


def start_opendkim(directory, port, server, tag=""):
    # Nameservers, not ResolverConfiguration: OpenDKIM 2.11 hands an unbound config file to
    # libunbound again and again, from several threads at once, and libunbound's parser is not
    # reentrant ("fatal flex scanner internal error", tempfails, then the filter exits) as soon
    # as two connections verify at once. A loopback forwarder with a port works without it.
    host, dns_port = server
    conf = os.path.join(directory, f"opendkim{tag}.conf")
    with open(conf, "w") as f:
        f.write(f"Mode v\nSocket inet:{port}@127.0.0.1\nBackground no\n"
                f"PidFile {directory}/opendkim{tag}.pid\nNameservers {host}@{dns_port}\n"
                "AuthservID bench\nSyslog no\nQueryCache yes\n")
    with open(os.path.join(directory, f"opendkim{tag}.log"), "w") as log:
        return subprocess.Popen(["opendkim", "-f", "-x", conf], stdout=log, stderr=log,
                                preexec_fn=raise_fd_limit)


def start_opendmarc(directory, port, server, tag=""):
    """OpenDMARC doing SPF itself for every message; a private resolv.conf unless `server` is
    the namespace's own nameserver (127.0.0.1:53, /etc/netns/NAME/resolv.conf)."""
    host, dns_port = server
    if dns_port != 53:
        raise ValueError("OpenDMARC resolves through /etc/resolv.conf: port 53 only")
    # IgnoreHosts defaults to 127.0.0.1, the POSTFIX scenario's client: a file without it.
    # SPFIgnoreResults: never take SPF from an Authentication-Results already in the message.
    ignore = os.path.join(directory, f"opendmarc{tag}.ignore")
    with open(ignore, "w") as f:
        f.write("127.0.0.9\n")
    conf = os.path.join(directory, f"opendmarc{tag}.conf")
    with open(conf, "w") as f:
        f.write(f"Socket inet:{port}@127.0.0.1\nBackground false\nAuthservID bench\n"
                "PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat\n"
                "SPFSelfValidate true\nSPFIgnoreResults true\n"
                f"IgnoreHosts {ignore}\nSyslog false\nFailureReports false\n")
    args = ["opendmarc", "-f", "-c", conf]
    if host != "127.0.0.1":
        # Its own mount namespace with its own /etc/resolv.conf; unshare and sh exec, so the
        # process id stays OpenDMARC's (--pid, /proc/PID/status).
        resolv = os.path.join(directory, f"opendmarc{tag}.resolv.conf")
        with open(resolv, "w") as f:
            f.write(f"nameserver {host}\n")
        args = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv] + args
    with open(os.path.join(directory, f"opendmarc{tag}.log"), "w") as log:
        return subprocess.Popen(args, stdout=log, stderr=log, preexec_fn=raise_fd_limit)


START = {"opendkim": start_opendkim, "opendmarc": start_opendmarc}


def start_peer(kind, directory, server, tag, processes):
    """Start peer `kind` (opendkim, opendmarc) on a free port, add it to `processes` (to be
    stopped even if it never listens); returns (port, process)."""
    port = dns.fixture.free_port()
    process = START[kind](directory, port, server, tag)
    processes.append(process)
    wait_port(port, process)
    return port, process
