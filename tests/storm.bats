#!/usr/bin/env bats
# The signal storm: 200 consumers (mq recv --all or -k, sem acquire -t,
# sem run)
# killed at random moments with TERM, INT or KILL while counted producers
# feed them.  Every message is accounted for (received, named lost, or
# still queued; only a SIGKILL may lose some, at most one batch of 64),
# and every semaphore is back at its starting value.

load helpers

# How many consumers, and how many run at once.
STORM_PROCS=200
STORM_PARALLEL=8
STORM_MESSAGES=6000
STORM_UNITS=2

# storm_signal N: the signal for consumer N: each kind of consumer gets
# TERM, INT and KILL in turn.
storm_signal() {
	case $(($1 / 3 % 3)) in
	0) echo TERM ;;
	1) echo INT ;;
	2) echo KILL ;;
	esac
}

# start_consumer N DIR: consumer N in the background, its stdout and
# stderr in DIR/N.out and DIR/N.err, its pid in $consumer_pid.  By turns:
# mq recv --all on K1; sem acquire on K2 (its holder gives the unit back
# when it got it); sem run on K2 (SEM_UNDO gives it back).  SIGINT is
# given its default action back (a background job of a script has it
# ignored).  sem acquire takes no SIGKILL: without SEM_UNDO a unit taken
# by a process killed that way is gone for good, by design.
start_consumer() {
	local n=$1 dir=$2
	case $((n % 3)) in
	0)
		# --all, or -k with a wait for more: the latter is still
		# taking messages when the signal comes.
		local how=(--all)
		[ $((n / 9 % 2)) = 1 ] && how=(-k 100000 -t 0.5)
		env --default-signal=INT "$SYSVCTL" mq recv "$K1" "${how[@]}" -l \
			> "$dir/$n.out" 2> "$dir/$n.err" &
		;;
	1)
		(
			rc=0
			env --default-signal=INT "$SYSVCTL" sem acquire "$K2" -t 0.2 \
				2> "$dir/$n.err" || rc=$?
			echo "$rc" > "$dir/$n.rc"
			if [ "$rc" = 0 ]; then
				sleep 0.05
				"$SYSVCTL" sem release "$K2"
			fi
		) &
		;;
	2)
		env --default-signal=INT "$SYSVCTL" sem run "$K2" -t 0.2 -- sleep 0.1 \
			2> "$dir/$n.err" &
		;;
	esac
	consumer_pid=$!
}

# kill_consumer N PID: after 0 to 40 ms, the signal of turn N (sem acquire:
# its holder's process is a subshell, so the signal goes to the sysvctl
# inside it, TERM or INT only).
kill_consumer() {
	local n=$1 pid=$2 sig target
	sig=$(storm_signal "$n")
	sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
	target=$pid
	if [ $((n % 3)) = 1 ]; then
		target=$(pgrep -P "$pid" -f 'sem acquire' || true)
		[ "$sig" = KILL ] && sig=TERM
	fi
	[ -n "$target" ] && kill -"$sig" "$target" 2>/dev/null || true
}

# The framed-shm part of the storm (shm write --framed writers killed at
# random, readers that must never see a torn frame) is added by the
# framed-shm work: MERGE: call it from the storm test below.
storm_shm_framed() {
	:
}

@test "signal storm: every message accounted for, every semaphore back at its start" {
	local dir=$BATS_TEST_TMPDIR
	sysvctl mq create "$K1"
	sysvctl sem create "$K2" -v "$STORM_UNITS"
	# Counted producers: three, each its own numbers, whole lines.
	for p in 1 2 3; do
		seq -f "$p%05g" 1 $((STORM_MESSAGES / 3)) > "$dir/producer.$p"
		(
			rc=0
			"$SYSVCTL" mq send "$K1" --lines < "$dir/producer.$p" || rc=$?
			echo "$rc" > "$dir/producer.$p.status"
		) &
		track_pid "$!"
	done
	local running=() n pid recv_killed=0
	for ((n = 0; n < STORM_PROCS; n++)); do
		[ $((n % 3)) = 0 ] && [ "$(storm_signal "$n")" = KILL ] &&
			recv_killed=$((recv_killed + 1))
		start_consumer "$n" "$dir"
		track_pid "$consumer_pid"
		kill_consumer "$n" "$consumer_pid" &
		running+=("$consumer_pid" "$!")
		if [ ${#running[@]} -ge $((STORM_PARALLEL * 2)) ]; then
			wait "${running[@]}" 2>/dev/null || true
			running=()
		fi
	done
	wait "${running[@]}" 2>/dev/null || true
	# The producers may wait for room: take what is left until they are
	# done, then what they sent last.
	: > "$dir/left.out"
	while pgrep -f "mq send $K1 --lines" > /dev/null; do
		sysvctl mq recv "$K1" --all -l >> "$dir/left.out"
		sleep 0.05
	done
	# Every producer sent all its lines (bash forgets the status of old
	# background jobs: each wrote its own).
	for p in 1 2 3; do
		[ "$(cat "$dir/producer.$p.status")" = 0 ]
	done
	sysvctl mq recv "$K1" --all -l >> "$dir/left.out"
	storm_shm_framed
	cat "$dir"/*.out > "$dir/all"
	local received left named lost_to_kill
	left=$(wc -l < "$dir/left.out")
	received=$(($(wc -l < "$dir/all") - left))
	named=0
	for f in "$dir"/*.err; do
		if grep -q 'the message of type .* is lost' "$f"; then
			named=$((named + 1))
		elif grep -q 'messages were taken off' "$f"; then
			named=$((named + $(grep -o '[0-9]* messages were taken off' "$f" | cut -d' ' -f1)))
		fi
	done
	lost_to_kill=$((STORM_MESSAGES - received - named - left))
	echo "# storm: $STORM_MESSAGES sent: $received received, $named named lost," \
		"$left still queued, $lost_to_kill lost to SIGKILL (at most 64 each of" \
		"$recv_killed SIGKILLed mq recv)" >&3
	# No line torn, none twice, none made up.
	run grep -cvE '^[123][0-9]{5}$' "$dir/all"
	[ "$output" = 0 ]
	[ -z "$(sort "$dir/all" | uniq -d)" ]
	[ "$lost_to_kill" -ge 0 ] && [ "$lost_to_kill" -le $((64 * recv_killed)) ]
	# Every semaphore back where it started: units given back by the
	# holders, by SEM_UNDO, or never taken.
	local acquired=0 stopped=0
	for f in "$dir"/*.rc; do
		case $(cat "$f") in
		0) acquired=$((acquired + 1)) ;;
		6) ;;
		*) stopped=$((stopped + 1)) ;;
		esac
	done
	echo "# storm: sem acquire: $acquired took a unit, $stopped stopped by a signal;" \
		"value $(sysvctl sem get "$K2") of $STORM_UNITS" >&3
	[ "$(sysvctl sem get "$K2")" = "$STORM_UNITS" ]
}
