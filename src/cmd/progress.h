/* The progress line of a long copy (shm write, shm read): on stderr,
 * "\rwrote 512 MiB of 1.0 GiB (50%), 820 MiB/s", refreshed at most ten
 * times a second and ended with a newline.  By default only when stderr
 * is a terminal and the copy is larger than 64 MiB. */
#ifndef SYSVCTL_PROGRESS_H
#define SYSVCTL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ipc/shm.h"

enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

struct progress {
	struct sv_progress hook;
	const char *verb;
	bool wanted;                    /* ON, or AUTO on a terminal */
	bool forced;                    /* ON: whatever the size */
	bool tty;                       /* stderr: the line is erased to its end */
	bool shown;
	uint64_t done, total;
	struct timespec start, last;
};

/* Begin a line that says VERB ("wrote", "read"); the hook to give to the
 * core, NULL when no line can be wanted. */
const struct sv_progress *progress_begin(struct progress *p, const char *verb,
					 enum progress_mode mode);

/* The last state, and the newline, when a line was shown or is due. */
void progress_end(struct progress *p);

#endif
