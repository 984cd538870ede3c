/* The columns of the POSIX kinds (pshm, psem, pmq) for `ls`, and the
 * function that fills a line from the core's sv_pobj. */
#ifndef SYSVCTL_PCOLUMNS_H
#define SYSVCTL_PCOLUMNS_H

#include "ipc/plist.h"
#include "out.h"

/* The columns every POSIX kind has, then each kind's own. */
enum pcol {
	PCOL_NAME, PCOL_OWNER, PCOL_MODE, PCOL_PERMS, PCOL_UID, PCOL_GID,
	PCOL_SIZE, PCOL_MTIME, PCOL_USERS, PCOL_PIDS, PCOL_COMMAND,
	PCOL_NS, PCOL_NSPID, PCOL_NSCOMMAND, PCOL_CONTAINER, PCOL_KIND,
	PCOL_NCOMMON,
	PSHM_NCOLS = PCOL_NCOMMON,
	PSEM_COL_VALUE = PCOL_NCOMMON, PSEM_NCOLS,
	PMQ_COL_MESSAGES = PCOL_NCOMMON, PMQ_COL_MAXMSG, PMQ_COL_MSGSIZE, PMQ_NCOLS,
};

extern const struct out_col pshm_columns[PSHM_NCOLS];
extern const struct out_col psem_columns[PSEM_NCOLS];
extern const struct out_col pmq_columns[PMQ_NCOLS];

#define PSHM_LS_COLUMNS "NAME,OWNER,MODE,SIZE,MTIME,USERS,PIDS,COMMAND"
#define PSEM_LS_COLUMNS "NAME,OWNER,MODE,VALUE,MTIME,USERS,PIDS,COMMAND"
#define PMQ_LS_COLUMNS "NAME,OWNER,MODE,MESSAGES,MAXMSG,MSGSIZE,MTIME,USERS,PIDS,COMMAND"

/* Fill LINE from OBJ: every column but COMMAND and the NS ones, which
 * `ls` fills. */
void pcolumns_fill(struct out_line *line, const struct sv_pobj *obj);

#endif
