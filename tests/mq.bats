#!/usr/bin/env bats
# sysvctl mq: create, send, recv, stat, set, rm.

load helpers


# The number of messages in the queue with key $1, from ipcs.
queued() {
	ipcs -q | awk -v k="$1" 'tolower($1) == tolower(k) { print $6 }'
}

msgmax() {
	cat /proc/sys/kernel/msgmax
}

@test "create prints the id ipcs shows" {
	run sysvctl mq create "$K1"
	assert_success
	assert_output "$(ipcs_id mq "$K1")"
	[ -n "$output" ]
}

@test "create of an existing key is exit 5 with a hint" {
	sysvctl mq create "$K1"
	run --separate-stderr sysvctl mq create "$K1"
	assert_failure 5
	[ "${stderr_lines[0]}" = "sysvctl: mq $K1: File exists" ]
	[[ "${stderr_lines[1]}" == "hint: pass --exist-ok"* ]]
}

@test "create --exist-ok opens the existing queue" {
	id=$(sysvctl mq create "$K1")
	run sysvctl mq create "$K1" --exist-ok
	assert_success
	assert_output "$id"
	run sysvctl mq create -p "$K1"
	assert_output "$id"
}

@test "create -m sets the mode" {
	sysvctl mq create "$K1" -m 640
	run sysvctl mq stat "$K1" -o MODE --noheadings
	assert_output "0640"
}

@test "create --max-bytes sets the queue's max bytes" {
	sysvctl mq create "$K1" --max-bytes 1K
	run sysvctl mq stat "$K1" -o MAX-BYTES --noheadings --bytes --raw
	assert_success
	assert_output "1024"
}

@test "max bytes 0 is exit 2 for create and set" {
	run sysvctl mq create "$K1" --max-bytes 0
	assert_failure 2
	[ -z "$(ipcs_id mq "$K1")" ]
	sysvctl mq create "$K1"
	run sysvctl mq set "$K1" --max-bytes 0
	assert_failure 2
	run sysvctl mq set "$K1"
	assert_failure 2
}

# The kernel's IPC_SET takes msg_qbytes as an int: 4G would become 0 and
# 4294968296 would become 1000.  Above INT_MAX is exit 2, nothing changed.
@test "send to a missing queue offers --create" {
	run --separate-stderr sysvctl mq send "$K1" hi
	assert_failure 3
	[ "$stderr" = "sysvctl: mq $K1: no such message queue
hint: create it with 'sysvctl mq create $K1' or pass --create to send" ]
}

@test "send --create of a message above msgmax is exit 7 and leaves no queue behind" {
	big=$(head -c $(($(cat /proc/sys/kernel/msgmax) + 1)) /dev/zero | tr '\0' x)
	run --separate-stderr sysvctl mq send "$K1" --create "$big"
	[ "$status" -eq 7 ]
	[ "${stderr_lines[0]}" = "sysvctl: mq $K1: message of ${#big} bytes is above msgmax ($(cat /proc/sys/kernel/msgmax) bytes); nothing was sent" ]
	run bash -c 'printf %s "$2" | "$0" mq send "$1" --create' "$SYSVCTL" "$K1" "$big"
	[ "$status" -eq 7 ]
	[ -z "$(ipcs_id mq "$K1")" ]
	sysvctl mq send "$K1" --create fits
	[ "$(sysvctl mq recv "$K1")" = fits ]
}

@test "root without CAP_SYS_RESOURCE is told of the capability, not to run as root" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	msgmnb=$(cat /proc/sys/kernel/msgmnb)
	sysvctl mq create "$K1"
	run --separate-stderr setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource \
		"$SYSVCTL" mq set "$K1" --max-bytes $((msgmnb + 1))
	assert_failure 4
	[ "${stderr_lines[1]}" = "hint: more than kernel.msgmnb ($msgmnb bytes) needs CAP_SYS_RESOURCE, which this root process lacks (a container?); raise the limit with 'sysctl kernel.msgmnb=$((msgmnb + 1))' where that is allowed" ]
}

@test "--max-bytes takes 1 to 2147483647: above is exit 2 for create and set" {
	local value
	sysvctl mq create "$K2" --max-bytes 100
	for value in 4G 4294968296 2147483648 2048M 3G 1T; do
		run --separate-stderr sysvctl mq create "$K1" --max-bytes "$value"
		assert_failure 2
		[ "$stderr" = "sysvctl: --max-bytes: value '$value' is out of range (1 to 2147483647)" ]
		[ -z "$(ipcs_id mq "$K1")" ]
		run --separate-stderr sysvctl mq set "$K2" --max-bytes "$value"
		assert_failure 2
		[ "$stderr" = "sysvctl: --max-bytes: value '$value' is out of range (1 to 2147483647)" ]
	done
	run sysvctl mq stat "$K2" -o MAX-BYTES --noheadings --bytes --raw
	assert_output "100"
	# 2147483647 itself is set exactly.  Above msgmnb needs
	# CAP_SYS_RESOURCE, which root in a container may lack: raise msgmnb
	# (to its own maximum, INT_MAX) in a namespace of the test's own,
	# which takes its queue with it when it ends.
	run unshare --ipc sh -c '
		echo 2147483647 > /proc/sys/kernel/msgmnb &&
		"$1" mq create 0x1234 --max-bytes 2147483647 >/dev/null &&
		"$1" mq stat 0x1234 -o MAX-BYTES --noheadings --bytes --raw &&
		"$1" mq set 0x1234 --max-bytes 1G &&
		"$1" mq stat 0x1234 -o MAX-BYTES --noheadings --bytes --raw &&
		"$1" mq set 0x1234 --max-bytes 2147483647 &&
		"$1" mq stat 0x1234 -o MAX-BYTES --noheadings --bytes --raw' \
		sh "$SYSVCTL"
	assert_success
	assert_output "2147483647
1073741824
2147483647"
}

@test "create private prints a new id" {
	run sysvctl mq create private
	assert_success
	track_id mq "$output"
	run sysvctl mq stat "id:$output" -o KEY,ID --noheadings --raw
	assert_success
}

@test "send and recv round-trip a text message" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" "hello, world"
	run sysvctl mq recv "$K1"
	assert_success
	assert_output "hello, world"
	[ "$(queued "$K1")" = 0 ]
}

@test "stdin is sent byte for byte, NUL bytes and newlines included" {
	sysvctl mq create "$K1"
	printf 'a\0b\n\nc\0\n\377\n' > "$BATS_TEST_TMPDIR/in"
	sysvctl mq send "$K1" < "$BATS_TEST_TMPDIR/in"
	[ "$(queued "$K1")" = 1 ]
	sysvctl mq recv "$K1" > "$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "MESSAGE - means stdin, also with --lines" {
	sysvctl mq create "$K1"
	printf 'from stdin' | sysvctl mq send "$K1" -
	run sysvctl mq recv "$K1" --nowait
	assert_output "from stdin"
	printf 'one\ntwo\n' | sysvctl mq send "$K1" --lines -
	[ "$(queued "$K1")" = 2 ]
	printf -- - | sysvctl mq send "$K1"
	sysvctl mq recv "$K1" -k 3 -l > "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'one\ntwo\n-')" ]
}

@test "send from a terminal says it reads the data from there" {
	sysvctl mq create "$K1"
	run "$BATS_TEST_DIRNAME/on_pty.py" --after Ctrl-D --send 'typed\x04\x04' \
		"$SYSVCTL" mq send "$K1"
	assert_success
	# The terminal echoes what is typed after the warning.
	[[ "$output" == "sysvctl: warning: mq send: reading the data from the terminal until Ctrl-D (give it as an argument, or redirect stdin)"* ]]
	run sysvctl mq recv "$K1" --nowait
	assert_output "typed"
}

@test "an empty stdin is one empty message" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" < /dev/null
	[ "$(queued "$K1")" = 1 ]
	run sysvctl mq recv "$K1" -l
	assert_success
	assert_output ""
	[ "$(queued "$K1")" = 0 ]
}

@test "a message of exactly msgmax bytes is sent" {
	sysvctl mq create "$K1"
	head -c "$(msgmax)" /dev/urandom > "$BATS_TEST_TMPDIR/in"
	sysvctl mq send "$K1" < "$BATS_TEST_TMPDIR/in"
	sysvctl mq recv "$K1" > "$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "msgmax+1 bytes is exit 7 with a hint and nothing queued" {
	sysvctl mq create "$K1"
	head -c "$(( $(msgmax) + 1 ))" /dev/zero > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr sysvctl mq send "$K1" < "$BATS_TEST_TMPDIR/in"
	assert_failure 7
	[[ "${stderr_lines[0]}" == "sysvctl: mq $K1 (id "*"): the message on stdin is above msgmax ($(msgmax) bytes); nothing was sent" ]]
	[[ "${stderr_lines[1]}" == *"sysctl kernel.msgmax"* ]]
	[ "$(queued "$K1")" = 0 ]
	run --separate-stderr sysvctl mq send "$K1" "$(head -c "$(( $(msgmax) + 1 ))" /dev/zero | tr '\0' x)"
	assert_failure 7
	[[ "$stderr" == *"above msgmax"* ]]
	[ "$(queued "$K1")" = 0 ]
}

@test "a message above the queue's max bytes is exit 7, not a wait" {
	sysvctl mq create "$K1" --max-bytes 16
	run --separate-stderr timeout 10 "$SYSVCTL" mq send "$K1" "0123456789abcdefg"
	assert_failure 7
	[[ "$stderr" == *"above the queue's max bytes (16)"* ]]
	[ "$(queued "$K1")" = 0 ]
}

@test "TYPE defaults to 1 and must be at least 1" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" one
	run sysvctl mq recv "$K1" -p
	assert_output "$(printf '1\tone')"
	run sysvctl mq send "$K1" -T 0 zero
	assert_failure 2
	run sysvctl mq send "$K1" -T -3 minus
	assert_failure 2
	run sysvctl mq send "$K1" -T x bad
	assert_failure 2
	[ "$(queued "$K1")" = 0 ]
}

# Queue: type 3 "c1", 1 "a1", 2 "b1", 3 "c2", 1 "a2".
fill_typed() {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 3 c1
	sysvctl mq send "$K1" -T 1 a1
	sysvctl mq send "$K1" -T 2 b1
	sysvctl mq send "$K1" -T 3 c2
	sysvctl mq send "$K1" -T 1 a2
}

@test "TYPE 0 takes the first message" {
	fill_typed
	run sysvctl mq recv "$K1" -p
	assert_output "$(printf '3\tc1')"
	run sysvctl mq recv "$K1" -T 0
	assert_output "a1"
}

@test "TYPE > 0 takes the first message of that type" {
	fill_typed
	run sysvctl mq recv "$K1" -T 1
	assert_output "a1"
	run sysvctl mq recv "$K1" -T 3
	assert_output "c1"
	run sysvctl mq recv "$K1" -T 3
	assert_output "c2"
	run sysvctl mq recv "$K1" -T 3 --nowait
	assert_failure 6
	[ "$(queued "$K1")" = 2 ]
}

@test "--except takes the first message of any other type" {
	fill_typed
	run sysvctl mq recv "$K1" -T 3 --except -p
	assert_output "$(printf '1\ta1')"
	run sysvctl mq recv "$K1" -T 1 --except -p
	assert_output "$(printf '3\tc1')"
}

@test "--except without a positive TYPE is exit 2" {
	sysvctl mq create "$K1"
	run sysvctl mq recv "$K1" --except
	assert_failure 2
	run sysvctl mq recv "$K1" -T -2 --except
	assert_failure 2
}

@test "TYPE < 0 takes the first of the lowest type up to |TYPE|" {
	fill_typed
	run sysvctl mq recv "$K1" -T -3 -k 5 -l -p
	assert_success
	assert_output "$(printf '1\ta1\n1\ta2\n2\tb1\n3\tc1\n3\tc2')"
}

@test "TYPE < 0 leaves types above |TYPE|" {
	fill_typed
	run sysvctl mq recv "$K1" -T -2 --all -l
	assert_output "$(printf 'a1\na2\nb1')"
	[ "$(queued "$K1")" = 2 ]
}

@test "send --lines sends each line without its newline" {
	sysvctl mq create "$K1"
	printf 'one\n\nthree\nlast without newline' | sysvctl mq send "$K1" --lines -T 4
	[ "$(queued "$K1")" = 4 ]
	sysvctl mq recv "$K1" -k 4 -0 -p > "$BATS_TEST_TMPDIR/out"
	printf '4\tone\0004\t\0004\tthree\0004\tlast without newline\000' |
		cmp - "$BATS_TEST_TMPDIR/out"
	[ "$(queued "$K1")" = 0 ]
}

@test "recv --null ends each message with a NUL byte" {
	sysvctl mq create "$K1"
	printf 'a\nbc\n' | sysvctl mq send "$K1" --lines
	sysvctl mq recv "$K1" --all --null > "$BATS_TEST_TMPDIR/out"
	printf 'a\0bc\0' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "--lines both ways round-trips a large file in order" {
	sysvctl mq create "$K1"
	seq 1 20000 > "$BATS_TEST_TMPDIR/in"
	sysvctl mq recv "$K1" --lines -k 20000 > "$BATS_TEST_TMPDIR/out" &
	track_pid $!
	sysvctl mq send "$K1" --lines < "$BATS_TEST_TMPDIR/in"
	wait $!
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	[ "$(queued "$K1")" = 0 ]
}

@test "send without MESSAGE with --lines only" {
	sysvctl mq create "$K1"
	run sysvctl mq send "$K1" --lines text
	assert_failure 2
}

@test "a line over msgmax is exit 7; the lines before it were sent" {
	sysvctl mq create "$K1"
	{ echo first; echo second; head -c "$(( $(msgmax) + 1 ))" /dev/zero | tr '\0' x; echo; echo after; } \
		> "$BATS_TEST_TMPDIR/in"
	run --separate-stderr sysvctl mq send "$K1" --lines < "$BATS_TEST_TMPDIR/in"
	assert_failure 7
	[[ "$stderr" == *"line 3: longer than msgmax ($(msgmax) bytes), not sent; the 2 lines before it were sent"* ]]
	[[ "$stderr" == *"sysctl kernel.msgmax"* ]]
	run sysvctl mq recv "$K1" --all -l
	assert_output "$(printf 'first\nsecond')"
}

@test "--all on an empty queue is exit 0 and prints nothing" {
	sysvctl mq create "$K1"
	run --separate-stderr sysvctl mq recv "$K1" --all
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "--all takes every message there is" {
	sysvctl mq create "$K1"
	for i in 1 2 3; do sysvctl mq send "$K1" "m$i"; done
	run sysvctl mq recv "$K1" -a -l
	assert_output "$(printf 'm1\nm2\nm3')"
	[ "$(queued "$K1")" = 0 ]
}

@test "recv --nowait on an empty queue is exit 6 at once" {
	sysvctl mq create "$K1"
	start=$(date +%s%N)
	run --separate-stderr sysvctl mq recv "$K1" --nowait
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_failure 6
	[[ "$stderr" == "sysvctl: mq $K1 (id "*"): no message" ]]
	[ "$elapsed" -lt 2000 ]
	run sysvctl mq recv "$K1" -t 0
	assert_failure 6
}

@test "recv -t is exit 6 after the timeout" {
	sysvctl mq create "$K1"
	start=$(date +%s%N)
	run --separate-stderr sysvctl mq recv "$K1" -t 0.3
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_failure 6
	[[ "$stderr" == *"no message (timed out)" ]]
	[ "$elapsed" -ge 290 ]
	[ "$elapsed" -lt 5000 ]
}

@test "recv -t returns a message that arrives in time" {
	sysvctl mq create "$K1"
	"$SYSVCTL" mq recv "$K1" -t 10 > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	track_pid $pid
	poll_until blocked_in "$pid" do_msgrcv
	sysvctl mq send "$K1" late
	wait "$pid"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = late ]
}

@test "a full queue: send --nowait is exit 6 and -t times out" {
	sysvctl mq create "$K1"
	sysvctl mq set "$K1" --max-bytes 16
	sysvctl mq send "$K1" "0123456789"
	run --separate-stderr sysvctl mq send "$K1" --nowait "0123456789"
	assert_failure 6
	[[ "$stderr" == *"the queue is full" ]]
	start=$(date +%s%N)
	run --separate-stderr sysvctl mq send "$K1" -t 0.3 "0123456789"
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_failure 6
	[[ "$stderr" == *"the queue is full (timed out)" ]]
	[ "$elapsed" -ge 290 ]
	[ "$elapsed" -lt 5000 ]
	[ "$(queued "$K1")" = 1 ]
}

@test "recv -t and send -t time out when the caller left SIGALRM blocked or ignored; sem run gives COMMAND the blocked mask" {
	sysvctl mq create "$K1" --max-bytes 16
	id=$(ipcs_id mq "$K1")
	run --separate-stderr alrm_blocked "$SYSVCTL" mq recv "$K1" -t 0.2
	assert_failure 6
	[ "$stderr" = "sysvctl: mq $K1 (id $id): no message (timed out)" ]
	run --separate-stderr timeout 20 bash -c "trap '' ALRM; exec '$SYSVCTL' mq recv '$K1' -t 0.2"
	assert_failure 6
	[ "$stderr" = "sysvctl: mq $K1 (id $id): no message (timed out)" ]
	sysvctl mq send "$K1" "0123456789"
	run --separate-stderr alrm_blocked "$SYSVCTL" mq send "$K1" -t 0.2 "0123456789"
	assert_failure 6
	[ "$stderr" = "sysvctl: mq $K1 (id $id): the queue is full (timed out)" ]
	[ "$(queued "$K1")" = 1 ]
	# COMMAND inherits the caller's mask (SIGALRM is bit 14: 0x2000).
	run alrm_blocked "$SYSVCTL" sem run "$K2" -c -- grep SigBlk /proc/self/status
	assert_success
	[ "$output" = "SigBlk:	0000000000002000" ]
	run "$SYSVCTL" sem run "$K2" -- grep SigBlk /proc/self/status
	[ "$output" = "SigBlk:	0000000000000000" ]
	# An alarm the caller set is still COMMAND's: sh unblocks SIGALRM at
	# its start, and the alarm ends it (142).
	run timeout 20 "$PY" -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
signal.setitimer(signal.ITIMER_REAL, 1.5)
os.execvp(sys.argv[1], sys.argv[1:])' "$SYSVCTL" sem run "$K2" -- sh -c 'sleep 5; echo survived'
	assert_failure 142
	assert_output ""
	# A SIGALRM the caller ignored is still ignored in COMMAND.
	ignored=$(bash -c "trap '' ALRM; exec grep SigIgn /proc/self/status")
	run bash -c "trap '' ALRM; exec '$SYSVCTL' sem run '$K2' -- grep SigIgn /proc/self/status"
	assert_success
	[ "$output" = "$ignored" ]
}

@test "a blocked send goes on when a message is taken" {
	sysvctl mq create "$K1" --max-bytes 16
	sysvctl mq send "$K1" "0123456789"
	"$SYSVCTL" mq send "$K1" "second message" &
	pid=$!
	track_pid $pid
	poll_until blocked_in "$pid" do_msgsnd
	[ "$(queued "$K1")" = 1 ]
	run sysvctl mq recv "$K1"
	assert_output "0123456789"
	wait $pid
	run sysvctl mq recv "$K1" --nowait
	assert_output "second message"
}

@test "a blocked recv is woken by a send" {
	sysvctl mq create "$K1"
	"$SYSVCTL" mq recv "$K1" -T 7 > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	track_pid $pid
	poll_until blocked_in "$pid" do_msgrcv
	sysvctl mq send "$K1" -T 2 other
	sysvctl mq send "$K1" -T 7 wanted
	wait $pid
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = wanted ]
	[ "$(queued "$K1")" = 1 ]
}

@test "recv of a removed queue while waiting is exit 3" {
	id=$(sysvctl mq create "$K1")
	"$SYSVCTL" mq recv "$K1" 2> "$BATS_TEST_TMPDIR/err" &
	pid=$!
	track_pid $pid
	poll_until blocked_in "$pid" do_msgrcv
	ipcrm -Q "$K1"
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "sysvctl: mq $K1 (id $id): no such message queue (it was removed)" ]
}

@test "recv -k takes COUNT messages in order" {
	sysvctl mq create "$K1"
	for i in 1 2 3 4; do sysvctl mq send "$K1" "m$i"; done
	run sysvctl mq recv "$K1" -k 3 -l
	assert_success
	assert_output "$(printf 'm1\nm2\nm3')"
	[ "$(queued "$K1")" = 1 ]
}

@test "recv -k with too few messages prints them and is exit 6" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" only
	run --separate-stderr sysvctl mq recv "$K1" -k 3 -l --nowait
	assert_failure 6
	assert_output "only"
	[[ "$stderr" == *"no message (1 of 3 received)" ]]
	run sysvctl mq recv "$K1" -k 0
	assert_failure 2
}

@test "--print-type puts TYPE and a tab before each body" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 42 answer
	sysvctl mq send "$K1" -T 9223372036854775807 max
	run sysvctl mq recv "$K1" --print-type -k 2 --lines
	assert_output "$(printf '42\tanswer\n9223372036854775807\tmax')"
}

@test "--print-type ends each record with a newline, or -0's NUL" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 2 urgent
	sysvctl mq recv "$K1" -p > "$BATS_TEST_TMPDIR/out"
	printf '2\turgent\n' | cmp - "$BATS_TEST_TMPDIR/out"
	sysvctl mq send "$K1" -T 3 later
	sysvctl mq recv "$K1" -p -0 > "$BATS_TEST_TMPDIR/out"
	printf '3\tlater\0' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "-q silences no message (timed out): exit 6 alone" {
	sysvctl mq create "$K1"
	run --separate-stderr sysvctl -q mq recv "$K1" -t 0.05
	assert_failure 6
	[ -z "$stderr" ] && [ -z "$output" ]
	run --separate-stderr sysvctl mq recv "$K1" --nowait -q
	assert_failure 6
	[ -z "$stderr" ]
	run --separate-stderr sysvctl mq recv "$K2" --nowait -q
	assert_failure 3
	[ -n "$stderr" ]
}

@test "--json prints one object per message per line" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 2 'say "hi"'
	printf 'caf\303\251\n' | sysvctl mq send "$K1"
	sysvctl mq send "$K1" -T 5 ''
	printf 'a\0b' | sysvctl mq send "$K1"
	run sysvctl --json mq recv "$K1" --all
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	[ "$(echo "${lines[0]}" | jq -c .)" = '{"type":2,"size":8,"data":"say \"hi\""}' ]
	[ "$(echo "${lines[1]}" | jq -r .data)" = "$(printf 'caf\303\251')" ]
	[ "$(echo "${lines[1]}" | jq .size)" = 6 ]
	[ "$(echo "${lines[2]}" | jq -c .)" = '{"type":5,"size":0,"data":""}' ]
	[ "$(echo "${lines[3]}" | jq -c .)" = '{"type":1,"size":3,"data":"a\u0000b"}' ]
}

@test "--json gives base64 for a body that is not UTF-8" {
	sysvctl mq create "$K1"
	printf '\377\376\0bin\n' > "$BATS_TEST_TMPDIR/in"
	sysvctl mq send "$K1" -T 3 < "$BATS_TEST_TMPDIR/in"
	run sysvctl mq recv -j "$K1"
	assert_success
	[ "$(echo "$output" | jq -r .encoding)" = base64 ]
	[ "$(echo "$output" | jq -c '[.type, .size, keys_unsorted]')" = '[3,7,["type","size","data","encoding"]]' ]
	echo "$output" | jq -r .data | base64 -d > "$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "--json with --lines or --print-type is exit 2" {
	sysvctl mq create "$K1"
	run sysvctl -j mq recv "$K1" -l
	assert_failure 2
	run sysvctl mq recv "$K1" -p --json
	assert_failure 2
}

@test "a message that cannot be written is reported by type and size" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 4 "lost body"
	run --separate-stderr sysvctl mq recv "$K1" -k 1
	assert_success
	sysvctl mq send "$K1" -T 4 "lost body"
	run --separate-stderr sh -c "'$SYSVCTL' mq recv $K1 > /dev/full"
	assert_failure 1
	[[ "$stderr" == "sysvctl: mq $K1 (id "*"): writing to stdout: No space left on device: the message of type 4, 9 bytes, was taken off the queue and is lost" ]]
}

@test "a reader that goes away is reported, not silent: one batch lost, 141" {
	sysvctl mq create "$K1"
	for i in $(seq 1 100); do echo "line $i"; done | sysvctl mq send "$K1" --lines
	# The reader has exited before recv writes: only the first batch (64
	# messages) was taken, the others stay queued, and the exit is
	# SIGPIPE's.
	# stdout is a pipe whose read end is closed before recv starts.
	run --separate-stderr "$PY" -c 'import os, signal, sys
read_end, write_end = os.pipe()
os.close(read_end)
os.dup2(write_end, 1)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$SYSVCTL" mq recv "$K1" --all -l
	assert_failure 141
	[[ "$stderr" == "sysvctl: mq $K1 (id "*"): writing to stdout: Broken pipe: 64 messages were taken off the queue and are lost, the first of type 1, 6 bytes" ]]
	[ "$(queued "$K1")" = 36 ]
}

@test "stat shows the contract's fields" {
	sysvctl mq create "$K1" -m 640
	sysvctl mq send "$K1" hello
	sysvctl mq send "$K1" hi
	run sysvctl -j mq stat "$K1"
	assert_success
	[ "$(echo "$output" | jq -c 'keys_unsorted')" = '["key","id","mode","uid","gid","cuid","cgid","messages","used_bytes","max_bytes","lspid","lrpid","stime","rtime","ctime"]' ]
	[ "$(echo "$output" | jq -c '[.key, .mode, .messages, .used_bytes, .lrpid, .rtime]')" = "[$((K1)),\"0640\",2,7,0,null]" ]
	[ "$(echo "$output" | jq .id)" = "$(ipcs_id mq "$K1")" ]
	[ "$(echo "$output" | jq .max_bytes)" = "$(cat /proc/sys/kernel/msgmnb)" ]
	run sysvctl mq stat "$K1"
	assert_success
	assert_line --index 0 "Key:               $K1"
}

@test "stat of a missing queue is exit 3" {
	run --separate-stderr sysvctl mq stat "$K1"
	assert_failure 3
	[ "${stderr_lines[0]}" = "sysvctl: mq $K1: no such message queue" ]
}

@test "set --max-bytes changes the queue's max bytes" {
	sysvctl mq create "$K1"
	sysvctl mq set "$K1" --max-bytes 100
	run sysvctl mq stat "$K1" -o MAX-BYTES --noheadings --bytes --raw
	assert_output "100"
}

@test "raising max bytes above msgmnb without CAP_SYS_RESOURCE is exit 4" {
	chmod 755 "$BATS_TEST_TMPDIR"
	as_nobody "$SYSVCTL" mq create "$K1"
	over=$(( $(cat /proc/sys/kernel/msgmnb) + 1 ))
	run --separate-stderr as_nobody "$SYSVCTL" mq set "$K1" --max-bytes "$over"
	assert_failure 4
	[[ "${stderr_lines[1]}" == "hint: more than kernel.msgmnb"*"CAP_SYS_RESOURCE"* ]]
	run --separate-stderr as_nobody "$SYSVCTL" mq create "$K2" --max-bytes "$over"
	assert_failure 4
	[ -z "$(ipcs_id mq "$K2")" ]
}

@test "a queue another user's mode keeps out is exit 4" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" secret
	run as_nobody "$SYSVCTL" mq recv "$K1" --nowait
	assert_failure 4
	run as_nobody "$SYSVCTL" mq send "$K1" more
	assert_failure 4
	[ "$(queued "$K1")" = 1 ]
}

@test "send to a missing queue is exit 3; --create creates it" {
	run --separate-stderr sysvctl mq send "$K1" x
	assert_failure 3
	[[ "${stderr_lines[1]}" == *"--create"* ]]
	run sysvctl mq send "$K1" --create first
	assert_success
	sysvctl mq send "$K1" -c second
	run sysvctl mq recv "$K1" -a -l
	assert_output "$(printf 'first\nsecond')"
	run sysvctl mq stat "$K1" -o MODE --noheadings
	assert_output "0600"
}

@test "rm removes every queue named and goes on past a missing one" {
	sysvctl mq create "$K1"
	sysvctl mq create "$K3"
	run --separate-stderr sysvctl mq rm "$K1" "$K2" "$K3"
	assert_failure 3
	[ "$stderr" = "sysvctl: mq $K2: no such message queue
hint: create it with 'sysvctl mq create $K2'" ]
	[ -z "$(ipcs_id mq "$K1")" ]
	[ -z "$(ipcs_id mq "$K3")" ]
}

@test "rm of a path: whose file is gone counts as missing" {
	sysvctl mq create "$K1"
	run --separate-stderr sysvctl mq rm path:/no/such/file "$K1"
	assert_failure 3
	[ "$stderr" = "sysvctl: /no/such/file: No such file or directory
hint: ftok needs an existing file or directory; every process must name the same one" ]
	[ -z "$(ipcs_id mq "$K1")" ]
}

@test "rm with a malformed REF removes nothing" {
	sysvctl mq create "$K1"
	run sysvctl mq rm "$K1" bogus:ref
	assert_failure 2
	[ -n "$(ipcs_id mq "$K1")" ]
	id=$(ipcs_id mq "$K1")
	run sysvctl mq rm "id:$id"
	assert_success
	[ -z "$(ipcs_id mq "$K1")" ]
}

@test "-t and --nowait together is exit 2" {
	sysvctl mq create "$K1"
	run sysvctl mq recv "$K1" -t 1 --nowait
	assert_failure 2
	run sysvctl mq send "$K1" -t 1 --nowait x
	assert_failure 2
	run sysvctl mq recv "$K1" --all -t 1
	assert_failure 2
	run sysvctl mq recv "$K1" --all -k 2
	assert_failure 2
}

@test "Python sysv_ipc receives what sysvctl sends, with types" {
	sysvctl mq create "$K1"
	printf 'bin\0ary' | sysvctl mq send "$K1" -T 7
	sysvctl mq send "$K1" -T 3 text
	run "$PY" -c '
import sysv_ipc, sys
q = sysv_ipc.MessageQueue(int(sys.argv[1], 16))
print(repr(q.receive(type=3)))
print(repr(q.receive()))' "$K1"
	assert_success
	assert_output "$(printf "(b'text', 3)\n(b'bin\\\\x00ary', 7)")"
}

@test "sysvctl receives what Python sysv_ipc sends, with types" {
	sysvctl mq create "$K1"
	"$PY" -c '
import sysv_ipc, sys
q = sysv_ipc.MessageQueue(int(sys.argv[1], 16))
q.send(b"py\x00one", type=5)
q.send("py two", type=2)' "$K1"
	sysvctl mq recv "$K1" -T -9 -k 2 -p -l > "$BATS_TEST_TMPDIR/out"
	printf '2\tpy two\n5\tpy\000one\n' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "Perl IPC::Msg receives what sysvctl sends, and the other way" {
	sysvctl mq create "$K1"
	sysvctl mq send "$K1" -T 9 "from sysvctl"
	run perl -MIPC::SysV=IPC_NOWAIT -MIPC::Msg -e '
my $q = IPC::Msg->new(hex($ARGV[0]), 0) or die "open: $!";
my $buf;
my $type = $q->rcv($buf, 8192, 0, IPC_NOWAIT);
defined $type or die "rcv: $!";
print "$type:$buf\n";
$q->snd(4, "from perl\0x") or die "snd: $!";' "$K1"
	assert_success
	assert_output "9:from sysvctl"
	sysvctl mq recv "$K1" -p > "$BATS_TEST_TMPDIR/out"
	printf '4\tfrom perl\0x\n' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "a message above 64 KiB is received whole when msgmax allows it" {
	# A private IPC namespace, so raising msgmax touches no one else.
	unshare -i true 2>/dev/null || skip "unshare -i is not permitted here"
	head -c 150000 /dev/urandom > "$BATS_TEST_TMPDIR/in"
	run unshare -i bash -c '
		echo 200000 > /proc/sys/kernel/msgmax &&
		echo 400000 > /proc/sys/kernel/msgmnb || exit 99
		"$1" mq create 0x5e000042 > /dev/null &&
		"$1" mq send 0x5e000042 < "$2/in" &&
		"$1" mq recv 0x5e000042 > "$2/out"' sh "$SYSVCTL" "$BATS_TEST_TMPDIR"
	[ "$status" -ne 99 ] || skip "the namespace's msgmax cannot be raised"
	assert_success
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}
