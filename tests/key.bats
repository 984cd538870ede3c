#!/usr/bin/env bats
# sysvctl ftok, key REF, key gen, and the global options.

load helpers

@test "--version prints the version" {
	run sysvctl --version
	assert_success
	assert_output "sysvctl 0.1.0"
}

@test "key name: is the FNV-1a hash" {
	run sysvctl key name:hello
	assert_success
	assert_output "0x4f9f2cab"
}

@test "an empty name: is exit 2, for every verb (name:\$UNSET would share one key)" {
	run --separate-stderr sysvctl key name:
	assert_failure 2
	assert_output ""
	[ "$stderr" = "sysvctl: name:: empty name (an unset variable?)" ]
	run --separate-stderr sysvctl sem create name:
	assert_failure 2
	[ "$stderr" = "sysvctl: name:: empty name (an unset variable?)" ]
	[ -z "$(ipcs_id sem 0x811c9dc5)" ]
}

@test "key of a decimal and a hex key prints it as 0x%08x" {
	run sysvctl key 1234
	assert_output "0x000004d2"
	run sysvctl key 0x4D2
	assert_output "0x000004d2"
	run sysvctl key 4294967295
	assert_output "0xffffffff"
}

@test "ftok equals Python's sysv_ipc.ftok" {
	expected=$(/usr/bin/python3 -c 'import sys, sysv_ipc; print("0x%08x" % (sysv_ipc.ftok(sys.argv[1], 7, True) & 0xffffffff))' "$BATS_TEST_FILENAME")
	run sysvctl -q ftok "$BATS_TEST_FILENAME" 7
	assert_success
	assert_output "$expected"
}

@test "key path: equals ftok" {
	run sysvctl -q ftok "$BATS_TEST_FILENAME" 7
	ftok_line=$output
	run sysvctl key "path:$BATS_TEST_FILENAME:7"
	assert_success
	assert_output "$ftok_line"
}

@test "ftok warns about collisions unless -q" {
	run --separate-stderr sysvctl ftok "$BATS_TEST_FILENAME"
	assert_success
	[ "$stderr" = "sysvctl: warning: ftok keys can collide (they keep only 16 bits of the inode and 8 of the device); name:TEXT keys do not" ]
	run --separate-stderr sysvctl ftok -q "$BATS_TEST_FILENAME"
	[ -z "$stderr" ]
}

@test "ftok of a missing path is exit 3 with a hint" {
	run sysvctl ftok /no/such/path
	assert_failure 3
	assert_line --index 0 "sysvctl: /no/such/path: No such file or directory"
	assert_line --index 1 --partial "hint: ftok needs an existing file"
}

@test "ftok PROJ 0 and 256 are exit 2" {
	run sysvctl ftok "$BATS_TEST_FILENAME" 0
	assert_failure 2
	run sysvctl ftok "$BATS_TEST_FILENAME" 256
	assert_failure 2
	run sysvctl key "path:$BATS_TEST_FILENAME:0"
	assert_failure 2
	run sysvctl key "path:$BATS_TEST_FILENAME:256"
	assert_failure 2
}

@test "bad keys are exit 2 with one line" {
	for bad in 0x1ffffffff 0 -5 abc '' 4294967296 18446744073709551616 \
		' 12' 12x 0x 0xg id: id:-1 id:abc nope:1 path:; do
		run sysvctl key "$bad"
		[ "$status" -eq 2 ] || { echo "key '$bad' gave $status"; false; }
	done
	run sysvctl key abc
	assert_output "sysvctl: abc: not a REF (KEY from 1 to 0xffffffff, id:ID, path:PATH[:PROJ], name:TEXT, /NAME)"
}

@test "key 0 hints at IPC_PRIVATE" {
	run sysvctl key 0
	assert_failure 2
	assert_line --index 1 "hint: key 0 is IPC_PRIVATE and names no object; use id:ID for private objects"
}

@test "key path: of a missing path is exit 3" {
	run sysvctl key path:/no/such/path:3
	assert_failure 3
}

@test "key id: needs --for, and looks the object up with it" {
	run sysvctl key id:1
	assert_failure 2
	id=$(ipcmk -Q -p 0600 | grep -o '[0-9]*$')
	track_id mq "$id"
	key=$(ipcs -q | awk -v id="$id" '$2 == id { print $1 }')
	run sysvctl key "id:$id" --for mq
	assert_success
	assert_output "$key"
	run sysvctl key "id:$id" --for shm
	assert_failure 3
}

# IPC_STAT needs read permission; /proc/sysvipc does not.
@test "key id: of an object the user may not read prints its real key" {
	local shm_id sem_id mq_id private_id
	shm_id=$(sysvctl shm create "$K1" -m 600)
	sem_id=$(sysvctl sem create "$K2" -m 600)
	mq_id=$(sysvctl mq create "$K3" -m 600)
	private_id=$(sysvctl shm create private -m 600)
	track_id shm "$private_id"
	run as_nobody "$SYSVCTL" key "id:$shm_id" --for shm
	assert_success
	assert_output "$K1"
	run as_nobody "$SYSVCTL" key "id:$sem_id" --for sem
	assert_success
	assert_output "$K2"
	run as_nobody "$SYSVCTL" --json key "id:$mq_id" --for mq
	assert_success
	[ "$(jq -c . <<<"$output")" = "{\"key\":$((K3))}" ]
	# A private object really has key 0.
	run as_nobody "$SYSVCTL" key "id:$private_id" --for shm
	assert_success
	assert_output "0x00000000"
	# The id of another kind, or of nothing, is exit 3.
	run --separate-stderr as_nobody "$SYSVCTL" key "id:$shm_id" --for mq
	if [ -z "$(ipcs -q | awk -v id="$shm_id" '$2 == id')" ]; then
		assert_failure 3
		[ "${stderr_lines[0]}" = "sysvctl: mq id $shm_id: no such message queue" ]
	fi
}

@test "key gen twenty times gives twenty distinct unused keys" {
	for i in $(seq 20); do sysvctl key gen; done > "$BATS_TEST_TMPDIR/keys"
	[ "$(sort -u "$BATS_TEST_TMPDIR/keys" | wc -l)" -eq 20 ]
	while read -r key; do
		[[ "$key" =~ ^0x[0-7][0-9a-f]{7}$ ]]
		[ "$key" != 0x00000000 ]
		[ -z "$(ipcs -a | awk -v k="$key" '$1 == k')" ]
	done < "$BATS_TEST_TMPDIR/keys"
}

@test "key gen --for takes a kind" {
	run sysvctl key gen --for sem
	assert_success
	run sysvctl key gen --for disk
	assert_failure 2
}

@test "--json prints the key as a number" {
	run sysvctl --json key name:hello
	assert_success
	[ "$(jq -c . <<<"$output")" = '{"key":1335831723}' ]
	run sysvctl key name:hello -j
	[ "$(jq -c . <<<"$output")" = '{"key":1335831723}' ]
}

@test "key and sem get --json print one flat object, byte for byte" {
	run sysvctl key 0xffffffff --json
	assert_success
	assert_output '{
   "key": 4294967295
}'
	K1=$(fresh_key)
	sysvctl sem create "$K1" -v 7 >/dev/null
	run sysvctl sem get "$K1" --json
	assert_success
	assert_output '{
   "value": 7
}'
	sysvctl sem rm "$K1"
}

@test "options stand before or after the REF; -- ends them, - is an operand" {
	run sysvctl key 0x1
	assert_output 0x00000001
	run sysvctl key -- 0x2
	assert_output 0x00000002
	run sysvctl -- key 0x3
	assert_output 0x00000003
	run sysvctl key 0x4 -j
	assert_output '{
   "key": 4
}'
	run sysvctl key -- --json
	assert_failure 2
	assert_output "sysvctl: --json: not a REF (KEY from 1 to 0xffffffff, id:ID, path:PATH[:PROJ], name:TEXT, /NAME)"
	run sysvctl key -
	assert_failure 2
	assert_output "sysvctl: -: not a REF (KEY from 1 to 0xffffffff, id:ID, path:PATH[:PROJ], name:TEXT, /NAME)"
}

@test "a failed write of stdout is exit 1 with one line, through stdio or not" {
	for args in --version "key 0x1" "key 0x1 --json" help; do
		run --separate-stderr sh -c "'$SYSVCTL' $args >/dev/full"
		[ "$status" -eq 1 ] || { echo "$args: $status"; false; }
		[ "$stderr" = "sysvctl: stdout: No space left on device" ]
	done
}

@test "unknown command and option are exit 2 with a pointer to --help" {
	run sysvctl frobnicate
	assert_failure 2
	assert_output "sysvctl: unknown command 'frobnicate' (see 'sysvctl --help')"
	run sysvctl key --frob 1
	assert_failure 2
	assert_output "sysvctl: key: unknown option '--frob' (see 'sysvctl key --help')"
	run sysvctl --frob
	assert_failure 2
}

@test "no command is exit 2 with the usage on stderr" {
	run --separate-stderr sysvctl
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == Usage:* ]]
}

@test "--help works at every level and help CMD is CMD --help" {
	run sysvctl --help
	assert_success
	assert_line --index 0 --partial "Usage: sysvctl"
	run sysvctl key --help
	assert_success
	assert_line --index 0 "Usage: sysvctl key REF"
	help_key=$output
	run sysvctl help key
	assert_success
	assert_output "$help_key"
	run --separate-stderr sysvctl help nosuch
	assert_failure 2
	assert_output ""
	[ "$stderr" = "sysvctl: help: unknown command 'nosuch' (see 'sysvctl help')" ]
	run --separate-stderr sysvctl help --help
	assert_success
	assert_line --index 0 "Usage: sysvctl help [COMMAND [VERB]]"
	[ "$stderr" = "" ]
	run sysvctl help -h
	assert_success
	assert_line --index 0 "Usage: sysvctl help [COMMAND [VERB]]"
}

@test "--ns enters the IPC namespace of a process" {
	start_ipc_ns
	pid=$NS_PID
	# A queue made inside that namespace is seen only through --ns.
	id=$(nsenter -t "$pid" --ipc ipcmk -Q | grep -o '[0-9]*$')
	key=$(nsenter -t "$pid" --ipc ipcs -q | awk -v id="$id" '$2 == id { print $1 }')
	run sysvctl -N "$pid" key "id:$id" --for mq
	assert_success
	assert_output "$key"
	if [ -z "$(ipcs_id mq "$key")" ]; then
		run sysvctl key "id:$id" --for mq
		assert_failure 3
	fi
	run sysvctl -N /proc/self/ns/ipc key name:x
	assert_success
	run sysvctl -N 999999999 key name:x
	assert_failure 3
	assert_output "sysvctl: --ns /proc/999999999/ns/ipc: no such process or namespace file"
	run sysvctl -N "$BATS_TEST_FILENAME" key name:x
	assert_failure 2
	assert_line --index 0 "sysvctl: --ns $BATS_TEST_FILENAME: not an IPC namespace file"
}

# open() of a FIFO waits for a writer: -N must never get that far.
@test "--ns of a FIFO, another namespace, a plain file or a directory is exit 2 at once" {
	local target
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	: > "$BATS_TEST_TMPDIR/plain"
	for target in "$BATS_TEST_TMPDIR/fifo" /proc/self/ns/net /proc/self/ns/uts \
		      "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR" /dev/null; do
		run --separate-stderr timeout 5 "$SYSVCTL" -N "$target" key name:x
		assert_failure 2
		[ -z "$output" ]
		[ "${#stderr_lines[@]}" -eq 2 ]
		[ "${stderr_lines[0]}" = "sysvctl: --ns $target: not an IPC namespace file" ]
		[ "${stderr_lines[1]}" = "hint: give a PID, or a file such as /proc/PID/ns/ipc" ]
	done
	# An IPC namespace file is still entered.
	run timeout 5 "$SYSVCTL" -N /proc/self/ns/ipc key name:x
	assert_success
}

@test "--ns without CAP_SYS_ADMIN is exit 4" {
	run as_nobody "$SYSVCTL" -N 1 key name:x
	assert_failure 4
	assert_line --index 1 "hint: entering a namespace needs CAP_SYS_ADMIN (run as root)"
}
