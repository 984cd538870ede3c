/* POSIX shared memory (shm_open): create race-free, open, move bytes with
 * pread, pwrite and sendfile on the descriptor (never a mapping: another
 * process may cut the file shorter at any time, and touching a mapping
 * past the new end is SIGBUS), and the lock and mark of framed writes.
 * The objects are struct sv_shm_map with by_fd set, so every byte mover
 * of shm.h works on them; sv_shm_attach and sv_shm_detach hand a POSIX
 * object (obj->name set) to the functions here.
 *
 * Framed writes: writers take flock(LOCK_EX) on the object, readers of a
 * frame flock(LOCK_SH), so a reader never sees a torn frame; the kernel
 * drops the lock however its holder dies.  A companion named semaphore
 * "/NAME.framed" (the file /dev/shm/sem.NAME.framed) is the "write
 * complete" mark: 1 complete, 0 from the start of a write until it
 * completes, so a writer killed mid-copy leaves it at 0 and readers report
 * an incomplete frame until a later write completes. */
#ifndef SYSVCTL_PSHM_H
#define SYSVCTL_PSHM_H

#include <semaphore.h>
#include <stdbool.h>

#include "err.h"
#include "ref.h"
#include "shm.h"

/* The longest NAME whose companion "/NAME.framed" sem_open accepts. */
#define SV_PSHM_FRAMED_NAME_MAX 244

/* Open the object REF (SV_REF_POSIX) names, read-only or read-write: OBJ
 * holds its descriptor (close it with sv_posix_close). */
int sv_pshm_open(const struct sv_ref *ref, bool readonly, struct sv_obj *obj,
		 struct sv_err *err);

/* A creator makes an object at size 0 and sizes it next: wait a moment
 * (at most a second) while OBJ is still empty, so that a write --create
 * racing a create finds the size. */
void sv_pshm_wait_sized(const struct sv_obj *obj);

/* Create it with SPEC (O_CREAT|O_EXCL, then its size).  With EXIST_OK an
 * existing one is opened instead, after waiting (at most 1 s) for its
 * creator to give it a size.  *CREATED says which. */
int sv_pshm_create(const struct sv_ref *ref, const struct sv_shm_spec *spec,
		   bool exist_ok, struct sv_obj *obj, bool *created,
		   struct sv_err *err);

/* MAP for OBJ, of its size now (fstat): by_fd, addr NULL. */
int sv_pshm_attach(const struct sv_obj *obj, bool readonly,
		   struct sv_shm_map *map, struct sv_err *err);
int sv_pshm_detach(struct sv_shm_map *map, struct sv_err *err);

/* COUNT bytes at OFFSET into BUF.  An object that ends before them (cut
 * by another process since MAP learnt its size) is EIO, with a message
 * that says so. */
int sv_pshm_read(const struct sv_shm_map *map, uint64_t offset, void *buf,
		 uint64_t count, struct sv_err *err);

/* COUNT bytes of BUF at OFFSET.  Each step first checks that the object
 * still reaches the step's end (pwrite would lengthen a cut object):
 * one cut meanwhile is SV_ELIMIT, with what was written so far. */
int sv_pshm_write(const struct sv_shm_map *map, uint64_t offset,
		  const void *buf, uint64_t count, struct sv_err *err);

/* COUNT bytes at START to FD: sendfile, or pread and write(2) where FD
 * takes no sendfile; a full non-blocking FD is waited for.  Cut short:
 * EIO as sv_pshm_read; an error of FD: its errno, context SV_SHM_OUTPUT. */
int sv_pshm_send(const struct sv_shm_map *map, uint64_t start, uint64_t count,
		 int fd, struct sv_err *err);

/* shm_unlink NAME, and its framed mark if there is one. */
int sv_pshm_unlink(const char *name, struct sv_err *err);

/* The same in the directory DIRFD (a /dev/shm): unlink NAME's file, then
 * its mark sem.NAME.framed.  0, or -1 with errno. */
int sv_pshm_unlinkat(int dirfd, const char *name);

/* The framed lock: flock on OBJ's descriptor, shared or exclusive. */
int sv_pshm_lock(const struct sv_obj *obj, bool exclusive, struct sv_err *err);
void sv_pshm_unlock(const struct sv_obj *obj);

/* Open (CREATE: make, with MODE, at 1) the mark of OBJ; *MARK is NULL
 * when there is none and CREATE is false. */
int sv_pshm_mark_open(const struct sv_obj *obj, bool create, mode_t mode,
		      sem_t **mark, struct sv_err *err);
/* A write begins (mark to 0) / completes (back to 1), under the lock. */
void sv_pshm_mark_begin(sem_t *mark);
void sv_pshm_mark_complete(sem_t *mark);
/* Under the lock: SV_EINCOMPLETE when a write was interrupted. */
int sv_pshm_mark_check(const struct sv_obj *obj, sem_t *mark,
		       struct sv_err *err);
void sv_pshm_mark_close(sem_t *mark);

#endif
