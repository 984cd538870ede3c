#include "pmq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "posix.h"
#include "sysctl.h"

static mqd_t open_any(const char *name, int flags)
{
	mqd_t mqd = mq_open(name, O_RDWR | flags);

	/* A queue we may only write to (or only read from) is still
	 * usable for that; the call that needs the other half says so. */
	if (mqd == (mqd_t)-1 && errno == EACCES)
		mqd = mq_open(name, O_WRONLY | flags);
	if (mqd == (mqd_t)-1 && errno == EACCES)
		mqd = mq_open(name, O_RDONLY | flags);
	return mqd;
}

int sv_pmq_open(const struct sv_ref *ref, bool create, struct sv_obj *obj,
		struct sv_err *err)
{
	mode_t mask = umask(0);
	mqd_t mqd = create ? mq_open(ref->text, O_RDWR | O_CREAT, 0600, NULL)
			   : open_any(ref->text, 0);

	umask(mask);
	if (mqd == (mqd_t)-1)
		return sv_posix_error(SV_MQ, ref->text, errno, err);
	sv_posix_obj(obj, SV_MQ, ref->text, (int)mqd);
	return 0;
}

static int create_failed(const struct sv_ref *ref, const struct sv_pmq_new *spec,
			 int errnum, struct sv_err *err)
{
	if (errnum != EINVAL && errnum != EMFILE && errnum != ENOSPC)
		return sv_posix_error(SV_MQ, ref->text, errnum, err);
	sv_fail(err, errnum == EINVAL ? SV_ELIMIT : errnum, "mq %s", ref->text);
	if (errnum == EINVAL)
		sv_msg(err, "%ld messages of %ld bytes is above the system's limits",
		       spec->maxmsg, spec->msgsize);
	return sv_hint(err, "see /proc/sys/fs/mqueue (msg_max, msgsize_max, "
		       "queues_max) and RLIMIT_MSGQUEUE (ulimit -q)");
}

static int fill_default(long *value, const char *name, struct sv_err *err)
{
	char path[64];
	uint64_t found;

	if (*value != 0)
		return 0;
	snprintf(path, sizeof(path), "../fs/mqueue/%s", name);
	if (sv_sysctl_u64(path, &found, err) != 0)
		return -1;
	*value = (long)found;
	return 0;
}

int sv_pmq_create(const struct sv_ref *ref, const struct sv_pmq_new *spec,
		  bool exist_ok, struct sv_obj *obj, bool *created,
		  struct sv_err *err)
{
	struct mq_attr attr = { .mq_maxmsg = spec->maxmsg, .mq_msgsize = spec->msgsize };
	bool defaults = spec->maxmsg == 0 && spec->msgsize == 0;
	mode_t mask;
	mqd_t mqd;

	/* mq_open takes both attributes or neither: the other one given
	 * is the system's default. */
	if (!defaults && (fill_default(&attr.mq_maxmsg, "msg_default", err) != 0 ||
			  fill_default(&attr.mq_msgsize, "msgsize_default", err) != 0))
		return -1;
	mask = umask(0);
	mqd = mq_open(ref->text, O_RDWR | O_CREAT | O_EXCL, spec->mode & 0777,
		      defaults ? NULL : &attr);
	umask(mask);
	*created = mqd != (mqd_t)-1;
	if (*created) {
		sv_posix_obj(obj, SV_MQ, ref->text, (int)mqd);
		return 0;
	}
	if (errno == EEXIST && exist_ok)
		return sv_pmq_open(ref, false, obj, err);
	return create_failed(ref, spec, errno, err);
}

int sv_pmq_attr(const struct sv_obj *obj, struct mq_attr *attr,
		struct sv_err *err)
{
	if (mq_getattr((mqd_t)obj->id, attr) == 0)
		return 0;
	return sv_posix_error(SV_MQ, obj->name, errno, err);
}

int sv_pmq_send(const struct sv_obj *obj, const void *body, size_t size,
		unsigned priority, const struct timespec *deadline)
{
	return deadline != NULL ?
	       mq_timedsend((mqd_t)obj->id, body, size, priority, deadline) :
	       mq_send((mqd_t)obj->id, body, size, priority);
}

int sv_pmq_receive(const struct sv_obj *obj, void *body, size_t size,
		   unsigned *priority, const struct timespec *deadline,
		   ssize_t *received)
{
	*received = deadline != NULL ?
		    mq_timedreceive((mqd_t)obj->id, body, size, priority, deadline) :
		    mq_receive((mqd_t)obj->id, body, size, priority);
	return *received < 0 ? -1 : 0;
}
