/* The etcd lock recipe: see etcd_lock.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "etcd_lock.h"

int sv_etcd_lock_init(struct sv_etcd_lock *lock, struct sv_etcd *etcd,
		      const char *name, int slots, long ttl_s,
		      struct sv_err *err)
{
	memset(lock, 0, sizeof(*lock));
	if (name[0] == '\0' || strlen(name) > SV_ETCD_NAME_MAX)
		return sv_fail(err, SV_EUSAGE, "etcd:%s: a NAME of 1 to %d bytes",
			       name, SV_ETCD_NAME_MAX);
	lock->etcd = etcd;
	lock->slots = slots;
	lock->ttl_s = ttl_s;
	snprintf(lock->prefix, sizeof(lock->prefix), "%s/", name);
	return 0;
}

/* Where our key stands among the contenders: its index, or -1 when it
 * is gone (the lease expired while we waited). */
static long find_key(const struct sv_etcd_kvs *kvs, const char *key)
{
	size_t i;

	for (i = 0; i < kvs->count; i++)
		if (strcmp(kvs->kv[i].key, key) == 0)
			return (long)i;
	return -1;
}

/* Give up: revoke the lease (its key goes with it), keep ERR as it is. */
static int give_up(struct sv_etcd_lock *lock)
{
	struct sv_err ignored;
	const volatile sig_atomic_t *stop = lock->etcd->stop;

	lock->etcd->stop = NULL;        /* the revoke must go through */
	sv_etcd_revoke(lock->etcd, lock->lease, &ignored);
	lock->etcd->stop = stop;
	return -1;
}

/* Renew the lease while waiting; a lease that is gone is an error. */
static int renew(struct sv_etcd_lock *lock, struct sv_err *err)
{
	long ttl_left;

	if (sv_etcd_keepalive(lock->etcd, lock->lease, &ttl_left, err) != 0)
		return -1;
	if (ttl_left > 0)
		return 0;
	sv_fail(err, SV_EETCD, "etcd:%.*s", (int)strlen(lock->prefix) - 1, lock->prefix);
	return sv_msg(err, "the lease expired while waiting");
}

/* Whether the waiter at INDEX watches only one key, the one SLOTS places
 * before its own: every waiter of a mutex (the key just before its own,
 * as etcd's mutex does), and those of a counting lock with SLOTS waiters
 * or more before them.  While that key waits, this waiter cannot get in
 * (SLOTS or more keys stay before it) and is not among the first SLOTS
 * waiters; a key let in after a wait is put again (sem run marks since
 * when it holds), so for a counting lock a put of that key wakes it too,
 * and it looks again.  The first SLOTS waiters watch every deletion under
 * the prefix instead: a deletion wakes those it may let in, up to SLOTS
 * at once, not the whole line. */
static bool watches_one_key(const struct sv_etcd_lock *lock, long index)
{
	return lock->slots == 1 || index - lock->slots >= lock->slots;
}

/* Wait for what may let us in: a change of the one key we watch (see
 * watches_one_key), else the deletion of enough of the keys before
 * ours to bring us under SLOTS (keys only leave the part before ours: a
 * newcomer comes after us).  Only events of those very keys count, from
 * the revision of KVS on.  1: they came, 0: the time ran out, -1: an
 * error. */
static int wait_turn(struct sv_etcd_lock *lock, const struct sv_etcd_kvs *kvs,
		     long index, long wait_ms, struct sv_err *err)
{
	const char **before;
	long i;
	int rc;

	if (watches_one_key(lock, index)) {
		const char *ahead = kvs->kv[index - lock->slots].key;

		return sv_etcd_watch_delete(lock->etcd, ahead, kvs->revision + 1,
					    &ahead, 1, 1, lock->slots > 1, wait_ms, err);
	}
	before = calloc((size_t)index, sizeof(*before));
	if (before == NULL)
		return sv_fail(err, ENOMEM, "etcd:%s", lock->key);
	for (i = 0; i < index; i++)
		before[i] = kvs->kv[i].key;
	rc = sv_etcd_watch_delete(lock->etcd, lock->prefix, kvs->revision + 1,
				  before, (size_t)index,
				  (size_t)(index - lock->slots + 1), false, wait_ms, err);
	free(before);
	return rc;
}

/* Whether the events wait_turn waited for let us in without a look
 * again: the count of deletions under the prefix is exact, and so is the
 * deletion of the only key before ours. */
static bool let_in(const struct sv_etcd_lock *lock, long index)
{
	return !watches_one_key(lock, index) || index == 1;
}

/* One look at the contenders KVS (freed here): 1 we hold, 0 we look
 * again (an event came or the time ran out), -1 an error. */
static int look(struct sv_etcd_lock *lock, struct sv_etcd_kvs *kvs,
		const struct sv_wait *wait, long long deadline,
		struct sv_err *err)
{
	long long sent;
	long index, wait_ms, renew_ms = lock->ttl_s * 1000 / 3;
	int rc;

	index = find_key(kvs, lock->key);
	if (index < 0) {
		sv_etcd_kvs_free(kvs);
		sv_fail(err, SV_EETCD, "etcd:%.*s", (int)strlen(lock->prefix) - 1, lock->prefix);
		return sv_msg(err, "the lease expired while waiting");
	}
	if (index < lock->slots) {
		sv_etcd_kvs_free(kvs);
		return 1;
	}
	lock->waited = true;
	wait_ms = lock->renewed_ms + renew_ms - sv_mono_ms();
	if (wait->timed && deadline - sv_mono_ms() < wait_ms)
		wait_ms = deadline - sv_mono_ms();
	if (wait->nowait || wait_ms <= 0) {
		sv_etcd_kvs_free(kvs);
		if (wait->nowait || (wait->timed && sv_mono_ms() >= deadline))
			return sv_fail(err, SV_EBUSY, "etcd:%.*s",
				       (int)strlen(lock->prefix) - 1, lock->prefix);
		sent = sv_mono_ms();
		if (renew(lock, err) != 0)
			return -1;
		lock->renewed_ms = sent;
		return 0;
	}
	rc = wait_turn(lock, kvs, index, wait_ms, err);
	sv_etcd_kvs_free(kvs);
	if (rc == 1 && let_in(lock, index))
		return 1;
	return rc < 0 ? -1 : 0;
}

int sv_etcd_lock_acquire(struct sv_etcd_lock *lock, const char *value,
			 const struct sv_wait *wait, struct sv_err *err)
{
	struct sv_etcd_kvs kvs;
	long long deadline = 0, sent;
	int rc;

	lock->etcd->stop = wait->stop;
	if (wait->timed)
		deadline = sv_mono_ms() + wait->timeout.tv_sec * 1000LL +
			   wait->timeout.tv_nsec / 1000000;
	sent = sv_mono_ms();
	if (sv_etcd_grant(lock->etcd, lock->ttl_s, &lock->lease, err) != 0)
		return -1;
	lock->renewed_ms = sent;
	snprintf(lock->key, sizeof(lock->key), "%s%" PRIx64, lock->prefix,
		 (uint64_t)lock->lease);
	/* The key and a first look at the contenders in one request. */
	if (sv_etcd_put_range(lock->etcd, lock->key, value, lock->lease,
			      lock->prefix, &kvs, err) != 0)
		return give_up(lock);
	lock->revision = kvs.revision;
	while ((rc = look(lock, &kvs, wait, deadline, err)) == 0) {
		if (wait->stop != NULL && *wait->stop != 0) {
			sv_fail(err, EINTR, "etcd:%s", lock->key);
			return give_up(lock);
		}
		if (sv_etcd_range_prefix(lock->etcd, lock->prefix, &kvs, err) != 0)
			return give_up(lock);
	}
	if (rc < 0)
		return give_up(lock);
	return 0;
}
