#!/usr/bin/env bats
# sysvctl ls: kinds, columns, JSON, filters, orphans, namespaces.  Other
# suites run at the same time, so every check looks at this test's own
# keys and ids only.

load helpers


# Make an object with KEY that nothing holds; print its id.
mkshm() { py 'm = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=int(sys.argv[2])); m.detach(); print(m.id)' "$1" "${2:-4096}"; }
mksem() { py 's = sysv_ipc.Semaphore(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, initial_value=1); print(s.id)' "$1"; }
mkmq() { py 'q = sysv_ipc.MessageQueue(int(sys.argv[1], 0), sysv_ipc.IPC_CREX); print(q.id)' "$1"; }

# A background Python that makes an object of KIND with KEY, uses it (shm:
# stays attached; sem: acquires; mq: sends) and lives on.  Sets HOLDER and
# HOLDER_ID.  Further ARGS end its command line.
hold() {
	local out="$BATS_TEST_TMPDIR/hold.$2"
	/usr/bin/python3 -c 'import sysv_ipc, sys, time
kind, key = sys.argv[1], int(sys.argv[2], 0)
if kind == "shm":
    o = sysv_ipc.SharedMemory(key, sysv_ipc.IPC_CREX, size=4096)
elif kind == "sem":
    o = sysv_ipc.Semaphore(key, sysv_ipc.IPC_CREX, initial_value=1)
    o.acquire()
else:
    o = sysv_ipc.MessageQueue(key, sysv_ipc.IPC_CREX)
    o.send(b"x")
print(o.id, flush=True)
time.sleep(120)' "$@" > "$out" &
	HOLDER=$!
	track_pid "$HOLDER"
	poll_until test -s "$out"
	HOLDER_ID=$(cat "$out")
	[ -n "$HOLDER_ID" ]
}

# The ids this test's listing shows for KIND (one a line), filtered by KEYS.
# no_orphans KIND "KEY...": ls --orphans lists none of them now.
no_orphans() {
	[ -z "$(ids_of "$1" "$2" --orphans)" ]
}

ids_of() {
	local kind=$1
	shift
	sysvctl ls "$kind" -o KEY,ID --raw --noheadings "${@:2}" |
		awk -v keys="$1" 'BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 } $1 in want { print $2 }'
}

@test "ls lists every kind with the default columns" {
	shm=$(mkshm "$K1")
	sem=$(mksem "$K2")
	mq=$(mkmq "$K3")
	run sysvctl ls
	assert_success
	assert_line --regexp '^KEY +ID OWNER +MODE +SIZE NATTCH STATUS +CPID +LPID COMMAND$'
	assert_line --regexp '^KEY +ID OWNER +MODE NSEMS OTIME +CTIME$'
	assert_line --regexp '^KEY +ID OWNER +MODE MESSAGES USED-BYTES MAX-BYTES LSPID LRPID STIME RTIME$'
	assert_line --regexp "^$K1 +$shm root +0600 +4K +0 +[0-9]+ +[0-9]+ *$"
	assert_line --regexp "^$K2 +$sem root +0600 +1 +- +[0-9-]+T[0-9:]+[+-][0-9][0-9]:[0-9][0-9]$"
	assert_line --regexp "^$K3 +$mq root +0600 +0 +0B +[0-9.]+[KM]? +0 +0 +- +-$"
}

@test "ls with kinds lists only those kinds" {
	mkshm "$K1" >/dev/null
	mksem "$K1" >/dev/null
	mkmq "$K1" >/dev/null
	run sysvctl ls sem
	assert_success
	assert_line --index 0 --regexp '^KEY +ID OWNER +MODE NSEMS OTIME +CTIME$'
	refute_line --partial SIZE
	refute_line --partial MESSAGES
	run sysvctl ls mq shm --key "$K1" -o KEY --noheadings
	assert_success
	# shm first, then mq, whatever the order named; with several kinds
	# each line starts with its kind.
	assert_output "shm $K1
mq $K1"
	run sysvctl ls disk
	assert_failure 2
	assert_output "sysvctl: ls: 'disk' is not a kind (shm, sem, mq, pshm, psem or pmq) (see 'sysvctl ls --help')"
}

@test "ls --json has one typed list per kind" {
	shm=$(mkshm "$K1" 8192)
	sem=$(mksem "$K2")
	mq=$(mkmq "$K3")
	run sysvctl ls --json
	assert_success
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = '["shm","sem","mq","pshm","psem","pmq"]' ]
	run jq -c --argjson k $((K1)) '.shm[] | select(.key == $k)' <<<"$output"
	[[ "$output" =~ ^\{\"key\":$((K1)),\"id\":$shm,\"owner\":\"root\",\"mode\":\"0600\",\"size\":8192,\"nattch\":0,\"status\":(null|\"\"),\"cpid\":[1-9][0-9]*,\"lpid\":[0-9]+,\"command\":null\}$ ]]
	json=$(sysvctl ls --json)
	run jq -c --argjson k $((K2)) '.sem[] | select(.key == $k) | [.id, .nsems, .mode, (.otime|type), (.ctime|type)]' <<<"$json"
	assert_output "[$sem,1,\"0600\",\"null\",\"number\"]"
	run jq -c --argjson k $((K3)) '.mq[] | select(.key == $k) | [.id, .messages, .used_bytes, .max_bytes, .lspid, .stime]' <<<"$json"
	assert_output "[$mq,0,0,$(cat /proc/sys/kernel/msgmnb),0,null]"
}

@test "ls KIND --json has only that kind, also when empty" {
	run sysvctl ls shm --json --key "$K1"
	assert_success
	[ "$(jq -c . <<<"$output")" = '{"shm":[]}' ]
	run sysvctl ls sem mq -j --key "$K1"
	[ "$(jq -c . <<<"$output")" = '{"sem":[],"mq":[]}' ]
}

@test "-o picks and orders columns, +LIST adds, --raw and --noheadings" {
	shm=$(mkshm "$K1")
	run sysvctl ls shm --key "$K1" -o ID,KEY,PERMS --raw --noheadings
	assert_success
	assert_output "$shm $K1 rw-------"
	run sysvctl ls shm --key "$K1" -o +UID --raw
	assert_line --index 0 "KEY ID OWNER MODE SIZE NATTCH STATUS CPID LPID COMMAND UID"
	run sysvctl ls shm --key "$K1" -o size,nattch
	assert_output "SIZE NATTCH
  4K      0"
	run sysvctl ls shm -o NOPE
	assert_failure 2
	assert_line --index 0 "sysvctl: -o: unknown column 'NOPE'"
	assert_line --index 1 "hint: '-o help' lists the columns"
}

@test "-o applies to every kind listed; a column one lacks is exit 2" {
	mkshm "$K1" >/dev/null
	mq=$(mkmq "$K1")
	run sysvctl ls --key "$K1" -o KEY,ID --raw --noheadings
	assert_success
	assert_line "mq $K1 $mq"
	run sysvctl ls -o KEY,SIZE
	assert_failure 2
	assert_line --index 0 "sysvctl: -o: unknown column 'SIZE' (not a sem column)"
}

@test "-o help lists the columns of the kinds named" {
	run sysvctl ls shm -o help
	assert_success
	assert_line --regexp '^ +COMMAND  the creator.s command line, while it runs$'
	assert_line --regexp '^ +KEY  the key; 0 for a private object$'
	# right-aligned to the longest name, so the help starts in one column
	assert_line "MARKED-FOR-REMOVAL  removed once the last process detaches"
	assert_line "               KEY  the key; 0 for a private object"
	refute_line --partial NSEMS
	run sysvctl ls -o help
	assert_line "shm:"
	assert_line "sem:"
	assert_line "mq:"
	assert_line --regexp '^ *NSEMS  semaphores in the set$'
	assert_line --regexp '^ *HOLDERS  processes holding units through sem run$'
}

@test "sizes are human-readable unless --bytes" {
	mkshm "$K1" 1048576 >/dev/null
	run sysvctl ls shm --key "$K1" -o SIZE --noheadings
	assert_output "1M"
	run sysvctl ls shm --key "$K1" -o SIZE --noheadings --bytes
	assert_output "1048576"
	run sysvctl ls shm --key "$K1" -o SIZE --json
	[ "$(jq -c . <<<"$output")" = '{"shm":[{"size":1048576}]}' ]
}

@test "--key takes every REF form and may repeat" {
	shm=$(mkshm "$K1")
	other=$(mkshm "$K2")
	run sysvctl ls shm --key "$((K1))" -o ID --noheadings
	assert_output "$shm"
	run sysvctl ls shm --key "id:$shm" -o KEY --noheadings
	assert_output "$K1"
	run sysvctl ls shm --key "$K1" --key "id:$other" -o ID --noheadings --raw
	assert_output "$(printf '%s\n' "$shm" "$other" | sort -n)"
	run sysvctl ls shm --key name:sysvctl-test-nothing-here -o ID --noheadings
	assert_success
	assert_output ""
	run sysvctl ls --key path:/no/such/file
	assert_failure 3
	run sysvctl ls --key 0
	assert_failure 2
	run sysvctl ls --key
	assert_failure 2
	assert_output "sysvctl: ls: option '--key' needs a value (see 'sysvctl ls --help')"
}

@test "--owner takes a user name or a uid" {
	mine=$(mkshm "$K1")
	theirs=$(as_nobody /usr/bin/python3 -c 'import sysv_ipc, sys; m = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=4096); m.detach(); print(m.id)' "$K2")
	track_id shm "$theirs"
	run ids_of shm "$K1 $K2" --owner nobody
	assert_output "$theirs"
	run ids_of shm "$K1 $K2" --owner "$(id -u nobody)"
	assert_output "$theirs"
	run ids_of shm "$K1 $K2" --owner root
	assert_output "$mine"
	run sysvctl ls shm --key "$K2" -o OWNER,UID,CUID --raw --noheadings
	assert_output "nobody $(id -u nobody) $(id -u nobody)"
	run sysvctl ls --owner no-such-user-here
	assert_failure 2
	assert_output "sysvctl: --owner: no such user 'no-such-user-here'"
}

@test "--older-than compares the last activity" {
	mq=$(mkmq "$K1")
	run ids_of mq "$K1" --older-than 1h
	assert_output ""
	# Times are whole seconds: made in second S, surely 1.5 s old at S + 2.5.
	sleep 2.6
	run ids_of mq "$K1" --older-than 1
	assert_output "$mq"
	run ids_of mq "$K1" --older-than 1500ms
	assert_output "$mq"
	# Activity renews the age (times are whole seconds: 2 s of margin).
	py 'sysv_ipc.MessageQueue(int(sys.argv[1], 0)).send(b"x")' "$K1"
	run ids_of mq "$K1" --older-than 2
	assert_output ""
	run sysvctl ls --older-than 5x
	assert_failure 2
	run sysvctl ls --older-than -1
	assert_failure 2
}

@test "filters combine: an object must pass all of them" {
	mq=$(mkmq "$K1")
	run ids_of mq "$K1" --orphans --owner root
	assert_output "$mq"
	run ids_of mq "$K1" --orphans --owner nobody
	assert_output ""
	run ids_of mq "$K1" --orphans --older-than 1h
	assert_output ""
}

@test "an attached segment is no orphan; once its holder dies it is" {
	hold shm "$K1"
	run ids_of shm "$K1" --orphans
	assert_output ""
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	run ids_of shm "$K1" --orphans
	assert_output "$HOLDER_ID"
}

@test "a queue or a set whose last user lives is no orphan" {
	hold mq "$K1"
	mq_holder=$HOLDER mq=$HOLDER_ID
	hold sem "$K2"
	sem_holder=$HOLDER sem=$HOLDER_ID
	run ids_of mq "$K1" --orphans
	assert_output ""
	run ids_of sem "$K2" --orphans
	assert_output ""
	kill -9 "$mq_holder" "$sem_holder"
	wait "$mq_holder" "$sem_holder" 2>/dev/null || true
	run ids_of mq "$K1" --orphans
	assert_output "$mq"
	run ids_of sem "$K2" --orphans
	assert_output "$sem"
}

@test "objects never used by a live process are orphans" {
	shm=$(mkshm "$K1")
	sem=$(ipcmk -S 2 | grep -o '[0-9]*$')
	track_id sem "$sem"
	key=$(ipcs -s | awk -v id="$sem" '$2 == id { print $1 }')
	run ids_of shm "$K1" --orphans
	assert_output "$shm"
	run ids_of sem "$key" --orphans
	assert_output "$sem"
}

@test "a set with a waiter is no orphan" {
	sem=$(py 's = sysv_ipc.Semaphore(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, initial_value=0); print(s.id)' "$K1")
	run ids_of sem "$K1" --orphans
	assert_output "$sem"
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 0)).acquire()' "$K1" &
	track_pid $!
	poll_until sem_column_is "$K1" ncnt 1
	run ids_of sem "$K1" --orphans
	assert_output ""
}

@test "a reused pid does not keep an orphan alive" {
	needs_mount_ns
	# In fresh IPC and pid namespaces (the queue goes with them): the
	# queue's sender exits; a process started a later second gets its pid.
	run unshare --ipc --pid --fork --mount-proc bash -c '
		S=$1
		read -r id pid < <(/usr/bin/python3 -c "import sysv_ipc, os
q = sysv_ipc.MessageQueue(0x5e000001, sysv_ipc.IPC_CREX)
q.send(b\"x\")
print(q.id, os.getpid())")
		sleep 1.2
		echo "before: $("$S" ls mq --orphans -o ID --noheadings --raw)"
		echo $((pid - 1)) > /proc/sys/kernel/ns_last_pid
		sleep 30 &
		echo "reused: $([ $! -eq "$pid" ] && echo yes || echo "no ($! for $pid)")"
		echo "lspid alive: $([ -d /proc/$pid ] && echo yes)"
		echo "after: $("$S" ls mq --orphans -o ID --noheadings --raw)"
		kill $!
	' _ "$SYSVCTL"
	assert_success
	assert_output "before: 0
reused: yes
lspid alive: yes
after: 0"
}

@test "COMMAND shows the creator's command line while it runs" {
	hold shm "$K1"
	run sysvctl ls shm --key "$K1" -o CPID,COMMAND --noheadings
	assert_output --regexp "^ *$HOLDER /usr/bin/python3 -c import sysv_ipc, sys, time kind, key = "
	run sysvctl ls shm --key "$K1" -o COMMAND --json
	[ "$(jq -r '.shm[0].command' <<<"$output" | cut -c1-24)" = "/usr/bin/python3 -c impo" ]
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	run sysvctl ls shm --key "$K1" -o COMMAND --json
	[ "$(jq -c . <<<"$output")" = '{"shm":[{"command":null}]}' ]
}

@test "COMMAND prints UTF-8 as itself in a UTF-8 locale; control characters as spaces" {
	hold shm "$K1" café $'\e[31m'
	LC_ALL=C.UTF-8 run sysvctl ls shm --key "$K1" -o COMMAND --noheadings
	assert_output --regexp ' shm 0x[0-9a-f]{8} café  \[31m$'
	LC_ALL=C run sysvctl ls shm --key "$K1" -o COMMAND --noheadings
	assert_output --regexp ' shm 0x[0-9a-f]{8} caf\\xc3\\xa9  \[31m$'
	LC_ALL=C run sysvctl ls shm --key "$K1" -o COMMAND --json
	[ "$(jq -r '.shm[0].command' <<<"$output" | tail -c 12)" = "$(printf 'caf\303\251  [31m')" ]
}

@test "a segment marked for removal shows as dest with key 0" {
	hold shm "$K1"
	ipcrm -m "$HOLDER_ID"
	run sysvctl ls shm --key "id:$HOLDER_ID" -o KEY,STATUS,MARKED-FOR-REMOVAL --raw --noheadings
	assert_output "0x00000000 dest yes"
	run sysvctl ls shm --key "id:$HOLDER_ID" -o MARKED-FOR-REMOVAL -j
	[ "$(jq -c . <<<"$output")" = '{"shm":[{"marked_for_removal":true}]}' ]
}

@test "--ns lists the objects of another IPC namespace" {
	start_ipc_ns
	pid=$NS_PID
	nsenter -t "$pid" --ipc ipcmk -M 12288 >/dev/null
	id=$(nsenter -t "$pid" --ipc ipcmk -Q | grep -o '[0-9]*$')
	run sysvctl -N "$pid" ls --json
	assert_success
	[ "$(jq -c '[(.shm | length), .shm[0].size, (.sem | length), (.mq | length), .mq[0].id]' <<<"$output")" = "[1,12288,0,1,$id]" ]
}

@test "ls takes no stray options" {
	run sysvctl ls --frob
	assert_failure 2
	assert_output "sysvctl: ls: unknown option '--frob' (see 'sysvctl ls --help')"
	run sysvctl ls --help
	assert_success
	assert_line --index 0 "Usage: sysvctl ls [shm|sem|mq|pshm|psem|pmq]... [OPTIONS]"
}

@test "a segment whose creator is in an unseen pid namespace is no orphan" {
	needs_mount_ns
	# ipcmk runs in this pid namespace; a child pid namespace sees its
	# pid as 0 and cannot tell whether it lives.
	run unshare --ipc bash -c '
		ipcmk -M 100 >/dev/null
		echo "outside: $("$1" ls shm --orphans -o NATTCH --raw --noheadings)"
		echo "inside: $(unshare --pid --fork --mount-proc "$1" ls shm -o CPID --raw --noheadings)"
		echo "inside orphans: $(unshare --pid --fork --mount-proc "$1" ls shm --orphans -o CPID --raw --noheadings)"
	' _ "$SYSVCTL"
	assert_success
	assert_output "outside: 0
inside: 0
inside orphans: "
}

@test "a user who may not read a queue still sees all its columns" {
	mq=$(mkmq "$K1")
	run as_nobody "$SYSVCTL" ls mq --key "$K1" -o ID,MAX-BYTES,OWNER --bytes --raw --noheadings
	assert_success
	assert_output "$mq $(cat /proc/sys/kernel/msgmnb) root"
}

@test "a set held by a sem run is no orphan after a shorter run's exit" {
	# The long job holds the count up; the short one's exit makes it the
	# last-operation pid.  The long job's child, which inherits the
	# marker, holds nothing: once the job is gone the set is an orphan.
	"$SYSVCTL" sem run "$K1" -u -c -- bash -c 'sleep 60 & wait' >/dev/null &
	job=$!
	track_pid "$job"
	poll_until sem_value_is "$K1" 1
	sysvctl sem run "$K1" -u -- true
	set_id=$(ipcs_id sem "$K1")
	run ids_of sem "$K1" --orphans
	assert_success
	assert_output ""
	run sysvctl rm sem --orphans -n
	assert_success
	refute_output --partial "$K1"
	poll_until pgrep -P "$job" sleep >/dev/null
	child=$(pgrep -P "$job" sleep)
	track_pid "$child"
	kill -9 "$job"
	wait "$job" 2>/dev/null || true
	poll_until sem_value_is "$K1" 0
	[ -d "/proc/$child" ]
	run ids_of sem "$K1" --orphans
	assert_output "$set_id"
}

@test "a slot held by a sem run is no orphan after another slot's job ends" {
	sysvctl sem create "$K1" -v 2 >/dev/null
	"$SYSVCTL" sem run "$K1" -- sleep 60 >/dev/null &
	track_pid $!
	poll_until sem_value_is "$K1" 1
	sysvctl sem run "$K1" -- true
	run ids_of sem "$K1" --orphans
	assert_success
	assert_output ""
}

@test "a sem run holder in a child pid namespace is seen from outside" {
	# Its marker names its pid as its own namespace sees it (NSpid).
	unshare --pid --fork --kill-child "$SYSVCTL" sem run "$K1" -u -c -- sleep 60 >/dev/null &
	track_pid $!
	poll_until sem_value_is "$K1" 1
	"$SYSVCTL" sem run "$K1" -u -- true
	run ids_of sem "$K1" --orphans
	assert_success
	assert_output ""
}

@test "sem run names its holder in COMMAND's environment" {
	run sysvctl sem run "$K1" -c -- sh -c 'echo "$SYSVCTL_SEM_HOLD $$"'
	assert_success
	id1=$(ipcs_id sem "$K1")
	assert_output --regexp "^$id1:0:-1:([0-9]+):[0-9]+ \\1\$"
	# Nested runs in one process add theirs; an inherited entry of
	# another pid is dropped.
	sysvctl sem create "$K2" -n 3 -v 0 >/dev/null
	id2=$(ipcs_id sem "$K2")
	SYSVCTL_SEM_HOLD=7:0:-1:1 run sysvctl sem run "$K1" -- "$SYSVCTL" sem run "$K2" -i 2 -u -d 3 -- sh -c 'echo "$SYSVCTL_SEM_HOLD $$"'
	assert_success
	assert_output --regexp "^$id1:0:-1:([0-9]+):[0-9]+,$id2:2:3:\\1:[0-9]+ \\1\$"
}

@test "sem run keeps COMMAND's environment whole beside its marker, also a large one" {
	sysvctl sem create "$K1" >/dev/null
	id=$(ipcs_id sem "$K1")
	# The marker replaces an inherited one where it stood; every other
	# entry stays, in its order.
	run env -i A=1 SYSVCTL_SEM_HOLD=7:0:-1:1 B=2 "$SYSVCTL" sem run "$K1" -- /usr/bin/env
	assert_success
	assert_output --regexp "^A=1
SYSVCTL_SEM_HOLD=$id:0:-1:[0-9]+:[0-9]+
B=2\$"
	# Without one it comes last, as setenv(3) puts it.
	run env -i A=1 B=2 "$SYSVCTL" sem run "$K1" -- /usr/bin/env
	assert_output --regexp "^A=1
B=2
SYSVCTL_SEM_HOLD=$id:0:-1:[0-9]+:[0-9]+\$"
	# 2,000 entries: more than sem run copies on its stack.
	big=()
	for ((i = 0; i < 2000; i++)); do
		big+=("V$i=$i")
	done
	run env -i "${big[@]}" "$SYSVCTL" sem run "$K1" -- /usr/bin/env
	assert_success
	[ "${#lines[@]}" -eq 2001 ]
	[ "${lines[0]}" = V0=0 ] && [ "${lines[1999]}" = V1999=1999 ]
	assert_line --regexp "^SYSVCTL_SEM_HOLD=$id:0:-1:[0-9]+:[0-9]+\$"
}

@test "a queue with a blocked receiver or sender is no orphan" {
	sysvctl mq create "$K1" >/dev/null
	q1=$(ipcs_id mq "$K1")
	"$SYSVCTL" mq recv "$K1" -t 10m > "$BATS_TEST_TMPDIR/got" 2>/dev/null &
	worker=$!
	track_pid "$worker"
	# A full queue (16 bytes) and a sender waiting for room.
	sysvctl mq create "$K2" --max-bytes 16 >/dev/null
	q2=$(ipcs_id mq "$K2")
	sysvctl mq send "$K2" 0123456789abcdef
	"$SYSVCTL" mq send "$K2" more -t 10m 2>/dev/null &
	track_pid $!
	# Listed until they block (nothing recorded lives), then never.
	poll_until no_orphans mq "$K1 $K2"
	run ids_of mq "$K1 $K2" --orphans
	assert_output ""
	run sysvctl rm mq --orphans --with-messages -n
	assert_success
	refute_output --partial "$K1"
	refute_output --partial "$K2"
	# The worker still gets what comes next.
	sysvctl mq send "$K1" hello
	wait "$worker"
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = hello ]
}

@test "a live user in an unseen pid namespace keeps its set and queue" {
	needs_mount_ns
	# The holders run in this pid namespace; a child pid namespace sees
	# their pids as 0 after recorded activity: "cannot tell", not gone.
	run unshare --ipc bash -c '
		S=$1
		"$S" sem run 0x5e000002 -c -- sleep 60 >/dev/null &
		sem_job=$!
		/usr/bin/python3 -c "import sysv_ipc, time
q = sysv_ipc.MessageQueue(0x5e000003, sysv_ipc.IPC_CREX)
q.send(b\"x\")
print(q.id, flush=True)
time.sleep(60)" > "$2/sender" &
		sender=$!
		for _ in $(seq 200); do
			[ -s "$2/sender" ] && [ "$("$S" sem get 0x5e000002)" = 0 ] && break
			sleep 0.05
		done
		inside() { unshare --pid --fork --mount-proc "$S" ls "$1" --orphans -o ID --noheadings --raw; }
		echo "pids inside: $(unshare --pid --fork --mount-proc "$S" ls mq -o LSPID --noheadings --raw)"
		echo "sem inside: $(inside sem)"
		echo "mq inside: $(inside mq)"
		kill "$sem_job" "$sender"
		wait
	' _ "$SYSVCTL" "$BATS_TEST_TMPDIR"
	assert_success
	assert_output "pids inside: 0
sem inside: 
mq inside: "
}

# Microseconds since the epoch, and a sleep until such a time.
now_us() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000000 + 10#${t#*.} )); }
sleep_until_us() {
	local left=$(( $1 - $(now_us) ))
	[ "$left" -le 0 ] || sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
}

@test "--older-than matches only what is surely older" {
	# Made in second S, an object is surely older than 0.5 s only from
	# S + 1.5 on; before that it may be younger (made at S + 0.99), even
	# though S lies more than 0.5 s back from S + 0.7 on.
	for _ in $(seq 10); do
		before=$(now_us)
		sysvctl mq create "$K1" >/dev/null
		after=$(now_us)
		second=$(( before / 1000000 * 1000000 ))
		if [ $(( after / 1000000 * 1000000 )) = "$second" ]; then
			sleep_until_us $(( second + 700000 ))
			listed=$(ids_of mq "$K1" --older-than 0.5)
			[ "$(now_us)" -lt $(( second + 1500000 )) ] && break
		fi
		ipcrm -Q "$K1"
		listed=unknown
	done
	[ "$listed" = "" ]
	sleep_until_us $(( second + 1600000 ))
	run ids_of mq "$K1" --older-than 0.5
	assert_output "$(ipcs_id mq "$K1")"
}

@test "a user other than root is told that others' holders and waiters are not seen" {
	as_nobody "$SYSVCTL" sem create "$K1" >/dev/null
	as_nobody "$SYSVCTL" sem acquire "$K1"
	id=$(ipcs_id sem "$K1")
	run --separate-stderr as_nobody "$SYSVCTL" ls sem --orphans --key "$K1" -o ID --noheadings
	assert_success
	assert_output "$id"
	[[ "$stderr" =~ ^sysvctl:\ warning:\ [0-9]+\ process(es)?\ could\ not\ be\ inspected:\ a\ sem\ run\ holder\ or\ a\ waiter\ among\ them\ is\ not\ seen\ \(run\ as\ root\)$ ]]
	run --separate-stderr as_nobody "$SYSVCTL" -q ls sem --orphans --key "$K1"
	assert_success
	[ -z "$stderr" ]
	# Without --orphans nothing is scanned and nothing said.
	run --separate-stderr as_nobody "$SYSVCTL" ls sem --key "$K1"
	[ -z "$stderr" ]
}

# Make sysvctl's *_STAT_ANY calls answer EINVAL, as a kernel before 4.17
# does, and write one line to $STAT_ANY_LOG for each (an ASan build wants
# its runtime first in the library list: let the shim stand before it).
old_kernel() {
	cat > "$BATS_TEST_TMPDIR/nostatany.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

static int refuse(const char *call)
{
	FILE *log = fopen(getenv("STAT_ANY_LOG"), "a");

	if (log != NULL) {
		fprintf(log, "%s\n", call);
		fclose(log);
	}
	errno = EINVAL;
	return -1;
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	int (*real)(int, int, struct shmid_ds *) = (int (*)(int, int, struct shmid_ds *))dlsym(RTLD_NEXT, "shmctl");

	return cmd == SHM_STAT_ANY ? refuse("shm") : real(id, cmd, buf);
}

int msgctl(int id, int cmd, struct msqid_ds *buf)
{
	int (*real)(int, int, struct msqid_ds *) = (int (*)(int, int, struct msqid_ds *))dlsym(RTLD_NEXT, "msgctl");

	return cmd == MSG_STAT_ANY ? refuse("mq") : real(id, cmd, buf);
}

int semctl(int id, int num, int cmd, ...)
{
	int (*real)(int, int, int, ...) = (int (*)(int, int, int, ...))dlsym(RTLD_NEXT, "semctl");
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);       /* the union semun, one word */
	va_end(ap);
	return cmd == SEM_STAT_ANY ? refuse("sem") : real(id, num, cmd, arg);
}
C
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/nostatany.so" "$BATS_TEST_TMPDIR/nostatany.c" -ldl
	LD_PRELOAD="$BATS_TEST_TMPDIR/nostatany.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		STAT_ANY_LOG="$BATS_TEST_TMPDIR/stat_any.log" "$SYSVCTL" "$@"
}

@test "ls prints the same through the *_STAT_ANY calls and through /proc/sysvipc" {
	hold shm "$K1"
	sysvctl shm create "$K2" -s 12345 -m 640 >/dev/null
	sysvctl sem create "$K3" -n 3 -v 2 >/dev/null
	sysvctl sem acquire "$K3"
	sysvctl mq send "$K4" -c 'hello there'
	private=$(sysvctl shm create private)
	track_id shm "$private"
	ipcrm -m "$HOLDER_ID"           # attached: stays, marked for removal
	track_id shm "$HOLDER_ID"
	shm_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,SIZE,NATTCH,STATUS,CPID,LPID,ATIME,DTIME,CTIME,MARKED-FOR-REMOVAL,COMMAND
	sem_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,NSEMS,OTIME,CTIME
	mq_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,MESSAGES,USED-BYTES,MAX-BYTES,LSPID,LRPID,STIME,RTIME,CTIME
	for kind in shm sem mq; do
		case $kind in
		shm) cols=$shm_cols ;;
		sem) cols=$sem_cols ;;
		mq) cols=$mq_cols ;;
		esac
		for format in "" --raw --json; do
			args=(ls "$kind" -o "$cols" --time-format epoch --bytes $format)
			run --separate-stderr sysvctl "${args[@]}"
			assert_success
			fast=$output
			rm -f "$BATS_TEST_TMPDIR/stat_any.log"
			run --separate-stderr old_kernel "${args[@]}"
			assert_success
			[ "$output" = "$fast" ]
			# The shim was asked, so /proc/sysvipc was read.
			[ "$(sort -u "$BATS_TEST_TMPDIR/stat_any.log")" = "$kind" ]
		done
	done
	# This test's objects are in the listing, with their facts.
	run sysvctl ls shm -o KEY,SIZE,MODE,STATUS --bytes --raw --noheadings
	assert_line "$K2 12345 0640 -"
	assert_line "0x00000000 4096 0600 dest"
	run sysvctl ls sem -o KEY,NSEMS --raw --noheadings
	assert_line "$K3 3"
	run sysvctl ls mq -o KEY,MESSAGES,USED-BYTES --bytes --raw --noheadings
	assert_line "$K4 1 11"
}
