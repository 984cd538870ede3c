/* What the files of `sysvctl shm` share: the options of write and read,
 * the printing of bytes, and the POSIX verbs (pshm.c) that the verbs of
 * shm.c hand a /NAME REF to. */
#ifndef SYSVCTL_SHM_CMD_H
#define SYSVCTL_SHM_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "ipc/shm.h"
#include "progress.h"

struct write_opts {
	uint64_t offset;
	bool framed;
	bool create;
	bool spec_given;
	struct sv_shm_spec spec;
	enum progress_mode progress;
};

struct read_opts {
	uint64_t offset;
	uint64_t length;
	bool length_given;
	bool framed;
	bool hex;
	enum progress_mode progress;
};

/* --progress and --no-progress of write and read: in getopt_long's
 * table, and parsed (true when OPT was one of them). */
#define SHM_PROGRESS_LONGOPTS \
	{ "progress", no_argument, NULL, OPT_PROGRESS }, \
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS }
enum { OPT_FRAMED = OPT_CMD_FIRST, OPT_PROGRESS, OPT_NO_PROGRESS };
bool shm_progress_opt(int opt, enum progress_mode *mode);

/* What a write puts into a segment: DATA, else stdin, read and checked
 * to fit MAP at OPTS->offset (sv_shm_input_bytes, sv_shm_input_fd). */
int shm_stage_input(const struct sv_shm_map *map, const struct write_opts *opts,
		    const char *data, struct sv_shm_input *input,
		    struct sv_err *err);

/* The segment of OBJ that write --create is about to make, OPTS' size,
 * not made yet: the data is read and checked against it first, so that
 * data that cannot fit leaves nothing behind. */
struct sv_shm_map shm_planned_map(const struct sv_obj *obj,
				  const struct write_opts *opts,
				  const struct sv_progress *progress);

/* Hold back every signal that can be held (a copy in progress). */
void shm_hold_signals(sigset_t *saved);

/* Print COUNT bytes of MAP from START (HEX: a dump whose offsets start at
 * SHOWN); the exit code. */
int shm_read_out(const struct sv_shm_map *map, uint64_t start,
		 uint64_t count, uint64_t shown, bool hex);

/* read without --framed: the range OPTS say, printed; the exit code. */
int shm_read_range(const struct sv_shm_map *map, const struct read_opts *opts);

/* The verbs on a POSIX REF (/NAME), after shm.c parsed their options. */
int pshm_create(const char *name, const struct sv_shm_spec *spec, bool exist_ok);
int pshm_write(const char *name, const char *data, const struct write_opts *opts);
int pshm_read(const char *name, const struct read_opts *opts);
int pshm_stat(const char *name, const struct out_opts *opts);

#endif
