#define _GNU_SOURCE     /* SHM_INFO, MSG_INFO, SEM_INFO and their structs */
#include "limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "plist.h"
#include "sysctl.h"

static const struct {
	const char *name;
	const char *description;
} limit_names[SV_NLIMITS] = {
	{ "shmmax", "largest shared memory segment, bytes" },
	{ "shmall", "all shared memory together, pages" },
	{ "shmmni", "most shared memory segments" },
	{ "msgmax", "largest message, bytes" },
	{ "msgmnb", "default most bytes in a queue" },
	{ "msgmni", "most message queues" },
	{ "semmsl", "most semaphores in a set" },
	{ "semmns", "most semaphores in all sets" },
	{ "semopm", "most operations in one semop" },
	{ "semmni", "most semaphore sets" },
	{ "queues_max", "most POSIX message queues" },
	{ "msg_max", "most messages in a POSIX queue" },
	{ "msgsize_max", "largest POSIX message, bytes" },
};

enum { SHMMAX, SHMALL, SHMMNI, MSGMAX, MSGMNB, MSGMNI, SEMMSL, SEMMNS,
       SEMOPM, SEMMNI, QUEUES_MAX, MSG_MAX, MSGSIZE_MAX };

/* semctl's fourth argument; the caller defines it (semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

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
	return 0;
}

/* The POSIX queues' limits: left 0 where the kernel has none. */
static void read_mqueue(struct sv_limit limits[SV_NLIMITS])
{
	struct sv_err unused;
	char path[64];
	long queues = sv_pmq_count();

	for (int i = QUEUES_MAX; i <= MSGSIZE_MAX; i++) {
		snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", limits[i].name);
		sv_sysctl_path_u64(path, &limits[i].value, &unused);
	}
	if (queues >= 0)
		set_used(&limits[QUEUES_MAX], (uint64_t)queues);
}

int sv_limits_read(struct sv_limit limits[SV_NLIMITS], struct sv_err *err)
{
	uint64_t sem[4];

	memset(limits, 0, sizeof(struct sv_limit) * SV_NLIMITS);
	for (int i = 0; i < SV_NLIMITS; i++) {
		limits[i].name = limit_names[i].name;
		limits[i].description = limit_names[i].description;
	}
	for (int i = SHMMAX; i <= MSGMNI; i++)
		if (sv_sysctl_u64(limits[i].name, &limits[i].value, err) != 0)
			return -1;
	if (sv_sysctl_sem(sem, err) != 0)
		return -1;
	for (int i = 0; i < 4; i++)
		limits[SEMMSL + i].value = sem[i];
	read_mqueue(limits);
	return read_use(limits, err);
}
