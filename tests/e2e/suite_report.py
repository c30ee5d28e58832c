# suite_report.py - DMARC recording through a real Postfix (issue 15): each message with a
# DMARC policy becomes a row in the SQLite report store, written at the latest when enma
# stops; a message without a policy does not. With a store that cannot be written the mail
# still flows, the records beyond report.queue_size are dropped and counted
# (enma_report_dropped_total), and once the store can be written the queued ones arrive.
# enma-report then builds the aggregate report of those rows (report_case), and sends it
# over SMTP (report.smtp) through the same Postfix to the policy's rua= (smtp_report_case):
# delivered with report.email as the envelope sender and a valid gzip attachment; the rua=
# address Postfix refuses is `failed` with Postfix's 554 in enma-report's line. With
# report.failure_reports, a message failing DMARC whose policy has fo=1 and ruf= gets an
# RFC 9991 failure report written into report.failure_dir (failure_case), and with
# report.smtp, by an enma running as nobody with no_new_privs (as under the hardened
# enma.service, where sendmail's setgid postdrop cannot work), one submitted through Postfix
# and delivered (failure_smtp_case).
import email
import email.policy
import gzip
import os
import shutil
import sqlite3
import subprocess
import time

import harness
from harness import BAD_IP, GOOD_IP, RECIPIENT, result_of
from suite_ops import scrape
from suite_postfix import Sender, one_ar

DOMAIN = "dmarc.e2e.example"
REPORT_EMAIL = "dmarc@receiver.e2e.example"
# The report destinations are mailboxes of this Postfix too; it refuses one rua= address.
POSTFIX_EXTRA = """\
virtual_mailbox_domains = e2e.test, dmarc.e2e.example, ruf.e2e.example
smtpd_recipient_restrictions = check_recipient_access inline:{refused@dmarc.e2e.example=REJECT}
"""


def run(failures, directory, dns, enma):
    store = os.path.join(directory, "dmarc.db")
    enma.options = ["dmarc.auth=true", f"report.store=sqlite:{store}", "report.node=e2e-node"]
    enma.start()
    postfix = harness.Postfix(directory, enma.port, extra_main_cf=POSTFIX_EXTRA)
    try:
        postfix.start()
        sender = Sender(failures, postfix)
        recorded_case(failures, sender, enma, store)
        report_case(failures, directory, enma, store)
        smtp_report_case(failures, postfix, dns, enma, store)
        failure_case(failures, sender, directory, enma)
        failure_smtp_case(failures, sender, directory, postfix, enma)
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


def wait_delivered(postfix, needles, timeout=30.0):
    """The delivered message holding every one of `needles` (bytes), parsed (None on
    time-out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in postfix.delivered():
            with open(path, "rb") as f:
                data = f.read()
            if all(needle in data for needle in needles):
                return email.message_from_bytes(data, policy=email.policy.default)
        time.sleep(0.1)
    return None


def smtp_report_case(failures, postfix, dns, enma, store):
    """enma-report with report.smtp: the report to rua@ arrives through Postfix, from
    report.email, with a gzip attachment; refused@ is refused by Postfix: `failed`, 554."""
    tag = "report-smtp"
    binary = os.path.join(os.path.dirname(enma.binary), "enma-report")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    relay = f"127.0.0.1:{postfix.smtp_port}"
    result = subprocess.run(
        [binary, "-o", "dmarc.auth=true", "-o", f"report.store=sqlite:{store}",
         "-o", "report.org_name=e2e receiver", "-o", f"report.email={REPORT_EMAIL}",
         "-o", f"report.smtp={relay}", "-o", "report.sendmail=/nonexistent/sendmail",
         "-o", "resolver.mode=forward", "-o", f"resolver.forwarders=127.0.0.1@{dns.nsd_port}",
         "-o", "resolver.dnssec=false", "--period", f"{yesterday}..{today}"],
        capture_output=True, text=True, timeout=120)
    failures.equal(result.returncode, 1, f"[{tag}] enma-report exit status (one failed)")
    lines = sorted(line.split(" ")[0] + " " + line.split(" ")[3]
                   for line in result.stdout.splitlines())
    wanted = [f"failed mailto:refused@{DOMAIN}", f"sent mailto:rua@{DOMAIN}"]
    failures.check(lines == wanted, f"[{tag}] one line per destination: {wanted}",
                   result.stdout + result.stderr)
    refused = f"<refused@{DOMAIN}>"
    failures.check(f"(SMTP relay {relay}: RCPT TO:{refused}: 554 5.7.1 {refused}: Recipient "
                   "address rejected: Access denied)" in result.stdout,
                   f"[{tag}] the refusal quotes Postfix's reply", result.stdout)
    message = wait_delivered(postfix, [f"Delivered-To: rua@{DOMAIN}".encode()])
    failures.check(message is not None, f"[{tag}] report delivered", postfix.maillog()[-2000:])
    if message is None:
        return
    failures.equal(message["Return-Path"], f"<{REPORT_EMAIL}>", f"[{tag}] envelope sender")
    failures.equal(message["Delivered-To"], f"rua@{DOMAIN}", f"[{tag}] envelope recipient")
    failures.equal(message["To"], f"rua@{DOMAIN}", f"[{tag}] To:")
    parts = [p for p in message.walk() if p.get_content_type() == "application/gzip"]
    failures.equal(len(parts), 1, f"[{tag}] one application/gzip attachment")
    xml = gzip.decompress(parts[0].get_payload(decode=True)) if parts else b""
    failures.check(xml.startswith(b"<?xml") and f"<domain>{DOMAIN}</domain>".encode() in xml
                   and f"<source_ip>{BAD_IP}</source_ip>".encode() in xml,
                   f"[{tag}] the attachment is the gzip'ed aggregate report",
                   xml[:500].decode(errors="replace"))


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


def wait_records(enma, event, count, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(enma.records(event)) < count:
        time.sleep(0.1)
    return enma.records(event)


def process_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def failure_smtp_case(failures, sender, directory, postfix, enma):
    """The daemon as nobody with no_new_privs: its failure report submitted over SMTP to
    Postfix (which runs it through this same enma as its milter) and delivered."""
    tag = "report-ruf-smtp"
    # A copy in the workspace (0755): nobody may not reach the build tree (a clone in /root).
    binary = enma.binary
    enma.binary = os.path.join(directory, "enma-as-nobody")
    shutil.copy(binary, enma.binary)
    os.chmod(enma.binary, 0o755)
    enma.wrapper = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--no-new-privs", "--"]
    enma.options = ["dmarc.auth=true", "report.failure_reports=true",
                    f"report.email={REPORT_EMAIL}", f"report.smtp=127.0.0.1:{postfix.smtp_port}",
                    "report.sendmail=/nonexistent/sendmail"]
    try:
        enma.start()
    finally:
        enma.wrapper = []
        enma.binary = binary
    status = process_status(enma.pid())
    failures.equal((status["Uid"].split()[0], status["NoNewPrivs"]), ("65534", "1"),
                   f"[{tag}] enma runs as nobody with no_new_privs")
    address = "alice.smith@ruf.e2e.example"
    value = one_ar(failures, tag, sender.send(tag, BAD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "fail", f"[{tag}] dmarc result")
    records = wait_records(enma, "failure_report", 2)
    statuses = sorted((r.get("status"), r.get("destination"), r.get("why")) for r in records)
    failures.equal(statuses, [("refused", "mailto:ruf@elsewhere.e2e.example",
                               "no _report._dmarc authorisation"),
                              ("sent", "mailto:failures@ruf.e2e.example", None)],
                   f"[{tag}] failure_report log records")
    message = wait_delivered(postfix, [b"Feedback-Type: auth-failure",
                                       f"X-E2E-Case: {tag}".encode()])
    failures.check(message is not None, f"[{tag}] failure report delivered",
                   postfix.maillog()[-2000:])
    if message is not None:
        failures.equal((message["Return-Path"], message["Delivered-To"]),
                       (f"<{REPORT_EMAIL}>", "failures@ruf.e2e.example"), f"[{tag}] envelope")
        failures.check(message.get_content_type() == "multipart/report" and
                       message.get_param("report-type") == "feedback-report",
                       f"[{tag}] a multipart/report; report-type=feedback-report",
                       str(message["Content-Type"]))
        text = message.as_bytes().decode(errors="replace")
        for field in ("Feedback-Type: auth-failure", "Reported-Domain: ruf.e2e.example",
                      f"Source-IP: {BAD_IP}", "Original-Mail-From: <redacted@ruf.e2e.example>"):
            failures.check(field in text, f"[{tag}] report has '{field}'", text[:3000])
        failures.check("alice.smith" not in text, f"[{tag}] no local-part", text[:3000])
    failures.equal(enma.stop(), 0, f"[{tag}] exit status after SIGTERM")
    stops = [(r.get("sent"), r.get("refused"), r.get("failed"))
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
