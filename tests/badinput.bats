#!/usr/bin/env bats
# Bad input: a table of malformed argument vectors across every command and
# option.  Each must exit with the contract's code (never by a signal),
# print nothing on stdout and exactly one stderr line "sysvctl: ..."
# (optionally followed by one "hint: ..." line), and leave every object as
# it was: a semaphore (K1, value 3), a segment (K2, 64 known bytes) and a
# queue (K3, one message) made beforehand with Python's sysv_ipc, and no
# object at all under the unused key K4.

load helpers


# One vector per line: the expected exit status, then the arguments as
# shell words ($K1..$K4, $LONG65 and '' are expanded).  The first word after
# the status (after global options) is the command the row exercises.
vectors() {
	cat <<'EOF'
2 nosuchcommand
2 --nosuchoption key name:x
2 -N
2 --ns
2 -N /etc/hosts key name:x
2 --ns /proc/self/ns/net key name:x
2 -N /dev/null key name:x
2 -N '' key name:x
2 -Z key name:x
2 ''
2 key
2 key 1 2
2 key --bogus name:x
2 key 0
2 key 0x0
2 key -1
2 key ''
2 key 0x100000000
2 key 4294967296
2 key 18446744073709551616
2 key 99999999999999999999999999
2 key 0xzz
2 key 0x
2 key 12abc
2 key +12
2 key ' 12'
2 key 'id:'
2 key id:abc
2 key id:-1
2 key id:99999999999
2 key path:
2 key path:/etc/hosts:0
2 key path:/etc/hosts:256
2 key path:/etc/hosts:99999999999999999999
3 key path:/no/such/file
3 key path:/no/such/file:7
2 key nonsense
2 ftok
2 ftok /etc/hosts 0
2 ftok /etc/hosts 256
2 ftok /etc/hosts -1
2 ftok /etc/hosts abc
2 ftok /etc/hosts ''
2 ftok /etc/hosts 1 extra
3 ftok /no/such/path
2 shm
2 shm frobnicate $K2
2 shm create
2 shm create $K4 extra
2 shm create 0
2 shm create ''
2 shm create id:abc
2 shm create name
2 shm create $K4 --bogus
2 shm create $K4 -s
2 shm create $K4 -s 0
2 shm create $K4 -s -1
2 shm create $K4 -s ''
2 shm create $K4 -s 1X
2 shm create $K4 -s 4KB
2 shm create $K4 -s 1.5K
2 shm create $K4 -s 0x1000
2 shm create $K4 -s 18446744073709551616
2 shm create $K4 -s 99999999999T
2 shm create $K4 -m 999
2 shm create $K4 -m 8
2 shm create $K4 -m 01777
2 shm create $K4 -m ''
2 shm create $K4 -m rw
2 shm create $K4 -m -600
2 shm write
2 shm write $K2 a b
2 shm write $K2 -o -1 x
2 shm write $K2 -o 1Q x
2 shm write $K2 -o '' x
2 shm write $K2 -o 18446744073709551616 x
2 shm write $K4 -c -s 0 x
2 shm write $K4 -c -m 1000 x
2 shm write $K4 --create -s -4 x
7 shm write $K2 -o 64 x
7 shm write $K2 -o 60 12345
7 shm write $K2 $LONG65
2 shm read
2 shm read $K2 extra
2 shm read $K2 -o 64
2 shm read $K2 -o 1000
2 shm read $K2 -o -1
2 shm read $K2 -o 0x10
2 shm read $K2 -n -1
2 shm read $K2 -n abc
2 shm read $K2 -n 18446744073709551616
2 shm read $K2 --hex --bogus
2 shm stat
2 shm stat $K2 extra
2 shm stat 0x
2 shm rm
2 shm rm 0x0
2 shm rm $K2 0xzz
2 sem
2 sem frobnicate $K1
2 sem create
2 sem create $K4 -v -1
2 sem create $K4 -v 32768
2 sem create $K4 -v abc
2 sem create $K4 -v ''
2 sem create $K4 -v 99999999999999999999
2 sem create $K4 -n 0
2 sem create $K4 -n -2
2 sem create $K4 -n abc
2 sem create $K4 -n 99999999
2 sem create $K4 -m 999
2 sem create $K4 -m 0o600
2 sem acquire
2 sem acquire $K1 extra
2 sem acquire $K1 -d 0
2 sem acquire $K1 -d -1
2 sem acquire $K1 -d 32768
2 sem acquire $K1 -d 18446744073709551617
2 sem acquire $K1 -d ''
2 sem acquire $K1 -t -1
2 sem acquire $K1 -t abc
2 sem acquire $K1 -t 1x
2 sem acquire $K1 -t ''
2 sem acquire $K1 -t 1.
2 sem acquire $K1 -i 1
2 sem acquire $K1 -i -1
2 sem acquire $K1 -i x
2 sem acquire $K1 -i 4294967296
2 sem acquire $K4 --create -v 40000
2 sem acquire $K4 --create -v -1
2 sem release
2 sem release $K1 -d 0
2 sem release $K1 -d 32768
2 sem release $K1 -d abc
2 sem release $K1 -i 5
2 sem get
2 sem get $K1 -i 1
2 sem get $K1 -i abc
2 sem get $K1 extra
2 sem get 0
2 sem set $K1
2 sem set $K1 -1
2 sem set $K1 32768
2 sem set $K1 abc
2 sem set $K1 ''
2 sem set $K1 1 2
2 sem set $K1 1 -i 9
2 sem z
2 sem z $K1 -i 3
2 sem z $K1 -t never
2 sem stat
2 sem stat 0x
2 sem rm
2 sem rm $K1 id:
2 sem run $K1
2 sem run $K1 --
2 sem run
2 sem run $K1 -d 0 -- true
2 sem run $K1 -d 99999 -- true
2 sem run $K1 -t -5 -- true
2 sem run $K1 -E abc -- true
2 sem run $K1 -E -1 -- true
2 sem run $K1 -E 256 -- true
2 sem run $K1 --bogus -- true
2 sem run 0 -- true
2 sem run $K4 --create -v 32768 -- true
2 mq
2 mq frobnicate $K3
2 mq create
2 mq create $K4 --max-bytes 0
2 mq create $K4 --max-bytes -5
2 mq create $K4 --max-bytes 1Z
2 mq create $K4 --max-bytes 18446744073709551616
2 mq create $K4 --max-bytes 4G
2 mq create $K4 --max-bytes 2147483648
2 mq create $K4 -m 0778
2 mq create $K4 -m 7777
2 mq send
2 mq send $K3 -T 0 x
2 mq send $K3 -T -1 x
2 mq send $K3 -T abc x
2 mq send $K3 -T '' x
2 mq send $K3 -T 9223372036854775808 x
2 mq send $K3 -t 1 --nowait x
2 mq send $K3 -t xyz x
2 mq send $K3 a b
2 mq send $K4 -c -T 0 x
2 mq recv
2 mq recv $K3 extra
2 mq recv $K3 -l -0
2 mq recv $K3 --lines --null
2 mq recv $K3 -k 0
2 mq recv $K3 -k -1
2 mq recv $K3 -k abc
2 mq recv $K3 -k 2 -a
2 mq recv $K3 -t 1 --nowait
2 mq recv $K3 -t 2q
2 mq recv $K3 -T abc
2 mq recv $K3 -T 9223372036854775808
2 mq stat
2 mq stat $K3 extra
2 mq set $K3
2 mq set $K3 --max-bytes 0
2 mq set $K3 --max-bytes abc
2 mq set $K3 --max-bytes 4294968296
2 mq set $K3 --max-bytes 4G
2 mq set $K3 --max-bytes -1
2 mq rm
2 mq rm $K3 '0x1 '
2 ls bogus
2 ls --older-than -1
2 ls --older-than 5x
2 ls --older-than ''
2 ls -o nosuchcolumn
2 ls --key 0
2 ls --key nonsense
2 ls --bogus
2 rm --all
2 rm --older-than abc
2 rm bogus $K2
2 rm shm $K2 0xzz
2 rm sem $K1 --bogus
2 rm $K1 $K2 $K3 0
2 rm --orphans --older-than 1y
2 limits extra
2 limits --bogus
EOF
}

# -t TIMEOUT and --nowait are alternatives in the contract's synopsis
# ([-t TIMEOUT|--nowait]): both at once is a usage error, as mq has it.
# Kept in a test of their own so that a failure names exactly this.
conflicting_wait_vectors() {
	cat <<'EOF'
2 sem acquire $K1 -t 1 --nowait
2 sem acquire $K1 --nowait -t 1
2 sem z $K1 -t 1 --nowait
2 sem run $K1 -t 1 --nowait -- true
2 sem run $K1 --nowait -t 0.5 -- true
2 mq send $K3 --nowait -t 1 x
2 mq recv $K3 --nowait -t 1
EOF
}

setup() {
	common_setup
	LONG65=$(printf '%065d' 7)
	# The fixtures: a semaphore of value 3, a segment of 64 known bytes,
	# a queue holding one message of type 5.
	"$PY" - "$K1" "$K2" "$K3" <<'PYEOF'
import sys, sysv_ipc
k1, k2, k3 = (int(k, 16) for k in sys.argv[1:4])
sysv_ipc.Semaphore(k1, sysv_ipc.IPC_CREX, 0o600, initial_value=3)
shm = sysv_ipc.SharedMemory(k2, sysv_ipc.IPC_CREX, 0o600, size=64)
shm.write(bytes(range(64)))
shm.detach()
sysv_ipc.MessageQueue(k3, sysv_ipc.IPC_CREX, 0o600).send(b"keep", type=5)
PYEOF
}

# Everything the fixtures are, in one text: ipcs rows for the four keys,
# the semaphore's value and times, the queue's counts and times, the
# segment's bytes.
state() {
	ipcs -a | awk -v a="$K1" -v b="$K2" -v c="$K3" -v d="$K4" \
		'tolower($1) == a || tolower($1) == b || tolower($1) == c || tolower($1) == d'
	ipcs -s -i "$(ipcs_id sem "$K1")" | grep -v '^$'
	ipcs -q -i "$(ipcs_id mq "$K3")" | grep -v '^$'
	"$PY" - "$K1" "$K2" <<'PYEOF'
import sys, sysv_ipc
print("sem value", sysv_ipc.Semaphore(int(sys.argv[1], 16)).value)
shm = sysv_ipc.SharedMemory(int(sys.argv[2], 16))
print("shm bytes", shm.read().hex())
shm.detach()
PYEOF
}

# The command a row exercises: its first word that is not a global option.
row_command() {
	local word
	for word in "$@"; do
		case "$word" in
		-q | --quiet | -j | --json) ;;
		*) echo "$word"; return ;;
		esac
	done
}


# Run every vector whose command is one of the arguments ("*" for all),
# checking each as the file's comment says.
check_vectors() {
	local line expected status cmd n=0 bad=0 before after
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	local -a argv
	before=$(state)
	while IFS= read -r line; do
		eval "argv=($line)"
		expected=${argv[0]}
		argv=("${argv[@]:1}")
		cmd=$(row_command "${argv[@]}")
		case " $* " in
		*" $cmd "*) ;;
		*) continue ;;
		esac
		n=$((n + 1))
		status=0
		"$SYSVCTL" "${argv[@]}" >"$out" 2>"$err" </dev/null || status=$?
		local why=""
		if [ "$status" -ge 128 ]; then
			why="killed by signal $((status - 128))"
		elif [ "$status" -ne "$expected" ]; then
			why="exit $status, expected $expected"
		elif [ -s "$out" ]; then
			why="wrote to stdout: $(head -c 200 "$out")"
		elif ! awk 'NR == 1 && !/^sysvctl: ./ { exit 1 }
			    NR == 2 && !/^hint: ./ { exit 1 }
			    NR > 2 { exit 1 }
			    END { if (NR == 0) exit 1 }' "$err"; then
			why="stderr is not one 'sysvctl: ' line (and one 'hint: ' line):"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			echo "# sysvctl ${line#* }: $why"
			sed 's/^/#   stderr: /' "$err"
		fi
	done < <("${VECTORS:-vectors}")
	after=$(state)
	echo "# $n vectors, $bad failed"
	if [ "$before" != "$after" ]; then
		echo "# the objects changed:"
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
		bad=$((bad + 1))
	fi
	if [ -n "$(ipcs_id shm "$K4")$(ipcs_id sem "$K4")$(ipcs_id mq "$K4")" ]; then
		echo "# an object was created with $K4"
		bad=$((bad + 1))
	fi
	[ "$n" -gt 0 ]
	[ "$bad" -eq 0 ]
}

@test "the bad-input table has at least 60 vectors covering every command" {
	local n cmd
	n=$(( $(vectors | wc -l) + $(conflicting_wait_vectors | wc -l) ))
	echo "# $n vectors"
	[ "$n" -ge 60 ]
	for cmd in key ftok shm sem mq ls rm limits nosuchcommand; do
		vectors | grep -q "^[0-9]* $cmd\b"
	done
}

@test "bad input to global options, key and ftok is rejected and changes nothing" {
	check_vectors nosuchcommand --nosuchoption -N --ns -Z '' key ftok
}

@test "bad input to shm is rejected and changes nothing" {
	check_vectors shm
}

@test "bad input to sem is rejected and changes nothing" {
	check_vectors sem
}

@test "bad input to mq is rejected and changes nothing" {
	check_vectors mq
}

@test "bad input to ls, rm and limits is rejected and changes nothing" {
	check_vectors ls rm limits
}

@test "sem and mq reject -t together with --nowait and change nothing" {
	VECTORS=conflicting_wait_vectors check_vectors sem mq
}
