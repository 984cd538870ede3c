#define _GNU_SOURCE    /* MSG_EXCEPT */
#include "mq.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "clock.h"
#include "pmq.h"
#include "posix.h"
#include "sysctl.h"

/* The receive buffer's first size: above the default msgmax (8192) and the
 * usual raised one (65536), so msgmax need not be read at all; a larger
 * message (E2BIG, still queued) grows it to msgmax. */
#define SV_MQ_FIRST_BUF 65536

/* After the deadline the timer fires again every few milliseconds: if the
 * first signal came just before msgsnd/msgrcv started to wait, the next
 * one interrupts the wait (a signal cannot be made to arrive inside the
 * call, so it is repeated until it does). */
#define SV_MQ_REFIRE_NS 5000000L

int sv_mq_msgmax(size_t *msgmax, struct sv_err *err)
{
	uint64_t value;

	if (sv_sysctl_u64("msgmax", &value, err) != 0)
		return -1;
	*msgmax = value > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)value;
	return 0;
}

int sv_mq_msg_limit(const struct sv_obj *obj, size_t *msgmax, struct sv_err *err)
{
	struct mq_attr attr;

	if (obj->name == NULL)
		return sv_mq_msgmax(msgmax, err);
	if (sv_pmq_attr(obj, &attr, err) != 0)
		return -1;
	*msgmax = (size_t)attr.mq_msgsize;
	return 0;
}

int sv_mq_new_msg_limit(const struct sv_ref *ref, size_t *limit,
			struct sv_err *err)
{
	uint64_t value;

	if (ref->form != SV_REF_POSIX)
		return sv_mq_msgmax(limit, err);
	if (sv_sysctl_u64("../fs/mqueue/msgsize_default", &value, err) != 0)
		return -1;
	*limit = value > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)value;
	return 0;
}

int sv_mq_too_big(const struct sv_obj *obj, size_t size, size_t msgmax,
		  struct sv_err *err)
{
	sv_obj_fail(err, SV_ELIMIT, obj);
	if (obj->name != NULL) {
		sv_msg(err, "message of %zu bytes is above the queue's message "
		       "size (%zu bytes); nothing was sent", size, msgmax);
		return sv_cause(err, SV_CAUSE_MSGSIZE, SV_MQ, obj->name);
	}
	sv_msg(err, "message of %zu bytes is above msgmax (%zu bytes); nothing "
	       "was sent", size, msgmax);
	return sv_hint(err, "the kernel takes messages up to kernel.msgmax "
		       "bytes; raise it with 'sysctl kernel.msgmax=%zu' (as root)",
		       size);
}

static int create_error(const struct sv_ref *ref, int errnum, struct sv_err *err)
{
	char what[64];

	sv_fail(err, errnum, "%s", sv_ref_describe(SV_MQ, ref, what, sizeof(what)));
	if (errnum == EEXIST)
		sv_cause(err, SV_CAUSE_EXISTS, SV_MQ, ref->text);
	else if (errnum == ENOSPC)
		sv_hint(err, "the system has kernel.msgmni queues already");
	else if (errnum == EACCES)
		sv_hint(err, "a queue with this key exists and its mode does not "
			"let you in");
	return -1;
}

/* msgget(key, IPC_CREAT|IPC_EXCL); an existing key is opened when EXIST_OK
 * (retrying if it disappears between the two calls). */
static int create_by_key(const struct sv_ref *ref, mode_t mode, bool exist_ok,
			 int *id, bool *created, struct sv_err *err)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		*id = msgget(ref->key, IPC_CREAT | IPC_EXCL | (int)(mode & 0777));
		if (*id >= 0) {
			*created = true;
			return 0;
		}
		if (errno != EEXIST || !exist_ok)
			return create_error(ref, errno, err);
		*id = msgget(ref->key, 0);
		if (*id >= 0) {
			*created = false;
			return 0;
		}
		if (errno != ENOENT)
			return create_error(ref, errno, err);
	}
	return create_error(ref, EAGAIN, err);
}

int sv_mq_create(const struct sv_ref *ref, mode_t mode, bool exist_ok,
		 uint64_t max_bytes, struct sv_obj *obj, bool *created,
		 struct sv_err *err)
{
	struct sv_err unused;
	struct sv_pmq_new spec = { .mode = mode };

	if (ref->form == SV_REF_POSIX)
		return sv_pmq_create(ref, &spec, exist_ok, obj, created, err);
	obj->kind = SV_MQ;
	obj->name = NULL;
	obj->key = ref->key;
	*created = false;
	if (ref->form == SV_REF_ID) {
		sv_fail(err, SV_EUSAGE, "%s", ref->text);
		return sv_msg(err, "create takes a KEY, path:, name: or private, "
			      "not an id");
	}
	if (ref->form == SV_REF_PRIVATE) {
		obj->id = msgget(IPC_PRIVATE, IPC_CREAT | (int)(mode & 0777));
		if (obj->id < 0)
			return create_error(ref, errno, err);
		*created = true;
	} else if (create_by_key(ref, mode, exist_ok, &obj->id, created, err) != 0) {
		return -1;
	}
	if (!*created || max_bytes == 0)
		return 0;
	if (sv_mq_set_max_bytes(obj, max_bytes, err) != 0) {
		/* A queue with the wrong size must not stay behind under a key
		 * the next create would then find taken. */
		sv_obj_remove(obj, NULL, &unused);
		return -1;
	}
	return 0;
}

int sv_mq_open(const struct sv_ref *ref, bool create, struct sv_obj *obj,
	       struct sv_err *err)
{
	if (ref->form == SV_REF_POSIX)
		return sv_pmq_open(ref, create, obj, err);
	if (!create || ref->form != SV_REF_KEY)
		return sv_obj_open(SV_MQ, ref, obj, err);
	/* Get-or-create is one atomic msgget: a queue needs no setting up. */
	obj->kind = SV_MQ;
	obj->name = NULL;
	obj->key = ref->key;
	obj->id = msgget(ref->key, IPC_CREAT | 0600);
	if (obj->id < 0)
		return create_error(ref, errno, err);
	return 0;
}

int sv_mq_stat(const struct sv_obj *obj, struct sv_mq_info *info,
	       struct sv_err *err)
{
	struct msqid_ds ds;

	if (msgctl(obj->id, IPC_STAT, &ds) != 0)
		return sv_obj_error(obj, errno, err);
	sv_mq_info_from_ds(info, &ds, obj->id);
	return 0;
}

void sv_mq_info_from_ds(struct sv_mq_info *info, const struct msqid_ds *ds, int id)
{
	memset(info, 0, sizeof(*info));
	sv_perm_from_ipc(&info->perm, &ds->msg_perm, id);
	info->messages = ds->msg_qnum;
	info->used_bytes = ds->__msg_cbytes;
	info->max_bytes = ds->msg_qbytes;
	info->lspid = ds->msg_lspid;
	info->lrpid = ds->msg_lrpid;
	info->stime = ds->msg_stime;
	info->rtime = ds->msg_rtime;
	info->ctime = ds->msg_ctime;
}

static int set_error(const struct sv_obj *obj, uint64_t max_bytes, int errnum,
		     struct sv_err *err)
{
	struct sv_err unused;
	uint64_t msgmnb = 0;

	sv_obj_error(obj, errnum, err);
	if (errnum != EPERM)
		return -1;
	if (sv_sysctl_u64("msgmnb", &msgmnb, &unused) != 0 || max_bytes <= msgmnb)
		return sv_hint(err, "only the owner, the creator or root may change it");
	/* Root in a container often lacks the capability: "run it as root"
	 * would send them round in a circle. */
	if (geteuid() == 0)
		return sv_hint(err, "more than kernel.msgmnb (%llu bytes) needs "
			       "CAP_SYS_RESOURCE, which this root process lacks (a "
			       "container?); raise the limit with 'sysctl "
			       "kernel.msgmnb=%llu' where that is allowed",
			       (unsigned long long)msgmnb,
			       (unsigned long long)max_bytes);
	return sv_hint(err, "more than kernel.msgmnb (%llu bytes) needs "
		       "CAP_SYS_RESOURCE: run it as root, or raise the "
		       "limit with 'sysctl kernel.msgmnb=%llu'",
		       (unsigned long long)msgmnb, (unsigned long long)max_bytes);
}

int sv_mq_set_max_bytes(const struct sv_obj *obj, uint64_t max_bytes,
			struct sv_err *err)
{
	struct msqid_ds ds;

	/* msg_qbytes is an unsigned long, but IPC_SET hands it on as an int:
	 * more would wrap silently (4G to 0). */
	if (max_bytes > INT_MAX) {
		sv_obj_fail(err, SV_EUSAGE, obj);
		return sv_msg(err, "max bytes %llu is above %d, the most the "
			      "kernel keeps", (unsigned long long)max_bytes, INT_MAX);
	}
	if (msgctl(obj->id, IPC_STAT, &ds) != 0)
		return sv_obj_error(obj, errno, err);
	ds.msg_qbytes = (msglen_t)max_bytes;
	if (msgctl(obj->id, IPC_SET, &ds) != 0)
		return set_error(obj, max_bytes, errno, err);
	return 0;
}

void sv_mq_begin(struct sv_mq *mq, const struct sv_obj *obj,
		 const struct sv_wait *wait)
{
	memset(mq, 0, sizeof(*mq));
	mq->obj = *obj;
	mq->wait = *wait;
}

void sv_mq_end(struct sv_mq *mq)
{
	if (mq->have_timer)
		timer_delete(mq->timer);
	free(mq->buf);
	mq->buf = NULL;
	mq->have_timer = false;
}

/* The timer's only job is to interrupt msgsnd/msgrcv (EINTR) with
 * SIGALRM, which the command layer catches (see sv_mq_begin); whether the
 * deadline has passed is read from the clock, so nothing is shared with
 * any handler. */
static int timer_setup(struct sv_mq *mq, struct sv_err *err)
{
	struct sigevent event = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	char what[64];

	if (mq->have_timer)
		return 0;
	if (timer_create(CLOCK_MONOTONIC, &event, &mq->timer) != 0)
		return sv_fail(err, errno, "%s: timer", sv_obj_describe(&mq->obj, what, sizeof(what)));
	mq->have_timer = true;
	return 0;
}

static int timer_arm(struct sv_mq *mq, struct timespec *deadline,
		     struct sv_err *err)
{
	struct itimerspec spec = { .it_interval = { 0, SV_MQ_REFIRE_NS } };
	char what[64];

	if (timer_setup(mq, err) != 0)
		return -1;
	sv_mono_deadline(deadline, &mq->wait.timeout);
	spec.it_value = *deadline;
	if (timer_settime(mq->timer, TIMER_ABSTIME, &spec, NULL) != 0)
		return sv_fail(err, errno, "%s: timer", sv_obj_describe(&mq->obj, what, sizeof(what)));
	return 0;
}

static void timer_disarm(struct sv_mq *mq)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	timer_settime(mq->timer, 0, &off, NULL);
}

/* What one attempt of msgsnd or msgrcv needs, so that both share the
 * waiting logic below. */
struct attempt {
	struct sv_mq *mq;
	void *msg;
	size_t size;                    /* send: body size; recv: buffer size */
	const struct sv_mq_select *sel; /* NULL: a send */
	ssize_t received;
	/* A POSIX queue's wait: until this CLOCK_REALTIME time; NULL: as
	 * long as it takes. */
	const struct timespec *deadline;
};

/* A POSIX queue: the type before the body is the priority.  IPC_NOWAIT
 * is a deadline already passed, whose ETIMEDOUT is EAGAIN as msgsnd's. */
static int try_posix(struct attempt *at, int flags)
{
	static const struct timespec past = { 0, 0 };
	const struct timespec *until = flags & IPC_NOWAIT ? &past : at->deadline;
	/* A message to send need not be aligned: no member access. */
	char *body = (char *)at->msg + offsetof(struct sv_mq_msg, body);
	unsigned priority;
	long type;
	int rc;

	if (at->sel == NULL) {
		memcpy(&type, at->msg, sizeof(type));
		rc = sv_pmq_send(&at->mq->obj, body, at->size, (unsigned)type, until);
	} else {
		rc = sv_pmq_receive(&at->mq->obj, body, at->size, &priority, until,
				    &at->received);
		type = (long)priority;
		if (rc == 0)
			memcpy(at->msg, &type, sizeof(type));
	}
	if (rc != 0 && errno == ETIMEDOUT && until == &past)
		errno = EAGAIN;
	return rc;
}

static int try_once(struct attempt *at, int flags)
{
	if (at->mq->obj.name != NULL)
		return try_posix(at, flags);
	if (at->sel == NULL)
		return msgsnd(at->mq->obj.id, at->msg, at->size, flags);
	if (at->sel->except)
		flags |= MSG_EXCEPT;
	at->received = msgrcv(at->mq->obj.id, at->msg, at->size, at->sel->type, flags);
	return at->received < 0 ? -1 : 0;
}

/* The command asked the waits to end (a stop signal came). */
static bool stopped(const struct sv_mq *mq)
{
	return mq->stop != NULL && *mq->stop != 0;
}

/* Block until the call succeeds or fails for good; 0 or -1 with errno.
 * EINTR from a signal other than our timer's just retries, unless the
 * command asked to stop. */
static int try_blocking(struct attempt *at)
{
	for (;;) {
		if (stopped(at->mq))
			return errno = EINTR, -1;
		if (try_once(at, 0) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* try_timed on a POSIX queue: mq_timedsend and mq_timedreceive wait
 * until an absolute CLOCK_REALTIME deadline themselves (so a clock set
 * meanwhile moves it), with no timer and no SIGALRM: a caller that blocks
 * or ignores SIGALRM still gets its timeout.  A stop signal ends the
 * wait (EINTR); any other makes the call try again until the same
 * deadline. */
static int try_posix_timed(struct attempt *at)
{
	struct timespec deadline;
	int rc;

	sv_clock_deadline(CLOCK_REALTIME, &deadline, &at->mq->wait.timeout);
	at->deadline = &deadline;
	do
		rc = stopped(at->mq) ? (errno = EINTR, -1) : try_once(at, 0);
	while (rc != 0 && errno == EINTR && !stopped(at->mq));
	at->deadline = NULL;
	return rc;
}

/* Block at most mq->wait.timeout: -1 with errno ETIMEDOUT when it ran out.
 * A call that succeeded counts even when the deadline passed meanwhile, so
 * no message is lost or sent twice. */
static int try_timed(struct attempt *at, struct sv_err *err)
{
	struct timespec deadline;
	int rc, saved;

	if (at->mq->obj.name != NULL)
		return try_posix_timed(at);
	if (timer_arm(at->mq, &deadline, err) != 0)
		return -2;
	for (;;) {
		if (stopped(at->mq)) {
			errno = EINTR;
			rc = -1;
			break;
		}
		rc = try_once(at, 0);
		if (rc == 0 || errno != EINTR)
			break;
		if (sv_mono_passed(&deadline)) {
			errno = ETIMEDOUT;
			break;
		}
	}
	saved = errno;
	timer_disarm(at->mq);
	errno = saved;
	return rc;
}

/* Wait as WAIT says after a first IPC_NOWAIT attempt found no room or no
 * message: 0, -1 with errno, or -2 with ERR already filled. */
static int wait_and_try(struct attempt *at, const struct sv_wait *wait,
			struct sv_err *err)
{
	if (wait->nowait) {
		errno = EAGAIN;
		return -1;
	}
	if (wait->timed)
		return try_timed(at, err);
	return try_blocking(at);
}

static int busy(const struct sv_mq *mq, const struct sv_wait *wait,
		const char *what_happened, struct sv_err *err)
{
	sv_obj_fail(err, SV_EBUSY, &mq->obj);
	return sv_msg(err, "%s%s", what_happened,
		      wait->timed && !wait->nowait ? " (timed out)" : "");
}

/* The queue had no room: learn its max bytes, so that a message that can
 * never fit is a limit error instead of a wait that never ends. */
static int check_fits(struct sv_mq *mq, size_t size, struct sv_err *err)
{
	struct sv_mq_info info;

	if (mq->obj.name != NULL)   /* its message size was checked first */
		return 0;
	if (sv_mq_stat(&mq->obj, &info, err) != 0)
		return err->errnum == EACCES ? 0 : -1;  /* write-only: just wait */
	mq->max_bytes = info.max_bytes;
	if (size <= info.max_bytes)
		return 0;
	sv_obj_fail(err, SV_ELIMIT, &mq->obj);
	sv_msg(err, "message of %zu bytes is above the queue's max bytes (%llu); "
	       "nothing was sent", size, (unsigned long long)info.max_bytes);
	return sv_cause(err, SV_CAUSE_MAX_BYTES, SV_MQ, NULL);
}

static int send_error(struct sv_mq *mq, size_t size, int errnum,
		      struct sv_err *err)
{
	size_t msgmax;

	if ((errnum == EINVAL || errnum == EMSGSIZE) &&
	    sv_mq_msg_limit(&mq->obj, &msgmax, err) == 0 && size > msgmax)
		return sv_mq_too_big(&mq->obj, size, msgmax, err);
	if (errnum == EBADF && mq->obj.name != NULL) {
		sv_posix_error(SV_MQ, mq->obj.name, EACCES, err);
		return sv_msg(err, "open only for reading: its mode does not let "
			      "you send");
	}
	if (errnum == ETIMEDOUT || errnum == EAGAIN)
		return busy(mq, &mq->wait, "the queue is full", err);
	return sv_obj_error(&mq->obj, errnum, err);
}

int sv_mq_send(struct sv_mq *mq, const void *msg, size_t size,
	       struct sv_err *err)
{
	struct attempt at = { .mq = mq, .msg = (void *)msg, .size = size };
	int rc;

	/* Once the queue is known to be large enough, a send that may wait
	 * forever goes straight to the blocking call. */
	if (sv_wait_forever(&mq->wait) && mq->max_bytes != 0 &&
	    size <= mq->max_bytes)
		rc = try_blocking(&at);
	else
		rc = try_once(&at, IPC_NOWAIT);
	if (rc == 0)
		return 0;
	if (errno == EINTR || errno == EAGAIN) {
		if (check_fits(mq, size, err) != 0)
			return -1;
		rc = wait_and_try(&at, &mq->wait, err);
		if (rc == 0)
			return 0;
		if (rc == -2)
			return -1;
	}
	return send_error(mq, size, errno, err);
}

static int grow_buffer(struct sv_mq *mq, struct sv_err *err)
{
	size_t size = mq->buf_size ? mq->buf_size * 2 : SV_MQ_FIRST_BUF;
	size_t msgmax;
	struct sv_mq_msg *buf;

	if (mq->obj.name != NULL) {
		/* mq_receive needs room for the largest message there can be. */
		if (sv_mq_msg_limit(&mq->obj, &msgmax, err) != 0)
			return -1;
		size = msgmax;
	} else if (mq->buf_size != 0) {
		if (sv_mq_msgmax(&msgmax, err) != 0)
			return -1;
		if (msgmax > size)
			size = msgmax;
	}
	/* One byte more than the body can hold, so a body can be ended
	 * with a NUL in place. */
	buf = realloc(mq->buf, sizeof(*buf) + size + 1);
	if (buf == NULL)
		return sv_obj_fail(err, ENOMEM, &mq->obj);
	mq->buf = buf;
	mq->buf_size = size;
	return 0;
}

int sv_mq_recv(struct sv_mq *mq, const struct sv_mq_select *sel,
	       const struct sv_wait *wait, size_t *size, struct sv_err *err)
{
	struct attempt at = { .mq = mq, .sel = sel };
	int rc;

	if (wait == NULL)
		wait = &mq->wait;
	if (mq->buf == NULL && grow_buffer(mq, err) != 0)
		return -1;
	for (;;) {
		at.msg = mq->buf;
		at.size = mq->buf_size;
		if (sv_wait_forever(wait)) {
			rc = try_blocking(&at);
		} else {
			rc = try_once(&at, IPC_NOWAIT);
			if (rc != 0 && (errno == ENOMSG || errno == EAGAIN))
				rc = wait_and_try(&at, wait, err);
		}
		if (rc == 0) {
			*size = (size_t)at.received;
			return 0;
		}
		if (rc == -2)
			return -1;
		/* E2BIG: the message is larger than the buffer and stayed
		 * on the queue; take it again with a larger buffer. */
		if (errno != E2BIG)
			break;
		if (grow_buffer(mq, err) != 0)
			return -1;
	}
	if (errno == ENOMSG || errno == EAGAIN || errno == ETIMEDOUT)
		return busy(mq, wait, "no message", err);
	return sv_obj_error(&mq->obj, errno, err);
}
