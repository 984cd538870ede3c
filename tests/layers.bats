#!/usr/bin/env bats
# The layers keep to their parts: the core (src/ipc) says what went wrong,
# the commands (src/cmd) say which option or command helps.

load helpers

@test "the core's messages quote no command-line syntax" {
	run "$PY" "$BATS_TEST_DIRNAME/core_syntax.py" "$BATS_TEST_DIRNAME/../src/ipc"
	assert_success
	assert_output ''
}

@test "the syntax check finds a hint with an option or a command in it" {
	local core=$BATS_TEST_TMPDIR/ipc
	mkdir "$core"
	cat >"$core/x.c" <<-'C'
	/* 'sysvctl ls' and --exist-ok in a comment are fine */
	static const char *a = "pass " "--exist-ok to use it";
	static const char *b = "see 'sysvctl"
		" limits'";
	static const char *c = "a-b --, x--y and sysvctls";
	static int d = 0; /* d-- */
	C
	run "$PY" "$BATS_TEST_DIRNAME/core_syntax.py" "$core"
	[ "$status" -eq 1 ]
	assert_output 'x.c:2: "pass --exist-ok to use it"
x.c:3: "see '"'"'sysvctl limits'"'"'"'
}

# The hint line of CMD...: its stderr's last line.
hint_of() {
	"$@" 2>&1 >/dev/null | tail -n 1
}

@test "the hints src/cmd words for the core's causes keep their words" {
	sysvctl shm create "$K1" -s 64 >/dev/null
	sysvctl mq create "$K2" >/dev/null
	sysvctl sem create "$K3" >/dev/null
	[ "$(hint_of "$SYSVCTL" shm create "$K1")" = "hint: use it as it is with --exist-ok, or remove it first with 'sysvctl shm rm $K1'" ]
	[ "$(hint_of "$SYSVCTL" mq create "$K2")" = "hint: pass --exist-ok to use the existing queue, or remove it with 'sysvctl mq rm $K2'" ]
	[ "$(hint_of "$SYSVCTL" sem create "$K3")" = "hint: pass --exist-ok to use it, or remove it with 'sysvctl sem rm $K3'" ]
	[ "$(hint_of "$SYSVCTL" shm stat "$K3")" = "hint: key $K3 names a semaphore set, not a shared memory segment: see 'sysvctl sem stat $K3'" ]
	sysvctl mq set "$K2" --max-bytes 10
	[ "$(hint_of "$SYSVCTL" mq send "$K2" -t 0 0123456789abcdef)" = "hint: raise it with 'sysvctl mq set REF --max-bytes N'" ]
	printf '\377\377\377\177' | sysvctl shm write "$K1" -
	[ "$(hint_of "$SYSVCTL" shm read "$K1" --framed)" = "hint: a frame is a 4-byte native-endian length, then the bytes ('shm write --framed' makes one)" ]
	[ "$(hint_of as_nobody "$SYSVCTL" shm read "$K1")" = "hint: reading needs read permission; 'sysvctl shm stat' shows its mode" ]
	[ "$(hint_of as_nobody "$SYSVCTL" shm write "$K1" x)" = "hint: writing needs read and write permission; 'sysvctl shm stat' shows its mode" ]
	[ "$(hint_of as_nobody "$SYSVCTL" sem stat "$K3")" = "hint: reading a set needs read permission; see its mode with 'sysvctl ls sem'" ]
	[ "$(hint_of as_nobody "$SYSVCTL" mq stat "$K2")" = "hint: its mode does not let you in; see 'sysvctl mq stat' as its owner or root" ]
}
