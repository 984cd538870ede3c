# bash completion for sysvctl(1)
#
# Two tables, then the logic.  In _sysvctl_options an option that takes an
# argument ends with '=' (the '=' is never offered): adding an option is one
# word on one line there, and the parser below learns from the same line
# which words are option arguments.

_sysvctl_verbs()
{
	case $1 in
	shm) echo "create write read stat rm" ;;
	sem) echo "create acquire release z get set stat rm run who" ;;
	mq) echo "create send recv stat set rm" ;;
	esac
}

# Options of a context: "global", a command (ls, rm, ...) or "KIND VERB".
_sysvctl_options()
{
	local common="-j --json -q --quiet -h --help"
	local table="-o= --output= --raw --noheadings -e --export --notruncate --time-format= --bytes"
	case $1 in
	global) echo "-h --help -V --version -j --json -q --quiet -N= --ns=" ;;
	"shm create") echo "-s= --size= -m= --mode= -p --exist-ok --hugetlb --noreserve $common" ;;
	"shm write") echo "-o= --offset= --framed --progress --no-progress -c --create -s= --size= -m= --mode= $common" ;;
	"shm read") echo "-o= --offset= -n= --length= --framed --progress --no-progress -x --hex $common" ;;
	"sem create") echo "-v= --value= -n= --nsems= -m= --mode= -p --exist-ok $common" ;;
	"sem acquire") echo "-d= --delta= -t= --timeout= --nowait -i= --index= -c --create -v= --value= -m= --mode= --verbose $common" ;;
	"sem release") echo "-d= --delta= -i= --index= $common" ;;
	"sem z") echo "-t= --timeout= --nowait -i= --index= $common" ;;
	"sem get"|"sem set") echo "-i= --index= $common" ;;
	"sem run") echo "-d= --delta= -t= --timeout= --nowait -i= --index= -u --up -c --create -v= --value= -m= --mode= -E= --conflict-exit-code= --max-time= --kill-after= --verbose -s --shared -x --exclusive --etcd= --ttl= --connect-timeout= $common" ;;
	"sem who") echo "--etcd= --connect-timeout= $common" ;;
	"sem stat") echo "$table --etcd= --connect-timeout= $common" ;;
	"mq create") echo "-m= --mode= -p --exist-ok --max-bytes= --max-messages= --msgsize= $common" ;;
	"mq send") echo "-T= --type= -t= --timeout= --nowait -l --lines -c --create $common" ;;
	"mq recv") echo "-T= --type= --except -t= --timeout= --nowait -k= --count= -a --all -l --lines -0 --null -p --print-type $common" ;;
	"mq set") echo "--max-bytes= $common" ;;
	*" stat") echo "$table $common" ;;
	ftok) echo "-j --json -q --quiet -h --help" ;;
	key) echo "--for= -j --json -h --help" ;;
	ls) echo "--owner= --key= --orphans --older-than= -A --all-namespaces $table $common" ;;
	rm) echo "--all --orphans --older-than= --owner= --with-messages -n --dry-run -f --force $common" ;;
	limits) echo "$table $common" ;;
	*) echo "$common" ;;
	esac
}

# Does OPTION take an argument in the option list OPTS?
_sysvctl_takes_arg()
{
	[[ " $2 " == *" $1= "* ]]
}

# Live REFs of the KINDs given (shm, sem, mq; all kinds when none), each
# once: keys as 0x%08x (private objects have none) and, when exactly one
# kind is given, id:ID (an id names an object of one kind only).
_sysvctl_refs()
{
	local -a files=()
	local kind
	for kind in "${@:-shm sem mq}"; do
		for kind in $kind; do
			case $kind in
			shm) files+=(/proc/sysvipc/shm) ;;
			sem) files+=(/proc/sysvipc/sem) ;;
			mq) files+=(/proc/sysvipc/msg) ;;
			esac
		done
	done
	awk -v ids=$((${#files[@]} == 1)) 'FNR > 1 {
		if ($1 != 0) printf "0x%08x\n", $1 < 0 ? $1 + 4294967296 : $1
		if (ids) print "id:" $2
	}' "${files[@]}" 2>/dev/null | awk '!seen[$0]++'
	# The same /NAME may be a shm object and a semaphore: offered once.
	for kind in ${*:-shm sem mq}; do
		_sysvctl_posix_names "$kind"
	done | awk '!seen[$0]++'
	printf '%s\n' name: path:
	((${#files[@]} == 1)) && echo id:
}

# The live POSIX objects of KIND as /NAME REFs: shm and sem from /dev/shm
# (sem.NAME files are semaphores), mq from /dev/mqueue.
_sysvctl_posix_names()
{
	local f
	case $1 in
	shm) for f in /dev/shm/*; do [[ -f $f && ${f##*/} != sem.* ]] && echo "/${f##*/}"; done ;;
	sem) for f in /dev/shm/sem.*; do [[ -f $f ]] && echo "/${f##*/sem.}"; done ;;
	mq) for f in /dev/mqueue/*; do [[ -f $f ]] && echo "/${f##*/}"; done ;;
	esac
}

# Complete cur as a REF of the KINDs given.
_sysvctl_complete_ref()
{
	if [[ $cur == path:* ]]; then
		COMPREPLY=($(compgen -f -P path: -- "${cur#path:}"))
	else
		COMPREPLY=($(compgen -W "$(_sysvctl_refs "$@")" -- "$cur"))
	fi
	[[ ${#COMPREPLY[@]} == 1 && $COMPREPLY == *: || $cur == path:* ]] &&
		compopt -o nospace
}

# Column names, from the binary's '-o help' of the command line given
# (e.g. "sysvctl ls sem"), for the last element of a comma list.
_sysvctl_complete_columns()
{
	local columns before=""
	columns=$("$@" -o help 2>/dev/null | awk '$1 ~ /^[A-Z][A-Z0-9_-]*$/ && !seen[$1]++ { print $1 }')
	if [[ $cur == *,* ]]; then
		before=${cur%,*},
	elif [[ $cur == +* ]]; then
		before=+
	fi
	COMPREPLY=($(compgen -P "$before" -W "$columns" -- "${cur#"$before"}"))
	compopt -o nospace
}

# Complete the argument of option $1 in context $2.
_sysvctl_complete_optarg()
{
	case $1 in
	-N|--ns) COMPREPLY=($(compgen -W "$(command ls /proc | grep -E '^[0-9]+$')" -- "$cur")) ;;
	--for) COMPREPLY=($(compgen -W "shm sem mq" -- "$cur")) ;;
	--time-format) COMPREPLY=($(compgen -W "iso short epoch" -- "$cur")) ;;
	--owner) COMPREPLY=($(compgen -u -- "$cur")) ;;
	--key) _sysvctl_complete_ref ;;
	-o|--output)
		case $2 in
		ls) _sysvctl_complete_columns "$self" ls $kinds ;;
		limits) _sysvctl_complete_columns "$self" limits ;;
		*" stat") _sysvctl_complete_columns "$self" $2 ;;
		esac ;;
	esac
}

# Complete words[$1]... as a command line of its own (sem run's COMMAND).
# COMP_WORDS gets the words with their colons joined back, as _command_offset
# counts in COMP_WORDS.
_sysvctl_command_at()
{
	COMP_WORDS=("${words[@]}") COMP_CWORD=$cword
	_command_offset "$1"
}

_sysvctl()
{
	local cur prev words cword split
	_init_completion -s -n : || return

	local self=${words[0]/#\~/$HOME} cmd="" verb="" context=global kinds=""
	local opts i word optsdone=""
	local -a args=()
	opts=$(_sysvctl_options global)
	for ((i = 1; i < cword; i++)); do
		word=${words[i]}
		if [[ -z $optsdone && $word == -?* ]]; then
			if [[ $word == -- ]]; then
				optsdone=1
				# sem run REF -- COMMAND...
				[[ $context == "sem run" && ${#args[@]} -ge 1 ]] &&
					{ _sysvctl_command_at $((i + 1)); return; }
			elif [[ $word != *=* ]] && _sysvctl_takes_arg "$word" "$opts"; then
				((i++))
			fi
			continue
		fi
		if [[ -z $cmd ]]; then
			cmd=$word context=$word
		elif [[ -z $verb && $cmd == @(shm|sem|mq) ]]; then
			verb=$word context="$cmd $word"
		elif [[ $context == "sem run" && ${#args[@]} -ge 1 ]]; then
			# sem run REF COMMAND...: COMMAND's own completion.
			_sysvctl_command_at "$i"
			return
		else
			args+=("$word")
			[[ $word == @(shm|sem|mq|pshm|psem|pmq) && $cmd == @(ls|rm) ]] && kinds+=" $word"
		fi
		opts=$(_sysvctl_options "$context")
		# sem run -- REF COMMAND...
		[[ $context == "sem run" && ${#args[@]} -ge 1 && -n $optsdone ]] &&
			{ _sysvctl_command_at $((i + 1)); return; }
	done

	if _sysvctl_takes_arg "$prev" "$opts"; then
		_sysvctl_complete_optarg "$prev" "$context"
		__ltrim_colon_completions "$cur"
		return
	fi
	if [[ -z $optsdone && $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${opts//=/}" -- "$cur"))
		[[ $context == "sem run" && ${#args[@]} -ge 1 ]] &&
			COMPREPLY+=($(compgen -W "--" -- "$cur"))
		return
	fi

	case $context in
	global)
		COMPREPLY=($(compgen -W "shm sem mq ftok key ls rm limits help" -- "$cur")) ;;
	shm|sem|mq)
		COMPREPLY=($(compgen -W "$(_sysvctl_verbs "$cmd")" -- "$cur")) ;;
	*" create")
		((${#args[@]} == 0)) && {
			_sysvctl_complete_ref "$cmd"
			COMPREPLY+=($(compgen -W private -- "$cur"))
		} ;;
	"sem run")
		if ((${#args[@]} == 0)); then
			_sysvctl_complete_ref sem
		else
			_sysvctl_command_at "$cword"
			return
		fi ;;
	*" rm")
		_sysvctl_complete_ref "$cmd" ;;
	shm\ *|sem\ *|mq\ *)
		((${#args[@]} == 0)) && _sysvctl_complete_ref "$cmd" ;;
	ftok)
		((${#args[@]} == 0)) && _filedir ;;
	key)
		((${#args[@]} == 0)) && {
			_sysvctl_complete_ref
			COMPREPLY+=($(compgen -W gen -- "$cur"))
		} ;;
	ls)
		COMPREPLY=($(compgen -W "shm sem mq pshm psem pmq" -- "$cur")) ;;
	rm)
		_sysvctl_complete_ref $kinds
		COMPREPLY+=($(compgen -W "shm sem mq pshm psem pmq" -- "$cur")) ;;
	help)
		case ${#args[@]} in
		0) COMPREPLY=($(compgen -W "shm sem mq ftok key ls rm limits" -- "$cur")) ;;
		1) COMPREPLY=($(compgen -W "$(_sysvctl_verbs "${args[0]}")" -- "$cur")) ;;
		esac ;;
	esac
	__ltrim_colon_completions "$cur"
}
complete -F _sysvctl sysvctl
