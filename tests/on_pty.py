#!/usr/bin/python3
"""Run a command with stdin, stdout and stderr on a new pseudo-terminal.

    on_pty.py [--after TEXT --send DATA] COMMAND [ARG...]

Prints what the command wrote to the terminal (CR LF as LF) and exits with
its exit status.  With --after/--send, DATA is typed once TEXT has appeared
(an EOT byte, Ctrl-D, ends a line of input); without, the terminal's input
ends at once.  Gives up after 20 s.
"""
import os
import pty
import select
import sys
import time


def main(argv):
    after = send = None
    while argv and argv[0] in ("--after", "--send"):
        if argv[0] == "--after":
            after = argv[1].encode()
        else:
            send = argv[1].encode().decode("unicode_escape").encode("latin-1")
        argv = argv[2:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b""
    typed = False
    if after is None:
        os.write(master, b"\x04")
        typed = True
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not typed and after in seen:
            os.write(master, send)
            typed = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(seen.replace(b"\r\n", b"\n"))
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
        else (status >> 8)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
