#!/usr/bin/python3
# enma_check_sign.py - sign the message on stdin with dkimpy (Debian's python3-dkim) and write
# it, DKIM-Signature first, to stdout: the independent signer enma_check_test.cpp checks
# enma-check against.
#
#   enma_check_sign.py KEY_FILE SELECTOR DOMAIN IDENTITY < message > signed
import sys

import dkim


def main(argv):
    if len(argv) != 5:
        print("usage: enma_check_sign.py KEY_FILE SELECTOR DOMAIN IDENTITY", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        key = f.read()
    message = sys.stdin.buffer.read()
    signature = dkim.sign(message, argv[2].encode(), argv[3].encode(), key,
                          identity=argv[4].encode(),
                          include_headers=[b"from", b"to", b"subject", b"date"])
    sys.stdout.buffer.write(signature + message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
