/* POSIX IPC objects as the file systems show them: shared memory (every
 * file of /dev/shm but "sem.*"), named semaphores (/dev/shm/sem.NAME) and
 * message queues (/dev/mqueue), read with fstatat (never mapped), and who
 * uses them, from one pass over /proc/PID/maps and /proc/PID/fd matched by
 * device and inode. */
#ifndef SYSVCTL_PLIST_H
#define SYSVCTL_PLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "list.h"

enum sv_pkind { SV_PSHM, SV_PSEM, SV_PMQ };
#define SV_NPKINDS 3

/* "pshm", "psem" or "pmq". */
const char *sv_pkind_name(enum sv_pkind kind);

/* The kind a word names; -1 for any other word. */
int sv_pkind_parse(const char *word, enum sv_pkind *kind);

/* Users of an object: the processes that map it or hold it open. */
struct sv_pusers {
	unsigned count;
	bool known;         /* false: nobody seen, but a process could not be read */
	pid_t *pids;        /* count of them, in /proc order */
	pid_t last_pid;     /* the last process counted, so each counts once */
};

struct sv_pobj {
	enum sv_pkind kind;
	char name[257];     /* "/NAME", as shm_open, sem_open and mq_open name it */
	int dir;            /* index of the directory it lies in (sv_plist.dirs) */
	uid_t uid;
	gid_t gid;
	mode_t mode;        /* the low 9 bits */
	uint64_t size;      /* bytes of the file (pmq: of its messages, QSIZE) */
	time_t mtime;
	dev_t dev;
	ino_t ino;
	bool has_value;     /* psem: value read (the file is a sem_t) */
	unsigned value;
	bool bad_size;      /* psem: the file is not sizeof(sem_t): not read */
	bool has_messages;  /* pmq: messages known (mq_getattr, or QSIZE 0) */
	uint64_t messages;
	bool has_attr;      /* pmq: maxmsg and msgsize known (mq_getattr) */
	long maxmsg, msgsize;
	struct sv_pusers users;
};

/* The objects of one view of the file systems: ours, or those of the
 * root of another process (/proc/PID/root). */
struct sv_plist {
	struct sv_pobj *objs[SV_NPKINDS];
	size_t count[SV_NPKINDS];
	int dirfd[2];           /* /dev/shm and /dev/mqueue, -1 when absent */
	bool no_mqueue;         /* /dev/mqueue is not an mqueue mount */
	dev_t dir_dev[2];       /* their devices, to tell views apart */
};

enum { SV_PDIR_SHM, SV_PDIR_MQUEUE };

/* Read the objects of the kinds in KIND_MASK (bit 1 << pkind) under ROOT
 * ("" for ours, "/proc/PID/root" for another mount namespace's).  Skip a
 * directory whose device is in SKIP_DEVS (NSKIP of them): a view already
 * listed.  Each kind's objects are sorted by name.  Free with
 * sv_plist_free, also after an error. */
int sv_plist_read(unsigned kind_mask, const char *root, const dev_t *skip_devs,
		  size_t nskip, struct sv_plist *list, struct sv_err *err);
void sv_plist_free(struct sv_plist *list);

/* How much of the system /proc shows: every process, or only part of
 * them, so that a user may be invisible: /proc mounted with hidepid
 * (other users' processes hidden, without CAP_SYS_PTRACE), or /proc of a
 * pid namespace other than the initial one (unshare --pid, a container
 * sharing the host's /dev/shm or IPC namespace). */
enum sv_proc_view {
	SV_PROC_VIEW_ALL,
	SV_PROC_VIEW_HIDEPID,
	SV_PROC_VIEW_PIDNS,
};
enum sv_proc_view sv_proc_view(void);

/* Fill the users of every object of the N lists with one pass over /proc
 * (this process left out).  With UNSEEN_HIDES, a process whose maps or
 * fds may not be read makes every object nobody was seen using "cannot
 * tell" (known false): the caller passes it unless it runs as root, for
 * whom an unreadable process is one outside its reach (a container's
 * parent), as for the System V holders (proc.h).  When /proc shows only
 * part of the processes (sv_proc_view), every object nobody was seen
 * using is "cannot tell" too, whoever runs it.  Returns the number of
 * processes that could not be read. */
size_t sv_plist_users(struct sv_plist *const *lists, size_t n, bool unseen_hides);

/* Nobody maps it or holds it open, as far as /proc tells. */
bool sv_pobj_orphan(const struct sv_pobj *obj);

/* Whether OBJ passes FILTER's owner, age (on mtime) and orphan tests (its
 * REFs are SysV ones: they are not looked at here). */
bool sv_pfilter_match(const struct sv_filter *filter, const struct sv_pobj *obj);

/* Look at OBJ's file again: -1 with errno when it is gone (ENOENT) or is
 * another object by the same name (ESTALE: not the listed dev/ino); else
 * 0 and NOW is OBJ with the messages of a pmq read afresh (no users). */
int sv_pobj_recheck(const struct sv_plist *list, const struct sv_pobj *obj,
		    struct sv_pobj *now);

/* Remove OBJ from the directory it was listed in (what shm_unlink,
 * sem_unlink and mq_unlink do; a pshm's framed mark sem.NAME.framed goes
 * with it), when the file is still the one listed (else ESTALE). */
int sv_pobj_remove(const struct sv_plist *list, const struct sv_pobj *obj,
		   struct sv_err *err);

/* The number of queues in /dev/mqueue (-1 when it is not mounted). */
long sv_pmq_count(void);

#endif
