#!/usr/bin/env python3
"""Print the example blocks of a README (```sh fences) or a man page
(``` fences under # EXAMPLES), made runnable in a sandbox, NUL-separated.

The rewriting is the same for every block and stands here once, so that an
example runs as written but for what no test machine has: /srv, /opt and
/var/run paths, users ci and alice, hour-long timeouts, a crontab."""
import re
import sys

SUBSTITUTIONS = [
    (r"/srv/in(coming)?\b", "./in"),          # a directory of files
    (r"/var/run/myapp\b", "./myapp"),         # a C program's ftok file
    (r"/opt/", "./opt/"),                     # the cron jobs
    (r"--owner (ci|alice)\b", "--owner nobody"),
    (r"\bid:32769\b", "id:$PRIVATE_SEM"),     # a private set's id
    (r"-t 10m\b", "-t 1"),                    # worker loops end once idle
    (r"-t 1h\b", "-t 60"),
]
CRON = re.compile(r"^(\d+|\*) (\d+|\*) \* \* \* (.*)$")


def blocks(path):
    text = open(path, encoding="utf-8").read()
    if path.endswith(".scd"):
        match = re.search(r"^# EXAMPLES\n(.*?)(?=^# [A-Z][A-Z ]*\n|\Z)", text, re.S | re.M)
        found = re.findall(r"^```\n(.*?)^```", match.group(1) if match else "", re.S | re.M)
        return [b.replace("\\\\", "\\") for b in found]
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


def cron_lines(lines):
    """A crontab's commands: the earlier hours' jobs in the background."""
    timed = [(int(m.group(2)), m.group(3)) for m in map(CRON.match, lines) if m]
    last = max(hour for hour, _ in timed)
    return [cmd if hour == last else f"{cmd} & settle $!" for hour, cmd in timed]


def runnable(block):
    lines = block.splitlines()
    if any(CRON.match(line) for line in lines):
        lines = cron_lines(lines)
    out, server = [], []
    target = out
    for line in lines:
        if line.strip() == "# server":     # runs first, in the background
            target = server
            continue
        # A background job settles (its COMMAND runs) before the next line,
        # as it has when a person types the next line at a prompt.
        line = re.sub(r"&(\s+#.*)?$", "& settle $!", line)
        target.append(line)
    text = "\n".join(out)
    if server:
        text = "( %s\n) & server=$!\n%s\nwait $server" % ("\n".join(server), text)
    for pattern, replacement in SUBSTITUTIONS:
        text = re.sub(pattern, replacement, text)
    return text + "\n"


for block in blocks(sys.argv[1]):
    if "scripts/deps" in block:         # the set-up: what CI itself runs
        continue
    sys.stdout.write(runnable(block) + "\0")
