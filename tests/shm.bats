#!/usr/bin/env bats
# sysvctl shm: create, write, read, stat, rm.

load helpers


# The bytes of a segment as hex, one string (for before/after checks).
shm_hex() {
	sysvctl shm read "$1" | od -An -v -tx1 | tr -d ' \n'
}

# Hold segment KEY attached from a Python process in the background until
# teardown; waits until the attach is visible.
hold_attached() {
	"$PY" -c 'import sys, time, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
print("attached", flush=True)
time.sleep(60)' "$1" >"$BATS_TEST_TMPDIR/hold.out" &
	track_pid $!
	poll_until grep -q attached "$BATS_TEST_TMPDIR/hold.out"
}

# --- create -----------------------------------------------------------------

@test "create prints the id of a new segment of one page, mode 0600" {
	run sysvctl shm create "$K1"
	assert_success
	assert_output "$(ipcs_id shm "$K1")"
	run sysvctl shm stat "$K1" -o SIZE,MODE --bytes --noheadings --raw
	assert_output "$(getconf PAGESIZE) 0600"
}

@test "create -s and -m set the size and mode" {
	sysvctl shm create "$K1" -s 10K -m 640
	run sysvctl shm stat "$K1" -o SIZE,MODE --bytes --noheadings --raw
	assert_output "10240 0640"
}

@test "create of an existing key is exit 5 with a hint" {
	sysvctl shm create "$K1"
	run --separate-stderr sysvctl shm create "$K1"
	assert_failure 5
	[ "${stderr_lines[0]}" = "sysvctl: shm $K1: a shared memory segment with this key already exists" ]
	[[ "${stderr_lines[1]}" == "hint: use it as it is with --exist-ok"* ]]
}

@test "create --exist-ok opens a segment of another size and warns with both sizes" {
	id=$(sysvctl shm create "$K1" -s 100)
	run --separate-stderr sysvctl shm create "$K1" -s 200 --exist-ok
	assert_success
	[ "$output" = "$id" ]
	[ "$stderr" = "sysvctl: warning: shm $K1 (id $id) already exists with 100 bytes, not the 200 asked for" ]
	run --separate-stderr sysvctl shm create "$K1" -s 100 -p
	assert_success
	[ "$output" = "$id" ]
	[ -z "$stderr" ]
}

@test "create --exist-ok makes the segment when there is none" {
	run sysvctl shm create "$K1" -s 300 --exist-ok
	assert_success
	assert_output "$(ipcs_id shm "$K1")"
}

@test "create -s 0 is exit 2" {
	run sysvctl shm create "$K1" -s 0
	assert_failure 2
	[ -z "$(ipcs_id shm "$K1")" ]
}

@test "create above kernel.shmmax is exit 7 naming the limit" {
	# In a private IPC namespace, whose shmmax is its own to lower.
	unshare --ipc true 2>/dev/null || skip "needs unshare --ipc (root)"
	run --separate-stderr unshare --ipc sh -c \
		'echo 4096 > /proc/sys/kernel/shmmax && exec "$0" shm create "$1" -s 8K' \
		"$SYSVCTL" "$K1"
	assert_failure 7
	[ "${stderr_lines[0]}" = "sysvctl: shm $K1: size 8192 is above the limit kernel.shmmax (4096 bytes)" ]
	[ "${stderr_lines[1]}" = "hint: raise it as root with 'sysctl -w kernel.shmmax=8192'" ]
}

@test "create private prints a new id" {
	run sysvctl shm create private -s 64
	assert_success
	track_id shm "$output"
	run sysvctl shm stat "id:$output" -o KEY,SIZE --bytes --noheadings --raw
	assert_output "0x00000000 64"
}

@test "create --json prints the stat object" {
	run sysvctl shm create "$K1" -s 64 --json
	assert_success
	[ "$(jq -r '"\(.id) \(.size) \(.mode)"' <<<"$output")" = "$(ipcs_id shm "$K1") 64 0600" ]
}

# --- write and read -----------------------------------------------------------

@test "NUL bytes round trip exactly" {
	sysvctl shm create "$K1" -s 8
	printf 'a\0b\0\0c' | sysvctl shm write "$K1"
	[ "$(sysvctl shm read "$K1" | od -An -tx1)" = " 61 00 62 00 00 63 00 00" ]
}

@test "read adds no trailing newline" {
	sysvctl shm create "$K1" -s 3
	sysvctl shm write "$K1" abc
	[ "$(sysvctl shm read "$K1" | od -An -tx1)" = " 61 62 63" ]
}

@test "a random MiB from a file round trips through stdin" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	sysvctl shm create "$K1" -s 1M
	sysvctl shm write "$K1" <"$BATS_TEST_TMPDIR/in"
	sysvctl shm read "$K1" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a random MiB from a pipe round trips" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	sysvctl shm create "$K1" -s 1M
	cat "$BATS_TEST_TMPDIR/in" | sysvctl shm write "$K1"
	sysvctl shm read "$K1" | cmp - "$BATS_TEST_TMPDIR/in"
}

@test "write from a file stdin starts at the file's current position" {
	printf '0123456789' >"$BATS_TEST_TMPDIR/in"
	sysvctl shm create "$K1" -s 10
	{ head -c 4 >/dev/null; sysvctl shm write "$K1"; } <"$BATS_TEST_TMPDIR/in"
	[ "$(sysvctl shm read "$K1" -n 6)" = "456789" ]
}

@test "write from a /proc file that says it is empty writes its content" {
	sysvctl shm create "$K1" -s 64
	sysvctl shm write "$K1" </proc/sys/kernel/ostype
	[ "$(sysvctl shm read "$K1" -n 6 | od -An -c | tr -d ' ')" = 'Linux\n' ]
}

@test "write and read at an offset" {
	sysvctl shm create "$K1" -s 16
	sysvctl shm write "$K1" -o 10 hello
	[ "$(sysvctl shm read "$K1" -o 10 -n 5)" = "hello" ]
	[ "$(sysvctl shm read "$K1" -o 1K -n 1 2>&1)" = "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): offset 1024 is at or beyond the end of the segment (16 bytes)" ]
	[ "$(sysvctl shm read "$K1" -n 12 | od -An -tx1 | tr -d ' ')" = "000000000000000000006865" ]
}

@test "read past the end is clamped" {
	sysvctl shm create "$K1" -s 8
	sysvctl shm write "$K1" abcdefgh
	run sysvctl shm read "$K1" -o 5 -n 100
	assert_success
	assert_output "fgh"
	run sysvctl shm read "$K1" -n 1G
	assert_output "abcdefgh"
}

@test "read at or beyond the end is exit 2" {
	sysvctl shm create "$K1" -s 8
	run sysvctl shm read "$K1" -o 8
	assert_failure 2
	run sysvctl shm read "$K1" -o 9
	assert_failure 2
	run sysvctl shm read "$K1" -o 7
	assert_success
}

@test "read -n 0 prints nothing" {
	sysvctl shm create "$K1" -s 8
	run sysvctl shm read "$K1" -n 0
	assert_success
	assert_output ""
}

@test "write of DATA that does not fit writes nothing, exit 7" {
	sysvctl shm create "$K1" -s 8
	sysvctl shm write "$K1" 12345678
	before=$(shm_hex "$K1")
	run --separate-stderr sysvctl shm write "$K1" -o 4 hello
	assert_failure 7
	[ "$stderr" = "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): 5 bytes at offset 4 do not fit in the segment (8 bytes); nothing was written" ]
	[ "$(shm_hex "$K1")" = "$before" ]
	run sysvctl shm write "$K1" 123456789
	assert_failure 7
	[ "$(shm_hex "$K1")" = "$before" ]
}

@test "write of piped stdin that does not fit writes nothing, exit 7" {
	sysvctl shm create "$K1" -s 4K
	head -c 4K /dev/urandom | sysvctl shm write "$K1"
	before=$(shm_hex "$K1")
	run --separate-stderr bash -c 'head -c 5000 /dev/zero | "$0" shm write "$1"' "$SYSVCTL" "$K1"
	assert_failure 7
	[[ "$stderr" == *"more than 4096 bytes at offset 0 do not fit in the segment (4096 bytes); nothing was written" ]]
	[ "$(shm_hex "$K1")" = "$before" ]
	run bash -c 'head -c 100 /dev/zero | "$0" shm write -o 4000 "$1"' "$SYSVCTL" "$K1"
	assert_failure 7
	[ "$(shm_hex "$K1")" = "$before" ]
	# An endless stream is cut off after one byte more than fits.
	run bash -c '"$0" shm write "$1" </dev/zero' "$SYSVCTL" "$K1"
	assert_failure 7
	[ "$(shm_hex "$K1")" = "$before" ]
}

@test "write of a file stdin that does not fit writes nothing, exit 7" {
	sysvctl shm create "$K1" -s 16
	sysvctl shm write "$K1" abcdefghijklmnop
	head -c 17 /dev/zero >"$BATS_TEST_TMPDIR/in"
	run sysvctl shm write "$K1" <"$BATS_TEST_TMPDIR/in"
	assert_failure 7
	[ "$(sysvctl shm read "$K1")" = "abcdefghijklmnop" ]
}

@test "write at an offset beyond the end is exit 7, at the end with no data is fine" {
	sysvctl shm create "$K1" -s 8
	run --separate-stderr sysvctl shm write "$K1" -o 9 ''
	assert_failure 7
	[[ "$stderr" == *"offset 9 is beyond the end of the segment (8 bytes); nothing was written" ]]
	run sysvctl shm write "$K1" -o 8 ''
	assert_success
}

@test "write DATA - reads stdin" {
	sysvctl shm create "$K1" -s 16
	printf 'piped' | sysvctl shm write "$K1" -
	run sysvctl shm read "$K1" -n 5
	assert_output "piped"
	printf 'xy' | sysvctl shm write "$K1" -o 1 -- -
	run sysvctl shm read "$K1" -n 3
	assert_output "pxy"
}

@test "read of binary data to a terminal is refused; text, --hex and pipes are not" {
	sysvctl shm create "$K1" -s 16
	sysvctl shm write "$K1" hello
	run "$BATS_TEST_DIRNAME/on_pty.py" "$SYSVCTL" shm read "$K1" -n 5
	assert_success
	assert_output "hello"
	printf '\033[2J\001' | sysvctl shm write "$K1"
	run "$BATS_TEST_DIRNAME/on_pty.py" "$SYSVCTL" shm read "$K1"
	assert_failure 2
	assert_output "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): binary data not written to a terminal
hint: use --hex to see it, or redirect stdout to a file or a pipe"
	run "$BATS_TEST_DIRNAME/on_pty.py" "$SYSVCTL" shm read "$K1" --hex -n 4
	assert_success
	assert_output "00000000  1b 5b 32 4a                                       |.[2J|
00000004"
	[ "$(sysvctl shm read "$K1" -n 5 | od -An -tx1 | tr -d ' ')" = 1b5b324a01 ]
}

@test "write from a terminal says it reads the data from there" {
	sysvctl shm create "$K1" -s 16
	run "$BATS_TEST_DIRNAME/on_pty.py" --after Ctrl-D --send 'typed\x04\x04' \
		"$SYSVCTL" shm write "$K1"
	assert_success
	# The terminal echoes what is typed after the warning.
	[[ "$output" == "sysvctl: warning: shm write: reading the data from the terminal until Ctrl-D (give it as an argument, or redirect stdin)"* ]]
	run sysvctl shm read "$K1" -n 5
	assert_output "typed"
	run "$BATS_TEST_DIRNAME/on_pty.py" "$SYSVCTL" shm write "$K1" -q
	assert_success
	assert_output ""
}

@test "write prints nothing" {
	sysvctl shm create "$K1" -s 8
	run --separate-stderr sysvctl shm write "$K1" abc
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
}

@test "write --create of data that cannot fit is exit 7 and leaves no segment behind" {
	run --separate-stderr sysvctl shm write "$K1" --create -s 10 "longer than ten bytes"
	[ "$status" -eq 7 ]
	[ "$stderr" = "sysvctl: shm $K1: 21 bytes at offset 0 do not fit in the segment (10 bytes); nothing was written" ]
	run sysvctl shm write "$K1" --create --framed -s 4 abcd
	[ "$status" -eq 7 ]
	run sysvctl shm write "$K1" --create -s 10 -o 8 abc
	[ "$status" -eq 7 ]
	head -c 100 /dev/zero >"$BATS_TEST_TMPDIR/f100"
	run sysvctl shm write "$K1" --create -s 10 <"$BATS_TEST_TMPDIR/f100"
	[ "$status" -eq 7 ]
	run bash -c 'head -c 100 /dev/zero | "$0" shm write "$1" --create -s 10' "$SYSVCTL" "$K1"
	[ "$status" -eq 7 ]
	[ -z "$(ipcs_id shm "$K1")" ]
	[ -z "$(ipcs_id sem "$K1")" ]
	# What fits makes it, as before.
	printf 'fits' | sysvctl shm write "$K1" --create -s 10 --framed
	[ "$(sysvctl shm read "$K1" --framed)" = fits ]
}

@test "write --create makes a missing segment with -s and -m" {
	run sysvctl shm write "$K1" --create -s 32 -m 644 hi
	assert_success
	run sysvctl shm stat "$K1" -o SIZE,MODE --bytes --noheadings --raw
	assert_output "32 0644"
	[ "$(sysvctl shm read "$K1" -n 2)" = "hi" ]
	# An existing one is used as it is, whatever -s says.
	sysvctl shm write "$K1" -c -s 64 yo
	run sysvctl shm stat "$K1" -o SIZE --bytes --noheadings --raw
	assert_output "32"
}

@test "write -s without --create is exit 2" {
	sysvctl shm create "$K1"
	run sysvctl shm write "$K1" -s 10 x
	assert_failure 2
}

@test "write and read to a missing segment are exit 3 with a hint" {
	run --separate-stderr sysvctl shm read "$K1"
	assert_failure 3
	[ "${stderr_lines[0]}" = "sysvctl: shm $K1: no such shared memory segment" ]
	[ "${stderr_lines[1]}" = "hint: create it with 'sysvctl shm create $K1'" ]
	run --separate-stderr sysvctl shm write "$K1" x
	assert_failure 3
	[ "${stderr_lines[1]}" = "hint: create it with 'sysvctl shm create $K1' or pass --create to write" ]
	run sysvctl shm stat "$K1"
	assert_failure 3
	[ -z "$(ipcs_id shm "$K1")" ]
}

@test "read | head -c 10 prints no error, also with SIGPIPE ignored" {
	sysvctl shm create "$K1" -s 4M
	run --separate-stderr bash -c 'set -o pipefail; "$0" shm read "$1" | head -c 10 | wc -c' "$SYSVCTL" "$K1"
	[ "$output" = "10" ]
	[ -z "$stderr" ]
	run --separate-stderr bash -c 'trap "" PIPE; set -o pipefail; "$0" shm read "$1" | head -c 10 | wc -c' "$SYSVCTL" "$K1"
	assert_success
	[ "$output" = "10" ]
	[ -z "$stderr" ]
}

# --- framed -------------------------------------------------------------------

@test "framed write stores a native-endian length before the bytes" {
	sysvctl shm create "$K1" -s 16
	sysvctl shm write "$K1" --framed hello
	[ "$(sysvctl shm read "$K1" -n 4 | od -An -tu4 | tr -d ' ')" = "5" ]
	[ "$(sysvctl shm read "$K1" -o 4 -n 5)" = "hello" ]
	expected=$("$PY" -c 'import struct, sys; sys.stdout.write(struct.pack("=I", 5).hex() + "68656c6c6f")')
	[ "$(sysvctl shm read "$K1" -n 9 | od -An -tx1 | tr -d ' \n')" = "$expected" ]
}

@test "framed round trip prints only the payload, NUL bytes included" {
	sysvctl shm create "$K1" -s 64
	sysvctl shm write "$K1" -o 8 --framed longer-message
	printf 'x\0y' | sysvctl shm write "$K1" -o 8 --framed
	[ "$(sysvctl shm read "$K1" -o 8 --framed | od -An -tx1)" = " 78 00 79" ]
}

@test "framed write counts the length in the room, all or nothing" {
	sysvctl shm create "$K1" -s 8
	run sysvctl shm write "$K1" --framed abcde
	assert_failure 7
	[ "$(shm_hex "$K1")" = "0000000000000000" ]
	run sysvctl shm write "$K1" --framed abcd
	assert_success
	run bash -c 'printf abcde | "$0" shm write --framed "$1"' "$SYSVCTL" "$K1"
	assert_failure 7
	[ "$(sysvctl shm read "$K1" --framed)" = "abcd" ]
}

@test "a frame length beyond the segment is exit 1, not a crash" {
	sysvctl shm create "$K1" -s 16
	printf '\377\377\377\177rest' | sysvctl shm write "$K1"
	run --separate-stderr sysvctl shm read "$K1" --framed
	assert_failure 1
	[ "${stderr_lines[0]}" = "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): the frame at offset 0 says 2147483647 bytes, but only 12 follow its length in the segment" ]
	[[ "${stderr_lines[1]}" == "hint: a frame is a 4-byte native-endian length"* ]]
	run sysvctl shm read "$K1" --framed -o 14
	assert_failure 1
	run sysvctl shm read "$K1" --framed -o 16
	assert_failure 2
}

@test "framed write from a file stdin round trips" {
	printf 'file\0data' >"$BATS_TEST_TMPDIR/in"
	sysvctl shm create "$K1" -s 32
	sysvctl shm write "$K1" --framed -o 3 <"$BATS_TEST_TMPDIR/in"
	[ "$(sysvctl shm read "$K1" -o 3 -n 4 | od -An -tu4 | tr -d ' ')" = "9" ]
	sysvctl shm read "$K1" -o 3 --framed | cmp - "$BATS_TEST_TMPDIR/in"
}

@test "create --exist-ok prints the id of a segment another user may not read" {
	id=$(sysvctl shm create "$K1" -s 8 -m 600)
	run as_nobody "$SYSVCTL" shm create "$K1" --exist-ok
	assert_success
	assert_output "$id"
}

@test "read --framed with -n is exit 2" {
	sysvctl shm create "$K1" -s 16
	run sysvctl shm read "$K1" --framed -n 3
	assert_failure 2
}

# --- hex ----------------------------------------------------------------------

@test "--hex matches hexdump -C, repeated lines and absolute offsets included" {
	{ printf 'Hello, \001\377world'; head -c 70 /dev/zero; printf 'abcdefghijklmnop%.0s' 1 2 3; printf 'end'; } \
		>"$BATS_TEST_TMPDIR/in"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/in")
	sysvctl shm create "$K1" -s "$size"
	sysvctl shm write "$K1" <"$BATS_TEST_TMPDIR/in"
	for args in "" "-o 3" "-o 20 -n 40" "-o 90" "-o 17 -n 1" "-n 96"; do
		diff <(sysvctl shm read "$K1" -x $args) \
			<(hexdump -C ${args/-o/-s} "$BATS_TEST_TMPDIR/in")
	done
	run sysvctl shm read "$K1" --hex -n 32
	assert_output - <<-EOF
	00000000  48 65 6c 6c 6f 2c 20 01  ff 77 6f 72 6c 64 00 00  |Hello, ..world..|
	00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
	00000020
	EOF
}

@test "--hex --framed dumps the payload at its offset" {
	sysvctl shm create "$K1" -s 16
	sysvctl shm write "$K1" --framed -o 2 AB
	run sysvctl shm read "$K1" --framed -o 2 -x
	assert_success
	assert_output - <<-EOF
	00000006  41 42                                             |AB|
	00000008
	EOF
}

# --- stat ---------------------------------------------------------------------

@test "stat --json is one flat object with typed fields, atime null before any attach" {
	sysvctl shm create "$K1" -s 128
	run sysvctl shm stat "$K1" --json
	assert_success
	run jq -r '[.key, .id, .size, .nattch, .cpid, .lpid, .mode, .uid, .gid, .cuid, .cgid,
		.atime, .dtime, .ctime, .marked_for_removal] | map(type) | join(",")' <<<"$output"
	assert_output "number,number,number,number,number,number,string,number,number,number,number,null,null,number,boolean"
	json=$(sysvctl shm stat "$K1" --json)
	[ "$(jq -r '"\(.key) \(.size) \(.mode) \(.nattch) \(.marked_for_removal) \(.lpid) \(.cpid > 0)"' <<<"$json")" = \
		"$((K1)) 128 0600 0 false 0 true" ]
	[ "$(jq 'keys | length' <<<"$json")" = 15 ]
}

@test "stat --json shows atime after an attach" {
	sysvctl shm create "$K1" -s 8
	sysvctl shm write "$K1" x
	run sysvctl shm stat "$K1" --json
	[ "$(jq -r '(.atime | type) + " " + (.dtime | type)' <<<"$output")" = "number number" ]
}

@test "stat prints a table with the contract's fields" {
	sysvctl shm create "$K1" -s 1M
	run sysvctl shm stat "$K1" --noheadings
	assert_success
	run sysvctl shm stat "$K1" --raw
	assert_line --index 0 'KEY ID SIZE NATTCH CPID LPID MODE UID GID CUID CGID ATIME DTIME CTIME MARKED-FOR-REMOVAL'
	run sysvctl shm stat "$K1" -o ID,SIZE,ATIME,MARKED-FOR-REMOVAL --raw --noheadings
	assert_output "$(ipcs_id shm "$K1") 1M - no"
	run sysvctl shm stat "$K1" -o SIZE --bytes --noheadings
	assert_output "1048576"
}

@test "stat -o with an unknown column is exit 2" {
	sysvctl shm create "$K1"
	run sysvctl shm stat "$K1" -o SIZE,NOPE
	assert_failure 2
	run sysvctl shm stat "$K1" -o COMMAND
	assert_failure 2
}

# --- rm -----------------------------------------------------------------------

@test "rm removes segments" {
	sysvctl shm create "$K1"
	sysvctl shm create "$K2"
	run --separate-stderr sysvctl shm rm "$K1" "$K2"
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
	[ -z "$(ipcs_id shm "$K1")" ] && [ -z "$(ipcs_id shm "$K2")" ]
}

@test "rm of an attached segment marks it for removal and says so" {
	id=$(sysvctl shm create "$K1" -s 64)
	track_id shm "$id"
	hold_attached "$K1"
	run --separate-stderr sysvctl shm rm "$K1"
	assert_success
	[ "$stderr" = "sysvctl: warning: shm $K1 (id $id): marked for removal; still attached 1 time, it goes when the last attachment is detached" ]
	[ -z "$(ipcs_id shm "$K1")" ]
	run sysvctl shm stat "id:$id" --json
	assert_success
	[ "$(jq -r '"\(.marked_for_removal) \(.nattch) \(.key)"' <<<"$output")" = "true 1 0" ]
	run --separate-stderr sysvctl -q shm rm "id:$id"
	assert_success
	[ -z "$stderr" ]
}

@test "rm of a segment one process attached twice counts attachments, not processes" {
	id=$(sysvctl shm create "$K1" -s 64)
	track_id shm "$id"
	"$PY" -c 'import sys, time, sysv_ipc
first = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
second = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
print("attached", flush=True)
time.sleep(60)' "$K1" >"$BATS_TEST_TMPDIR/twice.out" &
	track_pid $!
	poll_until grep -q attached "$BATS_TEST_TMPDIR/twice.out"
	run --separate-stderr sysvctl shm rm "$K1"
	assert_success
	[ "$stderr" = "sysvctl: warning: shm $K1 (id $id): marked for removal; still attached 2 times, it goes when the last attachment is detached" ]
}

@test "rm of a missing segment does not offer --create" {
	run --separate-stderr sysvctl shm rm "$K1"
	assert_failure 3
	[ "$stderr" = "sysvctl: shm $K1: no such shared memory segment
hint: create it with 'sysvctl shm create $K1'" ]
}

@test "stat of a key that names another kind says which kind" {
	sysvctl sem create "$K1" >/dev/null
	run --separate-stderr sysvctl shm stat "$K1"
	assert_failure 3
	[ "$stderr" = "sysvctl: shm $K1: no such shared memory segment
hint: key $K1 names a semaphore set, not a shared memory segment: see 'sysvctl sem stat $K1'" ]
	sysvctl mq create "$K1" >/dev/null
	run --separate-stderr sysvctl shm read "$K1"
	assert_failure 3
	[ "${stderr_lines[1]}" = "hint: key $K1 names a semaphore set and a message queue, not a shared memory segment: see 'sysvctl ls --key $K1'" ]
}

@test "a missing id is not offered a create" {
	run --separate-stderr sysvctl shm stat id:2147483000
	assert_failure 3
	[ "$stderr" = "sysvctl: shm id 2147483000: no such shared memory segment
hint: 'sysvctl ls shm' lists the ids in use" ]
}

@test "rm goes on past a missing segment and exits 3 at the end" {
	sysvctl shm create "$K2"
	run --separate-stderr sysvctl shm rm "$K1" "$K2"
	assert_failure 3
	[ "${stderr_lines[0]}" = "sysvctl: shm $K1: no such shared memory segment" ]
	[ -z "$(ipcs_id shm "$K2")" ]
}

@test "rm of a path: whose file is gone counts as missing" {
	sysvctl shm create "$K1"
	run --separate-stderr sysvctl shm rm path:/no/such/file "$K1"
	assert_failure 3
	[ "$stderr" = "sysvctl: /no/such/file: No such file or directory
hint: ftok needs an existing file or directory; every process must name the same one" ]
	[ -z "$(ipcs_id shm "$K1")" ]
}

@test "rm with a malformed REF removes nothing, exit 2" {
	sysvctl shm create "$K1"
	run sysvctl shm rm "$K1" bogus
	assert_failure 2
	[ -n "$(ipcs_id shm "$K1")" ]
}

# --- permissions --------------------------------------------------------------

@test "another user without permission gets exit 4" {
	sysvctl shm create "$K1" -s 8 -m 600
	sysvctl shm write "$K1" secret
	run as_nobody "$SYSVCTL" shm read "$K1"
	assert_failure 4
	assert_line --index 0 --partial "Permission denied"
	run as_nobody "$SYSVCTL" shm write "$K1" x
	assert_failure 4
	run as_nobody "$SYSVCTL" shm stat "$K1"
	assert_failure 4
	run as_nobody "$SYSVCTL" shm rm "$K1"
	assert_failure 4
	[ "$(sysvctl shm read "$K1" -n 6)" = "secret" ]
}

@test "a read-only mode lets another user read but not write" {
	sysvctl shm create "$K1" -s 4 -m 644
	sysvctl shm write "$K1" abcd
	run as_nobody "$SYSVCTL" shm read "$K1"
	assert_success
	assert_output "abcd"
	run as_nobody "$SYSVCTL" shm write "$K1" x
	assert_failure 4
}

# --- interoperability ---------------------------------------------------------

@test "bytes written by sysvctl read the same in Python sysv_ipc" {
	sysvctl shm create "$K1" -s 16
	printf 'py\0thon' | sysvctl shm write "$K1" -o 2
	run "$PY" -c 'import sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
sys.stdout.write(m.read(10).hex())' "$K1"
	assert_success
	assert_output "000070790074686f6e00"
}

@test "bytes written by Python sysv_ipc read the same in sysvctl, framed too" {
	"$PY" -c 'import struct, sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, size=64)
m.write(b"raw\x00bytes")
m.write(struct.pack("=i", 6) + b"fr\x00med", offset=32)' "$K1"
	[ "$(sysvctl shm read "$K1" -n 9 | od -An -tx1)" = " 72 61 77 00 62 79 74 65 73" ]
	[ "$(sysvctl shm read "$K1" -o 32 --framed | od -An -tx1)" = " 66 72 00 6d 65 64" ]
}

@test "a frame written by sysvctl is read by Python as int length then bytes" {
	sysvctl shm create "$K1" -s 64
	sysvctl shm write "$K1" --framed 'hi there'
	run "$PY" -c 'import struct, sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
n, = struct.unpack("=i", m.read(4))
sys.stdout.write(m.read(n, offset=4).decode())' "$K1"
	assert_output "hi there"
}

# --- framed: whole frames, interrupted writes, the companion set -------------

FRAMED_PY=$BATS_TEST_DIRNAME/framed.py

# The values of KEY's companion set, "LOCK DONE GEN", or "none".
guard_state() {
	"$PY" "$FRAMED_PY" state "$1"
}

# A frame of KEY left half-written: a segment of 64 MiB with a first
# frame, then a writer killed by SIGKILL in the middle of its copy.
interrupt_a_write() {
	sysvctl shm create "$1" -s 64M >/dev/null
	sysvctl shm write "$1" --framed old
	uniform_file z 60M "$BATS_TEST_TMPDIR/big"
	run "$PY" "$FRAMED_PY" kill-mid-copy "$1" KILL "$SYSVCTL" shm write "$1" --framed <"$BATS_TEST_TMPDIR/big"
	assert_output 137
}

@test "concurrent framed writers and readers never see a torn frame" {
	local dir=$BATS_TEST_TMPDIR
	sysvctl shm create "$K1" -s 3M >/dev/null
	uniform_file a 1048573 "$dir/a"
	uniform_file b 524291 "$dir/b"
	sysvctl shm write "$K1" --framed <"$dir/a"
	# Each loop stops after 150 rounds or 15 s, whichever comes first.
	writer() {
		for _ in $(seq 150); do
			[ "$SECONDS" -lt 15 ] || break
			"$SYSVCTL" shm write "$K1" --framed <"$dir/$1" || echo "write $?" >>"$dir/bad"
		done
	}
	reader() {
		for _ in $(seq 150); do
			[ "$SECONDS" -lt 15 ] || break
			if ! "$SYSVCTL" shm read "$K1" --framed >"$dir/out$1"; then
				echo "read $?" >>"$dir/bad"
			elif cmp -s "$dir/out$1" "$dir/a" || cmp -s "$dir/out$1" "$dir/b"; then
				echo >>"$dir/whole$1"
			else
				echo "torn: $(wc -c <"$dir/out$1") bytes" >>"$dir/bad"
			fi
		done
	}
	SECONDS=0
	writer a & writer b & reader 1 & reader 2 &
	wait
	echo "# $(cat "$dir"/whole* | wc -l) whole frames read, $(cat "$dir/bad" 2>/dev/null | wc -l) bad, in $SECONDS s" >&3
	[ ! -e "$dir/bad" ] || { sort "$dir/bad" | uniq -c; false; }
}

@test "a writer killed by SIGKILL mid-copy leaves an incomplete frame (exit 8) until a whole one is written" {
	sysvctl shm create "$K1" -s 64M >/dev/null
	sysvctl shm write "$K1" --framed old
	uniform_file z 60M "$BATS_TEST_TMPDIR/big"
	run "$PY" "$FRAMED_PY" kill-mid-copy "$K1" KILL "$SYSVCTL" shm write "$K1" --framed <"$BATS_TEST_TMPDIR/big"
	assert_success
	assert_output 137
	[ "$(guard_state "$K1" | cut -d' ' -f1,2)" = "1 0" ]
	run --separate-stderr sysvctl shm read "$K1" --framed
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): incomplete frame at offset 0: a write into the segment was interrupted and none has completed since" ]
	# Reported again, by any reader, until a write completes.
	run sysvctl shm read "$K1" --framed -x
	[ "$status" -eq 8 ]
	sysvctl shm write "$K1" --framed new
	run sysvctl shm read "$K1" --framed
	assert_success
	assert_output new
}

@test "a plain write killed mid-copy makes read --framed report an incomplete frame" {
	sysvctl shm create "$K1" -s 64M >/dev/null
	sysvctl shm write "$K1" --framed old
	uniform_file z 60M "$BATS_TEST_TMPDIR/big"
	run "$PY" "$FRAMED_PY" kill-mid-copy "$K1" KILL "$SYSVCTL" shm write "$K1" -o 0 <"$BATS_TEST_TMPDIR/big"
	assert_output 137
	run sysvctl shm read "$K1" --framed
	[ "$status" -eq 8 ]
	[ "$output" = "sysvctl: shm $K1 (id $(ipcs_id shm "$K1")): incomplete frame at offset 0: a write into the segment was interrupted and none has completed since" ]
	# A plain read still reads the bytes as they are.
	run sysvctl shm read "$K1" -o 4 -n 3
	assert_success
	# A plain write that completes clears the mark too.
	printf '\003\000\000\000abc' | sysvctl shm write "$K1" -o 0
	run sysvctl shm read "$K1" --framed
	assert_success
	assert_output abc
}

@test "SIGTERM and SIGINT during a write are held until the copy ends, then end it (143, 130)" {
	sysvctl shm create "$K1" -s 64M >/dev/null
	uniform_file t 50M "$BATS_TEST_TMPDIR/t"
	uniform_file i 40M "$BATS_TEST_TMPDIR/i"
	run "$PY" "$FRAMED_PY" kill-mid-copy "$K1" TERM "$SYSVCTL" shm write "$K1" --framed <"$BATS_TEST_TMPDIR/t"
	assert_output 143
	sysvctl shm read "$K1" --framed | cmp - "$BATS_TEST_TMPDIR/t"
	run "$PY" "$FRAMED_PY" kill-mid-copy "$K1" INT "$SYSVCTL" shm write "$K1" --framed <"$BATS_TEST_TMPDIR/i"
	assert_output 130
	sysvctl shm read "$K1" --framed | cmp - "$BATS_TEST_TMPDIR/i"
	[ "$(guard_state "$K1" | cut -d' ' -f1,2)" = "1 1" ]
}

@test "a plain length-prefix reader in Python reads a guarded frame; the companion set says it is whole" {
	sysvctl shm create "$K1" -s 64 >/dev/null
	printf 'py\0reader' | sysvctl shm write "$K1" -o 8 --framed
	# The protocol of sysvctl-shm(1): values of the set, the frame, the
	# values again; lock 1, done 1 and the same generation: whole.
	run "$PY" -c 'import ctypes, struct, sys, sysv_ipc
key = int(sys.argv[1], 16)
libc = ctypes.CDLL(None)
def values():
    v = (ctypes.c_ushort * 3)()
    assert libc.semctl(libc.semget(key, 0, 0), 0, 13, v) == 0
    return list(v)
before = values()
m = sysv_ipc.SharedMemory(key)
n, = struct.unpack("=I", m.read(4, offset=8))
data = m.read(n, offset=12)
after = values()
assert before == after and before[0] == 1 and before[1] == 1, (before, after)
sys.stdout.write(repr(data))' "$K1"
	assert_success
	assert_output "b'py\\x00reader'"
}

@test "the companion set has the segment's owner and mode; a reader with read permission only reads frames" {
	sysvctl shm create "$K1" -s 64 -m 0644 >/dev/null
	# nobody reads first, and so makes the set: it is still root's, 0644.
	run as_nobody "$SYSVCTL" shm read "$K1" --framed
	assert_success
	assert_output ""
	run ipcs -s -c
	[ "$(ipcs -s | awk -v k="$K1" 'tolower($1) == tolower(k) { print $3, $4, $5 }')" = "root 644 3" ]
	sysvctl shm write "$K1" --framed shared
	run as_nobody "$SYSVCTL" shm read "$K1" --framed
	assert_success
	assert_output shared
	run as_nobody "$SYSVCTL" shm write "$K1" --framed nope
	[ "$status" -eq 4 ]
}

@test "a set of other semaphores under the segment's key stops --framed (exit 5), not a plain write" {
	sysvctl shm create "$K1" -s 64 >/dev/null
	sysvctl sem create "$K1" >/dev/null
	run --separate-stderr sysvctl shm write "$K1" --framed x
	[ "$status" -eq 5 ]
	[ "$stderr" = "sysvctl: sem $K1 (id $(ipcs_id sem "$K1")): the segment's key is used by a set of 1 semaphore, not its companion set of 3: frames in this segment cannot be guarded" ]
	run --separate-stderr sysvctl shm read "$K1" --framed
	[ "$status" -eq 5 ]
	run --separate-stderr sysvctl shm write "$K1" plain
	assert_success
	[ "$stderr" = "sysvctl: warning: sem $K1 (id $(ipcs_id sem "$K1")): the segment's key is used by a set of 1 semaphore, not its companion set of 3: frames in this segment cannot be guarded" ]
	[ "$(sysvctl shm read "$K1" -n 5)" = plain ]
	[ "$(sysvctl sem get "$K1")" = 1 ]
}

@test "shm rm removes the segment's companion set, and only that" {
	sysvctl shm create "$K1" -s 64 >/dev/null
	sysvctl shm write "$K1" --framed x
	[ "$(guard_state "$K1")" = "1 1 2" ]
	sysvctl shm create "$K2" -s 64 >/dev/null
	sysvctl sem create "$K2" -n 3 >/dev/null
	sysvctl shm rm "$K1" "id:$(ipcs_id shm "$K2")"
	[ -z "$(ipcs_id sem "$K1")" ]
	[ -z "$(ipcs_id shm "$K1")" ]
	# A set of 3 under K2 that no write ever used is removed too: it is
	# the segment's by its key and size; a set of another size is not.
	[ -z "$(ipcs_id sem "$K2")" ]
}

@test "bulk rm never takes a segment's companion set on its own: an interrupted write stays reported" {
	interrupt_a_write "$K1"
	set_id=$(ipcs_id sem "$K1") seg_id=$(ipcs_id shm "$K1")
	# An orphan with its segment (nobody attached, the writers gone); it
	# is removed only with it.
	run sysvctl ls --orphans -o KEY,ID --raw --noheadings
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	for filter in --orphans --all; do
		run --separate-stderr sysvctl rm sem $filter
		assert_success
		assert_output ""
		[ "$stderr" = "sysvctl: warning: sem $K1 (id $set_id): not removed: it is the companion set of the segment with its key, which stays (it goes with the segment)" ]
		[ "$(ipcs_id sem "$K1")" = "$set_id" ]
	done
	run sysvctl shm read "$K1" --framed
	[ "$status" -eq 8 ]
	# Chosen with its segment, it goes after it, printed.
	run sysvctl rm --orphans --dry-run
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	run sysvctl rm --orphans
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	[ -z "$(ipcs_id shm "$K1")" ]
	[ -z "$(ipcs_id sem "$K1")" ]
}

@test "rm of a key that names a segment and its companion set removes and prints both" {
	sysvctl shm create "$K1" -s 64 >/dev/null
	sysvctl shm write "$K1" --framed x
	seg_id=$(ipcs_id shm "$K1") set_id=$(ipcs_id sem "$K1")
	run sysvctl rm -n "$K1"
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	run sysvctl rm "$K1"
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	[ -z "$(ipcs_id shm "$K1")$(ipcs_id sem "$K1")" ]
}

@test "rm of a segment takes its companion set along, printed, whatever kinds are named" {
	interrupt_a_write "$K1"
	seg_id=$(ipcs_id shm "$K1") set_id=$(ipcs_id sem "$K1")
	run sysvctl rm shm -n "$K1"
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	run sysvctl rm shm "$K1"
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	[ -z "$(ipcs_id sem "$K1")" ]
	# A new segment with the key inherits no interrupted write.
	sysvctl shm create "$K1" -s 64 >/dev/null
	run sysvctl shm read "$K1" --framed
	assert_success
	assert_output ""
	sysvctl shm write "$K1" --framed x
	seg_id=$(ipcs_id shm "$K1") set_id=$(ipcs_id sem "$K1")
	run sysvctl rm shm --all
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
}

@test "bulk rm keeps a companion set that a reader waits on, with a warning" {
	sysvctl shm write "$K1" --create --framed hello
	sysvctl sem acquire "$K1"
	"$SYSVCTL" shm read "$K1" --framed >"$BATS_TEST_TMPDIR/read" &
	reader=$!
	track_pid "$reader"
	waits_on_lock() {
		[ "$(sysvctl sem stat "$K1" -o NCNT --raw --noheadings | head -n 1)" = 1 ]
	}
	poll_until waits_on_lock
	set_id=$(ipcs_id sem "$K1") seg_id=$(ipcs_id shm "$K1")
	run --separate-stderr sysvctl rm shm sem --all
	assert_success
	assert_output "shm $K1 $seg_id"
	[ "${stderr_lines[-1]}" = "sysvctl: warning: sem $K1 (id $set_id): not removed: it is the companion set of a segment, and it is held or waited on" ]
	[ "$(ipcs_id sem "$K1")" = "$set_id" ]
	sysvctl sem release "$K1"
	wait "$reader"
	[ "$(cat "$BATS_TEST_TMPDIR/read")" = hello ]
}

@test "rm shm removes only what it prints; rm shm sem --all removes a program's set of 3" {
	# Three binary semaphores of a program under a segment's key: taken
	# for a companion set (they cannot be told apart), so they go with
	# the segment, printed.
	sysvctl sem create "$K1" -n 3 >/dev/null
	sysvctl sem acquire "$K1" -i 1
	sysvctl shm create "$K1" -s 64 >/dev/null
	seg_id=$(ipcs_id shm "$K1") set_id=$(ipcs_id sem "$K1")
	run sysvctl rm shm --all
	assert_success
	assert_output "shm $K1 $seg_id
sem $K1 $set_id"
	[ -z "$(ipcs_id shm "$K1")$(ipcs_id sem "$K1")" ]
	# A set of 3 whose values no companion holds is an ordinary set.
	sysvctl sem create "$K2" -n 3 -v 5 >/dev/null
	sysvctl shm create "$K2" -s 64 >/dev/null
	seg_id=$(ipcs_id shm "$K2") set_id=$(ipcs_id sem "$K2")
	run sysvctl rm shm sem --all
	assert_success
	assert_line "shm $K2 $seg_id"
	assert_line "sem $K2 $set_id"
	[ -z "$(ipcs_id sem "$K2")" ]
}

@test "write --create --framed over a program's own set of 3 is exit 5 and makes no segment" {
	sysvctl sem create "$K1" -n 3 -v 5 >/dev/null
	run sysvctl shm write "$K1" --create --framed x
	[ "$status" -eq 5 ]
	[ -z "$(ipcs_id shm "$K1")" ]
	[ "$(sysvctl sem get "$K1" -i 1)" = 5 ]
}

@test "a program's own set of 3 under a segment's key: never changed by a write, never removed while waited on" {
	sysvctl sem create "$K1" -n 3 -v 5 >/dev/null
	sysvctl shm create "$K1" -s 64 >/dev/null
	run --separate-stderr sysvctl shm write "$K1" hello
	assert_success
	[ "$stderr" = "sysvctl: warning: sem $K1 (id $(ipcs_id sem "$K1")): the segment's key is used by a set of 3 semaphores whose values are not a companion set's (lock and done 0 or 1): frames in this segment cannot be guarded" ]
	run sysvctl shm write "$K1" --framed x
	[ "$status" -eq 5 ]
	for i in 0 1 2; do
		[ "$(sysvctl sem get "$K1" -i "$i")" = 5 ]
	done
	[ "$(sysvctl shm read "$K1" -n 5)" = hello ]
	# Values a companion could hold, but a process waits on it: shm rm
	# removes the segment and leaves the set to its users.
	sysvctl sem create "$K2" -n 3 >/dev/null
	sysvctl shm create "$K2" -s 64 >/dev/null
	"$SYSVCTL" sem acquire "$K2" -d 2 -t 30 &
	waiter=$!
	track_pid "$waiter"
	first_ncnt_is_1() {
		[ "$(sysvctl sem stat "$K2" -o NCNT --raw --noheadings | head -n 1)" = 1 ]
	}
	poll_until first_ncnt_is_1
	sysvctl shm rm "$K2"
	[ -z "$(ipcs_id shm "$K2")" ]
	[ -n "$(ipcs_id sem "$K2")" ]
	kill -0 "$waiter"
	sysvctl sem release "$K2"
	wait "$waiter"
	[ "$(sysvctl sem get "$K2")" = 0 ]
}

@test "a SIGTERM while a set is being made leaves it whole: a lock or companion set nobody could take is never left" {
	# The shim raises SIGTERM just after a semget that made a set, before
	# its values are set: the moment a half-made set (every value 0) is
	# left behind unless the signal is held.
	cat >"$BATS_TEST_TMPDIR/term.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <sys/sem.h>
int semget(key_t key, int nsems, int flags)
{
	int (*real)(key_t, int, int) = (int (*)(key_t, int, int))dlsym(RTLD_NEXT, "semget");
	int id = real(key, nsems, flags);
	if (id >= 0 && (flags & IPC_CREAT))
		raise(SIGTERM);
	return id;
}
C
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/term.so" "$BATS_TEST_TMPDIR/term.c" -ldl
	run env LD_PRELOAD="$BATS_TEST_TMPDIR/term.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" sem create "$K1"
	[ "$status" -eq 143 ]
	[ "$(sysvctl sem get "$K1")" = 1 ]
	sysvctl sem acquire "$K1" --nowait
	sysvctl shm create "$K2" -s 64 >/dev/null
	run env LD_PRELOAD="$BATS_TEST_TMPDIR/term.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" shm write "$K2" --framed x
	[ "$status" -eq 143 ]
	[ "$(guard_state "$K2")" = "1 1 1" ]
	timeout 10 "$SYSVCTL" shm write "$K2" --framed y
	[ "$(sysvctl shm read "$K2" --framed)" = y ]
}

@test "a stream is staged once and never beyond the room: max RSS" {
	sysvctl shm create "$K1" -s 128M >/dev/null
	sysvctl shm write "$K1" -o 0 before
	# 1 GiB into 1 MiB: exit 7 after reading 1 MiB + 1, nothing written.
	sysvctl shm create "$K2" -s 1M >/dev/null
	run bash -c 'head -c 1G /dev/zero | /usr/bin/time -f "%M" "$0" shm write "$1" --framed 2>"$2"' \
		"$SYSVCTL" "$K2" "$BATS_TEST_TMPDIR/rss.small"
	[ "$status" -eq 7 ]
	small_kb=$(tail -n 1 "$BATS_TEST_TMPDIR/rss.small")
	# 96 MiB into 128 MiB: it fits; the stage and the segment together
	# must stay well below twice the stream.
	head -c 96M /dev/urandom >"$BATS_TEST_TMPDIR/medium"
	cat "$BATS_TEST_TMPDIR/medium" | /usr/bin/time -f "%M" "$SYSVCTL" shm write "$K1" 2>"$BATS_TEST_TMPDIR/rss.medium"
	medium_kb=$(tail -n 1 "$BATS_TEST_TMPDIR/rss.medium")
	# Measured above the RSS of a run that stages nothing (a sanitizer's
	# runtime alone takes several MiB).
	/usr/bin/time -f "%M" "$SYSVCTL" key name:x 2>"$BATS_TEST_TMPDIR/rss.base" >/dev/null
	base_kb=$(tail -n 1 "$BATS_TEST_TMPDIR/rss.base")
	echo "# max RSS: $small_kb KB for 1 GiB into 1 MiB (exit 7), $medium_kb KB for 96 MiB into 128 MiB, $base_kb KB for none" >&3
	[ $((small_kb - base_kb)) -lt $((6 * 1024)) ]
	[ $((medium_kb - base_kb)) -lt $((118 * 1024)) ]
	sysvctl shm read "$K1" -n 96M | cmp - "$BATS_TEST_TMPDIR/medium"
	[ "$(sysvctl shm read "$K2" -n 4 | od -An -tx1)" = " 00 00 00 00" ]
}

@test "storm: framed writers killed at random by TERM, INT and KILL; no reader sees a torn frame" {
	local dir=$BATS_TEST_TMPDIR
	sysvctl shm create "$K1" -s 5M >/dev/null
	uniform_file a 3145729 "$dir/a"
	uniform_file b 2097155 "$dir/b"
	uniform_file c 4194299 "$dir/c"
	sysvctl shm write "$K1" --framed <"$dir/a"
	run timeout 60 "$PY" "$FRAMED_PY" storm "$K1" 8 "$SYSVCTL" "$dir/a" "$dir/b" "$dir/c"
	echo "# storm: $output" >&3
	assert_success
	assert_output --regexp ' torn=0 errors=0$'
	# After the storm: one more write, read whole.
	sysvctl shm write "$K1" --framed <"$dir/b"
	sysvctl shm read "$K1" --framed | cmp - "$dir/b"
}

# --- usage --------------------------------------------------------------------

@test "shm --help and verb --help print usage, exit 0" {
	run sysvctl shm --help
	assert_success
	assert_line --index 0 "Usage: sysvctl shm COMMAND REF [OPTIONS]"
	for verb in create write read stat rm; do
		run sysvctl shm "$verb" --help
		assert_success
		assert_line --index 0 --partial "Usage: sysvctl shm $verb"
	done
}

@test "an unknown verb or option is exit 2" {
	run sysvctl shm frobnicate
	assert_failure 2
	run sysvctl shm read "$K1" --bogus
	assert_failure 2
	run sysvctl shm create "$K1" -s 1X
	assert_failure 2
	[ -z "$(ipcs_id shm "$K1")" ]
}

@test "many write --create at once on a new key make one segment" {
	for i in $(seq 20); do
		sysvctl shm write "$K1" --create -s 64 -o "$i" x &
	done
	fails=0
	for job in $(jobs -p); do
		wait "$job" || fails=$((fails + 1))
	done
	[ "$fails" = 0 ]
	[ "$(ipcs -m | grep -ci "^$K1 ")" = 1 ]
	[ "$(sysvctl shm read "$K1" -o 1 -n 20)" = "xxxxxxxxxxxxxxxxxxxx" ]
}

@test "write and read over 64 MiB show a progress line on a terminal, none elsewhere" {
	sysvctl shm create "$K1" -s 80M
	head -c 80M /dev/zero >"$BATS_TEST_TMPDIR/in"
	run "$BATS_TEST_DIRNAME/on_pty.py" sh -c "'$SYSVCTL' shm write $K1 <'$BATS_TEST_TMPDIR/in'"
	assert_success
	[[ "$output" =~ $(progress_re wrote '80 MiB of 80 MiB' $'\e\\[K') ]]
	run "$BATS_TEST_DIRNAME/on_pty.py" sh -c "'$SYSVCTL' shm read $K1 >/dev/null"
	assert_success
	[[ "$output" =~ $(progress_re read '80 MiB of 80 MiB' $'\e\\[K') ]]
	# Not a terminal: nothing, unless asked for.
	run sysvctl shm write "$K1" <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output ""
	run bash -c "'$SYSVCTL' shm read $K1 2>&1 >/dev/null"
	assert_success
	assert_output ""
	# --no-progress on a terminal; a small write on a terminal.
	run "$BATS_TEST_DIRNAME/on_pty.py" sh -c "'$SYSVCTL' shm write $K1 --no-progress <'$BATS_TEST_TMPDIR/in'"
	assert_success
	assert_output ""
	run "$BATS_TEST_DIRNAME/on_pty.py" "$SYSVCTL" shm write "$K1" hello
	assert_success
	assert_output ""
}

@test "--progress shows the line anywhere, bytes so far from a pipe; --no-progress wins when last" {
	sysvctl shm create "$K1" -s 80M
	run sysvctl shm write "$K1" --progress hello
	assert_success
	[[ "$output" =~ $(progress_re wrote '5 B of 5 B' '') ]]
	sysvctl shm write "$K1" --progress hello 2>"$BATS_TEST_TMPDIR/err"
	[ "$(tail -c 2 "$BATS_TEST_TMPDIR/err" | od -An -c | tr -d ' ')" = 's\n' ]
	run bash -c "'$SYSVCTL' shm read $K1 -n 3M --progress 2>&1 >/dev/null"
	assert_success
	[[ "$output" =~ $(progress_re read '3.0 MiB of 3.0 MiB' '') ]]
	# From a pipe the total is not known while the stream is read in.
	run bash -c "head -c 70M /dev/zero | '$SYSVCTL' shm write $K1 --progress"
	assert_success
	[[ "$output" =~ $(progress_re wrote '70 MiB of 70 MiB' '') ]]
	re=$'^\r''wrote [0-9.]+ [KM]iB, '
	[[ "$output" =~ $re ]]
	run sysvctl shm write "$K1" --progress --no-progress hello
	assert_success
	assert_output ""
}
