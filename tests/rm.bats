#!/usr/bin/env bats
# sysvctl rm: by REF and by filter, its lines, messages and exit codes.
# Other suites run at the same time: removals by filter are either dry
# runs or limited with --owner to a uid only this test uses.

load helpers


# Make an object of KIND with KEY that nothing holds, owned by uid OWNER
# (default root); print its id.
mk() {
	py '
kind, key, owner = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
if kind == "shm":
    o = sysv_ipc.SharedMemory(key, sysv_ipc.IPC_CREX, size=4096)
    o.detach()
elif kind == "sem":
    o = sysv_ipc.Semaphore(key, sysv_ipc.IPC_CREX, initial_value=1)
else:
    o = sysv_ipc.MessageQueue(key, sysv_ipc.IPC_CREX)
if owner:
    o.uid = owner
print(o.id)' "$1" "$2" "${3:-0}"
}

# Whether an object of KIND with KEY exists.
exists() {
	[ -n "$(ipcs_id "$1" "$2")" ]
}

# Whether none does.  A function, because a bare "! exists" mid-test is
# ignored by errexit and could never fail.
absent() {
	[ -z "$(ipcs_id "$1" "$2")" ]
}

setup() {
	common_setup
	# A uid no other test uses: filters limited to it touch only ours.
	OWNER=$((70000 + RANDOM))
}

@test "rm KEY removes the object of every kind with that key" {
	shm=$(mk shm "$K1")
	sem=$(mk sem "$K1")
	mq=$(mk mq "$K1")
	run --separate-stderr sysvctl rm "$K1"
	assert_success
	assert_output "shm $K1 $shm
sem $K1 $sem
mq $K1 $mq"
	[ -z "$stderr" ]
	absent shm "$K1"
	absent sem "$K1"
	absent mq "$K1"
}

@test "rm KIND KEY removes only that kind" {
	mk shm "$K1" >/dev/null
	sem=$(mk sem "$K1")
	run sysvctl rm sem "$K1"
	assert_success
	assert_output "sem $K1 $sem"
	exists shm "$K1"
	absent sem "$K1"
}

@test "rm takes every REF form" {
	a=$(mk mq "$K1")
	b=$(mk mq "$K2")
	track_key "$(sysvctl key name:sysvctl-rm-test-$$)"
	c=$(mk mq "$(sysvctl key name:sysvctl-rm-test-$$)")
	run sysvctl rm mq "id:$a" "$((K2))" "name:sysvctl-rm-test-$$"
	assert_success
	assert_output "mq $K1 $a
mq $K2 $b
mq $(sysvctl key name:sysvctl-rm-test-$$) $c"
}

@test "a REF that names nothing is exit 3; the others are still removed" {
	shm=$(mk shm "$K1")
	run --separate-stderr sysvctl rm "$K1" "$K2"
	assert_failure 3
	assert_output "shm $K1 $shm"
	[ "$stderr" = "sysvctl: $K2: no shm, sem or mq has this key" ]
	absent shm "$K1"
	run --separate-stderr sysvctl rm sem "$K2"
	assert_failure 3
	[ "$stderr" = "sysvctl: sem $K2: no such semaphore set" ]
	run --separate-stderr sysvctl rm shm mq "$K2"
	[ "$stderr" = "sysvctl: $K2: no shm or mq has this key" ]
	run --separate-stderr sysvctl rm path:/no/such/file
	assert_failure 3
	[ "$stderr" = "sysvctl: /no/such/file: No such file or directory
hint: ftok needs an existing file or directory; every process must name the same one" ]
}

@test "-f makes a REF that names nothing no error" {
	mq=$(mk mq "$K1")
	run --separate-stderr sysvctl rm -f "$K2" "$K1" path:/no/such/file
	assert_success
	assert_output "mq $K1 $mq"
	[ -z "$stderr" ]
	run --separate-stderr sysvctl rm --force "$K2"
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
}

@test "every argument is checked before anything is removed" {
	mk shm "$K1" >/dev/null
	run sysvctl rm "$K1" bogus
	assert_failure 2
	assert_output "sysvctl: bogus: not a REF (KEY from 1 to 0xffffffff, id:ID, path:PATH[:PROJ], name:TEXT, /NAME)"
	exists shm "$K1"
	run sysvctl rm "$K1" --older-than soon
	assert_failure 2
	run sysvctl rm "$K1" --owner no-such-user-here
	assert_failure 2
	run sysvctl rm "$K1" --frob
	assert_failure 2
	run sysvctl rm "$K1" 0
	assert_failure 2
	exists shm "$K1"
}

@test "--all needs a kind named" {
	mk shm "$K1" >/dev/null
	run sysvctl rm --all
	assert_failure 2
	assert_output "sysvctl: rm: --all needs a kind: rm shm --all, rm shm sem mq --all (see 'sysvctl rm --help')"
	run sysvctl rm --all --dry-run "$K1"
	assert_failure 2
	exists shm "$K1"
}

@test "rm with nothing to remove is exit 2" {
	run sysvctl rm
	assert_failure 2
	assert_output "sysvctl: rm: nothing to remove: name REFs, a filter or --all (see 'sysvctl rm --help')"
	run sysvctl rm shm sem
	assert_failure 2
}

@test "id:ID needs exactly one kind" {
	id=$(mk sem "$K1")
	run sysvctl rm "id:$id"
	assert_failure 2
	assert_output "sysvctl: rm: id:ID names an object of one kind: name exactly one kind (rm shm id:ID) (see 'sysvctl rm --help')"
	run sysvctl rm shm sem "id:$id"
	assert_failure 2
	exists sem "$K1"
	run sysvctl rm sem "id:$id"
	assert_success
	assert_output "sem $K1 $id"
}

@test "--dry-run prints the same lines and removes nothing" {
	shm=$(mk shm "$K1" "$OWNER")
	mq=$(mk mq "$K2" "$OWNER")
	run sysvctl rm -n "$K1"
	assert_success
	assert_output "shm $K1 $shm"
	run sysvctl rm shm mq --all --owner "$OWNER" --dry-run
	assert_success
	assert_output "shm $K1 $shm
mq $K2 $mq"
	exists shm "$K1"
	exists mq "$K2"
	run sysvctl rm shm mq --all --owner "$OWNER"
	assert_output "shm $K1 $shm
mq $K2 $mq"
	absent shm "$K1"
	absent mq "$K2"
}

@test "--all with --owner removes that owner's objects of the kinds named" {
	shm=$(mk shm "$K1" "$OWNER")
	sem=$(mk sem "$K2" "$OWNER")
	mk sem "$K3" >/dev/null
	run sysvctl rm sem --all --owner "$OWNER"
	assert_success
	assert_output "sem $K2 $sem"
	exists shm "$K1"
	exists sem "$K3"
}

@test "--orphans removes orphans only" {
	dead=$(mk mq "$K1" "$OWNER")
	/usr/bin/python3 -c 'import sysv_ipc, sys, time
q = sysv_ipc.MessageQueue(int(sys.argv[1], 0), sysv_ipc.IPC_CREX)
q.uid = int(sys.argv[2])
q.send(b"x")
print(q.id, flush=True)
time.sleep(120)' "$K2" "$OWNER" > "$BATS_TEST_TMPDIR/live" &
	track_pid $!
	poll_until test -s "$BATS_TEST_TMPDIR/live"
	run sysvctl rm --orphans --owner "$OWNER"
	assert_success
	assert_output "mq $K1 $dead"
	exists mq "$K2"
	# Without a kind named every kind is searched; --orphans alone is
	# allowed (only --all needs a kind): a dry run over all of them.
	run sysvctl rm --orphans -n
	assert_success
	[[ "$output" != *"$K2"* ]]
}

@test "--older-than removes what has been idle long enough" {
	mq=$(mk mq "$K1" "$OWNER")
	run sysvctl rm mq --older-than 1h --owner "$OWNER"
	assert_success
	assert_output ""
	# Times are whole seconds: made in second S, surely 2 s old at S + 3.
	sleep 3.1
	run sysvctl rm mq --older-than 2s --owner "$OWNER"
	assert_success
	assert_output "mq $K1 $mq"
}

@test "a REF and a filter both naming an object remove it once" {
	mq=$(mk mq "$K1" "$OWNER")
	run sysvctl rm "$K1" mq --owner "$OWNER"
	assert_success
	assert_output "mq $K1 $mq"
}

@test "what may not be removed is reported, the rest removed, exit 4" {
	mine=$(mk shm "$K1")
	theirs=$(as_nobody /usr/bin/python3 -c 'import sysv_ipc, sys; m = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=4096, mode=0o666); m.detach(); print(m.id)' "$K2")
	track_id shm "$theirs"
	run --separate-stderr as_nobody "$SYSVCTL" rm "$K1" "$K2"
	assert_failure 4
	assert_output "shm $K2 $theirs"
	[ "$stderr" = "sysvctl: shm $K1 (id $mine): Operation not permitted
hint: only the owner, the creator or root may remove it" ]
	exists shm "$K1"
	absent shm "$K2"
}

@test "an attached segment is marked for removal, with a warning" {
	/usr/bin/python3 -c 'import sysv_ipc, sys, time
m = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=4096)
print(m.id, flush=True)
time.sleep(120)' "$K1" > "$BATS_TEST_TMPDIR/held" &
	track_pid $!
	poll_until test -s "$BATS_TEST_TMPDIR/held"
	id=$(cat "$BATS_TEST_TMPDIR/held")
	track_id shm "$id"
	run --separate-stderr sysvctl rm "$K1"
	assert_success
	assert_output "shm $K1 $id"
	[ "$stderr" = "sysvctl: warning: shm $K1 (id $id): marked for removal; still attached 1 time, it goes when the last attachment is detached" ]
	run --separate-stderr sysvctl -q rm shm "id:$id"
	assert_success
	[ -z "$stderr" ]
	run sysvctl ls shm --key "id:$id" -o STATUS --noheadings
	assert_output "dest"
}

@test "--json lists what was removed" {
	sem=$(mk sem "$K1")
	run sysvctl rm "$K1" --json -n
	assert_success
	[ "$(jq -c . <<<"$output")" = "{\"removed\":[{\"kind\":\"sem\",\"key\":$((K1)),\"id\":$sem}]}" ]
	run sysvctl rm "$K2" -f -j
	[ "$(jq -c . <<<"$output")" = '{"removed":[]}' ]
}

@test "--ns removes in another IPC namespace" {
	start_ipc_ns
	pid=$NS_PID
	id=$(nsenter -t "$pid" --ipc ipcmk -Q | grep -o '[0-9]*$')
	key=$(nsenter -t "$pid" --ipc ipcs -q | awk -v id="$id" '$2 == id { print $1 }')
	run sysvctl -N "$pid" rm mq --all
	assert_success
	assert_output "mq $key $id"
	[ -z "$(nsenter -t "$pid" --ipc ipcs -q | awk '/^0x/')" ]
}

# Give the object of KIND with KEY to uid OWNER.
chown_obj() {
	py '
kind, key = sys.argv[1], int(sys.argv[2], 0)
o = sysv_ipc.Semaphore(key) if kind == "sem" else sysv_ipc.MessageQueue(key)
o.uid = int(sys.argv[3])' "$1" "$2" "$OWNER"
}

@test "bulk removal keeps a queue that holds messages unless --with-messages" {
	mq=$(mk mq "$K1" "$OWNER")
	sysvctl mq send "$K1" one
	sysvctl mq send "$K1" two
	empty=$(mk mq "$K2" "$OWNER")
	skipped="sysvctl: warning: mq $K1 (id $mq): not removed: it holds 2 messages (--with-messages removes it too)"
	for filter in --orphans "" --all; do
		# shellcheck disable=SC2086
		run --separate-stderr sysvctl rm mq $filter --owner "$OWNER" -n
		assert_success
		assert_output "mq $K2 $empty"
		[ "$stderr" = "$skipped" ]
	done
	run --separate-stderr sysvctl rm mq --orphans --owner "$OWNER"
	assert_success
	assert_output "mq $K2 $empty"
	[ "$stderr" = "$skipped" ]
	[ "$(sysvctl mq recv "$K1")" = one ]
	run --separate-stderr sysvctl -q rm mq --all --owner "$OWNER"
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
	run --separate-stderr sysvctl rm mq --orphans --owner "$OWNER" --with-messages
	assert_success
	assert_output "mq $K1 $mq"
	[ -z "$stderr" ]
	# A queue named by REF goes with its messages: the user asked for it.
	named=$(mk mq "$K3")
	sysvctl mq send "$K3" one
	run --separate-stderr sysvctl rm "$K3"
	assert_success
	assert_output "mq $K3 $named"
	[ -z "$stderr" ]
	run exists mq "$K3"
	assert_failure
}

# no_orphan_mq KEY: ls --orphans does not list the queue KEY now.
no_orphan_mq() {
	[ -z "$(sysvctl ls mq --orphans --key "$1" -o ID --noheadings)" ]
}

@test "rm --orphans leaves a held set and a queue a worker waits on" {
	"$SYSVCTL" sem run "$K1" -u -c -- sleep 60 >/dev/null &
	track_pid $!
	poll_until sem_value_is "$K1" 1
	chown_obj sem "$K1"
	sysvctl sem run "$K1" -u -- true
	sysvctl mq create "$K2" >/dev/null
	chown_obj mq "$K2"
	"$SYSVCTL" mq recv "$K2" -t 10m > "$BATS_TEST_TMPDIR/got" 2>/dev/null &
	worker=$!
	track_pid "$worker"
	# An orphan until the worker blocks in msgrcv.
	poll_until no_orphan_mq "$K2"
	run sysvctl rm --orphans --owner "$OWNER"
	assert_success
	assert_output ""
	exists sem "$K1"
	sysvctl mq send "$K2" hello
	wait "$worker"
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = hello ]
}

# removed_some_and_waits PID BEFORE: PID sleeps (in write(2)) and fewer
# than BEFORE queues are left.
removed_some_and_waits() {
	state_is "$1" S && [ "$(wc -l < /proc/sysvipc/msg)" -lt "$2" ]
}

@test "SIGTERM stops rm between two objects; every object removed is printed" {
	total=5000
	py '
for _ in range(int(sys.argv[2])):
    q = sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX)
    q.uid = int(sys.argv[1])' "$OWNER" "$total"
	before=$(wc -l < /proc/sysvipc/msg)
	# Its lines go into a pipe nobody reads yet: once the pipe is full,
	# rm waits in write(2) with some objects removed; SIGTERM comes then.
	mkfifo "$BATS_TEST_TMPDIR/lines"
	"$SYSVCTL" rm mq --all --owner "$OWNER" > "$BATS_TEST_TMPDIR/lines" &
	rm_pid=$!
	track_pid "$rm_pid"
	exec 8< "$BATS_TEST_TMPDIR/lines"
	poll_until removed_some_and_waits "$rm_pid" "$before"
	kill -TERM "$rm_pid"
	cat <&8 > "$BATS_TEST_TMPDIR/out"
	exec 8<&-
	status=0
	wait "$rm_pid" || status=$?
	printed=$(wc -l < "$BATS_TEST_TMPDIR/out")
	left=$(sysvctl ls mq --owner "$OWNER" -o ID --noheadings | wc -l)
	# Clean up before asserting: the queues are private, not tracked.
	sysvctl rm mq --all --owner "$OWNER" >/dev/null
	echo "status $status, printed $printed, left $left"
	[ "$status" = 143 ]
	[ "$left" -gt 0 ]
	[ $((printed + left)) = "$total" ]
}
