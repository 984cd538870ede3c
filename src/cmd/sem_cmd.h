/* What the sem verbs share: their options, and the open-and-wait steps
 * that both sem.c and sem_run.c use. */
#ifndef SYSVCTL_SEM_CMD_H
#define SYSVCTL_SEM_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "cmd.h"
#include "ipc/ref.h"
#include "ipc/sem.h"

/* Everything a verb's options can say; each verb accepts its own subset. */
struct sem_opts {
	int delta;
	unsigned index;
	struct sv_wait wait;
	bool create;
	bool has_value;
	struct sv_sem_new new;
	bool has_nsems;
	bool has_mode;
	bool exist_ok;
	bool has_nowait;        /* --nowait given (not just -t 0) */
	bool up;
	bool has_conflict_exit;
	int conflict_exit;
	bool verbose;           /* --verbose: say how long the wait took */
	int rw;                 /* run --shared (1) or --exclusive (2); 0: neither */
	bool has_max_time;      /* run --max-time */
	struct timespec max_time, kill_after;
	struct out_opts table;
};

enum { OPT_VERBOSE = OPT_CMD_FIRST, OPT_MAX_TIME, OPT_KILL_AFTER };

#define LONGOPT_DELTA { "delta", required_argument, NULL, 'd' }
#define LONGOPT_TIMEOUT CMD_WAIT_LONGOPTS
#define LONGOPT_INDEX { "index", required_argument, NULL, 'i' }
#define LONGOPT_CREATE { "create", no_argument, NULL, 'c' }, \
	{ "value", required_argument, NULL, 'v' }, \
	{ "mode", required_argument, NULL, 'm' }
#define LONGOPT_RUN { "up", no_argument, NULL, 'u' }, \
	{ "conflict-exit-code", required_argument, NULL, 'E' }
#define LONGOPT_VERBOSE { "verbose", no_argument, NULL, OPT_VERBOSE }
#define LONGOPT_END CMD_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }

void sem_opts_init(struct sem_opts *opts);

/* Parse one option of any verb into OPTS; false when OPT is none of them. */
bool sem_opt(int opt, struct sem_opts *opts, struct sv_err *err, int *rc);

/* Parse the options of a verb; true when it must return *code now.  The
 * positional arguments are left at argv[optind...]. */
bool sem_parse_opts(int argc, char **argv, const char *optstring,
		const struct option *longopts, const char *cmdpath,
		const char *usage, struct sem_opts *opts, int *code);

/* -v and -m only say what a set made by --create gets. */
bool sem_create_opts_ok(const struct sem_opts *opts, const char *cmdpath, int *code);

/* An operation that may wait, with SIGINT, SIGTERM and SIGHUP caught:
 * one that comes ends the process with 128+N and the value as it was
 * (the operation undone if it went through). */
int sem_wait_op(const struct sv_obj *obj, const struct sem_opts *opts,
	    int delta, bool undo, struct sv_err *err);

/* Parse REF and open its set (creating it with --create). */
int sem_open_set(const char *text, struct sem_opts *opts, struct sv_obj *obj,
	     struct sv_err *err);

/* sem run --max-time, in sem_watch.c: fork; in the child (which takes
 * the units and executes COMMAND) return -1 with *READY_FD to pass to
 * sem_watch_ready once the units are taken; in the parent, watch the
 * child: forward stop signals to it, SIGTERM it once it has held the
 * units for MAX, SIGKILL it GRACE later, and return the exit code
 * (SEM_EXIT_TIMEOUT when the time ran out; else the child's). */
#define SEM_EXIT_TIMEOUT 124
int sem_watch_fork(const struct timespec *max, const struct timespec *grace,
		   const char *what, int *ready_fd);
void sem_watch_ready(int ready_fd);

/* The line on stderr as --max-time sends SIGNO (SIGTERM or SIGKILL) to
 * COMMAND, the holder of WHAT, after it held it for MAX. */
void sem_max_time_say(const char *what, const struct timespec *max,
		      pid_t command, int signo);

/* sem run, in sem_run.c. */
int sem_run(int argc, char **argv);

/* sem who, and what sem stat shows of the same, in sem_who.c. */
struct sv_procs;
struct sv_sem_user;
int sem_who(int argc, char **argv);

/* Scan /proc for the holders and waiters of OBJ (with WARN, a warning
 * about processes that could not be inspected); free *USERS and *PROCS
 * after. */
int sem_users_find(const struct sv_obj *obj, bool warn, struct sv_procs **procs,
		   struct sv_sem_user **users, size_t *n, struct sv_err *err);

/* The "holds ..." and "waits ..." lines of sem who. */
void sem_users_print(FILE *stream, const struct sv_sem_user *users, size_t n);

/* USERS as the JSON lists "holders" and "waiters" (tables[0], tables[1]). */
int sem_users_tables(const struct sv_sem_user *users, size_t n,
		     struct out_table *tables[2], struct sv_err *err);
void sem_users_tables_free(struct out_table *tables[2]);

/* Become COMMAND (stop signals handed back first); returns 126 or 127,
 * after the error, when it cannot be executed. */
int sem_exec_command(char **command);

#endif
