#!/usr/bin/env python3
"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1:PORT, storing every message it
accepts in the Maildir MAILDIR (which must not exist yet; aiosmtpd makes it). Prints "ready"
once it accepts connections, then serves until its standard input closes (so it ends with the
test that started it) or it gets SIGTERM.

    python3 scripts/smtp_server.py MAILDIR PORT
"""

import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def main() -> None:
    maildir, port = sys.argv[1], int(sys.argv[2])
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server answers
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
