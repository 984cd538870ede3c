# Shared by every tests/*.bats: the binary under test, per-test keys, and a
# teardown that removes every object a test may have made with ipcrm (never
# with sysvctl, so cleanup works even when sysvctl is broken).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

SYSVCTL=${SYSVCTL:-$BATS_TEST_DIRNAME/../build/sysvctl}

sysvctl() {
	"$SYSVCTL" "$@"
}

# The Python with sysv_ipc (the system's, not a virtualenv's).
PY=/usr/bin/python3

# py CODE ARGS...: Python with sys, os, time, struct and sysv_ipc imported;
# the arguments are in sys.argv[1:], keys given as 0x... text.
py() {
	local code=$1
	shift
	"$PY" -c "import sys, os, time, struct, sysv_ipc
$code" "$@"
}

# fresh_key, shared with tests/valgrind.sh.
source "$BATS_TEST_DIRNAME/keys.bash"

# Every test gets K1..K4, distinct and unused; teardown removes whatever
# uses them, and every id given to track_id.
common_setup() {
	K1=$(fresh_key)
	K2=$(fresh_key)
	K3=$(fresh_key)
	K4=$(fresh_key)
	TRACKED_KEYS=("$K1" "$K2" "$K3" "$K4")
	TRACKED_IDS=()
	BACKGROUND_PIDS=()
}

# Remember a key to remove at teardown (a name: or path: key, say).
track_key() {
	TRACKED_KEYS+=("$1")
}

# Remember an object by kind (shm, sem, mq) and id to remove at teardown.
track_id() {
	TRACKED_IDS+=("$1:$2")
}

# Remember a background process to kill at teardown.
track_pid() {
	BACKGROUND_PIDS+=("$1")
}

common_teardown() {
	local pid key entry
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for key in "${TRACKED_KEYS[@]}"; do
		ipcrm -M "$key" 2>/dev/null || true
		ipcrm -S "$key" 2>/dev/null || true
		ipcrm -Q "$key" 2>/dev/null || true
	done
	for entry in "${TRACKED_IDS[@]}"; do
		case "$entry" in
		shm:*) ipcrm -m "${entry#shm:}" 2>/dev/null || true ;;
		sem:*) ipcrm -s "${entry#sem:}" 2>/dev/null || true ;;
		mq:*)  ipcrm -q "${entry#mq:}" 2>/dev/null || true ;;
		esac
	done
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# The id of the object of KIND (shm, sem, mq) with KEY, from ipcs; empty
# when there is none.
ipcs_id() {
	local flag
	case "$1" in shm) flag=-m ;; sem) flag=-s ;; mq) flag=-q ;; esac
	ipcs "$flag" | awk -v k="$2" 'tolower($1) == tolower(k) { print $2 }'
}

# Run a command as the unprivileged user nobody.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# Run CONDITION (a command and its arguments) every 20 ms until it holds;
# fail after 20 s.  Tests synchronise on a state, never on a sleep.
poll_until() {
	local i
	for ((i = 0; i < 1000; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	echo "# timed out waiting for: $*" >&3
	return 1
}

# sem_value_is REF VALUE [sem get options]: the semaphore holds VALUE now,
# for poll_until (which must re-read it each time, never get it expanded
# once by the caller's shell).
sem_value_is() {
	[ "$(sysvctl sem get "$1" "${@:3}")" = "$2" ]
}

# alrm_blocked CMD...: run CMD with SIGALRM blocked, as a caller may
# leave it (the mask is inherited across exec); at most 20 s.
alrm_blocked() {
	timeout 20 "$PY" -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

# sem_column_is REF COLUMN VALUE: semaphore 0 of REF shows VALUE in the
# COLUMN (ncnt, zcnt, value...) of sem stat now, for poll_until.
sem_column_is() {
	[ "$(sysvctl sem stat "$1" -o "$2" --noheadings --raw 2>/dev/null)" = "$3" ]
}

# state_is PID STATE: the state letter of PID (S, T, R...) is STATE now.
state_is() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" = "$2" ]
}

# has_exited PID: PID has ended (a zombie waiting for its parent, or gone).
has_exited() {
	[ ! -e "/proc/$1" ] || state_is "$1" Z
}

# blocked_in PID FUNCTION: PID sleeps in the kernel in FUNCTION (its
# wchan: do_msgsnd, do_msgrcv...), for poll_until.
blocked_in() {
	[ "$(cat "/proc/$1/wchan" 2>/dev/null)" = "$2" ]
}

# Whether PID sleeps in semop/semtimedop (the kernel function's name
# changed across versions: do_semtimedop, __do_semtimedop).
blocked_in_semop() {
	case $(cat "/proc/$1/wchan" 2>/dev/null) in
	*do_semtimedop) return 0 ;;
	*) return 1 ;;
	esac
}

# Skip the test where a mount namespace can't be made: unshare --mount
# (and --mount-proc) makes every mount private first, which fails where
# mount propagation can't be changed (a chroot, some containers).
needs_mount_ns() {
	unshare --mount true 2>/dev/null ||
		skip "unshare --mount fails here: mount propagation can't be changed (a chroot?)"
}

# Start a process in an IPC namespace of its own, tracked for teardown;
# its pid in NS_PID once it is inside that namespace.
start_ipc_ns() {
	unshare --ipc sleep 300 &
	NS_PID=$!
	track_pid "$NS_PID"
	poll_until in_other_ipc_ns "$NS_PID"
}

in_other_ipc_ns() {
	[ "$(readlink "/proc/$1/ns/ipc" 2>/dev/null)" != "$(readlink /proc/self/ns/ipc)" ] &&
		[ -n "$(readlink "/proc/$1/ns/ipc" 2>/dev/null)" ]
}

# uniform_file BYTE COUNT FILE: a file of COUNT bytes, each BYTE (one character): a frame a reader can
# recognise whole by its length and its one byte.
uniform_file() {
	head -c "$2" /dev/zero | tr '\0' "$1" >"$3"
}

# The progress line: "\r<verb> <done> of <total> (<pct>%), <rate>/s", the
# last one ended with a newline (and, on a terminal, an erase to its end);
# run drops that newline from $output: check it on a file.
progress_re() {
	printf '^(\r%s [0-9.]+ [KMGTPE]?i?B( of [0-9.]+ [KMGTPE]?i?B \\([0-9]+%%\\))?, [0-9.]+ [KMGTPE]?i?B/s%s)*\r%s %s \\(100%%\\), [0-9.]+ [KMGTPE]?i?B/s%s$' \
		"$1" "$3" "$1" "$2" "$3"
}
