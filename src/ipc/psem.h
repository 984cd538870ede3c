/* POSIX named semaphores (sem_open): create race-free (sem_open with
 * O_CREAT|O_EXCL sets the value as it makes the file), open, take and
 * give units, read the value, wait for zero.  One semaphore per name, no
 * undo: a unit taken stays taken when its taker dies. */
#ifndef SYSVCTL_PSEM_H
#define SYSVCTL_PSEM_H

#include <semaphore.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "err.h"
#include "ref.h"
#include "sem.h"

/* sem z polls the value this often (there is no wait-for-zero call). */
#define SV_PSEM_ZERO_POLL_MS 10

/* The longest NAME sem_open takes ("sem." is put before it in /dev/shm). */
#define SV_PSEM_NAME_MAX 251

/* Open the semaphore REF (SV_REF_POSIX) names.  With CREATE not NULL a
 * missing one is made with CREATE's value and mode; with EXCL an existing
 * one is EEXIST.  *CREATED (may be NULL) says whether it was made. */
int sv_psem_open(const struct sv_ref *ref, const struct sv_sem_new *create,
		 bool excl, sem_t **sem, bool *created, struct sv_err *err);

/* Take DELTA units, waiting as WAIT says: all or nothing (units are
 * taken one at a time and given back when the wait fails).  Errors:
 * SV_EBUSY (--nowait, timeout), EINTR (wait->stop), as sv_sem_op. */
int sv_psem_acquire(sem_t *sem, const char *name, int delta,
		    const struct sv_wait *wait, struct sv_err *err);

/* Give DELTA units; above SEM_VALUE_MAX is SV_ELIMIT. */
int sv_psem_release(sem_t *sem, const char *name, int delta, struct sv_err *err);

int sv_psem_get(sem_t *sem, const char *name, int *value, struct sv_err *err);

/* Wait until the value is 0, reading it every SV_PSEM_ZERO_POLL_MS. */
int sv_psem_wait_zero(sem_t *sem, const char *name,
		      const struct sv_wait *wait, struct sv_err *err);

/* stat of its file, /dev/shm/sem.NAME. */
int sv_psem_stat(const char *name, struct stat *st, struct sv_err *err);

#endif
