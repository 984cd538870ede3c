# fish completion for sysvctl(1)

# Live REFs of one kind from /proc/sysvipc: keys as 0x%08x and id:ID.
function __sysvctl_refs
    set -l files /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg
    switch "$argv[1]"
        case shm
            set files /proc/sysvipc/shm
        case sem
            set files /proc/sysvipc/sem
        case mq
            set files /proc/sysvipc/msg
    end
    awk 'FNR > 1 { if ($1 != 0) printf "0x%08x\n", $1 < 0 ? $1 + 4294967296 : $1; print "id:" $2 }' $files 2>/dev/null
    printf '%s\n' name: path: id:
end

function __sysvctl_using
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 3; and test "$tokens[2]" = "$argv[1]"; and test "$tokens[3]" = "$argv[2]"
end

set -l commands shm sem mq ftok key ls rm limits help
complete -c sysvctl -f
complete -c sysvctl -n "not __fish_seen_subcommand_from $commands" -a "$commands"
complete -c sysvctl -s h -l help -d 'usage'
complete -c sysvctl -s V -l version -d 'version'
complete -c sysvctl -s j -l json -d 'JSON output'
complete -c sysvctl -s q -l quiet -d 'no warnings'
complete -c sysvctl -s N -l ns -x -a '(__fish_complete_pids)' -d 'IPC namespace of a PID or file'

# Verbs.
complete -c sysvctl -n '__fish_seen_subcommand_from shm; and not __fish_seen_subcommand_from create write read stat rm' -a 'create write read stat rm'
complete -c sysvctl -n '__fish_seen_subcommand_from sem; and not __fish_seen_subcommand_from create acquire release z get set stat rm run' -a 'create acquire release z get set stat rm run'
complete -c sysvctl -n '__fish_seen_subcommand_from mq; and not __fish_seen_subcommand_from create send recv stat set rm' -a 'create send recv stat set rm'

# REFs of live objects.
for kind in shm sem mq
    complete -c sysvctl -n "__fish_seen_subcommand_from $kind; and __fish_seen_subcommand_from create write read stat rm acquire release z get set run send recv" -a "(__sysvctl_refs $kind)"
end

# shm options.
complete -c sysvctl -n '__sysvctl_using shm create' -s s -l size -x -d 'size'
complete -c sysvctl -n '__sysvctl_using shm create' -s m -l mode -x -d 'octal mode'
complete -c sysvctl -n '__sysvctl_using shm create' -s p -l exist-ok -d 'open an existing one'
complete -c sysvctl -n '__sysvctl_using shm create' -l hugetlb -d 'huge pages'
complete -c sysvctl -n '__sysvctl_using shm create' -l noreserve -d 'no swap reservation'
complete -c sysvctl -n '__sysvctl_using shm write' -s o -l offset -x -d 'offset'
complete -c sysvctl -n '__sysvctl_using shm write' -l framed -d 'length-prefixed frame'
complete -c sysvctl -n '__sysvctl_using shm write' -s c -l create -d 'create when missing'
complete -c sysvctl -n '__sysvctl_using shm write' -s s -l size -x -d 'size'
complete -c sysvctl -n '__sysvctl_using shm write' -s m -l mode -x -d 'mode'
complete -c sysvctl -n '__sysvctl_using shm read' -s o -l offset -x -d 'offset'
complete -c sysvctl -n '__sysvctl_using shm read' -s n -l length -x -d 'length'
complete -c sysvctl -n '__sysvctl_using shm read' -l framed -d 'length-prefixed frame'
complete -c sysvctl -n '__sysvctl_using shm read' -s x -l hex -d 'hex dump'

# sem options.
complete -c sysvctl -n '__sysvctl_using sem create' -s v -l value -x -d 'initial value'
complete -c sysvctl -n '__sysvctl_using sem create' -s n -l nsems -x -d 'semaphores in the set'
complete -c sysvctl -n '__sysvctl_using sem create' -s m -l mode -x -d 'octal mode'
complete -c sysvctl -n '__sysvctl_using sem create' -s p -l exist-ok -d 'open an existing one'
for verb in acquire release run
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s d -l delta -x -d 'units'
end
for verb in acquire z run
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s t -l timeout -x -d 'timeout'
    complete -c sysvctl -n "__sysvctl_using sem $verb" -l nowait -d 'do not wait'
end
for verb in acquire release z get set run
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s i -l index -x -d 'semaphore index'
end
for verb in acquire run
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s c -l create -d 'create when missing'
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s v -l value -x -d 'initial value'
    complete -c sysvctl -n "__sysvctl_using sem $verb" -s m -l mode -x -d 'mode when created'
end
complete -c sysvctl -n '__sysvctl_using sem run' -s u -l up -d 'add instead of subtract'
complete -c sysvctl -n '__sysvctl_using sem run' -s E -l conflict-exit-code -x -d 'exit code when busy'

# mq options.
complete -c sysvctl -n '__sysvctl_using mq create' -s m -l mode -x -d 'octal mode'
complete -c sysvctl -n '__sysvctl_using mq create' -s p -l exist-ok -d 'open an existing one'
complete -c sysvctl -n '__sysvctl_using mq create' -l max-bytes -x -d 'queue size'
complete -c sysvctl -n '__sysvctl_using mq set' -l max-bytes -x -d 'queue size'
for verb in send recv
    complete -c sysvctl -n "__sysvctl_using mq $verb" -s T -l type -x -d 'message type'
    complete -c sysvctl -n "__sysvctl_using mq $verb" -s t -l timeout -x -d 'timeout'
    complete -c sysvctl -n "__sysvctl_using mq $verb" -l nowait -d 'do not wait'
    complete -c sysvctl -n "__sysvctl_using mq $verb" -s l -l lines -d 'one message per line'
end
complete -c sysvctl -n '__sysvctl_using mq send' -s c -l create -d 'create when missing'
complete -c sysvctl -n '__sysvctl_using mq recv' -l except -d 'any other type'
complete -c sysvctl -n '__sysvctl_using mq recv' -s k -l count -x -d 'messages to take'
complete -c sysvctl -n '__sysvctl_using mq recv' -s a -l all -d 'every message there now'
complete -c sysvctl -n '__sysvctl_using mq recv' -s 0 -l null -d 'end each with NUL'
complete -c sysvctl -n '__sysvctl_using mq recv' -s p -l print-type -d 'TYPE<TAB> before each'

# Tables.
for kind in shm sem mq
    complete -c sysvctl -n "__sysvctl_using $kind stat" -s o -l output -x -d 'columns'
    complete -c sysvctl -n "__sysvctl_using $kind stat" -l raw -d 'no alignment'
    complete -c sysvctl -n "__sysvctl_using $kind stat" -l noheadings -d 'no header line'
    complete -c sysvctl -n "__sysvctl_using $kind stat" -s e -l export -d 'NAME="value" pairs'
    complete -c sysvctl -n "__sysvctl_using $kind stat" -l notruncate -d 'never cut a column to fit'
    complete -c sysvctl -n "__sysvctl_using $kind stat" -l bytes -d 'sizes in bytes'
end

# key, ftok, ls, rm, limits, help.
complete -c sysvctl -n '__fish_seen_subcommand_from ftok' -F
complete -c sysvctl -n '__fish_seen_subcommand_from key' -a 'gen (__sysvctl_refs all)'
complete -c sysvctl -n '__fish_seen_subcommand_from key' -l for -x -a 'shm sem mq' -d 'kind'
complete -c sysvctl -n '__fish_seen_subcommand_from ls rm' -a 'shm sem mq'
complete -c sysvctl -n '__fish_seen_subcommand_from rm' -a '(__sysvctl_refs all)'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -s o -l output -x -d 'columns'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -l raw -d 'no alignment'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -l noheadings -d 'no header line'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -s e -l export -d 'NAME="value" pairs'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -l notruncate -d 'never cut a column to fit'
complete -c sysvctl -n '__fish_seen_subcommand_from ls limits' -l bytes -d 'sizes in bytes'
complete -c sysvctl -n '__fish_seen_subcommand_from ls rm' -l owner -x -a '(__fish_complete_users)' -d 'owner'
complete -c sysvctl -n '__fish_seen_subcommand_from ls rm' -l orphans -d 'no live process'
complete -c sysvctl -n '__fish_seen_subcommand_from ls rm' -l older-than -x -d 'duration'
complete -c sysvctl -n '__fish_seen_subcommand_from ls' -l key -x -a '(__sysvctl_refs all)' -d 'REF'
complete -c sysvctl -n '__fish_seen_subcommand_from rm' -l all -d 'every object of the kinds named'
complete -c sysvctl -n '__fish_seen_subcommand_from rm' -s n -l dry-run -d 'print, remove nothing'
complete -c sysvctl -n '__fish_seen_subcommand_from rm' -s f -l force -d 'a missing REF is no error'
complete -c sysvctl -n '__fish_seen_subcommand_from help' -a "$commands"
