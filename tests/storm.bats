#!/usr/bin/env bats
# The signal storm: 200 consumers (mq recv --all or -k, sem acquire -t,
# sem run) killed at random moments with TERM, INT or KILL while counted
# producers feed them, and beside them framed shm writers killed the same
# way while readers check every frame.  Every message is accounted for,
# per receiver (received, named lost, or still queued; only a SIGKILL may
# lose some, at most one batch of 64), every semaphore is back at its
# starting value, and no reader sees a torn frame.

load helpers

# How many consumers, and how many run at once.
STORM_PROCS=200
STORM_PARALLEL=8
STORM_PER_RECEIVER=90
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
		# Receiver N takes only type N+1, which its own producer sends
		# slowly while it runs: what it lost is known exactly.  --all, or (two
		# times in three) -k with a wait for more, which is still taking
		# messages when the signal comes.
		local type=$((n + 1)) how=(-k 100000 -t 0.5)
		[ $((n / 9 % 3)) = 1 ] && how=(--all)
		seq -f "$type.%05g" 1 "$STORM_PER_RECEIVER" > "$dir/$n.sent"
		(
			rc=0
			# A line every millisecond or so: the signal lands while
			# messages flow.
			perl -ne '$| = 1; print; select(undef, undef, undef, 0.001)' "$dir/$n.sent" |
				"$SYSVCTL" mq send "$K1" -T "$type" --lines || rc=$?
			echo "$rc" > "$dir/$n.sendrc"
		) &
		track_pid "$!"
		env --default-signal=INT "$SYSVCTL" mq recv "$K1" -T "$type" "${how[@]}" -l \
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

# named_lost FILE: how many messages the receiver whose stderr is FILE
# named as lost.
named_lost() {
	if grep -q 'the message of type .* is lost' "$1"; then
		echo 1
	elif grep -q 'messages were taken off' "$1"; then
		grep -o '[0-9]* messages were taken off' "$1" | cut -d' ' -f1
	else
		echo 0
	fi
}

# start_framed_storm DIR SECONDS: framed shm writers killed at random by
# TERM, INT and KILL, and readers that check every frame (tests/framed.py),
# on segment K3 in the background; its counts go to DIR/framed.out and its
# status to DIR/framed.rc.
start_framed_storm() {
	local dir=$1 seconds=$2
	sysvctl shm create "$K3" -s 2M > /dev/null
	uniform_file a 1048577 "$dir/a"
	uniform_file b 524291 "$dir/b"
	uniform_file c 1572869 "$dir/c"
	sysvctl shm write "$K3" --framed < "$dir/a"
	(
		rc=0
		python3 "$BATS_TEST_DIRNAME/framed.py" storm "$K3" "$seconds" "$SYSVCTL" \
			"$dir/a" "$dir/b" "$dir/c" > "$dir/framed.out" 2>&1 || rc=$?
		echo "$rc" > "$dir/framed.rc"
	) &
	framed_pid=$!
	track_pid "$framed_pid"
}

# account_receiver N DIR: once receiver N and its producer are done, take
# what is left of its type and check it: a receiver stopped by TERM or INT
# loses nothing, one stopped by KILL at most one batch (64 messages); no
# line torn, none twice, none made up.  Adds to the totals.
account_receiver() {
	local n=$1 dir=$2 type=$(($1 + 1)) r l m x
	poll_until test -s "$dir/$n.sendrc"
	[ "$(cat "$dir/$n.sendrc")" = 0 ] || bad+=("$n: mq send exit $(cat "$dir/$n.sendrc")")
	sysvctl mq recv "$K1" -T "$type" --all -l > "$dir/$n.left"
	r=$(wc -l < "$dir/$n.out")
	l=$(wc -l < "$dir/$n.left")
	m=$(named_lost "$dir/$n.err")
	x=$((STORM_PER_RECEIVER - r - m - l))
	cat "$dir/$n.out" "$dir/$n.left" | sort > "$dir/$n.got"
	[ -z "$(uniq -d "$dir/$n.got")" ] || bad+=("$n: a message twice")
	[ -z "$(comm -13 "$dir/$n.sent" "$dir/$n.got")" ] || bad+=("$n: a message made up or torn")
	if [ "$(storm_signal "$n")" = KILL ]; then
		killed=$((killed + 1))
		{ [ "$x" -ge 0 ] && [ "$x" -le 64 ]; } || bad+=("$n: KILL, $x lost")
	else
		[ "$x" = 0 ] || bad+=("$n: $(storm_signal "$n"), $x lost ($r written, $m named, $l left)")
	fi
	sent=$((sent + STORM_PER_RECEIVER)) received=$((received + r))
	named=$((named + m)) left=$((left + l)) lost=$((lost + x))
}

@test "signal storm: every message accounted for per receiver, every semaphore back at its start, no torn frame" {
	local dir=$BATS_TEST_TMPDIR framed_pid
	local sent=0 received=0 named=0 left=0 killed=0 lost=0 bad=()
	sysvctl mq create "$K1"
	sysvctl sem create "$K2" -v "$STORM_UNITS"
	start_framed_storm "$dir" 10
	local running=() receivers=() n
	for ((n = 0; n < STORM_PROCS; n++)); do
		start_consumer "$n" "$dir"
		track_pid "$consumer_pid"
		kill_consumer "$n" "$consumer_pid" &
		running+=("$consumer_pid" "$!")
		[ $((n % 3)) = 0 ] && receivers+=("$n")
		if [ ${#running[@]} -ge $((STORM_PARALLEL * 2)) ] || [ $((n + 1)) = "$STORM_PROCS" ]; then
			wait "${running[@]}" 2>/dev/null || true
			running=()
			for r in "${receivers[@]}"; do
				account_receiver "$r" "$dir"
			done
			receivers=()
		fi
	done
	echo "# storm: mq: $sent sent: $received received, $named named lost," \
		"$left still queued, $lost lost to SIGKILL ($killed receivers SIGKILLed)" >&3
	[ ${#bad[@]} = 0 ] || { printf '%s\n' "${bad[@]}" >&2; false; }
	# The queue is empty: every message was someone's.
	[ "$(sysvctl mq stat "$K1" -o MESSAGES --noheadings)" = 0 ]
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
	# The framed storm: no torn frame, no error.
	wait "$framed_pid" || true
	echo "# storm: shm --framed: $(cat "$dir/framed.out")" >&3
	[ "$(cat "$dir/framed.rc")" = 0 ]
	grep -q ' torn=0 errors=0$' "$dir/framed.out"
}
