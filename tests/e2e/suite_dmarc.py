# suite_dmarc.py - DMARC actions through a real Postfix (issue 11): with dmarc.reject_action
# reject the SMTP client sees enma's 550 5.7.1 and nothing is delivered; with
# dmarc.quarantine_action quarantine the message lands in Postfix's hold queue; passing mail
# is delivered with dmarc=pass; and with the actions off (the default) the same failing mail
# is delivered with dmarc=fail: nothing is lost.
import json
import shutil
import subprocess

import harness
from harness import BAD_IP, GOOD_IP, result_of
from suite_postfix import Sender, one_ar

ACTIONS = ("dmarc.auth=true", "dmarc.reject_action=reject",
           "dmarc.quarantine_action=quarantine")


def run(failures, directory, dns, enma):
    enma.options = list(ACTIONS)
    enma.start()
    postfix = harness.Postfix(directory, enma.port)
    try:
        postfix.start()
        sender = Sender(failures, postfix)
        pass_case(failures, sender)
        reject_case(failures, postfix)
        quarantine_case(failures, postfix)
        enma.stop()
        enma.options = ["dmarc.auth=true"]
        enma.start()
        actions_off_case(failures, sender)
    finally:
        postfix.stop()


def pass_case(failures, sender):
    tag = "dmarc-pass"
    address = "user@dmarc.e2e.example"
    value = one_ar(failures, tag, sender.send(tag, GOOD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "pass", f"[{tag}] dmarc result")


def reject_case(failures, postfix):
    tag = "dmarc-reject"
    address = "user@dmarc.e2e.example"
    status, transcript = harness.swaks(postfix.smtp_port, BAD_IP, address,
                                       harness.message(tag, address))
    failures.check(status != 0, f"[{tag}] swaks saw the message refused", transcript[-800:])
    failures.check("550 5.7.1 Message rejected per DMARC policy of dmarc.e2e.example"
                   in transcript, f"[{tag}] the configured reply", transcript[-800:])
    failures.check(postfix.wait_for(tag, timeout=2) is None, f"[{tag}] nothing delivered")


def held_messages(postfix):
    binary = shutil.which("postqueue") or "/usr/sbin/postqueue"
    result = subprocess.run([binary, "-c", postfix.config, "-j"], capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def quarantine_case(failures, postfix):
    tag = "dmarc-quarantine"
    address = "user@quar.e2e.example"
    status, transcript = harness.swaks(postfix.smtp_port, BAD_IP, address,
                                       harness.message(tag, address))
    failures.check(status == 0, f"[{tag}] accepted by Postfix", transcript[-800:])
    failures.check(postfix.wait_for(tag, timeout=3) is None, f"[{tag}] not delivered")
    held = [m for m in held_messages(postfix) if m.get("sender") == address]
    failures.equal([m.get("queue_name") for m in held], ["hold"], f"[{tag}] in the hold queue")


def actions_off_case(failures, sender):
    tag = "dmarc-fail-delivered"
    address = "user@dmarc.e2e.example"
    value = one_ar(failures, tag, sender.send(tag, BAD_IP, address,
                                              harness.message(tag, address)))
    failures.equal(result_of(value, "dmarc"), "fail", f"[{tag}] dmarc result")
