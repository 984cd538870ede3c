#!/usr/bin/env bats
# Locks you can see into: sem who, the holders and waiters of sem stat and
# ls, sem run --max-time, --verbose, --shared, and the order of grants.

load helpers

# Wait for background PID; its exit status into $status.
wait_status() {
	status=0
	wait "$1" || status=$?
}

# Whether `sem who KEY` shows N waiters.
n_waiters() {
	[ "$(sysvctl -q sem who "$1" | grep -c '^waits')" -eq "$2" ]
}

# The ISO 8601 form sem who prints for epoch second $1.
iso() {
	date -d "@$1" +%Y-%m-%dT%H:%M:%S%:z
}

@test "sem who, sem stat and ls show the holders and waiters of a held set" {
	sysvctl sem create "$K1" -n 2 -v 1
	"$SYSVCTL" sem run "$K1" -- sleep 300 &
	holder=$!
	track_pid "$holder"
	poll_until sem_value_is "$K1" 0
	"$SYSVCTL" sem acquire "$K1" -d 2 &
	taker=$!
	track_pid "$taker"
	poll_until n_waiters "$K1" 1
	"$SYSVCTL" sem z "$K1" -i 1 &
	zero=$!
	track_pid "$zero"
	poll_until n_waiters "$K1" 2
	otime=$(sysvctl -q sem stat "$K1" --json | sed -n 's/^ *"otime": \([0-9]*\),$/\1/p')
	run --separate-stderr sysvctl -q sem who "$K1"
	assert_success
	waits="waits 2 $taker $SYSVCTL sem acquire $K1 -d 2
waits zero $zero $SYSVCTL sem z $K1 -i 1 index 1"
	# The hold began in the second of the semop, or just after it.
	[ "$output" = "holds 1 $holder sleep 300 since $(iso "$otime")
$waits" ] || [ "$output" = "holds 1 $holder sleep 300 since $(iso $((otime + 1)))
$waits" ]
	since=$(echo "${lines[0]}" | sed 's/.* since //')

	run --separate-stderr sysvctl -q sem who "$K1" --json
	assert_success
	since_epoch=$(date -d "$since" +%s)
	[ "$output" = '{
   "holders": [
      {
         "pid": '"$holder"',
         "index": 0,
         "units": 1,
         "sem_op": -1,
         "since": '"$since_epoch"',
         "command": "sleep 300"
      }
   ],
   "waiters": [
      {
         "pid": '"$taker"',
         "index": 0,
         "for": "units",
         "units": 2,
         "command": "'"$SYSVCTL sem acquire $K1 -d 2"'"
      },{
         "pid": '"$zero"',
         "index": 1,
         "for": "zero",
         "units": null,
         "command": "'"$SYSVCTL sem z $K1 -i 1"'"
      }
   ]
}' ]

	run --separate-stderr sysvctl -q sem stat "$K1"
	assert_success
	[ "${lines[-3]}" = "holds 1 $holder sleep 300 since $since" ]
	[ "${lines[-2]}" = "waits 2 $taker $SYSVCTL sem acquire $K1 -d 2" ]
	[ "${lines[-1]}" = "waits zero $zero $SYSVCTL sem z $K1 -i 1 index 1" ]

	run --separate-stderr sysvctl -q sem stat "$K1" --json
	assert_success
	[ "$(echo "$output" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(len(d["semaphores"]), [h["pid"] for h in d["holders"]], [w["pid"] for w in d["waiters"]])')" = "2 [$holder] [$taker, $zero]" ]

	run --separate-stderr sysvctl -q ls sem --key "$K1" -o KEY,HOLDERS,WAITERS --noheadings
	assert_success
	assert_output "$(printf '0x%08x' "$K1") 1 2"
	run --separate-stderr sysvctl -q sem stat "$K1" -o HOLDERS,WAITERS --raw --noheadings
	assert_success
	assert_output "1 2"
}

@test "sem who of a set nobody uses prints nothing; of a missing set is exit 3" {
	sysvctl sem create "$K1"
	run --separate-stderr sysvctl -q sem who "$K1"
	assert_success
	assert_output ""
	run --separate-stderr sysvctl -q sem who "$K1" --json
	assert_output '{
   "holders": [],
   "waiters": []
}'
	run --separate-stderr sysvctl sem who "$K2"
	assert_failure 3
}

@test "run --max-time 0 is exit 2 with one line and runs nothing; etcd: too" {
	for ref in "$K1 --create" etcd:x; do
		run --separate-stderr sysvctl sem run $ref --max-time 0 -- touch "$BATS_TEST_TMPDIR/ran"
		[ "$status" -eq 2 ]
		[ "$stderr" = "sysvctl: --max-time: '0' allows no time at all (expected a duration above 0)" ]
	done
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[ -z "$(ipcs_id sem "$K1")" ]
}

@test "run --max-time stops a job that holds too long, frees the lock, exits 124" {
	sysvctl sem create "$K1" -v 1
	start=$(date +%s%N)
	run --separate-stderr sysvctl sem run "$K1" --max-time 0.3 -- sh -c 'echo started; exec sleep 30'
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_failure 124
	assert_output "started"
	[ "$stderr" = "sysvctl: $K1: held longer than 0.300 s (--max-time): sending SIGTERM to ${stderr##* }" ]
	[ "$elapsed_ms" -lt 5000 ]
	run sysvctl sem get "$K1"
	assert_output "1"
}

@test "run --max-time: SIGKILL after --kill-after; COMMAND is the holder and its status passes" {
	sysvctl sem create "$K1" -v 1
	# SIGTERM ignored from the start (inherited), not from when sh gets to
	# a trap: a slow start must not end COMMAND at the first signal.
	run --separate-stderr bash -c 'trap "" TERM; exec "$@"' bash \
		"$SYSVCTL" sem run "$K1" --max-time 0.2 --kill-after 0.2 -- sh -c 'echo $$; exec sleep 30'
	assert_failure 124
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[1]}" = "sysvctl: $K1: $output still runs after --kill-after: sending SIGKILL" ]
	run sysvctl sem get "$K1"
	assert_output "1"
	# The holder marker names COMMAND's own pid: it holds the units.
	run sysvctl sem run "$K1" --max-time 10 -- sh -c 'echo "$SYSVCTL_SEM_HOLD" $$; exit 3'
	assert_failure 3
	id=$(ipcs_id sem "$K1")
	assert_output --regexp "^$id:0:-1:([0-9]+):[0-9]+ \\1\$"
	run sysvctl sem get "$K1"
	assert_output "1"
}

@test "run --max-time forwards SIGTERM to COMMAND and ends with it" {
	sysvctl sem create "$K1" -v 1
	"$SYSVCTL" sem run "$K1" --max-time 60 -- sleep 30 &
	pid=$!
	track_pid "$pid"
	poll_until sem_value_is "$K1" 0
	kill -TERM "$pid"
	wait_status "$pid"
	[ "$status" -eq 143 ]
	run sysvctl sem get "$K1"
	assert_output "1"
}

@test "acquire and run --verbose say how long the wait took, as flock -v" {
	sysvctl sem create "$K1" -v 1
	id=$(ipcs_id sem "$K1")
	run --separate-stderr sysvctl sem acquire "$K1" --verbose
	assert_success
	[[ $stderr =~ ^sysvctl:\ sem\ $(printf '0x%08x' "$K1")\ \(id\ $id\):\ getting\ the\ lock\ took\ 0\.[0-9]{6}\ seconds$ ]]
	# Released 0.5 s after run starts to wait (the sleep is the holding).
	( poll_until sem_column_is "$K1" ncnt 1; sleep 0.5; sysvctl sem release "$K1" ) &
	track_pid $!
	run --separate-stderr sysvctl sem run "$K1" --verbose -- echo ran
	assert_success
	assert_output "ran"
	[[ $stderr =~ took\ ([0-9]+)\.([0-9]{6})\ seconds$ ]]
	waited_us=$((10#${BASH_REMATCH[1]} * 1000000 + 10#${BASH_REMATCH[2]}))
	[ "$waited_us" -ge 500000 ] && [ "$waited_us" -lt 30000000 ]
}

@test "run --shared: 10 shared holders run together, an exclusive one runs alone" {
	sysvctl sem create "$K1" -n 2 >/dev/null
	shared=()
	for _ in $(seq 10); do
		"$SYSVCTL" sem run "$K1" --shared -- sleep 300 &
		shared+=($!)
		track_pid $!
	done
	# All ten hold at once: the count semaphore is 1 + 10.
	poll_until sem_value_is "$K1" 11 -i 1
	run sysvctl sem get "$K1"
	assert_output "1"
	"$SYSVCTL" sem run "$K1" --exclusive -- sh -c '"$1" sem get "$2" -i 1 >"$3"; exec sleep 300' \
		sh "$SYSVCTL" "$K1" "$BATS_TEST_TMPDIR/excl" &
	excl=$!
	track_pid "$excl"
	poll_until n_waiters "$K1" 1
	[ ! -e "$BATS_TEST_TMPDIR/excl" ]
	kill "${shared[@]}"
	poll_until [ -s "$BATS_TEST_TMPDIR/excl" ]
	# It ran with no shared holder, and while it runs nobody else does.
	[ "$(cat "$BATS_TEST_TMPDIR/excl")" = 1 ]
	run sysvctl sem run "$K1" --shared --nowait -- true
	assert_failure 6
	run sysvctl sem run "$K1" --exclusive --nowait -- true
	assert_failure 6
	kill "$excl"
	poll_until sem_value_is "$K1" 1
	run sysvctl sem run "$K1" --shared --nowait -- sh -c '"$1" sem get "$2" -i 1' sh "$SYSVCTL" "$K1"
	assert_success
	assert_output "2"
	run sysvctl sem get "$K1" -i 1
	assert_output "1"
}

@test "run --shared --create makes the two-semaphore set; -d and -u do not go with it" {
	run sysvctl sem run "$K1" --shared --create -- true
	assert_success
	run sysvctl sem stat "$K1" -o INDEX,VALUE --raw --noheadings
	assert_output "0 1
1 1"
	run --separate-stderr sysvctl sem run "$K1" --shared -d 2 -- true
	assert_failure 2
	[ "$stderr" = "sysvctl: sem run: --shared and --exclusive take one unit: not with -u or -d (see 'sysvctl sem run --help')" ]
}

# file_locked FILE: someone holds a flock(2) lock on FILE.
file_locked() {
	if flock -n "$1" true; then return 1; fi
}

# in_place FILE: how many of its lines hold their own line number (1..20
# in order is 20).
in_place() {
	awk '$0 == NR { n++ } END { print n + 0 }' "$1"
}

@test "sem run grants a held lock in the order of arrival: 20 waiters queued one by one (flock(1) measured alongside)" {
	sysvctl sem create "$K1" >/dev/null
	out=$BATS_TEST_TMPDIR/sem.out
	"$SYSVCTL" sem run "$K1" -- sleep 300 3>&- &
	holder=$!
	track_pid "$holder"
	poll_until sem_value_is "$K1" 0
	waiters=()
	for i in $(seq 20); do
		"$SYSVCTL" sem run "$K1" -- sh -c 'echo "$1" >>"$2"' sh "$i" "$out" 3>&- &
		waiters+=($!)
		track_pid $!
		poll_until blocked_in_semop $!
	done
	[ ! -e "$out" ]
	kill "$holder"
	for pid in "${waiters[@]}"; do
		wait_status "$pid"
		[ "$status" -eq 0 ]
	done

	# flock(1) queued the same way: measured, not asserted.
	lock=$BATS_TEST_TMPDIR/lockfile
	fout=$BATS_TEST_TMPDIR/flock.out
	# The holder is one process (flock(1) would fork a child that keeps
	# the lock after flock itself is killed).
	(exec 9>"$lock" && flock 9 && exec sleep 300) 3>&- &
	fholder=$!
	track_pid "$fholder"
	poll_until file_locked "$lock"
	fwaiters=()
	for i in $(seq 20); do
		flock "$lock" sh -c 'echo "$1" >>"$2"' sh "$i" "$fout" 3>&- &
		fwaiters+=($!)
		track_pid $!
		poll_until blocked_in $! locks_lock_inode_wait
	done
	kill "$fholder"
	for pid in "${fwaiters[@]}"; do
		wait "$pid" || true
	done
	echo "# sem run order: $(paste -sd' ' "$out") ($(in_place "$out") of 20 in place)" >&3
	echo "# flock order:   $(paste -sd' ' "$fout") ($(in_place "$fout") of 20 in place)" >&3

	[ "$(cat "$out")" = "$(seq 20)" ]
	run sysvctl sem get "$K1"
	assert_output "1"
}

@test "run --shared/--exclusive refuse -v: both semaphores of the lock start at 1" {
	run --separate-stderr sysvctl sem run "$K1" --exclusive --create -v 2 -- true
	assert_failure 2
	[ "$stderr" = "sysvctl: sem run: --shared and --exclusive make both semaphores 1 (a free lock): not with -v (see 'sysvctl sem run --help')" ]
	# Nothing was made.
	run sysvctl sem get "$K1"
	assert_failure 3
}

@test "run --max-time with SIGCHLD ignored by the caller still sees COMMAND end" {
	# An ignored SIGCHLD survives exec: without care the kernel reaps
	# COMMAND itself and the watcher waits for ever.
	sysvctl sem create "$K1" -v 1
	run timeout 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' \
		"$SYSVCTL" sem run "$K1" --max-time 30 -- sh -c 'exit 3'
	assert_failure 3
	run timeout 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' \
		"$SYSVCTL" sem run "$K1" --max-time 0.3 --kill-after 0.3 -- sleep 30
	assert_failure 124
	run sysvctl sem get "$K1"
	assert_output "1"
}
