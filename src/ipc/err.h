/* One error value for the whole core: the errno that describes what went
 * wrong, the object it concerns, an optional message that replaces
 * strerror(), and an optional hint for a known pitfall.  The core fills it
 * and returns -1; only the command layer prints it or maps it to an exit
 * code. */
#ifndef SYSVCTL_ERR_H
#define SYSVCTL_ERR_H

#include <stdbool.h>

#include <stdarg.h>

/* errno values the core uses for its own conditions, beyond the system's.
 * They stay clear of real errno numbers (which end below 200 on Linux). */
enum {
	SV_EUSAGE = 1000,   /* malformed or out-of-range argument: exit 2 */
	SV_ELIMIT,          /* a size or system limit: exit 7 */
	SV_EBUSY,           /* would block, or the timeout ran out: exit 6 */
	SV_EINCOMPLETE,     /* a framed write was interrupted mid-copy: exit 8 */
	SV_EUNREACHABLE,    /* no etcd endpoint answers: exit 10 */
	SV_EETCD,           /* etcd answered what its API does not document */
};

/* A known pitfall the core recognised, for the command layer to word as a
 * hint (hints that quote command-line syntax live in src/cmd). */
enum sv_cause {
	SV_CAUSE_NONE,
	SV_CAUSE_MISSING,   /* no object of kind with key (or id) */
	SV_CAUSE_DENIED,    /* the object's mode does not let us in */
	SV_CAUSE_EXISTS,    /* a create found an object with this key or name */
	SV_CAUSE_SYSTEM_FULL, /* a system-wide count (semmni, shmall...) is reached */
	SV_CAUSE_HUGE_PAGES, /* no free huge pages for a hugetlb segment */
	SV_CAUSE_RESERVE,   /* the memory of a segment could not be reserved */
	SV_CAUSE_HUGE_PERM, /* hugetlb needs CAP_IPC_LOCK or the hugetlb group */
	SV_CAUSE_MSGSIZE,   /* above a POSIX queue's message size (fixed at creation) */
	SV_CAUSE_MAX_BYTES, /* above a System V queue's max bytes */
	SV_CAUSE_READ_DENIED,  /* reading (attach, stat) needs read permission */
	SV_CAUSE_WRITE_DENIED, /* writing needs read and write permission */
	SV_CAUSE_NO_FRAME,  /* the bytes at an offset are not a frame */
};

struct sv_err {
	int errnum;         /* errno or one of the SV_E* values above */
	enum sv_cause cause;
	int kind;           /* enum sv_kind of the object, for a cause */
	char ref[300];      /* what the user typed for it (a POSIX /NAME too),
			     * a copy; empty: named by id, or too long: */
	bool ref_cut;       /* the REF did not fit in ref (a long path:PATH or
			     * name:TEXT), so no hint can quote it */
	unsigned key;       /* its key, for SV_CAUSE_MISSING with ref */
	char ctx[160];      /* the object: "shm 0x0000162e (id 5)" */
	char msg[256];      /* replaces strerror(errnum) when not empty */
	char hint[256];     /* one "hint:" line when not empty */
};

/* Record an error: errnum, and the context formatted from fmt.
 * Clears the message, the hint and the cause.  Always returns -1. */
int sv_fail(struct sv_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Replace the message (default: strerror of errnum).  Returns -1. */
int sv_msg(struct sv_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the pitfall CAUSE about an object of KIND that the user named
 * REF (NULL: by id; copied), for the command layer to word.  Returns -1. */
int sv_cause(struct sv_err *err, enum sv_cause cause, int kind, const char *ref);

/* Attach a hint line.  Returns -1. */
int sv_hint(struct sv_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A /proc file that exists wherever the kernel has System V IPC
 * (/proc/sysvipc/..., /proc/sys/kernel/{shm,msg,sem}...) could not be
 * opened: errnum, or ENOSYS when it is missing.  Returns -1. */
int sv_fail_proc(struct sv_err *err, int errnum, const char *path);

/* The message to print: msg when set, else strerror(errnum). */
const char *sv_err_text(const struct sv_err *err);

#endif
