/* Message queues: create and open them race-free, send and receive with
 * the kernel's type selection, waits that end after a timeout without ever
 * losing or duplicating a message, and IPC_STAT / IPC_SET. */
#ifndef SYSVCTL_MQ_H
#define SYSVCTL_MQ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "info.h"
#include "ref.h"
#include "wait.h"

/* The highest priority of a POSIX queue's message (MQ_PRIO_MAX - 1 on
 * Linux): the type of a message sent to one. */
#define SV_PMQ_PRIO_MAX 32767

/* The kernel's message layout (struct msgbuf): a type, then the body. */
struct sv_mq_msg {
	long type;
	char body[];
};

/* Which message a receive takes (msgrcv's msgtyp and MSG_EXCEPT). */
struct sv_mq_select {
	long type;      /* 0 first; > 0 first of TYPE; < 0 lowest type <= |TYPE| */
	bool except;    /* with type > 0: the first of any other type */
};

/* A queue being sent to or received from, and what is kept between
 * messages: the receive buffer, the queue's max bytes as last seen, and
 * the timer of -t. */
struct sv_mq {
	struct sv_obj obj;
	struct sv_wait wait;
	uint64_t max_bytes;         /* msg_qbytes when known, else 0 */
	struct sv_mq_msg *buf;      /* receive buffer, buf_size bytes of body */
	size_t buf_size;
	bool have_timer;
	timer_t timer;
	/* Not NULL: a flag the command's signal handler sets.  Once it is
	 * non-zero, a send or receive that would wait (or is waiting) ends
	 * with EINTR, nothing sent or taken: the command decides. */
	const volatile sig_atomic_t *stop;
};

/* Create a queue for REF (a key or private) with IPC_CREAT|IPC_EXCL.  An
 * existing key is EEXIST unless EXIST_OK, which opens it instead.  When a
 * queue is created and MAX_BYTES is not 0, its msg_qbytes is set to it
 * (and the new queue removed again if that fails).  *CREATED says which. */
int sv_mq_create(const struct sv_ref *ref, mode_t mode, bool exist_ok,
		 uint64_t max_bytes, struct sv_obj *obj, bool *created,
		 struct sv_err *err);

/* Open the queue REF names; with CREATE, a key with no queue gets a new
 * one (mode 0600). */
int sv_mq_open(const struct sv_ref *ref, bool create, struct sv_obj *obj,
	       struct sv_err *err);

/* Fill INFO from what IPC_STAT or MSG_STAT_ANY gave for the queue ID. */
struct msqid_ds;
void sv_mq_info_from_ds(struct sv_mq_info *info, const struct msqid_ds *ds, int id);

int sv_mq_stat(const struct sv_obj *obj, struct sv_mq_info *info,
	       struct sv_err *err);

/* Set msg_qbytes, 1 to INT_MAX (more is SV_EUSAGE: the kernel would wrap
 * it).  Above kernel.msgmnb it needs CAP_SYS_RESOURCE: EPERM with a hint. */
int sv_mq_set_max_bytes(const struct sv_obj *obj, uint64_t max_bytes,
			struct sv_err *err);

/* kernel.msgmax: the largest message the kernel accepts. */
int sv_mq_msgmax(size_t *msgmax, struct sv_err *err);

/* The largest message OBJ takes: msgmax, or a POSIX queue's msgsize. */
int sv_mq_msg_limit(const struct sv_obj *obj, size_t *msgmax, struct sv_err *err);

/* The largest message a queue that sv_mq_open(REF, create) would make
 * takes: msgmax, or for a POSIX queue the system's default msgsize
 * (fs.mqueue.msgsize_default). */
int sv_mq_new_msg_limit(const struct sv_ref *ref, size_t *limit,
			struct sv_err *err);

/* The SV_ELIMIT error for a message of SIZE bytes above MSGMAX. */
int sv_mq_too_big(const struct sv_obj *obj, size_t size, size_t msgmax,
		  struct sv_err *err);

/* Start and end a run of sends or receives on OBJ.  A timeout (-t) on a
 * System V queue ends a wait with a timer that sends SIGALRM: the caller
 * must catch SIGALRM without SA_RESTART first (the core installs no
 * signal handlers).  On a POSIX queue the wait has a deadline of its own
 * (see pmq.h): no timer. */
void sv_mq_begin(struct sv_mq *mq, const struct sv_obj *obj,
		 const struct sv_wait *wait);
void sv_mq_end(struct sv_mq *mq);

/* Send MSG, laid out as struct sv_mq_msg (a long type, then SIZE bytes of
 * body; it need not be aligned), waiting as mq->wait says.
 * Errors: SV_EBUSY (full queue under --nowait, or the timeout ran out),
 * SV_ELIMIT (above msgmax or the queue's max bytes), ENOENT (the queue was
 * removed), EACCES, EINTR (mq->stop).  On any error nothing was sent. */
int sv_mq_send(struct sv_mq *mq, const void *msg, size_t size,
	       struct sv_err *err);

/* Receive the message SEL chooses into mq->buf, waiting as WAIT says (NULL:
 * as mq->wait says); *SIZE is its body's size.  Errors: SV_EBUSY (none
 * there under --nowait, or the timeout ran out), ENOENT (the queue was
 * removed), EACCES, EINTR (mq->stop).  On any error no message was taken. */
int sv_mq_recv(struct sv_mq *mq, const struct sv_mq_select *sel,
	       const struct sv_wait *wait, size_t *size, struct sv_err *err);

#endif
