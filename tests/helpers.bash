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
