#define _GNU_SOURCE     /* sem_clockwait */
#include "psem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "posix.h"

int sv_psem_open(const struct sv_ref *ref, const struct sv_sem_new *create,
		 bool excl, sem_t **sem, bool *created, struct sv_err *err)
{
	int flags = create == NULL ? 0 : O_CREAT | (excl ? O_EXCL : 0);
	mode_t mask;

	if (strlen(ref->text) - 1 > SV_PSEM_NAME_MAX) {
		sv_fail(err, SV_EUSAGE, "sem %.64s...", ref->text);
		return sv_msg(err, "a POSIX semaphore's name is at most %d bytes",
			      SV_PSEM_NAME_MAX);
	}
	if (created != NULL)
		*created = false;
	/* O_CREAT|O_EXCL first: only then is it known who made it. */
	if (create != NULL && !excl) {
		if (sv_psem_open(ref, create, true, sem, created, err) == 0)
			return 0;
		if (err->errnum != EEXIST)
			return -1;
		flags = 0;
	}
	mask = umask(0);
	*sem = sem_open(ref->text, flags, create ? create->mode & 0777 : 0,
			create ? (unsigned)create->value : 0);
	umask(mask);
	if (*sem == SEM_FAILED) {
		*sem = NULL;
		return sv_posix_error(SV_SEM, ref->text, errno, err);
	}
	if (created != NULL)
		*created = flags & O_EXCL;
	return 0;
}

static int busy(const char *name, const struct sv_wait *wait,
		struct sv_err *err)
{
	sv_fail(err, SV_EBUSY, "sem %s", name);
	return sv_msg(err, "%s", wait->timed ? "busy (timed out)" : "busy");
}

static bool stopped(const struct sv_wait *wait)
{
	return wait->stop != NULL && *wait->stop != 0;
}

/* One unit: 0, or -1 with errno EAGAIN/ETIMEDOUT (none), EINTR (stop). */
static int take_one(sem_t *sem, const struct sv_wait *wait,
		    const struct timespec *deadline)
{
	int rc;

	for (;;) {
		if (stopped(wait))
			return errno = EINTR, -1;
		if (wait->nowait)
			rc = sem_trywait(sem);
		else if (wait->timed)
			rc = sem_clockwait(sem, CLOCK_MONOTONIC, deadline);
		else
			rc = sem_wait(sem);
		if (rc == 0 || errno != EINTR)
			return rc;
	}
}

/* All DELTA units at once or none: -1 with errno EAGAIN when short (the
 * units taken are given back, so two acquirers never hold half each). */
static int take_all(sem_t *sem, int delta)
{
	int taken, errnum;

	for (taken = 0; taken < delta; taken++)
		if (sem_trywait(sem) != 0)
			break;
	if (taken == delta)
		return 0;
	errnum = errno;
	while (taken-- > 0)
		sem_post(sem);
	return errno = errnum, -1;
}

/* More than one unit: poll take_all (as sv_psem_wait_zero polls) until
 * it succeeds, the deadline passes or a stop is asked. */
static int take_many(sem_t *sem, int delta, const struct sv_wait *wait,
		     const struct timespec *deadline)
{
	struct timespec pause = { 0, SV_PSEM_ZERO_POLL_MS * 1000000L };

	for (;;) {
		if (stopped(wait))
			return errno = EINTR, -1;
		if (take_all(sem, delta) == 0)
			return 0;
		if (errno != EAGAIN)
			return -1;
		if (wait->nowait)
			return errno = EAGAIN, -1;
		if (wait->timed && sv_mono_passed(deadline))
			return errno = ETIMEDOUT, -1;
		nanosleep(&pause, NULL);
	}
}

int sv_psem_acquire(sem_t *sem, const char *name, int delta,
		    const struct sv_wait *wait, struct sv_err *err)
{
	struct timespec deadline;
	int rc;

	if (wait->timed)
		sv_mono_deadline(&deadline, &wait->timeout);
	rc = delta == 1 ? take_one(sem, wait, &deadline) :
			  take_many(sem, delta, wait, &deadline);
	if (rc == 0)
		return 0;
	if (errno == EAGAIN || errno == ETIMEDOUT)
		return busy(name, wait, err);
	return sv_posix_error(SV_SEM, name, errno, err);
}

int sv_psem_release(sem_t *sem, const char *name, int delta, struct sv_err *err)
{
	int value;

	if (sem_getvalue(sem, &value) == 0 && value > INT_MAX - delta) {
		sv_fail(err, SV_ELIMIT, "sem %s", name);
		return sv_msg(err, "value %d + %d is above the most a POSIX "
			      "semaphore holds", value, delta);
	}
	for (int given = 0; given < delta; given++)
		if (sem_post(sem) != 0)
			return sv_posix_error(SV_SEM, name,
					      errno == EOVERFLOW ? SV_ELIMIT : errno, err);
	return 0;
}

int sv_psem_get(sem_t *sem, const char *name, int *value, struct sv_err *err)
{
	if (sem_getvalue(sem, value) == 0)
		return 0;
	return sv_posix_error(SV_SEM, name, errno, err);
}

int sv_psem_wait_zero(sem_t *sem, const char *name,
		      const struct sv_wait *wait, struct sv_err *err)
{
	struct timespec pause = { 0, SV_PSEM_ZERO_POLL_MS * 1000000L };
	struct timespec deadline;
	int value;

	if (wait->timed)
		sv_mono_deadline(&deadline, &wait->timeout);
	for (;;) {
		if (sv_psem_get(sem, name, &value, err) != 0)
			return -1;
		if (value == 0)
			return 0;
		if (wait->nowait || (wait->timed && sv_mono_passed(&deadline)))
			return busy(name, wait, err);
		if (stopped(wait))
			return sv_posix_error(SV_SEM, name, EINTR, err);
		nanosleep(&pause, NULL);
	}
}

int sv_psem_stat(const char *name, struct stat *st, struct sv_err *err)
{
	char path[SV_POSIX_NAME_MAX + 16];

	snprintf(path, sizeof(path), "/dev/shm/sem.%s", name + 1);
	if (stat(path, st) == 0)
		return 0;
	return sv_posix_error(SV_SEM, name, errno, err);
}
