/* Semaphore sets: race-free creation, operations that may wait (with
 * IPC_NOWAIT, a timeout or SEM_UNDO), values, and stat.  No printing, no
 * signals: the command layer decides what an interrupted wait means. */
#ifndef SYSVCTL_SEM_H
#define SYSVCTL_SEM_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "info.h"
#include "ref.h"
#include "wait.h"

/* The largest value a semaphore holds (the kernel's SEMVMX). */
#define SV_SEMVMX 32767

/* What a set gets when this process creates it. */
struct sv_sem_new {
	unsigned nsems;     /* 1 or more */
	int value;          /* every semaphore's first value, 0..SV_SEMVMX */
	mode_t mode;
};

/* Create the set REF names (a key, or private) race-free: IPC_EXCL, then a
 * semop sets the values so sem_otime becomes non-zero.  When the key is in
 * use: EEXIST, unless exist_ok, which opens it and, while it is still being
 * initialised (otime 0 and a ctime under 2 s old), waits at most 1 s for
 * its creator's semop.  *created says which happened. */
int sv_sem_create(const struct sv_ref *ref, const struct sv_sem_new *new,
		  bool exist_ok, struct sv_obj *obj, bool *created,
		  struct sv_err *err);

/* Open the existing set REF names; when create is not NULL, a missing set
 * is created (race-free, as sv_sem_create with exist_ok).  Either way a
 * set still being initialised is waited for as sv_sem_create does. */
int sv_sem_open(const struct sv_ref *ref, const struct sv_sem_new *create,
		struct sv_obj *obj, struct sv_err *err);

/* Add DELTA to semaphore INDEX (a negative DELTA waits until the value can
 * drop that far; 0 waits until the value is zero), with SEM_UNDO when undo.
 * A stop and continue (Ctrl-Z, fg) does not end the wait; wait->stop does
 * (EINTR, nothing changed).  Errors: SV_EBUSY
 * (it would wait, or the timeout ran out), EIDRM (removed while waiting),
 * ENOENT (no longer there), SV_EUSAGE (INDEX out of range), SV_ELIMIT (the
 * value would pass SV_SEMVMX), EACCES. */
int sv_sem_op(const struct sv_obj *obj, unsigned index, int delta, bool undo,
	      const struct sv_wait *wait, struct sv_err *err);

/* A shared or an exclusive hold, with SEM_UNDO, of the reader-writer lock
 * made of semaphores INDEX (1: no exclusive holder, 0: one) and INDEX+1
 * (1 + the number of shared holders): shared waits until INDEX is 1 and
 * adds one to INDEX+1; exclusive waits until INDEX+1 is 1 and takes
 * INDEX.  A free lock has both at 1 (what `create -n 2` makes). */
int sv_sem_rw(const struct sv_obj *obj, unsigned index, bool shared,
	      const struct sv_wait *wait, struct sv_err *err);

/* The value of semaphore INDEX. */
int sv_sem_get(const struct sv_obj *obj, unsigned index, int *value,
	       struct sv_err *err);

/* Set semaphore INDEX to VALUE (SETVAL: no waiting, undo values reset). */
int sv_sem_set(const struct sv_obj *obj, unsigned index, int value,
	       struct sv_err *err);

/* The set's facts and, in *sems (malloc'ed, info->nsems of them; free it),
 * each semaphore's. */
int sv_sem_stat(const struct sv_obj *obj, struct sv_sem_info *info,
		struct sv_semaphore **sems, struct sv_err *err);

/* Fill INFO from what IPC_STAT or SEM_STAT_ANY gave for the set ID. */
struct semid_ds;
void sv_sem_info_from_ds(struct sv_sem_info *info, const struct semid_ds *ds, int id);

#endif
