#!/usr/bin/env bats
# The bash, zsh and fish completions, tested by driving them: bash through
# COMP_WORDS/COMP_CWORD, zsh in a zpty, fish with complete -C; each test
# asserts the candidates offered.

load helpers

# The helpers drive each shell's completion on a command LINE (the last
# word being completed, "" after a trailing space) and print the candidates,
# one a line, as the whole word they would make. The completions find the
# binary as "sysvctl" on PATH. SYSVCTL_COMPLETIONS tests another copy of
# completions/ (an older commit's, say).
COMPDIR=${SYSVCTL_COMPLETIONS:-$BATS_TEST_DIRNAME/../completions}
PATH=$(dirname "$SYSVCTL"):$PATH

# bash: COMP_WORDS split as readline splits them (":" and "=" are word
# breaks), then _sysvctl; a candidate is printed with the part of the word
# before the last break, as readline would insert it.
bash_complete() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		compopt() { :; }	# only valid inside a real completion
		line=$2
		COMP_LINE=$line
		COMP_POINT=${#line}
		COMP_WORDS=()
		read -ra blanks <<<"$line"
		[[ -z $line || $line == *" " ]] && blanks+=("")
		for word in "${blanks[@]}"; do
			[[ -z $word ]] && { COMP_WORDS+=(""); continue; }
			while [[ -n $word ]]; do
				[[ $word =~ ^([:=]+|[^:=]+) ]]
				COMP_WORDS+=("${BASH_REMATCH[1]}")
				word=${word#"${BASH_REMATCH[1]}"}
			done
		done
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		last=${blanks[${#blanks[@]}-1]}
		before=""
		[[ $last == *[:=]* ]] && before=${last%"${last##*[:=]}"}
		_sysvctl sysvctl "${last#"$before"}" "${COMP_WORDS[COMP_CWORD-1]}"
		for reply in "${COMPREPLY[@]}"; do printf "%s\n" "$before$reply"; done
	' _ "$COMPDIR/sysvctl.bash" "$*"
}

# zsh: an interactive zsh in a zpty with compinit and _sysvctl on fpath
# types LINE and a TAB; compadd is wrapped to write every match it adds
# to a file, and a comppostfuncs entry marks the end of the completion.
zsh_complete() {
	zsh -f -c '
		zmodload zsh/zpty || { print -u2 "zsh: no zpty module"; exit 2 }
		out=$(mktemp) compdir=$1 line=$2
		zpty z zsh -f -i
		zpty -w z "PS1= RPS1=; fpath=(${(q)compdir} \$fpath); autoload -Uz compinit; compinit -u -D"
		zpty -w z "compadd() { if (( \${@[(I)-[OAD]*]} )); then builtin compadd \"\$@\"; return; fi; local -a m p P o; builtin compadd -A m \"\$@\"; zparseopts -E -a o p:=p P:=P J: V: X: x: d: i: I: S: s: W: r: R: M: F: E: o::; (( \$#m )) && print -rl -- \${IPREFIX}\${p[2]}\${P[2]}\${^m} >>${(q)out}; builtin compadd \"\$@\"; }"
		zpty -w z "__sysvctl_test_done() { print -r -- \"<<done>>\" >>${(q)out} }; comppostfuncs=(__sysvctl_test_done)"
		zpty -w -n z "$line"$'"'"'\t'"'"'
		for i in {1..200}; do
			grep -qx "<<done>>" $out 2>/dev/null && break
			sleep 0.05
		done
		zpty -d z
		grep -qx "<<done>>" $out || { print -u2 "zsh: the completion did not finish"; rm -f $out; exit 2 }
		grep -vx "<<done>>" $out
		rm -f $out
	' _ "$COMPDIR" "$*"
}

# fish: complete -C, the description after a TAB cut off.
fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2] | string replace -r "\t.*" ""' \
		"$COMPDIR/sysvctl.fish" "$*"
}

# Run the completion of LINE in SHELL (bash, zsh or fish) with `run`,
# saying which, so that a failing assertion names the shell.
complete_in() {
	echo "$1: completing '$2'"
	run "$1_complete" "$2"
	# refute_line fails on an empty "lines" (no candidates at all).
	((${#lines[@]})) || lines=("")
}

# SYSVCTL_TEST_SHELLS="zsh" tests one shell.
read -ra SHELLS <<<"${SYSVCTL_TEST_SHELLS:-bash zsh fish}"

@test "bash completes the commands" {
	run bash_complete sysvctl ""
	assert_success
	assert_output "$(printf '%s\n' shm sem mq ftok key ls rm limits help)"
}

@test "bash completes the verbs of a kind" {
	run bash_complete sysvctl sem ""
	assert_output "$(printf '%s\n' create acquire release z get set stat rm run who)"
	run bash_complete sysvctl mq re
	assert_output "$(printf '%s\n' recv)"
}

@test "bash completes a verb's options" {
	run bash_complete sysvctl shm read --h
	assert_output "$(printf '%s\n' --hex --help)"
	run bash_complete sysvctl sem run --conf
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

@test "every shell offers every long option each verb's --help lists" {
	for shell in "${SHELLS[@]}"; do
		for verb in "shm create" "shm write" "shm read" "shm stat" "shm rm" \
			"sem create" "sem acquire" "sem release" "sem z" "sem get" \
			"sem set" "sem stat" "sem rm" "sem run" "sem who" "mq create" "mq send" \
			"mq recv" "mq stat" "mq set" "mq rm" "ls" "rm" "limits"; do
			offered=$("${shell}_complete" "sysvctl $verb --")
			# shellcheck disable=SC2086
			for option in $(sysvctl $verb --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
				grep -qx -- "$option" <<<"$offered" ||
					{ echo "$shell: sysvctl $verb: $option is not completed"; false; }
			done
		done
	done
}

@test "every shell offers live keys of the kind for every verb that opens one" {
	sysvctl shm create "$K1" >/dev/null
	sysvctl sem create "$K2" >/dev/null
	sysvctl mq create "$K3" >/dev/null
	declare -A own=([shm]=$K1 [sem]=$K2 [mq]=$K3)
	for shell in "${SHELLS[@]}"; do
		for verb in "shm write" "shm read" "shm stat" "shm rm" \
			"sem acquire" "sem release" "sem z" "sem get" "sem set" \
			"sem stat" "sem rm" "sem run" "sem who" "mq send" "mq recv" "mq stat" \
			"mq set" "mq rm"; do
			kind=${verb% *}
			complete_in "$shell" "sysvctl $verb 0x5e"
			assert_line "${own[$kind]}"
			for other in shm sem mq; do
				[[ $other == "$kind" ]] || refute_line "${own[$other]}"
			done
		done
	done
}

@test "every shell completes an id: REF as a whole word" {
	id=$(sysvctl sem create "$K1")
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl sem get id:"
		assert_line "id:$id"
		complete_in "$shell" "sysvctl sem get "
		assert_line "id:$id"
	done
}

@test "every shell offers private to create only" {
	for shell in "${SHELLS[@]}"; do
		for kind in shm sem mq; do
			complete_in "$shell" "sysvctl $kind create pr"
			assert_output private
		done
		complete_in "$shell" "sysvctl shm stat pr"
		refute_line private
		complete_in "$shell" "sysvctl sem acquire "
		refute_line private
		complete_in "$shell" "sysvctl rm "
		refute_line private
	done
}

@test "no shell offers a REF twice; rm without a kind offers keys, not ids" {
	shm_id=$(sysvctl shm create "$K1")
	sysvctl sem create "$K1" >/dev/null
	sysvctl mq create "$K1" >/dev/null
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl rm "
		assert_line "$K1"
		assert_equal "$(sort <<<"$output" | uniq -d)" ""
		refute_line --regexp '^id:[0-9]'
		complete_in "$shell" "sysvctl rm shm "
		assert_line "$K1"
		assert_line "id:$shm_id"
		assert_equal "$(sort <<<"$output" | uniq -d)" ""
		complete_in "$shell" "sysvctl shm rm $K1 "
		assert_line "id:$shm_id"
		assert_equal "$(sort <<<"$output" | uniq -d)" ""
	done
}

@test "every shell completes -o with the binary's column names" {
	sysvctl shm create "$K1" >/dev/null
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl ls -o "
		for column in $(sysvctl ls -o help | awk '$1 ~ /^[A-Z]/ { print $1 }'); do
			assert_line "$column"
		done
		complete_in "$shell" "sysvctl ls sem -o NSE"
		assert_output NSEMS
		complete_in "$shell" "sysvctl ls -o KEY,I"
		assert_output KEY,ID
		complete_in "$shell" "sysvctl ls mq --output +MESS"
		assert_output +MESSAGES
		complete_in "$shell" "sysvctl shm stat $K1 -o "
		assert_line NATTCH
		assert_line MARKED-FOR-REMOVAL
		refute_line NSEMS
		refute_line COMMAND
		complete_in "$shell" "sysvctl sem stat $K1 -o ZC"
		assert_output ZCNT
		complete_in "$shell" "sysvctl limits -o NAME,DE"
		assert_output NAME,DESCRIPTION
	done
}

@test "every shell completes help KIND with that kind's verbs" {
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl help shm "
		assert_equal "$(sort <<<"$output")" "$(printf '%s\n' create read rm stat write)"
		complete_in "$shell" "sysvctl help "
		assert_line sem
		refute_line create
	done
}

@test "every shell completes the command of sem run, with or without --" {
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl sem run "
		assert_line name:
		refute_line sleep
		for line in "sysvctl sem run name:x sle" "sysvctl sem run name:x -- sle" \
			"sysvctl sem run name:x -d 2 --nowait sle" "sysvctl sem run -c name:x -t 1 -- sle"; do
			complete_in "$shell" "$line"
			assert_line sleep
			refute_line --regexp '^(name|path|id):$'
		done
		complete_in "$shell" "sysvctl sem run name:x --no"
		assert_output --nowait
	done
}

@test "every shell hands the words after sem run's command to that command's completion" {
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl sem run name:x sysvctl sh"
		assert_output shm
		complete_in "$shell" "sysvctl sem run name:x -- sysvctl mq st"
		assert_output stat
		complete_in "$shell" "sysvctl sem run name:x sysvctl --vers"
		assert_output --version
		complete_in "$shell" "sysvctl sem run name:x sleep --nowa"
		refute_line --nowait
	done
}

@test "every shell offers live POSIX names (/NAME) of the kind" {
	local p="sysvctl-ctest-$$"
	sysvctl shm create "/$p-shm" -s 1 >/dev/null
	sysvctl sem create "/$p-sem" >/dev/null
	for shell in "${SHELLS[@]}"; do
		complete_in "$shell" "sysvctl shm stat /$p"
		assert_line "/$p-shm"
		refute_line "/$p-sem"
		complete_in "$shell" "sysvctl sem get /$p"
		assert_line "/$p-sem"
		refute_line "/$p-shm"
	done
	rm -f "/dev/shm/$p-shm" "/dev/shm/sem.$p-sem"
}
