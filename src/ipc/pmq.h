/* POSIX message queues (mq_open): create race-free, open, attributes, and
 * one send or receive attempt.  struct sv_mq (mq.h) runs on them too: its
 * obj.id is then the queue's descriptor and obj.name its name, and mq.c
 * hands each attempt here, so waits and stop signals work as they do for
 * System V queues; a timeout (-t) is the deadline of mq_timedsend and
 * mq_timedreceive, not a timer.  A message's SysV type is the POSIX
 * priority (0 to SV_PMQ_PRIO_MAX); a receive takes the oldest message of
 * the highest priority, as mq_receive does. */
#ifndef SYSVCTL_PMQ_H
#define SYSVCTL_PMQ_H

#include <mqueue.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "mq.h"
#include "ref.h"

/* The attributes of a new queue; 0 takes the system's default
 * (/proc/sys/fs/mqueue/msg_default, msgsize_default). */
struct sv_pmq_new {
	mode_t mode;
	long maxmsg;
	long msgsize;
};

/* Open the queue REF (SV_REF_POSIX) names, read-write, or write-only or
 * read-only when its mode allows only that; with CREATE, made with the
 * defaults and mode 0600 when there is none. */
int sv_pmq_open(const struct sv_ref *ref, bool create, struct sv_obj *obj,
		struct sv_err *err);

/* Create it (O_CREAT|O_EXCL); with EXIST_OK an existing one is opened. */
int sv_pmq_create(const struct sv_ref *ref, const struct sv_pmq_new *spec,
		  bool exist_ok, struct sv_obj *obj, bool *created,
		  struct sv_err *err);

int sv_pmq_attr(const struct sv_obj *obj, struct mq_attr *attr,
		struct sv_err *err);

/* One attempt: send SIZE bytes of BODY at PRIORITY, or receive into BODY
 * (SIZE bytes of room, at least mq_msgsize) with its priority in
 * *PRIORITY.  DEADLINE NULL waits as long as it takes; else it is an
 * absolute CLOCK_REALTIME time (mq_timedsend, mq_timedreceive) at which
 * a full or empty queue is ETIMEDOUT, at once when it has passed: the
 * wait needs no timer and no signal.  0 and *RECEIVED, or -1 with errno
 * (EINTR: a signal came). */
int sv_pmq_send(const struct sv_obj *obj, const void *body, size_t size,
		unsigned priority, const struct timespec *deadline);
int sv_pmq_receive(const struct sv_obj *obj, void *body, size_t size,
		   unsigned *priority, const struct timespec *deadline,
		   ssize_t *received);

#endif
