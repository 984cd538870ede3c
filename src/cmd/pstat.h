/* `stat` of a POSIX object (/NAME): one table for the three kinds, filled
 * from fstat and what the kind adds (a semaphore's value, a queue's
 * attributes). */
#ifndef SYSVCTL_PSTAT_H
#define SYSVCTL_PSTAT_H

#include <sys/stat.h>

#include "cmd.h"

enum pstat_col {
	PSTAT_COL_NAME, PSTAT_COL_SIZE, PSTAT_COL_VALUE, PSTAT_COL_MESSAGES,
	PSTAT_COL_MAXMSG, PSTAT_COL_MSGSIZE, PSTAT_COL_MODE, PSTAT_COL_UID,
	PSTAT_COL_GID, PSTAT_COL_ATIME, PSTAT_COL_MTIME, PSTAT_COL_CTIME,
	PSTAT_NCOLS
};
extern const struct out_col pstat_columns[PSTAT_NCOLS];

/* What a kind adds to fstat's facts; -1 where it does not apply. */
struct pstat_extra {
	long long value;
	long long messages, maxmsg, msgsize;
};

/* Print the stat of NAME (KIND) as a vertical list, a table or one flat
 * JSON object; the exit code. */
int pstat_print(enum sv_kind kind, const char *name, const struct stat *st,
		const struct pstat_extra *extra, const struct out_opts *opts);

#endif
