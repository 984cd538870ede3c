#include "shm.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pshm.h"
#include "sysctl.h"

/* One read(2) or write(2) moves at most this much: Linux stops at about
 * 2 GiB anyway, and a round number keeps the loops easy to follow. */
#define SV_IO_CHUNK (1u << 30)
/* The step of a copy that reports its progress: small enough for ~10
 * reports a second, large enough to cost nothing. */
#define SV_PROGRESS_STEP (16u << 20)

/* The chunks a stream is staged in: the first small, so a few bytes cost
 * little, each twice the one before up to the largest, so a large stream
 * is in few pieces. */
#define SV_STAGE_FIRST (64u * 1024u)
#define SV_STAGE_MAX (8u * 1024u * 1024u)

/* Below this, faulting pages in one by one costs less than asking for
 * them all at once. */
#define SV_PREFAULT_MIN (256u * 1024u)

typedef unsigned long long ull;

uint64_t sv_shm_page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (uint64_t)page : 4096;
}

/* Map the pages of [addr, addr + len) in one call before copying through
 * them: a fresh attach has no page table entries, and taking one fault
 * per page doubles the time of a large copy.  Only a speed-up: on a kernel
 * without MADV_POPULATE_* (before 5.14) the faults happen as before. */
static void prefault(void *addr, uint64_t len, bool for_write)
{
	uintptr_t page = (uintptr_t)sv_shm_page_size();
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);

	if (len < SV_PREFAULT_MIN)
		return;
	madvise((void *)start, end - start,
		for_write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
}

static int create_failed(const struct sv_ref *ref,
			 const struct sv_shm_spec *spec, int errnum,
			 struct sv_err *err)
{
	struct sv_err ignored;
	uint64_t shmmax = 0;
	char what[64];

	sv_ref_describe(SV_SHM, ref, what, sizeof(what));
	switch (errnum) {
	case EEXIST:
		sv_fail(err, EEXIST, "%s", what);
		sv_msg(err, "a shared memory segment with this key already exists");
		return sv_cause(err, SV_CAUSE_EXISTS, SV_SHM, ref->text);
	case EINVAL:
		/* With IPC_EXCL the only EINVAL left is a size the kernel
		 * refuses: above shmmax (or below shmmin, which is 1). */
		sv_fail(err, SV_ELIMIT, "%s", what);
		if (sv_sysctl_u64("shmmax", &shmmax, &ignored) == 0 &&
		    spec->size > shmmax) {
			sv_msg(err, "size %llu is above the limit kernel.shmmax "
			       "(%llu bytes)", (ull)spec->size, (ull)shmmax);
			return sv_hint(err, "raise it as root with 'sysctl -w "
				       "kernel.shmmax=%llu'", (ull)spec->size);
		}
		return sv_msg(err, "the kernel refuses a segment of %llu bytes",
			      (ull)spec->size);
	case ENOSPC:
		sv_fail(err, SV_ELIMIT, "%s", what);
		sv_msg(err, "no room for a segment of %llu bytes: the limit "
		       "kernel.shmall (pages in all segments) or kernel.shmmni "
		       "(segments) is reached", (ull)spec->size);
		return sv_cause(err, SV_CAUSE_SYSTEM_FULL, SV_SHM, NULL);
	case ENOMEM:
		sv_fail(err, ENOMEM, "%s", what);
		sv_msg(err, "not enough memory for a segment of %llu bytes",
		       (ull)spec->size);
		if (spec->hugetlb)
			return sv_cause(err, SV_CAUSE_HUGE_PAGES, SV_SHM, NULL);
		if (!spec->noreserve)
			return sv_cause(err, SV_CAUSE_RESERVE, SV_SHM, NULL);
		return -1;
	case EPERM:
		sv_fail(err, EPERM, "%s", what);
		if (spec->hugetlb)
			sv_cause(err, SV_CAUSE_HUGE_PERM, SV_SHM, NULL);
		return -1;
	default:
		return sv_fail(err, errnum, "%s", what);
	}
}

int sv_shm_create(const struct sv_ref *ref, const struct sv_shm_spec *spec,
		  struct sv_obj *obj, struct sv_err *err)
{
	int flags = IPC_CREAT | IPC_EXCL | (int)(spec->mode & 0777);
	key_t key = ref->form == SV_REF_PRIVATE ? IPC_PRIVATE : ref->key;
	int id;

	if (ref->form == SV_REF_ID || ref->form == SV_REF_POSIX) {
		sv_fail(err, SV_EUSAGE, "%s", ref->text);
		return sv_msg(err, "an id names an existing segment; create takes "
			      "a key or 'private'");
	}
	if (spec->hugetlb)
		flags |= SHM_HUGETLB;
	if (spec->noreserve)
		flags |= SHM_NORESERVE;
	id = shmget(key, (size_t)spec->size, flags);
	if (id < 0)
		return create_failed(ref, spec, errno, err);
	obj->kind = SV_SHM;
	obj->name = NULL;
	obj->key = key;
	obj->id = id;
	return 0;
}

int sv_shm_open_or_create(const struct sv_ref *ref,
			  const struct sv_shm_spec *spec, struct sv_obj *obj,
			  bool *created, struct sv_err *err)
{
	*created = false;
	if (ref->form == SV_REF_PRIVATE) {
		*created = true;
		return sv_shm_create(ref, spec, obj, err);
	}
	/* Open with size 0 (any existing size is fine), else create with
	 * IPC_EXCL; when another process wins that race, open again.  The
	 * bound only stops a key that is created and removed endlessly. */
	for (int attempt = 0; attempt < 1000; attempt++) {
		if (sv_obj_open(SV_SHM, ref, obj, err) == 0)
			return 0;
		if (err->errnum != ENOENT || ref->form != SV_REF_KEY)
			return -1;
		if (sv_shm_create(ref, spec, obj, err) == 0) {
			*created = true;
			return 0;
		}
		if (err->errnum != EEXIST)
			return -1;
	}
	return sv_fail(err, SV_EBUSY, "shm %s", ref->text);
}

/* An error of an operation on an object that exists (or did). */
int sv_shm_stat(const struct sv_obj *obj, struct sv_shm_info *info,
		struct sv_err *err)
{
	struct shmid_ds ds;

	if (shmctl(obj->id, IPC_STAT, &ds) != 0)
		return sv_obj_error(obj, errno, err);
	sv_shm_info_from_ds(info, &ds, obj->id);
	return 0;
}

void sv_shm_info_from_ds(struct sv_shm_info *info, const struct shmid_ds *ds, int id)
{
	memset(info, 0, sizeof(*info));
	sv_perm_from_ipc(&info->perm, &ds->shm_perm, id);
	info->size = ds->shm_segsz;
	info->nattch = ds->shm_nattch;
	info->cpid = ds->shm_cpid;
	info->lpid = ds->shm_lpid;
	info->atime = ds->shm_atime;
	info->dtime = ds->shm_dtime;
	info->ctime = ds->shm_ctime;
	info->marked_for_removal = (ds->shm_perm.mode & SHM_DEST) != 0;
	info->locked = (ds->shm_perm.mode & SHM_LOCKED) != 0;
}

int sv_shm_attach(const struct sv_obj *obj, bool readonly,
		  struct sv_shm_map *map, struct sv_err *err)
{
	struct shmid_ds ds;
	void *addr;

	if (obj->name != NULL)
		return sv_pshm_attach(obj, readonly, map, err);
	memset(map, 0, sizeof(*map));
	map->obj = *obj;
	addr = shmat(obj->id, NULL, readonly ? SHM_RDONLY : 0);
	if (addr == (void *)-1) {
		sv_obj_error(obj, errno, err);
		if (err->errnum == EACCES)
			sv_cause(err, readonly ? SV_CAUSE_READ_DENIED :
				 SV_CAUSE_WRITE_DENIED, SV_SHM, NULL);
		return -1;
	}
	/* Attached, the segment cannot go away, so this cannot fail for
	 * any reason but a kernel that has none. */
	if (shmctl(obj->id, IPC_STAT, &ds) != 0) {
		int saved = errno;

		shmdt(addr);
		return sv_obj_error(obj, saved, err);
	}
	map->addr = addr;
	map->size = ds.shm_segsz;
	map->readonly = readonly;
	return 0;
}

int sv_shm_detach(struct sv_shm_map *map, struct sv_err *err)
{
	char what[64];

	if (map->obj.name != NULL)
		return sv_pshm_detach(map, err);
	if (map->addr == NULL)
		return 0;
	if (shmdt(map->addr) != 0)
		return sv_fail(err, errno, "%s",
			       sv_obj_describe(&map->obj, what, sizeof(what)));
	map->addr = NULL;
	return 0;
}

static int no_room(const struct sv_shm_map *map, uint64_t offset,
		   uint64_t need, bool more_than, struct sv_err *err)
{
	sv_obj_fail(err, SV_ELIMIT, &map->obj);
	if (offset > map->size)
		return sv_msg(err, "offset %llu is beyond the end of the segment "
			      "(%llu bytes); nothing was written",
			      (ull)offset, (ull)map->size);
	return sv_msg(err, "%s%llu bytes at offset %llu do not fit in the "
		      "segment (%llu bytes); nothing was written",
		      more_than ? "more than " : "", (ull)need, (ull)offset,
		      (ull)map->size);
}

/* The bytes free for a payload at OFFSET: after the frame header when
 * FRAMED, and never more than a frame header can count. */
static int payload_room(const struct sv_shm_map *map, uint64_t offset,
			bool framed, uint64_t *room, struct sv_err *err)
{
	uint64_t header = framed ? SV_SHM_FRAME_HEADER : 0;

	if (offset > map->size || map->size - offset < header)
		return no_room(map, offset, header, false, err);
	*room = map->size - offset - header;
	if (framed && *room > UINT32_MAX)
		*room = UINT32_MAX;
	return 0;
}

static uint64_t payload_offset(uint64_t offset, bool framed)
{
	return offset + (framed ? SV_SHM_FRAME_HEADER : 0);
}

/* LEN bytes of SRC into the segment at AT: copied into the mapping, or
 * written to a POSIX object's descriptor. */
static int put_bytes(struct sv_shm_map *map, uint64_t at, const void *src,
		     uint64_t len, struct sv_err *err)
{
	if (map->by_fd)
		return sv_pshm_write(map, at, src, len, err);
	memcpy(map->addr + at, src, len);
	return 0;
}

/* LEN bytes of the segment at AT into DEST. */
static int get_bytes(const struct sv_shm_map *map, uint64_t at, void *dest,
		     uint64_t len, struct sv_err *err)
{
	if (map->by_fd)
		return sv_pshm_read(map, at, dest, len, err);
	prefault(map->addr + at, len, false);
	memcpy(dest, map->addr + at, len);
	return 0;
}

/* The frame header goes in last, so a reader that polls the length never
 * sees one whose payload is not there yet (on this CPU's store order). */
static int put_frame_length(struct sv_shm_map *map, uint64_t offset,
			    uint64_t len, struct sv_err *err)
{
	uint32_t len32 = (uint32_t)len;

	return put_bytes(map, offset, &len32, sizeof(len32), err);
}

static int too_long_for_frame(const struct sv_shm_map *map, uint64_t len,
			      struct sv_err *err)
{
	sv_obj_fail(err, SV_ELIMIT, &map->obj);
	return sv_msg(err, "%s%llu bytes do not fit in a frame (at most %u); "
		      "nothing was written", len > UINT32_MAX + 1ull ? "" : "more than ",
		      (ull)(len > UINT32_MAX + 1ull ? len : UINT32_MAX), (unsigned)UINT32_MAX);
}

/* Whether LEN payload bytes fit at OFFSET (framed: after a length, which
 * can count at most UINT32_MAX): SV_ELIMIT when not. */
static int check_fits(const struct sv_shm_map *map, uint64_t offset,
		      uint64_t len, bool framed, struct sv_err *err)
{
	uint64_t room = 0;

	if (payload_room(map, offset, framed, &room, err) != 0)
		return -1;
	if (framed && len > UINT32_MAX)
		return too_long_for_frame(map, len, err);
	if (len > room)
		return no_room(map, offset, len + (framed ? SV_SHM_FRAME_HEADER : 0),
			       false, err);
	return 0;
}

static int input_failed(const struct sv_shm_map *map, int errnum,
			struct sv_err *err)
{
	sv_obj_fail(err, errnum, &map->obj);
	return sv_msg(err, "reading the data: %s", strerror(errnum));
}

/* A piece of a staged stream, in a mapping of its own so that it goes
 * back to the system the moment it has been copied. */
struct sv_shm_chunk {
	struct sv_shm_chunk *next;
	size_t len;         /* bytes read into data */
	size_t cap;         /* bytes data can hold */
	size_t mapped;      /* the whole mapping, this header included */
	unsigned char data[];
};

static struct sv_shm_chunk *chunk_new(size_t cap)
{
	size_t mapped = offsetof(struct sv_shm_chunk, data) + cap;
	struct sv_shm_chunk *chunk = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (chunk == MAP_FAILED)
		return NULL;
	chunk->next = NULL;
	chunk->len = 0;
	chunk->cap = cap;
	chunk->mapped = mapped;
	return chunk;
}

void sv_shm_input_free(struct sv_shm_input *input)
{
	while (input->chunks != NULL) {
		struct sv_shm_chunk *next = input->chunks->next;

		munmap(input->chunks, input->chunks->mapped);
		input->chunks = next;
	}
}

/* Read FD to its end into chunks, keeping at most LIMIT bytes: reaching
 * LIMIT means the input is longer than the room (LIMIT is room + 1).
 * Nothing is held twice and nothing is reserved ahead of the data, so
 * the memory used is the bytes read plus less than one chunk. */
static void tell(const struct sv_progress *progress, uint64_t done,
		 uint64_t total)
{
	if (progress != NULL)
		progress->tell(progress->ctx, done, total);
}

/* How many bytes one read(2), write(2) or memcpy moves at most. */
static uint64_t io_step(const struct sv_progress *progress)
{
	return progress != NULL ? SV_PROGRESS_STEP : SV_IO_CHUNK;
}

static int stage_stream(int fd, uint64_t limit, struct sv_shm_input *input,
			const struct sv_progress *progress)
{
	struct sv_shm_chunk **tail = &input->chunks, *chunk = NULL;
	size_t next_cap = SV_STAGE_FIRST;

	while (input->len < limit) {
		ssize_t got;

		if (chunk == NULL || chunk->len == chunk->cap) {
			uint64_t left = limit - input->len;

			chunk = chunk_new(next_cap < left ? next_cap : (size_t)left);
			if (chunk == NULL)
				return -1;
			*tail = chunk;
			tail = &chunk->next;
			if (next_cap < SV_STAGE_MAX)
				next_cap *= 2;
		}
		got = read(fd, chunk->data + chunk->len, chunk->cap - chunk->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		chunk->len += (size_t)got;
		input->len += (uint64_t)got;
		tell(progress, input->len, SV_PROGRESS_UNKNOWN);
	}
	return 0;
}

int sv_shm_input_bytes(const struct sv_shm_map *map, uint64_t offset,
		       bool framed, const void *data, size_t len,
		       struct sv_shm_input *input, struct sv_err *err)
{
	memset(input, 0, sizeof(*input));
	input->fd = -1;
	input->bytes = data;
	input->len = len;
	return check_fits(map, offset, len, framed, err);
}

int sv_shm_input_refit(const struct sv_shm_map *map, uint64_t offset,
		       bool framed, struct sv_shm_input *input,
		       struct sv_err *err)
{
	if (check_fits(map, offset, input->len, framed, err) == 0)
		return 0;
	sv_shm_input_free(input);
	return -1;
}

/* A stream that does not fit: what to say, once the chunks are freed. */
static int stream_too_long(const struct sv_shm_map *map, uint64_t offset,
			   bool framed, uint64_t room,
			   struct sv_shm_input *input, struct sv_err *err)
{
	uint64_t staged = input->len;

	sv_shm_input_free(input);
	if (framed && room == UINT32_MAX)
		return too_long_for_frame(map, staged, err);
	return no_room(map, offset, room + (framed ? SV_SHM_FRAME_HEADER : 0),
		       true, err);
}

int sv_shm_input_fd(const struct sv_shm_map *map, uint64_t offset,
		    bool framed, int fd, struct sv_shm_input *input,
		    struct sv_err *err)
{
	uint64_t room = 0;
	struct stat st;
	off_t pos;

	memset(input, 0, sizeof(*input));
	input->fd = -1;
	if (payload_room(map, offset, framed, &room, err) != 0)
		return -1;
	/* Files of /proc say they are empty and are not: a regular file that
	 * seems to have nothing left is read as a stream. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pos = lseek(fd, 0, SEEK_CUR)) >= 0 && st.st_size > pos) {
		input->fd = fd;
		input->len = (uint64_t)(st.st_size - pos);
		return check_fits(map, offset, input->len, framed, err);
	}
	if (stage_stream(fd, room + 1, input, map->progress) != 0) {
		int errnum = errno;

		sv_shm_input_free(input);
		return input_failed(map, errnum, err);
	}
	if (input->len > room)
		return stream_too_long(map, offset, framed, room, input, err);
	return 0;
}

/* A read(2) of FD into BUF, at most WANT bytes, that EINTR does not end:
 * what read returns. */
static ssize_t read_some(int fd, void *buf, uint64_t want)
{
	ssize_t got;

	do
		got = read(fd, buf, want);
	while (got < 0 && errno == EINTR);
	return got;
}

/* The bounce buffer of a regular file read into a POSIX object. */
#define SV_BOUNCE (1u << 20)

/* read_file for a POSIX object: through a buffer, written with pwrite. */
static int read_file_by_fd(struct sv_shm_map *map, uint64_t at, int fd,
			   uint64_t len, uint64_t *done, struct sv_err *err)
{
	unsigned char *bounce = malloc(SV_BOUNCE);
	int rc = 0;

	*done = 0;
	if (bounce == NULL)
		return sv_obj_fail(err, ENOMEM, &map->obj);
	while (rc == 0 && *done < len) {
		uint64_t want = len - *done;
		ssize_t got = read_some(fd, bounce, want > SV_BOUNCE ? SV_BOUNCE : want);

		if (got <= 0) {
			rc = got < 0 ? input_failed(map, errno, err) : 0;
			break;
		}
		rc = put_bytes(map, at + *done, bounce, (uint64_t)got, err);
		*done += (uint64_t)got;
		tell(map->progress, *done, len);
	}
	free(bounce);
	return rc;
}

/* Read a regular file straight into the segment at AT, at most LEN bytes:
 * the file's as of its size when checked; if it shrank meanwhile, *done
 * says how many came.  A read error leaves what came before it in the
 * segment. */
static int read_file(struct sv_shm_map *map, uint64_t at, int fd,
		     uint64_t len, uint64_t *done, struct sv_err *err)
{
	uint64_t step = io_step(map->progress);
	unsigned char *dest;

	if (map->by_fd)         /* not mapped: addr is NULL */
		return read_file_by_fd(map, at, fd, len, done, err);
	dest = map->addr + at;
	prefault(dest, len, true);
	*done = 0;
	while (*done < len) {
		uint64_t want = len - *done;
		ssize_t got = read_some(fd, dest + *done, want > step ? step : want);

		if (got < 0)
			return input_failed(map, errno, err);
		if (got == 0)
			break;
		*done += (uint64_t)got;
		tell(map->progress, *done, len);
	}
	return 0;
}

/* Copy the staged chunks to DEST, giving each back once copied: the
 * segment fills as the stage empties, so the two together never hold
 * much more than the stream.  (Faulting in the whole destination first
 * would hold it twice.) */
static int copy_chunks(struct sv_shm_map *map, uint64_t at,
		       struct sv_shm_input *input, struct sv_err *err)
{
	uint64_t done = 0;

	while (input->chunks != NULL) {
		struct sv_shm_chunk *next = input->chunks->next;

		if (!map->by_fd)
			prefault(map->addr + at + done, input->chunks->len, true);
		if (put_bytes(map, at + done, input->chunks->data,
			      input->chunks->len, err) != 0)
			return -1;
		done += input->chunks->len;
		tell(map->progress, done, input->len);
		munmap(input->chunks, input->chunks->mapped);
		input->chunks = next;
	}
	return 0;
}

/* Given bytes into the segment at AT. */
static int copy_given(struct sv_shm_map *map, uint64_t at,
		      const struct sv_shm_input *input, struct sv_err *err)
{
	if (!map->by_fd)
		prefault(map->addr + at, input->len, true);
	if (put_bytes(map, at, input->bytes, input->len, err) != 0)
		return -1;
	tell(map->progress, input->len, input->len);
	return 0;
}

int sv_shm_input_copy(struct sv_shm_map *map, uint64_t offset, bool framed,
		      struct sv_shm_input *input, struct sv_err *err)
{
	uint64_t at = payload_offset(offset, framed);
	uint64_t done = input->len;
	int rc = 0;

	if (input->fd >= 0)
		rc = read_file(map, at, input->fd, input->len, &done, err);
	else if (input->chunks != NULL)
		rc = copy_chunks(map, at, input, err);
	else if (input->len > 0)
		rc = copy_given(map, at, input, err);
	if (rc == 0 && framed)
		rc = put_frame_length(map, offset, done, err);
	return rc;
}

int sv_shm_write_bytes(struct sv_shm_map *map, uint64_t offset,
		       const void *data, size_t len, bool framed,
		       struct sv_err *err)
{
	struct sv_shm_input input;

	if (sv_shm_input_bytes(map, offset, framed, data, len, &input, err) != 0)
		return -1;
	return sv_shm_input_copy(map, offset, framed, &input, err);
}

static int offset_past_end(const struct sv_shm_map *map, uint64_t offset,
			   struct sv_err *err)
{
	sv_obj_fail(err, SV_EUSAGE, &map->obj);
	return sv_msg(err, "offset %llu is at or beyond the end of the segment "
		      "(%llu bytes)", (ull)offset, (ull)map->size);
}

int sv_shm_range(const struct sv_shm_map *map, uint64_t offset,
		 uint64_t length, uint64_t *start, uint64_t *count,
		 struct sv_err *err)
{
	if (offset >= map->size)
		return offset_past_end(map, offset, err);
	*start = offset;
	*count = length < map->size - offset ? length : map->size - offset;
	return 0;
}

int sv_shm_frame(const struct sv_shm_map *map, uint64_t offset,
		 uint64_t *start, uint64_t *count, struct sv_err *err)
{
	uint64_t after;
	uint32_t len32;
	char what[64];

	if (offset >= map->size)
		return offset_past_end(map, offset, err);
	sv_obj_describe(&map->obj, what, sizeof(what));
	if (map->size - offset < SV_SHM_FRAME_HEADER) {
		sv_fail(err, EBADMSG, "%s", what);
		return sv_msg(err, "no frame at offset %llu: only %llu bytes are "
			      "left for its 4-byte length", (ull)offset,
			      (ull)(map->size - offset));
	}
	if (get_bytes(map, offset, &len32, sizeof(len32), err) != 0)
		return -1;
	after = map->size - offset - SV_SHM_FRAME_HEADER;
	if (len32 > after) {
		sv_fail(err, EBADMSG, "%s", what);
		sv_msg(err, "the frame at offset %llu says %u bytes, but only "
		       "%llu follow its length in the segment", (ull)offset,
		       (unsigned)len32, (ull)after);
		return sv_cause(err, SV_CAUSE_NO_FRAME, SV_SHM, NULL);
	}
	*start = offset + SV_SHM_FRAME_HEADER;
	*count = len32;
	return 0;
}

/* The private copy of a frame is in huge pages when it is large enough:
 * where a page fault is dear (a virtual machine), faulting a large copy in
 * by 4 KiB pages costs several times the copy itself. */
#define SV_HUGE_PAGE (2u * 1024u * 1024u)

static size_t copy_buffer_size(uint64_t size)
{
	return (size_t)((size + SV_HUGE_PAGE - 1) & ~(uint64_t)(SV_HUGE_PAGE - 1));
}

/* SIZE bytes, from malloc when small, else aligned on a huge page and
 * asked to be backed by huge pages (a hint only); NULL when there is no
 * memory. */
static unsigned char *copy_buffer(uint64_t size)
{
	size_t len = copy_buffer_size(size);
	uintptr_t start, aligned;
	unsigned char *raw;

	if (size < SV_HUGE_PAGE)
		return malloc(size);
	if (size > SIZE_MAX - 2 * SV_HUGE_PAGE)
		return NULL;
	raw = mmap(NULL, len + SV_HUGE_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	start = (uintptr_t)raw;
	aligned = (start + SV_HUGE_PAGE - 1) & ~(uintptr_t)(SV_HUGE_PAGE - 1);
	if (aligned > start)
		munmap(raw, aligned - start);
	if (aligned + len < start + len + SV_HUGE_PAGE)
		munmap((void *)(aligned + len), start + len + SV_HUGE_PAGE - aligned - len);
	madvise((void *)aligned, len, MADV_HUGEPAGE);
	return (unsigned char *)aligned;
}

/* COPY: memory of its own of SIZE bytes for MAP's bytes, faulted in
 * ahead from HEAD on (a copy is held up by one fault per page on either
 * side otherwise, and a copy under a lock holds up writers). */
static int snapshot_new(const struct sv_shm_map *map, uint64_t size,
			uint64_t head, struct sv_shm_map *copy,
			struct sv_err *err)
{
	memset(copy, 0, sizeof(*copy));
	copy->obj = map->obj;
	copy->progress = map->progress;
	copy->size = size;
	copy->readonly = true;
	copy->addr = copy_buffer(size);
	if (copy->addr == NULL)
		return sv_obj_fail(err, ENOMEM, &map->obj);
	prefault(copy->addr + head, size - head, true);
	return 0;
}

int sv_shm_frame_copy(const struct sv_shm_map *map, uint64_t offset,
		      struct sv_shm_map *copy, struct sv_err *err)
{
	uint64_t start, count;
	uint32_t len32;

	memset(copy, 0, sizeof(*copy));
	if (sv_shm_frame(map, offset, &start, &count, err) != 0 ||
	    snapshot_new(map, SV_SHM_FRAME_HEADER + count, SV_SHM_FRAME_HEADER,
			 copy, err) != 0)
		return -1;
	len32 = (uint32_t)count;
	memcpy(copy->addr, &len32, sizeof(len32));
	if (get_bytes(map, start, copy->addr + SV_SHM_FRAME_HEADER, count, err) != 0) {
		sv_shm_snapshot_free(copy);
		return -1;
	}
	return 0;
}

int sv_shm_range_copy(const struct sv_shm_map *map, uint64_t start,
		      uint64_t count, struct sv_shm_map *copy,
		      struct sv_err *err)
{
	if (snapshot_new(map, count, 0, copy, err) != 0)
		return -1;
	if (get_bytes(map, start, copy->addr, count, err) != 0) {
		sv_shm_snapshot_free(copy);
		return -1;
	}
	return 0;
}

void sv_shm_snapshot_free(struct sv_shm_map *copy)
{
	if (copy->size < SV_HUGE_PAGE)
		free(copy->addr);
	else if (copy->addr != NULL)
		munmap(copy->addr, copy_buffer_size(copy->size));
	copy->addr = NULL;
}

/* sv_shm_copy_out of a POSIX object, a step at a time for PROGRESS. */
static int copy_out_by_fd(const struct sv_shm_map *map, uint64_t start,
			  uint64_t count, int fd, struct sv_err *err)
{
	uint64_t step = io_step(map->progress), done = 0;

	while (done < count) {
		uint64_t want = count - done < step ? count - done : step;

		if (sv_pshm_send(map, start + done, want, fd, err) != 0)
			return -1;
		done += want;
		tell(map->progress, done, count);
	}
	return 0;
}

int sv_shm_copy_out(const struct sv_shm_map *map, uint64_t start,
		    uint64_t count, int fd, struct sv_err *err)
{
	const unsigned char *src = map->addr + start;
	uint64_t step = io_step(map->progress), total = count;
	struct stat out;

	if (map->by_fd)
		return copy_out_by_fd(map, start, count, fd, err);
	/* A character device (/dev/null, a terminal) may never touch the
	 * bytes: mapping them first would be the whole cost. */
	if (fstat(fd, &out) != 0 || !S_ISCHR(out.st_mode))
		prefault(map->addr + start, count, false);
	while (count > 0) {
		ssize_t put = write(fd, src, count > step ? step : count);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return sv_fail(err, errno, SV_SHM_OUTPUT);
		src += put;
		count -= (uint64_t)put;
		tell(map->progress, total - count, total);
	}
	return 0;
}
