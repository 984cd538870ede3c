/* Every object of the current IPC namespace, read from /proc/sysvipc in
 * one pass per kind, and the filters `ls` and `rm` select them with:
 * owner, REF, orphans, age. */
#ifndef SYSVCTL_LIST_H
#define SYSVCTL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "info.h"
#include "proc.h"
#include "ref.h"

struct sv_list {
	struct sv_shm_info *shm;
	size_t nshm;
	struct sv_sem_info *sem;
	size_t nsem;
	struct sv_mq_info *mq;
	size_t nmq;
	bool mq_max_bytes;      /* mq[].max_bytes is filled (MSG_STAT_ANY) */
};

/* Read the objects of the kinds in KIND_MASK (bit 1 << kind) into LIST;
 * the others stay empty.  Free with sv_list_free also after an error. */
int sv_list_read(unsigned kind_mask, struct sv_list *list, struct sv_err *err);

/* The same, the fastest way: one *_STAT_ANY call per object (the queues'
 * max_bytes included: list->mq_max_bytes), and /proc/sysvipc for a kind
 * whose call the kernel lacks (before Linux 4.17) or whose objects
 * changed while read.  Both give the same facts. */
int sv_list_read_full(unsigned kind_mask, struct sv_list *list, struct sv_err *err);
void sv_list_free(struct sv_list *list);

/* /proc/sysvipc/msg lacks a queue's qbytes: read it into info->max_bytes
 * (MSG_STAT_ANY, which needs no read permission).  -1 when it cannot. */
int sv_list_mq_max_bytes(struct sv_mq_info *info);

/* Fill obj->key from /proc/sysvipc, which anyone may read: the key of an
 * object whose IPC_STAT is refused (no read permission).  ENOENT (exit 3)
 * when no object of obj->kind has obj->id any more; EACCES when
 * /proc/sysvipc cannot be read either (the key stays unknown). */
int sv_list_find_key(struct sv_obj *obj, struct sv_err *err);

/* Read the queue's messages, used_bytes and max_bytes again, now (a
 * message may have come since the listing).  -1 when it cannot. */
int sv_list_mq_refresh(struct sv_mq_info *info);

/* The number of objects of KIND in LIST, and the ownership of the I-th. */
size_t sv_list_count(const struct sv_list *list, enum sv_kind kind);
const struct sv_perm *sv_list_perm(const struct sv_list *list,
				   enum sv_kind kind, size_t index);

/* The last recorded activity of the I-th object of KIND: shm the latest of
 * atime, dtime, ctime; sem of otime, ctime; mq of stime, rtime, ctime. */
time_t sv_list_activity(const struct sv_list *list, enum sv_kind kind,
			size_t index);

/* Whether no process the kernel records for the I-th object of KIND is
 * alive (see sv_pid_alive_since): shm with nattch 0 whose cpid and lpid
 * are gone; sem with no waiters whose semaphores' last-operation pids are
 * gone (or 0); mq whose lspid and lrpid are gone (or 0).  A semaphore set
 * whose pids cannot be read (no read permission) is not an orphan, nor a
 * segment whose creator lives in a pid namespace we cannot see (cpid 0). */
bool sv_list_orphan(const struct sv_list *list, enum sv_kind kind,
		    size_t index, struct sv_procs *procs);

/* Filters, all of which an object must pass. */
struct sv_filter {
	bool by_owner;
	uid_t owner;
	const struct sv_ref *refs;  /* any of these (key or id:); none: all */
	size_t nrefs;
	bool orphans;
	bool by_age;
	struct timespec older_than; /* activity before now - older_than */
	struct timespec now;
};

/* Whether the I-th object of KIND passes FILTER.  PROCS is needed only
 * for filter->orphans. */
bool sv_filter_match(const struct sv_filter *filter, const struct sv_list *list,
		     enum sv_kind kind, size_t index, struct sv_procs *procs);


/* Owner USER|UID: a user name (looked up once) or a numeric uid.  An
 * unknown name is SV_EUSAGE.  OPTION names TEXT in errors. */
int sv_filter_set_owner(struct sv_filter *filter, const char *text,
			const char *option, struct sv_err *err);

/* Older than DURATION: also takes the time now, once.  OPTION names TEXT
 * in errors. */
int sv_filter_set_age(struct sv_filter *filter, const char *text,
		      const char *option, struct sv_err *err);

/* Whether REF names the object with PERM (a key or an id:). */
bool sv_ref_matches(const struct sv_ref *ref, const struct sv_perm *perm);

#endif
