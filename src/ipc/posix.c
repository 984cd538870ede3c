#include "posix.h"

#include <errno.h>
#include <mqueue.h>
#include <semaphore.h>
#include <unistd.h>

#include "pshm.h"

void sv_posix_obj(struct sv_obj *obj, enum sv_kind kind, const char *name,
		  int fd)
{
	obj->kind = kind;
	obj->key = IPC_PRIVATE;
	obj->id = fd;
	obj->name = name;
}

static const char *posix_noun(enum sv_kind kind)
{
	return kind == SV_SHM ? "POSIX shared memory object" :
	       kind == SV_SEM ? "POSIX named semaphore" : "POSIX message queue";
}

int sv_posix_error(enum sv_kind kind, const char *name, int errnum,
		   struct sv_err *err)
{
	const char *kname = sv_kind_name(kind);

	if (errnum == ENAMETOOLONG || errnum == EINVAL)
		errnum = SV_EUSAGE;
	sv_fail(err, errnum, "%s %s", kname, name);
	switch (errnum) {
	case ENOENT:
		sv_msg(err, "no such %s", posix_noun(kind));
		return sv_cause(err, SV_CAUSE_MISSING, kind, name);
	case EACCES:
		return sv_cause(err, SV_CAUSE_DENIED, kind, name);
	case EEXIST:
		return sv_cause(err, SV_CAUSE_EXISTS, kind, name);
	case SV_EUSAGE:
		return sv_msg(err, "the system refuses this name");
	}
	return -1;
}

int sv_posix_stat(const struct sv_obj *obj, struct stat *st, struct sv_err *err)
{
	if (fstat(obj->id, st) == 0)
		return 0;
	return sv_posix_error(obj->kind, obj->name, errno, err);
}

void sv_posix_close(struct sv_obj *obj)
{
	if (obj->id >= 0)
		close(obj->id);
	obj->id = -1;
}

int sv_posix_unlink(enum sv_kind kind, const char *name, struct sv_err *err)
{
	int rc;

	switch (kind) {
	case SV_SHM:
		return sv_pshm_unlink(name, err);
	case SV_SEM:
		rc = sem_unlink(name);
		break;
	case SV_MQ:
	default:
		rc = mq_unlink(name);
		break;
	}
	if (rc == 0)
		return 0;
	sv_posix_error(kind, name, errno, err);
	if (err->errnum == EACCES)
		sv_hint(err, "removing it needs write permission on its directory");
	return -1;
}
