/* Entering another IPC namespace (-N/--ns). */
#ifndef SYSVCTL_NS_H
#define SYSVCTL_NS_H

#include "err.h"

/* TARGET is a PID (its /proc/PID/ns/ipc) or a path to an ipc namespace
 * file.  EPERM (exit 4) without CAP_SYS_ADMIN, ENOENT for a missing one,
 * SV_EUSAGE for a file that is not an IPC namespace (a FIFO, a device, a
 * plain file, another kind of namespace), which is never waited on.
 * OPTION names the target in errors ("--ns /proc/1/ns/ipc"). */
int sv_ns_enter(const char *target, const char *option, struct sv_err *err);

#endif
