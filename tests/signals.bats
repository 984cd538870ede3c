#!/usr/bin/env bats
# A signal never loses a message or a unit, and a full non-blocking stdout
# is waited on: every message taken off a queue is written out or named on
# stderr as lost, and a 128+N exit leaves a semaphore's value unchanged.

load helpers


# The number of messages in the queue with key $1, from ipcs.
queued() {
	ipcs -q | awk -v k="$1" 'tolower($1) == tolower(k) { print $6 }'
}

# pipe_run MODE SIGNAL SIGNAL_AFTER READ_AFTER OUT -- COMMAND...
# Run COMMAND with stdout a pipe of 4 KiB (O_NONBLOCK when MODE is
# nonblock), send it SIGNAL (TERM, INT, HUP or -) SIGNAL_AFTER seconds
# after its start, start reading READ_AFTER seconds after its start (exit:
# after COMMAND has ended), slowly (512 bytes at a time), into OUT.  Exits
# with COMMAND's status, 128+N when a signal ended it.
pipe_run() {
	"$PY" -c '
import fcntl, os, signal, subprocess, sys, time
mode, sig, sig_after, read_after, out_path = sys.argv[1:6]
cmd = sys.argv[7:]
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
if mode == "nonblock":
    fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
proc = subprocess.Popen(cmd, stdout=w)
os.close(w)
start = time.monotonic()
if sig != "-":
    time.sleep(float(sig_after))
    proc.send_signal(getattr(signal, "SIG" + sig))
if read_after == "exit":
    proc.wait()
else:
    time.sleep(max(0.0, float(read_after) - (time.monotonic() - start)))
data = bytearray()
while True:
    chunk = os.read(r, 512)
    if not chunk:
        break
    data += chunk
    time.sleep(0.0005)
rc = proc.wait()
with open(out_path, "wb") as out:
    out.write(data)
sys.exit(128 - rc if rc < 0 else rc)
' "$@"
}

# race MODE KEY TRIALS: TRIALS times, start a waiter with COMMAND's
# binary (sem: `sem acquire KEY -t 20` on a semaphore at 0; mq: `mq send
# KEY abcdefghij` on a queue of 10 bytes made full), wake it from here
# (semop +1, or msgrcv of the message that filled the queue), then send
# it SIGTERM 0 to 400 us later: around the moment it is granted.  Each
# trial must be consistent: exit 0 and the unit taken (the message
# sent), or 128+N and the value (the queue) as it was.  Prints the
# counts; exit 1 when a trial was not consistent.
race() {
	"$PY" -c "$RACE_PY" "$1" "$SYSVCTL" "$2" "$3"
}

read -r -d '' RACE_PY <<'PYEOF' || true
import ctypes, os, random, signal, subprocess, sys, time
mode, binary, key, trials = sys.argv[1], sys.argv[2], int(sys.argv[3], 0), int(sys.argv[4])
libc = ctypes.CDLL(None, use_errno=True)
GETVAL, SETVAL, GETNCNT, IPC_NOWAIT = 12, 16, 14, 0o4000
class Sembuf(ctypes.Structure):
    _fields_ = [("num", ctypes.c_ushort), ("op", ctypes.c_short), ("flg", ctypes.c_short)]
class Msg(ctypes.Structure):
    _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 64)]

def spin(us):
    end = time.perf_counter() + us / 1e6
    while time.perf_counter() < end:
        pass

def wait_for(check):
    for _ in range(2000):
        if check():
            return
        time.sleep(0.002)
    sys.exit("timed out waiting")

def sem_trial(semid):
    libc.semctl(semid, 0, SETVAL, 0)
    proc = subprocess.Popen([binary, "sem", "acquire", hex(key), "-t", "20"])
    wait_for(lambda: libc.semctl(semid, 0, GETNCNT) == 1)
    op = Sembuf(0, 1, 0)
    libc.semop(semid, ctypes.byref(op), 1)
    spin(random.uniform(0, 400))
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait()
    value = libc.semctl(semid, 0, GETVAL)
    return rc, value == (0 if rc == 0 else 1)

def mq_trial(qid):
    full = Msg(1, b"0123456789")
    libc.msgsnd(qid, ctypes.byref(full), 10, 0)
    proc = subprocess.Popen([binary, "mq", "send", hex(key), "abcdefghij"])
    wait_for(lambda: open(f"/proc/{proc.pid}/wchan").read() == "do_msgsnd")
    got = Msg()
    libc.msgrcv(qid, ctypes.byref(got), 64, 0, 0)
    spin(random.uniform(0, 400))
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait()
    left = 0
    while libc.msgrcv(qid, ctypes.byref(got), 64, 0, IPC_NOWAIT) >= 0:
        left += 1
    return rc, left == (1 if rc == 0 else 0)

ident = libc.semget(key, 0, 0) if mode == "sem" else libc.msgget(key, 0)
trial = sem_trial if mode == "sem" else mq_trial
counts = {"ok0": 0, "stopped": 0, "wrong": 0}
for i in range(trials):
    rc, consistent = trial(ident)
    if not consistent:
        counts["wrong"] += 1
        print(f"trial {i}: exit {-rc + 128 if rc < 0 else rc}, inconsistent")
    elif rc == 0:
        counts["ok0"] += 1
    else:
        counts["stopped"] += 1
print(f"{counts['ok0']} exit 0, {counts['stopped']} stopped, {counts['wrong']} inconsistent")
sys.exit(1 if counts["wrong"] else 0)
PYEOF

# fill_queue KEY N: N messages "0001".."N" (one line each).
fill_queue() {
	seq -w 1 "$2" | sysvctl mq send "$1" --lines
}

# lost_count STDERR: how many messages a recv named as lost.
lost_count() {
	local text=$1
	if [[ "$text" == *"the message of type"*"is lost"* ]]; then
		echo 1
	elif [[ "$text" =~ ([0-9]+)\ messages\ were\ taken\ off ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo 0
	fi
}

@test "mq recv --all into a full non-blocking pipe waits and loses nothing" {
	sysvctl mq create "$K1"
	fill_queue "$K1" 3000
	run --separate-stderr pipe_run nonblock - 0 0.3 "$BATS_TEST_TMPDIR/out" -- \
		"$SYSVCTL" mq recv "$K1" --all -l
	assert_success
	[ "$stderr" = "" ]
	cmp "$BATS_TEST_TMPDIR/out" <(seq -w 1 3000)
	[ "$(queued "$K1")" = 0 ]
}

@test "mq recv --json into a full non-blocking pipe waits and loses nothing" {
	sysvctl mq create "$K1"
	fill_queue "$K1" 1000
	run --separate-stderr pipe_run nonblock - 0 0.3 "$BATS_TEST_TMPDIR/out" -- \
		"$SYSVCTL" --json mq recv "$K1" --all
	assert_success
	[ "$stderr" = "" ]
	cmp <(jq -r .data "$BATS_TEST_TMPDIR/out") <(seq -w 1 1000)
}

@test "shm read and read -x into a full non-blocking pipe write every byte" {
	sysvctl shm create "$K1" -s 256K
	head -c 262144 /dev/urandom > "$BATS_TEST_TMPDIR/data"
	sysvctl shm write "$K1" < "$BATS_TEST_TMPDIR/data"
	run --separate-stderr pipe_run nonblock - 0 0.3 "$BATS_TEST_TMPDIR/out" -- \
		"$SYSVCTL" shm read "$K1"
	assert_success
	[ "$stderr" = "" ]
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/data"
	run --separate-stderr pipe_run nonblock - 0 0.3 "$BATS_TEST_TMPDIR/hex" -- \
		"$SYSVCTL" shm read -x "$K1" -n 65536
	assert_success
	[ "$stderr" = "" ]
	cmp "$BATS_TEST_TMPDIR/hex" <(head -c 65536 "$BATS_TEST_TMPDIR/data" | hexdump -C)
}

@test "a failed write of stdout is exit 1 for shm read, shm read -x and mq recv" {
	sysvctl shm create "$K1" -s 64K
	run --separate-stderr sh -c "'$SYSVCTL' shm read $K1 > /dev/full"
	assert_failure 1
	[ "$stderr" = "sysvctl: stdout: No space left on device" ]
	run --separate-stderr sh -c "'$SYSVCTL' shm read -x $K1 > /dev/full"
	assert_failure 1
	[ "$stderr" = "sysvctl: stdout: No space left on device" ]
	sysvctl mq create "$K2"
	sysvctl mq send "$K2" -T 3 "body"
	run --separate-stderr sh -c "'$SYSVCTL' mq recv $K2 > /dev/full"
	assert_failure 1
	[[ "$stderr" == "sysvctl: mq $K2 (id "*"): writing to stdout: No space left on device: the message of type 3, 4 bytes, was taken off the queue and is lost" ]]
}

@test "TERM, INT or HUP to mq recv --all into a slow pipe: every message received or still queued" {
	sysvctl mq create "$K1"
	for sig in TERM INT HUP; do
		fill_queue "$K1" 3000
		run --separate-stderr pipe_run block "$sig" 0.3 0.6 "$BATS_TEST_TMPDIR/out" -- \
			"$SYSVCTL" mq recv "$K1" --all -l
		case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
		[ "$status" = "$want" ]
		[ "$stderr" = "" ]
		received=$(wc -l < "$BATS_TEST_TMPDIR/out")
		left=$(queued "$K1")
		echo "# $sig: received $received, queued $left" >&3
		[ $((received + left)) = 3000 ]
		# What was received is the head of the queue, whole lines.
		cmp "$BATS_TEST_TMPDIR/out" <(seq -w 1 3000 | head -n "$received")
		sysvctl mq recv "$K1" --all > /dev/null
	done
	# Waiting for a message (none taken yet): ends at once.
	run --separate-stderr pipe_run block TERM 0.3 0 "$BATS_TEST_TMPDIR/out" -- \
		"$SYSVCTL" mq recv "$K1" -k 5
	assert_failure 143
	[ "$stderr" = "" ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "TERM to mq recv with a reader that never reads: what it cannot write is named as lost" {
	sysvctl mq create "$K1"
	fill_queue "$K1" 3000
	run --separate-stderr pipe_run block TERM 0.3 exit "$BATS_TEST_TMPDIR/out" -- \
		"$SYSVCTL" mq recv "$K1" --all -l
	assert_failure 143
	received=$(wc -l < "$BATS_TEST_TMPDIR/out")
	lost=$(lost_count "$stderr")
	left=$(queued "$K1")
	echo "# received $received, named lost $lost, queued $left" >&3
	[[ "$stderr" == "sysvctl: mq $K1 (id "*"): writing to stdout: SIGTERM came and stdout took nothing more for 2 s: "*" lost"* ]]
	[ "$lost" -ge 1 ] && [ "$lost" -le 64 ]
	[ $((received + lost + left)) = 3000 ]
}

@test "sem acquire, z and run killed as the unit is granted: exit 0 took it, 143 left the value unchanged" {
	sysvctl sem create "$K1" -v 0
	run race sem "$K1" 40
	echo "# sem acquire, 40 trials: ${lines[-1]}" >&3
	assert_success
	# sem z: nothing to give back; sem run: SEM_UNDO gives it back.
	sysvctl sem set "$K1" 1
	"$SYSVCTL" sem z "$K1" &
	pid=$!
	track_pid "$pid"
	poll_until sem_column_is "$K1" zcnt 1
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 143 ]
	[ "$(sysvctl sem get "$K1")" = 1 ]
	# run: stopped while waiting, or as it is granted: the units come back.
	for i in $(seq 20); do
		sysvctl sem set "$K1" 0
		"$SYSVCTL" sem run "$K1" -t 20 -- sleep 5 &
		pid=$!
		track_pid "$pid"
		poll_until sem_column_is "$K1" ncnt 1
		"$SYSVCTL" sem release "$K1" &
		kill -TERM "$pid" 2>/dev/null || true
		wait $!
		wait "$pid" || true
		[ "$(sysvctl sem get "$K1")" = 1 ] || { echo "trial $i: value $(sysvctl sem get "$K1")"; false; }
	done
}

@test "a SIGALRM just after the semop of sem release or sem run -u is caught: exit 0, the unit given" {
	# The shim raises SIGALRM as soon as a semop has gone through: the
	# moment an inherited timer or 'kill -ALRM' could land at.
	cat >"$BATS_TEST_TMPDIR/alarm.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <sys/sem.h>
#include <time.h>
int semtimedop(int id, struct sembuf *ops, size_t n, const struct timespec *timeout)
{
	int (*real)(int, struct sembuf *, size_t, const struct timespec *) =
		(int (*)(int, struct sembuf *, size_t, const struct timespec *))dlsym(RTLD_NEXT, "semtimedop");
	int rc = real(id, ops, n, timeout);
	if (rc == 0)
		raise(SIGALRM);
	return rc;
}
int semop(int id, struct sembuf *ops, size_t n)
{
	return semtimedop(id, ops, n, NULL);
}
C
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/alarm.so" "$BATS_TEST_TMPDIR/alarm.c" -ldl
	sysvctl sem create "$K1" -v 0
	run env LD_PRELOAD="$BATS_TEST_TMPDIR/alarm.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" sem release "$K1"
	assert_success
	assert_output ""
	[ "$(sysvctl sem get "$K1")" = 1 ]
	run env LD_PRELOAD="$BATS_TEST_TMPDIR/alarm.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" sem run -u "$K1" -- echo ran
	assert_success
	assert_output ran
	[ "$(sysvctl sem get "$K1")" = 1 ]
}

@test "sem run and sem run -u hand COMMAND the same SIGALRM state: blocked, none pending" {
	sysvctl sem create "$K1" -v 1
	for up in "" -u; do
		run "$PY" -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
os.kill(os.getpid(), signal.SIGALRM)
with open("/proc/self/status") as status:
    print(next(line for line in status if line.startswith("SigBlk:")), end="", flush=True)
os.execvp(sys.argv[1], sys.argv[1:])' "$SYSVCTL" sem run "$K1" $up -- grep -E '^(SigBlk|ShdPnd|SigPnd)' /proc/self/status
		assert_success
		# COMMAND's mask (its status's last line) is the caller's (the
		# first), exactly, SIGALRM in it.
		[ "${lines[0]}" = "${lines[-1]}" ]
		blocked=$(awk '$1 == "SigBlk:" { print $2; exit }' <<<"$output")
		[ $((0x$blocked & 0x2000)) -ne 0 ]
		assert_line "ShdPnd:	0000000000000000"
		assert_line "SigPnd:	0000000000000000"
		[ "$(sysvctl sem get "$K1")" = 1 ]
	done
}

@test "mq send killed as it sends: exit 0 sent the message, 143 sent nothing" {
	sysvctl mq create "$K1" --max-bytes 10
	run race mq "$K1" 40
	echo "# mq send, 40 trials: ${lines[-1]}" >&3
	assert_success
}
