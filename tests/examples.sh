#!/usr/bin/env bash
# examples.sh FILE SANDBOX: run every example of FILE (README.md or a man
# page) in order, in SANDBOX as the current directory, each block in its
# own bash -e -o pipefail; print each failing block with its output and
# exit 1 if any failed.  Run it in a private IPC namespace: the examples
# make and remove objects (rm --all among them).
set -u
file=$(realpath "$1") sandbox=$2
here=$(cd "$(dirname "$0")" && pwd)
SYSVCTL=$(realpath "${SYSVCTL:?}")
export SYSVCTL

mkdir -p "$sandbox/in" "$sandbox/opt" && cd "$sandbox" || exit 1

# The scripts and files the examples name.
for job in deploy.sh train.sh part.sh report.sh step1 step2 opt/part1 opt/part2 opt/report; do
	case $job in
	*part*) pause=1 ;;      # long enough for a z to wait on it
	*) pause=0 ;;
	esac
	printf '#!/bin/sh\nsleep %s\necho "%s" >> ran.txt\n' "$pause" "$job" > "$job"
	chmod +x "$job"
done
head -c 65536 /dev/urandom > big.bin
head -c 100000 /dev/urandom > data.bin
: > myapp
for n in 1 2 3; do echo "job $n" > "in/file$n"; done

cat > prelude.sh <<'PRELUDE'
sysvctl() { "$SYSVCTL" "$@"; }
pidof() { echo "$$"; }                  # "myservice": this shell
process() { printf '%s\n' "$1" >> processed.txt; }
json='{"build": 42}'
state='ready'
# Wait until background job PID runs its COMMAND (or has ended).
settle() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" != "$(readlink -f "$SYSVCTL")" ] && return 0
		sleep 0.02
	done
	return 1
}
PRELUDE
{
	echo "PRIVATE_SEM=$("$SYSVCTL" sem create private)"
} >> prelude.sh
# What the examples expect to exist already: a C program's framed record,
# an event queue with types 1 to 3, the queue of the typed replies.
"$SYSVCTL" shm write path:./myapp:1 --create --framed 'state of myapp' || exit 1
"$SYSVCTL" mq create name:rpc >/dev/null || exit 1
for type in 3 1 2; do
	"$SYSVCTL" mq send name:events --create -T "$type" "event $type" || exit 1
done

failed=0 n=0
while IFS= read -r -d '' block; do
	n=$((n + 1))
	out=$(SYSVCTL=$SYSVCTL bash -e -o pipefail -c "source ./prelude.sh
$block" 2>&1)
	status=$?
	if [ "$status" -ne 0 ]; then
		failed=1
		printf '# %s example %d exited %d:\n%s\n# its output:\n%s\n' \
			"${file##*/}" "$n" "$status" "$(sed 's/^/#   /' <<<"$block")" \
			"$(sed 's/^/#   /' <<<"$out")"
	fi
done < <(python3 "$here/examples.py" "$file")
[ "$n" -gt 0 ] || { echo "# no example found in $file"; exit 1; }
echo "ran $n examples of ${file##*/}"
exit "$failed"
