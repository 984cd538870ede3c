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

/* A segment attached to this process. */
struct sv_shm_map {
	struct sv_obj obj;
	unsigned char *addr;
	uint64_t size;
	bool readonly;
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

/* Write everything FD gives until end of file at OFFSET (framed: a
 * length, then the bytes), all or nothing as sv_shm_write_bytes.  A
 * regular file is read straight into the segment once its size is known
 * to fit; any other file is staged in memory bounded by the free space
 * after OFFSET (plus one byte, to see that it does not fit). */
int sv_shm_write_fd(struct sv_shm_map *map, uint64_t offset, int fd,
		    bool framed, struct sv_err *err);

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

/* Write COUNT bytes of the segment from START to FD, with as many write(2)
 * calls as it takes.  A reader that went away is EPIPE. */
int sv_shm_copy_out(const struct sv_shm_map *map, uint64_t start,
		    uint64_t count, int fd, struct sv_err *err);

#endif
