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
