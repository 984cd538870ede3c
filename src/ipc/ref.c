#include "ref.h"

#include <errno.h>
#include <stdlib.h>	/* arc4random_uniform, from libbsd-overlay */
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "info.h"
#include "parse.h"
#include "text.h"

#define SV_KEY_MAX 0xffffffffULL
#define SV_ID_MAX 0x7fffffffLL

const char *sv_kind_name(enum sv_kind kind)
{
	static const char *const names[SV_NKINDS] = { "shm", "sem", "mq" };

	return names[kind];
}

int sv_kind_parse(const char *word, enum sv_kind *kind)
{
	for (int k = 0; k < SV_NKINDS; k++) {
		if (strcmp(word, sv_kind_name((enum sv_kind)k)) == 0) {
			*kind = (enum sv_kind)k;
			return 0;
		}
	}
	return -1;
}

const char *sv_kinds_list(unsigned mask, char *buf, size_t size)
{
	int left = __builtin_popcount(mask & (SV_ALL_KINDS));

	buf[0] = '\0';
	for (int k = 0; k < SV_NKINDS; k++) {
		if (!(mask & (1u << k)))
			continue;
		left--;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			 sv_kind_name((enum sv_kind)k),
			 left > 1 ? ", " : left == 1 ? " or " : "");
	}
	return buf;
}

key_t sv_key_from_name(const char *name)
{
	uint32_t hash = 2166136261u;        /* FNV-1a offset basis */

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		hash ^= *p;
		hash *= 16777619u;          /* FNV prime */
	}
	return (key_t)(hash == 0 ? 1 : hash);
}

int sv_key_from_path(const char *path, int proj, key_t *key,
		     struct sv_err *err)
{
	struct stat st;

	/* ftok() reports a missing path only through stat's errno; stat
	 * first so the message is about the path, not about a key. */
	if (stat(path, &st) != 0) {
		sv_fail(err, errno, "%s", path);
		if (errno == ENOENT)
			sv_hint(err, "ftok needs an existing file or directory; "
				"every process must name the same one");
		return -1;
	}
	*key = ftok(path, proj);
	return 0;
}

static int parse_path_ref(const char *spec, const char *text,
			  struct sv_ref *ref, struct sv_err *err)
{
	char path[4096];
	const char *colon = strrchr(spec, ':');
	long long proj = 1;

	/* path:PATH:PROJ when the text after the last colon is a number;
	 * otherwise the whole rest is the path (paths may hold colons). */
	if (colon != NULL && colon[1] != '\0' &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		if (parse_int(colon + 1, text, 1, 255, &proj, err) != 0)
			return sv_msg(err, "project id '%s' is out of range (1 to 255)",
				      colon + 1);
		if ((size_t)(colon - spec) >= sizeof(path))
			return sv_fail(err, ENAMETOOLONG, "%s", text);
		memcpy(path, spec, (size_t)(colon - spec));
		path[colon - spec] = '\0';
	} else {
		if (strlen(spec) >= sizeof(path))
			return sv_fail(err, ENAMETOOLONG, "%s", text);
		strcpy(path, spec);
	}
	if (path[0] == '\0') {
		sv_fail(err, SV_EUSAGE, "%s", text);
		return sv_msg(err, "empty path");
	}
	ref->form = SV_REF_KEY;
	return sv_key_from_path(path, (int)proj, &ref->key, err);
}

bool sv_ref_is_posix(const char *text)
{
	return text[0] == '/';
}

/* /NAME: one slash, then 1 to SV_POSIX_NAME_MAX bytes without a slash. */
static int parse_posix_ref(const char *text, struct sv_ref *ref,
			   struct sv_err *err)
{
	size_t len = strlen(text + 1);

	if (len == 0 || strchr(text + 1, '/') != NULL || len > SV_POSIX_NAME_MAX) {
		sv_fail(err, SV_EUSAGE, "%.64s%s", text, len > 64 ? "..." : "");
		return sv_msg(err, len == 0 ? "empty POSIX name" :
			      len > SV_POSIX_NAME_MAX ?
			      "POSIX name longer than 255 bytes" :
			      "a POSIX name has one slash, at its start");
	}
	ref->form = SV_REF_POSIX;
	return 0;
}

int sv_ref_parse(const char *text, unsigned flags, struct sv_ref *ref,
		 struct sv_err *err)
{
	uint64_t number;

	memset(ref, 0, sizeof(*ref));
	ref->text = text;
	if (sv_ref_is_posix(text))
		return parse_posix_ref(text, ref, err);
	if (text_has_prefix(text, "id:")) {
		if (parse_uint_dec_hex(text + 3, text, 0, SV_ID_MAX, &number, err) != 0)
			return -1;
		ref->form = SV_REF_ID;
		ref->id = (int)number;
		return 0;
	}
	if (text_has_prefix(text, "path:"))
		return parse_path_ref(text + 5, text, ref, err);
	if (text_has_prefix(text, "name:")) {
		/* "name:$UNSET" would share the key of "" with every other
		 * script whose variable is unset. */
		if (text[5] == '\0') {
			sv_fail(err, SV_EUSAGE, "%s", text);
			return sv_msg(err, "empty name (an unset variable?)");
		}
		ref->form = SV_REF_KEY;
		ref->key = sv_key_from_name(text + 5);
		return 0;
	}
	if (text_eq(text, "private") && (flags & SV_REF_ALLOW_PRIVATE)) {
		ref->form = SV_REF_PRIVATE;
		ref->key = IPC_PRIVATE;
		return 0;
	}
	if (parse_uint_dec_hex(text, "REF", 1, SV_KEY_MAX, &number, err) != 0) {
		sv_fail(err, SV_EUSAGE, "%s", text[0] ? text : "''");
		sv_msg(err, "not a REF (KEY from 1 to 0xffffffff, id:ID, "
		       "path:PATH[:PROJ], name:TEXT, /NAME%s)",
		       flags & SV_REF_ALLOW_PRIVATE ? " or private" : "");
		if (strcmp(text, "0") == 0 || strcmp(text, "0x0") == 0)
			sv_hint(err, "key 0 is IPC_PRIVATE and names no object; "
				"use id:ID for private objects");
		return -1;
	}
	ref->form = SV_REF_KEY;
	ref->key = (key_t)(uint32_t)number;
	return 0;
}

const char *sv_ref_describe(enum sv_kind kind, const struct sv_ref *ref,
			    char *buf, size_t size)
{
	if (ref->form == SV_REF_ID)
		snprintf(buf, size, "%s id %d", sv_kind_name(kind), ref->id);
	else if (ref->form == SV_REF_PRIVATE)
		snprintf(buf, size, "%s private", sv_kind_name(kind));
	else if (ref->form == SV_REF_POSIX)
		snprintf(buf, size, "%s %s", sv_kind_name(kind), ref->text);
	else
		snprintf(buf, size, "%s 0x%08x", sv_kind_name(kind),
			 (unsigned)ref->key);
	return buf;
}

const char *sv_obj_describe(const struct sv_obj *obj, char *buf, size_t size)
{
	if (obj->name != NULL)
		snprintf(buf, size, "%s %s", sv_kind_name(obj->kind), obj->name);
	else if (obj->key == IPC_PRIVATE)
		snprintf(buf, size, "%s id %d", sv_kind_name(obj->kind), obj->id);
	else if (obj->id < 0)       /* not made yet */
		snprintf(buf, size, "%s 0x%08x", sv_kind_name(obj->kind),
			 (unsigned)obj->key);
	else
		snprintf(buf, size, "%s 0x%08x (id %d)", sv_kind_name(obj->kind),
			 (unsigned)obj->key, obj->id);
	return buf;
}

static int id_by_key(enum sv_kind kind, key_t key)
{
	switch (kind) {
	case SV_SHM:
		return shmget(key, 0, 0);
	case SV_SEM:
		return semget(key, 0, 0);
	case SV_MQ:
		return msgget(key, 0);
	}
	errno = EINVAL;
	return -1;
}

/* The key of the object with this id, by IPC_STAT; -1 when not stat-able. */
static int key_by_id(enum sv_kind kind, int id, key_t *key)
{
	struct shmid_ds shm;
	struct semid_ds sem;
	struct msqid_ds mq;

	switch (kind) {
	case SV_SHM:
		if (shmctl(id, IPC_STAT, &shm) != 0)
			return -1;
		*key = shm.shm_perm.__key;
		return 0;
	case SV_SEM:
		if (semctl(id, 0, IPC_STAT, &sem) != 0)
			return -1;
		*key = sem.sem_perm.__key;
		return 0;
	case SV_MQ:
		if (msgctl(id, IPC_STAT, &mq) != 0)
			return -1;
		*key = mq.msg_perm.__key;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

const char *sv_kind_noun(enum sv_kind kind)
{
	return kind == SV_SHM ? "shared memory segment" :
	       kind == SV_SEM ? "semaphore set" : "message queue";
}

static int denied(enum sv_kind kind, struct sv_err *err)
{
	return sv_cause(err, SV_CAUSE_DENIED, kind, NULL);
}

int sv_obj_fail(struct sv_err *err, int errnum, const struct sv_obj *obj)
{
	char what[64];

	return sv_fail(err, errnum, "%s", sv_obj_describe(obj, what, sizeof(what)));
}

int sv_obj_gone(const struct sv_obj *obj, struct sv_err *err)
{
	sv_obj_fail(err, ENOENT, obj);
	return sv_msg(err, "no such %s (it was removed)", sv_kind_noun(obj->kind));
}

int sv_obj_error(const struct sv_obj *obj, int errnum, struct sv_err *err)
{
	if (errnum == EINVAL || errnum == EIDRM)
		return sv_obj_gone(obj, err);
	sv_obj_fail(err, errnum, obj);
	return errnum == EACCES ? denied(obj->kind, err) : -1;
}

static int missing_object(enum sv_kind kind, const struct sv_ref *ref,
			  struct sv_err *err)
{
	char what[64];

	sv_fail(err, ENOENT, "%s", sv_ref_describe(kind, ref, what, sizeof(what)));
	sv_cause(err, SV_CAUSE_MISSING, kind,
		 ref->form == SV_REF_KEY ? ref->text : NULL);
	err->key = (unsigned)ref->key;
	return sv_msg(err, "no such %s", sv_kind_noun(kind));
}

int sv_obj_open(enum sv_kind kind, const struct sv_ref *ref,
		struct sv_obj *obj, struct sv_err *err)
{
	char what[64];

	obj->kind = kind;
	obj->name = NULL;
	if (ref->form == SV_REF_POSIX) {
		sv_fail(err, SV_EUSAGE, "%s", ref->text);
		return sv_msg(err, "a POSIX name; this command takes a System V REF");
	}
	if (ref->form == SV_REF_PRIVATE) {
		sv_fail(err, SV_EUSAGE, "%s", ref->text);
		return sv_msg(err, "'private' only creates; name a private "
			      "object by id:ID");
	}
	if (ref->form == SV_REF_ID) {
		obj->id = ref->id;
		obj->key = IPC_PRIVATE;
		if (key_by_id(kind, ref->id, &obj->key) == 0)
			return 0;
		if (errno == EACCES)    /* it exists; we may not read it */
			return 0;
		if (errno == EINVAL || errno == EIDRM)
			return missing_object(kind, ref, err);
		return sv_fail(err, errno, "%s",
			       sv_ref_describe(kind, ref, what, sizeof(what)));
	}
	obj->key = ref->key;
	obj->id = id_by_key(kind, ref->key);
	if (obj->id >= 0)
		return 0;
	if (errno == ENOENT)
		return missing_object(kind, ref, err);
	sv_fail(err, errno, "%s", sv_ref_describe(kind, ref, what, sizeof(what)));
	return errno == EACCES ? denied(kind, err) : -1;
}

bool sv_key_in_use(enum sv_kind kind, key_t key)
{
	return id_by_key(kind, key) >= 0 || errno != ENOENT;
}

int sv_key_random_unused(unsigned kind_mask, key_t *key, struct sv_err *err)
{
	/* With 2^31 keys and at most a few hundred thousand objects, a free
	 * key is found at the first try; the bound only stops a loop when
	 * the kernel answers something other than ENOENT for every key. */
	for (int attempt = 0; attempt < 1000; attempt++) {
		key_t candidate = (key_t)(arc4random_uniform(0x7fffffffu) + 1);
		bool used = false;

		for (int kind = 0; kind < SV_NKINDS && !used; kind++) {
			if (!(kind_mask & (1u << kind)))
				continue;
			errno = 0;
			used = sv_key_in_use((enum sv_kind)kind, candidate);
			if (used && errno == ENOSYS)    /* no SysV IPC at all */
				return sv_fail(err, ENOSYS, "key gen");
		}
		if (!used) {
			*key = candidate;
			return 0;
		}
	}
	return sv_fail(err, EAGAIN, "key gen");
}

int sv_obj_remove(const struct sv_obj *obj, unsigned long *still_attached,
		  struct sv_err *err)
{
	struct shmid_ds shm;
	int rc = -1;

	if (still_attached != NULL)
		*still_attached = 0;
	switch (obj->kind) {
	case SV_SHM:
		rc = shmctl(obj->id, IPC_RMID, NULL);
		/* After IPC_RMID an attached segment lives on, keyless: its
		 * attach count says whether it is gone or only marked. */
		if (rc == 0 && still_attached != NULL &&
		    shmctl(obj->id, IPC_STAT, &shm) == 0)
			*still_attached = shm.shm_nattch;
		break;
	case SV_SEM:
		rc = semctl(obj->id, 0, IPC_RMID);
		break;
	case SV_MQ:
		rc = msgctl(obj->id, IPC_RMID, NULL);
		break;
	}
	if (rc == 0)
		return 0;
	if (errno == EINVAL || errno == EIDRM)
		errno = ENOENT;     /* removed by someone else meanwhile */
	sv_obj_fail(err, errno, obj);
	if (errno == EPERM)
		sv_hint(err, "only the owner, the creator or root may remove it");
	return -1;
}

void sv_perm_from_ipc(struct sv_perm *perm, const struct ipc_perm *ipc, int id)
{
	perm->key = ipc->__key;
	perm->id = id;
	perm->mode = ipc->mode & 0777;
	perm->uid = ipc->uid;
	perm->gid = ipc->gid;
	perm->cuid = ipc->cuid;
	perm->cgid = ipc->cgid;
}
