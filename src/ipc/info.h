/* What the kernel records of each object, as plain data.  Filled by the
 * per-kind stat functions (IPC_STAT) and by listing /proc/sysvipc, so that
 * `stat` and `ls` present the same facts the same way. */
#ifndef SYSVCTL_INFO_H
#define SYSVCTL_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/types.h>
#include <time.h>

/* The ownership and mode every kind has. */
struct sv_perm {
	key_t key;
	int id;
	mode_t mode;        /* the low 9 bits: rwx for owner, group, other */
	uid_t uid, cuid;
	gid_t gid, cgid;
};

/* Fill PERM from what IPC_STAT gives (any kind) and the object's ID. */
void sv_perm_from_ipc(struct sv_perm *perm, const struct ipc_perm *ipc, int id);

struct sv_shm_info {
	struct sv_perm perm;
	uint64_t size;
	uint64_t nattch;
	pid_t cpid, lpid;
	time_t atime, dtime, ctime;     /* 0: never */
	bool marked_for_removal;        /* SHM_DEST */
	bool locked;                    /* SHM_LOCKED */
};

struct sv_sem_info {
	struct sv_perm perm;
	unsigned nsems;
	time_t otime, ctime;            /* 0: never */
};

/* One semaphore of a set. */
struct sv_semaphore {
	unsigned index;
	int value;
	int ncnt;                       /* waiting for the value to rise */
	int zcnt;                       /* waiting for zero */
	pid_t pid;                      /* last operation */
};

struct sv_mq_info {
	struct sv_perm perm;
	uint64_t messages;              /* qnum */
	uint64_t used_bytes;            /* cbytes */
	uint64_t max_bytes;             /* qbytes */
	pid_t lspid, lrpid;
	time_t stime, rtime, ctime;     /* 0: never */
};

#endif
