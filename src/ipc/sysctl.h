/* The kernel's IPC limits and settings, read from /proc/sys/kernel. */
#ifndef SYSVCTL_SYSCTL_H
#define SYSVCTL_SYSCTL_H

#include <stdint.h>

#include "err.h"

/* Read /proc/sys/kernel/NAME as one unsigned number ("msgmax"). */
int sv_sysctl_u64(const char *name, uint64_t *value, struct sv_err *err);

/* Read the file PATH (/proc/sys/fs/mqueue/msg_max) as one number. */
int sv_sysctl_path_u64(const char *path, uint64_t *value, struct sv_err *err);

/* Read /proc/sys/kernel/sem: semmsl, semmns, semopm, semmni in that order. */
int sv_sysctl_sem(uint64_t values[4], struct sv_err *err);

#endif
