/* sysvctl ls: every object of the kinds named, from /proc/sysvipc, as
 * tables (or one JSON document) with lsipc-like columns, filtered by
 * owner, REF, orphans and age. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/list.h"
#include "ipc/proc.h"
#include "ipc/ref.h"

static const char ls_usage[] =
	"Usage: sysvctl ls [shm|sem|mq]... [OPTIONS]\n"
	"\n"
	"List the objects of the kinds named (all kinds by default), with the\n"
	"creator's command while it runs.  Filters combine: an object is listed\n"
	"when it passes all of them.\n"
	"\n"
	"Options:\n"
	"      --owner USER     owned by USER (a name or a uid)\n"
	"      --key REF        named by REF (KEY, id:ID, path:, name:); repeatable\n"
	"      --orphans        no live process uses it (see sysvctl-ls(1))\n"
	"      --older-than D   last activity longer ago than D (30s, 5m, 2h, 1d)\n"
	"  -o, --output LIST    columns (comma list, +LIST adds); '-o help' lists them\n"
	"      --raw            no alignment; an empty cell is '-'\n"
	"      --noheadings     no header line\n"
	"  -e, --export         NAME=\"value\" pairs\n"
	"      --notruncate     never cut a column to fit the terminal\n"
	"      --bytes          sizes in bytes\n"
	"  -j, --json           {\"shm\": [...], \"sem\": [...], \"mq\": [...]}\n"
	"  -h, --help           this help\n"
	"\n"
	"With several kinds, --raw, --noheadings and --export lines start with\n"
	"the kind (unless -o shows KIND) and tables have a title.  Nothing\n"
	"listed prints nothing.\n";

struct ls_opts {
	unsigned kinds;             /* bit 1 << kind; 0: all */
	struct out_opts out;
	struct sv_filter filter;
	struct sv_ref *refs;
};

/* Per kind: the columns, the default list, and the line filler. */
static const struct ls_kind {
	const struct out_col *cols;
	size_t ncols;
	const char *defaults;
} ls_kinds[SV_NKINDS] = {
	{ shm_columns, SHM_NCOLS, SHM_LS_COLUMNS },
	{ sem_columns, SEM_NCOLS, SEM_LS_COLUMNS },
	{ mq_columns, MQ_NCOLS, MQ_LS_COLUMNS },
};

static int nkinds(unsigned kinds)
{
	return __builtin_popcount(kinds);
}

static int parse_args(int argc, char **argv, struct ls_opts *opts)
{
	enum { OPT_OWNER = OPT_CMD_FIRST, OPT_KEY, OPT_ORPHANS, OPT_OLDER };
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, OPT_OWNER },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "orphans", no_argument, NULL, OPT_ORPHANS },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		CMD_TABLE_LONGOPTS,
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	enum sv_kind kind;
	int opt, code;

	optind = 0;
	while ((opt = getopt_long(argc, argv, CMD_COMMON_SHORTOPTS CMD_TABLE_SHORTOPTS,
				  longopts, NULL)) != -1) {
		if (cmd_table_opt(opt, &opts->out))
			continue;
		switch (opt) {
		case OPT_OWNER:
			if (sv_filter_set_owner(&opts->filter, optarg, &err) != 0)
				return cmd_fail(&err);
			break;
		case OPT_KEY:
			if (sv_ref_parse(optarg, 0, &opts->refs[opts->filter.nrefs], &err) != 0)
				return cmd_fail(&err);
			opts->filter.nrefs++;
			break;
		case OPT_ORPHANS:
			opts->filter.orphans = true;
			break;
		case OPT_OLDER:
			if (sv_filter_set_age(&opts->filter, optarg, &err) != 0)
				return cmd_fail(&err);
			break;
		default:
			if (cmd_common_opt(opt, argv, "ls", ls_usage, &code))
				return code;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (sv_kind_parse(argv[i], &kind) != 0)
			return cmd_usage_error("ls", "'%s' is not a kind (shm, sem or mq)",
					       argv[i]);
		opts->kinds |= 1u << kind;
	}
	if (opts->kinds == 0)
		opts->kinds = (1u << SV_NKINDS) - 1;
	opts->filter.refs = opts->refs;
	opts->out.json = sv_globals.json;
	if (!cmd_table_opts_ok(&opts->out, &code))
		return code;
	return -1;
}

/* "-o help": the columns of each kind listed, under its name when several. */
static int print_columns(unsigned kinds)
{
	bool first = true;

	for (int k = 0; k < SV_NKINDS; k++) {
		if (!(kinds & (1u << k)))
			continue;
		if (nkinds(kinds) > 1)
			printf("%s%s:\n", first ? "" : "\n", sv_kind_name((enum sv_kind)k));
		out_print_columns(stdout, ls_kinds[k].cols, ls_kinds[k].ncols);
		first = false;
	}
	return EXIT_OK;
}

/* COMMAND: the creator's command line while the creator runs. */
static void fill_command(struct out_line *line, const struct sv_shm_info *shm,
			 time_t activity, struct sv_procs *procs)
{
	const char *command = NULL;

	if (sv_pid_alive_since(procs, shm->cpid, activity))
		command = sv_proc_cmdline(procs, shm->cpid);
	if (command != NULL)
		out_set_str(line, SHM_COL_COMMAND, command);
}

/* MAX-BYTES is not in /proc: one msgctl per queue, when it is shown. */
static void fill_mq(struct out_table *table, struct out_line *line,
		    const struct sv_mq_info *mq)
{
	struct sv_mq_info info = *mq;
	bool known = !out_wants(table, MQ_COL_MAX_BYTES) ||
		     sv_list_mq_max_bytes(&info) == 0;

	columns_fill_mq(line, &info);
	if (!known)
		out_set_str(line, MQ_COL_MAX_BYTES, NULL);
}

static int fill_line(struct out_table *table, const struct sv_list *list,
		     enum sv_kind kind, size_t i, struct sv_procs *procs)
{
	struct out_line *line = out_line_new(table);

	if (line == NULL)
		return -1;
	switch (kind) {
	case SV_SHM:
		columns_fill_shm(line, &list->shm[i]);
		if (out_wants(table, SHM_COL_COMMAND))
			fill_command(line, &list->shm[i],
				     sv_list_activity(list, kind, i), procs);
		break;
	case SV_SEM:
		columns_fill_sem(line, &list->sem[i]);
		columns_fill_sem_users(line, list->sem[i].perm.id, procs);
		break;
	case SV_MQ:
		fill_mq(table, line, &list->mq[i]);
		break;
	}
	return 0;
}

static struct out_table *make_table(enum sv_kind kind, const struct ls_opts *opts,
				    struct sv_err *err)
{
	const struct ls_kind *desc = &ls_kinds[kind];
	struct out_table *table = out_table_new(sv_kind_name(kind), desc->cols,
						desc->ncols, desc->defaults,
						&opts->out, err);
	size_t len = strlen(err->msg);

	/* -o applies to every kind listed: say which one lacks a column. */
	if (table == NULL && strcmp(err->ctx, "-o") == 0 && nkinds(opts->kinds) > 1)
		snprintf(err->msg + len, sizeof(err->msg) - len,
			 " (not a %s column)", sv_kind_name(kind));
	return table;
}

static int fill_table(struct out_table *table, enum sv_kind kind,
		      const struct sv_list *list, const struct ls_opts *opts,
		      struct sv_procs *procs, struct sv_err *err)
{
	size_t count = sv_list_count(list, kind);

	out_table_reserve(table, count);
	for (size_t i = 0; i < count; i++)
		if (sv_filter_match(&opts->filter, list, kind, i, procs) &&
		    fill_line(table, list, kind, i, procs) != 0)
			return sv_fail(err, ENOMEM, "ls");
	return 0;
}

/* A user other than root may not read other users' processes: say that
 * their holds and waits were not seen, so that "orphan" is taken for what
 * it is there.  (Root in a container may not read a parent namespace's
 * processes either; sysvctl-ls(1) says so, a warning each time would not
 * help.) */
static void warn_unseen(const struct sv_procs *procs)
{
	size_t unseen = sv_procs_unseen(procs);

	if (unseen > 0 && geteuid() != 0)
		cmd_warn("%zu process%s could not be inspected: a sem run holder or a "
			 "waiter among them is not seen (run as root)", unseen,
			 unseen == 1 ? "" : "es");
}

static int list_objects(const struct ls_opts *opts)
{
	struct out_table *tables[SV_NKINDS];
	size_t ntables = 0;
	struct sv_list list;
	struct sv_procs *procs = sv_procs_new();
	struct sv_err err;
	int code = EXIT_OK;

	memset(&err, 0, sizeof(err));
	if (procs == NULL) {
		sv_fail(&err, ENOMEM, "ls");
		return cmd_fail(&err);
	}
	if (sv_list_read(opts->kinds, &list, &err) != 0)
		code = cmd_fail(&err);
	for (int k = 0; k < SV_NKINDS && code == EXIT_OK; k++) {
		if (!(opts->kinds & (1u << k)))
			continue;
		tables[ntables] = make_table((enum sv_kind)k, opts, &err);
		if (tables[ntables] == NULL ||
		    fill_table(tables[ntables++], (enum sv_kind)k, &list, opts,
			       procs, &err) != 0)
			code = cmd_fail(&err);
	}
	if (code == EXIT_OK && out_print_tables(tables, ntables) != 0)
		code = EXIT_OSERR;
	for (size_t i = 0; i < ntables; i++)
		out_table_free(tables[i]);
	sv_list_free(&list);
	warn_unseen(procs);
	sv_procs_free(procs);
	return code;
}

int cmd_ls(int argc, char **argv)
{
	struct ls_opts opts;
	int code;

	memset(&opts, 0, sizeof(opts));
	opts.refs = calloc((size_t)argc, sizeof(*opts.refs));
	if (opts.refs == NULL)
		return EXIT_OSERR;
	code = parse_args(argc, argv, &opts);
	if (code < 0 && opts.out.columns != NULL && strcmp(opts.out.columns, "help") == 0)
		code = print_columns(opts.kinds);
	if (code < 0)
		code = list_objects(&opts);
	free(opts.refs);
	return code;
}
