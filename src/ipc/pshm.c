#include "pshm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

/* How long an opener waits for a creator to size a new object. */
#define SIZE_WAIT_MS 1000

int sv_pshm_open(const struct sv_ref *ref, bool readonly, struct sv_obj *obj,
		 struct sv_err *err)
{
	int fd = shm_open(ref->text, readonly ? O_RDONLY : O_RDWR, 0);

	if (fd < 0)
		return sv_posix_error(SV_SHM, ref->text, errno, err);
	sv_posix_obj(obj, SV_SHM, ref->text, fd);
	return 0;
}

/* A creator makes the object at size 0 and sizes it next: give it that
 * moment, so that a write --create racing a create finds the size. */
static void wait_sized(int fd)
{
	struct timespec pause = { 0, 1000000 };
	struct stat st;

	for (int waited = 0; waited < SIZE_WAIT_MS; waited++) {
		if (fstat(fd, &st) != 0 || st.st_size > 0)
			return;
		nanosleep(&pause, NULL);
	}
}

static int size_new(const struct sv_ref *ref, int fd, uint64_t size,
		    struct sv_err *err)
{
	int errnum;

	if (ftruncate(fd, (off_t)size) == 0)
		return 0;
	errnum = errno;
	close(fd);
	shm_unlink(ref->text);
	sv_posix_error(SV_SHM, ref->text, errnum == EINVAL ? EFBIG : errnum, err);
	return sv_msg(err, "cannot give it %llu bytes: %s", (unsigned long long)size,
		      strerror(errnum));
}

int sv_pshm_create(const struct sv_ref *ref, const struct sv_shm_spec *spec,
		   bool exist_ok, struct sv_obj *obj, bool *created,
		   struct sv_err *err)
{
	mode_t mask = umask(0);
	int fd = shm_open(ref->text, O_RDWR | O_CREAT | O_EXCL, spec->mode & 0777);

	umask(mask);
	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST && exist_ok) {
		if (sv_pshm_open(ref, false, obj, err) != 0)
			return -1;
		wait_sized(obj->id);
		return 0;
	}
	if (fd < 0)
		return sv_posix_error(SV_SHM, ref->text, errno, err);
	if (size_new(ref, fd, spec->size, err) != 0)
		return -1;
	sv_posix_obj(obj, SV_SHM, ref->text, fd);
	return 0;
}

int sv_pshm_attach(const struct sv_obj *obj, bool readonly,
		   struct sv_shm_map *map, struct sv_err *err)
{
	struct stat st;
	void *addr;

	memset(map, 0, sizeof(*map));
	map->obj = *obj;
	map->readonly = readonly;
	if (sv_posix_stat(obj, &st, err) != 0)
		return -1;
	if (st.st_size <= 0)
		return 0;
	addr = mmap(NULL, (size_t)st.st_size, readonly ? PROT_READ : PROT_READ | PROT_WRITE,
		    MAP_SHARED, obj->id, 0);
	if (addr == MAP_FAILED)
		return sv_posix_error(SV_SHM, obj->name, errno, err);
	map->addr = addr;
	map->size = (uint64_t)st.st_size;
	return 0;
}

int sv_pshm_detach(struct sv_shm_map *map, struct sv_err *err)
{
	if (map->addr != NULL && munmap(map->addr, (size_t)map->size) != 0)
		return sv_posix_error(SV_SHM, map->obj.name, errno, err);
	map->addr = NULL;
	return 0;
}

/* "/NAME.framed" into BUF. */
static int mark_name(const char *name, char *buf, size_t size)
{
	return snprintf(buf, size, "%s.framed", name) >= (int)size ? -1 : 0;
}

int sv_pshm_unlinkat(int dirfd, const char *name)
{
	char mark[SV_POSIX_NAME_MAX + 16];

	if (unlinkat(dirfd, name + 1, 0) != 0)
		return -1;
	if (snprintf(mark, sizeof(mark), "sem.%s.framed", name + 1) < (int)sizeof(mark))
		unlinkat(dirfd, mark, 0);
	return 0;
}

int sv_pshm_unlink(const char *name, struct sv_err *err)
{
	int dirfd = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = dirfd < 0 ? -1 : sv_pshm_unlinkat(dirfd, name);
	int errnum = errno;

	if (dirfd >= 0)
		close(dirfd);
	if (rc != 0)
		return sv_posix_error(SV_SHM, name, errnum, err);
	return 0;
}

int sv_pshm_lock(const struct sv_obj *obj, bool exclusive, struct sv_err *err)
{
	while (flock(obj->id, exclusive ? LOCK_EX : LOCK_SH) != 0)
		if (errno != EINTR)
			return sv_posix_error(SV_SHM, obj->name, errno, err);
	return 0;
}

void sv_pshm_unlock(const struct sv_obj *obj)
{
	flock(obj->id, LOCK_UN);
}

int sv_pshm_mark_open(const struct sv_obj *obj, bool create, mode_t mode,
		      sem_t **mark, struct sv_err *err)
{
	char name[SV_POSIX_NAME_MAX + 16];
	mode_t mask;

	*mark = NULL;
	if (strlen(obj->name) - 1 > SV_PSHM_FRAMED_NAME_MAX ||
	    mark_name(obj->name, name, sizeof(name)) != 0) {
		sv_fail(err, SV_EUSAGE, "shm %s", obj->name);
		return sv_msg(err, "framed needs a name of at most %d bytes (its "
			      "companion semaphore adds \".framed\")",
			      SV_PSHM_FRAMED_NAME_MAX);
	}
	mask = umask(0);
	*mark = create ? sem_open(name, O_CREAT, mode & 0777, 1) : sem_open(name, 0);
	umask(mask);
	if (*mark != SEM_FAILED)
		return 0;
	*mark = NULL;
	if (!create && errno == ENOENT)
		return 0;
	sv_fail(err, errno, "sem %s", name);
	return sv_msg(err, "the framed mark of shm %s: %s", obj->name,
		      strerror(errno));
}

void sv_pshm_mark_begin(sem_t *mark)
{
	/* 0 already: a writer died mid-copy; this write will complete it. */
	while (sem_trywait(mark) != 0 && errno == EINTR)
		;
}

void sv_pshm_mark_complete(sem_t *mark)
{
	int value;

	if (sem_getvalue(mark, &value) == 0 && value == 0)
		sem_post(mark);
}

int sv_pshm_mark_check(const struct sv_obj *obj, sem_t *mark,
		       struct sv_err *err)
{
	int value;

	if (mark == NULL || sem_getvalue(mark, &value) != 0 || value > 0)
		return 0;
	sv_fail(err, SV_EINCOMPLETE, "shm %s", obj->name);
	return sv_msg(err, "incomplete frame: a write was interrupted and none "
		      "completed since");
}

void sv_pshm_mark_close(sem_t *mark)
{
	if (mark != NULL)
		sem_close(mark);
}
