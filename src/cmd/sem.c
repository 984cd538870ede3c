/* sysvctl sem: semaphore sets and locks.  create, acquire, release, z,
 * get, set, stat, rm; run lives in sem_run.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/clock.h"
#include "ipc/parse.h"
#include "ipc/proc.h"
#include "ipc/ref.h"
#include "ipc/sem.h"
#include "psem_cmd.h"
#include "sem_cmd.h"
#include "sem_etcd.h"
#include "stop.h"

void sem_opts_init(struct sem_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->delta = 1;
	opts->new.nsems = 1;
	opts->new.value = 1;
	opts->new.mode = 0600;
	opts->kill_after.tv_sec = 10;
}

/* Parse one option of any verb into OPTS; false when OPT is none of them. */
bool sem_opt(int opt, struct sem_opts *opts, struct sv_err *err, int *rc)
{
	long long number;

	*rc = 0;
	if (cmd_wait_opt(opt, &opts->wait, &opts->has_nowait, rc, err))
		return true;
	switch (opt) {
	case 'd':
		*rc = parse_int(optarg, "-d", 1, SV_SEMVMX, &number, err);
		opts->delta = (int)number;
		return true;
	case 'i':
		*rc = parse_int(optarg, "-i", 0, 65535, &number, err);
		opts->index = (unsigned)number;
		return true;
	case 'c':
		opts->create = true;
		return true;
	case 'v':
		*rc = parse_int(optarg, "-v", 0, SV_SEMVMX, &number, err);
		opts->new.value = (int)number;
		opts->has_value = true;
		return true;
	case 'n':
		*rc = parse_int(optarg, "-n", 1, 1 << 20, &number, err);
		opts->new.nsems = (unsigned)number;
		opts->has_nsems = true;
		return true;
	case 'm':
		*rc = parse_mode(optarg, "-m", &opts->new.mode, err);
		opts->has_mode = true;
		return true;
	case 'p':
		opts->exist_ok = true;
		return true;
	case 'u':
		opts->up = true;
		return true;
	case 's':
	case 'x':
		opts->rw = opt == 's' ? 1 : 2;
		return true;
	case OPT_VERBOSE:
		opts->verbose = true;
		return true;
	case OPT_MAX_TIME:
		opts->has_max_time = true;
		*rc = parse_duration_above_zero(optarg, "--max-time", &opts->max_time, err);
		return true;
	case OPT_KILL_AFTER:
		*rc = parse_duration(optarg, "--kill-after", &opts->kill_after, err);
		return true;
	case 'E':
		*rc = parse_int(optarg, "-E", 0, 255, &number, err);
		opts->conflict_exit = (int)number;
		opts->has_conflict_exit = true;
		return true;
	default:
		return cmd_table_opt(opt, &opts->table);
	}
}

/* Parse the options of a verb; true when it must return *code now.  The
 * positional arguments are left at argv[optind...]. */
bool sem_parse_opts(int argc, char **argv, const char *optstring,
		       const struct option *longopts, const char *cmdpath,
		       const char *usage, struct sem_opts *opts, int *code)
{
	struct sv_err err;
	int opt, rc;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, optstring, longopts)) != -1) {
		if (sem_opt(opt, opts, &err, &rc)) {
			if (rc != 0) {
				*code = cmd_fail(&err);
				return true;
			}
		} else if (cmd_common_opt(opt, argv, cmdpath, usage, code)) {
			return true;
		}
	}
	if (cmd_wait_conflict(&opts->wait, opts->has_nowait, cmdpath, code))
		return true;
	opts->table.json = sv_globals.json;
	return false;
}

/* -v and -m only say what a set made by --create gets. */
bool sem_create_opts_ok(const struct sem_opts *opts, const char *cmdpath,
			   int *code)
{
	if (opts->create || (!opts->has_value && !opts->has_mode))
		return true;
	*code = cmd_usage_error(cmdpath, "-v and -m need --create");
	return false;
}

/* A stop signal came while the operation ran.  128+N must mean the value
 * is as it was, so an operation that went through is undone first: with
 * SEM_UNDO (sem run) the kernel does it as we end; without, a semop the
 * other way, which never waits.  Returns only when that fails: the
 * operation then stands, and saying so (exit 0) is the truth. */
static void settle_stop(const struct sv_obj *obj, const struct sem_opts *opts,
			int delta, bool undo, bool done)
{
	static const struct sv_wait no_wait = { .nowait = true };
	struct sv_err err;

	if (done && !undo && delta != 0 &&
	    sv_sem_op(obj, opts->index, -delta, false, &no_wait, &err) != 0) {
		cmd_warn("%s: %s came as the operation went through and it could "
			 "not be undone (%s): it stands", err.ctx,
			 cmd_stop_name(cmd_stop_signo), sv_err_text(&err));
		return;
	}
	cmd_stop_end();
}

/* An operation that may wait.  SIGINT, SIGTERM and SIGHUP are caught
 * before the first semop, not only once it waits: a signal that lands
 * just after the kernel granted the units would otherwise end us with
 * 128+N and the units taken (and a lock leaked).  Caught, such a signal
 * ends the wait (EINTR), and settle_stop makes 128+N true. */
int sem_wait_op(const struct sv_obj *obj, const struct sem_opts *opts,
		   int delta, bool undo, struct sv_err *err)
{
	struct sv_wait wait = opts->wait;
	struct timespec start;
	int rc;

	/* Adding units never waits: sem release needs no kick.  (sem run
	 * -u adds too, but hands COMMAND the caller's SIGALRM state.) */
	if (delta > 0 && !undo && opts->rw == 0)
		cmd_stop_catch_brief(false);
	else
		cmd_stop_catch(false);
	wait.stop = &cmd_stop_signo;
	if (opts->verbose)
		clock_gettime(CLOCK_MONOTONIC, &start);
	if (opts->rw != 0)
		rc = sv_sem_rw(obj, opts->index, opts->rw == 1, &wait, err);
	else
		rc = sv_sem_op(obj, opts->index, delta, undo, &wait, err);
	if (cmd_stop_signo != 0)
		settle_stop(obj, opts, delta, undo, rc == 0);
	/* As flock -v: one line, on stderr, also with -q (asked for). */
	if (rc == 0 && opts->verbose) {
		char what[64];

		fprintf(stderr, "sysvctl: %s: getting the lock took %.6f seconds\n",
			sv_obj_describe(obj, what, sizeof(what)),
			sv_mono_seconds_since(&start));
	}
	return rc;
}

/* Parse REF and open its set (creating it with --create). */
int sem_open_set(const char *text, struct sem_opts *opts,
		    struct sv_obj *obj, struct sv_err *err)
{
	struct sv_ref ref;

	if (sv_ref_parse(text, 0, &ref, err) != 0)
		return -1;
	if (!opts->create)
		return sv_sem_open(&ref, NULL, obj, err);
	if (opts->index + (opts->rw != 0) >= opts->new.nsems)
		opts->new.nsems = opts->index + 1 + (opts->rw != 0);
	return sv_sem_open(&ref, &opts->new, obj, err);
}

static const char create_usage[] =
	"Usage: sysvctl sem create REF [-v VALUE] [-n NSEMS] [-m MODE] [-p|--exist-ok]\n"
	"\n"
	"Create a semaphore set and print its id.  Every semaphore starts at\n"
	"VALUE (default 1: a free lock).  REF may be 'private'.\n"
	"\n"
	"Options:\n"
	"  -v, --value VALUE   first value of every semaphore, 0 to 32767 (default 1)\n"
	"  -n, --nsems NSEMS   semaphores in the set (default 1)\n"
	"  -m, --mode MODE     permissions, octal (default 0600)\n"
	"  -p, --exist-ok      open the set if the key is taken (its values stay)\n"
	"  -j, --json          print the stat object (as sem stat --json)\n"
	"  -h, --help          this help\n";

static int print_stat(const struct sem_opts *opts, const struct sv_sem_info *info,
		      const struct sv_semaphore *sems, struct sv_procs *procs,
		      const struct sv_sem_user *users, size_t nusers);

/* The id, or with --json the stat object (as shm and mq create print). */
static int print_created(const struct sv_obj *obj)
{
	struct sem_opts opts;
	struct sv_sem_info info;
	struct sv_semaphore *sems;
	struct sv_err err;
	int code;

	if (!sv_globals.json)
		return cmd_print_created(obj);
	sem_opts_init(&opts);
	opts.table.json = true;
	if (sv_sem_stat(obj, &info, &sems, &err) != 0)
		return cmd_fail(&err);
	code = print_stat(&opts, &info, sems, NULL, NULL, 0);   /* a new set: nobody holds or waits */
	free(sems);
	return code;
}

static int sem_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "value", required_argument, NULL, 'v' },
		{ "nsems", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "exist-ok", no_argument, NULL, 'p' },
		LONGOPT_END,
	};
	struct sem_opts opts;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_sem_info info;
	struct sv_semaphore *sems;
	bool created;
	int code;

	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "v:n:m:p", longopts,
		       "sem create", create_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem create", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return psem_verb(PSEM_CREATE, argv[optind], &opts);
	if (sv_ref_parse(argv[optind], SV_REF_ALLOW_PRIVATE, &ref, &err) != 0 ||
	    sv_sem_create(&ref, &opts.new, opts.exist_ok, &obj, &created, &err) != 0)
		return cmd_fail(&err);
	if (!created && opts.has_nsems &&
	    sv_sem_stat(&obj, &info, &sems, &err) == 0) {
		if (info.nsems != opts.new.nsems)
			cmd_warn("sem 0x%08x (id %d) exists with %u semaphore%s, not %u",
				 (unsigned)obj.key, obj.id, info.nsems,
				 info.nsems == 1 ? "" : "s", opts.new.nsems);
		free(sems);
	}
	return print_created(&obj);
}

static const char acquire_usage[] =
	"Usage: sysvctl sem acquire REF [-d DELTA] [-t TIMEOUT|--nowait] [-i INDEX]\n"
	"                           [-c|--create [-v VALUE] [-m MODE]] [--verbose]\n"
	"\n"
	"Subtract DELTA from the semaphore, waiting while its value is lower.\n"
	"The units stay taken after sysvctl exits: 'sem release' gives them back.\n"
	"SIGINT, SIGTERM, SIGHUP: exit 128+N with no unit taken (units granted\n"
	"as the signal came are given back); exit 0 means the units are taken.\n"
	"\n"
	"Options:\n"
	"  -d, --delta DELTA     units to take, 1 to 32767 (default 1)\n"
	"  -t, --timeout T       wait at most T (0.5, 250ms, 2m); 0: do not wait\n"
	"      --nowait          do not wait (exit 6 when busy)\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -c, --create          create the set if missing (race-free)\n"
	"  -v, --value VALUE     first value of a set made by --create (default 1)\n"
	"  -m, --mode MODE       permissions of a set made by --create (default 0600)\n"
	"      --verbose         say on stderr how long getting the units took\n"
	"  -h, --help            this help\n";

static int sem_acquire(int argc, char **argv)
{
	static const struct option longopts[] = {
		LONGOPT_DELTA, LONGOPT_TIMEOUT, LONGOPT_INDEX, LONGOPT_CREATE,
		LONGOPT_VERBOSE, LONGOPT_END,
	};
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (sem_etcd_refused(argc, argv, &code))
		return code;
	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "d:t:i:cv:m:", longopts,
		       "sem acquire", acquire_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem acquire", &code) ||
	    !sem_create_opts_ok(&opts, "sem acquire", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return psem_verb(PSEM_ACQUIRE, argv[optind], &opts);
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sem_wait_op(&obj, &opts, -opts.delta, false, &err) != 0)
		return cmd_fail_create(&err, "acquire or run");
	return EXIT_OK;
}

static const char release_usage[] =
	"Usage: sysvctl sem release REF [-d DELTA] [-i INDEX]\n"
	"\n"
	"Add DELTA to the semaphore (never waits), waking those waiting for it.\n"
	"\n"
	"Options:\n"
	"  -d, --delta DELTA     units to give, 1 to 32767 (default 1)\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -h, --help            this help\n";

static int sem_release(int argc, char **argv)
{
	static const struct option longopts[] = {
		LONGOPT_DELTA, LONGOPT_INDEX, LONGOPT_END,
	};
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (sem_etcd_refused(argc, argv, &code))
		return code;
	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "d:i:", longopts,
		       "sem release", release_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem release", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return psem_verb(PSEM_RELEASE, argv[optind], &opts);
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sem_wait_op(&obj, &opts, opts.delta, false, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

static const char z_usage[] =
	"Usage: sysvctl sem z REF [-t TIMEOUT|--nowait] [-i INDEX]\n"
	"\n"
	"Wait until the semaphore's value is zero.\n"
	"\n"
	"Options:\n"
	"  -t, --timeout T       wait at most T (0.5, 250ms, 2m); 0: do not wait\n"
	"      --nowait          do not wait (exit 6 when not zero)\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -h, --help            this help\n";

static int sem_z(int argc, char **argv)
{
	static const struct option longopts[] = {
		LONGOPT_TIMEOUT, LONGOPT_INDEX, LONGOPT_END,
	};
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "t:i:", longopts,
		       "sem z", z_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem z", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return psem_verb(PSEM_Z, argv[optind], &opts);
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sem_wait_op(&obj, &opts, 0, false, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

static const char get_usage[] =
	"Usage: sysvctl sem get REF [-i INDEX]\n"
	"\n"
	"Print the semaphore's value.\n"
	"\n"
	"Options:\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -j, --json            print {\"value\": N}\n"
	"  -h, --help            this help\n";

static int sem_get(int argc, char **argv)
{
	static const struct option longopts[] = { LONGOPT_INDEX, LONGOPT_END };
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	int code, value;

	if (sem_etcd_refused(argc, argv, &code))
		return code;
	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "i:", longopts,
		       "sem get", get_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem get", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return psem_verb(PSEM_GET, argv[optind], &opts);
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sv_sem_get(&obj, opts.index, &value, &err) != 0)
		return cmd_fail(&err);
	if (sv_globals.json) {
		static const char *const name = "value";
		long long number = value;

		return cmd_print_json_numbers(&name, &number, 1);
	}
	return cmd_put_number(value);
}

static const char set_usage[] =
	"Usage: sysvctl sem set REF VALUE [-i INDEX]\n"
	"\n"
	"Set the semaphore to VALUE (0 to 32767), waking those it lets through.\n"
	"\n"
	"Options:\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -h, --help            this help\n";

static int sem_set(int argc, char **argv)
{
	static const struct option longopts[] = { LONGOPT_INDEX, LONGOPT_END };
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	long long value;
	int code;

	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS "i:", longopts,
		       "sem set", set_usage, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 2, 2, "sem set", &code))
		return code;
	if (parse_int(argv[optind + 1], "VALUE", 0, SV_SEMVMX, &value, &err) != 0 ||
	    sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sv_sem_set(&obj, opts.index, (int)value, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

static bool is_semaphore_column(const char *name, size_t len)
{
	for (size_t i = 0; i < SEMAPHORE_NCOLS; i++)
		if (strlen(semaphore_columns[i].name) == len &&
		    strncasecmp(semaphore_columns[i].name, name, len) == 0)
			return true;
	return false;
}

/* Split a -o list between the set's table and the semaphores' table: a
 * name of a semaphore column goes to NESTED, any other to SET.  A "+"
 * list adds to both defaults; otherwise a table that gets no name is not
 * shown (its list is left empty). */
static void split_columns(const char *list, char *set, char *nested, size_t size)
{
	bool add = list[0] == '+';
	const char *p = list + add;

	strcpy(set, add ? "+" : "");
	strcpy(nested, add ? "+" : "");
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char *to = is_semaphore_column(p, len) ? nested : set;
		size_t used = strlen(to);

		if (used + len + 2 < size)
			snprintf(to + used, size - used, "%s%.*s",
				 used > (size_t)add ? "," : "", (int)len, p);
		p += len;
		if (*p == ',')
			p++;
	}
}

static const char stat_usage[] =
	"Usage: sysvctl sem stat REF [-o COLUMNS] [--raw] [--noheadings]\n"
	"\n"
	"Show the set (key, id, nsems, mode, owner, creator, otime, ctime: a\n"
	"vertical list unless -o, --raw, --noheadings or -e), a table of its\n"
	"semaphores (index, value, ncnt, zcnt, pid) and, under them, its holders\n"
	"and waiters as 'sem who' prints them (not with -o, --raw, --noheadings\n"
	"or --export).  --json prints one object with the lists \"semaphores\",\n"
	"\"holders\" and \"waiters\".\n"
	"\n"
	"Options:\n"
	"  -o, --output COLUMNS  columns of either table ('-o help' lists them;\n"
	"                        '+A,B' adds to the defaults)\n"
	"      --raw             no alignment; an empty cell is '-'\n"
	"      --noheadings      no header line\n"
	"  -e, --export          NAME=\"value\" pairs\n"
	"      --notruncate      never cut a column to fit the terminal\n"
	"      --time-format F  times as iso (with the UTC offset), short or epoch\n"
	"  -j, --json            one JSON object\n"
	"  -h, --help            this help\n";

/* The two tables stat prints; either may stay NULL when -o leaves it out. */
static int stat_tables(const struct sem_opts *opts, struct out_table **set,
		       struct out_table **nested, struct sv_err *err)
{
	struct out_opts set_opts = opts->table, nested_opts = opts->table;
	char set_cols[512] = "", nested_cols[512] = "";

	*set = *nested = NULL;
	set_opts.single = opts->table.columns == NULL;  /* a vertical list */
	if (opts->table.columns != NULL) {
		split_columns(opts->table.columns, set_cols, nested_cols,
			      sizeof(set_cols));
		set_opts.columns = strcmp(set_cols, "+") == 0 ? NULL : set_cols;
		nested_opts.columns = strcmp(nested_cols, "+") == 0 ? NULL : nested_cols;
	}
	if (set_opts.columns == NULL || set_opts.columns[0] != '\0') {
		*set = out_table_new("sem", sem_columns, SEM_NCOLS,
				     SEM_STAT_COLUMNS, &set_opts, err);
		if (*set == NULL)
			return -1;
		out_table_labels(*set, sem_labels);
	}
	if (nested_opts.columns == NULL || nested_opts.columns[0] != '\0') {
		*nested = out_table_new("semaphores", semaphore_columns,
					SEMAPHORE_NCOLS, SEMAPHORE_COLUMNS,
					&nested_opts, err);
		if (*nested == NULL)
			return -1;
	}
	return 0;
}

/* Whether stat shows the holders and waiters: in JSON, and under the
 * default tables (a script's -o, --raw... get the tables alone). */
static bool stat_shows_users(const struct out_opts *table)
{
	return table->json || (table->columns == NULL && !table->raw &&
			       !table->noheadings && !table->export);
}

/* The tables, then (as text) the holders and waiters in sem who's form;
 * as JSON they are lists in the object. */
static int print_object(const struct sem_opts *opts, struct out_table *set,
			struct out_table *nested, const struct sv_sem_user *users,
			size_t nusers)
{
	struct out_table *lists[3] = { nested };
	struct sv_err err;
	int rc;

	if (!opts->table.json) {
		rc = out_print_object(set, nested);
		if (rc == 0 && nusers > 0 && stat_shows_users(&opts->table)) {
			putchar('\n');
			sem_users_print(stdout, users, nusers);
			rc = fflush(stdout);
		}
		return rc == 0 ? EXIT_OK : EXIT_OSERR;
	}
	if (sem_users_tables(users, nusers, lists + 1, &err) != 0)
		return cmd_fail(&err);
	rc = out_print_object_lists(set, nested ? lists : lists + 1,
				    nested ? 3 : 2);
	sem_users_tables_free(lists + 1);
	return rc == 0 ? EXIT_OK : EXIT_OSERR;
}

static int print_stat(const struct sem_opts *opts, const struct sv_sem_info *info,
		      const struct sv_semaphore *sems, struct sv_procs *procs,
		      const struct sv_sem_user *users, size_t nusers)
{
	struct out_table *set, *nested;
	struct out_line *line;
	struct sv_err err;
	int rc = EXIT_OSERR;

	if (stat_tables(opts, &set, &nested, &err) != 0) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (set != NULL) {
		if ((line = out_line_new(set)) == NULL)
			goto out;
		columns_fill_sem(line, info);
		columns_fill_sem_users(line, info->perm.id, procs);
	}
	for (unsigned i = 0; nested != NULL && i < info->nsems; i++) {
		if ((line = out_line_new(nested)) == NULL)
			goto out;
		columns_fill_semaphore(line, &sems[i]);
	}
	if (set != NULL)
		rc = print_object(opts, set, nested, users, nusers);
	else
		rc = out_print_tables(&nested, 1) == 0 ? EXIT_OK : EXIT_OSERR;
out:
	out_table_free(set);
	out_table_free(nested);
	return rc;
}

static int sem_stat(int argc, char **argv)
{
	static const struct option longopts[] = { CMD_TABLE_LONGOPTS, LONGOPT_END };
	struct sem_opts opts;
	struct sv_sem_info info;
	struct sv_semaphore *sems;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_procs *procs = NULL;
	struct sv_sem_user *users = NULL;
	size_t nusers = 0;
	int code;

	if (sem_etcd_ref(argc, argv) != NULL)
		return sem_etcd_stat(argc, argv);
	sem_opts_init(&opts);
	if (sem_parse_opts(argc, argv, CMD_COMMON_SHORTOPTS CMD_TABLE_SHORTOPTS,
		       longopts, "sem stat", stat_usage, &opts, &code))
		return code;
	if (opts.table.columns != NULL && strcmp(opts.table.columns, "help") == 0) {
		out_print_columns(stdout, sem_columns, SEM_NCOLS);
		out_print_columns(stdout, semaphore_columns, SEMAPHORE_NCOLS);
		return EXIT_OK;
	}
	if (!cmd_nargs_ok(argc - optind, 1, 1, "sem stat", &code))
		return code;
	if (sv_ref_is_posix(argv[optind])) {
		opts.table.json = sv_globals.json;
		return psem_verb(PSEM_STAT, argv[optind], &opts);
	}
	if (sem_open_set(argv[optind], &opts, &obj, &err) != 0 ||
	    sv_sem_stat(&obj, &info, &sems, &err) != 0)
		return cmd_fail(&err);
	if (!stat_shows_users(&opts.table) && (procs = sv_procs_new()) == NULL)
		sv_obj_fail(&err, ENOMEM, &obj);
	if ((stat_shows_users(&opts.table) &&
	     sem_users_find(&obj, false, &procs, &users, &nusers, &err) != 0) ||
	    procs == NULL)
		code = cmd_fail(&err);
	else
		code = print_stat(&opts, &info, sems, procs, users, nusers);
	free(users);
	sv_procs_free(procs);
	free(sems);
	return code;
}

static const char rm_usage[] =
	"Usage: sysvctl sem rm REF...\n"
	"\n"
	"Remove semaphore sets.  Processes waiting on them wake with an error.\n"
	"A REF that names no set is reported and the others are still removed\n"
	"(exit 3).\n"
	"\n"
	"Options:\n"
	"  -h, --help            this help\n";

static int sem_rm(int argc, char **argv)
{
	return cmd_rm_verb(SV_SEM, argc, argv, rm_usage);
}

static const char sem_usage[] =
	"Usage: sysvctl sem create  REF [-v VALUE] [-n NSEMS] [-m MODE] [-p|--exist-ok]\n"
	"       sysvctl sem acquire REF [-d DELTA] [-t TIMEOUT|--nowait] [-i INDEX]\n"
	"                               [-c|--create [-v VALUE] [-m MODE]] [--verbose]\n"
	"       sysvctl sem release REF [-d DELTA] [-i INDEX]\n"
	"       sysvctl sem z       REF [-t TIMEOUT|--nowait] [-i INDEX]\n"
	"       sysvctl sem get     REF [-i INDEX]\n"
	"       sysvctl sem set     REF VALUE [-i INDEX]\n"
	"       sysvctl sem stat    REF [-o COLUMNS] [--raw] [--noheadings]\n"
	"       sysvctl sem rm      REF...\n"
	"       sysvctl sem run     REF [-d DELTA] [-t TIMEOUT|--nowait] [-u|--up]\n"
	"                               [-c|--create [-v VALUE] [-m MODE]] [-i INDEX]\n"
	"                               [-E|--conflict-exit-code N] [-s|--shared|-x|--exclusive]\n"
	"                               [--max-time DUR\n"
	"                               [--kill-after DUR]] [--verbose] [--] COMMAND [ARG...]\n"
	"       sysvctl sem run     etcd:NAME [-v SLOTS] [-t TIMEOUT|--nowait] [-E N]\n"
	"                               [--max-time DUR [--kill-after DUR]]\n"
	"                               [--ttl DUR] [--etcd URLS] [--] COMMAND [ARG...]\n"
	"       sysvctl sem who     REF | etcd:NAME\n"
	"\n"
	"REF /NAME is a POSIX named semaphore (sem_open, /dev/shm/sem.NAME):\n"
	"one value, no -i, no undo (run refuses it); z polls its value every\n"
	"10 ms.\n"
	"\n"
	"Semaphore sets and locks.  A set still being initialised by its\n"
	"creator (otime 0, ctime under 2 s old) is waited for, at most 1 s.\n"
	"'sysvctl sem VERB --help' for a verb; see sysvctl-sem(1).\n";

int cmd_sem(int argc, char **argv)
{
	static const struct cmd verbs[] = {
		{ "create", sem_create, "create a set" },
		{ "acquire", sem_acquire, "take units, waiting" },
		{ "release", sem_release, "give units back" },
		{ "z", sem_z, "wait for zero" },
		{ "get", sem_get, "print a value" },
		{ "set", sem_set, "set a value" },
		{ "stat", sem_stat, "show a set" },
		{ "rm", sem_rm, "remove sets" },
		{ "run", sem_run, "run a command holding units" },
		{ "who", sem_who, "show holders and waiters" },
	};

	return cmd_dispatch("sem", verbs, sizeof(verbs) / sizeof(verbs[0]),
			    argc, argv, sem_usage);
}
