/* sysvctl sem on a POSIX REF (/NAME): the verbs of psem.c, called by the
 * verbs of sem.c once they parsed their options. */
#ifndef SYSVCTL_PSEM_CMD_H
#define SYSVCTL_PSEM_CMD_H

#include "sem_cmd.h"

enum psem_verb { PSEM_CREATE, PSEM_ACQUIRE, PSEM_RELEASE, PSEM_GET, PSEM_Z,
		 PSEM_STAT };

int psem_verb(enum psem_verb verb, const char *name, const struct sem_opts *opts);

/* sem run /NAME: exit 2 with a hint (no undo in POSIX). */
int psem_no_run(const char *name);

#endif
