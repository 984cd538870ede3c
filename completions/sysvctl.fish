# fish completion for sysvctl(1)
#
# One table of options: a line per option, 'CONTEXTS|SHORT|LONG|ARG|DESCRIPTION'.
# CONTEXTS is a comma list of "KIND VERB" or commands (ls, rm, ...), "global"
# (before the command) or "*" (anywhere); ARG is empty for a flag, else what
# the argument completes with: columns, user, ref, kind, pid, or x (nothing).
# Adding an option is one line here; the parser reads from the same line
# which options take an argument.
set -g __sysvctl_options \
    'global|V|version||version' \
    'global|N|ns|pid|IPC namespace of a PID or file' \
    '*|h|help||usage' \
    '*|j|json||JSON output' \
    '*|q|quiet||no warnings' \
    'shm create|s|size|x|size' \
    'shm create,sem create,mq create|m|mode|x|octal mode' \
    'shm create,sem create,mq create|p|exist-ok||open an existing one' \
    'shm create|-|hugetlb||huge pages' \
    'shm create|-|noreserve||no swap reservation' \
    'shm write,shm read|o|offset|x|offset' \
    'shm write,shm read|-|framed||length-prefixed frame' \
    'shm write,shm read|-|progress||progress line on stderr' \
    'shm write,shm read|-|no-progress||no progress line' \
    'shm write,sem acquire,sem run,mq send|c|create||create when missing' \
    'shm write|s|size|x|size when created' \
    'shm write,sem acquire,sem run|m|mode|x|mode when created' \
    'shm read|n|length|x|length' \
    'shm read|x|hex||hex dump' \
    'sem create|v|value|x|initial value' \
    'sem create|n|nsems|x|semaphores in the set' \
    'sem acquire,sem release,sem run|d|delta|x|units' \
    'sem acquire,sem z,sem run,mq send,mq recv|t|timeout|x|timeout' \
    'sem acquire,sem z,sem run,mq send,mq recv|-|nowait||do not wait' \
    'sem acquire,sem release,sem z,sem get,sem set,sem run|i|index|x|semaphore index' \
    'sem acquire,sem run|v|value|x|initial value when created' \
    'sem run|u|up||add instead of subtract' \
    'sem run|E|conflict-exit-code|x|exit code when busy' \
    'sem run|-|max-time|x|stop COMMAND after holding this long' \
    'sem run|s|shared||shared hold' \
    'sem run|x|exclusive||exclusive hold' \
    'sem run|-|kill-after|x|SIGKILL this long after SIGTERM' \
    'sem acquire,sem run|-|verbose||say how long the wait took' \
    'mq create,mq set|-|max-bytes|x|queue size' \
    'mq create|-|max-messages|x|POSIX queue: most messages' \
    'mq create|-|msgsize|x|POSIX queue: largest message' \
    'mq send,mq recv|T|type|x|message type' \
    'mq send,mq recv|l|lines||one message per line' \
    'mq recv|-|except||any other type' \
    'mq recv|k|count|x|messages to take' \
    'mq recv|a|all||every message there now' \
    'mq recv|0|null||end each with NUL' \
    'mq recv|p|print-type||TYPE<TAB> before each' \
    'shm stat,sem stat,mq stat,ls,limits|o|output|columns|columns' \
    'shm stat,sem stat,mq stat,ls,limits|-|raw||no alignment' \
    'shm stat,sem stat,mq stat,ls,limits|-|noheadings||no header line' \
    'shm stat,sem stat,mq stat,ls,limits|e|export||NAME="value" pairs' \
    'shm stat,sem stat,mq stat,ls,limits|-|notruncate||never cut a column to fit' \
    'shm stat,sem stat,mq stat,ls|-|time-format|timefmt|how times print' \
    'shm stat,sem stat,mq stat,ls,limits|-|bytes||sizes in bytes' \
    'key|-|for|kind|kind' \
    'ls,rm|-|owner|user|owned by USER' \
    'ls,rm|-|orphans||no live process' \
    'ls,rm|-|older-than|x|last activity longer ago than' \
    'ls|-|key|ref|named by REF' \
    'ls|A|all-namespaces||every IPC namespace' \
    'rm|-|all||every object of the kinds named' \
    'rm|-|with-messages||also remove queues that hold messages' \
    'rm|n|dry-run||print, remove nothing' \
    'rm|f|force||a REF that names nothing is no error' \
    'sem run,sem who,sem stat|-|etcd|x|etcd endpoints (etcd:)' \
    'sem run,sem who,sem stat|-|connect-timeout|x|give up on an endpoint after' \
    'sem run|-|ttl|x|lease time to live (etcd:)'

function __sysvctl_verbs
    switch $argv[1]
        case shm
            echo create write read stat rm
        case sem
            echo create acquire release z get set stat rm run who
        case mq
            echo create send recv stat set rm
    end
end

# Is context $argv[1] in the comma list $argv[2]?
function __sysvctl_context_in
    test "$argv[2]" = '*'; and return 0
    contains -- $argv[1] (string split , -- $argv[2])
end

# Does option token $argv[2] take an argument in context $argv[1]?
function __sysvctl_takes_arg
    for spec in $__sysvctl_options
        set -l f (string split '|' -- $spec)
        test -n "$f[4]"; or continue
        test "$f[2]" != -; and test "$argv[2]" = "-$f[2]"; or test "$argv[2]" = "--$f[3]"; or continue
        __sysvctl_context_in $argv[1] $f[1]; and return 0
    end
    return 1
end

# Parse the words before the cursor into globals: __sysvctl_ctx (global, a
# command, or "KIND VERB"), __sysvctl_args (its non-option words) and
# __sysvctl_cmdat (where sem run's COMMAND starts, 0 when not there yet:
# the first non-option word after the REF, or the word after --).
function __sysvctl_parse
    set -l line (commandline -cp)
    test "$line" = "$__sysvctl_parsed"; and return
    set -g __sysvctl_parsed $line
    set -g __sysvctl_ctx global
    set -g __sysvctl_args
    set -g __sysvctl_cmdat 0
    set -l tokens (commandline -opc)
    set -l done
    set -l i 2
    while test $i -le (count $tokens)
        set -l t $tokens[$i]
        if test -z "$done"; and string match -qr -- '^-.' $t
            if test "$t" = --
                set done 1
                if test "$__sysvctl_ctx" = "sem run"; and set -q __sysvctl_args[1]
                    set -g __sysvctl_cmdat (math $i + 1)
                    return
                end
            else if __sysvctl_takes_arg $__sysvctl_ctx $t
                set i (math $i + 1)
            end
        else if test "$__sysvctl_ctx" = global
            set -g __sysvctl_ctx $t
        else if contains -- $__sysvctl_ctx shm sem mq
            set -g __sysvctl_ctx "$__sysvctl_ctx $t"
        else if test "$__sysvctl_ctx" = "sem run"; and set -q __sysvctl_args[1]
            set -g __sysvctl_cmdat $i
            return
        else
            set -a __sysvctl_args $t
            if test "$__sysvctl_ctx" = "sem run"; and test -n "$done"
                set -g __sysvctl_cmdat (math $i + 1)
                return
            end
        end
        set i (math $i + 1)
    end
    if test "$__sysvctl_ctx" = "sem run"; and set -q __sysvctl_args[1]
        and not string match -qr -- '^-' (commandline -ct)
        set -g __sysvctl_cmdat $i
    end
end

# In sem run's COMMAND?
function __sysvctl_in_command
    __sysvctl_parse
    test $__sysvctl_cmdat -gt 0
end

# Does an option of the context list $argv[1] apply here?
function __sysvctl_option_applies
    __sysvctl_parse
    test $__sysvctl_cmdat -eq 0; and __sysvctl_context_in $__sysvctl_ctx $argv[1]
end

# sem run's COMMAND [ARG...], completed as a command line of its own.
function __sysvctl_command
    set -l tokens (commandline -opc)
    complete -C (string join ' ' -- (string escape -- $tokens[$__sysvctl_cmdat..-1]) (commandline -ct))
end

# Live REFs of the kinds given (all when none), each once: keys as 0x%08x
# and, when exactly one kind is given, id:ID (an id names one kind only).
function __sysvctl_refs
    set -l files
    for kind in (string split ' ' -- (string join ' ' -- $argv))
        switch $kind
            case shm
                set -a files /proc/sysvipc/shm
            case sem
                set -a files /proc/sysvipc/sem
            case mq
                set -a files /proc/sysvipc/msg
        end
    end
    set -q files[1]; or set files /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg
    set -l ids (test (count $files) -eq 1; and echo 1; or echo 0)
    set -l token (commandline -ct)
    if string match -q 'path:*' -- $token
        __fish_complete_path (string replace path: '' -- $token) | string replace -r '^' path:
        return
    end
    awk -v ids=$ids 'FNR > 1 {
        if ($1 != 0) printf "0x%08x\n", $1 < 0 ? $1 + 4294967296 : $1
        if (ids) print "id:" $2
    }' $files 2>/dev/null | awk '!seen[$0]++'
    # POSIX objects as /NAME: shm and sem (sem.NAME) in /dev/shm, mq in /dev/mqueue.
    set -l kinds (string split ' ' -- (string join ' ' -- $argv))
    test -n "$kinds"; or set kinds shm sem mq
    for kind in $kinds
        switch $kind
            case shm
                for f in /dev/shm/*
                    test -f $f; and not string match -q 'sem.*' -- (basename $f); and echo /(basename $f)
                end
            case sem
                for f in /dev/shm/sem.*
                    test -f $f; and echo /(string replace -r '^sem\\.' '' -- (basename $f))
                end
            case mq
                for f in /dev/mqueue/*
                    test -f $f; and echo /(basename $f)
                end
        end
    end | awk '!seen[$0]++'
    printf '%s\n' name: path:
    test $ids = 1; and echo id:
end

# Column names for -o, from the binary's '-o help' of the command being
# completed, for the last element of a comma list (or +LIST).
function __sysvctl_columns
    __sysvctl_parse
    set -l self (commandline -opc)[1]
    set -l cmd (string split ' ' -- $__sysvctl_ctx)
    test "$__sysvctl_ctx" = ls; and set -a cmd (string match -r '^(?:p?shm|p?sem|p?mq)$' -- $__sysvctl_args)
    set -l token (commandline -ct | string replace -r -- '^--output=' '')
    set -l before (string match -r -- '^.*,|^\+' $token)
    $self $cmd -o help 2>/dev/null | string replace -rf -- '^\s*([A-Z][A-Z0-9_-]*)\s.*' '$1' | awk '!seen[$0]++' | string replace -r '^' -- "$before"
end

# The words that are not options: commands, verbs, REFs, kinds.
function __sysvctl_args
    __sysvctl_parse
    set -l nargs (count $__sysvctl_args)
    switch $__sysvctl_ctx
        case global
            printf '%s\n' shm\t'shared memory' sem\t'semaphores and locks' mq\t'message queues' \
                ftok\t'print the key ftok makes' key\t'print or generate keys' ls\t'list objects' \
                rm\t'remove objects' limits\t'kernel limits' help\t'usage of a command'
        case shm sem mq
            string split ' ' -- (__sysvctl_verbs $__sysvctl_ctx)
        case '* create'
            if test $nargs -eq 0
                __sysvctl_refs (string split ' ' -- $__sysvctl_ctx)[1]
                echo private
            end
        case '* rm'
            __sysvctl_refs (string split ' ' -- $__sysvctl_ctx)[1]
        case 'shm *' 'sem *' 'mq *'
            test $nargs -eq 0; and __sysvctl_refs (string split ' ' -- $__sysvctl_ctx)[1]
        case ftok
            test $nargs -eq 0; and __fish_complete_path (commandline -ct)
        case key
            if test $nargs -eq 0
                echo gen
                __sysvctl_refs
            end
        case ls
            printf '%s\n' shm sem mq pshm psem pmq
        case rm
            printf '%s\n' shm sem mq pshm psem pmq
            __sysvctl_refs (string match -r '^(?:shm|sem|mq)$' -- $__sysvctl_args)
        case help
            switch $nargs
                case 0
                    printf '%s\n' shm sem mq ftok key ls rm limits
                case 1
                    string split ' ' -- (__sysvctl_verbs $__sysvctl_args[1])
            end
    end
end

complete -c sysvctl -f
complete -c sysvctl -n 'not __sysvctl_in_command' -a '(__sysvctl_args)'
complete -c sysvctl -n __sysvctl_in_command -a '(__sysvctl_command)'

for spec in $__sysvctl_options
    set -l f (string split '|' -- $spec)
    set -l opt -c sysvctl -n "__sysvctl_option_applies '$f[1]'" -l $f[3] -d $f[5]
    test "$f[2]" != -; and set -a opt -s $f[2]
    switch "$f[4]"
        case columns
            set -a opt -x -a '(__sysvctl_columns)'
        case user
            set -a opt -x -a '(__fish_complete_users)'
        case ref
            set -a opt -x -a '(__sysvctl_refs)'
        case kind
            set -a opt -x -a 'shm sem mq'
        case timefmt
            set -a opt -x -a 'iso short epoch'
        case pid
            set -a opt -x -a '(__fish_complete_pids)'
        case x
            set -a opt -x
    end
    complete $opt
end
