/* Every IPC namespace some process is in (distinct /proc/PID/ns/ipc), with
 * one process of each, and moving this process into one and back. */
#ifndef SYSVCTL_NSALL_H
#define SYSVCTL_NSALL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct sv_ipcns {
	ino_t ino;              /* the namespace's inode, as NS shows it */
	pid_t pid;              /* the first process in it, in /proc order
				 * (not this one, unless it is alone) */
	bool ours;              /* this process's own namespace */
	char container[16];     /* 12 hex digits of a container id, or "" */
};

/* The namespaces, ours first.  Free *NSES with free().  A /proc that
 * cannot be read is an error; processes that cannot be read are left out. */
int sv_ipcns_list(struct sv_ipcns **nses, size_t *count, struct sv_err *err);

/* Enter the IPC namespace of NS->pid; *SELF_FD keeps our own so that
 * sv_ipcns_leave can come back.  ESRCH when the process is gone. */
int sv_ipcns_enter(const struct sv_ipcns *ns, int *self_fd, struct sv_err *err);
int sv_ipcns_leave(int self_fd, struct sv_err *err);

#endif
