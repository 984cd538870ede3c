/* Who uses an object right now, as /proc shows it: processes that hold
 * units of a semaphore through `sem run` (the SV_HOLD_ENV marker in
 * /proc/PID/environ) and threads blocked in msgrcv, msgsnd, semop or
 * semtimedop (/proc/PID/task/TID/syscall).  A scan reads every process
 * once.  A process whose entry may not be read (another user's, one
 * that is not dumpable, one of a parent user namespace) is listed as
 * "unseen" with who it runs as: what it holds or waits for is unknown. */
#ifndef SYSVCTL_USERS_H
#define SYSVCTL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "info.h"

/* The marker `sem run` puts in COMMAND's environment just before it
 * executes it: entries "SEMID:INDEX:SEMOP:PID[:SINCE]" joined by ',', one per set
 * the process holds (nested runs add theirs).  SEMOP is the sem_op done
 * with SEM_UNDO (-DELTA, or +DELTA with --up); PID is the holder's own
 * pid (getpid()), so that children that inherit the variable are not
 * taken for holders; SINCE (optional) is the epoch second the units
 * were taken.  Other programs may set it the same way. */
#define SV_HOLD_ENV "SYSVCTL_SEM_HOLD"

/* Room for a marker: entries of nested runs beyond it are not added. */
#define SV_HOLD_MAX 1024

struct sv_sem_holder {
	pid_t pid;          /* as this process's /proc shows it */
	int semid;
	unsigned index;
	int sem_op;         /* < 0: units taken; > 0: added (--up) */
	time_t since;       /* epoch second the hold began; 0: not said */
};

enum sv_wait_call { SV_WAIT_MSGRCV, SV_WAIT_MSGSND, SV_WAIT_SEMOP };

struct sv_waiter {
	pid_t pid, tid;
	enum sv_wait_call call;
	int id;             /* the call's first argument: msqid or semid */
	unsigned long sops; /* semop: the sembuf array's address in PID */
	unsigned long nsops;
};

/* A process whose entry could not be read. */
struct sv_unseen {
	pid_t pid;
	uid_t euid;         /* (uid_t)-1 when unknown */
};

/* What one scan found.  failed: /proc itself could not be read (or out
 * of memory), so that anyone may be a user. */
struct sv_users {
	struct sv_sem_holder *holders;
	size_t nholders;
	struct sv_waiter *waiters;
	size_t nwaiters;
	struct sv_unseen *unseen;
	size_t nunseen;
	bool failed;
};

/* Scan every process's environment for holders (sets holders and
 * unseen), or every thread's current system call for waiters (sets
 * waiters and unseen).  Only processes in this process's IPC namespace
 * count.  Free with sv_users_free. */
void sv_scan_holders(struct sv_users *users);
void sv_scan_waiters(struct sv_users *users);
/* Both scans in one walk of /proc, into HOLDERS and WAITERS. */
void sv_scan_holders_waiters(struct sv_users *holders, struct sv_users *waiters);
void sv_users_free(struct sv_users *users);

/* Build in BUF the marker for PID's new hold of semaphore INDEX of set
 * SEMID with SEMOP, keeping the entries of OLD (the inherited value, or
 * NULL) that name PID too.  -1 when it does not fit. */
int sv_hold_format(char *buf, size_t size, const char *old, pid_t pid,
		   int semid, unsigned index, int semop);

/* The same with SINCE, the epoch second the hold began (0: left out). */
int sv_hold_format_since(char *buf, size_t size, const char *old, pid_t pid,
			 int semid, unsigned index, int semop, time_t since);

/* Parse a marker's value: call FOUND for each well-formed entry (others
 * are skipped).  Returns the number of entries found. */
size_t sv_hold_parse(const char *value,
		     void (*found)(const struct sv_sem_holder *, void *),
		     void *arg);

#endif
