/* The companion semaphore set of a shared memory segment: a set of three
 * semaphores under the segment's own key (semaphore and segment keys are
 * separate name spaces) that makes framed reads whole and tells a reader
 * when a writer died in the middle of a copy, without changing a byte of
 * the segment's layout.
 *
 *   SV_GUARD_LOCK  1 free, 0 held by a writer; taken with SEM_UNDO, so the
 *                  kernel gives it back however the writer dies.
 *   SV_GUARD_DONE  1 when the last write into the segment completed, 0
 *                  from the start of a write until it completes; changed
 *                  without SEM_UNDO, so a writer killed mid-copy (SIGKILL
 *                  included) leaves it at 0 until a later write completes.
 *   SV_GUARD_GEN   counts completed writes (1..SV_SEMVMX, then 0 again).
 *
 * Writers serialise on the lock.  A reader first takes nothing: it reads
 * the three values, copies the frame, reads them again, and keeps the
 * copy when nothing changed in between (a sequence lock).  When a writer
 * got in the way, it queues for the lock like a writer (and holds it for
 * the copy into its own memory, never while printing); a reader with read
 * permission only polls until a copy comes through unchanged.  A new set
 * starts with every semaphore at 1: free, complete, generation 1. */
#ifndef SYSVCTL_SHM_GUARD_H
#define SYSVCTL_SHM_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "ref.h"
#include "shm.h"

enum { SV_GUARD_LOCK, SV_GUARD_DONE, SV_GUARD_GEN, SV_GUARD_NSEMS };

struct sv_shm_guard {
	struct sv_obj seg;  /* the segment it guards */
	struct sv_obj set;  /* the companion set, when active */
	bool active;        /* false: a private segment (no key to share) */
	bool locked;        /* this process holds SV_GUARD_LOCK */
};

/* Open the companion set of MAP's segment, creating it race-free (with
 * the segment's mode, owner and group) when there is none.  A segment
 * without a key (private, or removed while attached) has no companion:
 * the guard is inactive and every call below does nothing.  A set under
 * the key with another number of semaphores is EEXIST: it belongs to
 * someone else. */
int sv_shm_guard_open(const struct sv_shm_map *map, struct sv_shm_guard *guard,
		      struct sv_err *err);

/* Before a segment with KEY is made for a framed write: EEXIST (as
 * sv_shm_guard_open says it) when a set under KEY is not a companion set,
 * so that the write fails before it makes anything. */
int sv_shm_guard_check_key(key_t key, struct sv_err *err);

/* Wait until this process holds the lock (SEM_UNDO).  A set removed
 * meanwhile is made again. */
int sv_shm_guard_lock(struct sv_shm_guard *guard, struct sv_err *err);

/* Mark a write as begun (DONE to 0): from here until
 * sv_shm_guard_complete, readers of a frame report it incomplete should
 * this process die. */
int sv_shm_guard_begin(struct sv_shm_guard *guard, struct sv_err *err);

/* Mark the write complete (DONE back to 1, the generation moves on). */
int sv_shm_guard_complete(struct sv_shm_guard *guard, struct sv_err *err);

/* Give the lock back. */
int sv_shm_guard_unlock(struct sv_shm_guard *guard, struct sv_err *err);

/* A private copy of the whole frame at OFFSET, taken while no write was
 * under way and checked unchanged after it: SNAP gets the frame (its
 * 4-byte length first) in memory of its own, SNAP->obj names the
 * segment.  A write that was
 * interrupted (DONE at 0, lock free) is SV_EINCOMPLETE; a frame that runs
 * past the end is EBADMSG, as sv_shm_frame says.  Free SNAP with
 * sv_shm_snapshot_free. */
int sv_shm_frame_snapshot(const struct sv_shm_map *map, uint64_t offset,
			  struct sv_shm_guard *guard, struct sv_shm_map *snap,
			  struct sv_err *err);

/* Remove the companion set of the segment that had KEY, once no segment
 * has KEY (a new one must not inherit its marks), if there is one (a set
 * of SV_GUARD_NSEMS semaphores holding a companion's values) and it is
 * not in use (sv_shm_guard_in_use); nothing else under KEY is touched.  True when one was
 * removed (DRY_RUN: would be, the segment aside), and *SET (when not
 * NULL) names it. */
bool sv_shm_guard_remove(key_t key, bool dry_run, struct sv_obj *set);

/* Whether companion set SET_ID is in use: its lock held, or a process
 * waiting on any of its semaphores. */
bool sv_shm_guard_in_use(int set_id);

/* Whether a set that looks like a companion set is under KEY (*SET). */
bool sv_shm_guard_find(key_t key, struct sv_obj *set);

/* Whether set SET_ID of NSEMS semaphores under KEY looks like a companion
 * set: SV_GUARD_NSEMS semaphores whose lock and done values are 0 or 1.
 * (A program's own set of three binary semaphores under a segment's key
 * cannot be told apart: it is taken for one, the safe side.) */
bool sv_shm_guard_is_companion(key_t key, int set_id, unsigned long nsems);

/* The same, and a segment with KEY exists (one may not be readable,
 * EACCES: it exists).  Such a set is part of its segment: while the
 * segment stays, removing the set would let a frame left half-written
 * read as whole. */
bool sv_shm_guard_of_segment(key_t key, int set_id, unsigned long nsems);

#endif
