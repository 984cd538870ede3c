#include "shm_guard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

#include "sem.h"
#include "semun.h"

typedef unsigned long long ull;

/* semctl's fourth argument; the caller defines it (semctl(2)). */

/* How often a vanished set (someone ran 'sem rm' on it) is made again
 * before giving up, and how often a reader copies a frame that changed
 * under it before it waits longer. */
#define REOPEN_ATTEMPTS 20

/* A reader that finds a write under way polls the lock (it may only read
 * the set): from this pause, doubling up to the longest. */
#define POLL_FIRST_NS 50000L
#define POLL_LONGEST_NS 10000000L

static void pause_ns(long ns)
{
	struct timespec pause = { .tv_sec = 0, .tv_nsec = ns };

	nanosleep(&pause, NULL);
}

/* Give a set this process just made the segment's owner, group and mode,
 * so that exactly those who may use the segment may use its companion,
 * whoever made it first.  The creator may always do this. */
static void mirror_segment_perm(const struct sv_obj *set,
				const struct shmid_ds *seg)
{
	struct semid_ds ds;

	if (semctl(set->id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0)
		return;
	ds.sem_perm.uid = seg->shm_perm.uid;
	ds.sem_perm.gid = seg->shm_perm.gid;
	ds.sem_perm.mode = seg->shm_perm.mode & 0777;
	semctl(set->id, 0, IPC_SET, (union semun){ .buf = &ds });
}

static int not_a_companion(const struct sv_obj *set, unsigned nsems,
			   struct sv_err *err)
{
	sv_obj_fail(err, EEXIST, set);
	return sv_msg(err, "the segment's key is used by a set of %u semaphore%s, "
		      "not its companion set of %d: frames in this segment "
		      "cannot be guarded", nsems, nsems == 1 ? "" : "s",
		      SV_GUARD_NSEMS);
}

/* Whether the values of set ID are those a companion set can hold: the
 * lock and the done mark are 0 or 1.  A program's own set of three under
 * the key (a key may name one object of each kind) seldom is; sysvctl
 * must not take it over.  -1 with errno when they cannot be read. */
static int companion_values(int id)
{
	unsigned short values[SV_GUARD_NSEMS];

	if (semctl(id, 0, GETALL, (union semun){ .array = values }) != 0)
		return -1;
	return values[SV_GUARD_LOCK] <= 1 && values[SV_GUARD_DONE] <= 1;
}

/* Check that SET is a companion set: SV_GUARD_NSEMS semaphores holding
 * values a companion can hold. */
static int check_companion(const struct sv_obj *set, struct sv_err *err)
{
	struct semid_ds ds;
	int shaped;

	if (semctl(set->id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0)
		return sv_obj_error(set, errno, err);
	if (ds.sem_nsems != SV_GUARD_NSEMS)
		return not_a_companion(set, (unsigned)ds.sem_nsems, err);
	if ((shaped = companion_values(set->id)) < 0)
		return sv_obj_error(set, errno, err);
	if (!shaped) {
		sv_obj_fail(err, EEXIST, set);
		return sv_msg(err, "the segment's key is used by a set of %d "
			      "semaphores whose values are not a companion set's "
			      "(lock and done 0 or 1): frames in this segment "
			      "cannot be guarded", SV_GUARD_NSEMS);
	}
	return 0;
}

int sv_shm_guard_check_key(key_t key, struct sv_err *err)
{
	struct sv_obj set = { .kind = SV_SEM, .key = key };

	if (key == IPC_PRIVATE || (set.id = semget(key, 0, 0)) < 0)
		return 0;
	return check_companion(&set, err);
}

int sv_shm_guard_open(const struct sv_shm_map *map, struct sv_shm_guard *guard,
		      struct sv_err *err)
{
	struct sv_ref ref = { .form = SV_REF_KEY, .key = map->obj.key, .text = "" };
	struct sv_sem_new spec = { .nsems = SV_GUARD_NSEMS, .value = 1 };
	struct shmid_ds seg;
	bool created = false;

	memset(guard, 0, sizeof(*guard));
	guard->seg = map->obj;
	if (map->obj.key == IPC_PRIVATE)
		return 0;
	if (shmctl(map->obj.id, IPC_STAT, &seg) != 0)
		return sv_obj_error(&map->obj, errno, err);
	/* Removed while attached: the key is free for a new segment, and the
	 * set under it belongs to that one. */
	if (seg.shm_perm.__key == IPC_PRIVATE)
		return 0;
	spec.mode = seg.shm_perm.mode & 0777;
	if (sv_sem_create(&ref, &spec, true, &guard->set, &created, err) != 0)
		return -1;
	if (created)
		mirror_segment_perm(&guard->set, &seg);
	else if (check_companion(&guard->set, err) != 0)
		return -1;
	guard->active = true;
	return 0;
}

/* The set is gone: someone removed it (sem rm, ipcrm).  Make it again. */
static bool set_vanished(const struct sv_err *err)
{
	return err->errnum == ENOENT || err->errnum == EIDRM;
}

static int reopen(struct sv_shm_guard *guard, struct sv_err *err)
{
	struct sv_shm_map map = { .obj = guard->seg };

	return sv_shm_guard_open(&map, guard, err);
}

int sv_shm_guard_lock(struct sv_shm_guard *guard, struct sv_err *err)
{
	const struct sv_wait forever = { 0 };

	if (!guard->active)
		return 0;
	for (int attempt = 0; attempt < REOPEN_ATTEMPTS; attempt++) {
		if (sv_sem_op(&guard->set, SV_GUARD_LOCK, -1, true, &forever, err) == 0) {
			guard->locked = true;
			return 0;
		}
		if (!set_vanished(err) || reopen(guard, err) != 0)
			return -1;
	}
	return -1;
}

int sv_shm_guard_begin(struct sv_shm_guard *guard, struct sv_err *err)
{
	if (!guard->active)
		return 0;
	return sv_sem_set(&guard->set, SV_GUARD_DONE, 0, err);
}

int sv_shm_guard_complete(struct sv_shm_guard *guard, struct sv_err *err)
{
	int gen = 0;

	if (!guard->active)
		return 0;
	/* Readers ignore the values while the lock is held, so the two
	 * changes need not be one atomic operation. */
	if (sv_sem_get(&guard->set, SV_GUARD_GEN, &gen, err) != 0 ||
	    sv_sem_set(&guard->set, SV_GUARD_GEN, gen >= SV_SEMVMX ? 0 : gen + 1,
		       err) != 0)
		return -1;
	return sv_sem_set(&guard->set, SV_GUARD_DONE, 1, err);
}

int sv_shm_guard_unlock(struct sv_shm_guard *guard, struct sv_err *err)
{
	const struct sv_wait nowait = { .nowait = true };

	if (!guard->active || !guard->locked)
		return 0;
	guard->locked = false;
	return sv_sem_op(&guard->set, SV_GUARD_LOCK, 1, true, &nowait, err);
}

/* The three values at once (GETALL reads them under the set's lock). */
static int read_state(struct sv_shm_guard *guard,
		      unsigned short state[SV_GUARD_NSEMS], struct sv_err *err)
{
	if (semctl(guard->set.id, 0, GETALL, (union semun){ .array = state }) == 0)
		return 0;
	sv_obj_error(&guard->set, errno, err);
	if (err->errnum == EACCES)
		sv_hint(err, "reading a frame needs read permission on the "
			"segment's companion set too");
	return -1;
}

static int incomplete(const struct sv_shm_map *map, uint64_t offset,
		      struct sv_err *err)
{
	sv_obj_fail(err, SV_EINCOMPLETE, &map->obj);
	return sv_msg(err, "incomplete frame at offset %llu: a write into the "
		      "segment was interrupted and none has completed since",
		      (ull)offset);
}

/* One try of the sequence lock: 1 when SNAP holds a whole frame, 0 when
 * a writer got in the way (try again), -1 on an error. */
static int try_snapshot(const struct sv_shm_map *map, uint64_t offset,
			struct sv_shm_guard *guard, struct sv_shm_map *snap,
			struct sv_err *err)
{
	unsigned short before[SV_GUARD_NSEMS], after[SV_GUARD_NSEMS];
	int copied;

	if (read_state(guard, before, err) != 0)
		return -1;
	if (before[SV_GUARD_LOCK] == 0)             /* a write is under way */
		return 0;
	if (before[SV_GUARD_DONE] == 0)
		return incomplete(map, offset, err);
	copied = sv_shm_frame_copy(map, offset, snap, err);
	if (read_state(guard, after, err) != 0) {
		sv_shm_snapshot_free(snap);
		return -1;
	}
	if (memcmp(before, after, sizeof(before)) == 0)
		return copied == 0 ? 1 : -1;   /* a bad frame is really bad */
	sv_shm_snapshot_free(snap);
	return 0;
}

/* The frame copied while holding the lock (SEM_UNDO, so a reader killed
 * meanwhile gives it back): no writer can get in the way.  1 when SNAP
 * holds the frame, 0 when the lock may not be taken (no alter
 * permission), -1 on an error. */
static int locked_snapshot(const struct sv_shm_map *map, uint64_t offset,
			   struct sv_shm_guard *guard, struct sv_shm_map *snap,
			   struct sv_err *err)
{
	unsigned short values[SV_GUARD_NSEMS];
	struct sv_err unlock_err;
	int rc;

	if (sv_shm_guard_lock(guard, err) != 0)
		return err->errnum == EACCES ? 0 : -1;
	rc = read_state(guard, values, err);
	if (rc == 0 && values[SV_GUARD_DONE] == 0)
		rc = incomplete(map, offset, err);
	if (rc == 0)
		rc = sv_shm_frame_copy(map, offset, snap, err);
	if (sv_shm_guard_unlock(guard, &unlock_err) != 0 && rc == 0) {
		sv_shm_snapshot_free(snap);
		*err = unlock_err;
		rc = -1;
	}
	return rc == 0 ? 1 : -1;
}

int sv_shm_frame_snapshot(const struct sv_shm_map *map, uint64_t offset,
			  struct sv_shm_guard *guard, struct sv_shm_map *snap,
			  struct sv_err *err)
{
	bool may_lock = true;
	int reopened = 0;
	long pause = POLL_FIRST_NS;

	memset(snap, 0, sizeof(*snap));
	if (!guard->active)
		return sv_shm_frame_copy(map, offset, snap, err);
	for (;;) {
		/* Without a writer about, a copy checked unchanged costs the
		 * writers nothing; when one got in the way, queue for the
		 * lock (semaphore waiters are served in turn, so a stream of
		 * writers cannot starve the reader).  Without permission to
		 * take it, try again until a copy comes through unchanged. */
		int rc = try_snapshot(map, offset, guard, snap, err);

		if (rc == 0 && may_lock) {
			rc = locked_snapshot(map, offset, guard, snap, err);
			may_lock = rc != 0;
		}
		if (rc == 1)
			return 0;
		if (rc == 0) {
			pause_ns(pause);
			pause = pause * 2 > POLL_LONGEST_NS ? POLL_LONGEST_NS : pause * 2;
			continue;
		}
		if (!set_vanished(err) || ++reopened > REOPEN_ATTEMPTS ||
		    reopen(guard, err) != 0)
			return -1;
	}
}

bool sv_shm_guard_in_use(int set_id)
{
	if (semctl(set_id, SV_GUARD_LOCK, GETVAL) != 1)
		return true;
	for (int i = 0; i < SV_GUARD_NSEMS; i++)
		if (semctl(set_id, i, GETNCNT) != 0 || semctl(set_id, i, GETZCNT) != 0)
			return true;
	return false;
}

bool sv_shm_guard_find(key_t key, struct sv_obj *set)
{
	struct semid_ds ds;

	set->kind = SV_SEM;
	set->key = key;
	set->name = NULL;
	return key != IPC_PRIVATE && (set->id = semget(key, 0, 0)) >= 0 &&
	       semctl(set->id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 &&
	       sv_shm_guard_is_companion(key, set->id, ds.sem_nsems);
}

bool sv_shm_guard_remove(key_t key, bool dry_run, struct sv_obj *set)
{
	struct semid_ds ds;
	struct sv_obj found = { .kind = SV_SEM, .key = key };

	if (key == IPC_PRIVATE || (!dry_run && (shmget(key, 0, 0) >= 0 || errno == EACCES)) ||
	    (found.id = semget(key, 0, 0)) < 0)
		return false;
	if (semctl(found.id, 0, IPC_STAT, (union semun){ .buf = &ds }) != 0 ||
	    !sv_shm_guard_is_companion(key, found.id, ds.sem_nsems))
		return false;
	/* Held or waited on: a writer or reader still attached to the
	 * removed segment, or a program whose own set this is.  Theirs. */
	if (sv_shm_guard_in_use(found.id))
		return false;
	if (!dry_run && semctl(found.id, 0, IPC_RMID) != 0)
		return false;
	if (set != NULL)
		*set = found;
	return true;
}

bool sv_shm_guard_is_companion(key_t key, int set_id, unsigned long nsems)
{
	return nsems == SV_GUARD_NSEMS && key != IPC_PRIVATE &&
	       companion_values(set_id) == 1;
}

bool sv_shm_guard_of_segment(key_t key, int set_id, unsigned long nsems)
{
	return sv_shm_guard_is_companion(key, set_id, nsems) &&
	       (shmget(key, 0, 0) >= 0 || errno == EACCES);
}
