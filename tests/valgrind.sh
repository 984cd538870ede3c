#!/usr/bin/env bash
# Valgrind memcheck over representative sysvctl commands: every run must
# end with its expected exit status, 0 memcheck errors and 0 definitely
# lost bytes (--errors-for-leak-kinds=definite makes a definite leak an
# error, and --error-exitcode=99 makes any error exit 99).
# Ends with "valgrind: N runs, F failed, E errors, L definitely lost bytes".
set -u
cd "$(dirname "$0")/.."

# As root, in a private IPC namespace: nothing here can touch other runs.
if [ "$(id -u)" = 0 ] && [ -z "${SYSVCTL_SUITE_NS:-}" ]; then
	exec env SYSVCTL_SUITE_NS=1 unshare --ipc -- "$0" "$@"
fi
: "${SYSVCTL:=$PWD/build/sysvctl}"

VALGRIND=(valgrind --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite --track-fds=no)
log_dir=$(mktemp -d)
runs=0 failures=0 errors=0 lost=0

source "$PWD/tests/keys.bash"

K1=$(fresh_key) K2=$(fresh_key) K3=$(fresh_key)
cleanup() {
	local key
	for key in "$K1" "$K2" "$K3"; do
		ipcrm -M "$key" 2>/dev/null
		ipcrm -S "$key" 2>/dev/null
		ipcrm -Q "$key" 2>/dev/null
	done
	rm -rf "$log_dir"
}
trap cleanup EXIT


# vg EXPECTED_STATUS ARGS... [< input]: one memcheck run.
vg() {
	local expected=$1 status log
	shift
	runs=$((runs + 1))
	log=$log_dir/run$runs
	"${VALGRIND[@]}" --log-file="$log" "$SYSVCTL" "$@" >/dev/null 2>"$log.stderr"
	status=$?
	local n_err n_lost
	n_err=$(awk '/ERROR SUMMARY:/ { s += $4 } END { print s + 0 }' "$log")
	n_lost=$(awk '/definitely lost:/ { gsub(",", "", $4); s += $4 } END { print s + 0 }' "$log")
	errors=$((errors + n_err))
	lost=$((lost + n_lost))
	if [ "$status" -ne "$expected" ] || [ "$n_err" -ne 0 ]; then
		failures=$((failures + 1))
		echo "not ok $runs - sysvctl $* (status $status, expected $expected)"
		grep -v '^==[0-9]*== *$' "$log" "$log.stderr" | sed 's/^/#   /'
	elif [ "$n_lost" -ne 0 ]; then
		failures=$((failures + 1))
		echo "not ok $runs - sysvctl $* ($n_lost bytes definitely lost)"
	else
		echo "ok $runs - sysvctl $* (status $status)"
	fi
}


vg 0 --version
vg 0 --help
vg 0 key name:valgrind
vg 0 key "$K1"
vg 0 key path:tests/keys.bash:7
vg 0 key gen
vg 0 -q ftok tests/keys.bash 3
vg 0 ftok tests/keys.bash
vg 3 ftok /no/such/path
vg 2 key 0x100000000
vg 2 nosuchcommand
vg 0 limits
vg 0 --json limits

vg 0 shm create "$K1" -s 64
vg 0 shm write "$K1" "hello valgrind"
vg 0 shm write "$K1" -o 32 --framed "framed payload"
vg 0 shm read "$K1" -n 14
vg 0 shm read "$K1" -o 32 --framed
vg 0 shm read "$K1" --hex
vg 0 shm stat "$K1"
vg 0 --json shm stat "$K1"
vg 7 shm write "$K1" -o 60 "too long for the end"
vg 2 shm read "$K1" -o 64
vg 5 shm create "$K1"
vg 0 shm create "$K1" -s 128 --exist-ok
vg 0 shm rm "$K1"
vg 3 shm read "$K1"

vg 0 sem create "$K2" -v 2 -n 3
vg 0 sem acquire "$K2"
vg 0 sem release "$K2" -d 2
vg 0 sem get "$K2" -i 0
vg 0 sem set "$K2" 5 -i 2
vg 6 sem acquire "$K2" -i 1 -d 3 --nowait
vg 6 sem acquire "$K2" -i 1 -d 3 -t 0.05
vg 6 sem z "$K2" -i 1 --nowait
vg 0 sem set "$K2" 0 -i 1
vg 0 sem z "$K2" -i 1 -t 1
vg 0 sem stat "$K2"
vg 0 --json sem stat "$K2"
vg 0 sem run "$K2" -- true
vg 0 sem run "$K2" --up -- true
vg 127 sem run "$K2" -- /no/such/command
vg 0 sem rm "$K2"
vg 0 sem run "$K2" --create -- true
vg 0 sem rm "$K2"

vg 0 mq create "$K3"
vg 0 mq send "$K3" "first"
vg 0 mq send "$K3" -T 7 "seventh"
printf 'a\nb\nc\n' > "$log_dir/lines"
vg 0 mq send "$K3" --lines < "$log_dir/lines"
vg 0 mq recv "$K3" -T 7 --print-type
vg 0 --json mq recv "$K3" -k 2
vg 0 mq recv "$K3" --all --lines
vg 6 mq recv "$K3" --nowait
vg 0 mq stat "$K3"
vg 0 --json mq stat "$K3"
vg 0 mq set "$K3" --max-bytes 4096
vg 0 mq rm "$K3"

# Objects for ls and rm to find, made with Python's sysv_ipc so that these
# runs need no other sysvctl command.
/usr/bin/python3 - "$K1" "$K2" "$K3" <<'PYEOF'
import sys, sysv_ipc
k1, k2, k3 = (int(k, 16) for k in sys.argv[1:4])
for make in (lambda: sysv_ipc.SharedMemory(k1, sysv_ipc.IPC_CREAT, 0o600, size=4096).detach(),
             lambda: sysv_ipc.Semaphore(k2, sysv_ipc.IPC_CREAT, 0o600, initial_value=1),
             lambda: sysv_ipc.MessageQueue(k3, sysv_ipc.IPC_CREAT, 0o600)):
    make()
PYEOF

vg 0 ls
vg 0 ls --json
vg 0 ls shm sem -o key,id,mode --raw --noheadings
vg 0 ls --key "$K2"
vg 0 ls --orphans --older-than 1d

vg 0 rm --dry-run "$K1" "$K2" "$K3"
vg 0 rm "$K1" "$K2" "$K3"
vg 3 rm "$K1"
vg 0 rm --force "$K1"

echo "valgrind: $runs runs, $failures failed, $errors errors, $lost definitely lost bytes"
[ "$failures" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$lost" -eq 0 ]
