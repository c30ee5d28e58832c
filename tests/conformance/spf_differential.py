#!/usr/bin/python3
"""spf_differential.py - random SPF scenarios evaluated by enma, pyspf and Mail::SPF.

    spf_differential.py --sidfquery BIN [--seed N] [--count N] [--adjudication FILE]
                        [--out DIR]

Each scenario (seeded, so a seed reproduces it) is a small set of domains under
`dN.example` with SPF records built from mechanisms, modifiers, macros, CIDR lengths,
include/redirect chains, void lookups, IPv4/IPv6 clients, CNAMEs and multi-string or noise TXT.
It is served over real DNS (tests/support/zone_server.py on 127.0.0.1:53 in a private
network + mount namespace whose /etc/resolv.conf names it) and evaluated by:
  - enma:      sidfquery -v, resolver.mode=system (the product path);
  - pyspf:     python3-spf's spf.check2 in this process (dnspython, same resolv.conf);
  - Mail::SPF: spfquery.mail-spf-perl (Net::DNS, same resolv.conf).
When the three do not agree, the scenario is minimised (terms and records dropped while the
same disagreement remains) and written in the openspf YAML shape. A disagreement fails the
run unless the adjudication file (YAML: a list of classes, each with `id`, `results`
{enma, pyspf, mailspf}, `record` (a regex the minimised zone's text must match), `rfc` and
`reasoning`) explains it. Exit 0 when every disagreement is adjudicated.
"""
import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys

import yaml
from dnslib import A, AAAA, MX, QTYPE, TXT, CNAME

from loopback_dns import LoopbackDns, Zone, enter_namespace

QUALIFIERS = ["", "", "", "+", "-", "~", "?"]


class Scenario:
    """zone: {name: [(type, value)]}; client ip; sender; helo."""

    def __init__(self, zone, ip, sender, helo):
        self.zone, self.ip, self.sender, self.helo = zone, ip, sender, helo

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


def serve(server, *scenarios):
    zone = Zone()
    for name, records in [item for s in scenarios for item in s.zone.items()]:
        for rtype, value in records:
            if rtype == "TXT":
                data = value if isinstance(value, tuple) else (value,)
                zone.add(name, QTYPE.TXT, TXT([s.encode() for s in data]))
            elif rtype == "A":
                zone.add(name, QTYPE.A, A(value))
            elif rtype == "AAAA":
                zone.add(name, QTYPE.AAAA, AAAA(value))
            elif rtype == "MX":
                zone.add(name, QTYPE.MX, MX(value[1], value[0]))
            elif rtype == "CNAME":
                zone.add(name, QTYPE.CNAME, CNAME(value))
    server.load(zone)


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


def mailspf(s):
    done = subprocess.run(["spfquery.mail-spf-perl", "--scope", "mfrom", "--id", s.sender,
                           "--ip", s.ip, "--helo-id", s.helo],
                          capture_output=True, text=True, timeout=60)
    first = (done.stdout.splitlines() or ["error"])[0].strip()
    return first.lower()


def evaluate(tools, server, s):
    serve(server, s)
    return {name: run(s) for name, run in tools.items()}


def disagree(results):
    return len(set(results.values())) > 1


def shrink(tools, server, s, results):
    """Drop records and terms while the same results remain."""
    changed = True
    while changed:
        changed = False
        for name in list(s.zone):
            for index in range(len(s.zone[name])):
                for candidate in variants(s, name, index):
                    if evaluate(tools, server, candidate) == results:
                        s, changed = candidate, True
                        break
                if changed:
                    break
            if changed:
                break
    return s


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sidfquery", required=True)
    parser.add_argument("--seed", type=int, default=7208)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--adjudication")
    parser.add_argument("--out")
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    enter_namespace()
    classes = []
    if args.adjudication:
        with open(args.adjudication) as stream:
            classes = yaml.safe_load(stream) or []
    tools = {"enma": lambda s: enma(args.sidfquery, s), "pyspf": pyspf, "mailspf": mailspf}
    rng = random.Random(args.seed)
    unexplained, explained = 0, {}
    with LoopbackDns() as dns:
        server = dns.server
        # Every scenario lives under its own dN.example: serve them all, evaluate in parallel.
        scenarios = [generate(rng, index) for index in range(args.count)]
        serve(server, *scenarios)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(lambda s: {n: run(s) for n, run in tools.items()},
                                     scenarios))
        for index, (s, results) in enumerate(zip(scenarios, outcomes)):
            if not disagree(results):
                continue
            s = shrink(tools, server, s, results)
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
    print("%d scenarios, adjudicated disagreements %s, unadjudicated %d"
          % (args.count, explained, unexplained))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
