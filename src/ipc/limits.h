/* The kernel's System V IPC limits of the current IPC namespace, with
 * their current use where the kernel counts it. */
#ifndef SYSVCTL_LIMITS_H
#define SYSVCTL_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define SV_NLIMITS 13

struct sv_limit {
	const char *name;           /* "shmmax": the sysctl's name */
	const char *description;    /* one line, with the unit */
	uint64_t value;
	bool has_used;              /* the kernel reports current use */
	uint64_t used;
};

/* Fill the limits in the order shmmax, shmall, shmmni, msgmax, msgmnb,
 * msgmni, semmsl, semmns, semopm, semmni, then the POSIX queues' queues_max,
 * msg_max, msgsize_max (/proc/sys/fs/mqueue; 0 on a kernel without them;
 * queues_max's use is the number of queues in /dev/mqueue, when mounted).  Use: shmmni the segments,
 * shmall their pages, msgmni the queues, semmni the sets, semmns the
 * semaphores (from SHM_INFO, MSG_INFO, SEM_INFO). */
int sv_limits_read(struct sv_limit limits[SV_NLIMITS], struct sv_err *err);

#endif
