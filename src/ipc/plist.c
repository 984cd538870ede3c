#define _GNU_SOURCE
#include "plist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pshm.h"

/* Not in every libc's headers: the mqueue file system's magic. */
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

#define SEM_PREFIX "sem."

static const char *const pkind_names[SV_NPKINDS] = { "pshm", "psem", "pmq" };

const char *sv_pkind_name(enum sv_pkind kind)
{
	return pkind_names[kind];
}

int sv_pkind_parse(const char *word, enum sv_pkind *kind)
{
	for (int k = 0; k < SV_NPKINDS; k++) {
		if (strcmp(word, pkind_names[k]) == 0) {
			*kind = (enum sv_pkind)k;
			return 0;
		}
	}
	return -1;
}

/* A new object at the end of KIND's array; NULL when out of memory. */
static struct sv_pobj *add_obj(struct sv_plist *list, enum sv_pkind kind,
			       size_t *capacity)
{
	struct sv_pobj *obj;

	if (list->count[kind] == capacity[kind]) {
		size_t more = capacity[kind] ? capacity[kind] * 2 : 64;
		struct sv_pobj *bigger = realloc(list->objs[kind], more * sizeof(*bigger));

		if (bigger == NULL)
			return NULL;
		list->objs[kind] = bigger;
		capacity[kind] = more;
	}
	obj = &list->objs[kind][list->count[kind]++];
	memset(obj, 0, sizeof(*obj));
	obj->kind = kind;
	return obj;
}

static void fill_stat(struct sv_pobj *obj, const struct stat *st, int dir)
{
	obj->dir = dir;
	obj->uid = st->st_uid;
	obj->gid = st->st_gid;
	obj->mode = st->st_mode & 0777;
	obj->size = (uint64_t)st->st_size;
	obj->mtime = st->st_mtime;
	obj->dev = st->st_dev;
	obj->ino = st->st_ino;
}

/* A semaphore's value, read with pread from a file that is exactly a
 * sem_t (mapping a shorter one would end in SIGBUS).  glibc keeps the
 * value in the low 32 bits of a 64-bit word (64-bit targets), or shifted
 * left by one in the first 32-bit word (the low bit flags waiters). */
static void read_sem_value(int dirfd, const char *file, struct sv_pobj *obj)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC);
	struct stat st;
	uint64_t word64;
	uint32_t word32;

	obj->bad_size = obj->size != sizeof(sem_t);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == obj->ino &&
	    st.st_size == (off_t)sizeof(sem_t)) {
		obj->bad_size = false;
#if UINTPTR_MAX > 0xffffffffu
		if (pread(fd, &word64, sizeof(word64), 0) == (ssize_t)sizeof(word64)) {
			obj->value = (unsigned)(word64 & 0xffffffffu);
			obj->has_value = true;
		}
		(void)word32;
#else
		if (pread(fd, &word32, sizeof(word32), 0) == (ssize_t)sizeof(word32)) {
			obj->value = word32 >> 1;
			obj->has_value = true;
		}
		(void)word64;
#endif
	}
	close(fd);
}

/* A queue's file reads "QSIZE:N NOTIFY:..." (N the bytes of its
 * messages), and its descriptor answers mq_getattr, without anything
 * sent or received. */
static void read_mq_attr(int dirfd, const char *file, struct sv_pobj *obj)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char text[160];
	ssize_t len;
	struct mq_attr attr;

	obj->size = 0;
	if (fd < 0)
		return;
	len = read(fd, text, sizeof(text) - 1);
	if (len > 6 && strncmp(text, "QSIZE:", 6) == 0) {
		text[len] = '\0';
		obj->size = strtoull(text + 6, NULL, 10);
		obj->has_messages = obj->size == 0;
	}
	if (mq_getattr((mqd_t)fd, &attr) == 0) {
		obj->has_messages = obj->has_attr = true;
		obj->messages = (uint64_t)attr.mq_curmsgs;
		obj->maxmsg = attr.mq_maxmsg;
		obj->msgsize = attr.mq_msgsize;
	}
	close(fd);
}

/* Which kind a file of DIR is, and its POSIX name; -1 for none. */
static int classify(int dir, const char *file, unsigned kind_mask,
		    enum sv_pkind *kind, char name[257])
{
	if (dir == SV_PDIR_MQUEUE)
		*kind = SV_PMQ;
	else if (strncmp(file, SEM_PREFIX, strlen(SEM_PREFIX)) == 0)
		*kind = SV_PSEM;
	else
		*kind = SV_PSHM;
	if (!(kind_mask & (1u << *kind)))
		return -1;
	if (*kind == SV_PSEM)
		file += strlen(SEM_PREFIX);
	snprintf(name, 257, "/%s", file);
	return 0;
}

/* Whether the psem NAME is "/X.framed", the framed mark of the pshm /X,
 * and /X is there: then it is part of /X, not a semaphore of its own. */
static bool framed_mark(int dirfd, const char *name)
{
	size_t len = strlen(name), suffix = strlen(".framed");
	char shm[257];
	struct stat st;

	if (len <= suffix + 1 || strcmp(name + len - suffix, ".framed") != 0)
		return false;
	snprintf(shm, sizeof(shm), "%.*s", (int)(len - suffix - 1), name + 1);
	return fstatat(dirfd, shm, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int read_entry(struct sv_plist *list, int dir, const char *file,
		      unsigned kind_mask, size_t *capacity)
{
	enum sv_pkind kind;
	char name[257];
	struct stat st;
	struct sv_pobj *obj;

	if (classify(dir, file, kind_mask, &kind, name) != 0 ||
	    (kind == SV_PSEM && framed_mark(list->dirfd[dir], name)) ||
	    fstatat(list->dirfd[dir], file, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;   /* another kind, gone meanwhile, or no object */
	if ((obj = add_obj(list, kind, capacity)) == NULL)
		return -1;
	memcpy(obj->name, name, sizeof(obj->name));
	fill_stat(obj, &st, dir);
	if (kind == SV_PSEM)
		read_sem_value(list->dirfd[dir], file, obj);
	else if (kind == SV_PMQ)
		read_mq_attr(list->dirfd[dir], file, obj);
	return 0;
}

static bool skipped(dev_t dev, const dev_t *skip_devs, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (skip_devs[i] == dev)
			return true;
	return false;
}

/* Open ROOT/dev/shm or ROOT/dev/mqueue; -1 (and no error) when it is
 * missing, not of the right file system, or a view already listed. */
static int open_dir(struct sv_plist *list, int dir, const char *root,
		    const dev_t *skip_devs, size_t nskip)
{
	static const char *const paths[2] = { "/dev/shm", "/dev/mqueue" };
	char path[128];
	struct statfs fs;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, paths[dir]);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && dir == SV_PDIR_MQUEUE &&
	    (fstatfs(fd, &fs) != 0 || fs.f_type != MQUEUE_MAGIC)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if (dir == SV_PDIR_MQUEUE)
			list->no_mqueue = true;
		return -1;
	}
	if (fstat(fd, &st) != 0 || skipped(st.st_dev, skip_devs, nskip)) {
		close(fd);
		return -1;
	}
	list->dir_dev[dir] = st.st_dev;
	return list->dirfd[dir] = fd;
}

static int read_dir(struct sv_plist *list, int dir, unsigned kind_mask,
		    size_t *capacity, struct sv_err *err)
{
	int fd = dup(list->dirfd[dir]);
	DIR *stream = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *entry;
	int rc = 0;

	if (stream == NULL) {
		if (fd >= 0)
			close(fd);
		return sv_fail(err, errno, dir == SV_PDIR_SHM ? "/dev/shm" : "/dev/mqueue");
	}
	while (rc == 0 && (entry = readdir(stream)) != NULL) {
		if (entry->d_name[0] == '.' || (entry->d_type != DT_REG &&
						entry->d_type != DT_UNKNOWN))
			continue;
		if (read_entry(list, dir, entry->d_name, kind_mask, capacity) != 0)
			rc = sv_fail(err, ENOMEM, "ls");
	}
	closedir(stream);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sv_pobj *)a)->name, ((const struct sv_pobj *)b)->name);
}

int sv_plist_read(unsigned kind_mask, const char *root, const dev_t *skip_devs,
		  size_t nskip, struct sv_plist *list, struct sv_err *err)
{
	size_t capacity[SV_NPKINDS] = { 0 };

	memset(list, 0, sizeof(*list));
	list->dirfd[0] = list->dirfd[1] = -1;
	if ((kind_mask & ((1u << SV_PSHM) | (1u << SV_PSEM))) &&
	    open_dir(list, SV_PDIR_SHM, root, skip_devs, nskip) >= 0 &&
	    read_dir(list, SV_PDIR_SHM, kind_mask, capacity, err) != 0)
		return -1;
	if ((kind_mask & (1u << SV_PMQ)) &&
	    open_dir(list, SV_PDIR_MQUEUE, root, skip_devs, nskip) >= 0 &&
	    read_dir(list, SV_PDIR_MQUEUE, kind_mask, capacity, err) != 0)
		return -1;
	for (int k = 0; k < SV_NPKINDS; k++)
		if (list->count[k] > 1)
			qsort(list->objs[k], list->count[k], sizeof(struct sv_pobj), by_name);
	return 0;
}

void sv_plist_free(struct sv_plist *list)
{
	for (int k = 0; k < SV_NPKINDS; k++) {
		for (size_t i = 0; i < list->count[k]; i++)
			free(list->objs[k][i].users.pids);
		free(list->objs[k]);
	}
	for (int d = 0; d < 2; d++)
		if (list->dirfd[d] >= 0)
			close(list->dirfd[d]);
	memset(list, 0, sizeof(*list));
	list->dirfd[0] = list->dirfd[1] = -1;
}

bool sv_pobj_orphan(const struct sv_pobj *obj)
{
	return obj->users.known && obj->users.count == 0;
}

bool sv_pfilter_match(const struct sv_filter *filter, const struct sv_pobj *obj)
{
	int64_t now_ns = (int64_t)filter->now.tv_sec * 1000000000 + filter->now.tv_nsec;
	int64_t age_ns = (int64_t)filter->older_than.tv_sec * 1000000000 +
			 filter->older_than.tv_nsec;

	if (filter->by_owner && obj->uid != filter->owner)
		return false;
	if (filter->by_age && ((int64_t)obj->mtime + 1) * 1000000000 > now_ns - age_ns)
		return false;
	return !filter->orphans || sv_pobj_orphan(obj);
}

/* OBJ's file name in its directory. */
static void file_of(const struct sv_pobj *obj, char file[262])
{
	snprintf(file, 262, "%s%s", obj->kind == SV_PSEM ? SEM_PREFIX : "", obj->name + 1);
}

int sv_pobj_recheck(const struct sv_plist *list, const struct sv_pobj *obj,
		    struct sv_pobj *now)
{
	char file[262];
	struct stat st;

	file_of(obj, file);
	*now = *obj;
	memset(&now->users, 0, sizeof(now->users));
	if (fstatat(list->dirfd[obj->dir], file, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (st.st_dev != obj->dev || st.st_ino != obj->ino)
		return errno = ESTALE, -1;
	now->has_messages = now->has_attr = false;
	now->messages = 0;
	if (obj->kind == SV_PMQ)
		read_mq_attr(list->dirfd[obj->dir], file, now);
	return 0;
}

int sv_pobj_remove(const struct sv_plist *list, const struct sv_pobj *obj,
		   struct sv_err *err)
{
	int dirfd = list->dirfd[obj->dir];
	char file[262];
	struct sv_pobj now;

	if (sv_pobj_recheck(list, obj, &now) != 0)
		return sv_fail(err, errno, "%s %s", sv_pkind_name(obj->kind), obj->name);
	file_of(obj, file);
	if ((obj->kind == SV_PSHM ? sv_pshm_unlinkat(dirfd, obj->name) :
				    unlinkat(dirfd, file, 0)) == 0)
		return 0;
	return sv_fail(err, errno, "%s %s", sv_pkind_name(obj->kind), obj->name);
}

long sv_pmq_count(void)
{
	struct sv_plist list;
	struct sv_err err;
	long count = -1;

	if (sv_plist_read(1u << SV_PMQ, "", NULL, 0, &list, &err) == 0 &&
	    !list.no_mqueue)
		count = (long)list.count[SV_PMQ];
	sv_plist_free(&list);
	return count;
}
