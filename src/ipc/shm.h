/* Shared memory segments: race-free creation, opening existing segments
 * whatever their size, stat, attach/detach, and moving bytes between a
 * segment and file descriptors (all-or-nothing writes, exact reads, the
 * length-prefixed "framed" layout).  No printing: errors go to struct
 * sv_err; the command decides what they mean. */
#ifndef SYSVCTL_SHM_H
#define SYSVCTL_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "info.h"
#include "ref.h"

/* The length before a framed payload: a 4-byte native-endian unsigned
 * integer, the int length of the classic shmat examples. */
#define SV_SHM_FRAME_HEADER 4u

/* How to make a new segment. */
struct sv_shm_spec {
	uint64_t size;      /* bytes, >= 1 */
	mode_t mode;        /* permission bits */
	bool hugetlb;       /* SHM_HUGETLB */
	bool noreserve;     /* SHM_NORESERVE */
};

/* The system's page size: the default size of a new segment. */
uint64_t sv_shm_page_size(void);

/* Create a segment for REF (a key, or private) with IPC_CREAT|IPC_EXCL:
 * EEXIST (with a hint) when the key is taken; a size above shmmax is
 * SV_ELIMIT naming kernel.shmmax. */
int sv_shm_create(const struct sv_ref *ref, const struct sv_shm_spec *spec,
		  struct sv_obj *obj, struct sv_err *err);

/* Open the segment REF names, creating it with SPEC when there is none.
 * Race-free: many processes doing this at once make one segment.  An
 * existing segment is opened whatever its size.  *created says which. */
int sv_shm_open_or_create(const struct sv_ref *ref,
			  const struct sv_shm_spec *spec, struct sv_obj *obj,
			  bool *created, struct sv_err *err);

/* IPC_STAT into INFO. */
int sv_shm_stat(const struct sv_obj *obj, struct sv_shm_info *info,
		struct sv_err *err);

/* Fill INFO from what IPC_STAT or SHM_STAT_ANY gave for the segment ID. */
struct shmid_ds;
void sv_shm_info_from_ds(struct sv_shm_info *info, const struct shmid_ds *ds, int id);

/* Told, as bytes move, how many moved so far of TOTAL (SV_PROGRESS_UNKNOWN
 * while a stream is read in); the core prints nothing. */
#define SV_PROGRESS_UNKNOWN UINT64_MAX
struct sv_progress {
	void (*tell)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* A segment attached to this process.  PROGRESS (NULL after attach: none)
 * is told how the copies in and out of it go.  A POSIX object is not
 * mapped (BY_FD, ADDR NULL): its bytes move through its descriptor, see
 * pshm.h. */
struct sv_shm_map {
	struct sv_obj obj;
	unsigned char *addr;
	uint64_t size;
	bool readonly;
	bool by_fd;
	const struct sv_progress *progress;
};

/* Attach OBJ (read-only with SHM_RDONLY) and learn its size. */
int sv_shm_attach(const struct sv_obj *obj, bool readonly,
		  struct sv_shm_map *map, struct sv_err *err);

/* Detach; a map never attached (addr NULL) is left alone. */
int sv_shm_detach(struct sv_shm_map *map, struct sv_err *err);

/* Write LEN bytes of DATA at OFFSET (framed: a length, then DATA).  If it
 * does not fit, nothing is written: SV_ELIMIT. */
int sv_shm_write_bytes(struct sv_shm_map *map, uint64_t offset,
		       const void *data, size_t len, bool framed,
		       struct sv_err *err);

/* What a write will put into a segment, gathered and checked to fit
 * before a byte of the segment changes: given bytes, a regular file to
 * read straight in (its size known), or a stream staged in memory. */
struct sv_shm_chunk;
struct sv_shm_input {
	uint64_t len;                   /* payload bytes */
	const unsigned char *bytes;     /* given bytes, or NULL */
	int fd;                         /* a regular file, or -1 */
	struct sv_shm_chunk *chunks;    /* a staged stream, or NULL */
};

/* LEN bytes of DATA (kept by the caller until the copy), checked to fit
 * at OFFSET: SV_ELIMIT when not. */
int sv_shm_input_bytes(const struct sv_shm_map *map, uint64_t offset,
		       bool framed, const void *data, size_t len,
		       struct sv_shm_input *input, struct sv_err *err);

/* Everything FD gives until end of file, checked to fit at OFFSET.  A
 * regular file is only measured (its bytes are read at the copy); any
 * other file is read now into memory that never holds more than the room
 * after OFFSET plus one byte (to see that it does not fit): a stream that
 * does not fit is SV_ELIMIT after reading room + 1 bytes, no more. */
int sv_shm_input_fd(const struct sv_shm_map *map, uint64_t offset,
		    bool framed, int fd, struct sv_shm_input *input,
		    struct sv_err *err);

/* Check that INPUT, read and checked against another size (the segment a
 * --create was to make, when another process made it first), fits MAP at
 * OFFSET; when not, SV_ELIMIT and INPUT is given back. */
int sv_shm_input_refit(const struct sv_shm_map *map, uint64_t offset,
		       bool framed, struct sv_shm_input *input,
		       struct sv_err *err);

/* Copy INPUT into the segment at OFFSET (framed: the length last).  The
 * staged memory is given back as it is copied.  Only a read error of a
 * regular file fails, with part of the bytes written. */
int sv_shm_input_copy(struct sv_shm_map *map, uint64_t offset, bool framed,
		      struct sv_shm_input *input, struct sv_err *err);

/* Give back what sv_shm_input_fd staged and was not copied. */
void sv_shm_input_free(struct sv_shm_input *input);

/* The bytes to read from OFFSET, LENGTH long (UINT64_MAX: to the end),
 * clamped to the end of the segment.  OFFSET at or after the end is
 * SV_EUSAGE. */
int sv_shm_range(const struct sv_shm_map *map, uint64_t offset,
		 uint64_t length, uint64_t *start, uint64_t *count,
		 struct sv_err *err);

/* The payload of the frame at OFFSET: where it starts and how long it is.
 * A frame that does not fit in the segment is EBADMSG. */
int sv_shm_frame(const struct sv_shm_map *map, uint64_t offset,
		 uint64_t *start, uint64_t *count, struct sv_err *err);

/* Copy the frame at OFFSET, its length first, into memory of its own:
 * COPY->addr (free it with sv_shm_snapshot_free), COPY->size the frame's
 * size, COPY->obj the segment.  No check that no writer is at work: see
 * sv_shm_frame_snapshot.  Errors as sv_shm_frame, and ENOMEM. */
int sv_shm_frame_copy(const struct sv_shm_map *map, uint64_t offset,
		      struct sv_shm_map *copy, struct sv_err *err);

void sv_shm_snapshot_free(struct sv_shm_map *copy);

/* The context of an error in writing the output of sv_shm_copy_out (any
 * other is the segment's). */
#define SV_SHM_OUTPUT "output"

/* Copy COUNT bytes from START into memory of its own, as
 * sv_shm_frame_copy: COPY->size is COUNT, COPY->addr its bytes. */
int sv_shm_range_copy(const struct sv_shm_map *map, uint64_t start,
		      uint64_t count, struct sv_shm_map *copy,
		      struct sv_err *err);

/* Write COUNT bytes of the segment from START to FD, with as many write(2)
 * calls as it takes.  A reader that went away is EPIPE. */
int sv_shm_copy_out(const struct sv_shm_map *map, uint64_t start,
		    uint64_t count, int fd, struct sv_err *err);

#endif
