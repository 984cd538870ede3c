#define _GNU_SOURCE     /* SHM_INFO, MSG_INFO, SEM_INFO and their structs */
#include "limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "plist.h"
#include "semun.h"
#include "sysctl.h"

/* Where a limit's value comes from. */
enum limit_source {
	FROM_SYSCTL,    /* /proc/sys/kernel/NAME */
	FROM_SEM,       /* a field of /proc/sys/kernel/sem */
	FROM_SEMINFO,   /* semctl IPC_INFO only */
	FROM_CONSTANT,  /* fixed in the kernel */
	FROM_MQUEUE,    /* /proc/sys/fs/mqueue/NAME (POSIX queues) */
};

/* One row per limit: adding one is a row here and a line in the enum. */
static const struct {
	const char *name;
	const char *description;
	enum limit_source source;
	bool bytes;
	uint64_t constant;          /* FROM_CONSTANT; FROM_SEM: the field */
} limit_rows[SV_NLIMITS] = {
	{ "shmmax", "largest shared memory segment, bytes", FROM_SYSCTL, true, 0 },
	{ "shmall", "all shared memory together, pages", FROM_SYSCTL, false, 0 },
	{ "shmmni", "most shared memory segments", FROM_SYSCTL, false, 0 },
	{ "shmmin", "smallest shared memory segment, bytes", FROM_CONSTANT, true, 1 },
	{ "msgmax", "largest message, bytes", FROM_SYSCTL, true, 0 },
	{ "msgmnb", "default most bytes in a queue", FROM_SYSCTL, true, 0 },
	{ "msgmni", "most message queues", FROM_SYSCTL, false, 0 },
	{ "semmsl", "most semaphores in a set", FROM_SEM, false, 0 },
	{ "semmns", "most semaphores in all sets", FROM_SEM, false, 1 },
	{ "semopm", "most operations in one semop", FROM_SEM, false, 2 },
	{ "semmni", "most semaphore sets", FROM_SEM, false, 3 },
	{ "semvmx", "largest semaphore value", FROM_SEMINFO, false, 0 },
	{ "queues_max", "most POSIX message queues", FROM_MQUEUE, false, 0 },
	{ "msg_max", "most messages in a POSIX queue", FROM_MQUEUE, false, 0 },
	{ "msgsize_max", "largest POSIX message, bytes", FROM_MQUEUE, true, 0 },
};

enum { SHMMAX, SHMALL, SHMMNI, SHMMIN, MSGMAX, MSGMNB, MSGMNI, SEMMSL, SEMMNS,
       SEMOPM, SEMMNI, SEMVMX, QUEUES_MAX, MSG_MAX, MSGSIZE_MAX };

static void set_used(struct sv_limit *limit, uint64_t used)
{
	limit->has_used = true;
	limit->used = used;
}

/* The kernel's own counts: the *_INFO commands answer for the namespace
 * without any permission. */
static int read_use(struct sv_limit limits[SV_NLIMITS], struct sv_err *err)
{
	struct shm_info shm;
	struct msginfo msg;
	struct seminfo sem;
	long queues;

	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&shm) < 0)
		return sv_fail(err, errno, "shmctl SHM_INFO");
	set_used(&limits[SHMMNI], (uint64_t)shm.used_ids);
	set_used(&limits[SHMALL], (uint64_t)shm.shm_tot);
	if (msgctl(0, MSG_INFO, (struct msqid_ds *)&msg) < 0)
		return sv_fail(err, errno, "msgctl MSG_INFO");
	set_used(&limits[MSGMNI], (uint64_t)msg.msgpool);   /* queues */
	if (semctl(0, 0, SEM_INFO, (union semun){ .__buf = &sem }) < 0)
		return sv_fail(err, errno, "semctl SEM_INFO");
	set_used(&limits[SEMMNI], (uint64_t)sem.semusz);    /* sets */
	set_used(&limits[SEMMNS], (uint64_t)sem.semaem);    /* semaphores */
	if ((queues = sv_pmq_count()) >= 0)                 /* /dev/mqueue */
		set_used(&limits[QUEUES_MAX], (uint64_t)queues);
	return 0;
}

/* /proc/sys/fs/mqueue/NAME, left 0 on a kernel without POSIX queues. */
static void read_mqueue(struct sv_limit *limit)
{
	struct sv_err unused;
	char path[64];

	snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", limit->name);
	sv_sysctl_path_u64(path, &limit->value, &unused);
}

/* The value of each limit from its source. */
static int read_values(struct sv_limit limits[SV_NLIMITS], struct sv_err *err)
{
	struct seminfo info;
	uint64_t sem[4];

	if (sv_sysctl_sem(sem, err) != 0)
		return -1;
	for (int i = 0; i < SV_NLIMITS; i++) {
		switch (limit_rows[i].source) {
		case FROM_SYSCTL:
			if (sv_sysctl_u64(limits[i].name, &limits[i].value, err) != 0)
				return -1;
			break;
		case FROM_SEM:
			limits[i].value = sem[limit_rows[i].constant];
			break;
		case FROM_SEMINFO:
			if (semctl(0, 0, IPC_INFO, (union semun){ .__buf = &info }) < 0)
				return sv_fail(err, errno, "semctl IPC_INFO");
			limits[i].value = (uint64_t)info.semvmx;
			break;
		case FROM_CONSTANT:
			limits[i].value = limit_rows[i].constant;
			break;
		case FROM_MQUEUE:
			read_mqueue(&limits[i]);
			break;
		}
	}
	return 0;
}

int sv_limits_read(struct sv_limit limits[SV_NLIMITS], struct sv_err *err)
{
	memset(limits, 0, sizeof(struct sv_limit) * SV_NLIMITS);
	for (int i = 0; i < SV_NLIMITS; i++) {
		limits[i].name = limit_rows[i].name;
		limits[i].description = limit_rows[i].description;
		limits[i].bytes = limit_rows[i].bytes;
	}
	if (read_values(limits, err) != 0)
		return -1;
	return read_use(limits, err);
}
