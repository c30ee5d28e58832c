# suite_report.py - DMARC recording through a real Postfix (issue 15): each message with a
# DMARC policy becomes a row in the SQLite report store, written at the latest when enma
# stops; a message without a policy does not. With a store that cannot be written the mail
# still flows, the records beyond report.queue_size are dropped and counted
# (enma_report_dropped_total), and once the store can be written the queued ones arrive.
# enma-report then builds the aggregate report of those rows (report_case). With
# report.failure_reports, a message failing DMARC whose policy has fo=1 and ruf= gets an
# RFC 9991 failure report written into report.failure_dir (failure_case).
import gzip
import os
import sqlite3
import subprocess
import time

import harness
from harness import BAD_IP, GOOD_IP, RECIPIENT, result_of
from suite_ops import scrape
from suite_postfix import Sender, one_ar

DOMAIN = "dmarc.e2e.example"


def run(failures, directory, dns, enma):
    store = os.path.join(directory, "dmarc.db")
    enma.options = ["dmarc.auth=true", f"report.store=sqlite:{store}", "report.node=e2e-node"]
    enma.start()
    postfix = harness.Postfix(directory, enma.port)
    try:
        postfix.start()
        sender = Sender(failures, postfix)
        recorded_case(failures, sender, enma, store)
        report_case(failures, directory, enma, store)
        failure_case(failures, sender, directory, enma)
        outage_case(failures, sender, directory, enma)
    finally:
        postfix.stop()


def rows(path):
    db = sqlite3.connect(path)
    try:
        db.row_factory = sqlite3.Row
        messages = [dict(r) for r in db.execute(
            "SELECT * FROM dmarc_message ORDER BY received_at, node, seq")]
        dkim = db.execute("SELECT count(*) FROM dmarc_dkim").fetchone()[0]
        return messages, dkim
    finally:
        db.close()


def recorded_case(failures, sender, enma, store):
    tag = "report-pass"
    address = f"user@{DOMAIN}"
    value = one_ar(failures, tag, sender.send(tag, GOOD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "pass", f"[{tag}] dmarc result")
    tag = "report-fail"
    value = one_ar(failures, tag, sender.send(tag, BAD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "fail", f"[{tag}] dmarc result")
    tag = "report-nopolicy"
    address = "user@pass.e2e.example"  # SPF only, no DMARC record: nothing to record
    sender.send(tag, GOOD_IP, address, harness.message(tag, address))
    failures.equal(enma.stop(), 0, "[report] exit status after SIGTERM")
    stops = enma.records("report.stop")
    failures.equal([(r.get("written"), r.get("dropped")) for r in stops], [(2, 0)],
                   "[report] report.stop totals")
    messages, dkim = rows(store)
    got = [(m["node"], m["source_ip"], m["header_from"], m["envelope_from"], m["envelope_to"],
            m["policy_domain"], m["p"], m["dmarc_result"], m["disposition"], m["spf_aligned"],
            m["spf_domain"], m["spf_scope"], m["spf_result"]) for m in messages]
    rcpt_domain = RECIPIENT.split("@")[1]
    failures.equal(got, [
        ("e2e-node", GOOD_IP, DOMAIN, DOMAIN, rcpt_domain, DOMAIN, "reject", "pass", "pass", 1,
         DOMAIN, "mfrom", "pass"),
        ("e2e-node", BAD_IP, DOMAIN, DOMAIN, rcpt_domain, DOMAIN, "reject", "fail", "none", 0,
         DOMAIN, "mfrom", "fail"),
    ], "[report] the rows of the two DMARC messages (envelope_to: the RCPT TO domain)")
    failures.check(len(messages) == 2 and messages[0]["seq"] < messages[1]["seq"],
                   "[report] sequence numbers increase", str(messages))
    failures.equal(dkim, 0, "[report] unsigned messages have no DKIM rows")


def report_case(failures, directory, enma, store):
    """enma-report (beside the enma binary) turns the two rows into one aggregate report."""
    binary = os.path.join(os.path.dirname(enma.binary), "enma-report")
    out = os.path.join(directory, "reports")
    os.makedirs(out, exist_ok=True)
    day = 86400
    today = time.strftime("%Y-%m-%d", time.gmtime())
    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - day))
    result = subprocess.run(
        [binary, "-o", "dmarc.auth=true", "-o", f"report.store=sqlite:{store}",
         "-o", "report.org_name=e2e receiver", "-o", "report.email=dmarc@receiver.e2e.example",
         "--period", f"{yesterday}..{today}", "--output-dir", out],
        capture_output=True, text=True, timeout=120)
    failures.equal(result.returncode, 0, f"[report-build] enma-report exit status: {result.stderr}")
    xml = b"".join(gzip.open(os.path.join(out, name)).read() for name in sorted(os.listdir(out)))
    for ip, disposition in ((GOOD_IP, b"pass"), (BAD_IP, b"none")):
        row = (f"<source_ip>{ip}</source_ip>\n      <count>1</count>\n      <policy_evaluated>\n"
               f"        <disposition>").encode() + disposition
        failures.check(row in xml, f"[report-build] a record for {ip}", xml.decode(errors="replace"))
    failures.check(f"<domain>{DOMAIN}</domain>".encode() in xml,
                   "[report-build] the policy domain", xml.decode(errors="replace"))
    envelope_to = f"<envelope_to>{RECIPIENT.split('@')[1]}</envelope_to>".encode()
    failures.equal(xml.count(envelope_to), 2, "[report-build] envelope_to in both records")


def failure_case(failures, sender, directory, enma):
    """A DMARC failure of ruf.e2e.example (fo=1): one report written for the internal ruf=,
    the external one refused (no _report._dmarc record), the local-parts redacted."""
    out = os.path.join(directory, "failures")
    os.makedirs(out, exist_ok=True)
    store = os.path.join(directory, "failure.db")
    enma.options = ["dmarc.auth=true", f"report.store=sqlite:{store}",
                    "report.failure_reports=true", "report.email=dmarc@receiver.e2e.example",
                    f"report.failure_dir={out}"]
    enma.start()
    tag = "report-ruf"
    address = "alice.smith@ruf.e2e.example"
    value = one_ar(failures, tag, sender.send(tag, BAD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "fail", f"[{tag}] dmarc result")
    failures.equal(enma.stop(), 0, f"[{tag}] exit status after SIGTERM")
    names = sorted(os.listdir(out))
    failures.equal(len(names), 1, f"[{tag}] one failure report file")
    failures.check(all(n.startswith("failure!ruf.e2e.example!") and
                       n.endswith("!ruf.e2e.example.eml") for n in names),
                   f"[{tag}] file name", str(names))
    report = open(os.path.join(out, names[0]), "rb").read().decode() if names else ""
    rcpt_domain = RECIPIENT.split("@")[1]
    for field in ("To: failures@ruf.e2e.example", "From: dmarc@receiver.e2e.example",
                  "Content-Type: multipart/report; report-type=feedback-report;",
                  "Feedback-Type: auth-failure", "Version: 1", "Auth-Failure: dmarc",
                  "Reported-Domain: ruf.e2e.example", f"Source-IP: {BAD_IP}",
                  "Original-Mail-From: <redacted@ruf.e2e.example>",
                  f"Original-Rcpt-To: <redacted@{rcpt_domain}>",
                  "Identity-Alignment: dkim, spf", "Delivery-Result: delivered",
                  "From: redacted@ruf.e2e.example", f"To: redacted@{rcpt_domain}",
                  f"X-E2E-Case: {tag}", "Content-Type: text/rfc822-headers"):
        failures.check(f"\r\n{field}\r\n" in "\r\n" + report,
                       f"[{tag}] report has '{field}'", report[:3000])
    failures.check("alice.smith" not in report and "inbox@" not in report,
                   f"[{tag}] no local-part in the report", report[:3000])
    failures.check("Hello." not in report, f"[{tag}] no body in the report", report[-500:])
    statuses = sorted((r.get("status"), r.get("destination"))
                      for r in enma.records("failure_report"))
    failures.equal(statuses, [("refused", "mailto:ruf@elsewhere.e2e.example"),
                              ("sent", "mailto:failures@ruf.e2e.example")],
                   f"[{tag}] failure_report log records")
    stops = [(r.get("sent"), r.get("refused"), r.get("dropped"))
             for r in enma.records("failure_report.stop")]
    failures.equal(stops, [(1, 1, 0)], f"[{tag}] failure_report.stop totals")


def wait_metric(port, name, value, timeout=60.0):
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = scrape(port).get(name)
        if seen == value:
            return seen
        time.sleep(0.2)
    return seen


def outage_case(failures, sender, directory, enma):
    """The store's directory is missing: mail flows, 2 records wait, the rest are dropped."""
    missing = os.path.join(directory, "later")
    store = os.path.join(missing, "dmarc.db")
    port = harness.free_tcp_port()
    enma.options = ["dmarc.auth=true", f"report.store=sqlite:{store}", "report.queue_size=2",
                    f"metrics.listen=127.0.0.1:{port}"]
    enma.start()
    address = f"user@{DOMAIN}"
    for i in range(5):
        tag = f"report-outage-{i}"
        value = one_ar(failures, tag, sender.send(tag, BAD_IP, address,
                                                  harness.message(tag, address)))
        failures.equal(result_of(value, "dmarc"), "fail", f"[{tag}] verified as usual")
    values = scrape(port)
    failures.equal(values.get("enma_report_dropped_total"), 3.0,
                   "[report-outage] 5 records, queue of 2: 3 dropped and counted")
    failures.equal(values.get("enma_report_written_total"), 0.0,
                   "[report-outage] nothing written while the store is down")
    failures.check(bool(enma.records("report.dropped")), "[report-outage] drop logged")
    failures.check(any(r.get("status") == "error" for r in enma.records("report.store")),
                   "[report-outage] store error logged")
    os.makedirs(missing)
    failures.equal(wait_metric(port, "enma_report_written_total", 2.0), 2.0,
                   "[report-outage] the queued records written once the store opens")
    tag = "report-after"
    sender.send(tag, BAD_IP, address, harness.message(tag, address))
    failures.equal(wait_metric(port, "enma_report_written_total", 3.0), 3.0,
                   "[report-outage] recording goes on")
    messages, _ = rows(store)  # read while enma runs (WAL)
    failures.equal(len(messages), 3, "[report-outage] rows in the store")
