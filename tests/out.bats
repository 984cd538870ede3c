#!/usr/bin/env bats
# The output layer, through ls, stat and limits: the exact bytes of each
# format (--raw, --noheadings, --export, JSON), several kinds in one
# listing, empty listings, and fitting a table to a terminal.  Other
# suites run at the same time: every listing is filtered by this test's
# keys.

load helpers

# The bytes of a command's stdout, trailing newlines and spaces included, in hex.
bytes() {
	"$@" | od -An -tx1 | tr -s ' \n' ' '
}

@test "--raw prints an empty cell as '-'" {
	id=$(sysvctl shm create "$K1")
	run sysvctl ls shm --key "$K1" -o KEY,STATUS,ID,COMMAND --raw --noheadings
	assert_success
	assert_output "$K1 - $id -"
	run sysvctl ls shm --key "$K1" -o STATUS,ID --raw
	assert_output "STATUS ID
- $id"
}

@test "--noheadings never pads: not beyond the widest cell, not at the end of a line" {
	id=$(sysvctl shm create "$K1" -s 1M)
	run bytes sysvctl ls shm --key "$K1" -o STATUS,SIZE,NATTCH,ID,STATUS,COMMAND --noheadings
	assert_output "$(bytes echo "  1M 0 $id")"
	run bytes sysvctl ls shm --key "$K1" -o SIZE,STATUS
	assert_output "$(bytes printf 'SIZE STATUS\n  1M\n')"
}

@test "--json with --raw or --export is exit 2 with one line" {
	sysvctl shm create "$K1" >/dev/null
	run sysvctl ls --json --raw --key "$K1"
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --raw"
	run sysvctl -j ls shm -e --key "$K1"
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --export"
	run sysvctl limits --export --json
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --export"
	run sysvctl shm stat "$K1" --raw -j
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --raw"
	run sysvctl limits --raw -e
	assert_failure 2
	assert_output "sysvctl: --raw: cannot be combined with --export"
}

@test "-e/--export prints NAME=\"value\" pairs, a shell can read them" {
	id=$(sysvctl mq create "$K1")
	run sysvctl ls mq --key "$K1" -o KEY,ID,USED-BYTES,STIME --export
	assert_success
	assert_output "KEY=\"$K1\" ID=\"$id\" USED_BYTES=\"0B\" STIME=\"-\""
	run sysvctl ls mq --key "$K1" -o KEY,ID -e --noheadings
	assert_output "KEY=\"$K1\" ID=\"$id\""
	eval "$(sysvctl mq stat "$K1" -o ID,MODE,MAX-BYTES --bytes -e)"
	[ "$ID" = "$id" ] && [ "$MODE" = 0600 ] && [ "$MAX_BYTES" = "$(cat /proc/sys/kernel/msgmnb)" ]
	run sysvctl limits -e -o NAME,DESCRIPTION
	assert_line 'NAME="shmmax" DESCRIPTION="largest shared memory segment, bytes"'
}

@test "several kinds: --raw, --noheadings and --export lines start with the kind" {
	shm=$(sysvctl shm create "$K1")
	mq=$(sysvctl mq create "$K1")
	run sysvctl ls --key "$K1" -o KEY,ID --raw --noheadings
	assert_success
	assert_output "shm $K1 $shm
mq $K1 $mq"
	run sysvctl ls --key "$K1" -o ID,KEY --raw
	assert_output "KIND ID KEY
shm $shm $K1
KIND ID KEY
mq $mq $K1"
	run sysvctl ls shm mq --key "$K1" -o ID --noheadings
	assert_output "shm $shm
mq $mq"
	run sysvctl ls --key "$K1" -o ID -e
	assert_output "KIND=\"shm\" ID=\"$shm\"
KIND=\"mq\" ID=\"$mq\""
	# One kind: no prefix.
	run sysvctl ls mq --key "$K1" -o ID --raw --noheadings
	assert_output "$mq"
}

@test "-o KIND shows the kind as a column, in tables and JSON" {
	shm=$(sysvctl shm create "$K1")
	sem=$(sysvctl sem create "$K1")
	run sysvctl ls --key "$K1" -o KIND,ID --raw --noheadings
	assert_success
	assert_output "shm $shm
sem $sem"
	run sysvctl ls --key "$K1" -o KIND,ID -e
	assert_output "KIND=\"shm\" ID=\"$shm\"
KIND=\"sem\" ID=\"$sem\""
	run sysvctl ls sem --key "$K1" -o KIND,ID --json
	[ "$(jq -c . <<<"$output")" = "{\"sem\":[{\"kind\":\"sem\",\"id\":$sem}]}" ]
	run sysvctl ls shm -o help
	assert_line "              KIND  the kind: shm, sem or mq"
}

@test "several kinds: a table titles each non-empty section" {
	sysvctl shm create "$K1" >/dev/null
	sysvctl mq create "$K1" >/dev/null
	run bytes sysvctl ls --key "$K1" -o OWNER,KEY
	assert_success
	assert_output "$(bytes printf 'shm:\nOWNER KEY\nroot  %s\n\nmq:\nOWNER KEY\nroot  %s\n' "$K1" "$K1")"
}

@test "an empty listing prints nothing and exits 0" {
	run bytes sysvctl ls --key "$K1"
	assert_success
	assert_output ""
	run bytes sysvctl ls shm --key "$K1"
	assert_output ""
	for opts in --raw --noheadings -e "--raw --noheadings"; do
		# shellcheck disable=SC2086
		run bytes sysvctl ls sem mq --key "$K1" $opts
		assert_success
		assert_output ""
	done
	# JSON still names every kind asked for.
	run sysvctl ls sem --key "$K1" --json
	[ "$(jq -c . <<<"$output")" = '{"sem":[]}' ]
}

# Run sysvctl ARGS on a terminal COLUMNS wide (script(1) gives it one);
# the output without the terminal's carriage returns.
on_terminal() {
	local columns=$1
	shift
	COLUMNS=$columns script -qec "$(printf '%q ' "$SYSVCTL" "$@")" /dev/null </dev/null | tr -d '\r'
}

@test "on a terminal the flexible column is cut to fit; --notruncate and pipes keep it" {
	command -v script >/dev/null || skip "no script(1)"
	/usr/bin/python3 -c 'import sysv_ipc, sys, time; m = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=4096); print(m.id, flush=True); time.sleep(60)' "$K1" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx >"$BATS_TEST_TMPDIR/id" &
	track_pid $!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/id" ] && break; sleep 0.05; done
	command=$(tr '\0' ' ' </proc/$!/cmdline)
	command=${command% }
	run on_terminal 40 ls shm --key "$K1" -o KEY,COMMAND
	assert_success
	assert_output "KEY        COMMAND
$K1 ${command:0:29}"
	run on_terminal 40 ls shm --key "$K1" -o KEY,COMMAND --notruncate
	assert_output "KEY        COMMAND
$K1 $command"
	# Never narrower than its header.
	run on_terminal 12 ls shm --key "$K1" -o KEY,COMMAND --noheadings
	assert_output "$K1 ${command:0:1}"
	run on_terminal 12 ls shm --key "$K1" -o KEY,COMMAND
	assert_line --index 1 "$K1 ${command:0:7}"
	# --raw is never cut, and neither is a pipe.
	run on_terminal 40 ls shm --key "$K1" -o COMMAND --raw --noheadings
	assert_output "$(sed 's/ /\\x20/g' <<<"$command")"
	COLUMNS=40 run sysvctl ls shm --key "$K1" -o KEY,COMMAND --noheadings
	assert_output "$K1 $command"
}
