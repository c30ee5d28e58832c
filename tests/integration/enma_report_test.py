#!/usr/bin/env python3
# enma_report_test.py - the enma-report binary end to end: a SQLite store holding a week of
# records (written with the store's own schema: enma-report creates it), rua destinations in
# and outside the policy domain verified against fixture.py's NSD zones, report.sendmail set
# to a script that records what it got. Checks: what is sent where and refused, the message
# and its gzip'd XML (valid against tests/data/dmarc-aggregate-rfc9990.xsd), a second run
# sending nothing, --output-dir, --dry-run, and --purge; --failure-report on a message failing
# DMARC at ruf.dmarctest (fo=1): the failure report goes to the internal ruf only, redacted.
#
#   fixture.py run -- python3 enma_report_test.py ENMA_REPORT_BINARY SOURCE_DIR   (ctest does)
import email
import gzip
import os
import sqlite3
import subprocess
import sys
import tempfile

DAY = 86400
FIRST = 1795651200  # 2026-11-26 00:00:00 UTC
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL:", what)


def enma_report(binary, work, port, *args):
    command = [binary, "-o", "dmarc.auth=true", "-o", "resolver.mode=forward",
               "-o", f"resolver.forwarders=127.0.0.1@{port}", "-o", "resolver.dnssec=false",
               "-o", f"report.store=sqlite:{work}/reports.db",
               "-o", "report.org_name=Example Receiver", "-o", "report.email=dmarc@receiver.example",
               "-o", f"report.sendmail={work}/sendmail", "-o", "report.retention_days=30",
               *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def message_row(con, seq, at, domain, rua, ip, aligned):
    con.execute(
        "INSERT INTO dmarc_message VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ("mx1", seq, at, ip, domain, domain if aligned else "other.example", "receiver.example",
         domain, "treewalk", "reject", "", "", "r", "r", "n", "0", rua, "",
         "pass" if aligned else "fail", "pass" if aligned else "reject", int(aligned),
         int(aligned), "", "", domain if aligned else "other.example", "mfrom",
         "pass" if aligned else "fail", "insecure"))
    if aligned:
        con.execute("INSERT INTO dmarc_dkim VALUES (?,?,?,?,?,?,?)",
                    ("mx1", seq, 0, domain, "sel", "pass", ""))


def fill(work):
    """A week for example.org (rua inside and at plain.example, which authorises it) and
    example.net (rua at plain.example, which does not); one old record to purge."""
    con = sqlite3.connect(f"{work}/reports.db")
    seq = 0
    for day in range(7):
        for i in range(day + 1):
            seq += 1
            message_row(con, seq, FIRST + day * DAY + i, "example.org",
                        "mailto:dmarc@example.org,mailto:agg@plain.example", "192.0.2.1", True)
        seq += 1
        message_row(con, seq, FIRST + day * DAY + 500, "example.org",
                    "mailto:dmarc@example.org,mailto:agg@plain.example", "198.51.100.7", False)
        seq += 1
        message_row(con, seq, FIRST + day * DAY + 600, "example.net",
                    "mailto:agg@plain.example", "192.0.2.2", True)
    seq += 1
    message_row(con, seq, 1000, "old.example", "mailto:x@old.example", "192.0.2.3", True)
    con.commit()
    con.close()


def sent_messages(work):
    path = f"{work}/sent.log"
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        parts = f.read().split(b"\nENMA-REPORT-SEPARATOR\n")
    return [p for p in parts if p.strip()]


def xmllint(source, xml_bytes, work):
    path = f"{work}/report.xml"
    with open(path, "wb") as f:
        f.write(xml_bytes)
    result = subprocess.run(["xmllint", "--noout", "--schema",
                             f"{source}/tests/data/dmarc-aggregate-rfc9990.xsd", path],
                            capture_output=True, text=True)
    return result.returncode == 0


def check_week(binary, source, work, port):
    code, out, err = enma_report(binary, work, port, "--period", "2026-11-26..2026-12-02")
    check(code == 0, f"first run exit 0, got {code}: {err}")
    check(out.count("sent example.org ") == 14, "example.org sent to two destinations a day:\n" + out)
    check(out.count("(internal)") == 7 and out.count("(verified)") == 7, "verdicts:\n" + out)
    check(out.count("refused example.net ") == 7, "example.net refused every day:\n" + out)
    messages = sent_messages(work)
    check(len(messages) == 14, f"14 messages reached sendmail, got {len(messages)}")
    first = email.message_from_bytes(messages[0].split(b"\n", 1)[1])
    check(messages[0].startswith(b"ARGS -t -oi -f dmarc@receiver.example"), "sendmail arguments")
    check(first["To"] == "dmarc@example.org", f"To: {first['To']}")
    check(" ".join(first["Subject"].split()) ==
          "Report Domain: example.org Submitter: receiver.example Report-ID: "
          "<1795651200.example.org@receiver.example>", f"Subject: {first['Subject']}")
    attachment = [p for p in first.walk() if p.get_content_type() == "application/gzip"][0]
    check(attachment.get_filename() ==
          "receiver.example!example.org!1795651200!1795737599.xml.gz", "file name")
    xml = gzip.decompress(attachment.get_payload(decode=True))
    check(xmllint(source, xml, work), "the XML validates against the RFC 9990 schema")
    check(b"<source_ip>198.51.100.7</source_ip>\n      <count>1</count>" in xml, "failing row")
    check(b"<source_ip>192.0.2.1</source_ip>\n      <count>1</count>" in xml, "day 1 count")
    last = email.message_from_bytes(messages[-1].split(b"\n", 1)[1])
    last_xml = gzip.decompress(
        [p for p in last.walk() if p.get_content_type() == "application/gzip"][0]
        .get_payload(decode=True))
    check(b"<source_ip>192.0.2.1</source_ip>\n      <count>7</count>" in last_xml, "day 7 count")


def check_rerun(binary, work, port):
    before = len(sent_messages(work))
    code, out, err = enma_report(binary, work, port, "--period", "2026-11-26..2026-12-02")
    check(code == 0, f"second run exit 0, got {code}: {err}")
    check(out.count("already ") == 21 and "sent " not in out, "second run sends nothing:\n" + out)
    check(len(sent_messages(work)) == before, "no message reached sendmail on the second run")
    con = sqlite3.connect(f"{work}/reports.db")
    rows = con.execute("SELECT status, count(*) FROM dmarc_report_sent GROUP BY status "
                       "ORDER BY status").fetchall()
    con.close()
    check(rows == [("refused", 7), ("sent", 14)], f"dmarc_report_sent: {rows}")


def check_output_dir_dry_run_purge(binary, work, port):
    os.mkdir(f"{work}/out")
    code, out, _ = enma_report(binary, work, port, "--period", "2026-11-26", "--dry-run",
                               "--output-dir", f"{work}/out")
    check(code == 0 and out.count("would-write ") == 2 and not os.listdir(f"{work}/out"),
          "dry run writes nothing:\n" + out)
    code, out, _ = enma_report(binary, work, port, "--period", "2026-11-26",
                               "--output-dir", f"{work}/out", "--domain", "example.net")
    check(code == 0 and os.listdir(f"{work}/out") ==
          ["receiver.example!example.net!1795651200!1795737599.xml.gz"],
          f"--output-dir --domain: {os.listdir(f'{work}/out')}\n{out}")
    code, out, _ = enma_report(binary, work, port, "--period", "2026-11-26", "--purge",
                               "--dry-run")
    check(out.startswith("purged 1 message(s)\n"), "purge removes the old record:\n" + out)


FAILING_MESSAGE = (b"From: Alice Example <alice.secret@ruf.dmarctest>\r\n"
                   b"To: bob.private@receiver.example\r\n"
                   b"Subject: invoice\r\nMessage-ID: <m1@ruf.dmarctest>\r\n\r\n"
                   b"The body stays here.\r\n")


def check_failure_report(binary, work, port):
    with open(f"{work}/failing.eml", "wb") as f:
        f.write(FAILING_MESSAGE)
    failure = ["--failure-report", f"{work}/failing.eml", "--ip", "198.51.100.9",
               "--mail-from", "bounce@elsewhere.example", "--rcpt", "bob.private@receiver.example"]
    code, out, err = enma_report(binary, work, port, *failure)
    check(code == 2 and "report.failure_reports is false" in err, "failure reports are off by default")
    before = len(sent_messages(work))
    code, out, err = enma_report(binary, work, port, "-o", "report.failure_reports=true", *failure)
    check(code == 0, f"failure report exit 0, got {code}: {err}")
    check("sent ruf.dmarctest mailto:ruf@ruf.dmarctest\n" in out, "sent to the internal ruf:\n" + out)
    check("refused ruf.dmarctest mailto:ext@plain.example\n" in out, "external ruf refused:\n" + out)
    messages = sent_messages(work)[before:]
    check(len(messages) == 1, f"one failure report reached sendmail, got {len(messages)}")
    report = messages[0] if messages else b""
    for needle in (b"To: ruf@ruf.dmarctest\r\n", b"Feedback-Type: auth-failure\r\n",
                   b"Auth-Failure: dmarc\r\n", b"Identity-Alignment: dkim, spf\r\n",
                   b"Source-IP: 198.51.100.9\r\n", b"Reported-Domain: ruf.dmarctest\r\n",
                   b"Original-Mail-From: <redacted@elsewhere.example>\r\n",
                   b"From: Alice Example <redacted@ruf.dmarctest>\r\n",
                   b"Content-Type: message/feedback-report\r\n", b"dmarc=fail"):
        check(needle in report, f"failure report holds {needle!r}")
    for secret in (b"alice.secret", b"bob.private", b"The body stays here"):
        check(secret not in report, f"failure report leaks {secret!r}")


def main(argv):
    binary, source = argv[1], argv[2]
    port = int(os.environ["ENMA_IT_NSD_PORT"])
    with tempfile.TemporaryDirectory(prefix="enma-report-") as work:
        with open(f"{work}/sendmail", "w") as f:
            f.write(f"#!/bin/sh\n{{ echo \"ARGS $*\"; cat; echo; echo ENMA-REPORT-SEPARATOR; }}"
                    f" >> '{work}/sent.log'\n")
        os.chmod(f"{work}/sendmail", 0o755)
        code, _, err = enma_report(binary, work, port, "--dry-run")  # creates the schema
        check(code == 0, f"empty store: exit 0, got {code}: {err}")
        fill(work)
        check_week(binary, source, work, port)
        check_rerun(binary, work, port)
        check_output_dir_dry_run_purge(binary, work, port)
        check_failure_report(binary, work, port)
    print("enma_report_test:", "FAILED" if FAILURES else "ok")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
