#!/usr/bin/env bats
# A kernel without System V IPC (CONFIG_SYSVIPC off: WSL1, some minimal
# kernels) answers ENOSYS and has no /proc/sysvipc.  Every command says so
# in one line and a hint, with exit 9.  The kernel here has SysV IPC, so a
# preloaded shim makes its calls answer ENOSYS, and a tmpfs hides
# /proc/sysvipc.

load helpers

HINT="hint: this kernel has no System V IPC (CONFIG_SYSVIPC is off, as on WSL1 and some minimal kernels)"

setup_file() {
	cat > "$BATS_FILE_TMPDIR/nosysv.c" <<'C'
#include <errno.h>
#define NOSYS(name) int name(void); int name(void) { errno = ENOSYS; return -1; }
NOSYS(shmget) NOSYS(semget) NOSYS(msgget) NOSYS(shmctl) NOSYS(semctl)
NOSYS(msgctl) NOSYS(semop) NOSYS(semtimedop) NOSYS(msgsnd) NOSYS(msgrcv)
C
	cc -shared -fPIC -o "$BATS_FILE_TMPDIR/nosysv.so" "$BATS_FILE_TMPDIR/nosysv.c"
}

# sysvctl with every SysV IPC call answering ENOSYS (an ASan build wants
# its runtime first in the library list: let the shim stand before it).
nosysv() {
	LD_PRELOAD="$BATS_FILE_TMPDIR/nosysv.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$SYSVCTL" "$@"
}

@test "ENOSYS from the kernel is exit 9 with one line and a hint" {
	run --separate-stderr nosysv shm create "$K1"
	assert_failure 9
	assert_output ""
	[ "$stderr" = "sysvctl: shm $K1: Function not implemented
$HINT" ]
	run --separate-stderr nosysv sem get name:x
	assert_failure 9
	[ "$stderr" = "sysvctl: sem 0xfd0c5087: Function not implemented
$HINT" ]
	run --separate-stderr nosysv mq send "$K1" hello
	assert_failure 9
	[ "$stderr" = "sysvctl: mq $K1: Function not implemented
$HINT" ]
	run --separate-stderr nosysv key gen
	assert_failure 9
	[ "$stderr" = "sysvctl: key gen: Function not implemented
$HINT" ]
	run --separate-stderr nosysv limits
	assert_failure 9
}

@test "a missing /proc/sysvipc is exit 9 for ls and rm" {
	needs_mount_ns
	run unshare --mount sh -c '
		mount -t tmpfs none /proc/sysvipc 2>/dev/null || exit 99
		# ls asks the *_STAT_ANY calls first: ENOSYS from them too.
		LD_PRELOAD=$2 ASAN_OPTIONS=verify_asan_link_order=0 "$1" ls shm 2>&1; echo "ls=$?"
		"$1" rm shm --all --dry-run 2>&1; echo "rm=$?"' _ "$SYSVCTL" "$BATS_FILE_TMPDIR/nosysv.so"
	[ "$status" -ne 99 ] || skip "cannot mount over /proc/sysvipc here"
	assert_output "sysvctl: /proc/sysvipc/shm: missing (a kernel without System V IPC, or no /proc)
$HINT
ls=9
sysvctl: /proc/sysvipc/shm: missing (a kernel without System V IPC, or no /proc)
$HINT
rm=9"
}
