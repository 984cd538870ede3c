/* Processes, as /proc shows them: whether a pid the kernel recorded for an
 * object still stands for the process that did the recording, and the
 * command line of a live one.  Answers are cached per pid: a listing asks
 * about the same few creators thousands of times. */
#ifndef SYSVCTL_PROC_H
#define SYSVCTL_PROC_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "info.h"
#include "users.h"

struct sv_procs;

/* A new, empty cache; NULL only when out of memory. */
struct sv_procs *sv_procs_new(void);
void sv_procs_free(struct sv_procs *procs);

/* Whether PID is a live (not zombie) process that started no later than
 * the second ACTIVITY: a process started after an object's last recorded
 * activity got a reused pid and did not do that activity.  A start in the
 * same second as the activity counts as before (a removal tool keeps what
 * it cannot tell apart).  Pid 0 is never alive. */
bool sv_pid_alive_since(struct sv_procs *procs, pid_t pid, time_t activity);

/* The command line of PID with its arguments joined by spaces and control
 * characters made spaces ("[comm]"
 * when it has none), or NULL when the process is gone.  The string lives
 * as long as PROCS. */
const char *sv_proc_cmdline(struct sv_procs *procs, pid_t pid);

/* The epoch second PID started, or 0 when it is gone. */
time_t sv_proc_start(struct sv_procs *procs, pid_t pid);

/* The `sem run` holders and the blocked waiters of every object, each
 * scanned once per PROCS, when first asked for (see users.h). */
const struct sv_users *sv_procs_holders(struct sv_procs *procs);
const struct sv_users *sv_procs_waiters(struct sv_procs *procs);

/* Scan for both in one walk of /proc now, unless either was scanned
 * already: for callers that will ask for both. */
void sv_procs_scan_users(struct sv_procs *procs);

/* Whether a live process holds units of the set PERM through `sem run`
 * (or /proc could not be scanned: then perhaps).  Processes whose
 * environment may not be read are not seen. */
bool sv_procs_sem_held(struct sv_procs *procs, const struct sv_perm *perm);

/* Whether a thread is blocked in msgrcv or msgsnd on the queue PERM (or
 * /proc could not be scanned).  Threads whose syscall file may not be
 * read are not seen. */
bool sv_procs_mq_waited(struct sv_procs *procs, const struct sv_perm *perm);

/* How many processes the scans so far could not read (0 when there was
 * no scan): their holds and waits were not seen. */
size_t sv_procs_unseen(const struct sv_procs *procs);

#endif
