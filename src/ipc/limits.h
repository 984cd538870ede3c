/* The kernel's System V IPC limits of the current IPC namespace, with
 * their current use where the kernel counts it. */
#ifndef SYSVCTL_LIMITS_H
#define SYSVCTL_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define SV_NLIMITS 15

struct sv_limit {
	const char *name;           /* "shmmax": the sysctl's name */
	const char *description;    /* one line, with the unit */
	uint64_t value;
	bool bytes;                 /* VALUE is a size in bytes */
	bool has_used;              /* the kernel reports current use */
	uint64_t used;
};

/* Fill the limits lsipc -g shows, in the order shmmax, shmall, shmmni,
 * shmmin, msgmax, msgmnb, msgmni, semmsl, semmns, semopm, semmni, semvmx,
 * then the POSIX queues' queues_max, msg_max, msgsize_max
 * (/proc/sys/fs/mqueue; 0 on a kernel without them).  Use: shmmni the
 * segments, shmall their pages, msgmni the queues, semmni the sets, semmns
 * the semaphores (from SHM_INFO, MSG_INFO, SEM_INFO), queues_max the
 * queues in /dev/mqueue when it is mounted. */
int sv_limits_read(struct sv_limit limits[SV_NLIMITS], struct sv_err *err);

#endif
