#!/usr/bin/env bats
# The bash, zsh and fish completions: they load, and bash's completes
# commands, verbs, options and live REFs.

load helpers

# Complete the words of "$@" (the last one being completed) with bash's
# completion, printing the candidates one a line.
bash_complete() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1/completions/sysvctl.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_sysvctl sysvctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$BATS_TEST_DIRNAME/.." "$@"
}

@test "bash completes the commands" {
	run bash_complete sysvctl ""
	assert_success
	assert_output "$(printf '%s\n' shm sem mq ftok key ls rm limits help)"
}

@test "bash completes the verbs of a kind" {
	run bash_complete sysvctl sem ""
	assert_output "$(printf '%s\n' create acquire release z get set stat rm run)"
	run bash_complete sysvctl mq re
	assert_output "$(printf '%s\n' recv)"
}

@test "bash completes a verb's options" {
	run bash_complete sysvctl shm read --h
	assert_output "$(printf '%s\n' --hex --help)"
	run bash_complete sysvctl sem run --con
	assert_output "--conflict-exit-code"
}

@test "bash completes live keys and ids of the kind" {
	id=$(ipcmk -Q -p 0600 | grep -o '[0-9]*$')
	track_id mq "$id"
	key=$(ipcs -q | awk -v id="$id" '$2 == id { print $1 }')
	run bash_complete sysvctl mq stat ""
	assert_line "$key"
	assert_line "id:$id"
	run bash_complete sysvctl shm stat ""
	refute_line "$key"
}

@test "zsh and fish completions parse" {
	zsh -n "$BATS_TEST_DIRNAME/../completions/_sysvctl"
	fish -n "$BATS_TEST_DIRNAME/../completions/sysvctl.fish"
}

@test "bash offers every long option each verb's --help lists" {
	for verb in "shm create" "shm write" "shm read" "shm stat" "shm rm" \
		"sem create" "sem acquire" "sem release" "sem z" "sem get" \
		"sem set" "sem stat" "sem rm" "sem run" "mq create" "mq send" \
		"mq recv" "mq stat" "mq set" "mq rm" "ls" "rm" "limits"; do
		# shellcheck disable=SC2086
		offered=$(bash_complete sysvctl $verb --)
		for option in $(sysvctl $verb --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
			grep -qx -- "$option" <<<"$offered" ||
				{ echo "sysvctl $verb: $option is not completed"; false; }
		done
	done
}
