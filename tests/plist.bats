#!/usr/bin/env bats
# sysvctl ls and rm of POSIX objects (pshm, psem in /dev/shm; pmq in
# /dev/mqueue): columns, users from /proc, orphans, odd files, leaks.
# /dev/shm is shared with every other suite: each test names its files
# with its own prefix ($P) and looks at those only.

load helpers

setup_file() {
	export POBJECTS="$BATS_FILE_TMPDIR/pobjects"
	cc -Wall -Wextra -o "$POBJECTS" "$BATS_TEST_DIRNAME/pobjects.c"
	export PRACE="$BATS_FILE_TMPDIR/prace.so"
	cc -Wall -Wextra -shared -fPIC -o "$PRACE" "$BATS_TEST_DIRNAME/prace.c" -ldl
	# A sanitizer build (make asan) needs its runtime first in the list.
	local asan
	asan=$(ldd "$SYSVCTL" | awk '/libasan/ { print $3 }')
	export PRACE_PRELOAD="${asan:+$asan:}$PRACE"
	# pmq tests mount an mqueue file system in a mount namespace of their
	# own; its mount point must exist.  It is left in place (an empty
	# directory, where systemd mounts mqueue): removing it at the end
	# pulled it from under another run of the suite on the same machine.
	mkdir -p /dev/mqueue
}

setup() {
	common_setup
	P="sysvctl-t$$-$BATS_TEST_NUMBER"
}

teardown() {
	common_teardown
	rm -f /dev/shm/"$P"* /dev/shm/sem."$P"*
}

# pobjects ARGS... hold: run a holder in the background until it is ready;
# its pid in HOLDER.
hold() {
	local out="$BATS_TEST_TMPDIR/hold.$RANDOM"
	"$POBJECTS" "$@" hold >"$out" &
	HOLDER=$!
	track_pid "$HOLDER"
	poll_until grep -q ready "$out"
}

# Run a command in a mount namespace of its own with /dev/mqueue mounted
# (this test's IPC namespace's queues).
with_mqueue() {
	unshare --mount --propagation private -- sh -c \
		'mount -t mqueue none /dev/mqueue && exec "$@"' sh "$@"
}

@test "ls pshm: a live mapper is a user, with its pid and command; never an orphan" {
	hold shm "/$P-a" 8192
	run sysvctl ls pshm --key "/$P-a"
	assert_success
	assert_line --index 0 --regexp '^NAME +OWNER +MODE +SIZE +MTIME +USERS +PIDS +COMMAND$'
	assert_line --index 1 --regexp "^/$P-a +root +0600 +8K +[0-9-]+T[0-9:]+[+-][0-9:]+ +1 +$HOLDER +$POBJECTS shm /$P-a 8192 hold$"
	run sysvctl ls pshm --key "/$P-a" --orphans
	assert_success
	assert_output ""
}

@test "a descriptor held open without a mapping is a user too" {
	hold shm "/$P-fd" 4096 holdfd
	run sysvctl ls pshm --key "/$P-fd" -o NAME,USERS,PIDS --raw --noheadings
	assert_success
	assert_output "/$P-fd 1 $HOLDER"
}

@test "a POSIX segment whose creator was killed with -9 is an orphan" {
	hold shm "/$P-k" 4096
	kill -9 "$HOLDER"
	wait "$HOLDER" || true
	run sysvctl ls pshm --orphans --key "/$P-k" -o NAME,USERS --raw --noheadings
	assert_success
	assert_output "/$P-k 0"
}

@test "ls --json types the POSIX columns" {
	"$POBJECTS" shm "/$P-j" 5000
	"$POBJECTS" sem "/$P-j" 3
	run sysvctl ls pshm psem --key "/$P-j" --json
	assert_success
	[ "$(jq -c '.pshm[0] | [.name, .owner, .mode, .size, (.mtime|type), .users, .pids]' <<<"$output")" = "[\"/$P-j\",\"root\",\"0600\",5000,\"number\",0,null]" ]
	[ "$(jq -c '.psem[0] | [.name, .value, .users]' <<<"$output")" = "[\"/$P-j\",3,0]" ]
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = '["pshm","psem"]' ]
}

@test "a truncated sem file is reported, its value not read, and no crash" {
	: >/dev/shm/sem."$P-t"
	printf 'abc' >/dev/shm/sem."$P-u"
	run --separate-stderr sysvctl ls psem --key "/$P-t" --key "/$P-u" -o NAME,SIZE,VALUE --raw --noheadings --bytes
	assert_success
	assert_output "/$P-t 0 -
/$P-u 3 -"
	[[ "$stderr" == *"sysvctl: warning: psem /$P-t: its file is 0 bytes, not a sem_t (32): its value is not read"* ]]
	[[ "$stderr" == *"sysvctl: warning: psem /$P-u: its file is 3 bytes, not a sem_t (32): its value is not read"* ]]
}

@test "pmq shows MESSAGES, MAXMSG and MSGSIZE from mq_getattr" {
	run with_mqueue sh -c '"$1" mq "/$2-q" 7 256 3 && "$3" ls pmq --key "/$2-q" -o NAME,MESSAGES,MAXMSG,MSGSIZE,SIZE,USERS --raw --noheadings --bytes; rc=$?; rm -f /dev/mqueue/"$2"-*; exit $rc' \
		sh "$POBJECTS" "$P" "$SYSVCTL"
	assert_success
	assert_output "/$P-q 3 7 256 15 0"
}

@test "/dev/mqueue not mounted: one note, the rest is listed" {
	"$POBJECTS" shm "/$P-m" 4096
	run --separate-stderr unshare --mount --propagation private -- sh -c \
		'umount /dev/mqueue 2>/dev/null; exec "$@"' sh "$SYSVCTL" ls pshm pmq --key "/$P-m" -o NAME --raw --noheadings
	assert_success
	assert_output "pshm /$P-m"
	[ "$stderr" = "sysvctl: warning: /dev/mqueue: not mounted: POSIX message queues not listed (mount -t mqueue none /dev/mqueue)" ]
}

@test "--owner and --older-than filter POSIX objects on owner and mtime" {
	"$POBJECTS" shm "/$P-o" 4096
	"$POBJECTS" shm "/$P-n" 4096
	chown nobody "/dev/shm/$P-n"
	touch -d '2 hours ago' "/dev/shm/$P-o"
	run sysvctl ls pshm --key "/$P-o" --key "/$P-n" --owner nobody -o NAME --noheadings
	assert_output "/$P-n"
	run sysvctl ls pshm --key "/$P-o" --key "/$P-n" --older-than 1h -o NAME --noheadings
	assert_output "/$P-o"
}

@test "a name with odd bytes is escaped" {
	"$POBJECTS" shm "/$P-$(printf 'a\tb')" 4096
	run sysvctl ls pshm --key "/$P-$(printf 'a\tb')" -o NAME --noheadings
	assert_success
	assert_output "/$P-a\\x09b"
}

@test "ls --key takes a POSIX name; a malformed one is exit 2" {
	run sysvctl ls --key /a/b
	assert_failure 2
	assert_output "sysvctl: ls: '/a/b' is not a POSIX name (/NAME: 1 to 255 bytes, no other '/') (see 'sysvctl ls --help')"
	run sysvctl ls --key /
	assert_failure 2
}

@test "rm pshm /NAME and psem /NAME remove them and print KIND NAME; --dry-run keeps them" {
	"$POBJECTS" shm "/$P-r" 4096
	"$POBJECTS" sem "/$P-r" 1
	run sysvctl rm pshm psem "/$P-r" --dry-run
	assert_success
	assert_output "pshm /$P-r
psem /$P-r"
	[ -e "/dev/shm/$P-r" ] && [ -e "/dev/shm/sem.$P-r" ]
	run sysvctl rm psem "/$P-r"
	assert_success
	assert_output "psem /$P-r"
	[ -e "/dev/shm/$P-r" ] && [ ! -e "/dev/shm/sem.$P-r" ]
	run sysvctl rm "/$P-r" --json
	assert_success
	[ "$(jq -c . <<<"$output")" = "{\"removed\":[{\"kind\":\"pshm\",\"key\":null,\"id\":null,\"name\":\"/$P-r\"}]}" ]
	[ ! -e "/dev/shm/$P-r" ]
}

@test "a pshm's framed mark sem.NAME.framed is part of it: never a psem of its own, removed with it" {
	sysvctl shm create "/$P" -s 64
	sysvctl shm write "/$P" --framed hello
	[ -e "/dev/shm/sem.$P.framed" ]
	run sysvctl ls psem -o NAME --noheadings
	assert_success
	[[ "$output" != *"/$P.framed"* ]]
	run sysvctl rm psem --orphans --dry-run
	assert_success
	[[ "$output" != *"/$P.framed"* ]]
	run sysvctl rm pshm "/$P"
	assert_success
	assert_output "pshm /$P"
	[ ! -e "/dev/shm/$P" ]
	[ ! -e "/dev/shm/sem.$P.framed" ]
}

@test "rm checks every name first; a name that names nothing is exit 3 unless -f" {
	"$POBJECTS" shm "/$P-c" 4096
	run sysvctl rm pshm "/$P-c" "/$P/bad"
	assert_failure 2
	[ -e "/dev/shm/$P-c" ]
	run sysvctl rm pshm "/$P-none" "/$P-c"
	assert_failure 3
	assert_output "sysvctl: /$P-none: no POSIX object (pshm, psem or pmq) of the kinds searched has this name
pshm /$P-c"
	[ ! -e "/dev/shm/$P-c" ]
	run sysvctl rm pshm "/$P-none" -f
	assert_success
	assert_output ""
}

@test "rm -A is exit 2: removal stays in one namespace" {
	run sysvctl rm -A pshm --orphans
	assert_failure 2
	assert_output "sysvctl: rm: removal works in one IPC namespace at a time: name it with -N PID (see 'sysvctl rm --help')"
}

@test "bulk removal skips a pmq that holds messages unless --with-messages" {
	run with_mqueue sh -c '"$1" mq "/$2-full" 4 64 2 && "$1" mq "/$2-empty" 4 64 0 &&
		"$3" rm pmq --all; "$3" rm pmq --all --with-messages' sh "$POBJECTS" "$P" "$SYSVCTL"
	assert_success
	assert_output "pmq /$P-empty
sysvctl: warning: pmq /$P-full: not removed: it holds 2 messages (--with-messages removes it too)
pmq /$P-full"
}

@test "bulk removal looks at a pmq again: messages sent since the listing keep it" {
	run with_mqueue sh -c '"$1" mq "/$2" 4 64 0 &&
		LD_PRELOAD="$4" PRACE_MQ="/$2" PRACE_DO=send "$3" rm pmq --all &&
		"$3" ls pmq -o NAME,MESSAGES --noheadings && "$3" rm pmq "/$2" >/dev/null' sh "$POBJECTS" "$P" "$SYSVCTL" "$PRACE_PRELOAD"
	assert_success
	assert_output "sysvctl: warning: pmq /$P: not removed: it holds 1 message (--with-messages removes it too)
/$P 1"
}

@test "removal never unlinks another object that took the listed one's name" {
	run with_mqueue sh -c '"$1" mq "/$2" 4 64 0 &&
		LD_PRELOAD="$4" PRACE_MQ="/$2" PRACE_DO=replace "$3" rm pmq --all --with-messages &&
		"$3" ls pmq -o NAME --noheadings && "$3" rm pmq "/$2" >/dev/null' sh "$POBJECTS" "$P" "$SYSVCTL" "$PRACE_PRELOAD"
	assert_success
	assert_output "sysvctl: warning: pmq /$P: not removed: it was replaced since it was listed
/$P"
}

@test "--older-than alone never removes a POSIX object in use (MTIME lags); --all does" {
	local owner=54322
	hold shm "/$P-used" 4096
	"$POBJECTS" shm "/$P-idle" 4096
	chown "$owner" "/dev/shm/$P-used" "/dev/shm/$P-idle"
	touch -d '2 hours ago' "/dev/shm/$P-used" "/dev/shm/$P-idle"
	run sysvctl rm pshm --older-than 1h --owner "$owner"
	assert_success
	assert_output "pshm /$P-idle
sysvctl: warning: pshm /$P-used: not removed: 1 process uses it (--all removes it too)"
	[ -e "/dev/shm/$P-used" ] && [ ! -e "/dev/shm/$P-idle" ]
	run sysvctl rm pshm --all --older-than 1h --owner "$owner"
	assert_success
	assert_output "pshm /$P-used"
}

@test "1,000 stale /dev/shm files among 10 live ones: only the stale ones are removed" {
	local owner=54321 i
	for ((i = 0; i < 1000; i++)); do : >"/dev/shm/$P-dead-$i"; done
	for ((i = 0; i < 10; i++)); do hold shm "/$P-live-$i" 4096; done
	chown "$owner" /dev/shm/"$P"-*
	run sysvctl rm pshm --orphans --owner "$owner"
	assert_success
	[ "$(grep -c "^pshm /$P-dead-[0-9]*$" <<<"$output")" = 1000 ]
	[ "$(wc -l <<<"$output")" = 1000 ]
	[ "$(compgen -G "/dev/shm/$P-dead-*" | wc -l)" = 0 ]
	[ "$(compgen -G "/dev/shm/$P-live-*" | wc -l)" = 10 ]
}

@test "limits shows the POSIX queue limits and counts the queues in /dev/mqueue" {
	run with_mqueue sh -c '"$1" mq "/$2-l1" 2 16 0 && "$1" mq "/$2-l2" 2 16 0 &&
		"$3" limits -o NAME,VALUE,USED --raw --noheadings --bytes; rm -f /dev/mqueue/"$2"-*' sh "$POBJECTS" "$P" "$SYSVCTL"
	assert_success
	assert_line "queues_max $(cat /proc/sys/fs/mqueue/queues_max) 2"
	assert_line "msg_max $(cat /proc/sys/fs/mqueue/msg_max) -"
	assert_line "msgsize_max $(cat /proc/sys/fs/mqueue/msgsize_max) -"
}

# Start a process in IPC and mount namespaces of its own with a /dev/shm
# of its own, holding a SysV segment and the pshm file /$P-NAME; its pid
# in NS_PID once that is in place.
start_ns_with_objects() {
	unshare --ipc --mount --propagation private -- sh -c \
		'mount -t tmpfs none /dev/shm && ipcmk -M 4096 >/dev/null && : >"/dev/shm/$1" && exec sleep 300' \
		sh "$P-$1" &
	NS_PID=$!
	track_pid "$NS_PID"
	poll_until test -e "/proc/$NS_PID/root/dev/shm/$P-$1"
}

@test "ls -A: objects of other namespaces under their NS and pid, never mixed with ours" {
	start_ns_with_objects one
	pid1=$NS_PID
	start_ns_with_objects two
	pid2=$NS_PID
	: >"/dev/shm/$P-host"
	ns1=$(stat -L -c %i "/proc/$pid1/ns/ipc")
	ns2=$(stat -L -c %i "/proc/$pid2/ns/ipc")
	own=$(stat -L -c %i /proc/self/ns/ipc)
	run sysvctl ls -A pshm -o NS,NSPID,NAME --raw --noheadings
	assert_success
	[ "$(grep -c " /$P-" <<<"$output")" = 3 ]
	assert_line "$ns1 $pid1 /$P-one"
	assert_line "$ns2 $pid2 /$P-two"
	assert_line --regexp "^$own [0-9]+ /$P-host\$"
	run sysvctl ls -A shm -o NS,NSPID,SIZE --raw --noheadings --bytes
	assert_success
	assert_line "$ns1 $pid1 4096"
	assert_line "$ns2 $pid2 4096"
	run sysvctl ls -A shm --json
	[ "$(jq -c --argjson ns "$ns1" '[.shm[] | select(.ns == $ns) | [.nspid, .size, .nscommand]]' <<<"$output")" = "[[$pid1,4096,\"sleep 300\"]]" ]
}

@test "ls -A: the filters work across namespaces" {
	start_ns_with_objects old
	touch -d '3 hours ago' "/proc/$NS_PID/root/dev/shm/$P-old"
	: >"/dev/shm/$P-new"
	run sysvctl ls -A pshm --older-than 1h --orphans -o NAME --raw --noheadings
	assert_success
	assert_line "/$P-old"
	refute_line "/$P-new"
	run sysvctl -N "$NS_PID" ls -A
	assert_failure 2
	assert_output "sysvctl: ls: -A lists every namespace: it does not go with -N (see 'sysvctl ls --help')"
}

@test "a user who may not read other processes gets 'cannot tell', never an orphan" {
	hold shm "/$P-u" 4096
	: >"/dev/shm/$P-v"
	run --separate-stderr as_nobody "$SYSVCTL" ls pshm --key "/$P-u" --key "/$P-v" -o NAME,USERS --raw --noheadings
	assert_success
	assert_output "/$P-u -
/$P-v -"
	[[ "$stderr" =~ ^sysvctl:\ warning:\ [0-9]+\ process(es)?\ could\ not\ be\ inspected:\ a\ POSIX\ object\ nobody\ was\ seen\ using\ has\ no\ USERS\ \(cannot\ tell\;\ run\ as\ root\)$ ]]
	run --separate-stderr as_nobody "$SYSVCTL" ls pshm --orphans --key "/$P-u" --key "/$P-v"
	assert_success
	assert_output ""
}

# A mount namespace of its own with an empty tmpfs on /dev/shm (so that
# rm --orphans there sees this test's objects only), held by a process
# whose pid is in MNT_NS; in_mnt_ns CMD... runs CMD in it.
private_dev_shm() {
	needs_mount_ns
	unshare --mount --propagation private sleep 300 &
	MNT_NS=$!
	track_pid "$MNT_NS"
	poll_until in_other_mnt_ns "$MNT_NS"
	in_mnt_ns mount -t tmpfs -o mode=1777 tmpfs /dev/shm
}

in_other_mnt_ns() {
	[ -n "$(readlink "/proc/$1/ns/mnt" 2>/dev/null)" ] &&
		[ "$(readlink "/proc/$1/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}

in_mnt_ns() {
	nsenter -t "$MNT_NS" --mount -- "$@"
}

# A holder of /dev/shm/NAME in that namespace, from this pid namespace.
hold_in_mnt_ns() {
	local out="$BATS_TEST_TMPDIR/hold.$RANDOM"
	# nsenter itself in the background: it execs the holder, so that the
	# pid tracked is the holder's.
	nsenter -t "$MNT_NS" --mount -- "$POBJECTS" shm "$1" 4096 hold >"$out" &
	track_pid $!
	poll_until grep -q ready "$out"
}

@test "from a child pid namespace, a POSIX object used outside it is 'cannot tell': never an orphan, one note" {
	private_dev_shm
	hold_in_mnt_ns "/$P-held"
	in_mnt_ns "$SYSVCTL" shm create "/$P-free" >/dev/null
	local note="sysvctl: warning: 2 POSIX objects nobody was seen using are"
	local why="(cannot tell): /proc shows only the processes of this pid namespace"
	run in_mnt_ns unshare --pid --fork --mount-proc "$SYSVCTL" rm pshm --orphans --dry-run
	assert_success
	assert_output "$note kept $why"
	run in_mnt_ns unshare --pid --fork --mount-proc "$SYSVCTL" rm pshm --orphans
	assert_success
	assert_output "$note kept $why"
	run in_mnt_ns unshare --pid --fork --mount-proc "$SYSVCTL" ls pshm --orphans
	assert_success
	assert_output "$note not listed $why"
	in_mnt_ns test -e "/dev/shm/$P-held"
	in_mnt_ns test -e "/dev/shm/$P-free"
	# From this pid namespace every user is seen: the free one goes.
	run in_mnt_ns "$SYSVCTL" rm pshm --orphans
	assert_success
	assert_output "pshm /$P-free"
	in_mnt_ns test -e "/dev/shm/$P-held"
}

@test "/proc mounted with hidepid: a POSIX object used by a hidden process is 'cannot tell', never an orphan" {
	private_dev_shm
	in_mnt_ns mount -t proc -o hidepid=2 proc /proc
	in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" shm create "/$P-mine" >/dev/null
	# Held by root, whose processes nobody cannot see.
	hold_in_mnt_ns "/$P-mine"
	run in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" ls pshm -o NAME,USERS --raw --noheadings
	assert_success
	assert_output "/$P-mine -"
	run in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" rm pshm --orphans
	assert_success
	assert_output "sysvctl: warning: 1 POSIX object nobody was seen using is kept (cannot tell): /proc hides other users' processes (hidepid)"
	in_mnt_ns test -e "/dev/shm/$P-mine"
}

@test "a user who may not read every process: --older-than still removes what matches; --orphans keeps what it cannot tell" {
	private_dev_shm
	in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" shm create "/$P-old" >/dev/null
	in_mnt_ns touch -d '3 hours ago' "/dev/shm/$P-old"
	# Root runs a process nobody may not inspect (its fds, its maps).
	hold_in_mnt_ns "/$P-other"
	run in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" -q rm pshm --orphans
	assert_success
	assert_output ""
	in_mnt_ns test -e "/dev/shm/$P-old"
	run in_mnt_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSVCTL" rm pshm --older-than 1h
	assert_success
	assert_output "pshm /$P-old"
	run in_mnt_ns test -e "/dev/shm/$P-old"
	assert_failure
}

@test "ls --orphans in a child pid namespace counts only what the other filters would list" {
	private_dev_shm
	in_mnt_ns "$SYSVCTL" shm create "/$P-a" >/dev/null
	in_mnt_ns touch -d '3 hours ago' "/dev/shm/$P-a"
	in_mnt_ns "$SYSVCTL" shm create "/$P-b" >/dev/null
	run in_mnt_ns unshare --pid --fork --mount-proc "$SYSVCTL" ls pshm --orphans --older-than 1h
	assert_success
	assert_output "sysvctl: warning: 1 POSIX object nobody was seen using is not listed (cannot tell): /proc shows only the processes of this pid namespace"
}

@test "ls -o without kinds lists the family that has the columns" {
	"$POBJECTS" shm "/$P-f" 4096
	id=$(ipcmk -M 4096 | grep -o '[0-9]*$')
	track_id shm "$id"
	run sysvctl ls -o KIND,ID --raw --noheadings
	assert_success
	assert_line "shm $id"
	refute_line --partial pshm
	run sysvctl ls -o KIND,NAME --raw --noheadings
	assert_success
	assert_line "pshm /$P-f"
	refute_line --regexp '^shm '
	run sysvctl ls -o KIND,NOPE
	assert_failure 2
}
