#!/usr/bin/env bats
# The output layer, through ls, stat and limits: the exact bytes of each
# format (--raw, --noheadings, --export, JSON), several kinds in one
# listing, empty listings, and fitting a table to a terminal.  Other
# suites run at the same time: every listing is filtered by this test's
# keys.

load helpers

# The bytes of a command's stdout, trailing newlines and spaces included, in hex.
bytes() {
	"$@" | od -An -tx1 | tr -s ' \n' ' '
}

@test "--raw prints an empty cell as '-'" {
	id=$(sysvctl shm create "$K1")
	run sysvctl ls shm --key "$K1" -o KEY,STATUS,ID,COMMAND --raw --noheadings
	assert_success
	assert_output "$K1 - $id -"
	run sysvctl ls shm --key "$K1" -o STATUS,ID --raw
	assert_output "STATUS ID
- $id"
}

@test "--noheadings never pads: not beyond the widest cell, not at the end of a line" {
	id=$(sysvctl shm create "$K1" -s 1M)
	run bytes sysvctl ls shm --key "$K1" -o STATUS,SIZE,NATTCH,ID,STATUS,COMMAND --noheadings
	assert_output "$(bytes echo "  1M 0 $id")"
	run bytes sysvctl ls shm --key "$K1" -o SIZE,STATUS
	assert_output "$(bytes printf 'SIZE STATUS\n  1M\n')"
}

@test "--json with --raw or --export is exit 2 with one line" {
	sysvctl shm create "$K1" >/dev/null
	run sysvctl ls --json --raw --key "$K1"
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --raw"
	run sysvctl -j ls shm -e --key "$K1"
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --export"
	run sysvctl limits --export --json
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --export"
	run sysvctl shm stat "$K1" --raw -j
	assert_failure 2
	assert_output "sysvctl: --json: cannot be combined with --raw"
	run sysvctl limits --raw -e
	assert_failure 2
	assert_output "sysvctl: --raw: cannot be combined with --export"
}

@test "-e/--export prints NAME=\"value\" pairs, a shell can read them" {
	id=$(sysvctl mq create "$K1")
	run sysvctl ls mq --key "$K1" -o KEY,ID,USED-BYTES,STIME --export
	assert_success
	assert_output "KEY=\"$K1\" ID=\"$id\" USED_BYTES=\"0B\" STIME=\"-\""
	run sysvctl ls mq --key "$K1" -o KEY,ID -e --noheadings
	assert_output "KEY=\"$K1\" ID=\"$id\""
	eval "$(sysvctl mq stat "$K1" -o ID,MODE,MAX-BYTES --bytes -e)"
	[ "$ID" = "$id" ] && [ "$MODE" = 0600 ] && [ "$MAX_BYTES" = "$(cat /proc/sys/kernel/msgmnb)" ]
	run sysvctl limits -e -o NAME,DESCRIPTION
	assert_line 'NAME="shmmax" DESCRIPTION="largest shared memory segment, bytes"'
}

@test "several kinds: --raw, --noheadings and --export lines start with the kind" {
	shm=$(sysvctl shm create "$K1")
	mq=$(sysvctl mq create "$K1")
	run sysvctl ls --key "$K1" -o KEY,ID --raw --noheadings
	assert_success
	assert_output "shm $K1 $shm
mq $K1 $mq"
	run sysvctl ls --key "$K1" -o ID,KEY --raw
	assert_output "KIND ID KEY
shm $shm $K1
KIND ID KEY
mq $mq $K1"
	run sysvctl ls shm mq --key "$K1" -o ID --noheadings
	assert_output "shm $shm
mq $mq"
	run sysvctl ls --key "$K1" -o ID -e
	assert_output "KIND=\"shm\" ID=\"$shm\"
KIND=\"mq\" ID=\"$mq\""
	# One kind: no prefix.
	run sysvctl ls mq --key "$K1" -o ID --raw --noheadings
	assert_output "$mq"
}

@test "-o KIND shows the kind as a column, in tables and JSON" {
	shm=$(sysvctl shm create "$K1")
	sem=$(sysvctl sem create "$K1")
	run sysvctl ls --key "$K1" -o KIND,ID --raw --noheadings
	assert_success
	assert_output "shm $shm
sem $sem"
	run sysvctl ls --key "$K1" -o KIND,ID -e
	assert_output "KIND=\"shm\" ID=\"$shm\"
KIND=\"sem\" ID=\"$sem\""
	run sysvctl ls sem --key "$K1" -o KIND,ID --json
	[ "$(jq -c . <<<"$output")" = "{\"sem\":[{\"kind\":\"sem\",\"id\":$sem}]}" ]
	run sysvctl ls shm -o help
	assert_line "              KIND  the kind: shm, sem or mq"
}

@test "several kinds: a table titles each non-empty section" {
	sysvctl shm create "$K1" >/dev/null
	sysvctl mq create "$K1" >/dev/null
	run bytes sysvctl ls --key "$K1" -o OWNER,KEY
	assert_success
	assert_output "$(bytes printf 'shm:\nOWNER KEY\nroot  %s\n\nmq:\nOWNER KEY\nroot  %s\n' "$K1" "$K1")"
}

@test "an empty listing prints nothing and exits 0" {
	run bytes sysvctl ls --key "$K1"
	assert_success
	assert_output ""
	run bytes sysvctl ls shm --key "$K1"
	assert_output ""
	for opts in --raw --noheadings -e "--raw --noheadings"; do
		# shellcheck disable=SC2086
		run bytes sysvctl ls sem mq --key "$K1" $opts
		assert_success
		assert_output ""
	done
	# JSON still names every kind asked for.
	run sysvctl ls sem --key "$K1" --json
	[ "$(jq -c . <<<"$output")" = '{"sem":[]}' ]
}

# Run sysvctl ARGS on a terminal COLUMNS wide (script(1) gives it one);
# the output without the terminal's carriage returns.
on_terminal() {
	local columns=$1
	shift
	COLUMNS=$columns script -qec "$(printf '%q ' "$SYSVCTL" "$@")" /dev/null </dev/null | tr -d '\r'
}

@test "on a terminal the flexible column is cut to fit; --notruncate and pipes keep it" {
	command -v script >/dev/null || skip "no script(1)"
	/usr/bin/python3 -c 'import sysv_ipc, sys, time; m = sysv_ipc.SharedMemory(int(sys.argv[1], 0), sysv_ipc.IPC_CREX, size=4096); print(m.id, flush=True); time.sleep(60)' "$K1" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx >"$BATS_TEST_TMPDIR/id" &
	track_pid $!
	poll_until test -s "$BATS_TEST_TMPDIR/id"
	command=$(tr '\0' ' ' </proc/$!/cmdline)
	command=${command% }
	run on_terminal 40 ls shm --key "$K1" -o KEY,COMMAND
	assert_success
	assert_output "KEY        COMMAND
$K1 ${command:0:29}"
	run on_terminal 40 ls shm --key "$K1" -o KEY,COMMAND --notruncate
	assert_output "KEY        COMMAND
$K1 $command"
	# Never narrower than its header.
	run on_terminal 12 ls shm --key "$K1" -o KEY,COMMAND --noheadings
	assert_output "$K1 ${command:0:1}"
	run on_terminal 12 ls shm --key "$K1" -o KEY,COMMAND
	assert_line --index 1 "$K1 ${command:0:7}"
	# --raw is never cut, and neither is a pipe.
	run on_terminal 40 ls shm --key "$K1" -o COMMAND --raw --noheadings
	assert_output "$(sed 's/ /\\x20/g' <<<"$command")"
	COLUMNS=40 run sysvctl ls shm --key "$K1" -o KEY,COMMAND --noheadings
	assert_output "$K1 $command"
}

@test "--time-format: iso carries the UTC offset, short as lsipc, epoch the seconds" {
	sysvctl sem create "$K1" >/dev/null
	run sysvctl ls sem --key "$K1" -o CTIME --raw --noheadings --time-format epoch
	assert_success
	assert_output --regexp '^[0-9]+$'
	ctime=$output
	run env TZ=America/New_York "$SYSVCTL" ls sem --key "$K1" -o CTIME --raw --noheadings
	assert_output "$(TZ=America/New_York date -d "@$ctime" +%Y-%m-%dT%H:%M:%S%:z)"
	assert_output --regexp '-0[45]:00$'
	run env TZ=Asia/Kolkata "$SYSVCTL" sem stat "$K1" -o OTIME,CTIME --raw --noheadings --time-format iso
	assert_output "$(TZ=Asia/Kolkata date -d "@$ctime" +%Y-%m-%dT%H:%M:%S+05:30) $(TZ=Asia/Kolkata date -d "@$ctime" +%Y-%m-%dT%H:%M:%S+05:30)"
	# short, as lsipc: today only the time of day.
	run env TZ=UTC "$SYSVCTL" ls sem --key "$K1" -o CTIME --noheadings --time-format short
	today=$(TZ=UTC date -d "@$ctime" +%Y-%m-%d)
	if [ "$today" = "$(TZ=UTC date +%Y-%m-%d)" ]; then
		assert_output "$(TZ=UTC date -d "@$ctime" +%H:%M)"
	else
		assert_output "$(TZ=UTC date -d "@$ctime" +%b%d/%H:%M)"
	fi
	run env TZ=UTC "$SYSVCTL" ls sem --key "$K1" -o CTIME -e --time-format epoch
	assert_output "CTIME=\"$ctime\""
	# JSON times stay epoch seconds whatever the format.
	run sysvctl ls sem --key "$K1" -o CTIME -j --time-format short
	assert_output --partial "\"ctime\": $ctime"
}

@test "--time-format: an unknown format is exit 2 with one line" {
	run sysvctl ls --time-format local
	assert_failure 2
	assert_output "sysvctl: --time-format: 'local' is not iso, short or epoch"
	run sysvctl mq stat "$K1" --time-format
	assert_failure 2
}

@test "stat of one object is a vertical list with user and group names" {
	sysvctl shm create "$K1" -s 1M -m 640 >/dev/null
	sysvctl sem create "$K2" -n 2 -v 3 >/dev/null
	sysvctl mq create "$K3" >/dev/null
	shm=$(ipcs_id shm "$K1") sem=$(ipcs_id sem "$K2") mq=$(ipcs_id mq "$K3")
	user=$(id -un) group=$(id -gn) uid=$(id -u) gid=$(id -g)
	t() { TZ=UTC date -d "@$1" +%Y-%m-%dT%H:%M:%S+00:00; }
	shm_ctime=$(sysvctl shm stat "$K1" -o CTIME --raw --noheadings --time-format epoch)
	cpid=$(sysvctl shm stat "$K1" -o CPID --raw --noheadings)
	run env TZ=UTC "$SYSVCTL" shm stat "$K1"
	assert_success
	assert_output "Key:                $K1
ID:                 $shm
Segment size:       1M
Attached processes: 0
Creator PID:        $cpid
Last user PID:      0
Mode:               0640
UID:                $uid ($user)
GID:                $gid ($group)
Creator UID:        $uid ($user)
Creator GID:        $gid ($group)
Attach time:        -
Detach time:        -
Last change:        $(t "$shm_ctime")
Marked for removal: no"
	sem_time=$(sysvctl sem stat "$K2" -o OTIME --raw --noheadings --time-format epoch)
	sem_pid=$(sysvctl sem stat "$K2" -o PID --raw --noheadings | head -n 1)
	run env TZ=UTC "$SYSVCTL" sem stat "$K2"
	assert_output "Key:            $K2
ID:             $sem
Semaphores:     2
Mode:           0600
UID:            $uid ($user)
GID:            $gid ($group)
Creator UID:    $uid ($user)
Creator GID:    $gid ($group)
Last operation: $(t "$sem_time")
Last change:    $(t "$(sysvctl sem stat "$K2" -o CTIME --raw --noheadings --time-format epoch)")

INDEX VALUE NCNT ZCNT   PID
    0     3    0    0 $(printf %5s "$sem_pid")
    1     3    0    0 $(printf %5s "$sem_pid")"
	run env TZ=UTC "$SYSVCTL" mq stat "$K3"
	assert_output "Key:               $K3
ID:                $mq
Mode:              0600
UID:               $uid ($user)
GID:               $gid ($group)
Creator UID:       $uid ($user)
Creator GID:       $gid ($group)
Messages:          0
Bytes used:        0B
Queue size:        $(numfmt --to=iec </proc/sys/kernel/msgmnb)
Last sender PID:   0
Last receiver PID: 0
Last send:         -
Last receive:      -
Last change:       $(t "$(sysvctl mq stat "$K3" -o CTIME --raw --noheadings --time-format epoch)")"
}

@test "stat keeps its exact forms with -o, --raw, --noheadings, --export and --json" {
	sysvctl mq create "$K1" >/dev/null
	id=$(ipcs_id mq "$K1")
	run sysvctl mq stat "$K1" -o KEY,ID,UID
	# Each column as wide as its widest cell, header included; a cell that
	# fills its header widens the column to the width hint (5 for ID), as
	# libsmartcols and lsipc do.
	if [ ${#id} -lt 2 ]; then
		idw=2
	elif [ ${#id} -lt 5 ]; then
		idw=5
	else
		idw=${#id}
	fi
	assert_output "KEY        $(printf "%${idw}s" ID) UID
$K1 $(printf "%${idw}s" "$id") $(printf %3s "$(id -u)")"
	run sysvctl mq stat "$K1" -o KEY,UID --raw
	assert_output "KEY UID
$K1 $(id -u)"
	run sysvctl mq stat "$K1" -e -o ID,UID
	assert_output "ID=\"$id\" UID=\"$(id -u)\""
	run sysvctl mq stat "$K1" --noheadings
	assert_line --index 0 --regexp "^$K1 +$id 0600 "
	run sysvctl -j mq stat "$K1" -o ID,UID
	assert_output "{
   \"id\": $id,
   \"uid\": $(id -u)
}"
}

@test "create --json prints the stat object for every kind, as stat --json does" {
	run sysvctl shm create "$K1" --json
	assert_success
	[ "$output" = "$(sysvctl shm stat "$K1" --json)" ]
	run sysvctl sem create "$K2" --json
	assert_success
	[ "$output" = "$(sysvctl sem stat "$K2" --json)" ]
	run sysvctl mq create "$K3" --json
	assert_success
	[ "$output" = "$(sysvctl mq stat "$K3" --json)" ]
	[ "$(jq -c '[.key, .id, .messages]' <<<"$output")" = "[$((K3)),$(ipcs_id mq "$K3"),0]" ]
}

@test "NDJSON is compact with uniform spacing; key --json and sem get --json keep the object layout" {
	sysvctl mq send "$K1" -c -T 3 'a "b"'
	run sysvctl mq recv "$K1" --json
	assert_output '{"type":3,"size":5,"data":"a \"b\""}'
	run sysvctl key "$K2" --json
	assert_output "{
   \"key\": $((K2))
}"
	sysvctl sem create "$K3" -v 7 >/dev/null
	run sysvctl -j sem get "$K3"
	assert_output '{
   "value": 7
}'
}

# The values of one object's line in FORMAT (table, raw, export, json), one
# per line, in the order of COLS (KEY first), written as --raw writes
# them: the JSON key as 0x%08x, null as '-', booleans as yes/no.
values_in() {
	local format=$1 kind=$2 key=$3 cols=$4
	local common=(ls "$kind" --key "$key" -o "$cols" --time-format epoch --bytes)
	case $format in
	table) sysvctl "${common[@]}" --noheadings | tr -s ' ' '\n' | sed '/^$/d' ;;
	raw) sysvctl "${common[@]}" --raw --noheadings | tr ' ' '\n' ;;
	export) sysvctl "${common[@]}" -e | grep -o '[A-Z_]*="[^"]*"' |
		sed 's/^[^=]*="//; s/"$//; s/^$/-/' ;;
	json) sysvctl -j "${common[@]}" | jq -r --arg kind "$kind" '.[$kind][0] | to_entries[] |
			if .value == null then "-" elif .value == true then "yes"
			elif .value == false then "no" else .value | tostring end' |
		{ read -r number; printf '0x%08x\n' "$number"; cat; } ;;
	esac
}

@test "table, raw, export and JSON show the same values; ls (/proc/sysvipc) and stat (the *ctl calls) agree" {
	sysvctl shm create "$K1" -s 12345 -m 640 >/dev/null
	sysvctl sem create "$K2" -n 3 -v 2 >/dev/null
	sysvctl sem acquire "$K2"
	sysvctl mq send "$K3" -c 'hello there'
	sysvctl mq send "$K3" 'x'
	sysvctl mq create "$K4" >/dev/null
	shm_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,SIZE,NATTCH,CPID,LPID,ATIME,DTIME,CTIME,MARKED-FOR-REMOVAL
	sem_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,NSEMS,OTIME,CTIME
	mq_cols=KEY,ID,OWNER,MODE,PERMS,UID,GID,CUID,CGID,MESSAGES,USED-BYTES,MAX-BYTES,LSPID,LRPID,STIME,RTIME,CTIME
	for kind in shm sem mq; do
		case $kind in
		shm) key=$K1 cols=$shm_cols ;;
		sem) key=$K2 cols=$sem_cols ;;
		mq) key=$K3 cols=$mq_cols ;;
		esac
		raw=$(values_in raw "$kind" "$key" "$cols")
		[ "$(wc -l <<<"$raw")" -eq "$(tr ',' '\n' <<<"$cols" | wc -l)" ]
		for format in table export json; do
			run values_in "$format" "$kind" "$key" "$cols"
			assert_output "$raw"
		done
		# The same object through its stat (shmctl/semctl/msgctl).
		stat_cols=${cols/OWNER,/}
		stat_cols=${stat_cols/PERMS,/}
		run sysvctl "$kind" stat "$key" -o "$stat_cols" --raw --noheadings --time-format epoch --bytes
		assert_output "$(sysvctl ls "$kind" --key "$key" -o "$stat_cols" --raw --noheadings --time-format epoch --bytes)"
	done
	# The queues through /proc/sysvipc/msg (MAX-BYTES not shown) and
	# through MSG_STAT_ANY (MAX-BYTES shown): the same cells.
	proc_cols=${mq_cols/MAX-BYTES,/}
	run sysvctl ls mq --key "$K3" --key "$K4" -o "$proc_cols" --raw --noheadings --time-format epoch --bytes
	assert_success
	proc=$output
	run sysvctl ls mq --key "$K3" --key "$K4" -o "$proc_cols,MAX-BYTES" --raw --noheadings --time-format epoch --bytes
	assert_output --regexp " $(cat /proc/sys/kernel/msgmnb)$"
	[ "$(sed 's/ [0-9]*$//' <<<"$output")" = "$proc" ]
	# The values themselves.
	run values_in raw mq "$K3" KEY,MESSAGES,USED-BYTES
	assert_output "$K3
2
12"
	run values_in raw shm "$K1" SIZE,MODE,PERMS
	assert_output "12345
0640
rw-r-----"
}
