#!/usr/bin/env bats
# Permissions: objects are created 0600 unless -m says otherwise; the
# unprivileged user nobody can neither read, write nor remove a root 0600
# object (exit 4, nothing changes); sysvctl never widens a mode.

load helpers




# The permission bits ipcs shows for the object of KIND with KEY.
perms_of() {
	local flag
	case "$1" in shm) flag=-m ;; sem) flag=-s ;; mq) flag=-q ;; esac
	ipcs "$flag" | awk -v k="$2" 'tolower($1) == tolower(k) { print $4 }'
}

# Everything about the objects with K1..K3 (rows, values, times, bytes):
# compared before and after what nobody tries.
snapshot() {
	local id
	ipcs -a | awk -v a="$K1" -v b="$K2" -v c="$K3" \
		'tolower($1) == a || tolower($1) == b || tolower($1) == c'
	# Not the semaphore's otime: the kernel (6.x) sets it even when a
	# semop with SEM_UNDO (as `sem run` does) fails with EACCES.
	id=$(ipcs_id sem "$K1"); [ -z "$id" ] || ipcs -s -i "$id" | grep -v '^otime'
	id=$(ipcs_id mq "$K3"); [ -z "$id" ] || ipcs -q -i "$id"
	"$PY" - "$K2" <<'PYEOF'
import sys, sysv_ipc
try:
    shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
except sysv_ipc.ExistentialError:
    sys.exit(0)
print("shm bytes", shm.read().hex())
shm.detach()
PYEOF
}

# expect_denied ARGS...: as nobody, `sysvctl ARGS` exits 4 with one error
# line (and maybe a hint), and prints nothing on stdout.
expect_denied() {
	run --separate-stderr as_nobody "$SYSVCTL" "$@"
	if [ "$status" -ne 4 ]; then
		echo "# as nobody: sysvctl $*: exit $status, expected 4"
		echo "# stderr: $stderr"
		return 1
	fi
	[ -z "$output" ]
	[[ "${stderr_lines[0]}" == "sysvctl: "* ]]
	[ "${#stderr_lines[@]}" -le 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ] || [[ "${stderr_lines[1]}" == "hint: "* ]]
}

# The snapshot is what it was in $before; the difference shown if not.
same_as_before() {
	local after
	after=$(snapshot)
	[ "$after" = "$before" ] && return 0
	echo "# the objects changed:"
	diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
	return 1
}

@test "objects are created with mode 0600 by default" {
	"$SYSVCTL" shm create "$K1" >/dev/null
	"$SYSVCTL" sem create "$K1" >/dev/null
	"$SYSVCTL" mq create "$K1" >/dev/null
	[ "$(perms_of shm "$K1")" = 600 ]
	[ "$(perms_of sem "$K1")" = 600 ]
	[ "$(perms_of mq "$K1")" = 600 ]
}

@test "objects made on the fly by --create are 0600 too, whatever the umask" {
	umask 000
	"$SYSVCTL" shm write "$K1" --create -s 16 data
	"$SYSVCTL" sem acquire "$K2" --create
	"$SYSVCTL" sem run "$K3" --create -- true
	"$SYSVCTL" mq send "$K4" --create hello
	[ "$(perms_of shm "$K1")" = 600 ]
	[ "$(perms_of sem "$K2")" = 600 ]
	[ "$(perms_of sem "$K3")" = 600 ]
	[ "$(perms_of mq "$K4")" = 600 ]
}

@test "-m sets the mode of created objects" {
	"$SYSVCTL" shm create "$K1" -m 0640 >/dev/null
	"$SYSVCTL" sem create "$K1" -m 644 >/dev/null
	"$SYSVCTL" mq create "$K1" -m 0604 >/dev/null
	"$SYSVCTL" shm write "$K2" --create -s 8 -m 0660 x
	[ "$(perms_of shm "$K1")" = 640 ]
	[ "$(perms_of sem "$K1")" = 644 ]
	[ "$(perms_of mq "$K1")" = 604 ]
	[ "$(perms_of shm "$K2")" = 660 ]
}

@test "nobody can neither read, write nor remove a root 0600 segment" {
	"$SYSVCTL" shm create "$K2" -s 32 >/dev/null
	"$SYSVCTL" shm write "$K2" "root's secret bytes"
	id=$(ipcs_id shm "$K2")
	before=$(snapshot)
	expect_denied shm read "$K2"
	expect_denied shm read "id:$id" --hex
	expect_denied shm write "$K2" "nobody was here"
	expect_denied shm write "$K2" -o 8 --framed "x"
	expect_denied shm write "$K2" --create "nobody was here"
	expect_denied shm rm "$K2"
	expect_denied shm rm "id:$id"
	same_as_before
}

@test "nobody can neither take, change nor remove a root 0600 semaphore" {
	"$SYSVCTL" sem create "$K1" -v 2 >/dev/null
	id=$(ipcs_id sem "$K1")
	before=$(snapshot)
	expect_denied sem acquire "$K1"
	expect_denied sem acquire "$K1" --nowait
	expect_denied sem acquire "$K1" --create
	expect_denied sem release "$K1"
	expect_denied sem get "$K1"
	expect_denied sem set "$K1" 7
	expect_denied sem z "$K1" --nowait
	expect_denied sem run "$K1" -- true
	expect_denied sem run "id:$id" --up -- true
	expect_denied sem rm "$K1"
	same_as_before
}

@test "a denied sem run does not run its command" {
	"$SYSVCTL" sem create "$K1" >/dev/null
	# A directory nobody may write to, so the check could fail.
	dir=$(mktemp -d /tmp/sysvctl-perms.XXXXXX)
	chmod 0777 "$dir"
	expect_denied sem run "$K1" -- touch "$dir/ran"
	as_nobody touch "$dir/could"
	status=0
	[ ! -e "$dir/ran" ] || status=1
	rm -rf "$dir"
	[ "$status" -eq 0 ]
}

@test "nobody can neither send to, receive from nor remove a root 0600 queue" {
	"$SYSVCTL" mq create "$K3" >/dev/null
	"$SYSVCTL" mq send "$K3" -T 3 "for root only"
	id=$(ipcs_id mq "$K3")
	before=$(snapshot)
	expect_denied mq send "$K3" "from nobody"
	expect_denied mq send "$K3" --create "from nobody"
	expect_denied mq recv "$K3" --nowait
	expect_denied mq recv "id:$id" --all
	expect_denied mq set "$K3" --max-bytes 1024
	expect_denied mq rm "$K3"
	same_as_before
}

@test "nobody cannot remove root 0600 objects with rm" {
	"$SYSVCTL" shm create "$K1" >/dev/null
	"$SYSVCTL" sem create "$K1" >/dev/null
	"$SYSVCTL" mq create "$K1" >/dev/null
	before=$(ipcs -a | awk -v k="$K1" 'tolower($1) == k')
	run as_nobody "$SYSVCTL" rm "$K1"
	assert_failure 4
	run as_nobody "$SYSVCTL" rm shm "$K1"
	assert_failure 4
	[ "$(ipcs -a | awk -v k="$K1" 'tolower($1) == k')" = "$before" ]
}

@test "a 0644 segment is readable but not writable by nobody" {
	"$SYSVCTL" shm create "$K2" -s 8 -m 0644 >/dev/null
	"$SYSVCTL" shm write "$K2" "readable"
	before=$(snapshot)
	run as_nobody "$SYSVCTL" shm read "$K2"
	assert_success
	assert_output "readable"
	expect_denied shm write "$K2" "writable"
	same_as_before
}

@test "create --exist-ok -m 0666 never widens an existing 0600 object" {
	"$SYSVCTL" shm create "$K1" -s 64 >/dev/null
	"$SYSVCTL" sem create "$K1" >/dev/null
	"$SYSVCTL" mq create "$K1" >/dev/null
	run "$SYSVCTL" shm create "$K1" -s 64 -m 0666 --exist-ok
	assert_success
	run "$SYSVCTL" sem create "$K1" -m 0666 --exist-ok
	assert_success
	run "$SYSVCTL" mq create "$K1" -m 0666 --exist-ok
	assert_success
	run "$SYSVCTL" shm write "$K1" --create -m 0666 data
	assert_success
	[ "$(perms_of shm "$K1")" = 600 ]
	[ "$(perms_of sem "$K1")" = 600 ]
	[ "$(perms_of mq "$K1")" = 600 ]
	# And nobody still cannot get in.
	expect_denied shm read "$K1"
	expect_denied sem get "$K1"
	expect_denied mq recv "$K1" --nowait
}

@test "a 0666 object made by root is usable by nobody" {
	"$SYSVCTL" sem create "$K1" -m 0666 >/dev/null
	run as_nobody "$SYSVCTL" sem run "$K1" -- true
	assert_success
	run as_nobody "$SYSVCTL" sem get "$K1"
	assert_success
	assert_output 1
}
