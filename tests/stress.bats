#!/usr/bin/env bats
# Under load and faults: a counter in shared memory incremented by many
# processes under `sem run` loses nothing (and without the lock the same
# check sees lost updates); 40 processes racing `sem run --create` on a new
# key never overlap; kill -9 of a holder always gives its units back.

load helpers



# The value of semaphore 0 of the set with KEY, and the number of processes
# waiting on it (ncnt), read with ipcs so that they do not rely on sysvctl.
sem_value() {
	ipcs -s -i "$(ipcs_id sem "$1")" | awk 'f && NF >= 5 && $1 == 0 { print $2 } /^semnum/ { f = 1 }'
}

sem_ncnt() {
	ipcs -s -i "$(ipcs_id sem "$1")" | awk 'f && NF >= 5 && $1 == 0 { print $3 } /^semnum/ { f = 1 }'
}

sem_zcnt() {
	ipcs -s -i "$(ipcs_id sem "$1")" | awk 'f && NF >= 5 && $1 == 0 { print $4 } /^semnum/ { f = 1 }'
}

equals() {
	[ "$("${@:2}")" = "$1" ]
}

# A worker script: N increments of the counter in segment SHMKEY, each a
# read-modify-write; "$LOCK" (words before the command) wraps each one.
# Fixed-width text keeps every write the same length.
write_worker() {
	cat > "$BATS_TEST_TMPDIR/worker" <<'EOF'
#!/bin/sh
# worker SYSVCTL SHMKEY N LOCK...
sysvctl=$1 key=$2 n=$3
shift 3
i=0
while [ "$i" -lt "$n" ]; do
	"$@" sh -c '
		v=$("$0" shm read "$1" -n 10) || exit 1
		"$0" shm write "$1" "$(printf "%10d" $((v + 1)))"
	' "$sysvctl" "$key" || echo "increment failed: $?" >&2
	i=$((i + 1))
done
EOF
	chmod +x "$BATS_TEST_TMPDIR/worker"
}

# run_counter PROCS INCREMENTS LOCK...: start PROCS workers at once, wait for
# all, print the counter.
run_counter() {
	local procs=$1 n=$2 p pids=()
	shift 2
	write_worker
	"$SYSVCTL" shm create "$K2" -s 16 >/dev/null
	"$SYSVCTL" shm write "$K2" "$(printf '%10d' 0)"
	for ((p = 0; p < procs; p++)); do
		"$BATS_TEST_TMPDIR/worker" "$SYSVCTL" "$K2" "$n" "$@" \
			2>>"$BATS_TEST_TMPDIR/errors" &
		pids+=("$!")
		track_pid "$!"
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	"$SYSVCTL" shm read "$K2" -n 10
}

@test "24 processes x 40 increments under sem run lose no update" {
	"$SYSVCTL" sem create "$K1" >/dev/null
	SECONDS=0
	run run_counter 24 40 "$SYSVCTL" sem run "$K1" --
	echo "# 960 locked increments in $SECONDS s"
	assert_success
	[ ! -s "$BATS_TEST_TMPDIR/errors" ] || { cat "$BATS_TEST_TMPDIR/errors"; false; }
	assert_output "$(printf '%10d' 960)"
	[ "$(sem_value "$K1")" = 1 ]
}

@test "without the lock the same counter detects lost updates" {
	# `sem run --up` never waits: a fake lock, the same processes and
	# commands as above with no mutual exclusion.
	# 24 x 10 is enough to see updates lost, in a quarter of the time.
	"$SYSVCTL" sem create "$K1" -v 0 >/dev/null
	run run_counter 24 10 "$SYSVCTL" sem run "$K1" --up --
	assert_success
	[ ! -s "$BATS_TEST_TMPDIR/errors" ] || { cat "$BATS_TEST_TMPDIR/errors"; false; }
	echo "# unlocked counter: $output of 240"
	[ "$output" -lt 240 ]
	[ "$output" -gt 0 ]
	[ "$(sem_value "$K1")" = 0 ]
}

# The critical section of the race tests: mkdir is atomic, so a second
# process inside at the same time finds the directory there.
write_section() {
	cat > "$BATS_TEST_TMPDIR/section" <<'EOF'
#!/bin/sh
dir=$1
if mkdir "$dir/inside" 2>/dev/null; then
	sleep 0.02
	rmdir "$dir/inside"
else
	echo overlap >> "$dir/overlaps"
fi
echo done >> "$dir/completions"
EOF
	chmod +x "$BATS_TEST_TMPDIR/section"
}

# all_waiting_flock PID...: every PID sleeps in the kernel waiting for a
# flock (locks_lock_inode_wait today; older kernels named it
# flock_lock_inode_wait: any *lock_inode_wait).
all_waiting_flock() {
	local pid
	for pid; do
		case $(cat "/proc/$pid/wchan" 2>/dev/null) in
		*lock_inode_wait) ;;
		*) return 1 ;;
		esac
	done
}

# race KEY RUNOPTS...: 40 processes held at a gate (a shared flock), then
# released at once, each running `sem run KEY RUNOPTS -- section`.
race() {
	local key=$1 p pids=() status=0
	shift
	write_section
	: > "$BATS_TEST_TMPDIR/overlaps"
	: > "$BATS_TEST_TMPDIR/completions"
	exec 8> "$BATS_TEST_TMPDIR/gate"
	flock -x 8
	for ((p = 0; p < 40; p++)); do
		flock -s "$BATS_TEST_TMPDIR/gate" \
			"$SYSVCTL" sem run "$key" "$@" -- "$BATS_TEST_TMPDIR/section" "$BATS_TEST_TMPDIR" &
		pids+=("$!")
		track_pid "$!"
	done
	poll_until all_waiting_flock "${pids[@]}"
	flock -u 8
	exec 8>&-
	for p in "${pids[@]}"; do
		wait "$p" || status=$?
	done
	return "$status"
}

@test "40 processes racing sem run --create on a new key never overlap" {
	run race "$K1" --create -t 60
	assert_success
	overlaps=$(wc -l < "$BATS_TEST_TMPDIR/overlaps")
	completions=$(wc -l < "$BATS_TEST_TMPDIR/completions")
	echo "# $overlaps overlaps, $completions completions"
	[ "$overlaps" -eq 0 ]
	[ "$completions" -eq 40 ]
	# One set, initialised once: the lock is free again.
	[ "$(ipcs -s | awk -v k="$K1" 'tolower($1) == k' | wc -l)" -eq 1 ]
	[ "$(sem_value "$K1")" = 1 ]
}

@test "the overlap detector sees overlaps without mutual exclusion" {
	# --up never waits: 40 holders at once.
	run race "$K1" --create --up
	assert_success
	overlaps=$(wc -l < "$BATS_TEST_TMPDIR/overlaps")
	completions=$(wc -l < "$BATS_TEST_TMPDIR/completions")
	echo "# $overlaps overlaps, $completions completions"
	[ "$overlaps" -gt 0 ]
	[ "$completions" -eq 40 ]
	[ "$(sem_value "$K1")" = 0 ]
}

@test "kill -9 of the sem run holder gives the lock back, 10 times" {
	"$SYSVCTL" sem create "$K1" >/dev/null
	for ((i = 1; i <= 10; i++)); do
		"$SYSVCTL" sem run "$K1" -- sleep 1000 &
		holder=$!
		track_pid "$holder"
		poll_until equals 0 sem_value "$K1"
		kill -9 "$holder"
		wait "$holder" 2>/dev/null || true
		[ "$(sem_value "$K1")" = 1 ]
	done
	echo "# 10 holders killed, the value came back to 1 each time"
}

@test "after kill -9 of the holder the next waiter proceeds, 10 times" {
	"$SYSVCTL" sem create "$K1" >/dev/null
	log=$BATS_TEST_TMPDIR/log
	: > "$log"
	"$SYSVCTL" sem run "$K1" -- sleep 1000 &
	holder=$!
	track_pid "$holder"
	poll_until equals 0 sem_value "$K1"
	for ((i = 1; i <= 10; i++)); do
		# The next waiter: it logs when it gets the lock, then holds it.
		"$SYSVCTL" sem run "$K1" -t 60 -- sh -c 'echo "$0" >> "$1"; exec sleep 1000' "$i" "$log" &
		waiter=$!
		track_pid "$waiter"
		poll_until equals 1 sem_ncnt "$K1"
		[ "$(wc -l < "$log")" -eq $((i - 1)) ]
		kill -9 "$holder"
		wait "$holder" 2>/dev/null || true
		poll_until equals "$i" eval 'wc -l < "$log"'
		[ "$(sem_value "$K1")" = 0 ]
		holder=$waiter
	done
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	[ "$(sem_value "$K1")" = 1 ]
	[ "$(seq 1 10)" = "$(cat "$log")" ]
}

@test "kill -9 of sem run --up holders brings the counter back to 0" {
	"$SYSVCTL" sem create "$K1" -v 0 >/dev/null
	for ((round = 1; round <= 4; round++)); do
		pids=()
		for ((i = 1; i <= 3; i++)); do
			"$SYSVCTL" sem run "$K1" --up -- sleep 1000 &
			pids+=("$!")
			track_pid "$!"
		done
		poll_until equals 3 sem_value "$K1"
		# A `sem z` waiter proceeds only when the last holder is gone.
		"$SYSVCTL" sem z "$K1" -t 60 &
		zwaiter=$!
		track_pid "$zwaiter"
		poll_until equals 1 sem_zcnt "$K1"
		for ((i = 0; i < 3; i++)); do
			kill -9 "${pids[i]}"
			wait "${pids[i]}" 2>/dev/null || true
			[ "$(sem_value "$K1")" = $((2 - i)) ]
		done
		wait "$zwaiter"
	done
	echo "# 12 --up holders killed, the counter came back each time"
}

@test "sem run --create --up counter starts at 0 and survives kill -9" {
	"$SYSVCTL" sem run "$K1" --create --up -- sleep 1000 &
	holder=$!
	track_pid "$holder"
	poll_until equals 1 sem_value "$K1"
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	[ "$(sem_value "$K1")" = 0 ]
}

@test "a waiter killed while it waits leaves the lock as it was (130, 143)" {
	"$SYSVCTL" sem create "$K1" -v 0 >/dev/null
	for sig in INT TERM KILL INT TERM KILL; do
		# Background jobs start with SIGINT ignored: perl puts back the
		# default, as in an interactive shell.
		perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' \
			"$SYSVCTL" sem run "$K1" -t 60 -- true &
		waiter=$!
		track_pid "$waiter"
		poll_until equals 1 sem_ncnt "$K1"
		kill -s "$sig" "$waiter"
		status=0
		wait "$waiter" 2>/dev/null || status=$?
		case $sig in
		INT) [ "$status" -eq 130 ] ;;
		TERM) [ "$status" -eq 143 ] ;;
		KILL) [ "$status" -eq 137 ] ;;
		esac
		[ "$(sem_ncnt "$K1")" = 0 ]
		[ "$(sem_value "$K1")" = 0 ]
	done
	# The lock still works: released, it is taken at once.
	"$SYSVCTL" sem release "$K1"
	run "$SYSVCTL" sem run "$K1" --nowait -- echo taken
	assert_success
	assert_output taken
	[ "$(sem_value "$K1")" = 1 ]
}
