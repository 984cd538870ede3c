/* semtimedop(2) is a GNU extension of glibc. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "clock.h"
#include "semun.h"
#include "sysctl.h"

/* semctl's fourth argument; the caller defines it (semctl(2)). */

/* How long a process that opens a set still being initialised waits for
 * its creator's first semop (sem_otime becomes non-zero). */
#define INIT_WAIT_NS 1000000000LL

/* A set without an otime counts as being initialised only this many
 * seconds after its ctime (whole seconds: at least 1 s, at most 2 s). */
#define INIT_RECENT_S 2

/* Attempts when the set keeps vanishing between semget calls. */
#define OPEN_ATTEMPTS 100

/* 0, or -1 (EINTR) when a signal handler ran meanwhile. */
static int sleep_ns(long long ns)
{
	struct timespec pause = { .tv_sec = ns / 1000000000LL,
				  .tv_nsec = ns % 1000000000LL };

	return nanosleep(&pause, NULL);
}

/* "sem 0x5e0012ab (id 5) index 0": where an operation went wrong. */
static int op_fail(struct sv_err *err, int errnum, const struct sv_obj *obj,
		   unsigned index)
{
	char what[64];

	return sv_fail(err, errnum, "%s index %u",
		       sv_obj_describe(obj, what, sizeof(what)), index);
}

static int key_fail(struct sv_err *err, int errnum, const struct sv_ref *ref)
{
	char what[64];

	return sv_fail(err, errnum, "%s", sv_ref_describe(SV_SEM, ref, what, sizeof(what)));
}

/* Give the new set its values with a semop, so that sem_otime becomes
 * non-zero only once every semaphore holds its value: SETALL for all but
 * semaphore 0 first (a new set is all zeros), then one semop on 0. */
static int init_values(int id, const struct sv_sem_new *new)
{
	struct sembuf op = { .sem_num = 0, .sem_op = (short)new->value,
			     .sem_flg = IPC_NOWAIT };
	unsigned short *values;
	int rc;

	if (new->nsems > 1 && new->value != 0) {
		values = calloc(new->nsems, sizeof(*values));
		if (values == NULL)
			return -1;
		for (unsigned i = 1; i < new->nsems; i++)
			values[i] = (unsigned short)new->value;
		rc = semctl(id, 0, SETALL, (union semun){ .array = values });
		free(values);
		if (rc != 0)
			return -1;
	}
	/* With value 0 this waits for zero, which holds at once: still a
	 * semop, so it still sets sem_otime. */
	return semop(id, &op, 1);
}

/* Create and initialise a set with KEY (IPC_EXCL unless private).  On
 * failure errno says why and no set is left behind.  Every signal that
 * can be held is held from the semget to the end of the set-up: a set
 * left half-made by a SIGTERM between the two has every value 0 and no
 * last operation, a lock nobody could take again (only SIGKILL, which
 * cannot be held, still can).  A held signal acts once the set is
 * whole. */
static int create_new(key_t key, const struct sv_sem_new *new, int *id)
{
	int flags = IPC_CREAT | (int)(new->mode & 0777);
	sigset_t all, caller;
	int rc = -1, saved;

	if (key != IPC_PRIVATE)
		flags |= IPC_EXCL;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &caller);
	*id = semget(key, (int)new->nsems, flags);
	if (*id >= 0 && (rc = init_values(*id, new)) != 0) {
		saved = errno;
		semctl(*id, 0, IPC_RMID);
		errno = saved;
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &caller, NULL);
	errno = saved;
	return rc;
}

/* Whether a set looks half-made: no semop yet (otime 0) and created or
 * changed (SETVAL, SETALL, IPC_SET) in the last INIT_RECENT_S seconds.
 * A set another program made with SETVAL (Python's sysv_ipc) never gets
 * an otime either, but its ctime soon gets old: it is used at once. */
static bool being_initialised(const struct semid_ds *ds)
{
	return ds->sem_otime == 0 && time(NULL) - ds->sem_ctime < INIT_RECENT_S;
}

/* Wait while the set looks half-made (its creator has not made its first
 * semop yet), at most INIT_WAIT_NS.  A signal the caller handles ends the
 * wait at once: what it means is the caller's to decide, not after up to
 * a second.  Errors are left to the next operation, which reports them
 * with its own context. */
static void wait_initialised(int id)
{
	struct semid_ds ds;
	long long deadline = 0, pause = 500000;

	for (;;) {
		if (semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0 ||
		    !being_initialised(&ds))
			return;
		if (deadline == 0)
			deadline = sv_mono_ns() + INIT_WAIT_NS;
		else if (sv_mono_ns() >= deadline)
			return;
		if (sleep_ns(pause) != 0)
			return;
		if (pause < 20000000)
			pause *= 2;
	}
}

static int create_error(const struct sv_ref *ref, const struct sv_sem_new *new,
			int errnum, struct sv_err *err)
{
	uint64_t limits[4];
	struct sv_err ignored;

	key_fail(err, errnum, ref);
	switch (errnum) {
	case EINVAL:
		if (sv_sysctl_sem(limits, &ignored) == 0 && new->nsems > limits[0]) {
			err->errnum = SV_EUSAGE;
			return sv_msg(err, "NSEMS %u is above the kernel's semmsl (%llu)",
				      new->nsems, (unsigned long long)limits[0]);
		}
		return -1;
	case ENOSPC:
		return sv_cause(err, SV_CAUSE_SYSTEM_FULL, SV_SEM, NULL);
	case EACCES:
		return sv_hint(err, "a set with this key exists and its mode does not "
			       "let you in");
	default:
		return -1;
	}
}

static int exists_error(const struct sv_ref *ref, const struct sv_obj *obj,
			struct sv_err *err)
{
	sv_obj_fail(err, EEXIST, obj);
	sv_msg(err, "already exists");
	return sv_cause(err, SV_CAUSE_EXISTS, SV_SEM, ref->text);
}

int sv_sem_create(const struct sv_ref *ref, const struct sv_sem_new *new,
		  bool exist_ok, struct sv_obj *obj, bool *created,
		  struct sv_err *err)
{
	obj->kind = SV_SEM;
	obj->name = NULL;
	obj->key = ref->key;
	*created = false;
	if (ref->form == SV_REF_ID) {
		key_fail(err, SV_EUSAGE, ref);
		return sv_msg(err, "create needs a key or 'private', not id:ID");
	}
	for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
		if (create_new(ref->key, new, &obj->id) == 0) {
			*created = true;
			return 0;
		}
		if (errno != EEXIST)
			return create_error(ref, new, errno, err);
		obj->id = semget(ref->key, 0, 0);
		if (obj->id >= 0) {
			if (!exist_ok)
				return exists_error(ref, obj, err);
			wait_initialised(obj->id);
			return 0;
		}
		if (errno != ENOENT) {
			if (!exist_ok)
				return exists_error(ref, obj, err);
			return create_error(ref, new, errno, err);
		}
		/* Removed between the two semget calls: try again. */
	}
	key_fail(err, EAGAIN, ref);
	return sv_msg(err, "the key keeps being created and removed");
}

int sv_sem_open(const struct sv_ref *ref, const struct sv_sem_new *create,
		struct sv_obj *obj, struct sv_err *err)
{
	if (create == NULL || ref->form != SV_REF_KEY) {
		/* Every open may race a creator, and a half-made set has
		 * every value 0: an IPC_NOWAIT acquire would find it busy. */
		if (sv_obj_open(SV_SEM, ref, obj, err) != 0)
			return -1;
		wait_initialised(obj->id);
		return 0;
	}
	obj->kind = SV_SEM;
	obj->name = NULL;
	obj->key = ref->key;
	for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
		obj->id = semget(ref->key, 0, 0);
		if (obj->id >= 0) {
			wait_initialised(obj->id);
			return 0;
		}
		if (errno != ENOENT)
			return sv_obj_open(SV_SEM, ref, obj, err);
		if (create_new(ref->key, create, &obj->id) == 0)
			return 0;
		if (errno != EEXIST)
			return create_error(ref, create, errno, err);
		/* Another process created it first: open theirs. */
	}
	key_fail(err, EAGAIN, ref);
	return sv_msg(err, "the key keeps being created and removed");
}

/* The number of semaphores in the set, or 0 when it cannot be read. */
static unsigned set_size(const struct sv_obj *obj)
{
	struct semid_ds ds;

	if (semctl(obj->id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0)
		return 0;
	return (unsigned)ds.sem_nsems;
}

static int index_error(const struct sv_obj *obj, unsigned index,
		       unsigned nsems, struct sv_err *err)
{
	sv_obj_fail(err, SV_EUSAGE, obj);
	return sv_msg(err, "index %u is out of range: the set has %u semaphore%s "
		      "(index 0 to %u)", index, nsems, nsems == 1 ? "" : "s",
		      nsems - 1);
}

/* semctl's EINVAL: an index past the end, or a set that is gone. */
static int einval_error(const struct sv_obj *obj, unsigned index,
			struct sv_err *err)
{
	unsigned nsems = set_size(obj);

	if (nsems != 0 && index >= nsems)
		return index_error(obj, index, nsems, err);
	return sv_obj_gone(obj, err);
}

/* "2.5 s", "0.25 s", "3 s". */
static void format_duration(const struct timespec *ts, char *buf, size_t size)
{
	char frac[16];
	size_t len;

	if (ts->tv_nsec == 0) {
		snprintf(buf, size, "%lld s", (long long)ts->tv_sec);
		return;
	}
	snprintf(frac, sizeof(frac), "%09ld", ts->tv_nsec);
	len = strlen(frac);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	snprintf(buf, size, "%lld.%s s", (long long)ts->tv_sec, frac);
}

static int busy_error(const struct sv_obj *obj, unsigned index, int delta,
		      const struct sv_wait *wait, struct sv_err *err)
{
	char waited[48] = "";
	int value = semctl(obj->id, (int)index, GETVAL);

	op_fail(err, SV_EBUSY, obj, index);
	if (!wait->nowait)
		format_duration(&wait->timeout, waited, sizeof(waited));
	if (delta == 0 && wait->nowait)
		return sv_msg(err, "busy (value %d, not 0)", value);
	if (delta == 0)
		return sv_msg(err, "timed out after %s waiting for 0 (value %d)",
			      waited, value);
	if (wait->nowait)
		return sv_msg(err, "busy (value %d, acquiring %d would wait)",
			      value, -delta);
	return sv_msg(err, "timed out after %s (value %d, acquiring %d)",
		      waited, value, -delta);
}

static int op_error(const struct sv_obj *obj, unsigned index, int delta,
		    const struct sv_wait *wait, int errnum, struct sv_err *err)
{
	switch (errnum) {
	case EAGAIN:
		return busy_error(obj, index, delta, wait, err);
	case EIDRM:
		op_fail(err, EIDRM, obj, index);
		return sv_msg(err, "the set was removed while waiting");
	case EINVAL:
		return sv_obj_gone(obj, err);
	case EFBIG:
		return index_error(obj, index, set_size(obj), err);
	case ERANGE:
		op_fail(err, SV_ELIMIT, obj, index);
		return sv_msg(err, "the value would pass %d (SEMVMX)", SV_SEMVMX);
	case EACCES:
		op_fail(err, EACCES, obj, index);
		return sv_hint(err, "its mode does not let you %s it",
			       delta == 0 ? "read" : "change");
	default:
		return op_fail(err, errnum, obj, index);
	}
}

/* Do the N operations OPS at once, waiting as WAIT says; INDEX and DELTA
 * name the main one in messages. */
static int sem_ops(const struct sv_obj *obj, unsigned index, int delta,
		   struct sembuf *ops, size_t n, const struct sv_wait *wait,
		   struct sv_err *err)
{
	bool timed = wait->timed && !wait->nowait;
	long long deadline = 0;
	int rc;

	if (index > UINT16_MAX)
		return index_error(obj, index, set_size(obj), err);
	if (timed)
		deadline = sv_mono_ns() + wait->timeout.tv_sec * 1000000000LL +
			   wait->timeout.tv_nsec;
	for (;;) {
		if (wait->stop != NULL && *wait->stop != 0) {
			op_fail(err, EINTR, obj, index);
			return sv_msg(err, "interrupted by a signal; nothing was changed");
		}
		if (timed) {
			long long left = deadline - sv_mono_ns();
			struct timespec ts = { .tv_sec = left / 1000000000LL,
					       .tv_nsec = left % 1000000000LL };

			if (left <= 0) {
				errno = EAGAIN;
				rc = -1;
			} else {
				rc = semtimedop(obj->id, ops, n, &ts);
			}
		} else {
			rc = semop(obj->id, ops, n);
		}
		if (rc == 0)
			return 0;
		/* A stop and continue ends the wait with EINTR even without a
		 * handler: wait on for what is left, unless told to stop. */
		if (errno != EINTR)
			return op_error(obj, index, delta, wait, errno, err);
	}
}

int sv_sem_op(const struct sv_obj *obj, unsigned index, int delta, bool undo,
	      const struct sv_wait *wait, struct sv_err *err)
{
	struct sembuf op = {
		.sem_num = (unsigned short)index,
		.sem_op = (short)delta,
		.sem_flg = (short)((undo ? SEM_UNDO : 0) | (wait->nowait ? IPC_NOWAIT : 0)),
	};

	return sem_ops(obj, index, delta, &op, 1, wait, err);
}

int sv_sem_rw(const struct sv_obj *obj, unsigned index, bool shared,
	      const struct sv_wait *wait, struct sv_err *err)
{
	short nowait = wait->nowait ? IPC_NOWAIT : 0;
	unsigned short lock = (unsigned short)index, count = (unsigned short)(index + 1);
	/* Applied in order, all or none: shared waits for LOCK >= 1 and adds
	 * one to COUNT; exclusive waits for COUNT == 1 (minus one is zero)
	 * and takes LOCK. */
	struct sembuf shared_ops[] = {
		{ lock, -1, nowait }, { lock, 1, nowait },
		{ count, 1, (short)(SEM_UNDO | nowait) },
	};
	struct sembuf exclusive_ops[] = {
		{ count, -1, nowait }, { count, 0, nowait }, { count, 1, nowait },
		{ lock, -1, (short)(SEM_UNDO | nowait) },
	};

	if (index >= UINT16_MAX)
		return index_error(obj, index + 1, set_size(obj), err);
	if (shared)
		return sem_ops(obj, index, -1, shared_ops, 3, wait, err);
	return sem_ops(obj, index, -1, exclusive_ops, 4, wait, err);
}

int sv_sem_get(const struct sv_obj *obj, unsigned index, int *value,
	       struct sv_err *err)
{
	*value = semctl(obj->id, (int)index, GETVAL);
	if (*value >= 0)
		return 0;
	if (errno == EINVAL)
		return einval_error(obj, index, err);
	if (errno == EIDRM)
		return sv_obj_gone(obj, err);
	return op_fail(err, errno, obj, index);
}

int sv_sem_set(const struct sv_obj *obj, unsigned index, int value,
	       struct sv_err *err)
{
	int errnum;

	if (semctl(obj->id, (int)index, SETVAL, (union semun){ .val = value }) == 0)
		return 0;
	errnum = errno;
	if (errnum == EINVAL)
		return einval_error(obj, index, err);
	if (errnum == EIDRM)
		return sv_obj_gone(obj, err);
	if (errnum == ERANGE) {
		op_fail(err, SV_EUSAGE, obj, index);
		return sv_msg(err, "value %d is above %d (SEMVMX)", value, SV_SEMVMX);
	}
	op_fail(err, errnum, obj, index);
	if (errnum == EACCES || errnum == EPERM)
		sv_hint(err, "its mode does not let you change it");
	return -1;
}

static int stat_error(const struct sv_obj *obj, int errnum, struct sv_err *err)
{
	if (errnum == EINVAL || errnum == EIDRM)
		return sv_obj_gone(obj, err);
	sv_obj_fail(err, errnum, obj);
	if (errnum == EACCES)
		sv_cause(err, SV_CAUSE_READ_DENIED, SV_SEM, NULL);
	return -1;
}

/* Each semaphore's value, waiters and last pid, into SEMS. */
static int stat_semaphores(const struct sv_obj *obj, unsigned nsems,
			   struct sv_semaphore *sems, struct sv_err *err)
{
	unsigned short *values = calloc(nsems, sizeof(*values));
	int rc = -1;

	if (values == NULL)
		return sv_obj_fail(err, ENOMEM, obj);
	if (semctl(obj->id, 0, GETALL, (union semun){ .array = values }) != 0)
		goto out;
	for (unsigned i = 0; i < nsems; i++) {
		sems[i].index = i;
		sems[i].value = values[i];
		sems[i].ncnt = semctl(obj->id, (int)i, GETNCNT);
		sems[i].zcnt = semctl(obj->id, (int)i, GETZCNT);
		sems[i].pid = semctl(obj->id, (int)i, GETPID);
		if (sems[i].ncnt < 0 || sems[i].zcnt < 0 || sems[i].pid < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		stat_error(obj, errno, err);
	free(values);
	return rc;
}

int sv_sem_stat(const struct sv_obj *obj, struct sv_sem_info *info,
		struct sv_semaphore **sems, struct sv_err *err)
{
	struct semid_ds ds;

	*sems = NULL;
	if (semctl(obj->id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0)
		return stat_error(obj, errno, err);
	sv_sem_info_from_ds(info, &ds, obj->id);
	*sems = calloc(info->nsems ? info->nsems : 1, sizeof(**sems));
	if (*sems == NULL)
		return sv_obj_fail(err, ENOMEM, obj);
	if (stat_semaphores(obj, info->nsems, *sems, err) != 0) {
		free(*sems);
		*sems = NULL;
		return -1;
	}
	return 0;
}

void sv_sem_info_from_ds(struct sv_sem_info *info, const struct semid_ds *ds, int id)
{
	memset(info, 0, sizeof(*info));
	sv_perm_from_ipc(&info->perm, &ds->sem_perm, id);
	info->nsems = (unsigned)ds->sem_nsems;
	info->otime = ds->sem_otime;
	info->ctime = ds->sem_ctime;
}
