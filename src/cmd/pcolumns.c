#include "pcolumns.h"

#include <stdio.h>
#include <string.h>

#include "columns.h"

#define PCOMMON_COLUMNS \
	[PCOL_NAME] = { .name = "NAME", .type = OUT_STR, .width = 0.3, \
		.help = "the name, /NAME, as shm_open, sem_open, mq_open take it" }, \
	[PCOL_OWNER] = { .name = "OWNER", .type = OUT_STR, .width = 8, \
		.help = "the owner's user name" }, \
	[PCOL_MODE] = { .name = "MODE", .type = OUT_MODE, .width = 4, \
		.help = "permissions, octal" }, \
	[PCOL_PERMS] = { .name = "PERMS", .type = OUT_STR, .width = 9, \
		.help = "permissions, as rwxrwxrwx" }, \
	[PCOL_UID] = { .name = "UID", .type = OUT_NUM, .width = 5, \
		.help = "the owner's user id" }, \
	[PCOL_GID] = { .name = "GID", .type = OUT_NUM, .width = 5, \
		.help = "the owner's group id" }, \
	[PCOL_MTIME] = { .name = "MTIME", .type = OUT_TIME, .width = 19, \
		.help = "time of the last change of its file" }, \
	[PCOL_USERS] = { .name = "USERS", .type = OUT_NUM, .width = 3, \
		.help = "processes that map it or hold it open; empty: cannot tell" }, \
	[PCOL_PIDS] = { .name = "PIDS", .type = OUT_STR, .width = 0.2, \
		.help = "those processes" }, \
	[PCOL_COMMAND] = { .name = "COMMAND", .type = OUT_STR, .width = 0.3, \
		.help = "the first one's command line" }, \
	NS_COLUMNS(PCOL), \
	[PCOL_KIND] = { .name = "KIND", .type = OUT_NAME, .width = 4, \
		.help = "the kind: pshm, psem or pmq" }

const struct out_col pshm_columns[PSHM_NCOLS] = {
	PCOMMON_COLUMNS,
	[PCOL_SIZE] = { .name = "SIZE", .type = OUT_SIZE, .width = 6,
		.help = "size in bytes" },
};

const struct out_col psem_columns[PSEM_NCOLS] = {
	PCOMMON_COLUMNS,
	[PCOL_SIZE] = { .name = "SIZE", .type = OUT_SIZE, .width = 6,
		.help = "size of its file (a sem_t: 32 bytes)" },
	[PSEM_COL_VALUE] = { .name = "VALUE", .type = OUT_NUM, .width = 5,
		.help = "its value; empty when its file is not a sem_t" },
};

const struct out_col pmq_columns[PMQ_NCOLS] = {
	PCOMMON_COLUMNS,
	[PCOL_SIZE] = { .name = "SIZE", .type = OUT_SIZE, .width = 6,
		.help = "bytes of its messages (QSIZE)" },
	[PMQ_COL_MESSAGES] = { .name = "MESSAGES", .type = OUT_NUM, .width = 4,
		.help = "messages in the queue" },
	[PMQ_COL_MAXMSG] = { .name = "MAXMSG", .type = OUT_NUM, .width = 4,
		.help = "the most messages it holds" },
	[PMQ_COL_MSGSIZE] = { .name = "MSGSIZE", .type = OUT_SIZE, .width = 6,
		.help = "the largest message" },
};

/* "123,456": the users' pids. */
static void fill_pids(struct out_line *line, const struct sv_pusers *users)
{
	char text[256];
	size_t len = 0;

	if (users->count == 0)
		return;
	text[0] = '\0';
	for (unsigned i = 0; i < users->count && len < sizeof(text) - 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%d",
					i ? "," : "", (int)users->pids[i]);
	if (len >= sizeof(text) - 16 && users->count > 0)
		snprintf(text + len, sizeof(text) - len, ",...");
	out_set_str(line, PCOL_PIDS, text);
}

static void fill_kind(struct out_line *line, const struct sv_pobj *obj)
{
	if (obj->kind == SV_PSEM && obj->has_value)
		out_set_num(line, PSEM_COL_VALUE, obj->value);
	if (obj->kind != SV_PMQ)
		return;
	if (obj->has_messages)
		out_set_u64(line, PMQ_COL_MESSAGES, obj->messages);
	if (obj->has_attr) {
		out_set_num(line, PMQ_COL_MAXMSG, obj->maxmsg);
		out_set_num(line, PMQ_COL_MSGSIZE, obj->msgsize);
	}
}

void pcolumns_fill(struct out_line *line, const struct sv_pobj *obj)
{
	char perms[10];

	out_set_str(line, PCOL_NAME, obj->name);
	if (out_wants_line(line, PCOL_OWNER))
		out_set_str(line, PCOL_OWNER, columns_user_name(obj->uid));
	out_set_mode(line, PCOL_MODE, obj->mode);
	columns_perms_text(obj->mode, perms);
	out_set_str(line, PCOL_PERMS, perms);
	out_set_num(line, PCOL_UID, obj->uid);
	out_set_num(line, PCOL_GID, obj->gid);
	out_set_u64(line, PCOL_SIZE, obj->size);
	out_set_time(line, PCOL_MTIME, obj->mtime);
	if (obj->users.known)
		out_set_num(line, PCOL_USERS, obj->users.count);
	fill_pids(line, &obj->users);
	fill_kind(line, obj);
}
