/* sysvctl sem who, and the holders and waiters section of sem stat: who
 * holds units of a set through `sem run`, since when, and who waits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/proc.h"
#include "ipc/who.h"
#include "sem_cmd.h"
#include "sem_etcd.h"

enum { HOLDER_PID, HOLDER_INDEX, HOLDER_UNITS, HOLDER_SEM_OP, HOLDER_SINCE,
       HOLDER_COMMAND, HOLDER_NCOLS };
enum { WAITER_PID, WAITER_INDEX, WAITER_FOR, WAITER_UNITS, WAITER_COMMAND,
       WAITER_NCOLS };

static const struct out_col holder_columns[HOLDER_NCOLS] = {
	[HOLDER_PID] = { .name = "PID", .type = OUT_NUM, .width = 5,
		.help = "the holder's pid" },
	[HOLDER_INDEX] = { .name = "INDEX", .type = OUT_NUM, .width = 3,
		.help = "the semaphore held" },
	[HOLDER_UNITS] = { .name = "UNITS", .type = OUT_NUM, .width = 3,
		.help = "units taken (or added, with --up)" },
	[HOLDER_SEM_OP] = { .name = "SEM-OP", .type = OUT_NUM, .width = 3,
		.help = "the sem_op done with SEM_UNDO" },
	[HOLDER_SINCE] = { .name = "SINCE", .type = OUT_TIME, .width = 19,
		.help = "when it took the units" },
	[HOLDER_COMMAND] = { .name = "COMMAND", .type = OUT_STR, .width = 0.3,
		.help = "its command line" },
};

static const struct out_col waiter_columns[WAITER_NCOLS] = {
	[WAITER_PID] = { .name = "PID", .type = OUT_NUM, .width = 5,
		.help = "the waiter's pid" },
	[WAITER_INDEX] = { .name = "INDEX", .type = OUT_NUM, .width = 3,
		.help = "the semaphore waited for" },
	[WAITER_FOR] = { .name = "FOR", .type = OUT_STR, .width = 5,
		.help = "units or zero; null when it cannot be read" },
	[WAITER_UNITS] = { .name = "UNITS", .type = OUT_NUM, .width = 3,
		.help = "units asked for" },
	[WAITER_COMMAND] = { .name = "COMMAND", .type = OUT_STR, .width = 0.3,
		.help = "its command line" },
};

#define HOLDER_DEFAULT "PID,INDEX,UNITS,SEM-OP,SINCE,COMMAND"
#define WAITER_DEFAULT "PID,INDEX,FOR,UNITS,COMMAND"

static void fill_holder(struct out_line *line, const struct sv_sem_user *user)
{
	out_set_num(line, HOLDER_PID, user->pid);
	out_set_num(line, HOLDER_INDEX, user->index);
	out_set_num(line, HOLDER_UNITS, abs(user->sem_op));
	out_set_num(line, HOLDER_SEM_OP, user->sem_op);
	out_set_time(line, HOLDER_SINCE, user->since);
	out_set_str(line, HOLDER_COMMAND, user->command);
}

static void fill_waiter(struct out_line *line, const struct sv_sem_user *user)
{
	out_set_num(line, WAITER_PID, user->pid);
	if (user->op_known) {
		out_set_num(line, WAITER_INDEX, user->index);
		out_set_str(line, WAITER_FOR, user->sem_op == 0 ? "zero" : "units");
		if (user->sem_op != 0)
			out_set_num(line, WAITER_UNITS, abs(user->sem_op));
	}
	out_set_str(line, WAITER_COMMAND, user->command);
}

void sem_users_tables_free(struct out_table *tables[2])
{
	out_table_free(tables[0]);
	out_table_free(tables[1]);
	tables[0] = tables[1] = NULL;
}

int sem_users_tables(const struct sv_sem_user *users, size_t n,
		     struct out_table *tables[2], struct sv_err *err)
{
	struct out_opts opts = { .json = true };

	tables[0] = out_table_new("holders", holder_columns, HOLDER_NCOLS,
				  HOLDER_DEFAULT, &opts, err);
	tables[1] = out_table_new("waiters", waiter_columns, WAITER_NCOLS,
				  WAITER_DEFAULT, &opts, err);
	if (tables[0] == NULL || tables[1] == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct out_line *line = out_line_new(tables[users[i].holds ? 0 : 1]);

		if (line == NULL)
			goto fail;
		if (users[i].holds)
			fill_holder(line, &users[i]);
		else
			fill_waiter(line, &users[i]);
	}
	return 0;
fail:
	sem_users_tables_free(tables);
	return -1;
}

/* WHEN as ISO 8601 local time with the UTC offset ("+01:00"). */
static void iso_time(time_t when, char *buf, size_t size)
{
	struct tm tm;
	char zone[8];

	if (when == 0 || localtime_r(&when, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf + strlen(buf), size - strlen(buf), "%.3s:%s", zone, zone + 3);
}

/* "holds 1 4242 ./deploy.sh since 2026-12-01T06:31:25+00:00",
 * "waits 1 4300 ...", "waits zero ...": one line per user. */
void sem_users_print(FILE *stream, const struct sv_sem_user *users, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sv_sem_user *user = &users[i];
		const char *command = user->command ? user->command : "-";
		char units[16], index[24] = "";

		if (user->index != 0)
			snprintf(index, sizeof(index), " index %u", user->index);
		if (user->holds) {
			char since[40];

			iso_time(user->since, since, sizeof(since));
			fprintf(stream, "%s %d %d %s since %s%s\n",
				user->sem_op < 0 ? "holds" : "adds", abs(user->sem_op),
				(int)user->pid, command, since, index);
			continue;
		}
		if (!user->op_known)
			snprintf(units, sizeof(units), "?");
		else if (user->sem_op == 0)
			snprintf(units, sizeof(units), "zero");
		else
			snprintf(units, sizeof(units), "%d", abs(user->sem_op));
		fprintf(stream, "waits %s %d %s%s\n", units, (int)user->pid, command,
			index);
	}
}

int sem_users_find(const struct sv_obj *obj, bool warn, struct sv_procs **procs,
		   struct sv_sem_user **users, size_t *n, struct sv_err *err)
{
	*users = NULL;
	*n = 0;
	*procs = sv_procs_new();
	if (*procs == NULL || sv_sem_users(*procs, obj->id, users, n) != 0) {
		sv_obj_fail(err, ENOMEM, obj);
		sv_msg(err, "could not scan /proc for its holders and waiters");
		return -1;
	}
	/* As ls: root is not told about what it can't read either (a
	 * container's init, say): sysvctl-sem(1) says what can't be seen. */
	if (warn && geteuid() != 0 && sv_procs_unseen(*procs) != 0)
		cmd_warn("%zu process%s could not be inspected: their holds and "
			 "waits are not shown", sv_procs_unseen(*procs),
			 sv_procs_unseen(*procs) == 1 ? "" : "es");
	return 0;
}

static const char who_usage[] =
	"Usage: sysvctl sem who REF\n"
	"\n"
	"One line per process holding units of the set through 'sem run' and\n"
	"per thread blocked in semop on it:\n"
	"  holds UNITS PID COMMAND since TIME   (adds UNITS: a holder with -u)\n"
	"  waits UNITS|zero|? PID COMMAND\n"
	"followed by ' index I' for a semaphore other than 0.  Holders through\n"
	"another program's SEM_UNDO cannot be seen (see sysvctl-sem(1)).\n"
	"REF may be etcd:NAME: 'sysvctl sem who etcd:NAME --help'.\n"
	"\n"
	"Options:\n"
	"  -j, --json            {\"holders\": [...], \"waiters\": [...]}\n"
	"  -h, --help            this help\n";

int sem_who(int argc, char **argv)
{
	static const struct option longopts[] = { LONGOPT_END };
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_procs *procs = NULL;
	struct sv_sem_user *users = NULL;
	struct out_table *tables[2] = { NULL, NULL };
	size_t n;
	int code;

	if (sem_etcd_ref(argc, argv) != NULL)
		return sem_etcd_who(argc, argv);
	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS, longopts, "sem who",
			   who_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem who", &code))
		return code;
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sem_users_find(&obj, true, &procs, &users, &n, &err) != 0) {
		code = cmd_fail(&err);
		goto out;
	}
	code = EXIT_OK;
	if (!sv_globals.json) {
		sem_users_print(stdout, users, n);
		if (fflush(stdout) != 0)
			code = EXIT_OSERR;
	} else if (sem_users_tables(users, n, tables, &err) != 0) {
		code = cmd_fail(&err);
	} else if (out_print_tables(tables, 2) != 0) {
		code = EXIT_OSERR;
	}
out:
	sem_users_tables_free(tables);
	free(users);
	sv_procs_free(procs);
	return code;
}
