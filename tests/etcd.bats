#!/usr/bin/env bats
# sysvctl sem run/who/stat on etcd:NAME locks.  The file starts its own
# single-node etcd on 127.0.0.1 (free ports, a temporary data dir) and
# stops it at the end; tests that stop etcd start one of their own.

load helpers

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_etcd DIR: an etcd in DIR; its URL in ETCD_URL, its pid in ETCD_PID.
start_etcd() {
	local dir=$1 client peer
	client=$(free_port)
	peer=$(free_port)
	mkdir -p "$dir"
	etcd --name sysvctl-test --data-dir "$dir/data" \
		--listen-client-urls "http://127.0.0.1:$client" \
		--advertise-client-urls "http://127.0.0.1:$client" \
		--listen-peer-urls "http://127.0.0.1:$peer" \
		--initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "sysvctl-test=http://127.0.0.1:$peer" \
		>"$dir/log" 2>&1 3>&- &
	ETCD_PID=$!
	ETCD_URL="http://127.0.0.1:$client"
	poll_until etcd_up "$ETCD_URL"
}

etcd_up() {
	etcdctl --endpoints "$1" --dial-timeout 1s endpoint health >/dev/null 2>&1
}

stop_etcd() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

setup_file() {
	if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
		return 0
	fi
	start_etcd "$BATS_FILE_TMPDIR/etcd"
	echo "$ETCD_PID" >"$BATS_FILE_TMPDIR/etcd.pid"
	export SYSVCTL_ETCD_ENDPOINTS=$ETCD_URL
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/etcd.pid" ]; then
		stop_etcd "$(cat "$BATS_FILE_TMPDIR/etcd.pid")"
	fi
}

setup() {
	command -v etcd >/dev/null || skip "etcd is not installed (Debian: etcd-server)"
	command -v etcdctl >/dev/null || skip "etcdctl is not installed (Debian: etcd-client)"
	common_setup
	# A lock name of this test's own.
	L="t$BATS_SUITE_TEST_NUMBER-$$"
}

teardown() {
	common_teardown
	etcdctl --endpoints "$SYSVCTL_ETCD_ENDPOINTS" del --prefix "$L/" >/dev/null 2>&1 || true
}

# The number of contenders (keys) of lock $1.
contenders() {
	etcdctl --endpoints "$SYSVCTL_ETCD_ENDPOINTS" get --prefix "$1/" --keys-only | grep -c .
}

has_contenders() {
	[ "$(contenders "$1")" -eq "$2" ]
}

now() {
	date +%s.%N
}

@test "run holds an etcd lock while COMMAND runs, as COMMAND's own pid, and passes its exit status" {
	run sysvctl sem run "etcd:$L" -- sh -c '"$0" sem who "etcd:$1"; echo "pid $$"; exit 42' "$SYSVCTL" "$L"
	assert_failure 42
	[ "${#lines[@]}" -eq 2 ]
	pid=${lines[1]#pid }
	[[ "${lines[0]}" =~ ^holds\ 1\ $pid\ sh\ -c\ .*\ on\ $(hostname)\ since\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}$ ]]
	poll_until has_contenders "$L" 0
}

@test "options after COMMAND are COMMAND's; missing COMMAND is exit 2" {
	run sysvctl sem run "etcd:$L" --nowait echo -t 3 --ttl 5
	assert_success
	assert_output "-t 3 --ttl 5"
	run sysvctl sem run "etcd:$L"
	assert_failure 2
	run sysvctl sem run -d 2 "etcd:$L" true
	assert_failure 2
	assert_output --partial "System V"
}

# run_jobs COUNT LOG ARG...: COUNT concurrent `sysvctl ARG...`, their
# output appended to LOG; waits for them all.
run_jobs() {
	local count=$1 log=$2 pid pids=()
	shift 2
	for ((i = 0; i < count; i++)); do
		"$SYSVCTL" "$@" >>"$log" 2>&1 &
		pids+=("$!")
		track_pid "$!"
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
}

@test "30 concurrent runs of one etcd lock never overlap" {
	log="$BATS_TEST_TMPDIR/log"
	run_jobs 30 "$log" sem run "etcd:$L" -- sh -c \
		'mkdir "$1" 2>/dev/null || { echo overlap; exit 9; }; sleep 0.02; rmdir "$1"; echo done' \
		sh "$BATS_TEST_TMPDIR/held"
	[ "$(grep -c '^done$' "$log")" -eq 30 ]
	[ "$(wc -l <"$log")" -eq 30 ]
	poll_until has_contenders "$L" 0
}

@test "-v 3: 30 concurrent runs, never more than 3 at once, and 3 do run at once" {
	dir="$BATS_TEST_TMPDIR/holders"
	log="$BATS_TEST_TMPDIR/log"
	mkdir "$dir"
	run_jobs 30 "$log" sem run "etcd:$L" -v 3 -- sh -c \
		'touch "$1/$$"; ls "$1" | wc -l; sleep 0.2; rm "$1/$$"' sh "$dir"
	[ "$(wc -l <"$log")" -eq 30 ]
	[ "$(sort -n "$log" | tail -1)" -eq 3 ]
	poll_until has_contenders "$L" 0
}

@test "--nowait on a held etcd lock is exit 6, or N with -E N, and leaves no key" {
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 1
	run sysvctl sem run --nowait "etcd:$L" -- echo ran
	assert_failure 6
	assert_output "sysvctl: etcd:$L: busy"
	run sysvctl sem run --nowait -E 75 "etcd:$L" -- echo ran
	assert_failure 75
	run sysvctl sem run -t 0 "etcd:$L" -- echo ran
	assert_failure 6
	[ "$(contenders "$L")" -eq 1 ]
}

@test "-t waits about the timeout on a held etcd lock, then exit 6" {
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 1
	start=$(now)
	run sysvctl sem run -t 0.5 "etcd:$L" -- echo ran
	end=$(now)
	assert_failure 6
	refute_output --partial ran
	awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s >= 0.5 && e - s < 3) }'
	[ "$(contenders "$L")" -eq 1 ]
}

@test "--max-time on etcd: a job that holds too long gets SIGTERM as its own pid (exit 143), the next waiter gets the lock" {
	err="$BATS_TEST_TMPDIR/err"
	"$SYSVCTL" sem run "etcd:$L" --max-time 1.5 -- sleep 60 2>"$err" &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	run sysvctl sem run "etcd:$L" -t 30 -- echo got
	assert_success
	assert_output "got"
	status=0
	wait "$holder" || status=$?
	[ "$status" -eq 143 ]
	run cat "$err"
	assert_output "sysvctl: etcd:$L: held longer than 1.500 s (--max-time): sending SIGTERM to $holder"
	poll_until has_contenders "$L" 0
}

@test "--max-time on etcd: a COMMAND that ignores SIGTERM is SIGKILLed after --kill-after (exit 137), the lock freed" {
	# SIGTERM ignored from the start (inherited), not from when sh gets to
	# a trap: a slow start must not end COMMAND at the first signal.
	run --separate-stderr bash -c 'trap "" TERM; exec "$@"' bash \
		"$SYSVCTL" sem run "etcd:$L" --max-time 0.2 --kill-after 0.3 -- sh -c 'echo $$; exec sleep 30'
	assert_failure 137
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "sysvctl: etcd:$L: held longer than 0.200 s (--max-time): sending SIGTERM to $output" ]
	[ "${stderr_lines[1]}" = "sysvctl: etcd:$L: $output still runs after --kill-after: sending SIGKILL" ]
	poll_until has_contenders "$L" 0
}

@test "--max-time on etcd not reached: COMMAND's own exit status, nothing on stderr, the lock freed" {
	run --separate-stderr sysvctl sem run "etcd:$L" --max-time 30 --kill-after 1 -- sh -c 'echo ran; exit 3'
	assert_failure 3
	assert_output "ran"
	[ "$stderr" = "" ]
	poll_until has_contenders "$L" 0
	run sysvctl sem run "etcd:$L" --max-time soon -- true
	assert_failure 2
}

@test "waiters are served in the order they came" {
	log="$BATS_TEST_TMPDIR/log"
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	pids=()
	for i in 1 2 3 4 5; do
		"$SYSVCTL" sem run "etcd:$L" -- sh -c 'echo "$1" >>"$2"' sh "$i" "$log" &
		pids+=("$!")
		track_pid "$!"
		poll_until has_contenders "$L" $((i + 1))
	done
	kill "$holder"
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	[ "$(tr '\n' ' ' <"$log")" = "1 2 3 4 5 " ]
}

# Whether `sem who etcd:$1` shows pid $2 holding.
holds_pid() {
	"$SYSVCTL" sem who "etcd:$1" | grep -q "^holds 1 $2 "
}

@test "-v 2: a waiter deep in the line gets in at once when a slot frees, while the key it watched holds on" {
	got="$BATS_TEST_TMPDIR/got"
	pids=()
	for i in 1 2 3 4; do
		"$SYSVCTL" sem run -v 2 "etcd:$L" -- sleep 60 &
		pids+=("$!")
		track_pid "$!"
		poll_until has_contenders "$L" "$i"
	done
	# The fifth waits behind four keys, two of them waiters: it watches
	# only the key two places before its own, the third.  --ttl 30: it
	# renews (and looks again) only every 10 s.
	"$SYSVCTL" sem run -v 2 --ttl 30 "etcd:$L" -- sh -c 'date +%s.%N >"$1"' sh "$got" &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 5
	kill "${pids[0]}"
	poll_until holds_pid "$L" "${pids[2]}"
	kill "${pids[1]}"
	poll_until holds_pid "$L" "${pids[3]}"
	# The third, let in, holds on; the fourth's slot frees.
	killed=$(now)
	kill "${pids[3]}"
	wait "$waiter"
	awk -v k="$killed" -v g="$(cat "$got")" 'BEGIN { exit !(g - k < 3) }'
	run sysvctl sem who "etcd:$L"
	assert_output --regexp "^holds 1 ${pids[2]} sleep 60 on "
	[ "${#lines[@]}" -eq 1 ]
}

@test "-v 2 with one slot held: waiters take the other in the order they came, one at a time, deep in the line too" {
	log="$BATS_TEST_TMPDIR/log"
	"$SYSVCTL" sem run -v 2 "etcd:$L" -- sleep 60 &
	first=$!
	track_pid "$first"
	"$SYSVCTL" sem run -v 2 "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 2
	pids=()
	for i in 1 2 3 4 5 6; do
		"$SYSVCTL" sem run -v 2 "etcd:$L" -- sh -c \
			'mkdir "$3" 2>/dev/null || echo overlap >>"$2"; echo "$1" >>"$2"; sleep 0.3; rmdir "$3"' \
			sh "$i" "$log" "$BATS_TEST_TMPDIR/held" &
		pids+=("$!")
		track_pid "$!"
		poll_until has_contenders "$L" $((i + 2))
	done
	kill "$first"
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	[ "$(tr '\n' ' ' <"$log")" = "1 2 3 4 5 6 " ]
}

@test "kill -9 of COMMAND: the next holder gets the etcd lock in less than 1 s" {
	got="$BATS_TEST_TMPDIR/got"
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	"$SYSVCTL" sem run "etcd:$L" -- sh -c 'date +%s.%N >"$1"' sh "$got" &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 2
	killed=$(now)
	kill -9 "$holder"
	wait "$waiter"
	awk -v k="$killed" -v g="$(cat "$got")" 'BEGIN { exit !(g - k < 1) }'
}

@test "kill -9 of COMMAND and its keep-alive (a dead host): the lock is free after the TTL, not at once" {
	got="$BATS_TEST_TMPDIR/got"
	"$SYSVCTL" sem run --ttl 3 "etcd:$L" -- sleep 60 &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	keepalive=$(ps -o pid= --ppid "$holder" | tr -d " ")
	[ -n "$keepalive" ]
	[ "$(cat "/proc/$keepalive/comm")" = sysvctl-lease ]
	track_pid "$keepalive"
	"$SYSVCTL" sem run "etcd:$L" -- sh -c 'date +%s.%N >"$1"' sh "$got" &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 2
	killed=$(now)
	kill -9 "$holder" "$keepalive"
	wait "$waiter"
	# The keep-alive renews every TTL/3: the lease ends between 2/3 of the
	# TTL and the TTL after the last renewal (plus etcd's own delay in
	# revoking an expired lease: seconds on a loaded machine).
	awk -v k="$killed" -v g="$(cat "$got")" 'BEGIN { exit !(g - k >= 1.9 && g - k < 8) }'
}

@test "SIGTERM while waiting for an etcd lock is exit 143 and leaves no key" {
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 1
	"$SYSVCTL" sem run "etcd:$L" -- echo ran &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 2
	kill -TERM "$waiter"
	status=0
	wait "$waiter" || status=$?
	[ "$status" -eq 143 ]
	[ "$(contenders "$L")" -eq 1 ]
}

@test "an unreachable etcd is exit 10 within --connect-timeout, one line naming the endpoints" {
	port=$(free_port)
	start=$(now)
	run sysvctl sem run --etcd "http://127.0.0.1:$port,http://127.0.0.1:$port" --connect-timeout 1 "etcd:$L" -- echo ran
	end=$(now)
	assert_failure 10
	assert_output "sysvctl: etcd http://127.0.0.1:$port,http://127.0.0.1:$port: no endpoint answers (Couldn't connect to server)"
	awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s < 2.5) }'
	SYSVCTL_ETCD_ENDPOINTS="http://127.0.0.1:$port" run sysvctl sem who "etcd:$L"
	assert_failure 10
	run sysvctl sem run --etcd "ftp://127.0.0.1:$port" "etcd:$L" -- echo ran
	assert_failure 2
}

@test "etcd stopped while waiting: exit 10, no COMMAND run" {
	start_etcd "$BATS_TEST_TMPDIR/etcd"
	track_pid "$ETCD_PID"
	export SYSVCTL_ETCD_ENDPOINTS=$ETCD_URL
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 1
	"$SYSVCTL" sem run --connect-timeout 1 "etcd:$L" -- echo ran >"$BATS_TEST_TMPDIR/out" 2>&1 &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 2
	stop_etcd "$ETCD_PID"
	status=0
	wait "$waiter" || status=$?
	[ "$status" -eq 10 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --regexp "^sysvctl: etcd $ETCD_URL: no endpoint answers \\((Couldn't connect to server|HTTP 408)\\)\$"
}

# Hold etcd:$L with --ttl 2 running COMMAND, stop etcd, wait for the
# holder: sets holder (its pid), status, and lasted (seconds from the stop
# to its end).  The last renewal came before the stop: the lease lives
# until 2 s after it at the earliest.
hold_then_stop_etcd() {
	start_etcd "$BATS_TEST_TMPDIR/etcd"
	track_pid "$ETCD_PID"
	export SYSVCTL_ETCD_ENDPOINTS=$ETCD_URL
	"$SYSVCTL" sem run --ttl 2 --connect-timeout 0.5 "etcd:$L" -- "$@" 2>"$BATS_TEST_TMPDIR/err" &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	local stopped
	stopped=$(now)
	stop_etcd "$ETCD_PID"
	status=0
	wait "$holder" || status=$?
	lasted=$(awk -v s="$stopped" -v e="$(now)" 'BEGIN { print e - s }')
}

@test "etcd stopped while holding: COMMAND gets SIGTERM once half the TTL has passed" {
	hold_then_stop_etcd sleep 60
	[ "$status" -eq 143 ]
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output "sysvctl: etcd:$L: lease lost (etcd unreachable for half the TTL): stopping COMMAND (pid $holder) with SIGTERM"
	awk -v t="$lasted" 'BEGIN { exit !(t > 0 && t < 2) }'
}

@test "etcd stopped while holding: a COMMAND that ignores SIGTERM is SIGKILLed before the TTL ends" {
	hold_then_stop_etcd sh -c 'trap "" TERM; exec sleep 30'
	[ "$status" -eq 137 ]
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output "sysvctl: etcd:$L: lease lost (etcd unreachable for half the TTL): stopping COMMAND (pid $holder) with SIGTERM
sysvctl: etcd:$L: lease lost (etcd unreachable past the TTL): killing COMMAND (pid $holder) with SIGKILL"
	awk -v t="$lasted" 'BEGIN { exit !(t > 0 && t < 2) }'
}

@test "a lock held by etcdctl lock and one by sem run exclude each other" {
	# etcdctl's COMMAND ends when told to, so etcdctl unlocks as it does
	# after any COMMAND (a SIGTERM would kill etcdctl without unlocking and
	# leave its key until the TTL).
	release=$BATS_TEST_TMPDIR/release
	etcdctl --endpoints "$SYSVCTL_ETCD_ENDPOINTS" lock "$L" -- \
		sh -c 'while [ ! -e "$1" ]; do sleep 0.05; done' sh "$release" &
	etcdctl_pid=$!
	track_pid "$etcdctl_pid"
	poll_until has_contenders "$L" 1
	run sysvctl sem run --nowait "etcd:$L" -- echo ran
	assert_failure 6
	run sysvctl sem who "etcd:$L"
	assert_output "holds 1 0 - on - since -"
	touch "$release"
	wait "$etcdctl_pid"
	poll_until has_contenders "$L" 0

	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	run timeout 1 etcdctl --endpoints "$SYSVCTL_ETCD_ENDPOINTS" lock "$L" echo got
	assert_failure 124
	refute_output --partial got
	kill "$holder"
	run timeout 5 etcdctl --endpoints "$SYSVCTL_ETCD_ENDPOINTS" lock "$L" echo got
	assert_success
	assert_output "got"
}

@test "sem who shows holders then waiters; --json lists both" {
	"$SYSVCTL" sem run "etcd:$L" -- sleep 60 &
	holder=$!
	track_pid "$holder"
	poll_until has_contenders "$L" 1
	"$SYSVCTL" sem run "etcd:$L" -- sleep 61 &
	waiter=$!
	track_pid "$waiter"
	poll_until has_contenders "$L" 2
	run sysvctl sem who "etcd:$L"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "holds 1 $holder sleep 60 on $(hostname) since "* ]]
	assert_line -n 1 "waits 1 $waiter sleep 61 on $(hostname)"
	run sysvctl sem who "etcd:$L" --json
	assert_success
	[ "$(jq -c '[.holders[].pid, .waiters[].pid, .holders[0].command, .waiters[0].slots]' <<<"$output")" = "[$holder,$waiter,\"sleep 60\",1]" ]
}

@test "sem stat of an etcd lock: counts and contenders; --json is one flat object" {
	"$SYSVCTL" sem run -v 2 "etcd:$L" -- sleep 60 &
	track_pid "$!"
	poll_until has_contenders "$L" 1
	run sysvctl sem stat "etcd:$L" --json
	assert_success
	[ "$(jq -c '[.name, .prefix, .holders, .waiters, .contenders[0].state, .contenders[0].slots]' <<<"$output")" = "[\"$L\",\"$L/\",1,0,\"holds\",2]" ]
}

@test "sem get, acquire and release of an etcd: REF are exit 2 with a hint" {
	for verb in get acquire release; do
		run sysvctl sem "$verb" "etcd:$L"
		assert_failure 2
		assert_line -n 1 --partial "hint: use 'sysvctl sem run etcd:$L -- COMMAND'"
	done
}
