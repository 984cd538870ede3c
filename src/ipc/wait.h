/* How long an operation may wait: the one description every blocking verb
 * shares (sem acquire, z and run, mq send and recv, etcd: locks). */
#ifndef SYSVCTL_WAIT_H
#define SYSVCTL_WAIT_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

struct sv_wait {
	bool nowait;                /* fail at once instead of waiting */
	bool timed;                 /* wait at most timeout (0: nowait too) */
	struct timespec timeout;
	/* Not NULL: a flag the command's signal handler sets.  Once it is
	 * non-zero, a wait ends with EINTR instead of going on (and none
	 * starts): the command decides what the signal means.  Semaphore
	 * waits read it; queues have their own (struct sv_mq). */
	const volatile sig_atomic_t *stop;
};

/* Whether WAIT waits for as long as it takes. */
static inline bool sv_wait_forever(const struct sv_wait *wait)
{
	return !wait->nowait && !wait->timed;
}

#endif
