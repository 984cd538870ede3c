/* sysvctl sem run: take units with SEM_UNDO, then become COMMAND, so that
 * the kernel gives the units back however COMMAND ends. */
#define _GNU_SOURCE     /* environ */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/users.h"
#include "psem_cmd.h"
#include "sem_cmd.h"
#include "sem_etcd.h"
#include "stop.h"

static const char run_usage[] =
	"Usage: sysvctl sem run REF [-d DELTA] [-t TIMEOUT|--nowait] [-u|--up]\n"
	"                       [-c|--create [-v VALUE] [-m MODE]] [-i INDEX]\n"
	"                       [-E|--conflict-exit-code N] [-s|--shared|-x|--exclusive]\n"
	"                       [--max-time DUR\n"
	"                       [--kill-after DUR]] [--verbose] [--] COMMAND [ARG...]\n"
	"\n"
	"Take DELTA units with SEM_UNDO, then execute COMMAND in this process:\n"
	"the kernel gives the units back when COMMAND ends, however it ends.\n"
	"The exit status is COMMAND's (126: not executable, 127: not found).\n"
	"\n"
	"Options:\n"
	"  -d, --delta DELTA     units to take, 1 to 32767 (default 1)\n"
	"  -t, --timeout T       wait at most T (0.5, 250ms, 2m); 0: do not wait\n"
	"      --nowait          do not wait (exit 6 when busy)\n"
	"  -u, --up              add DELTA instead (never waits): a count of\n"
	"                        running holders for 'sem z'\n"
	"  -c, --create          create the set if missing (race-free); it starts\n"
	"                        at 1, or at 0 with --up\n"
	"  -v, --value VALUE     first value of a set made by --create\n"
	"  -m, --mode MODE       permissions of a set made by --create (default 0600)\n"
	"  -i, --index INDEX     the semaphore in the set (default 0)\n"
	"  -E, --conflict-exit-code N\n"
	"                        exit N instead of 6 when busy or timed out\n"
	"      --max-time DUR    SIGTERM to COMMAND once it has held the units for\n"
	"                        DUR; exit 124 (sem run then forks: COMMAND is the\n"
	"                        child, which takes the units and still holds them)\n"
	"      --kill-after DUR  SIGKILL DUR after that SIGTERM (default 10s)\n"
	"  -s, --shared          a shared hold of the lock made of semaphores INDEX\n"
	"                        and INDEX+1 (--create makes both): any number of\n"
	"                        shared holders run together\n"
	"  -x, --exclusive       an exclusive hold of that lock: it runs alone\n"
	"      --verbose         say on stderr how long getting the units took\n"
	"  -h, --help            this help\n"
	"\n"
	"REF may be etcd:NAME, a lock across hosts: 'sysvctl sem run etcd:NAME --help'.\n";

/* Parse run's options: those before REF, REF, those after it up to "--"
 * or the first other word, which is COMMAND.  *command_at is its index. */
static bool parse_run_opts(int argc, char **argv, struct sem_opts *opts,
			   int *ref_at, int *command_at, int *code)
{
	static const struct option longopts[] = {
		LONGOPT_DELTA, LONGOPT_TIMEOUT, LONGOPT_INDEX, LONGOPT_CREATE,
		LONGOPT_RUN,
		{ "shared", no_argument, NULL, 's' },
		{ "exclusive", no_argument, NULL, 'x' },
		{ "max-time", required_argument, NULL, OPT_MAX_TIME },
		{ "kill-after", required_argument, NULL, OPT_KILL_AFTER },
		LONGOPT_VERBOSE, LONGOPT_END,
	};
	/* "+": stop at the first word that is not an option, so that the
	 * options of COMMAND stay COMMAND's. */
	static const char optstring[] = "+" CMD_COMMON_SHORTOPTS "d:t:i:cv:m:uE:sx";
	bool after_dashes;

	if (sem_parse_opts(argc, argv, optstring, longopts, "sem run", run_usage,
		       opts, code))
		return true;
	after_dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	*ref_at = optind;
	if (*ref_at < argc && !after_dashes) {
		/* Parse again from REF on, REF standing as argv[0]. */
		int start = *ref_at;

		if (sem_parse_opts(argc - start, argv + start, optstring, longopts,
			       "sem run", run_usage, opts, code))
			return true;
		*command_at = start + optind;
	} else {
		*command_at = *ref_at + 1;
	}
	if (*ref_at >= argc) {
		*code = cmd_usage_error("sem run", "missing REF");
		return true;
	}
	if (*command_at >= argc) {
		*code = cmd_usage_error("sem run", "missing COMMAND");
		return true;
	}
	return false;
}

/* COMMAND's environment, built without allocating: this one's entries
 * with the marker in place of an inherited one (or added at the end, as
 * setenv(3) does).  An environment of more than RUN_ENV_MAX entries goes
 * through setenv instead. */
#define RUN_ENV_MAX 1024
#define HOLD_PREFIX SV_HOLD_ENV "="

struct run_env {
	char *entries[RUN_ENV_MAX + 2];
	char marker[sizeof(HOLD_PREFIX) + SV_HOLD_MAX];
};

/* Make ENV (its marker filled) the environment COMMAND is executed with. */
static int put_marker(struct run_env *env)
{
	size_t prefix_len = sizeof(HOLD_PREFIX) - 1, n, at = SIZE_MAX;

	for (n = 0; environ[n] != NULL; n++)
		if (at == SIZE_MAX && strncmp(environ[n], HOLD_PREFIX, prefix_len) == 0)
			at = n;
	if (n > RUN_ENV_MAX)
		return setenv(SV_HOLD_ENV, env->marker + prefix_len, 1);
	memcpy(env->entries, environ, n * sizeof(*environ));
	if (at == SIZE_MAX)
		at = n++;
	env->entries[at] = env->marker;
	env->entries[n] = NULL;
	environ = env->entries;
	return 0;
}

/* Name this process as the holder in COMMAND's environment, so that
 * `ls --orphans` sees the hold after another process has operated on the
 * set (the last-operation pid then names that one).  Without it the lock
 * still works: only warn. */
static void mark_holder(const struct sv_obj *obj, unsigned index, int sem_op,
			struct run_env *env)
{
	size_t prefix_len = sizeof(HOLD_PREFIX) - 1;
	char what[64];

	memcpy(env->marker, HOLD_PREFIX, prefix_len);
	if (sv_hold_format_since(env->marker + prefix_len, sizeof(env->marker) - prefix_len,
				 getenv(SV_HOLD_ENV), getpid(), obj->id, index,
				 sem_op, time(NULL)) != 0 ||
	    put_marker(env) != 0)
		cmd_warn("%s: %s not set: 'ls --orphans' may not see this holder",
			 sv_obj_describe(obj, what, sizeof(what)), SV_HOLD_ENV);
}

/* Become COMMAND; only returns when it could not be executed, and then
 * exiting gives the units back (SEM_UNDO). */
int sem_exec_command(char **command)
{
	struct sv_err err;
	int errnum;

	fflush(stdout);
	/* COMMAND gets the signals from here on; a stop that came before
	 * ends us instead, and SEM_UNDO gives the units back. */
	cmd_stop_before_exec();
	execvp(command[0], command);
	errnum = errno;
	sv_fail(&err, errnum, "%s", command[0]);
	if (errnum == ENOENT) {
		sv_msg(&err, "command not found");
		cmd_fail(&err);
		return 127;
	}
	cmd_fail(&err);
	return 126;
}

int sem_run(int argc, char **argv)
{
	/* Static: environ points into it from mark_holder on, also after a
	 * failed exec returns 126 or 127 (still no allocation). */
	static struct run_env env;
	struct sem_opts opts;
	struct sv_obj obj;
	struct sv_err err;
	int ref_at, command_at, code, ready_fd = -1;

	if (sem_etcd_ref(argc, argv) != NULL)
		return sem_etcd_run(argc, argv);
	sem_opts_init(&opts);
	if (parse_run_opts(argc, argv, &opts, &ref_at, &command_at, &code))
		return code;
	if (sv_ref_is_posix(argv[ref_at]))
		return psem_no_run(argv[ref_at]);
	if (!sem_create_opts_ok(&opts, "sem run", &code))
		return code;
	if (opts.rw != 0 && (opts.up || opts.delta != 1))
		return cmd_usage_error("sem run", "--shared and --exclusive take one "
				       "unit: not with -u or -d");
	if (opts.rw != 0 && opts.has_value)
		return cmd_usage_error("sem run", "--shared and --exclusive make both "
				       "semaphores 1 (a free lock): not with -v");
	if (opts.has_max_time &&
	    (code = sem_watch_fork(&opts.max_time, &opts.kill_after,
				   argv[ref_at], &ready_fd)) >= 0)
		return code;
	if (opts.up && !opts.has_value)
		opts.new.value = 0;
	if (sem_open_set(argv[ref_at], &opts, &obj, &err) != 0 ||
	    sem_wait_op(&obj, &opts, opts.up ? opts.delta : -opts.delta, true, &err) != 0) {
		code = cmd_fail_create(&err, "acquire or run");
		if (code == EXIT_BUSY && opts.has_conflict_exit)
			code = opts.conflict_exit;
		return code;
	}
	if (opts.rw == 1)
		mark_holder(&obj, opts.index + 1, 1, &env);
	else
		mark_holder(&obj, opts.index, opts.rw == 2 || !opts.up ? -opts.delta : opts.delta,
			    &env);
	if (ready_fd >= 0)
		sem_watch_ready(ready_fd);
	return sem_exec_command(argv + command_at);
}

