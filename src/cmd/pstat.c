#include "pstat.h"

#include <string.h>

const struct out_col pstat_columns[PSTAT_NCOLS] = {
	[PSTAT_COL_NAME] = { .name = "NAME", .type = OUT_STR, .width = 0.5,
		.help = "the name, /NAME" },
	[PSTAT_COL_SIZE] = { .name = "SIZE", .type = OUT_SIZE, .width = 6,
		.help = "shm: its size in bytes" },
	[PSTAT_COL_VALUE] = { .name = "VALUE", .type = OUT_NUM, .width = 5,
		.help = "sem: its value" },
	[PSTAT_COL_MESSAGES] = { .name = "MESSAGES", .type = OUT_NUM, .width = 5,
		.help = "mq: messages queued" },
	[PSTAT_COL_MAXMSG] = { .name = "MAXMSG", .type = OUT_NUM, .width = 5,
		.help = "mq: the most messages it holds" },
	[PSTAT_COL_MSGSIZE] = { .name = "MSGSIZE", .type = OUT_NUM, .width = 5,
		.help = "mq: the largest message" },
	[PSTAT_COL_MODE] = { .name = "MODE", .type = OUT_MODE, .width = 4,
		.help = "permissions, octal" },
	[PSTAT_COL_UID] = { .name = "UID", .type = OUT_NUM, .width = 5,
		.help = "the owner's user id" },
	[PSTAT_COL_GID] = { .name = "GID", .type = OUT_NUM, .width = 5,
		.help = "the owner's group id" },
	[PSTAT_COL_ATIME] = { .name = "ATIME", .type = OUT_TIME, .width = 10,
		.help = "last access" },
	[PSTAT_COL_MTIME] = { .name = "MTIME", .type = OUT_TIME, .width = 10,
		.help = "last modification" },
	[PSTAT_COL_CTIME] = { .name = "CTIME", .type = OUT_TIME, .width = 10,
		.help = "last change of its inode" },
};

static const char *default_columns(enum sv_kind kind)
{
	switch (kind) {
	case SV_SHM:
		return "NAME,SIZE,MODE,UID,GID,ATIME,MTIME,CTIME";
	case SV_SEM:
		return "NAME,VALUE,MODE,UID,GID,ATIME,MTIME,CTIME";
	case SV_MQ:
		break;
	}
	return "NAME,MESSAGES,MAXMSG,MSGSIZE,MODE,UID,GID,ATIME,MTIME,CTIME";
}

static void set_extra(struct out_line *line, size_t col, long long value)
{
	if (value >= 0)
		out_set_num(line, col, value);
}

static void fill(struct out_line *line, enum sv_kind kind, const char *name,
		 const struct stat *st, const struct pstat_extra *extra)
{
	out_set_str(line, PSTAT_COL_NAME, name);
	if (kind == SV_SHM)
		out_set_u64(line, PSTAT_COL_SIZE, (uint64_t)st->st_size);
	set_extra(line, PSTAT_COL_VALUE, extra->value);
	set_extra(line, PSTAT_COL_MESSAGES, extra->messages);
	set_extra(line, PSTAT_COL_MAXMSG, extra->maxmsg);
	set_extra(line, PSTAT_COL_MSGSIZE, extra->msgsize);
	out_set_mode(line, PSTAT_COL_MODE, st->st_mode & 07777);
	out_set_num(line, PSTAT_COL_UID, st->st_uid);
	out_set_num(line, PSTAT_COL_GID, st->st_gid);
	out_set_time(line, PSTAT_COL_ATIME, st->st_atime);
	out_set_time(line, PSTAT_COL_MTIME, st->st_mtime);
	out_set_time(line, PSTAT_COL_CTIME, st->st_ctime);
}

int pstat_print(enum sv_kind kind, const char *name, const struct stat *st,
		const struct pstat_extra *extra, const struct out_opts *opts)
{
	static const char *const table_names[] = { "pshm", "psem", "pmq" };
	struct out_table *table;
	struct out_line *line;
	struct sv_err err;
	int code = EXIT_OK;

	table = out_table_new(table_names[kind], pstat_columns, PSTAT_NCOLS,
			      default_columns(kind), opts, &err);
	if (table == NULL)
		return cmd_fail(&err);
	line = out_line_new(table);
	if (line == NULL) {
		code = EXIT_OSERR;
	} else {
		fill(line, kind, name, st, extra);
		if (out_print_object(table, NULL) != 0)
			code = EXIT_OSERR;
	}
	out_table_free(table);
	return code;
}
