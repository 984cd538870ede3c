#!/usr/bin/env bats
# Interoperability, both directions: Python's sysv_ipc (/usr/bin/python3),
# Perl's core IPC::SysV modules, and util-linux (ipcmk, ipcs, lsipc) see
# the same bytes, values, message types and frames as sysvctl.

load helpers


# pl CODE ARGS...: Perl with IPC::SysV and its object modules loaded.
pl() {
	local code=$1
	shift
	perl -e 'use strict; use warnings;
use IPC::SysV qw(IPC_CREAT IPC_EXCL IPC_NOWAIT);
use IPC::SharedMem; use IPC::Msg; use IPC::Semaphore;
'"$code" "$@"
}

# ------------------------------------------------------------ shm bytes

@test "bytes written by sysv_ipc are read exactly by shm read" {
	py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600, size=512)
shm.write(bytes(range(256)) * 2)
shm.detach()' "$K1"
	py 'sys.stdout.buffer.write(bytes(range(256)) * 2)' > "$BATS_TEST_TMPDIR/expected"
	"$SYSVCTL" shm read "$K1" > "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/got"
	"$SYSVCTL" shm read "$K1" -o 250 -n 10 > "$BATS_TEST_TMPDIR/got"
	cmp <(py 'sys.stdout.buffer.write(bytes([250, 251, 252, 253, 254, 255, 0, 1, 2, 3]))') "$BATS_TEST_TMPDIR/got"
}

@test "bytes written by shm write are read exactly by sysv_ipc" {
	"$SYSVCTL" shm create "$K1" -s 300 >/dev/null
	py 'sys.stdout.buffer.write(bytes(range(256)))' | "$SYSVCTL" shm write "$K1" -o 7
	run py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
data = shm.read()
shm.detach()
print(len(data), data[:7] == bytes(7), data[7:263] == bytes(range(256)), data[263:] == bytes(37))' "$K1"
	assert_success
	assert_output "300 True True True"
}

@test "a new sysv_ipc segment is space-filled and shm read shows the spaces" {
	py 'sysv_ipc.SharedMemory(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600, size=24).detach()' "$K1"
	run "$SYSVCTL" shm read "$K1"
	assert_success
	assert_output "                        "
	[ "$(ipcs -m | awk -v k="$K1" 'tolower($1) == k { print $5 }')" = 24 ]
}

@test "a new sysvctl segment is zero-filled for sysv_ipc" {
	"$SYSVCTL" shm create "$K1" -s 40 >/dev/null
	run py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
print(shm.size, shm.read() == bytes(40))
shm.detach()' "$K1"
	assert_success
	assert_output "40 True"
}

@test "a sysv_ipc segment of another size opened with create --exist-ok keeps its size" {
	py 'sysv_ipc.SharedMemory(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600, size=100).detach()' "$K1"
	run --separate-stderr "$SYSVCTL" shm create "$K1" -s 200 --exist-ok
	assert_success
	assert_output "$(ipcs_id shm "$K1")"
	[[ "$stderr" == "sysvctl: warning: "*100*200* || "$stderr" == "sysvctl: warning: "*200*100* ]]
	[ "$(ipcs -m | awk -v k="$K1" 'tolower($1) == k { print $5 }')" = 100 ]
}

@test "Perl IPC::SharedMem and shm read/write see the same bytes" {
	pl 'my $shm = IPC::SharedMem->new(hex($ARGV[0]), 64, 0600 | IPC_CREAT | IPC_EXCL) or die "shmget: $!";
$shm->write("from perl\0with a NUL", 0, 20) or die "write: $!";' "$K1"
	"$SYSVCTL" shm read "$K1" -n 20 > "$BATS_TEST_TMPDIR/got"
	cmp <(printf 'from perl\0with a NUL') "$BATS_TEST_TMPDIR/got"
	printf 'from sysvctl\0\377' | "$SYSVCTL" shm write "$K1" -o 30
	run pl 'my $shm = IPC::SharedMem->new(hex($ARGV[0]), 0, 0) or die "shmget: $!";
my $data = $shm->read(30, 14);
print unpack("H*", $data), "\n";' "$K1"
	assert_success
	assert_output "$(printf 'from sysvctl\0\377' | od -An -tx1 | tr -d ' \n')"
}

# ------------------------------------------------------------ frames

@test "a frame written by Python (=I length + payload) is read by shm read --framed" {
	py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600, size=128)
payload = b"frame \x00 from python\n"
shm.write(struct.pack("=I", len(payload)) + payload)
shm.write(struct.pack("=I", 3) + b"abc", 64)
shm.detach()' "$K1"
	"$SYSVCTL" shm read "$K1" --framed > "$BATS_TEST_TMPDIR/got"
	cmp <(printf 'frame \0 from python\n') "$BATS_TEST_TMPDIR/got"
	run "$SYSVCTL" shm read "$K1" -o 64 --framed
	assert_success
	assert_output "abc"
}

@test "a frame written by shm write --framed is read by Python as =I length + payload" {
	"$SYSVCTL" shm create "$K1" -s 128 >/dev/null
	printf 'to python\0!' | "$SYSVCTL" shm write "$K1" --framed
	"$SYSVCTL" shm write "$K1" -o 100 --framed "tail"
	run py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
(n,) = struct.unpack("=I", shm.read(4))
print(n, shm.read(n, 4))
(m,) = struct.unpack("=I", shm.read(4, 100))
print(m, shm.read(m, 104))
shm.detach()' "$K1"
	assert_success
	assert_line --index 0 "11 b'to python\\x00!'"
	assert_line --index 1 "4 b'tail'"
}

@test "an empty frame round-trips with Python" {
	"$SYSVCTL" shm create "$K1" -s 16 >/dev/null
	"$SYSVCTL" shm write "$K1" "XXXXXXXX"
	"$SYSVCTL" shm write "$K1" --framed ""
	run py 'shm = sysv_ipc.SharedMemory(int(sys.argv[1], 16))
print(struct.unpack("=I", shm.read(4))[0])
shm.detach()' "$K1"
	assert_output "0"
	run "$SYSVCTL" shm read "$K1" --framed
	assert_success
	assert_output ""
}

# ------------------------------------------------------------ semaphores

@test "semaphore values agree with sysv_ipc both ways" {
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600, initial_value=5)' "$K1"
	run "$SYSVCTL" sem get "$K1"
	assert_output 5
	"$SYSVCTL" sem acquire "$K1" -d 2
	run py 'print(sysv_ipc.Semaphore(int(sys.argv[1], 16)).value)' "$K1"
	assert_output 3
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 16)).release()' "$K1"
	run "$SYSVCTL" sem get "$K1"
	assert_output 4
	"$SYSVCTL" sem create "$K2" -v 9 >/dev/null
	run py 's = sysv_ipc.Semaphore(int(sys.argv[1], 16))
s.acquire(0)
print(s.value)' "$K2"
	assert_success
	assert_output 8
	"$SYSVCTL" sem set "$K2" 0
	run py 'print(sysv_ipc.Semaphore(int(sys.argv[1], 16)).value)' "$K2"
	assert_output 0
}

@test "a lock held by sem run is busy for sysv_ipc, and one held by sysv_ipc for sem acquire" {
	"$SYSVCTL" sem create "$K1" >/dev/null
	run "$SYSVCTL" sem run "$K1" -- "$PY" -c 'import sys, sysv_ipc
s = sysv_ipc.Semaphore(int(sys.argv[1], 16))
try:
    s.acquire(0)
    print("acquired")
except sysv_ipc.BusyError:
    print("busy")' "$K1"
	assert_success
	assert_output busy
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 16)).acquire(0)' "$K1"
	run "$SYSVCTL" sem acquire "$K1" --nowait
	assert_failure 6
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 16)).release()' "$K1"
	run "$SYSVCTL" sem acquire "$K1" --nowait
	assert_success
}

@test "a Perl IPC::Semaphore set is addressed with -i both ways" {
	pl 'my $sem = IPC::Semaphore->new(hex($ARGV[0]), 3, 0600 | IPC_CREAT | IPC_EXCL) or die "semget: $!";
$sem->setall(1, 5, 9) or die "setall: $!";' "$K1"
	run "$SYSVCTL" sem get "$K1" -i 0
	assert_output 1
	run "$SYSVCTL" sem get "$K1" -i 1
	assert_output 5
	run "$SYSVCTL" sem get "$K1" -i 2
	assert_output 9
	"$SYSVCTL" sem set "$K1" 4 -i 2
	"$SYSVCTL" sem acquire "$K1" -i 1 -d 3
	"$SYSVCTL" sem release "$K1" -i 0 -d 6
	run pl 'my $sem = IPC::Semaphore->new(hex($ARGV[0]), 0, 0) or die "semget: $!";
print join(",", $sem->getall), "\n";' "$K1"
	assert_success
	assert_output "7,2,4"
	run "$SYSVCTL" sem get "$K1" -i 3
	assert_failure 2
}

@test "a sysvctl set of 3 semaphores reads in Perl as 3 values" {
	"$SYSVCTL" sem create "$K1" -n 3 -v 2 >/dev/null
	"$SYSVCTL" sem set "$K1" 6 -i 1
	run pl 'my $sem = IPC::Semaphore->new(hex($ARGV[0]), 0, 0) or die "semget: $!";
my $ds = $sem->stat;
print $ds->nsems, ":", join(",", $sem->getall), "\n";' "$K1"
	assert_success
	assert_output "3:2,6,2"
}

# ------------------------------------------------------------ messages

@test "message types sent by sysv_ipc are selected by mq recv -T" {
	py 'q = sysv_ipc.MessageQueue(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o600)
q.send(b"one", type=1)
q.send(b"two\x00bytes", type=2)
q.send(b"three", type=3)' "$K1"
	"$SYSVCTL" mq recv "$K1" -T 2 > "$BATS_TEST_TMPDIR/got"
	cmp <(printf 'two\0bytes') "$BATS_TEST_TMPDIR/got"
	run "$SYSVCTL" mq recv "$K1" -T 3 --print-type
	assert_success
	assert_output "$(printf '3\tthree')"
	run "$SYSVCTL" mq recv "$K1" --print-type
	assert_output "$(printf '1\tone')"
}

@test "messages sent by mq send keep type and bytes for sysv_ipc" {
	"$SYSVCTL" mq create "$K1" >/dev/null
	"$SYSVCTL" mq send "$K1" "default type"
	"$SYSVCTL" mq send "$K1" -T 42 "the answer"
	printf 'bin\0\377ary' | "$SYSVCTL" mq send "$K1" -T 7
	run py 'q = sysv_ipc.MessageQueue(int(sys.argv[1], 16))
print(q.receive(block=False, type=42))
print(q.receive(block=False, type=7))
print(q.receive(block=False))
print(q.current_messages)' "$K1"
	assert_success
	assert_line --index 0 "(b'the answer', 42)"
	assert_line --index 1 "(b'bin\\x00\\xffary', 7)"
	assert_line --index 2 "(b'default type', 1)"
	assert_line --index 3 "0"
}

@test "Perl IPC::Msg and mq send/recv agree on types and bodies" {
	pl 'my $q = IPC::Msg->new(hex($ARGV[0]), 0600 | IPC_CREAT | IPC_EXCL) or die "msgget: $!";
$q->snd(5, "from perl") or die "snd: $!";
$q->snd(9, "nine") or die "snd: $!";' "$K1"
	run "$SYSVCTL" mq recv "$K1" -T -6 --print-type
	assert_output "$(printf '5\tfrom perl')"
	"$SYSVCTL" mq send "$K1" -T 11 "to perl"
	run pl 'my $q = IPC::Msg->new(hex($ARGV[0]), 0) or die "msgget: $!";
my $buf;
my $type = $q->rcv($buf, 100, 11, IPC_NOWAIT);
defined $type or die "rcv: $!";
print "$type:$buf\n";
$type = $q->rcv($buf, 100, 0, IPC_NOWAIT);
print "$type:$buf\n";' "$K1"
	assert_success
	assert_line --index 0 "11:to perl"
	assert_line --index 1 "9:nine"
}

# ------------------------------------------------------------ util-linux

# The id in ipcmk's "Shared memory id: 5" line.
ipcmk_id() {
	local out
	out=$(ipcmk "$@") || return 1
	echo "${out##*: }"
}

@test "a segment made by ipcmk is usable by id:ID" {
	id=$(ipcmk_id -M 256 -p 0600)
	track_id shm "$id"
	"$SYSVCTL" shm write "id:$id" -o 10 "via id"
	run "$SYSVCTL" shm read "id:$id" -o 10 -n 6
	assert_success
	assert_output "via id"
	run --separate-stderr "$SYSVCTL" --json shm stat "id:$id"
	assert_success
	[ "$(jq -r .size <<< "$output")" = 256 ]
	[ "$(jq -r .id <<< "$output")" = "$id" ]
	[ "$(jq -r .mode <<< "$output")" = 0600 ]
	run "$SYSVCTL" shm rm "id:$id"
	assert_success
	[ -z "$(ipcs -m | awk -v i="$id" '$2 == i')" ]
}

@test "a semaphore set made by ipcmk is usable by id:ID" {
	id=$(ipcmk_id -S 3 -p 0600)
	track_id sem "$id"
	run "$SYSVCTL" sem get "id:$id" -i 2
	assert_success
	assert_output 0
	"$SYSVCTL" sem set "id:$id" 5 -i 1
	"$SYSVCTL" sem acquire "id:$id" -i 1 -d 2
	run "$SYSVCTL" sem get "id:$id" -i 1
	assert_output 3
	[ "$(ipcs -s -i "$id" | awk 'f && $1 == 1 { print $2 } /^semnum/ { f = 1 }')" = 3 ]
	# ipcmk never did a semop (otime 0): a lock on it must not wait long.
	"$SYSVCTL" sem set "id:$id" 1 -i 0
	run timeout 10 "$SYSVCTL" sem run "id:$id" -- echo locked
	assert_success
	assert_output locked
}

@test "a queue made by ipcmk is usable by id:ID" {
	id=$(ipcmk_id -Q -p 0600)
	track_id mq "$id"
	"$SYSVCTL" mq send "id:$id" -T 4 "hello ipcmk"
	[ "$(ipcs -q | awk -v i="$id" '$2 == i { print $5, $6 }')" = "11 1" ]
	run "$SYSVCTL" mq recv "id:$id" --print-type
	assert_success
	assert_output "$(printf '4\thello ipcmk')"
}

@test "ipcs and lsipc show sysvctl's segment with its key, mode and size" {
	"$SYSVCTL" shm create "$K1" -s 12345 -m 0640 >/dev/null
	id=$(ipcs_id shm "$K1")
	[ -n "$id" ]
	[ "$(ipcs -m | awk -v k="$K1" 'tolower($1) == k { print $2, $4, $5 }')" = "$id 640 12345" ]
	run lsipc -m --raw --noheadings -b -o KEY,ID,PERMS,SIZE
	assert_line "$K1 $id rw-r----- 12345"
}

@test "ipcs and lsipc show sysvctl's semaphore set with its key, mode and count" {
	"$SYSVCTL" sem create "$K1" -n 4 -m 0604 >/dev/null
	id=$(ipcs_id sem "$K1")
	[ -n "$id" ]
	[ "$(ipcs -s | awk -v k="$K1" 'tolower($1) == k { print $2, $4, $5 }')" = "$id 604 4" ]
	run lsipc -s --raw --noheadings -o KEY,ID,PERMS,NSEMS
	assert_line "$K1 $id rw----r-- 4"
}

@test "ipcs and lsipc show sysvctl's queue with its key, mode and contents" {
	"$SYSVCTL" mq create "$K1" -m 0620 >/dev/null
	"$SYSVCTL" mq send "$K1" "12345"
	"$SYSVCTL" mq send "$K1" "678"
	id=$(ipcs_id mq "$K1")
	[ -n "$id" ]
	[ "$(ipcs -q | awk -v k="$K1" 'tolower($1) == k { print $2, $4, $5, $6 }')" = "$id 620 8 2" ]
	run lsipc -q --raw --noheadings -b -o KEY,ID,PERMS,USEDBYTES,MSGS
	assert_line "$K1 $id rw--w---- 8 2"
}

@test "ls shows objects made by ipcmk and Python like ipcs does" {
	id=$(ipcmk_id -M 4096 -p 0640)
	track_id shm "$id"
	py 'sysv_ipc.Semaphore(int(sys.argv[1], 16), sysv_ipc.IPC_CREX, 0o644, initial_value=2)' "$K2"
	run "$SYSVCTL" --json ls shm sem
	assert_success
	[ "$(jq -r --argjson id "$id" '.shm[] | select(.id == $id) | "\(.size) \(.mode)"' <<< "$output")" = "4096 0640" ]
	[ "$(jq -r --argjson k "$((K2))" '.sem[] | select(.key == $k) | "\(.id) \(.mode)"' <<< "$output")" = "$(ipcs_id sem "$K2") 0644" ]
}
