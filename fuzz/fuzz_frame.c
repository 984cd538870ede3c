/* libFuzzer target over the --framed layout of shared memory segments
 * (src/ipc/shm.h): decoding a frame from arbitrary segment bytes at an
 * arbitrary offset, clamping read ranges, and the all-or-nothing framed
 * write followed by its decoding, and the private copy a framed reader
 * takes.  No kernel object is involved: the
 * "segment" is a heap buffer the size of the input, so ASan sees any
 * access past its end.  Checks: a decoded payload lies inside the segment
 * after its 4-byte length; a range is clamped to the end; what a framed
 * write stores decodes to the same bytes, and a write that does not fit
 * changes nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/shm.h"

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_frame: %s:%d: %s\n",      \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

static uint64_t get_u64(const uint8_t *data)
{
	uint64_t value;

	memcpy(&value, data, sizeof(value));
	return value;
}

/* The segment is a copy of the input after the header, in a buffer of its
 * exact size (at least one byte: a segment is never empty). */
static void decode(const struct sv_shm_map *map, uint64_t offset)
{
	struct sv_err err;
	uint64_t start = 0, count = 0;

	memset(&err, 0, sizeof(err));
	if (sv_shm_frame(map, offset, &start, &count, &err) == 0) {
		CHECK(offset < map->size);
		CHECK(start == offset + SV_SHM_FRAME_HEADER);
		CHECK(count <= map->size - start);
		/* Touch every payload byte: ASan checks the bounds. */
		volatile unsigned sum = 0;
		for (uint64_t i = 0; i < count; i++)
			sum += map->addr[start + i];
		(void)sum;
		/* The reader's private copy: the same length and bytes. */
		struct sv_shm_map copy;
		CHECK(sv_shm_frame_copy(map, offset, &copy, &err) == 0);
		CHECK(copy.size == SV_SHM_FRAME_HEADER + count);
		CHECK(memcmp(copy.addr, map->addr + offset, copy.size) == 0);
		sv_shm_snapshot_free(&copy);
	} else {
		CHECK(err.errnum != 0);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	}
}

static void range(const struct sv_shm_map *map, uint64_t offset,
		  uint64_t length)
{
	struct sv_err err;
	uint64_t start = 0, count = 0;

	memset(&err, 0, sizeof(err));
	if (sv_shm_range(map, offset, length, &start, &count, &err) == 0) {
		CHECK(start == offset && offset < map->size);
		CHECK(count <= length && count <= map->size - start);
		CHECK(count == length || start + count == map->size);
	} else {
		CHECK(offset >= map->size);
		CHECK(err.errnum == SV_EUSAGE);
	}
}

/* Write PAYLOAD framed at OFFSET into a copy of the segment: it fits and
 * decodes to PAYLOAD, or it does not fit and the copy is unchanged. */
static void round_trip(const struct sv_shm_map *map, uint64_t offset,
		       const uint8_t *payload, size_t len)
{
	struct sv_shm_map copy = *map;
	struct sv_err err;
	uint64_t start = 0, count = 0;

	copy.addr = malloc(map->size);
	if (copy.addr == NULL)
		return;
	memcpy(copy.addr, map->addr, map->size);
	memset(&err, 0, sizeof(err));
	if (sv_shm_write_bytes(&copy, offset, payload, len, true, &err) == 0) {
		CHECK(offset + SV_SHM_FRAME_HEADER + len <= map->size);
		CHECK(sv_shm_frame(&copy, offset, &start, &count, &err) == 0);
		CHECK(count == len);
		CHECK(memcmp(copy.addr + start, payload, len) == 0);
		CHECK(memcmp(copy.addr, map->addr, offset) == 0);
	} else {
		CHECK(err.errnum != 0);
		CHECK(memcmp(copy.addr, map->addr, map->size) == 0);
	}
	free(copy.addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_shm_map map;
	uint64_t offset, length;
	size_t seg_size, split;

	/* Header: offset (8 bytes), length (8 bytes), split (1 byte: how much
	 * of the rest is the segment, the remainder being a payload). */
	if (size < 18)
		return 0;
	offset = get_u64(data);
	length = get_u64(data + 8);
	split = data[16];
	data += 17;
	size -= 17;
	seg_size = size * (split + 1) / 256;
	if (seg_size == 0)
		seg_size = 1;
	if (seg_size > size)
		seg_size = size;
	/* Mostly offsets near the segment, sometimes anything at all. */
	if (!(offset & (1ULL << 63)))
		offset %= seg_size + 8;

	memset(&map, 0, sizeof(map));
	map.obj.kind = SV_SHM;
	map.size = seg_size;
	map.addr = malloc(seg_size);
	if (map.addr == NULL)
		return 0;
	memcpy(map.addr, data, seg_size);

	decode(&map, offset);
	range(&map, offset, length);
	round_trip(&map, offset, data + seg_size, size - seg_size);
	free(map.addr);
	return 0;
}
