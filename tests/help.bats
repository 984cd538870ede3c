#!/usr/bin/env bats
# The help texts say what the commands do.

load helpers

@test "sem create --help says that -j prints the stat object" {
	run sysvctl sem create --help
	assert_line '  -j, --json          print the stat object (as sem stat --json)'
	run sysvctl -j sem create "$K1"
	assert_success
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = '["key","id","nsems","mode","uid","gid","cuid","cgid","otime","ctime","semaphores","holders","waiters"]' ]
}

# The synopsis of VERB in "sysvctl help KIND": its line and the deeper
# indented lines after it, on one line with single spaces.
listed_synopsis() {
	sysvctl help "$1" | awk -v kind="$1" -v verb="$2" '
		/^$/ { on = 0 }
		on && /^          / { print; next }
		{ on = 0 }
		$0 ~ "^(Usage: | +)(sysvctl " kind " )?" verb " +REF" { on = 1; print }' |
		sed -E "s/^(Usage: | +)(sysvctl $1 )?$2 +//" | tr -s ' \n' '  ' | sed 's/ $//'
}

# The synopsis in "sysvctl KIND VERB --help": the usage lines.
verb_synopsis() {
	sysvctl "$1" "$2" --help | sed '/^$/,$d' |
		sed -E "1s/^Usage: sysvctl $1 $2 //" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

@test "help KIND lists each verb with the synopsis its own --help shows" {
	local kind verb listed usage
	for kind in shm sem mq; do
		for verb in create write read acquire release z get set send recv stat rm run; do
			sysvctl "$kind" "$verb" --help >/dev/null 2>&1 || continue
			listed=$(listed_synopsis "$kind" "$verb")
			usage=$(verb_synopsis "$kind" "$verb")
			[ -n "$listed" ] && [ "$listed" = "$usage" ] ||
				{ echo "# help $kind: '$listed'; $kind $verb --help: '$usage'" >&3; return 1; }
		done
	done
}
