#!/usr/bin/python3
"""spf_differential.py - random SPF scenarios evaluated by enma, pyspf and Mail::SPF.

    spf_differential.py --sidfquery BIN [--seed N] [--count N] [--adjudication FILE]
                        [--out DIR] [--jobs N]
    spf_differential.py --sidfquery BIN --replay FILE...   (printed scenarios, evaluated again)

Each scenario (seeded, so a seed reproduces it) is a small set of domains under
`dN.example` with SPF records built from mechanisms, modifiers, macros, CIDR lengths,
include/redirect chains, void lookups, IPv4/IPv6 clients, CNAMEs and multi-string or noise TXT.
It is served over real DNS (tests/support/zone_server.py on 127.0.0.1:53 in a private
network + mount namespace whose /etc/resolv.conf names it; each scenario in its own slot of a
ZoneSet) and evaluated by:
  - enma:      sidfquery -v, resolver.mode=system (the product path);
  - pyspf:     python3-spf's spf.check2 in this process (dnspython, same resolv.conf);
  - Mail::SPF: mailspf_server.pl, one Perl process per worker thread doing what
               spfquery.mail-spf-perl does (Net::DNS, same resolv.conf).
Scenarios are independent: they are evaluated, and disagreements minimised, by --jobs
workers at once. When the three do not agree, the scenario is minimised (terms and records
dropped while the same disagreement remains) and written in the openspf YAML shape. A
disagreement fails the run unless the adjudication file (YAML: a list of classes, each with
`id`, `results` {enma, pyspf, mailspf}, `record` (a regex the minimised zone's text must
match), `rfc` and `reasoning`) explains it. Exit 0 when every disagreement is adjudicated.
"""
import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import threading
import time

import yaml
from dnslib import A, AAAA, MX, QTYPE, TXT, CNAME

from loopback_dns import LoopbackDns, Zone, enter_namespace
from zone_server import ZoneSet

QUALIFIERS = ["", "", "", "+", "-", "~", "?"]


class Scenario:
    """zone: {name: [(type, value)]}; client ip; sender; helo."""

    def __init__(self, zone, ip, sender, helo):
        self.zone, self.ip, self.sender, self.helo = zone, ip, sender, helo

    @property
    def domain(self):
        """dN.example: every name of the scenario is under it (the HELO is mail.dN.example)."""
        return self.helo.split(".", 1)[1]

    def to_yaml(self, results):
        zonedata = {}
        for name, records in self.zone.items():
            entries = []
            for rtype, value in records:
                entries.append({rtype: list(value) if isinstance(value, tuple) else value})
            zonedata[name] = entries
        case = {"host": self.ip, "mailfrom": self.sender, "helo": self.helo,
                "result": sorted(set(results.values())), "comment": dict(results)}
        return {"description": "differential", "tests": {"case": case}, "zonedata": zonedata}

    def text(self):
        return yaml.safe_dump(self.to_yaml({}), sort_keys=True)

    @staticmethod
    def from_yaml(document):
        """The scenario of a document to_yaml wrote (--replay)."""
        case = next(iter(document["tests"].values()))
        zone = {}
        for name, entries in document["zonedata"].items():
            for entry in entries:
                for rtype, value in entry.items():
                    if rtype == "TXT" and isinstance(value, list):
                        value = tuple(value)
                    zone.setdefault(name, []).append((rtype, value))
        return Scenario(zone, case["host"], case["mailfrom"], case["helo"])


def generate(rng, index):
    base = "d%d.example" % index
    v6 = rng.random() < 0.3
    ip = "2001:db8:%x::%x" % (rng.randrange(4), rng.randrange(1, 20)) if v6 else \
        "192.0.2.%d" % rng.randrange(1, 30)
    names = [base] + ["n%d.%s" % (i, base) for i in range(rng.randrange(1, 5))]
    zone = {name: [] for name in names}

    def address_records(name):
        for _ in range(rng.randrange(0, 3)):
            if rng.random() < 0.6:
                zone.setdefault(name, []).append(("A", "192.0.2.%d" % rng.randrange(1, 30)))
            else:
                zone.setdefault(name, []).append(
                    ("AAAA", "2001:db8:%x::%x" % (rng.randrange(4), rng.randrange(1, 20))))

    def term(depth):
        kind = rng.choice(["ip4", "ip6", "a", "a", "mx", "mx", "include", "include", "exists",
                           "exists", "all", "ptrmacro", "void", "void", "redirect", "exp"])
        q = rng.choice(QUALIFIERS)
        if kind == "ip4":
            return "%sip4:192.0.2.%d/%d" % (q, rng.randrange(0, 30), rng.choice([24, 27, 28, 32]))
        if kind == "ip6":
            return "%sip6:2001:db8:%x::/%d" % (q, rng.randrange(4), rng.choice([32, 48, 64, 128]))
        if kind == "a":
            target = rng.choice(names)
            address_records(target)
            cidr = rng.choice(["", "", "/24", "//64", "/28//48"])
            return "%sa:%s%s" % (q, target, cidr) if rng.random() < 0.7 else "%sa%s" % (q, cidr)
        if kind == "mx":
            target = rng.choice(names)
            for pref in range(rng.randrange(1, 5)):
                host = rng.choice(["mx%d.%s" % (pref, base), "gone%d.%s" % (pref, base)])
                zone.setdefault(target, []).append(("MX", (pref, host)))
                if host.startswith("mx"):
                    address_records(host)
            return "%smx:%s" % (q, target)
        if kind == "include" and depth < 3:
            target = rng.choice(names[1:] + ["missing.%s" % base])
            if target in zone and not any(t == "TXT" for t, _ in zone[target]):
                zone[target].append(("TXT", record(depth + 1)))
            return "%sinclude:%s" % (q, target)
        if kind == "exists":
            macro = rng.choice(["%{i}", "%{ir}.%{v}", "%{l1r-}", "%{d2}", "%{o}", "%{h}",
                                "%{l}", "%{L}", "%{lr+}", "%{s}", "%{d0}", "%{i2r}", "%%%_%-",
                                "%{p}", "%{c}", "%{r}", "%{t}", "%{ir+.}", "%{d1r}"])
            zone.setdefault("x.%s" % base, []).append(("A", "127.0.0.2"))
            return "%sexists:%s.x.%s" % (q, macro, base)
        if kind == "ptrmacro":
            return "%sa:%%{d}" % q
        if kind == "void":
            return "%sa:void%d.%s" % (q, rng.randrange(3), base)
        if kind == "redirect" and depth < 3:
            target = rng.choice(names[1:])
            if not any(t == "TXT" for t, _ in zone[target]):
                zone[target].append(("TXT", record(depth + 1)))
            return "redirect=%s" % target
        if kind == "exp":
            zone.setdefault("exp.%s" % base, []).append(("TXT", "denied %{i} for %{s}"))
            return "exp=exp.%s" % base
        return "%sall" % q

    def record(depth):
        terms = [term(depth) for _ in range(rng.randrange(1, 9))]
        if rng.random() < 0.3:
            terms.append(rng.choice(["-all", "~all", "?all"]))
        return "v=spf1 " + " ".join(terms)

    zone[base].append(("TXT", record(0)))
    if rng.random() < 0.2:
        zone[base].append(("TXT", "noise=unrelated"))
    if rng.random() < 0.15:  # the record split in strings
        first = next(i for i, (t, _) in enumerate(zone[base]) if t == "TXT")
        text = zone[base][first][1]
        zone[base][first] = ("TXT", (text[:9], text[9:]))
    if rng.random() < 0.15:  # the record behind a CNAME
        zone["alias.%s" % base] = [("CNAME", base)]
        base = "alias.%s" % base
    local = rng.choice(["user", "a.b", "x-y", "postmaster", "A+B", "x..y", "jack&jill=up"])
    zone = {k: v for k, v in zone.items() if v or k == names[0]}
    return Scenario(zone, ip, "%s@%s" % (local, base), "mail.%s" % names[0])


def zone_of(s):
    """The zone served for s: each record once, as a real server serves a zone (RFC 2181
    section 5; the generator may list one MX twice). enma's handling of a server that does
    repeat records is unbound_result_test's."""
    zone = Zone()
    for name, records in s.zone.items():
        for rtype, value in dict.fromkeys(records):
            if rtype == "TXT":
                data = value if isinstance(value, tuple) else (value,)
                zone.add(name, QTYPE.TXT, TXT([piece.encode() for piece in data]))
            elif rtype == "A":
                zone.add(name, QTYPE.A, A(value))
            elif rtype == "AAAA":
                zone.add(name, QTYPE.AAAA, AAAA(value))
            elif rtype == "MX":
                zone.add(name, QTYPE.MX, MX(value[1], value[0]))
            elif rtype == "CNAME":
                zone.add(name, QTYPE.CNAME, CNAME(value))
    return zone


def serve(zones, s):
    """Serve scenario s (or a minimised variant) in its own slot of the ZoneSet."""
    zones.put(s.domain, zone_of(s))


def enma(binary, s):
    done = subprocess.run([binary, "-v", "-o", "resolver.mode=system", "-o",
                           "resolver.dnssec=false", "--helo", s.helo, "--", s.sender, s.ip],
                          capture_output=True, text=True, timeout=60)
    for line in done.stderr.splitlines():
        if line.startswith("result "):
            word = line.split()[1]
            return "fail" if word == "hardfail" else word
    return "error"


def pyspf(s):
    import spf
    return spf.check2(i=s.ip, s=s.sender, h=s.helo, querytime=10)[0]


class MailSpf:
    """Mail::SPF through tests/conformance/mailspf_server.pl: one Perl process per thread,
    started on first use (inside the namespace, so Net::DNS reads its resolv.conf)."""

    SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mailspf_server.pl")

    def __init__(self):
        self.local = threading.local()
        self.lock = threading.Lock()
        self.processes = []

    def __call__(self, s):
        process = getattr(self.local, "process", None)
        if process is None:
            process = subprocess.Popen(["perl", self.SCRIPT], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, bufsize=1)
            self.local.process = process
            with self.lock:
                self.processes.append(process)
        process.stdin.write("%s\t%s\t%s\n" % (s.ip, s.sender, s.helo))
        process.stdin.flush()
        line = process.stdout.readline().strip()
        self.local.last = line
        if not line:
            raise RuntimeError("mailspf_server.pl ended (exit %s)" % process.poll())
        return "exception" if line.startswith("exception:") else line.lower()

    def last(self):
        """This thread's last answer in full (an exception's text)."""
        return getattr(self.local, "last", "")

    def close(self):
        for process in self.processes:
            process.stdin.close()
            process.wait(timeout=30)


def evaluate(tools, zones, s):
    serve(zones, s)
    return {name: run(s) for name, run in tools.items()}


def disagree(results):
    return len(set(results.values())) > 1


def shrink(tools, zones, s, results):
    """Drop records and terms while the same results remain; a record is retried after each
    term it loses, the whole zone until a pass changes nothing."""
    changed = True
    while changed:
        changed = False
        for name in list(s.zone):
            index = 0
            while name in s.zone and index < len(s.zone[name]):
                for candidate in variants(s, name, index):
                    if evaluate(tools, zones, candidate) == results:
                        s, changed = candidate, True
                        break
                else:
                    index += 1
    serve(zones, s)
    return s


def confirm_and_shrink(tools, zones, s, results):
    """The minimised scenario; or, when a second evaluation does not repeat the results (a
    slow server on a loaded machine), that second evaluation's results."""
    again = evaluate(tools, zones, s)
    if again != results:
        return again
    return shrink(tools, zones, s, results)


def variants(s, name, index):
    rtype, value = s.zone[name][index]
    zone = {k: list(v) for k, v in s.zone.items()}
    del zone[name][index]
    yield Scenario({k: v for k, v in zone.items() if v}, s.ip, s.sender, s.helo)
    if rtype != "TXT":
        return
    text = "".join(value) if isinstance(value, tuple) else value
    if text.startswith("v=spf1 "):
        terms = text.split()[1:]
        for i in range(len(terms)):
            zone = {k: list(v) for k, v in s.zone.items()}
            zone[name][index] = ("TXT", " ".join(["v=spf1"] + terms[:i] + terms[i + 1:]))
            yield Scenario(zone, s.ip, s.sender, s.helo)


def adjudicated(classes, s, results):
    text = s.text()
    for entry in classes:
        wanted = {k: v if isinstance(v, list) else [v] for k, v in entry["results"].items()}
        if all(results.get(k) in v for k, v in wanted.items()) and \
                re.search(entry["record"], text):
            return entry["id"]
    return None


def replay(args):
    """Each YAML scenario through the three tools, results printed (for adjudicating)."""
    mailspf = MailSpf()
    tools = {"enma": lambda s: enma(args.sidfquery, s), "pyspf": pyspf, "mailspf": mailspf}
    with LoopbackDns() as dns:
        zones = ZoneSet()
        dns.server.load(zones)
        for path in args.replay:
            with open(path) as stream:
                s = Scenario.from_yaml(yaml.safe_load(stream))
            results = evaluate(tools, zones, s)
            print("%s: %s (Mail::SPF said %r)" % (path, results, mailspf.last()))
        mailspf.close()
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sidfquery", required=True)
    parser.add_argument("--seed", type=int, default=7208)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--adjudication")
    parser.add_argument("--out")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--replay", nargs="+", metavar="FILE",
                        help="evaluate these scenarios (YAML as printed) instead, and exit")
    args = parser.parse_args()
    enter_namespace()
    if args.replay:
        return replay(args)
    classes = []
    if args.adjudication:
        with open(args.adjudication) as stream:
            classes = yaml.safe_load(stream) or []
    mailspf = MailSpf()
    tools = {"enma": lambda s: enma(args.sidfquery, s), "pyspf": pyspf, "mailspf": mailspf}
    rng = random.Random(args.seed)
    unexplained, explained = 0, {}
    with LoopbackDns() as dns, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        # Every scenario lives under its own dN.example, in its own slot of the server's
        # ZoneSet: scenarios are evaluated, and disagreements minimised, in parallel.
        zones = ZoneSet()
        dns.server.load(zones)
        scenarios = [generate(rng, index) for index in range(args.count)]
        for s in scenarios:
            serve(zones, s)
        started = time.monotonic()
        outcomes = list(pool.map(lambda s: {n: run(s) for n, run in tools.items()}, scenarios))
        evaluated = time.monotonic() - started
        disagreeing = [(index, s, results) for index, (s, results)
                       in enumerate(zip(scenarios, outcomes)) if disagree(results)]
        minimised = pool.map(lambda item: confirm_and_shrink(tools, zones, item[1], item[2]),
                             disagreeing)
        for (index, _, results), s in zip(disagreeing, minimised):
            if isinstance(s, dict):
                print("UNSTABLE scenario %d (seed %d): %s, then %s (a lookup timed out on a "
                      "loaded machine?)" % (index, args.seed, results, s), flush=True)
                continue
            verdict = adjudicated(classes, s, results)
            if verdict:
                explained[verdict] = explained.get(verdict, 0) + 1
                continue
            unexplained += 1
            document = yaml.safe_dump(s.to_yaml(results), sort_keys=False)
            print("UNADJUDICATED scenario %d (seed %d):\n%s" % (index, args.seed, document))
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                with open(os.path.join(args.out, "scenario-%d.yml" % index), "w") as out:
                    out.write(document)
        mailspf.close()
    print("evaluated in %.1f s, %d disagreements minimised in %.1f s more"
          % (evaluated, len(disagreeing), time.monotonic() - started - evaluated))
    print("%d scenarios, adjudicated disagreements %s, unadjudicated %d"
          % (args.count, explained, unexplained))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
