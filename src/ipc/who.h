/* Who holds and who waits for a semaphore set, in detail: the `sem run`
 * holders (users.h's marker) and the threads blocked in semop on it, with
 * their command lines, what they hold or wait for, and since when.  Built
 * on the scans that a struct sv_procs makes once for every set. */
#ifndef SYSVCTL_WHO_H
#define SYSVCTL_WHO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "proc.h"

struct sv_sem_user {
	bool holds;             /* true: a holder; false: a waiter */
	pid_t pid;
	unsigned index;         /* the semaphore held or waited for */
	int sem_op;             /* holder: its op (< 0 taken, > 0 --up);
				 * waiter: the op it waits to do (0: for zero) */
	bool op_known;          /* a waiter's op could be read from its memory */
	time_t since;           /* holder: when it took the units (0: unknown) */
	const char *command;    /* NULL when the process is gone; lives as long
				 * as the sv_procs */
};

/* Every holder, then every waiter, of the set SEMID, in *USERS (malloc'ed,
 * *N of them).  -1 when out of memory or /proc could not be read. */
int sv_sem_users(struct sv_procs *procs, int semid, struct sv_sem_user **users,
		 size_t *n);

/* How many holders and how many waiting threads SEMID has. */
size_t sv_sem_nholders(struct sv_procs *procs, int semid);
size_t sv_sem_nwaiters(struct sv_procs *procs, int semid);

#endif
