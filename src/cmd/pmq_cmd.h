/* sysvctl mq on a POSIX REF (/NAME): the verbs of pmq.c. */
#ifndef SYSVCTL_PMQ_CMD_H
#define SYSVCTL_PMQ_CMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "cmd.h"

/* The verbs on a POSIX REF (/NAME), in pmq.c. */
int pmq_create(const char *name, mode_t mode, bool exist_ok, long maxmsg,
	       long msgsize);
int pmq_stat(const char *name, const struct out_opts *opts);
/* mq set, and recv -T/--except, on a POSIX queue: exit 2 with a hint. */
int pmq_fixed_attributes(const char *name);
int pmq_no_type_selection(void);

#endif
