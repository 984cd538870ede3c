#!/usr/bin/env python3
"""Helpers of tests/shm.bats for the guarded --framed layout: read the
companion semaphore set of a segment, kill a writer in the middle of its
copy, and a storm of framed writers killed at random with readers checking
every frame.

  framed.py state KEY                    "LOCK DONE GEN" or "none"
  framed.py kill-mid-copy KEY SIG CMD... run CMD (stdin inherited), send
                                         SIG (TERM, INT or KILL) while it
                                         copies, print its exit status
  framed.py storm KEY SECONDS SYSVCTL FILE...
"""
import ctypes
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

GETPID, GETALL = 11, 13      # semctl(2) on Linux
LOCK, DONE, GEN = range(3)

libc = ctypes.CDLL(None, use_errno=True)
libc.semget.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]


def state(key):
    """The three values of KEY's companion set, or None when there is none."""
    sem_id = libc.semget(ctypes.c_int(key if key < 2**31 else key - 2**32), 0, 0)
    if sem_id < 0:
        return None
    values = (ctypes.c_ushort * 3)()
    if libc.semctl(sem_id, 0, GETALL, values) != 0:
        return None
    return list(values)


def lock_holder(key):
    """The pid of the last operation on the lock: its holder while held."""
    sem_id = libc.semget(ctypes.c_int(key if key < 2**31 else key - 2**32), 0, 0)
    return libc.semctl(sem_id, LOCK, GETPID) if sem_id >= 0 else -1


def mid_copy(key):
    """A writer holds the lock and has marked its write as begun.  A set
    still being made reads 0 0 0 for a moment: its generation, 1 from
    the start, tells it apart."""
    values = state(key)
    return values is not None and values[LOCK] == 0 and values[DONE] == 0 \
        and values[GEN] != 0


def stopped(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "T"


def kill_mid_copy(key, signame, cmd):
    """Run CMD, catch it between the start and the end of its copy, and
    send it SIGNAME there.  SIGKILL goes to a stopped writer, so that it
    lands mid-copy for sure.  Exit 3 when the copy was never seen."""
    signo = getattr(signal, "SIG" + signame)
    proc = subprocess.Popen(cmd)
    deadline = time.monotonic() + 15
    while proc.poll() is None and time.monotonic() < deadline:
        if not mid_copy(key):
            continue
        proc.send_signal(signal.SIGSTOP)
        while not stopped(proc.pid):
            time.sleep(0.001)
        if not mid_copy(key):          # finished just before it stopped
            proc.send_signal(signal.SIGCONT)
            continue
        proc.send_signal(signo)
        proc.send_signal(signal.SIGCONT)
        code = proc.wait()
        print(128 - code if code < 0 else code)
        return 0
    proc.kill()
    proc.wait()
    print("the copy was never seen", file=sys.stderr)
    return 3


def fire(writer, key):
    """Whether to send WRITER its signal now.  Half the KILLs wait (up to
    50 ms) for their writer to be in the middle of its copy; the other
    signals land at a random moment."""
    now = time.monotonic()
    if writer["aim"]:
        return (mid_copy(key) and lock_holder(key) == writer["proc"].pid) or \
            now >= writer["when"] + 0.05
    return now >= writer["when"]


def expected_frames(files):
    """Every frame a reader may see: the file's bytes (each file one byte
    repeated, its own length)."""
    frames = {}
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        frames[len(data)] = data
    return frames


def storm(key, seconds, sysvctl, files):
    """Writers of FILES killed at random moments by TERM, INT or KILL, and
    readers: count what every reader saw.  Exit 1 on a torn frame or any
    other failure."""
    frames = expected_frames(files)
    counts = dict(writes=0, TERM=0, INT=0, KILL=0, reads=0, incomplete=0,
                  torn=0, errors=0)
    writers, readers = [], []
    end = time.monotonic() + seconds
    ref = "0x%08x" % key
    while time.monotonic() < end or writers or readers:
        running = time.monotonic() < end
        while running and len(writers) < 3:
            path = random.choice(files)
            stdin = open(path, "rb")
            proc = subprocess.Popen([sysvctl, "shm", "write", ref, "--framed"],
                                    stdin=stdin, stderr=subprocess.DEVNULL)
            stdin.close()
            writers.append(dict(proc=proc, when=time.monotonic() + random.uniform(0, 0.008),
                                sig=random.choice(["TERM", "INT", "KILL", None, None]),
                aim=False))
            writers[-1]["aim"] = writers[-1]["sig"] == "KILL" and random.random() < 0.5
        while running and len(readers) < 2:
            # Into a file, not a pipe: a reader must never wait on us.
            out = tempfile.TemporaryFile()
            readers.append((subprocess.Popen(
                [sysvctl, "shm", "read", ref, "--framed"],
                stdout=out, stderr=subprocess.PIPE), out))
        for writer in list(writers):
            proc = writer["proc"]
            if writer["sig"] and proc.poll() is None and fire(writer, key):
                proc.send_signal(getattr(signal, "SIG" + writer["sig"]))
                writer["sig"] = None
            if proc.poll() is None:
                continue
            writers.remove(writer)
            name = signal.Signals(-proc.returncode).name[3:] if proc.returncode < 0 else ""
            if proc.returncode == 0:
                counts["writes"] += 1
            elif name in ("TERM", "INT", "KILL"):
                counts[name] += 1
            else:
                counts["errors"] += 1
        for reader in list(readers):
            proc, out = reader
            if proc.poll() is None:
                continue
            readers.remove(reader)
            err = proc.stderr.read()
            proc.stderr.close()
            out.seek(0)
            data = out.read()
            out.close()
            if proc.returncode == 8:
                counts["incomplete"] += 1
            elif proc.returncode != 0:
                counts["errors"] += 1
                print("reader:", proc.returncode, err.decode(), file=sys.stderr)
            elif frames.get(len(data)) == data:
                counts["reads"] += 1
            else:
                counts["torn"] += 1
        time.sleep(0.0005)
    print(" ".join(f"{name}={value}" for name, value in counts.items()))
    return 1 if counts["torn"] or counts["errors"] else 0


def main(argv):
    key = int(argv[2], 0)
    if argv[1] == "state":
        values = state(key)
        print("none" if values is None else " ".join(map(str, values)))
        return 0
    if argv[1] == "kill-mid-copy":
        return kill_mid_copy(key, argv[3], argv[4:])
    if argv[1] == "storm":
        return storm(key, float(argv[3]), argv[4], argv[5:])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
