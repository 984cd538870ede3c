#include "columns.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "ipc/who.h"

/* The columns every kind starts with, in the order of the *_COL_ enums. */
#define PERM_COLUMNS \
	{ "KEY", OUT_KEY, 10, "the key; 0 for a private object" }, \
	{ "ID", OUT_NUM, 5, "the kernel's identifier" }, \
	{ "OWNER", OUT_STR, 8, "the owner's user name" }, \
	{ "MODE", OUT_MODE, 4, "permissions, octal" }, \
	{ "PERMS", OUT_STR, 9, "permissions, as rwxrwxrwx" }, \
	{ "UID", OUT_UID, 5, "the owner's user id" }, \
	{ "GID", OUT_GID, 5, "the owner's group id" }, \
	{ "CUID", OUT_UID, 5, "the creator's user id" }, \
	{ "CGID", OUT_GID, 5, "the creator's group id" }

/* The kind, filled by the output layer from the table's name. */
#define KIND_COLUMN { "KIND", OUT_NAME, 4, "the kind: shm, sem or mq" }


const struct out_col shm_columns[SHM_NCOLS] = {
	PERM_COLUMNS,
	{ "SIZE", OUT_SIZE, 6, "size in bytes" },
	{ "NATTCH", OUT_NUM, 3, "processes attached" },
	{ "STATUS", OUT_STR, 6, "dest (marked for removal), locked" },
	{ "CPID", OUT_NUM, 5, "the creator's pid" },
	{ "LPID", OUT_NUM, 5, "the pid of the last attach or detach" },
	{ "ATIME", OUT_TIME, 5, "time of the last attach" },
	{ "DTIME", OUT_TIME, 5, "time of the last detach" },
	{ "CTIME", OUT_TIME, 5, "time of creation or the last change" },
	{ "MARKED-FOR-REMOVAL", OUT_BOOL, 3, "removed once the last process detaches" },
	{ "COMMAND", OUT_STR, 0.3, "the creator's command line, while it runs" },
	NS_COLUMNS,
	KIND_COLUMN,
};

const struct out_col sem_columns[SEM_NCOLS] = {
	PERM_COLUMNS,
	{ "NSEMS", OUT_NUM, 3, "semaphores in the set" },
	{ "OTIME", OUT_TIME, 5, "time of the last semop" },
	{ "CTIME", OUT_TIME, 5, "time of creation or the last change" },
	NS_COLUMNS,
	KIND_COLUMN,
	{ "HOLDERS", OUT_NUM, 3, "processes holding units through sem run" },
	{ "WAITERS", OUT_NUM, 3, "threads blocked in semop on it" },
};

const struct out_col semaphore_columns[SEMAPHORE_NCOLS] = {
	{ "INDEX", OUT_NUM, 3, "the semaphore's number in its set" },
	{ "VALUE", OUT_NUM, 5, "its value" },
	{ "NCNT", OUT_NUM, 3, "processes waiting for the value to rise" },
	{ "ZCNT", OUT_NUM, 3, "processes waiting for zero" },
	{ "PID", OUT_NUM, 5, "the pid of the last operation; 0 for none" },
};

const struct out_col mq_columns[MQ_NCOLS] = {
	PERM_COLUMNS,
	{ "MESSAGES", OUT_NUM, 4, "messages in the queue" },
	{ "USED-BYTES", OUT_SIZE, 6, "bytes of the messages in the queue" },
	{ "MAX-BYTES", OUT_SIZE, 6, "the most bytes the queue holds" },
	{ "LSPID", OUT_NUM, 5, "the pid of the last send" },
	{ "LRPID", OUT_NUM, 5, "the pid of the last receive" },
	{ "STIME", OUT_TIME, 5, "time of the last send" },
	{ "RTIME", OUT_TIME, 5, "time of the last receive" },
	{ "CTIME", OUT_TIME, 5, "time of creation or the last change" },
	NS_COLUMNS,
	KIND_COLUMN,
};

/* What a stat's vertical list calls each column, as lsipc -i does. */
#define PERM_LABELS(P) \
	[P##_COL_KEY] = "Key", [P##_COL_ID] = "ID", [P##_COL_OWNER] = "Owner", \
	[P##_COL_MODE] = "Mode", [P##_COL_PERMS] = "Permissions", \
	[P##_COL_UID] = "UID", [P##_COL_GID] = "GID", \
	[P##_COL_CUID] = "Creator UID", [P##_COL_CGID] = "Creator GID", \
	[P##_COL_KIND] = "Kind"

const char *const shm_labels[SHM_NCOLS] = {
	PERM_LABELS(SHM),
	[SHM_COL_SIZE] = "Segment size",
	[SHM_COL_NATTCH] = "Attached processes",
	[SHM_COL_STATUS] = "Status",
	[SHM_COL_CPID] = "Creator PID",
	[SHM_COL_LPID] = "Last user PID",
	[SHM_COL_ATIME] = "Attach time",
	[SHM_COL_DTIME] = "Detach time",
	[SHM_COL_CTIME] = "Last change",
	[SHM_COL_MARKED] = "Marked for removal",
	[SHM_COL_COMMAND] = "Creator command",
};

const char *const sem_labels[SEM_NCOLS] = {
	PERM_LABELS(SEM),
	[SEM_COL_NSEMS] = "Semaphores",
	[SEM_COL_OTIME] = "Last operation",
	[SEM_COL_CTIME] = "Last change",
};

const char *const mq_labels[MQ_NCOLS] = {
	PERM_LABELS(MQ),
	[MQ_COL_MESSAGES] = "Messages",
	[MQ_COL_USED_BYTES] = "Bytes used",
	[MQ_COL_MAX_BYTES] = "Queue size",
	[MQ_COL_LSPID] = "Last sender PID",
	[MQ_COL_LRPID] = "Last receiver PID",
	[MQ_COL_STIME] = "Last send",
	[MQ_COL_RTIME] = "Last receive",
	[MQ_COL_CTIME] = "Last change",
};

/* The user name of UID, remembered: a listing asks for the same few
 * owners thousands of times, and each NSS lookup reads files. */
const char *columns_user_name(uid_t uid)
{
	static uid_t cached_uid = (uid_t)-1;
	static char cached_name[64];
	struct passwd *pw;

	if (uid == cached_uid)
		return cached_name;
	pw = getpwuid(uid);
	if (pw != NULL)
		snprintf(cached_name, sizeof(cached_name), "%s", pw->pw_name);
	else
		snprintf(cached_name, sizeof(cached_name), "%u", (unsigned)uid);
	cached_uid = uid;
	return cached_name;
}

void columns_perms_text(mode_t mode, char text[10])
{
	static const char letters[] = "rwxrwxrwx";

	for (int bit = 0; bit < 9; bit++)
		text[bit] = mode & (0400 >> bit) ? letters[bit] : '-';
	text[9] = '\0';
}

/* The first nine columns, the same for every kind. */
static void fill_perm(struct out_line *line, const struct sv_perm *perm)
{
	char perms[10];

	out_set_key(line, 0, perm->key);
	out_set_num(line, 1, perm->id);
	if (out_wants_line(line, 2))
		out_set_str(line, 2, columns_user_name(perm->uid));
	out_set_mode(line, 3, perm->mode & 0777);
	columns_perms_text(perm->mode, perms);
	out_set_str(line, 4, perms);
	out_set_num(line, 5, perm->uid);
	out_set_num(line, 6, perm->gid);
	out_set_num(line, 7, perm->cuid);
	out_set_num(line, 8, perm->cgid);
}

void columns_fill_shm(struct out_line *line, const struct sv_shm_info *info)
{
	fill_perm(line, &info->perm);
	out_set_u64(line, SHM_COL_SIZE, info->size);
	out_set_u64(line, SHM_COL_NATTCH, info->nattch);
	out_set_str(line, SHM_COL_STATUS,
		    info->marked_for_removal && info->locked ? "dest,locked" :
		    info->marked_for_removal ? "dest" : info->locked ? "locked" : "");
	out_set_num(line, SHM_COL_CPID, info->cpid);
	out_set_num(line, SHM_COL_LPID, info->lpid);
	out_set_time(line, SHM_COL_ATIME, info->atime);
	out_set_time(line, SHM_COL_DTIME, info->dtime);
	out_set_time(line, SHM_COL_CTIME, info->ctime);
	out_set_bool(line, SHM_COL_MARKED, info->marked_for_removal);
}

void columns_fill_sem(struct out_line *line, const struct sv_sem_info *info)
{
	fill_perm(line, &info->perm);
	out_set_num(line, SEM_COL_NSEMS, info->nsems);
	out_set_time(line, SEM_COL_OTIME, info->otime);
	out_set_time(line, SEM_COL_CTIME, info->ctime);
}

void columns_fill_semaphore(struct out_line *line, const struct sv_semaphore *sem)
{
	out_set_num(line, SEMAPHORE_COL_INDEX, sem->index);
	out_set_num(line, SEMAPHORE_COL_VALUE, sem->value);
	out_set_num(line, SEMAPHORE_COL_NCNT, sem->ncnt);
	out_set_num(line, SEMAPHORE_COL_ZCNT, sem->zcnt);
	out_set_num(line, SEMAPHORE_COL_PID, sem->pid);
}

void columns_fill_sem_users(struct out_line *line, int semid,
			    struct sv_procs *procs)
{
	if (procs == NULL)      /* a set just made: no holders, no waiters */
		return;
	if (out_wants_line(line, SEM_COL_HOLDERS))
		out_set_num(line, SEM_COL_HOLDERS,
			    (long long)sv_sem_nholders(procs, semid));
	if (out_wants_line(line, SEM_COL_WAITERS))
		out_set_num(line, SEM_COL_WAITERS,
			    (long long)sv_sem_nwaiters(procs, semid));
}

void columns_fill_mq(struct out_line *line, const struct sv_mq_info *info)
{
	fill_perm(line, &info->perm);
	out_set_u64(line, MQ_COL_MESSAGES, info->messages);
	out_set_u64(line, MQ_COL_USED_BYTES, info->used_bytes);
	out_set_u64(line, MQ_COL_MAX_BYTES, info->max_bytes);
	out_set_num(line, MQ_COL_LSPID, info->lspid);
	out_set_num(line, MQ_COL_LRPID, info->lrpid);
	out_set_time(line, MQ_COL_STIME, info->stime);
	out_set_time(line, MQ_COL_RTIME, info->rtime);
	out_set_time(line, MQ_COL_CTIME, info->ctime);
}
