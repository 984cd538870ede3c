/* The columns of each kind, shared by `ls` and the kinds' `stat`, and the
 * functions that fill a line from the core's info structs. */
#ifndef SYSVCTL_COLUMNS_H
#define SYSVCTL_COLUMNS_H

#include "ipc/info.h"
#include "out.h"

enum shm_col {
	SHM_COL_KEY, SHM_COL_ID, SHM_COL_OWNER, SHM_COL_MODE, SHM_COL_PERMS,
	SHM_COL_UID, SHM_COL_GID, SHM_COL_CUID, SHM_COL_CGID,
	SHM_COL_SIZE, SHM_COL_NATTCH, SHM_COL_STATUS, SHM_COL_CPID,
	SHM_COL_LPID, SHM_COL_ATIME, SHM_COL_DTIME, SHM_COL_CTIME,
	SHM_COL_MARKED, SHM_COL_COMMAND, SHM_COL_NS, SHM_COL_NSPID,
	SHM_COL_NSCOMMAND, SHM_COL_CONTAINER, SHM_COL_KIND, SHM_NCOLS
};
enum sem_col {
	SEM_COL_KEY, SEM_COL_ID, SEM_COL_OWNER, SEM_COL_MODE, SEM_COL_PERMS,
	SEM_COL_UID, SEM_COL_GID, SEM_COL_CUID, SEM_COL_CGID,
	SEM_COL_NSEMS, SEM_COL_OTIME, SEM_COL_CTIME, SEM_COL_NS, SEM_COL_NSPID,
	SEM_COL_NSCOMMAND, SEM_COL_CONTAINER, SEM_COL_KIND, SEM_COL_HOLDERS,
	SEM_COL_WAITERS, SEM_NCOLS
};
enum semaphore_col {
	SEMAPHORE_COL_INDEX, SEMAPHORE_COL_VALUE, SEMAPHORE_COL_NCNT,
	SEMAPHORE_COL_ZCNT, SEMAPHORE_COL_PID, SEMAPHORE_NCOLS
};
enum mq_col {
	MQ_COL_KEY, MQ_COL_ID, MQ_COL_OWNER, MQ_COL_MODE, MQ_COL_PERMS,
	MQ_COL_UID, MQ_COL_GID, MQ_COL_CUID, MQ_COL_CGID,
	MQ_COL_MESSAGES, MQ_COL_USED_BYTES, MQ_COL_MAX_BYTES, MQ_COL_LSPID,
	MQ_COL_LRPID, MQ_COL_STIME, MQ_COL_RTIME, MQ_COL_CTIME, MQ_COL_NS,
	MQ_COL_NSPID, MQ_COL_NSCOMMAND, MQ_COL_CONTAINER, MQ_COL_KIND, MQ_NCOLS
};

/* The namespace an object lies in, shown by ls -A: the same four columns
 * before KIND in every kind (POSIX ones too); P is the prefix of the
 * kind's column enum (SHM_COL, PCOL). */
#define NS_COLUMNS(P) \
	[P##_NS] = { .name = "NS", .type = OUT_NUM, .width = 10, \
		.help = "the IPC namespace's inode (ls -A)" }, \
	[P##_NSPID] = { .name = "NSPID", .type = OUT_NUM, .width = 5, \
		.help = "a process in that namespace (ls -A)" }, \
	[P##_NSCOMMAND] = { .name = "NSCOMMAND", .type = OUT_STR, .width = 0.2, \
		.help = "its command line (ls -A)" }, \
	[P##_CONTAINER] = { .name = "CONTAINER", .type = OUT_STR, .width = 12, \
		.help = "the container id its cgroup shows (ls -A)" }

extern const struct out_col shm_columns[SHM_NCOLS];
extern const struct out_col sem_columns[SEM_NCOLS];
extern const struct out_col semaphore_columns[SEMAPHORE_NCOLS];
extern const struct out_col mq_columns[MQ_NCOLS];

/* The labels of each kind's stat, a vertical list (out_table_labels). */
extern const char *const shm_labels[SHM_NCOLS];
extern const char *const sem_labels[SEM_NCOLS];
extern const char *const mq_labels[MQ_NCOLS];

/* Default column lists: what `ls` shows, and what `stat` shows (the
 * contract's stat fields, in its order). */
#define SHM_LS_COLUMNS "KEY,ID,OWNER,MODE,SIZE,NATTCH,STATUS,CPID,LPID,COMMAND"
#define SHM_STAT_COLUMNS "KEY,ID,SIZE,NATTCH,CPID,LPID,MODE,UID,GID,CUID,CGID,ATIME,DTIME,CTIME,MARKED-FOR-REMOVAL"
#define SEM_LS_COLUMNS "KEY,ID,OWNER,MODE,NSEMS,OTIME,CTIME"
#define SEM_STAT_COLUMNS "KEY,ID,NSEMS,MODE,UID,GID,CUID,CGID,OTIME,CTIME"
#define SEMAPHORE_COLUMNS "INDEX,VALUE,NCNT,ZCNT,PID"
#define MQ_LS_COLUMNS "KEY,ID,OWNER,MODE,MESSAGES,USED-BYTES,MAX-BYTES,LSPID,LRPID,STIME,RTIME"
#define MQ_STAT_COLUMNS "KEY,ID,MODE,UID,GID,CUID,CGID,MESSAGES,USED-BYTES,MAX-BYTES,LSPID,LRPID,STIME,RTIME,CTIME"

/* Fill LINE's cells from an info struct (every column but COMMAND, which
 * only `ls` knows how to find). */
void columns_fill_shm(struct out_line *line, const struct sv_shm_info *info);
void columns_fill_sem(struct out_line *line, const struct sv_sem_info *info);
void columns_fill_semaphore(struct out_line *line, const struct sv_semaphore *sem);
/* HOLDERS and WAITERS of the set SEMID, when shown (one scan of /proc
 * per PROCS for every set; nothing when PROCS is NULL: a set just made). */
struct sv_procs;
void columns_fill_sem_users(struct out_line *line, int semid,
			    struct sv_procs *procs);
void columns_fill_mq(struct out_line *line, const struct sv_mq_info *info);

/* The user name of UID (its number when it has none), cached. */
const char *columns_user_name(uid_t uid);

/* MODE's nine permission bits as rwxrwxrwx. */
void columns_perms_text(mode_t mode, char text[10]);

#endif
