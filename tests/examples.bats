#!/usr/bin/env bats
# Every example of the README and of the man pages runs as written and
# exits 0 (tests/examples.sh runs them; tests/examples.py says what it
# rewrites: paths and users no test machine has, hour-long timeouts).
# Each document runs in an IPC namespace of its own, with a /dev/shm of its
# own (a private mount namespace): the examples remove objects in bulk,
# POSIX ones too.

load helpers

run_examples() {
	unshare --ipc true 2>/dev/null || skip "needs unshare --ipc (root)"
	run unshare --ipc --mount --propagation private -- sh -c \
		'mount -t tmpfs none /dev/shm && exec "$@"' sh \
		"$BATS_TEST_DIRNAME/examples.sh" "$BATS_TEST_DIRNAME/../$1" "$BATS_TEST_TMPDIR/sandbox"
	assert_success
	assert_line --regexp "^ran [0-9]+ examples of ${1##*/}\$"
}

@test "the README's examples run as written" { run_examples README.md; }
@test "sysvctl(1)'s examples run as written" { run_examples man/sysvctl.1.scd; }
@test "sysvctl-shm(1)'s examples run as written" { run_examples man/sysvctl-shm.1.scd; }
@test "sysvctl-sem(1)'s examples run as written" { run_examples man/sysvctl-sem.1.scd; }
@test "sysvctl-mq(1)'s examples run as written" { run_examples man/sysvctl-mq.1.scd; }
@test "sysvctl-ls(1)'s examples run as written" { run_examples man/sysvctl-ls.1.scd; }
@test "sysvctl-rm(1)'s examples run as written" { run_examples man/sysvctl-rm.1.scd; }
@test "sysvctl-limits(1)'s examples run as written" { run_examples man/sysvctl-limits.1.scd; }

@test "every man page with examples is covered here" {
	local page
	for page in "$BATS_TEST_DIRNAME"/../man/*.scd; do
		grep -q '^# EXAMPLES' "$page" || continue
		grep -qF "run_examples man/${page##*/}" "$BATS_TEST_FILENAME" ||
			{ echo "# ${page##*/} has examples but no test" >&3; return 1; }
	done
}

@test "every fenced block of the README and the man pages is one that runs" {
	local doc examples fences
	# The README runs its ```sh blocks: any other fence would be skipped.
	fences=$(grep -c '^```' "$BATS_TEST_DIRNAME/../README.md")
	examples=$(grep -c '^```sh$' "$BATS_TEST_DIRNAME/../README.md")
	[ "$fences" -eq $((2 * examples)) ] ||
		{ echo "# README.md has a fence that is not \`\`\`sh" >&3; return 1; }
	# A man page runs the blocks under # EXAMPLES: none may stand before.
	for doc in "$BATS_TEST_DIRNAME"/../man/*.scd; do
		fences=$(sed -n '/^# EXAMPLES$/q; /^```/p' "$doc" | wc -l)
		[ "$fences" -eq 0 ] ||
			{ echo "# ${doc##*/} has a block outside EXAMPLES" >&3; return 1; }
	done
}
