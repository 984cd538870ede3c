#include "pshm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

/* How long an opener waits for a creator to size a new object. */
#define SIZE_WAIT_MS 1000
/* The most one pread, pwrite or sendfile moves: each pwrite is preceded
 * by a look at the object's size, and the bounce buffer is this big. */
#define SV_PSHM_STEP (1u << 20)

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
void sv_pshm_wait_sized(const struct sv_obj *obj)
{
	int fd = obj->id;
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
		sv_pshm_wait_sized(obj);
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

	memset(map, 0, sizeof(*map));
	map->obj = *obj;
	map->readonly = readonly;
	map->by_fd = true;
	if (sv_posix_stat(obj, &st, err) != 0)
		return -1;
	map->size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int sv_pshm_detach(struct sv_shm_map *map, struct sv_err *err)
{
	(void)err;
	map->by_fd = false;
	return 0;
}

/* Another process made the object shorter (ftruncate) while a copy
 * DOING ran, so it ended early: what happened, and THEN.  -1. */
static int cut_short(const struct sv_shm_map *map, int errnum,
		     const char *doing, const char *then, struct sv_err *err)
{
	struct stat st;
	char now[48] = "";

	if (fstat(map->obj.id, &st) == 0)
		snprintf(now, sizeof(now), " (%llu bytes now)",
			 (unsigned long long)st.st_size);
	sv_obj_fail(err, errnum, &map->obj);
	return sv_msg(err, "another process made it shorter during the %s%s: %s",
		      doing, now, then);
}

/* One pread of at most a step of the WANT bytes at AT into BUF (EINTR
 * retried): the bytes read, or -1 with ERR set; the object ending before
 * AT is the cut THEN says the result of. */
static ssize_t pread_step(const struct sv_shm_map *map, uint64_t at,
			  void *buf, uint64_t want, const char *then,
			  struct sv_err *err)
{
	ssize_t got;

	do
		got = pread(map->obj.id, buf,
			    want > SV_PSHM_STEP ? SV_PSHM_STEP : (size_t)want,
			    (off_t)at);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return sv_posix_error(SV_SHM, map->obj.name, errno, err);
	if (got == 0)
		return cut_short(map, EIO, "read", then, err);
	return got;
}

int sv_pshm_read(const struct sv_shm_map *map, uint64_t offset, void *buf,
		 uint64_t count, struct sv_err *err)
{
	uint64_t done = 0;

	while (done < count) {
		ssize_t got = pread_step(map, offset + done, (unsigned char *)buf + done,
					 count - done, "it ended early", err);

		if (got < 0)
			return -1;
		done += (uint64_t)got;
	}
	return 0;
}

/* Whether the object still reaches END: a pwrite past its end would make
 * it longer again, so each step is checked first. */
static bool reaches(const struct sv_shm_map *map, uint64_t end)
{
	struct stat st;

	return fstat(map->obj.id, &st) == 0 && (uint64_t)st.st_size >= end;
}

int sv_pshm_write(const struct sv_shm_map *map, uint64_t offset,
		  const void *buf, uint64_t count, struct sv_err *err)
{
	uint64_t done = 0;

	while (done < count) {
		uint64_t want = count - done;
		size_t step = want > SV_PSHM_STEP ? SV_PSHM_STEP : (size_t)want;
		ssize_t put;

		if (!reaches(map, offset + done + step))
			return cut_short(map, SV_ELIMIT, "write", done > 0 ?
					 "the bytes are written in part" :
					 "nothing more was written", err);
		put = pwrite(map->obj.id, (const unsigned char *)buf + done, step,
			     (off_t)(offset + done));
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return sv_posix_error(SV_SHM, map->obj.name, errno, err);
		done += (uint64_t)put;
	}
	return 0;
}

/* Wait until FD takes more (a non-blocking output that is full). */
static int wait_writable(int fd)
{
	struct pollfd out = { .fd = fd, .events = POLLOUT };

	while (poll(&out, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* LEN bytes of BUF to FD, waiting while a non-blocking FD is full. */
static int write_all(int fd, const unsigned char *buf, size_t len,
		     struct sv_err *err)
{
	size_t out = 0;

	while (out < len) {
		ssize_t put = write(fd, buf + out, len - out);

		if (put < 0 && errno == EAGAIN && wait_writable(fd) == 0)
			continue;
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return sv_fail(err, errno, SV_SHM_OUTPUT);
		out += (size_t)put;
	}
	return 0;
}

/* COUNT bytes at START through BOUNCE: pread, then write(2).  *DONE
 * counts those written. */
static int send_bounced(const struct sv_shm_map *map, uint64_t start,
			uint64_t count, int fd, unsigned char *bounce,
			uint64_t *done, struct sv_err *err)
{
	while (*done < count) {
		ssize_t got = pread_step(map, start + *done, bounce, count - *done,
					 "the output is cut short", err);

		if (got < 0 || write_all(fd, bounce, (size_t)got, err) != 0)
			return -1;
		*done += (uint64_t)got;
	}
	return 0;
}

int sv_pshm_send(const struct sv_shm_map *map, uint64_t start, uint64_t count,
		 int fd, struct sv_err *err)
{
	unsigned char *bounce;
	uint64_t done = 0;
	int rc;

	while (done < count) {
		uint64_t want = count - done;
		off_t at = (off_t)(start + done);
		ssize_t sent = sendfile(fd, map->obj.id, &at,
					want > SV_PSHM_STEP ? SV_PSHM_STEP : (size_t)want);

		if (sent < 0 && errno == EAGAIN && wait_writable(fd) == 0)
			continue;
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent == 0)
			return cut_short(map, EIO, "read", "the output is cut short", err);
		if (sent < 0 && errno != EINVAL && errno != ENOSYS)
			return sv_fail(err, errno, SV_SHM_OUTPUT);
		if (sent < 0)
			break;  /* FD takes no sendfile (a terminal): bounce */
		done += (uint64_t)sent;
	}
	if (done == count)
		return 0;
	bounce = malloc(SV_PSHM_STEP);
	if (bounce == NULL)
		return sv_obj_fail(err, ENOMEM, &map->obj);
	rc = send_bounced(map, start, count, fd, bounce, &done, err);
	free(bounce);
	return rc;
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
