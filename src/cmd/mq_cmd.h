/* What the files of `sysvctl mq` share: the verbs that live in their own
 * files and the parsing of options more than one verb takes. */
#ifndef SYSVCTL_MQ_CMD_H
#define SYSVCTL_MQ_CMD_H

#include <stdbool.h>

#include "cmd.h"
#include "ipc/mq.h"
#include "pmq_cmd.h"

/* (not mq_send: <mqueue.h> has that name) */
int mq_send_verb(int argc, char **argv);
int mq_recv(int argc, char **argv);

/* -T TYPE between MIN and LONG_MAX. */
int mq_parse_type(const char *text, long long min, long *type);

#endif
