/* What the POSIX objects (shm_open, mq_open, sem_open names: "/NAME")
 * share: the object value of an open one, and errors that name it. */
#ifndef SYSVCTL_POSIX_H
#define SYSVCTL_POSIX_H

#include <sys/stat.h>

#include "err.h"
#include "ref.h"

/* OBJ for the POSIX object NAME of KIND open on descriptor FD (-1 when it
 * has none): key IPC_PRIVATE, id the descriptor, name NAME. */
void sv_posix_obj(struct sv_obj *obj, enum sv_kind kind, const char *name,
		  int fd);

/* ERRNUM from a call on the POSIX object NAME of KIND: "shm /NAME: ...",
 * with "no such ..." and a hint for ENOENT, a hint for EACCES and EEXIST,
 * and ENAMETOOLONG/EINVAL as a usage error.  -1. */
int sv_posix_error(enum sv_kind kind, const char *name, int errnum,
		   struct sv_err *err);

/* fstat of the open object OBJ (its descriptor). */
int sv_posix_stat(const struct sv_obj *obj, struct stat *st,
		  struct sv_err *err);

/* Remove the POSIX object NAME of KIND (shm_unlink, sem_unlink,
 * mq_unlink); a shm object's framed mark goes with it.  Processes that
 * have it open keep it until they close it. */
int sv_posix_unlink(enum sv_kind kind, const char *name, struct sv_err *err);

/* Close OBJ's descriptor, if any. */
void sv_posix_close(struct sv_obj *obj);

#endif
