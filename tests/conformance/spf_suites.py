#!/usr/bin/python3
"""spf_suites.py - the openspf suites through the shipped binaries and real libunbound.

Every scenario's zone is served by tests/support/zone_server.py on 127.0.0.1:53 inside a private
network and mount namespace (unshare), where /etc/resolv.conf names that server: so
`resolver.mode=system` reads the real resolv.conf path, and `resolver.mode=forward` names the
server itself. The server is reloaded once per scenario; every case of the scenario then runs
through `sidfquery` and `enma-check`, in both modes, with prefetching on and off, in parallel.

    spf_suites.py --sidfquery BIN --enma-check BIN SUITE.yml[.gz]...

Zone conventions are pyspf's testspf.py (which the suites were written against): a name's SPF
records are also served as TXT unless it lists TXT itself ("TXT: NONE" lists none), and TIMEOUT
silences every type not listed before it. Exit status 0 only when every case passes every run.
"""
import argparse
import concurrent.futures
import gzip
import os
import subprocess
import sys

import yaml
from dnslib import AAAA, A, MX, PTR, QTYPE, TXT, CNAME

from loopback_dns import (MODES, PATIENT, QUICK, LoopbackDns, Zone, enma_check, enter_namespace,
                          resolver_options)

MESSAGE = b"From: conformance@example.invalid\r\nSubject: conformance\r\n\r\nbody\r\n"


def text_bytes(value):
    if value is None:
        return b""
    return str(value).encode("utf-8", "surrogateescape")


def txt_rdata(value):
    """A TXT/SPF value: one string (split in 255-octet strings) or a list of strings."""
    if isinstance(value, list):
        return TXT([text_bytes(piece) for piece in value])
    data = text_bytes(value)
    return TXT([data[i:i + 255] for i in range(0, len(data), 255)] or [b""])


def rdata_of(rtype, value):
    if rtype in ("TXT", "SPF"):
        return None if value == "NONE" else txt_rdata(value)
    if rtype == "A":
        return A(value)
    if rtype == "AAAA":
        return AAAA(value)
    if rtype == "MX":
        return MX(value[1] if value[1] else ".", value[0])
    if rtype == "PTR":
        return PTR(value)
    if rtype == "CNAME":
        return CNAME(value)
    raise ValueError("unknown type " + rtype)


def load_name(zone, name, entries):
    listed_txt, generated, timeout, answered = False, [], False, set()
    for entry in entries:
        if entry == "TIMEOUT":
            timeout = True
            continue
        for rtype, value in entry.items():
            listed_txt = listed_txt or rtype == "TXT"
            rdata = rdata_of(rtype, value)
            if rdata is None:
                continue
            if not timeout:
                answered.add(getattr(QTYPE, rtype))
            zone.add(name, getattr(QTYPE, rtype), rdata)
            if rtype == "SPF":
                generated.append(rdata)
    if not listed_txt:
        for rdata in generated:
            zone.add(name, QTYPE.TXT, rdata)
    if timeout and not answered:
        zone.add_silent(name)
    elif timeout:
        for rtype in ("A", "AAAA", "MX", "PTR", "TXT", "SPF", "CNAME"):
            if getattr(QTYPE, rtype) not in answered:
                zone.add_silent(name, getattr(QTYPE, rtype))


def zone_of(scenario):
    zone = Zone()
    for name, entries in (scenario.get("zonedata") or {}).items():
        load_name(zone, name, entries)
    return zone


def load_suite(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as stream:
        return [d for d in yaml.safe_load_all(stream) if isinstance(d, dict)]


def sidfquery_run(binary, mode, prefetch, case, timeout=QUICK):
    mail_from = case.get("mailfrom") or "<>"
    command = [binary] + resolver_options(mode, timeout)
    command += ["-o", "spf.prefetch=" + ("true" if prefetch else "false"), "-v",
                "--helo", str(case.get("helo") or "unknown"), "--", mail_from, case["host"]]
    done = subprocess.run(command, capture_output=True, timeout=60)
    result, explanation = None, ""
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("result "):
            result = line[len("result "):]
        elif line.startswith("explanation "):
            explanation = line[len("explanation "):]
    if result == "hardfail":
        result = "fail"
    return result, explanation, done.stderr.decode("utf-8", "replace") + done.stdout.decode()


def enma_check_run(binary, mode, prefetch, case, timeout=QUICK):
    args = ["--ip", case["host"], "--helo", str(case.get("helo") or "unknown"),
            "--mail-from", case.get("mailfrom") or "<>"]
    overrides = ["sidf.auth=false", "dkim.auth=false",
                 "spf.prefetch=" + ("true" if prefetch else "false")]
    report, output = enma_check(binary, mode, MESSAGE, args, overrides, timeout)
    for result in (report or {}).get("results", []):
        if result.get("method") == "spf":
            return result.get("result"), None, output
    return None, None, output


def check(case, outcome):
    result, explanation, _ = outcome
    expected = case["result"] if isinstance(case["result"], list) else [case["result"]]
    if result not in expected:
        return "result %s, expected %s" % (result, "/".join(expected))
    if explanation is not None and "explanation" in case and result == "fail":
        want = "" if case["explanation"] == "DEFAULT" else case["explanation"]
        if explanation != want:
            return "explanation %r, expected %r" % (explanation, want)
    return None


def run_suite(path, tools, server, pool):
    scenarios = load_suite(path)
    failures, cases = [], 0
    for scenario in scenarios:
        server.load(zone_of(scenario))
        jobs = []
        for case_id, case in scenario["tests"].items():
            cases += 1
            for tool, (runner, binary) in tools.items():
                for mode in MODES:
                    for prefetch in (True, False):
                        future = pool.submit(runner, binary, mode, prefetch, case)
                        jobs.append((case_id, case, "%s/%s/prefetch=%s" % (tool, mode, prefetch),
                                     future, (runner, binary, mode, prefetch, case)))
        failed = set()
        for case_id, case, label, future, run in jobs:
            outcome = future.result()
            problem = check(case, outcome)
            if problem:  # a lookup of a slow server may have timed out: see loopback_dns.py
                print("%s %s [%s]: %s, run again with query_timeout %s"
                      % (os.path.basename(path), case_id, label, problem, PATIENT), flush=True)
                outcome = run[0](*run[1:], timeout=PATIENT)
                problem = check(case, outcome)
            if problem:
                failed.add(case_id)
                failures.append("%s %s [%s]: %s\n%s" % (
                    os.path.basename(path), case_id, label, problem, outcome[2][-2000:]))
    passed = cases - len({f.split(" ")[1] for f in failures})
    print("%s: %d/%d cases pass on every path" % (os.path.basename(path), passed, cases))
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sidfquery", required=True)
    parser.add_argument("--enma-check", required=True)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--only", choices=["sidfquery", "enma-check"])
    parser.add_argument("suites", nargs="+")
    args = parser.parse_args()
    enter_namespace()
    with LoopbackDns() as dns:
        tools = {"sidfquery": (sidfquery_run, args.sidfquery),
                 "enma-check": (enma_check_run, args.enma_check)}
        if args.only:
            tools = {args.only: tools[args.only]}
        failures = []
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for suite in args.suites:
                failures += run_suite(suite, tools, dns.server, pool)
    for failure in failures:
        print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
