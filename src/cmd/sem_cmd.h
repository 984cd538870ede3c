/* What the sem verbs share: their options, and the open-and-wait steps
 * that both sem.c and sem_run.c use. */
#ifndef SYSVCTL_SEM_CMD_H
#define SYSVCTL_SEM_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "cmd.h"
#include "ipc/ref.h"
#include "ipc/sem.h"

/* Everything a verb's options can say; each verb accepts its own subset. */
struct sem_opts {
	int delta;
	unsigned index;
	struct sv_sem_wait wait;
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
	struct out_opts table;
};

enum { OPT_NOWAIT = OPT_CMD_FIRST };

#define LONGOPT_DELTA { "delta", required_argument, NULL, 'd' }
#define LONGOPT_TIMEOUT { "timeout", required_argument, NULL, 't' }, \
	{ "nowait", no_argument, NULL, OPT_NOWAIT }
#define LONGOPT_INDEX { "index", required_argument, NULL, 'i' }
#define LONGOPT_CREATE { "create", no_argument, NULL, 'c' }, \
	{ "value", required_argument, NULL, 'v' }, \
	{ "mode", required_argument, NULL, 'm' }
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

/* sem run, in sem_run.c. */
int sem_run(int argc, char **argv);

/* Become COMMAND (stop signals handed back first); returns 126 or 127,
 * after the error, when it cannot be executed. */
int sem_exec_command(char **command);

#endif
