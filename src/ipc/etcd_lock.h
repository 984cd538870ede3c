/* A counting lock on etcd, compatible with etcd's own mutex
 * (clientv3/concurrency, what `etcdctl lock NAME` uses): each contender
 * puts the key NAME/LEASE-ID-IN-HEX under a lease of its own; the keys
 * with the lowest create revisions hold (the lowest one for a mutex, the
 * SLOTS lowest for a counting lock), and the others wait, in revision
 * order, for a key before theirs to be deleted (or, far back in the line
 * of a counting lock, for the key SLOTS places before theirs to be let
 * in: the caller puts its key again once a wait ended, see waited).  A holder
 * that ends revokes its lease; one that dies is dropped when its lease
 * expires. */
#ifndef SYSVCTL_ETCD_LOCK_H
#define SYSVCTL_ETCD_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "etcd.h"
#include "sem.h"

#define SV_ETCD_NAME_MAX 512

struct sv_etcd_lock {
	struct sv_etcd *etcd;
	char prefix[SV_ETCD_NAME_MAX + 2];      /* "NAME/" */
	char key[SV_ETCD_NAME_MAX + 32];        /* "NAME/LEASE" */
	long ttl_s;
	int slots;
	int64_t lease;
	int64_t revision;                       /* the key's create revision */
	bool waited;                            /* it was not free at once */
	long long renewed_ms;                   /* CLOCK_MONOTONIC ms when the
						 * last successful grant or
						 * keep-alive was sent */
};

/* Set LOCK up for NAME on ETCD (nothing is sent). */
int sv_etcd_lock_init(struct sv_etcd_lock *lock, struct sv_etcd *etcd,
		      const char *name, int slots, long ttl_s,
		      struct sv_err *err);

/* Take one of the slots, VALUE the key's value, waiting as WAIT says
 * (SV_EBUSY when it may not wait longer; EINTR once *WAIT->stop is set).
 * On failure nothing is left behind (the lease is revoked). */
int sv_etcd_lock_acquire(struct sv_etcd_lock *lock, const char *value,
			 const struct sv_wait *wait, struct sv_err *err);

#endif
