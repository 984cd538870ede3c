#!/usr/bin/env bats
# sysvctl limits: the kernel's values and their use.

load helpers

# The limits as "name value" lines, straight from /proc/sys/kernel (shmmin
# is 1 in every kernel, semvmx 32767: what ipcs -l says).
proc_limits() {
	local name
	for name in shmmax shmall shmmni; do
		echo "$name $(cat /proc/sys/kernel/$name)"
	done
	echo "shmmin 1"
	for name in msgmax msgmnb msgmni; do
		echo "$name $(cat /proc/sys/kernel/$name)"
	done
	read -r semmsl semmns semopm semmni < /proc/sys/kernel/sem
	printf 'semmsl %s\nsemmns %s\nsemopm %s\nsemmni %s\n' \
		"$semmsl" "$semmns" "$semopm" "$semmni"
	echo "semvmx $(ipcs -l -s | awk '/semaphore max value/ { print $NF }')"
	for name in queues_max msg_max msgsize_max; do
		echo "$name $(cat /proc/sys/fs/mqueue/$name)"
	done
}

@test "limits equal the values in /proc/sys/kernel" {
	run sysvctl limits -o NAME,VALUE --raw --noheadings --bytes
	assert_success
	assert_output "$(proc_limits)"
}

@test "limits prints a table with use and descriptions" {
	run sysvctl limits
	assert_success
	assert_line --index 0 --regexp '^NAME +VALUE +USED +USE% DESCRIPTION$'
	assert_line --regexp '^msgmax +[0-9.]+[BKMGTE] +- +- largest message, bytes$'
	assert_line --regexp '^shmmni +[0-9]+ +[0-9]+ +[0-9]+\.[0-9][0-9]% most shared memory segments$'
	assert_line --regexp '^shmmin +1B +- +- smallest shared memory segment, bytes$'
	assert_line --regexp '^semvmx +32767 +- +- largest semaphore value$'
	assert_line --regexp '^msg_max +[0-9]+ +- +- most messages in a POSIX queue$'
	[ "${#lines[@]}" -eq 16 ]
}

@test "limits --json is a typed list, with null where no use is counted" {
	run sysvctl limits --json
	assert_success
	# Python keeps the 64-bit values exact (jq 1.6 rounds them).
	run /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert list(doc) == ["limits"], doc
for item in doc["limits"]:
    assert list(item) == ["name", "value", "used"], item
    assert type(item["value"]) is int
    assert item["used"] is None or type(item["used"]) is int
    print(item["name"], item["value"], "null" if item["used"] is None else "n")
' <<<"$output"
	assert_success
	# queues_max counts /dev/mqueue's queues when it is mounted.
	expected=$(proc_limits | awk -v mq=$(mountpoint -q /dev/mqueue && echo 1) '{ print $1, $2, ($1 ~ /^(shmall|shmmni|msgmni|semmns|semmni)$/ || ($1 == "queues_max" && mq) ? "n" : "null") }')
	assert_output "$expected"
}

@test "use counts the objects of the namespace" {
	run unshare --ipc bash -c '
		ipcmk -M 8193 >/dev/null
		ipcmk -M 100 >/dev/null
		ipcmk -S 3 >/dev/null
		ipcmk -Q >/dev/null
		ipcmk -Q >/dev/null
		"$1" limits -o NAME,USED --raw --noheadings | head -n 12' _ "$SYSVCTL"
	assert_success
	pages=$(( (8193 + $(getconf PAGESIZE) - 1) / $(getconf PAGESIZE) + 1 ))
	assert_output "shmmax -
shmall $pages
shmmni 2
shmmin -
msgmax -
msgmnb -
msgmni 2
semmsl -
semmns 3
semopm -
semmni 1
semvmx -"
}

@test "limits --ns shows another namespace's limits and use" {
	start_ipc_ns
	pid=$NS_PID
	nsenter -t "$pid" --ipc sh -c 'echo 1234 > /proc/sys/kernel/msgmax; ipcmk -Q >/dev/null'
	run sysvctl -N "$pid" limits --json
	assert_success
	[ "$(jq -c '.limits[] | select(.name == "msgmax" or .name == "msgmni") | [.name, .value, .used]' <<<"$output" | tr -d '\n')" = "[\"msgmax\",1234,null][\"msgmni\",32000,1]" ]
}

@test "limits takes no arguments; -o help lists the columns" {
	run sysvctl limits shm
	assert_failure 2
	assert_output "sysvctl: limits: too many arguments (see 'sysvctl limits --help')"
	run sysvctl limits -o help
	assert_success
	assert_line '       USED  current use where the kernel counts it'
	run sysvctl limits -o NOPE
	assert_failure 2
}

@test "limits: human sizes by default, --bytes exact, USE% of the limit" {
	run unshare --ipc bash -c '
		echo 8192 >/proc/sys/kernel/msgmax
		echo 1536 >/proc/sys/kernel/msgmnb
		echo 200 >/proc/sys/kernel/msgmni
		ipcmk -Q >/dev/null
		"$1" limits -o NAME,VALUE,USED,USE% --raw --noheadings | grep "^msg[a-z]* "
		"$1" limits -o NAME,VALUE --raw --noheadings --bytes | grep "^msg[a-z]* "
		"$1" limits -o NAME,VALUE,USE% -e | grep msgmni
		"$1" -j limits -o NAME,USE% | grep -A1 msgmni' _ "$SYSVCTL"
	assert_success
	assert_output 'msgmax 8K - -
msgmnb 1.5K - -
msgmni 200 1 0.50%
msgmax 8192
msgmnb 1536
msgmni 200
NAME="msgmni" VALUE="200" USE_PCT="0.50%"
         "name": "msgmni",
         "use%": 0.50'
}
