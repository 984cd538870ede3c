#!/usr/bin/env bats
# POSIX objects (/NAME REFs): shm, mq and sem verbs on shm_open, mq_open and
# sem_open objects, and interop with Python and small C peers.  Every name
# starts with $P (this run's pid); teardown removes them from /dev/shm and
# /dev/mqueue and teardown_file checks that none is left.

load helpers

PY=/usr/bin/python3

setup_file() {
	export P="sysvctl-test-$$"
	# Small C peers: sem_open and mq_open from another program.
	cat >"$BATS_FILE_TMPDIR/peer.c" <<'C'
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char buf[65536];
	unsigned prio;
	ssize_t n;
	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "sem-create") == 0) {
		sem_t *s = sem_open(argv[2], O_CREAT | O_EXCL, 0600, (unsigned)atoi(argv[3]));
		return s == SEM_FAILED;
	}
	if (strcmp(argv[1], "sem-post") == 0 || strcmp(argv[1], "sem-trywait") == 0) {
		sem_t *s = sem_open(argv[2], 0);
		if (s == SEM_FAILED)
			return 3;
		return argv[1][4] == 'p' ? sem_post(s) != 0 : sem_trywait(s) != 0;
	}
	if (strcmp(argv[1], "mq-send") == 0) {
		mqd_t q = mq_open(argv[2], O_WRONLY);
		n = read(0, buf, sizeof(buf));
		return q == (mqd_t)-1 || n < 0 || mq_send(q, buf, (size_t)n, (unsigned)atoi(argv[3])) != 0;
	}
	if (strcmp(argv[1], "mq-recv") == 0) {
		mqd_t q = mq_open(argv[2], O_RDONLY);
		n = q == (mqd_t)-1 ? -1 : mq_receive(q, buf, sizeof(buf), &prio);
		if (n < 0)
			return 1;
		printf("%u\t", prio);
		fwrite(buf, 1, (size_t)n, stdout);
		return 0;
	}
	return 2;
}
C
	cc -o "$BATS_FILE_TMPDIR/peer" "$BATS_FILE_TMPDIR/peer.c"
	export POBJECTS="$BATS_FILE_TMPDIR/pobjects"
	cc -Wall -Wextra -o "$POBJECTS" "$BATS_TEST_DIRNAME/pobjects.c"
}

setup() {
	common_setup
	N="/$P-$BATS_TEST_NUMBER"
}

# Remove this test's objects without sysvctl: files in /dev/shm, and the
# queues by mq_unlink (/dev/mqueue need not be mounted).
teardown() {
	common_teardown
	rm -f /dev/shm/"$P"* /dev/shm/sem."$P"* /dev/mqueue/"$P"* 2>/dev/null || true
	"$PY" -c 'import ctypes, sys
rt = ctypes.CDLL(None)
for name in sys.argv[1:]:
    rt.mq_unlink(name.encode())' "$N" "$N-2"
}

teardown_file() {
	local left
	left=$(ls /dev/shm /dev/mqueue 2>/dev/null | grep -c "$P" || true)
	[ "$left" -eq 0 ]
}

# --- REF --------------------------------------------------------------------

@test "a POSIX REF is one slash and 1 to 255 bytes: else exit 2, one line" {
	run sysvctl shm read /
	assert_failure 2
	assert_output "sysvctl: /: empty POSIX name"
	run sysvctl shm stat /a/b
	assert_failure 2
	assert_output "sysvctl: /a/b: a POSIX name has one slash, at its start"
	long=$(head -c 256 /dev/zero | tr '\0' a)
	run sysvctl mq stat "/$long"
	assert_failure 2
	assert_equal "${#lines[@]}" 1
	assert_output --partial "POSIX name longer than 255 bytes"
	run sysvctl shm create "/$(head -c 255 /dev/zero | tr '\0' b)" -s 1
	assert_success
	rm -f "/dev/shm/$(head -c 255 /dev/zero | tr '\0' b)"
}

@test "create prints a 255-byte POSIX name whole, on one line" {
	local name
	name="$P$(head -c $((255 - ${#P})) /dev/zero | tr '\0' b)"
	run sysvctl shm create "/$name" -s 1
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_output "/$name"
	run sysvctl mq create "/$name"
	assert_success
	assert_output "/$name"
}

@test "write and send --create of what cannot fit are exit 7 and leave no object behind" {
	run --separate-stderr sysvctl shm write "$N" --create -s 10 "longer than ten bytes"
	[ "$status" -eq 7 ]
	[ "$stderr" = "sysvctl: shm $N: 21 bytes at offset 0 do not fit in the segment (10 bytes); nothing was written" ]
	run sysvctl shm write "$N" --create --framed -s 4 ab
	[ "$status" -eq 7 ]
	[ ! -e "/dev/shm$N" ]
	[ ! -e "/dev/shm/sem.${N#/}.framed" ]
	big=$(head -c $(($(cat /proc/sys/fs/mqueue/msgsize_default) + 1)) /dev/zero | tr '\0' x)
	run sysvctl mq send "$N" --create "$big"
	[ "$status" -eq 7 ]
	[ ! -e "/dev/mqueue$N" ]
	sysvctl mq send "$N" --create fits
	[ "$(sysvctl mq recv "$N")" = fits ]
}

@test "write --create on an object another --create has made but not sized yet waits for the size" {
	# The first writer's ftruncate is held back 300 ms by a shim.
	cat >"$BATS_TEST_TMPDIR/slow.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/types.h>
#include <time.h>
int ftruncate(int fd, off_t size)
{
	int (*real)(int, off_t) = (int (*)(int, off_t))dlsym(RTLD_NEXT, "ftruncate");
	struct timespec pause = { 0, 300000000 };
	nanosleep(&pause, NULL);
	return real(fd, size);
}
C
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/slow.so" "$BATS_TEST_TMPDIR/slow.c" -ldl
	LD_PRELOAD="$BATS_TEST_TMPDIR/slow.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" shm write "$N" --create -s 4096 first &
	first=$!
	track_pid "$first"
	poll_until test -e "/dev/shm$N"
	run sysvctl shm write "$N" --create -s 4096 -o 100 second
	assert_success
	wait "$first"
	[ "$(sysvctl shm read "$N" -n 5)" = first ]
	[ "$(sysvctl shm read "$N" -o 100 -n 6)" = second ]
}

@test "verbs without a POSIX meaning refuse /NAME with exit 2" {
	run sysvctl key /x
	assert_failure 2
	run sysvctl sem set /x 1
	assert_failure 2
	assert_output "sysvctl: /x: a POSIX name; this command takes a System V REF"
}

# --- shm --------------------------------------------------------------------

@test "shm create makes /dev/shm/NAME of SIZE, mode 0600, prints the name" {
	run sysvctl shm create "$N" -s 100
	assert_success
	assert_output "$N"
	run stat -c '%s %a' "/dev/shm${N}"
	assert_output "100 600"
	run sysvctl shm create "$N" -s 100
	assert_failure 5
	run sysvctl shm create "$N" -s 200 --exist-ok
	assert_success
	assert_output "sysvctl: warning: shm $N already exists with 100 bytes, not the 200 asked for
$N"
	assert_equal "$(stat -c %s "/dev/shm${N}")" 100
}

@test "shm write and read are byte-exact with NUL bytes, at offsets" {
	sysvctl shm create "$N" -s 16
	printf 'a\0b\0c' | sysvctl shm write "$N" -o 2
	run bash -c "sysvctl() { '$SYSVCTL' \"\$@\"; }; sysvctl shm read '$N' -o 1 -n 7 | od -An -c"
	assert_output "  \\0   a  \\0   b  \\0   c  \\0"
	run sysvctl shm read "$N" -o 15 -n 100 --hex
	assert_output "0000000f  00                                                |.|
00000010"
}

@test "shm write that does not fit writes nothing, exit 7; offset past end read is exit 2" {
	sysvctl shm create "$N" -s 8
	sysvctl shm write "$N" 12345678
	run sysvctl shm write "$N" -o 6 abc
	assert_failure 7
	assert_equal "$(sysvctl shm read "$N")" 12345678
	run sysvctl shm read "$N" -o 8
	assert_failure 2
}

@test "shm write --create makes the object with -s and -m" {
	sysvctl shm write "$N" --create -s 32 -m 640 hi
	run stat -c '%s %a' "/dev/shm${N}"
	assert_output "32 640"
	assert_equal "$(sysvctl shm read "$N" -n 2)" hi
}

@test "a file of size 0 or truncated in /dev/shm is read and written without a crash" {
	: >"/dev/shm${N}"
	run sysvctl shm read "$N"
	assert_failure 2
	run sysvctl shm write "$N" x
	assert_failure 7
	sysvctl shm create "$N-2" -s 4096
	truncate -s 3 "/dev/shm${N}-2"
	run sysvctl shm read "$N-2" --hex
	assert_success
	assert_output "00000000  00 00 00                                          |...|
00000003"
}

# cut_run OK_CODES CMD...: run CMD (stdout to a file, stderr to another);
# its exit must be one of OK_CODES (a space list), 0 with nothing on
# stderr, anything else with one error line (and at most a hint line).
# Never 135 (SIGBUS).  The exit in
# CUT_STATUS, the output's size in CUT_SIZE, stderr in CUT_ERR.
cut_run() {
	local ok=" $1 "
	shift
	CUT_STATUS=0
	"$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || CUT_STATUS=$?
	CUT_SIZE=$(stat -c %s "$BATS_TEST_TMPDIR/out")
	CUT_ERR=$(cat "$BATS_TEST_TMPDIR/err")
	[[ "$CUT_ERR" != *"another process made it shorter during the"* ]] || CUTS_SEEN=$((CUTS_SEEN + 1))
	if [[ "$ok" != *" $CUT_STATUS "* ]]; then
		echo "# $* exited $CUT_STATUS: $CUT_ERR" >&3
		return 1
	fi
	if [ "$CUT_STATUS" = 0 ]; then
		[ -z "$CUT_ERR" ]
	else
		[[ "$CUT_ERR" =~ ^sysvctl:\ [^$'\n']*($'\n'hint:\ [^$'\n']*)?$ ]]
	fi
}

@test "shm read and write of a /NAME another process keeps cutting short: exit 1 or 7 with one line, never SIGBUS" {
	local cut="sysvctl: shm $N: another process made it shorter during the"
	sysvctl shm create "$N" -s 8M
	head -c 8M /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/8m"
	head -c 6M /dev/zero | tr '\0' b >"$BATS_TEST_TMPDIR/6m"
	sysvctl shm write "$N" --framed <"$BATS_TEST_TMPDIR/6m"
	# Cuts it to 4 MiB and gives it 8 MiB again, over and over.
	"$POBJECTS" shrink "$N" 8388608 >"$BATS_TEST_TMPDIR/ready" &
	track_pid $!
	poll_until grep -q ready "$BATS_TEST_TMPDIR/ready"
	CUTS_SEEN=0
	for i in $(seq 25); do
		cut_run "0 1" sysvctl shm read "$N"
		case $CUT_STATUS in
		0) [ "$CUT_SIZE" = 8388608 ] || [ "$CUT_SIZE" = 4194304 ] ;;
		1) [[ "$CUT_ERR" == "$cut read ("*" bytes now): the output is cut short" ]] ;;
		esac
		cut_run "0 1" sysvctl shm read "$N" --hex
		[ "$CUT_STATUS" = 0 ] || [[ "$CUT_ERR" == "$cut read ("*" bytes now): it ended early" ]]
		# 7: too long for the 4 MiB seen at the start, or cut during the copy.
		cut_run "0 7" sysvctl shm write "$N" <"$BATS_TEST_TMPDIR/8m"
		cut_run "0 7" sysvctl shm write "$N" --framed <"$BATS_TEST_TMPDIR/6m"
		# 1: the frame runs past the end seen, or was cut during the copy;
		# 8: the last framed write was cut.
		cut_run "0 1 8" sysvctl shm read "$N" --framed
		[ "$CUT_STATUS" != 0 ] || [ "$CUT_SIZE" = 6291456 ]
	done
	# The test tested something: some copy was cut while it ran.
	echo "# $CUTS_SEEN copies of 125 were cut short while they ran" >&3
	[ "$CUTS_SEEN" -gt 0 ]
}

@test "shm --framed stores a native length then the bytes; read prints the payload" {
	sysvctl shm create "$N" -s 64
	sysvctl shm write "$N" --framed 'hello'
	assert_equal "$(sysvctl shm read "$N" --framed)" hello
	run "$PY" -c 'import sys, struct
with open(sys.argv[1], "rb") as f:
    data = f.read()
n = struct.unpack("=I", data[:4])[0]
print(n, data[4:4 + n].decode())' "/dev/shm${N}"
	assert_output "5 hello"
}

@test "shm read --framed is exit 8 after a writer died mid-copy, until a write completes" {
	sysvctl shm create "$N" -s 64
	sysvctl shm write "$N" --framed first
	# A dead writer leaves the mark (the companion semaphore) at 0.
	"$PY" -c 'import ctypes, sys
rt = ctypes.CDLL(None, use_errno=True)
rt.sem_open.restype = ctypes.c_void_p
s = rt.sem_open(sys.argv[1].encode(), 0)
assert s
assert rt.sem_trywait(ctypes.c_void_p(s)) == 0' "$N.framed"
	run sysvctl shm read "$N" --framed
	assert_failure 8
	assert_output "sysvctl: shm $N: incomplete frame: a write was interrupted and none completed since"
	sysvctl shm write "$N" --framed second
	assert_equal "$(sysvctl shm read "$N" --framed)" second
}

@test "shm stat shows NAME, SIZE, MODE; --json one flat object" {
	sysvctl shm create "$N" -s 1000 -m 640
	run sysvctl shm stat "$N" -o NAME,SIZE,MODE --raw --noheadings --bytes
	assert_output "$N 1000 0640"
	run bash -c "'$SYSVCTL' --json shm stat '$N' -o NAME,SIZE,MODE | jq -c ."
	assert_output "{\"name\":\"$N\",\"size\":1000,\"mode\":\"0640\"}"
}

@test "shm rm unlinks the object and its framed mark; a missing one is exit 3" {
	sysvctl shm create "$N" -s 64
	sysvctl shm write "$N" --framed x
	[ -e "/dev/shm/sem.${N#/}.framed" ]
	run sysvctl shm rm "$N"
	assert_success
	[ ! -e "/dev/shm${N}" ]
	[ ! -e "/dev/shm/sem.${N#/}.framed" ]
	run sysvctl shm rm "$N"
	assert_failure 3
	assert_output "sysvctl: shm $N: no such POSIX shared memory object
hint: create it with 'sysvctl shm create $N'"
}

# --- mq ---------------------------------------------------------------------

@test "mq create makes a queue with the system defaults; --max-messages, --msgsize" {
	run sysvctl mq create "$N"
	assert_success
	assert_output "$N"
	run sysvctl mq stat "$N" -o MESSAGES,MAXMSG,MSGSIZE,MODE --raw --noheadings
	assert_output "0 $(cat /proc/sys/fs/mqueue/msg_default) $(cat /proc/sys/fs/mqueue/msgsize_default) 0600"
	run sysvctl mq create "$N"
	assert_failure 5
	sysvctl mq create "$N-2" --max-messages 3 --msgsize 100 -m 640
	run sysvctl mq stat "$N-2" -o MAXMSG,MSGSIZE,MODE --raw --noheadings
	assert_output "3 100 0640"
	run sysvctl mq create "$N-2" --max-bytes 100
	assert_failure 2
}

@test "mq recv takes the highest priority first; -T on send is the priority" {
	sysvctl mq create "$N"
	sysvctl mq send "$N" -T 1 low
	sysvctl mq send "$N" -T 9 high
	printf 'a\0b' | sysvctl mq send "$N" -T 4
	run bash -c "'$SYSVCTL' mq recv '$N' --all --print-type --null | od -An -c"
	assert_output "   9  \t   h   i   g   h  \0   4  \t   a  \0   b  \0   1  \t   l
   o   w  \0"
	run sysvctl mq recv "$N" --nowait
	assert_failure 6
}

@test "mq send --lines, recv -k and --json as for System V" {
	sysvctl mq create "$N"
	printf 'one\ntwo\nthree\n' | sysvctl mq send "$N" --lines
	run sysvctl mq recv "$N" -k 2 --lines
	assert_output "one
two"
	run sysvctl --json mq recv "$N"
	assert_output '{"type":1,"size":5,"data":"three"}'
}

@test "mq recv -T or --except on a POSIX queue is exit 2 with a hint; set too" {
	sysvctl mq create "$N"
	sysvctl mq send "$N" x
	run sysvctl mq recv "$N" -T 2
	assert_failure 2
	assert_line --index 0 "sysvctl: mq recv: a POSIX queue cannot select messages by type (-T, --except)"
	assert_line --index 1 --partial "hint: "
	run sysvctl mq set "$N" --max-bytes 10
	assert_failure 2
	run sysvctl mq send "$N" -T 40000 y
	assert_failure 2
	assert_equal "$(sysvctl mq recv "$N")" x
}

@test "mq send and recv -t on a POSIX queue time out with SIGALRM blocked or ignored by the caller" {
	sysvctl mq create "$N" --max-messages 1
	run alrm_blocked "$SYSVCTL" mq recv "$N" -t 0.2
	assert_failure 6
	assert_output "sysvctl: mq $N: no message (timed out)"
	run bash -c "trap '' ALRM; exec '$SYSVCTL' mq recv '$N' -t 0.2"
	assert_failure 6
	assert_output "sysvctl: mq $N: no message (timed out)"
	sysvctl mq send "$N" first
	run alrm_blocked "$SYSVCTL" mq send "$N" -t 0.2 second
	assert_failure 6
	assert_output "sysvctl: mq $N: the queue is full (timed out)"
	run bash -c "trap '' ALRM; exec '$SYSVCTL' mq send '$N' -t 0.2 second"
	assert_failure 6
	# Nothing was sent by the timed-out sends; a message that is there
	# is taken at once under -t.
	run alrm_blocked "$SYSVCTL" mq recv "$N" -t 0.3 -k 2 --lines
	assert_failure 6
	assert_output "first
sysvctl: mq $N: no message (timed out) (1 of 2 received)"
}

@test "mq send above the queue's message size is exit 7, nothing sent; a full queue with -t is exit 6" {
	sysvctl mq create "$N" --max-messages 1 --msgsize 8
	run sysvctl mq send "$N" 123456789
	assert_failure 7
	assert_output --partial "above the queue's message size (8 bytes); nothing was sent"
	sysvctl mq send "$N" 12345678
	run sysvctl mq send "$N" -t 0.05 more
	assert_failure 6
	run sysvctl mq stat "$N" -o MESSAGES --raw --noheadings
	assert_output 1
}

@test "mq recv killed by SIGTERM while waiting takes nothing" {
	sysvctl mq create "$N"
	"$SYSVCTL" mq recv "$N" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	track_pid "$pid"
	poll_until grep -qx wq_sleep "/proc/$pid/wchan"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/out")" 0
	sysvctl mq send "$N" kept
	assert_equal "$(sysvctl mq recv "$N" --nowait)" kept
}

@test "mq recv -t killed by SIGTERM while it waits in mq_timedreceive takes nothing" {
	sysvctl mq create "$N"
	"$SYSVCTL" mq recv "$N" -t 1h >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	track_pid "$pid"
	poll_until grep -qx wq_sleep "/proc/$pid/wchan"
	kill -TERM "$pid"
	# At once, not when the hour is up.
	poll_until has_exited "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/out")" 0
	sysvctl mq send "$N" kept
	assert_equal "$(sysvctl mq recv "$N" --nowait)" kept
}

@test "mq rm removes a POSIX queue; a missing one is exit 3" {
	sysvctl mq create "$N"
	sysvctl mq rm "$N"
	run sysvctl mq stat "$N"
	assert_failure 3
	run sysvctl mq rm "$N"
	assert_failure 3
}

# --- sem --------------------------------------------------------------------

@test "sem create makes /dev/shm/sem.NAME at 1 (-v VALUE); exit 5 when it exists" {
	run sysvctl sem create "$N"
	assert_success
	assert_output "$N"
	[ -e "/dev/shm/sem.${N#/}" ]
	assert_equal "$(sysvctl sem get "$N")" 1
	run sysvctl sem create "$N"
	assert_failure 5
	sysvctl sem create "$N-2" -v 7 -m 640
	run sysvctl sem stat "$N-2" -o NAME,VALUE,MODE --raw --noheadings
	assert_output "$N-2 7 0640"
	run bash -c "'$SYSVCTL' --json sem get '$N-2' | jq -c ."
	assert_output '{"value":7}'
}

@test "sem acquire and release by DELTA; --nowait and -t are exit 6 and take nothing" {
	sysvctl sem create "$N" -v 3
	sysvctl sem acquire "$N" -d 2
	assert_equal "$(sysvctl sem get "$N")" 1
	run sysvctl sem acquire "$N" -d 2 --nowait
	assert_failure 6
	run sysvctl sem acquire "$N" -d 2 -t 0.05
	assert_failure 6
	assert_equal "$(sysvctl sem get "$N")" 1
	sysvctl sem release "$N" -d 4
	assert_equal "$(sysvctl sem get "$N")" 5
}

@test "sem acquire -d 2 waiting on value 1 takes nothing until both units are there" {
	sysvctl sem create "$N" -v 1
	"$SYSVCTL" sem acquire "$N" -d 2 -t 20 &
	pid=$!
	track_pid "$pid"
	poll_until grep -qE 'futex|nanosleep' "/proc/$pid/wchan"
	assert_equal "$(sysvctl sem get "$N")" 1
	sysvctl sem release "$N"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(sysvctl sem get "$N")" 0
}

@test "sem acquire --create makes the semaphore with -v; SIGTERM while waiting takes nothing" {
	sysvctl sem acquire "$N" --create -v 1
	assert_equal "$(sysvctl sem get "$N")" 0
	"$SYSVCTL" sem acquire "$N" &
	pid=$!
	track_pid "$pid"
	poll_until grep -q futex "/proc/$pid/wchan"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	sysvctl sem release "$N"
	assert_equal "$(sysvctl sem get "$N")" 1
}

@test "sem z waits for zero by polling the value; -t runs out with exit 6" {
	sysvctl sem create "$N" -v 1
	run sysvctl sem z "$N" -t 0.05
	assert_failure 6
	"$SYSVCTL" sem z "$N" -t 20 &
	pid=$!
	track_pid "$pid"
	sysvctl sem acquire "$N"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
}

@test "sem run /NAME is exit 2 with a hint to a System V REF; -i 1 is exit 2" {
	sysvctl sem create "$N"
	run sysvctl sem run "$N" -- true
	assert_failure 2
	assert_line --index 0 "sysvctl: sem run $N: a POSIX semaphore has no undo: a command that crashed would keep its unit for ever"
	assert_line --index 1 "hint: use a System V REF, e.g. 'sysvctl sem run name:${N#/} -- ...'"
	run sysvctl sem get "$N" -i 1
	assert_failure 2
	assert_equal "$(sysvctl sem get "$N")" 1
}

@test "sem rm unlinks the semaphore; a missing one is exit 3" {
	sysvctl sem create "$N"
	sysvctl sem rm "$N"
	[ ! -e "/dev/shm/sem.${N#/}" ]
	run sysvctl sem rm "$N"
	assert_failure 3
}

# --- interop ----------------------------------------------------------------

@test "interop: Python SharedMemory reads what shm write wrote, byte-exact with NULs" {
	sysvctl shm create "$N" -s 16
	printf 'x\0y\0\377z' | sysvctl shm write "$N" -o 1
	run "$PY" -c 'import sys
from multiprocessing import shared_memory, resource_tracker
m = shared_memory.SharedMemory(name=sys.argv[1])
resource_tracker.unregister(m._name, "shared_memory")
print(bytes(m.buf[:8]).hex(), m.size)
m.close()' "$N"
	assert_output "0078007900ff7a00 16"
}

@test "interop: shm read prints what Python SharedMemory wrote, byte-exact with NULs" {
	"$PY" -c 'import sys
from multiprocessing import shared_memory, resource_tracker
m = shared_memory.SharedMemory(name=sys.argv[1], create=True, size=8)
resource_tracker.unregister(m._name, "shared_memory")
m.buf[:6] = b"a\0b\0\xffc"
m.close()' "$N"
	run bash -c "'$SYSVCTL' shm read '$N' -n 6 | od -An -tx1"
	assert_output " 61 00 62 00 ff 63"
}

@test "interop: a C peer's sem_open semaphore, both ways" {
	"$BATS_FILE_TMPDIR/peer" sem-create "$N" 2
	assert_equal "$(sysvctl sem get "$N")" 2
	sysvctl sem acquire "$N" -d 2
	run "$BATS_FILE_TMPDIR/peer" sem-trywait "$N"
	assert_failure 1
	sysvctl sem release "$N"
	"$BATS_FILE_TMPDIR/peer" sem-trywait "$N"
	"$BATS_FILE_TMPDIR/peer" sem-post "$N"
	"$BATS_FILE_TMPDIR/peer" sem-post "$N"
	assert_equal "$(sysvctl sem get "$N")" 2
}

@test "interop: a C peer's mq_open queue, both ways, byte-exact with priorities" {
	sysvctl mq create "$N"
	printf 'p\0q' | sysvctl mq send "$N" -T 7
	run bash -c "'$BATS_FILE_TMPDIR/peer' mq-recv '$N' | od -An -c"
	assert_output "   7  \t   p  \0   q"
	printf 'r\0s' | "$BATS_FILE_TMPDIR/peer" mq-send "$N" 3
	printf 'top' | "$BATS_FILE_TMPDIR/peer" mq-send "$N" 9
	run bash -c "'$SYSVCTL' mq recv '$N' -k 2 -p -l | od -An -c"
	assert_output "   9  \t   t   o   p  \n   3  \t   r  \0   s  \n"
}

@test "shm write and read of a /NAME show --progress" {
	sysvctl shm create "$N" -s 16
	run sysvctl shm write "$N" --progress hello
	assert_success
	[[ "$output" =~ $(progress_re wrote '5 B of 5 B' '') ]]
	run bash -c "'$SYSVCTL' shm read '$N' -n 5 --progress 2>&1 >/dev/null"
	assert_success
	[[ "$output" =~ $(progress_re read '5 B of 5 B' '') ]]
}
