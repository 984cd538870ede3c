#include "columns.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "ipc/who.h"

/* The columns every kind starts with: P is its enum's prefix (SHM...). */
#define PERM_COLUMNS(P) \
	[P##_COL_KEY] = { .name = "KEY", .type = OUT_KEY, .width = 10, \
		.help = "the key; 0 for a private object" }, \
	[P##_COL_ID] = { .name = "ID", .type = OUT_NUM, .width = 5, \
		.help = "the kernel's identifier" }, \
	[P##_COL_OWNER] = { .name = "OWNER", .type = OUT_STR, .width = 8, \
		.help = "the owner's user name" }, \
	[P##_COL_MODE] = { .name = "MODE", .type = OUT_MODE, .width = 4, \
		.help = "permissions, octal" }, \
	[P##_COL_PERMS] = { .name = "PERMS", .type = OUT_STR, .width = 9, \
		.help = "permissions, as rwxrwxrwx" }, \
	[P##_COL_UID] = { .name = "UID", .type = OUT_UID, .width = 5, \
		.help = "the owner's user id" }, \
	[P##_COL_GID] = { .name = "GID", .type = OUT_GID, .width = 5, \
		.help = "the owner's group id" }, \
	[P##_COL_CUID] = { .name = "CUID", .type = OUT_UID, .width = 5, \
		.help = "the creator's user id" }, \
	[P##_COL_CGID] = { .name = "CGID", .type = OUT_GID, .width = 5, \
		.help = "the creator's group id" }

/* The kind, filled by the output layer from the table's name. */
#define KIND_COLUMN(P) \
	[P##_COL_KIND] = { .name = "KIND", .type = OUT_NAME, .width = 4, \
		.help = "the kind: shm, sem or mq" }


const struct out_col shm_columns[SHM_NCOLS] = {
	PERM_COLUMNS(SHM),
	[SHM_COL_SIZE] = { .name = "SIZE", .type = OUT_SIZE, .width = 6,
		.help = "size in bytes" },
	[SHM_COL_NATTCH] = { .name = "NATTCH", .type = OUT_NUM, .width = 3,
		.help = "processes attached" },
	[SHM_COL_STATUS] = { .name = "STATUS", .type = OUT_STR, .width = 6,
		.help = "dest (marked for removal), locked" },
	[SHM_COL_CPID] = { .name = "CPID", .type = OUT_NUM, .width = 5,
		.help = "the creator's pid" },
	[SHM_COL_LPID] = { .name = "LPID", .type = OUT_NUM, .width = 5,
		.help = "the pid of the last attach or detach" },
	[SHM_COL_ATIME] = { .name = "ATIME", .type = OUT_TIME, .width = 5,
		.help = "time of the last attach" },
	[SHM_COL_DTIME] = { .name = "DTIME", .type = OUT_TIME, .width = 5,
		.help = "time of the last detach" },
	[SHM_COL_CTIME] = { .name = "CTIME", .type = OUT_TIME, .width = 5,
		.help = "time of creation or the last change" },
	[SHM_COL_MARKED] = { .name = "MARKED-FOR-REMOVAL", .type = OUT_BOOL, .width = 3,
		.help = "removed once the last process detaches" },
	[SHM_COL_COMMAND] = { .name = "COMMAND", .type = OUT_STR, .width = 0.3,
		.help = "the creator's command line, while it runs" },
	NS_COLUMNS(SHM_COL),
	KIND_COLUMN(SHM),
};

const struct out_col sem_columns[SEM_NCOLS] = {
	PERM_COLUMNS(SEM),
	[SEM_COL_NSEMS] = { .name = "NSEMS", .type = OUT_NUM, .width = 3,
		.help = "semaphores in the set" },
	[SEM_COL_OTIME] = { .name = "OTIME", .type = OUT_TIME, .width = 5,
		.help = "time of the last semop" },
	[SEM_COL_CTIME] = { .name = "CTIME", .type = OUT_TIME, .width = 5,
		.help = "time of creation or the last change" },
	NS_COLUMNS(SEM_COL),
	KIND_COLUMN(SEM),
	[SEM_COL_HOLDERS] = { .name = "HOLDERS", .type = OUT_NUM, .width = 3,
		.help = "processes holding units through sem run" },
	[SEM_COL_WAITERS] = { .name = "WAITERS", .type = OUT_NUM, .width = 3,
		.help = "threads blocked in semop on it" },
};

const struct out_col semaphore_columns[SEMAPHORE_NCOLS] = {
	[SEMAPHORE_COL_INDEX] = { .name = "INDEX", .type = OUT_NUM, .width = 3,
		.help = "the semaphore's number in its set" },
	[SEMAPHORE_COL_VALUE] = { .name = "VALUE", .type = OUT_NUM, .width = 5,
		.help = "its value" },
	[SEMAPHORE_COL_NCNT] = { .name = "NCNT", .type = OUT_NUM, .width = 3,
		.help = "processes waiting for the value to rise" },
	[SEMAPHORE_COL_ZCNT] = { .name = "ZCNT", .type = OUT_NUM, .width = 3,
		.help = "processes waiting for zero" },
	[SEMAPHORE_COL_PID] = { .name = "PID", .type = OUT_NUM, .width = 5,
		.help = "the pid of the last operation; 0 for none" },
};

const struct out_col mq_columns[MQ_NCOLS] = {
	PERM_COLUMNS(MQ),
	[MQ_COL_MESSAGES] = { .name = "MESSAGES", .type = OUT_NUM, .width = 4,
		.help = "messages in the queue" },
	[MQ_COL_USED_BYTES] = { .name = "USED-BYTES", .type = OUT_SIZE, .width = 6,
		.help = "bytes of the messages in the queue" },
	[MQ_COL_MAX_BYTES] = { .name = "MAX-BYTES", .type = OUT_SIZE, .width = 6,
		.help = "the most bytes the queue holds" },
	[MQ_COL_LSPID] = { .name = "LSPID", .type = OUT_NUM, .width = 5,
		.help = "the pid of the last send" },
	[MQ_COL_LRPID] = { .name = "LRPID", .type = OUT_NUM, .width = 5,
		.help = "the pid of the last receive" },
	[MQ_COL_STIME] = { .name = "STIME", .type = OUT_TIME, .width = 5,
		.help = "time of the last send" },
	[MQ_COL_RTIME] = { .name = "RTIME", .type = OUT_TIME, .width = 5,
		.help = "time of the last receive" },
	[MQ_COL_CTIME] = { .name = "CTIME", .type = OUT_TIME, .width = 5,
		.help = "time of creation or the last change" },
	NS_COLUMNS(MQ_COL),
	KIND_COLUMN(MQ),
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
