# bash completion for sysvctl(1)

# Live REFs of one kind (shm, sem, mq) from /proc/sysvipc: keys as 0x%08x
# (private objects have none) and id:ID for every object.
_sysvctl_refs()
{
	local file
	case $1 in
	shm) file=/proc/sysvipc/shm ;;
	sem) file=/proc/sysvipc/sem ;;
	mq) file=/proc/sysvipc/msg ;;
	*) file="/proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg" ;;
	esac
	# shellcheck disable=SC2086
	awk 'FNR > 1 { if ($1 != 0) printf "0x%08x\n", $1 < 0 ? $1 + 4294967296 : $1; print "id:" $2 }' $file 2>/dev/null
	printf '%s\n' name: path: id:
}

_sysvctl_verb_opts()
{
	local common="-j --json -q --quiet -h --help"
	local table="-o --output --raw --noheadings -e --export --notruncate --bytes"
	case "$1 $2" in
	"shm create") echo "-s --size -m --mode -p --exist-ok --hugetlb --noreserve $common" ;;
	"shm write") echo "-o --offset --framed -c --create -s --size -m --mode $common" ;;
	"shm read") echo "-o --offset -n --length --framed -x --hex $common" ;;
	"sem create") echo "-v --value -n --nsems -m --mode -p --exist-ok $common" ;;
	"sem acquire") echo "-d --delta -t --timeout --nowait -i --index -c --create -v --value -m --mode $common" ;;
	"sem release") echo "-d --delta -i --index $common" ;;
	"sem z") echo "-t --timeout --nowait -i --index $common" ;;
	"sem get"|"sem set") echo "-i --index $common" ;;
	"sem run") echo "-d --delta -t --timeout --nowait -i --index -u --up -c --create -v --value -m --mode -E --conflict-exit-code $common" ;;
	"mq create") echo "-m --mode -p --exist-ok --max-bytes $common" ;;
	"mq send") echo "-T --type -t --timeout --nowait -l --lines -c --create $common" ;;
	"mq recv") echo "-T --type --except -t --timeout --nowait -k --count -a --all -l --lines -0 --null -p --print-type $common" ;;
	"mq set") echo "--max-bytes $common" ;;
	*" stat") echo "$table $common" ;;
	*) echo "$common" ;;
	esac
}

_sysvctl()
{
	local cur prev words cword
	_init_completion || return

	local commands="shm sem mq ftok key ls rm limits help"
	local globals="-h --help -V --version -j --json -q --quiet -N --ns"
	local i cmd="" verb="" kinds=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-N|--ns) ((i++)) ;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${words[i]}
			elif [[ -z $verb ]]; then
				verb=${words[i]}
			fi
			case ${words[i]} in shm|sem|mq) kinds+=" ${words[i]}" ;; esac
			;;
		esac
	done

	case $prev in
	-N|--ns)
		COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur"))
		return ;;
	--for)
		COMPREPLY=($(compgen -W "shm sem mq" -- "$cur"))
		return ;;
	--owner)
		COMPREPLY=($(compgen -u -- "$cur"))
		return ;;
	--key)
		COMPREPLY=($(compgen -W "$(_sysvctl_refs all)" -- "$cur"))
		return ;;
	-s|--size|-o|--offset|-n|--length|-m|--mode|-v|--value|-d|--delta|-t|--timeout|-i|--index|-E|--conflict-exit-code|-T|--type|-k|--count|--max-bytes|--older-than)
		[[ $cmd == ls && $prev == -o ]] || return
		COMPREPLY=($(compgen -W "help" -- "$cur"))
		return ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	shm|sem|mq)
		if [[ -z $verb ]]; then
			local verbs
			case $cmd in
			shm) verbs="create write read stat rm" ;;
			sem) verbs="create acquire release z get set stat rm run" ;;
			mq) verbs="create send recv stat set rm" ;;
			esac
			COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		elif [[ $verb == run && " ${words[*]:0:cword} " == *" -- "* ]]; then
			COMPREPLY=($(compgen -c -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_sysvctl_verb_opts "$cmd" "$verb")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_sysvctl_refs "$cmd") private" -- "$cur"))
			[[ $cur == path:* ]] && COMPREPLY=($(compgen -f -P path: -- "${cur#path:}"))
		fi
		;;
	ftok)
		_filedir ;;
	key)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--for -j --json -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "gen $(_sysvctl_refs all)" -- "$cur"))
			[[ $cur == path:* ]] && COMPREPLY=($(compgen -f -P path: -- "${cur#path:}"))
		fi
		;;
	ls)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-o --output --raw --noheadings -e --export --notruncate --bytes --owner --orphans --older-than --key -j --json -q --quiet -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "shm sem mq" -- "$cur"))
		fi
		;;
	rm)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--all --orphans --older-than --owner -n --dry-run -f --force -j --json -q --quiet -h --help" -- "$cur"))
		else
			local scope=${kinds:-all}
			[[ $scope == " "*" "* ]] && scope=all
			COMPREPLY=($(compgen -W "shm sem mq $(_sysvctl_refs ${scope# })" -- "$cur"))
		fi
		;;
	limits)
		COMPREPLY=($(compgen -W "-o --output --raw --noheadings -e --export --notruncate --bytes -j --json -h --help" -- "$cur"))
		;;
	help)
		COMPREPLY=($(compgen -W "shm sem mq ftok key ls rm limits" -- "$cur"))
		;;
	esac
}
complete -F _sysvctl sysvctl
