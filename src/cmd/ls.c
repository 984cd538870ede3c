/* sysvctl ls: every object of the kinds named, from /proc/sysvipc, as
 * tables (or one JSON document) with lsipc-like columns, filtered by
 * owner, REF, orphans and age. */
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/list.h"
#include "ipc/nsall.h"
#include "ipc/plist.h"
#include "ipc/proc.h"
#include "ipc/ref.h"
#include "pcolumns.h"
#include "pkind.h"

static const char ls_usage[] =
	"Usage: sysvctl ls [shm|sem|mq|pshm|psem|pmq]... [OPTIONS]\n"
	"\n"
	"List the objects of the kinds named (all six by default): System V\n"
	"shm, sem, mq with the creator's command while it runs; POSIX pshm,\n"
	"psem (/dev/shm) and pmq (/dev/mqueue) with the processes that map them\n"
	"or hold them open.  Filters combine: an object is listed when it\n"
	"passes all of them.\n"
	"\n"
	"Options:\n"
	"      --owner USER     owned by USER (a name or a uid)\n"
	"      --key REF        named by REF (KEY, id:, path:, name:, /NAME); repeatable\n"
	"      --orphans        no live process uses it (see sysvctl-ls(1))\n"
	"      --older-than D   last activity (POSIX: mtime) longer ago than D\n"
	"  -A, --all-namespaces every IPC namespace some process is in, with NS,\n"
	"                       NSPID, NSCOMMAND and CONTAINER columns\n"
	"  -o, --output LIST    columns (comma list, +LIST adds); '-o help' lists them\n"
	"      --raw            no alignment; an empty cell is '-'\n"
	"      --noheadings     no header line\n"
	"  -e, --export         NAME=\"value\" pairs\n"
	"      --notruncate     never cut a column to fit the terminal\n"
	"      --time-format F  times as iso (with the UTC offset), short or epoch\n"
	"      --bytes          sizes in bytes\n"
	"  -j, --json           {\"shm\": [...], ..., \"pmq\": [...]}: a key per kind\n"
	"  -h, --help           this help\n"
	"\n"
	"With several kinds, --raw, --noheadings and --export lines start with\n"
	"the kind (unless -o shows KIND) and tables have a title.  Nothing\n"
	"listed prints nothing.\n";

struct ls_opts {
	unsigned kinds;             /* bit 1 << kind; 0: all */
	unsigned named_kinds;       /* those named on the command line */
	bool all_ns;                /* -A */
	struct out_opts out;
	struct sv_filter filter;
	struct sv_ref *refs;
	const char **names;         /* --key /NAME: POSIX names */
	size_t nnames;
};

/* Per kind: the columns, the default list, and where its NS columns are. */
static const struct ls_kind {
	const char *name;
	const struct out_col *cols;
	size_t ncols;
	const char *defaults;
	size_t ns_col;
} ls_kinds[NKINDS] = {
	{ "shm", shm_columns, SHM_NCOLS, SHM_LS_COLUMNS, SHM_COL_NS },
	{ "sem", sem_columns, SEM_NCOLS, SEM_LS_COLUMNS, SEM_COL_NS },
	{ "mq", mq_columns, MQ_NCOLS, MQ_LS_COLUMNS, MQ_COL_NS },
	{ "pshm", pshm_columns, PSHM_NCOLS, PSHM_LS_COLUMNS, PCOL_NS },
	{ "psem", psem_columns, PSEM_NCOLS, PSEM_LS_COLUMNS, PCOL_NS },
	{ "pmq", pmq_columns, PMQ_NCOLS, PMQ_LS_COLUMNS, PCOL_NS },
};

/* With -A, the namespace columns come first. */
#define NS_LS_COLUMNS "NS,NSPID,NSCOMMAND,CONTAINER,"

static int nkinds(unsigned kinds)
{
	return __builtin_popcount(kinds);
}

static int add_key(struct ls_opts *opts, const char *text)
{
	struct sv_err err;

	if (text[0] == '/') {
		if (!cmd_posix_name_ok("ls", text))
			return EXIT_USAGE;
		opts->names[opts->nnames++] = text;
		return -1;
	}
	if (sv_ref_parse(text, 0, &opts->refs[opts->filter.nrefs], &err) != 0)
		return cmd_fail(&err);
	opts->filter.nrefs++;
	return -1;
}

static int parse_args(int argc, char **argv, struct ls_opts *opts)
{
	enum { OPT_OWNER = OPT_CMD_FIRST, OPT_KEY, OPT_ORPHANS, OPT_OLDER };
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, OPT_OWNER },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "orphans", no_argument, NULL, OPT_ORPHANS },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "all-namespaces", no_argument, NULL, 'A' },
		CMD_TABLE_LONGOPTS,
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt, code, bit;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS CMD_TABLE_SHORTOPTS "A",
				  longopts)) != -1) {
		if (cmd_table_opt(opt, &opts->out))
			continue;
		switch (opt) {
		case OPT_OWNER:
			if (sv_filter_set_owner(&opts->filter, optarg, "--owner",
						&err) != 0)
				return cmd_fail(&err);
			break;
		case OPT_KEY:
			if ((code = add_key(opts, optarg)) >= 0)
				return code;
			break;
		case OPT_ORPHANS:
			opts->filter.orphans = true;
			break;
		case OPT_OLDER:
			if (sv_filter_set_age(&opts->filter, optarg, "--older-than",
					      &err) != 0)
				return cmd_fail(&err);
			break;
		case 'A':
			opts->all_ns = true;
			break;
		default:
			if (cmd_common_opt(opt, argv, "ls", ls_usage, &code))
				return code;
		}
	}
	for (int i = optind; i < argc; i++) {
		if ((bit = cmd_kind_bit(argv[i])) < 0)
			return cmd_usage_error("ls", "'%s' is not a kind (shm, sem, mq, "
					       "pshm, psem or pmq)", argv[i]);
		opts->kinds |= 1u << bit;
	}
	if (opts->all_ns && sv_globals.ns != NULL)
		return cmd_usage_error("ls", "-A lists every namespace: it does not go "
				       "with -N");
	opts->named_kinds = opts->kinds;
	/* No kind named: all six, or the family the --key REFs name. */
	if (opts->kinds == 0)
		opts->kinds = (opts->filter.nrefs > 0 ? SYSV_MASK : 0) |
			      (opts->nnames > 0 ? POSIX_MASK : 0);
	if (opts->kinds == 0)
		opts->kinds = (1u << NKINDS) - 1;
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

	for (int k = 0; k < NKINDS; k++) {
		if (!(kinds & (1u << k)))
			continue;
		if (nkinds(kinds) > 1)
			printf("%s%s:\n", first ? "" : "\n", ls_kinds[k].name);
		out_print_columns(stdout, ls_kinds[k].cols, ls_kinds[k].ncols);
		first = false;
	}
	return EXIT_OK;
}

/* The namespace a view shows (NULL without -A), and its objects. */
struct ls_view {
	const struct sv_ipcns *ns;
	struct sv_list sysv;
	struct sv_plist posix;
};

/* What a listing works with: the tables (one per kind, NULL when not
 * listed), the processes, the views. */
struct ls_run {
	const struct ls_opts *opts;
	struct out_table *tables[NKINDS];
	struct sv_procs *procs;     /* of the namespace being filled */
	struct sv_procs *host_procs;
	struct ls_view *views;
	size_t nviews;
	struct sv_ipcns *nses;
	size_t sysv_unseen, posix_unseen;
};

static void fill_ns(struct ls_run *run, struct out_line *line, int kind,
		    const struct sv_ipcns *ns)
{
	size_t col = ls_kinds[kind].ns_col;
	const char *command;

	if (ns == NULL)
		return;
	out_set_u64(line, col, (uint64_t)ns->ino);
	out_set_num(line, col + 1, ns->pid);
	if (out_wants_line(line, col + 2) &&
	    (command = sv_proc_cmdline(run->host_procs, ns->pid)) != NULL)
		out_set_str(line, col + 2, command);
	out_set_str(line, col + 3, ns->container);
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
		    const struct sv_list *list, const struct sv_mq_info *mq)
{
	struct sv_mq_info info = *mq;
	bool known = !out_wants(table, MQ_COL_MAX_BYTES) || list->mq_max_bytes ||
		     sv_list_mq_max_bytes(&info) == 0;

	columns_fill_mq(line, &info);
	if (!known)
		out_set_str(line, MQ_COL_MAX_BYTES, NULL);
}

static int fill_sysv_line(struct ls_run *run, const struct ls_view *view,
			  enum sv_kind kind, size_t i)
{
	struct out_table *table = run->tables[kind];
	struct out_line *line = out_line_new(table);
	const struct sv_list *list = &view->sysv;

	if (line == NULL)
		return -1;
	switch (kind) {
	case SV_SHM:
		columns_fill_shm(line, &list->shm[i]);
		if (out_wants(table, SHM_COL_COMMAND))
			fill_command(line, &list->shm[i],
				     sv_list_activity(list, kind, i), run->procs);
		break;
	case SV_SEM:
		columns_fill_sem(line, &list->sem[i]);
		columns_fill_sem_users(line, list->sem[i].perm.id, run->procs);
		break;
	case SV_MQ:
		fill_mq(table, line, list, &list->mq[i]);
		break;
	}
	fill_ns(run, line, (int)kind, view->ns);
	return 0;
}

/* Fill the System V tables from VIEW, in its namespace (orphan checks and
 * msgctl look at the namespace the process is in). */
static int fill_sysv(struct ls_run *run, const struct ls_view *view,
		     struct sv_err *err)
{
	const struct ls_opts *opts = run->opts;

	/* Only POSIX names asked for: no System V object is named. */
	if (opts->nnames > 0 && opts->filter.nrefs == 0)
		return 0;
	for (int k = 0; k < SV_NKINDS; k++) {
		size_t count = sv_list_count(&view->sysv, (enum sv_kind)k);

		if (run->tables[k] == NULL)
			continue;
		out_table_reserve(run->tables[k], count);
		for (size_t i = 0; i < count; i++)
			if (sv_filter_match(&opts->filter, &view->sysv, (enum sv_kind)k,
					    i, run->procs) &&
			    fill_sysv_line(run, view, (enum sv_kind)k, i) != 0)
				return sv_fail(err, ENOMEM, "ls");
	}
	return 0;
}

static bool named(const struct ls_opts *opts, const struct sv_pobj *obj)
{
	if (opts->nnames + opts->filter.nrefs == 0)
		return true;
	for (size_t i = 0; i < opts->nnames; i++)
		if (strcmp(opts->names[i], obj->name) == 0)
			return true;
	return false;
}

static int fill_posix_line(struct ls_run *run, const struct ls_view *view,
			   int kind, const struct sv_pobj *obj)
{
	struct out_line *line = out_line_new(run->tables[kind]);
	const char *command;

	if (line == NULL)
		return -1;
	pcolumns_fill(line, obj);
	if (obj->users.count > 0 && out_wants_line(line, PCOL_COMMAND) &&
	    (command = sv_proc_cmdline(run->host_procs, obj->users.pids[0])) != NULL)
		out_set_str(line, PCOL_COMMAND, command);
	fill_ns(run, line, kind, view->ns);
	return 0;
}

static void warn_bad_sem(const struct sv_pobj *obj)
{
	cmd_warn("psem %s: its file is %llu bytes, not a sem_t (%zu): its value "
		 "is not read", obj->name, (unsigned long long)obj->size, sizeof(sem_t));
}

static int fill_posix(struct ls_run *run, struct sv_err *err)
{
	for (int p = 0; p < SV_NPKINDS; p++) {
		int kind = PKIND_BIT + p;

		if (run->tables[kind] == NULL)
			continue;
		for (size_t v = 0; v < run->nviews; v++) {
			const struct sv_plist *list = &run->views[v].posix;

			for (size_t i = 0; i < list->count[p]; i++) {
				const struct sv_pobj *obj = &list->objs[p][i];

				if (obj->bad_size)
					warn_bad_sem(obj);
				if (named(run->opts, obj) &&
				    sv_pfilter_match(&run->opts->filter, obj) &&
				    fill_posix_line(run, &run->views[v], kind, obj) != 0)
					return sv_fail(err, ENOMEM, "ls");
			}
		}
	}
	return 0;
}

static struct out_table *make_table(int kind, const struct ls_opts *opts,
				    struct sv_err *err)
{
	const struct ls_kind *desc = &ls_kinds[kind];
	char defaults[256];
	struct out_table *table;
	size_t len;

	snprintf(defaults, sizeof(defaults), "%s%s", opts->all_ns ? NS_LS_COLUMNS : "",
		 desc->defaults);
	table = out_table_new(desc->name, desc->cols, desc->ncols, defaults,
			      &opts->out, err);
	len = strlen(err->msg);
	/* -o applies to every kind listed: say which one lacks a column. */
	if (table == NULL && strcmp(err->ctx, "-o") == 0 && nkinds(opts->kinds) > 1)
		snprintf(err->msg + len, sizeof(err->msg) - len,
			 " (not a %s column)", desc->name);
	return table;
}

/* Whether the POSIX users must be looked for: shown, or --orphans. */
static bool wants_users(const struct ls_run *run)
{
	for (int k = PKIND_BIT; k < NKINDS; k++)
		if (run->tables[k] != NULL &&
		    (out_wants(run->tables[k], PCOL_USERS) ||
		     out_wants(run->tables[k], PCOL_PIDS) ||
		     out_wants(run->tables[k], PCOL_COMMAND) || run->opts->filter.orphans))
			return true;
	return false;
}

/* The System V objects of VIEW's namespace, listed from inside it. */
static int read_sysv(struct ls_run *run, struct ls_view *view, struct sv_err *err)
{
	unsigned kinds = run->opts->kinds & SYSV_MASK;
	int self_fd = -1, rc;

	if (kinds == 0)
		return 0;
	if (view->ns != NULL && !view->ns->ours &&
	    sv_ipcns_enter(view->ns, &self_fd, err) != 0)
		return err->errnum == ESRCH ? 0 : -1;   /* gone: nothing to list */
	run->procs = self_fd >= 0 ? sv_procs_new() : run->host_procs;
	rc = run->procs == NULL ? sv_fail(err, ENOMEM, "ls") :
	     sv_list_read_full(kinds, &view->sysv, err) != 0 ? -1 : fill_sysv(run, view, err);
	if (self_fd >= 0) {
		run->sysv_unseen += sv_procs_unseen(run->procs);
		sv_procs_free(run->procs);
		if (sv_ipcns_leave(self_fd, err) != 0)
			rc = -1;
	}
	return rc;
}

/* The POSIX objects of VIEW: under /proc/PID/root for another namespace,
 * each file system once (namespaces may share a /dev/shm). */
static int read_posix(struct ls_run *run, struct ls_view *view, dev_t *seen,
		      size_t *nseen, struct sv_err *err)
{
	unsigned kinds = (run->opts->kinds & POSIX_MASK) >> PKIND_BIT;
	char root[64] = "";

	if (view->ns != NULL && !view->ns->ours)
		snprintf(root, sizeof(root), "/proc/%d/root", (int)view->ns->pid);
	if (kinds == 0)
		return sv_plist_read(0, root, NULL, 0, &view->posix, err);
	if (sv_plist_read(kinds, root, seen, *nseen, &view->posix, err) != 0)
		return -1;
	for (int d = 0; d < 2; d++)
		if (view->posix.dirfd[d] >= 0)
			seen[(*nseen)++] = view->posix.dir_dev[d];
	return 0;
}

static int read_views(struct ls_run *run, struct sv_err *err)
{
	dev_t *seen;
	size_t nseen = 0;
	int rc = 0;

	run->nviews = 1;
	if (run->opts->all_ns && sv_ipcns_list(&run->nses, &run->nviews, err) != 0)
		return -1;
	run->views = calloc(run->nviews, sizeof(*run->views));
	seen = calloc(run->nviews * 2 + 1, sizeof(*seen));
	if (run->views == NULL || seen == NULL) {
		free(seen);
		return sv_fail(err, ENOMEM, "ls");
	}
	for (size_t v = 0; v < run->nviews && rc == 0; v++) {
		run->views[v].ns = run->nses != NULL ? &run->nses[v] : NULL;
		run->views[v].posix.dirfd[0] = run->views[v].posix.dirfd[1] = -1;
		rc = read_sysv(run, &run->views[v], err);
		if (rc == 0)
			rc = read_posix(run, &run->views[v], seen, &nseen, err);
	}
	free(seen);
	return rc;
}

/* /dev/mqueue not mounted: one note when pmq was named (sysvctl never
 * mounts it; a listing of every kind does without it quietly). */
static void warn_no_mqueue(const struct ls_run *run)
{
	if (run->opts->named_kinds & (1u << (PKIND_BIT + SV_PMQ)) && run->nviews > 0 &&
	    run->views[0].posix.no_mqueue)
		cmd_warn("/dev/mqueue: not mounted: POSIX message queues not listed "
			 "(mount -t mqueue none /dev/mqueue)");
}

static void fill_users(struct ls_run *run)
{
	struct sv_plist **lists = calloc(run->nviews, sizeof(*lists));

	if (lists == NULL)
		return;
	for (size_t v = 0; v < run->nviews; v++)
		lists[v] = &run->views[v].posix;
	run->posix_unseen += sv_plist_users(lists, run->nviews, geteuid() != 0);
	free(lists);
}

/* A user other than root may not read other users' processes: say that
 * their holds, waits and maps were not seen, so that "orphan" is taken
 * for what it is there.  (Root in a container may not read a parent
 * namespace's processes either; sysvctl-ls(1) says so, a warning each
 * time would not help.) */
static void warn_unseen(const struct ls_run *run)
{
	size_t unseen = sv_procs_unseen(run->host_procs) + run->sysv_unseen;

	if (geteuid() == 0)
		return;
	if (unseen > 0)
		cmd_warn("%zu process%s could not be inspected: a sem run holder or a "
			 "waiter among them is not seen (run as root)", unseen,
			 unseen == 1 ? "" : "es");
	if (run->posix_unseen > 0)
		cmd_warn("%zu process%s could not be inspected: a POSIX object nobody "
			 "was seen using has no USERS (cannot tell; run as root)",
			 run->posix_unseen, run->posix_unseen == 1 ? "" : "es");
}

/* --orphans where /proc shows only part of the processes: say why the
 * objects nobody was seen using are not listed. */
static void warn_proc_view(const struct ls_run *run)
{
	struct sv_filter others = run->opts->filter;
	size_t unseen = 0;

	if (!run->opts->filter.orphans)
		return;
	/* Only those the other filters would list. */
	others.orphans = false;
	for (size_t v = 0; v < run->nviews; v++)
		for (int k = 0; k < SV_NPKINDS; k++)
			for (size_t i = 0; i < run->views[v].posix.count[k]; i++) {
				const struct sv_pobj *obj = &run->views[v].posix.objs[k][i];

				unseen += cmd_pobj_unseen(obj) && sv_pfilter_match(&others, obj);
			}
	cmd_warn_proc_view(unseen, "not listed");
}

static void free_run(struct ls_run *run)
{
	for (int k = 0; k < NKINDS; k++)
		out_table_free(run->tables[k]);
	for (size_t v = 0; run->views != NULL && v < run->nviews; v++) {
		sv_list_free(&run->views[v].sysv);
		sv_plist_free(&run->views[v].posix);
	}
	free(run->views);
	free(run->nses);
	sv_procs_free(run->host_procs);
}

/* Whether the table of KIND takes the columns -o names. */
static bool takes_columns(int kind, const struct ls_opts *opts)
{
	struct sv_err unused;
	struct out_table *table = make_table(kind, opts, &unused);

	out_table_free(table);
	return table != NULL;
}

/* No kind named but -o given: leave out the family (System V, POSIX)
 * whose first kind lacks a column, so that "ls -o KIND,ID" still lists
 * every System V object; a column no family has is still an error. */
static void fit_kinds(struct ls_opts *opts)
{
	unsigned kinds = 0;

	if (opts->named_kinds != 0 || opts->out.columns == NULL)
		return;
	if ((opts->kinds & SYSV_MASK) && takes_columns(SV_SHM, opts))
		kinds |= opts->kinds & SYSV_MASK;
	if ((opts->kinds & POSIX_MASK) && takes_columns(PKIND_BIT + SV_PSHM, opts))
		kinds |= opts->kinds & POSIX_MASK;
	if (kinds != 0)
		opts->kinds = kinds;
}

static int list_objects(const struct ls_opts *opts)
{
	struct out_table *shown[NKINDS];
	struct ls_run run = { .opts = opts };
	size_t ntables = 0;
	struct sv_err err;
	int code = EXIT_OK;

	memset(&err, 0, sizeof(err));
	if ((run.host_procs = sv_procs_new()) == NULL) {
		sv_fail(&err, ENOMEM, "ls");
		return cmd_fail(&err);
	}
	for (int k = 0; k < NKINDS && code == EXIT_OK; k++)
		if (opts->kinds & (1u << k) &&
		    (shown[ntables++] = run.tables[k] = make_table(k, opts, &err)) == NULL)
			code = cmd_fail(&err);
	if (code == EXIT_OK && read_views(&run, &err) != 0)
		code = cmd_fail(&err);
	if (code == EXIT_OK && wants_users(&run))
		fill_users(&run);
	if (code == EXIT_OK && fill_posix(&run, &err) != 0)
		code = cmd_fail(&err);
	if (code == EXIT_OK)
		warn_no_mqueue(&run);
	if (code == EXIT_OK && out_print_tables(shown, ntables) != 0)
		code = EXIT_OSERR;
	warn_unseen(&run);
	if (code == EXIT_OK)
		warn_proc_view(&run);
	free_run(&run);
	return code;
}

int cmd_ls(int argc, char **argv)
{
	struct ls_opts opts;
	int code;

	memset(&opts, 0, sizeof(opts));
	opts.refs = calloc((size_t)argc, sizeof(*opts.refs));
	opts.names = calloc((size_t)argc, sizeof(*opts.names));
	if (opts.refs == NULL || opts.names == NULL) {
		free(opts.refs);
		free(opts.names);
		return EXIT_OSERR;
	}
	code = parse_args(argc, argv, &opts);
	if (code < 0 && opts.out.columns != NULL && strcmp(opts.out.columns, "help") == 0)
		code = print_columns(opts.kinds);
	if (code < 0) {
		fit_kinds(&opts);
		code = list_objects(&opts);
	}
	free(opts.refs);
	free(opts.names);
	return code;
}
