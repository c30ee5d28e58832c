#!/usr/bin/python3
# package_test.py - the .deb as an operator gets it (issue 14, item 7).
#
#   package_test.py --build-dir BUILD
#
# Runs `cpack -G DEB` in BUILD, installs the package into this machine with dpkg -i, checks
# that every file is in its FHS place and the enma user exists, starts the installed
# /usr/sbin/enma directly (systemd does not run here) with no -c, so it reads the installed
# /etc/enma/enma.conf, and has the milter client get an Authentication-Results field from
# it; then removes the package (dpkg --purge) and checks that the files are gone. Needs root.
import argparse
import glob
import os
import pwd
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from harness import Failures, HarnessError  # noqa: E402
from harness import BAD_IP  # noqa: E402
from suite_wire import FROM, check_verified, send_message  # noqa: E402

FILES = ("/usr/sbin/enma", "/usr/bin/sidfquery", "/usr/bin/enma-check", "/usr/bin/enma-report",
         "/etc/enma/enma.conf", "/lib/systemd/system/enma.service",
         "/lib/systemd/system/enma-report.service", "/lib/systemd/system/enma-report.timer",
         "/usr/lib/tmpfiles.d/enma.conf",
         "/usr/share/man/man8/enma.8", "/usr/share/man/man5/enma.conf.5",
         "/usr/share/man/man1/sidfquery.1", "/usr/share/man/man1/enma-check.1",
         "/usr/share/man/man1/enma-report.1")


def build_package(build_dir, out_dir):
    subprocess.run(["cpack", "-G", "DEB", "-B", out_dir, "--config",
                    os.path.join(build_dir, "CPackConfig.cmake")], check=True,
                   capture_output=True, text=True)
    debs = glob.glob(os.path.join(out_dir, "*.deb"))
    if len(debs) != 1:
        raise HarnessError(f"cpack made {debs}")
    return debs[0]


def installed(failures):
    for path in FILES:
        failures.check(os.path.exists(path), f"[deb] installs {path}")
    try:
        pwd.getpwnam("enma")
        failures.check(True, "[deb] creates the enma user")
    except KeyError:
        failures.check(False, "[deb] creates the enma user")
    version = subprocess.run(["/usr/sbin/enma", "-V"], capture_output=True, text=True)
    failures.check(version.returncode == 0 and version.stdout.startswith("enma "),
                   "[deb] the installed enma runs", version.stdout + version.stderr)


def serve(failures, directory):
    dns = enma = None
    try:
        dns = harness.Dns(directory)
        # No -c: the installed /etc/enma/enma.conf is read (a line added to it shows), and
        # -o points it at the test DNS.
        with open("/etc/enma/enma.conf", "a") as f:
            f.write("authresult.spf_hardfail: true\n")
        enma = harness.Enma("/usr/sbin/enma", directory, dns, options=("milter.user=enma",))
        enma.start()
        check_verified(failures, "deb: installed enma", send_message(enma, [FROM]))
        check_verified(failures, "deb: /etc/enma/enma.conf read without -c",
                       send_message(enma, [FROM], ip=BAD_IP), spf="hardfail")
        failures.equal(enma.stop(), 0, "[deb] exit status after SIGTERM")
    finally:
        if enma:
            enma.kill()
        if dns:
            dns.stop()


def main():
    parser = argparse.ArgumentParser(description="install the .deb and use it")
    parser.add_argument("--build-dir", required=True)
    args = parser.parse_args()
    failures = Failures()
    directory = harness.workspace("enma-deb-")
    os.chmod(directory, 0o755)  # the enma user reaches milter.chdir
    try:
        deb = build_package(os.path.abspath(args.build_dir), tempfile.mkdtemp(dir=directory))
        subprocess.run(["dpkg", "-i", deb], check=True, capture_output=True, text=True)
        try:
            installed(failures)
            serve(failures, directory)
        finally:
            subprocess.run(["dpkg", "--purge", "enma"], check=True, capture_output=True)
        for path in FILES:
            failures.check(not os.path.exists(path), f"[deb] purge removes {path}")
    except (HarnessError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        failures.check(False, f"deb: {error}", str(detail)[-2000:])
    finally:
        harness.remove_workspace(directory)
    return failures.summary("package")


if __name__ == "__main__":
    sys.exit(main())
