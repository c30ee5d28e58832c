# suite_miltertest.py - protocol edge cases through a second MTA-side client, miltertest(8)
# (Debian package miltertest): each miltertest/*.lua script (but common.lua) runs against
# enma and must exit 0; enma must be alive afterwards.
import glob
import os
import shutil
import subprocess

import harness
from harness import HarnessError

SCRIPTS = os.path.join(harness.HERE, "miltertest")


def run(failures, directory, dns, enma):
    binary = shutil.which("miltertest") or "/usr/bin/miltertest"
    if not os.path.exists(binary):
        raise HarnessError("miltertest is not installed (Debian package miltertest)")
    enma.start()
    scripts = sorted(path for path in glob.glob(os.path.join(SCRIPTS, "*.lua"))
                     if os.path.basename(path) != "common.lua")
    failures.check(len(scripts) >= 4, "miltertest scripts found", str(scripts))
    for script in scripts:
        name = os.path.basename(script)
        try:
            result = subprocess.run(
                [binary, "-D", f"port={enma.port}", "-D", f"dir={SCRIPTS}", "-s", script],
                capture_output=True, text=True, errors="replace", timeout=300)
            status, output = result.returncode, result.stdout + result.stderr
        except subprocess.TimeoutExpired:
            status, output = "timeout", ""
        failures.equal(status, 0, f"[{name}] miltertest exit status")
        if status != 0:
            print(output[-3000:])
        failures.check(enma.alive(), f"[{name}] enma still running")
