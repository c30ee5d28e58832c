#!/usr/bin/python3
# e2e.py - end-to-end tests of the enma daemon: a real Postfix, real DNS, real mail.
#
#   e2e.py postfix    --enma PATH   Postfix + enma + NSD; mail sent with swaks, read from the
#                                   Maildir; asserts the Authentication-Results fields
#   e2e.py wire       --enma PATH   enma driven directly over the milter protocol with hostile
#                                   input (10,000 headers, 1 MB header, 50 MB body, NUL and
#                                   8-bit bytes, 2,000 simultaneous connections, disconnects)
#   e2e.py miltertest --enma PATH   the Lua scripts in miltertest/ run by miltertest(8)
#   e2e.py dmarc      --enma PATH   Postfix + enma with DMARC actions: reject, hold, pass
#   e2e.py harden     --enma PATH   issue 13's holes on the wire: a DKIM-Signature flood,
#                                   fail-closed answers, forged A-R variants, no LEADSPC
#   e2e.py arc        --enma PATH   ARC sealing: two Postfix hops, two enmas with their own
#                                   sealing keys; the chain verified by dkimpy
#   e2e.py ops        --enma PATH   the operator's view: -V/-h, spf.explog, SIGHUP and
#                                   SIGUSR1, the exit status of a detaching start
#   e2e.py envelope   --enma PATH   MAIL FROM values that are no mailbox (trailing dot, domain
#                                   literal, no local-part, space, empty labels) through Postfix,
#                                   sidfquery and enma-check: the same RFC 7208 4.3 SPF result
#   e2e.py report     --enma PATH   DMARC records in the SQLite report store, and a store
#                                   that cannot be written (mail flows, drops counted);
#                                   aggregate and failure reports over SMTP through Postfix
#
# Each suite starts what it needs on loopback, stops it at the end, and exits 1 if any check
# failed or anything could not start (never a skip). At the end enma is stopped with SIGTERM
# and must exit 0 with no sanitizer report (the ASan build turns leaks into failures).
# Needs root (Postfix's master), postfix, swaks, miltertest, nsd, ldnsutils, openssl and
# python3-dkim; run it with /usr/bin/python3. ENMA_E2E_KEEP=1 keeps the temporary directory.
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from harness import Failures, HarnessError  # noqa: E402


def run_suite(name, enma_binary):
    import suite_arc
    import suite_dmarc
    import suite_envelope
    import suite_harden
    import suite_miltertest
    import suite_ops
    import suite_postfix
    import suite_report
    import suite_wire
    suites = {"postfix": suite_postfix.run, "wire": suite_wire.run, "dmarc": suite_dmarc.run,
              "miltertest": suite_miltertest.run, "harden": suite_harden.run, "ops": suite_ops.run,
              "report": suite_report.run, "arc": suite_arc.run,
              "envelope": suite_envelope.run}
    failures = Failures()
    directory = harness.workspace(f"enma-e2e-{name}-")
    dns = enma = None
    try:
        dns = harness.Dns(directory)
        enma = harness.Enma(enma_binary, directory, dns)
        suites[name](failures, directory, dns, enma)
        final_stop(failures, enma)
    except HarnessError as error:
        failures.check(False, f"harness: {error}")
    finally:
        if enma:
            enma.kill()
        if dns:
            dns.stop()
        if failures.failed and enma and enma.log_path:
            print(f"--- last enma log ({enma.log_path}) ---\n" + enma.log_text()[-4000:])
        harness.remove_workspace(directory)
    return failures.summary(f"e2e {name}")


def final_stop(failures, enma):
    """SIGTERM: enma drains, exits 0 and (under ASan) reports no leak or error."""
    if not enma.alive():
        failures.check(False, "enma is still running at the end of the suite",
                       f"exit status {enma.process.returncode if enma.process else None}")
        return
    status = enma.stop()
    failures.equal(status, 0, "enma exit status after SIGTERM")
    failures.equal(enma.sanitizer_report(), [], "sanitizer reports in enma's output")
    exits = enma.records("exit")
    failures.check(bool(exits) and exits[-1].get("drained") is True,
                   "enma drained every connection before exiting", str(exits[-1:]))


def main():
    parser = argparse.ArgumentParser(description="enma end-to-end tests")
    parser.add_argument("suite", choices=["postfix", "wire", "miltertest", "dmarc", "harden", "ops",
                                           "report", "arc", "envelope"])
    parser.add_argument("--enma", required=True, help="path of the enma binary")
    args = parser.parse_args()
    if not os.access(args.enma, os.X_OK):
        print(f"e2e: enma binary {args.enma} is not executable (build target enma)")
        return 1
    harness.raise_fd_limit()
    return run_suite(args.suite, os.path.abspath(args.enma))


if __name__ == "__main__":
    sys.exit(main())
