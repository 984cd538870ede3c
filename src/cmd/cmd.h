/* What every command shares: the global options, the command tables and
 * dispatch, option handling common to every verb, and turning a core error
 * into the contract's message and exit code. */
#ifndef SYSVCTL_CMD_H
#define SYSVCTL_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"
#include "ipc/ref.h"
#include "ipc/wait.h"
#include "out.h"

/* Exit codes of the contract. */
enum {
	EXIT_OK = 0,
	EXIT_OSERR = 1,
	EXIT_USAGE = 2,
	EXIT_NOENT = 3,
	EXIT_PERM = 4,
	EXIT_EXISTS = 5,
	EXIT_BUSY = 6,
	EXIT_LIMIT = 7,
	EXIT_INCOMPLETE = 8,    /* shm read --framed: a write was interrupted */
	EXIT_NOSYS = 9,         /* the kernel has no System V IPC (ENOSYS) */
	EXIT_UNREACHABLE = 10,  /* etcd: no endpoint answers */
};

/* The global options.  Filled while options are parsed (before the
 * command, and -j/-q/-h after it), read-only once a command does work. */
struct sv_globals {
	bool json;
	bool quiet;
	const char *ns;
};
extern struct sv_globals sv_globals;

/* A command or a verb: NAME runs RUN(argc, argv) with argv[0] == NAME. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Run the verb argv[1] of command PARENT from CMDS.  No verb, or -h, prints
 * USAGE; an unknown verb is a usage error. */
int cmd_dispatch(const char *parent, const struct cmd *cmds, size_t ncmds,
		 int argc, char **argv, const char *usage);

/* Print "sysvctl: CTX: MESSAGE" (and "hint: ..."), return the exit code. */
int cmd_fail(const struct sv_err *err);

/* cmd_fail for a verb with --create: a missing object's hint also offers
 * "or pass --create to CREATE_USE". */
int cmd_fail_create(const struct sv_err *err, const char *create_use);

/* The hint for the pitfall ERR->cause (hint.c), worded with our syntax;
 * empty for none, and for one that would not fit in SIZE or would quote a
 * REF too long to keep (never a command cut short).  CREATE_USE as for cmd_fail_create. */
void cmd_cause_hint(const struct sv_err *err, const char *create_use,
		    char *hint, size_t size);

/* The exit code an error number stands for. */
int cmd_exit_code(int errnum);

/* A usage error about CMDPATH ("shm read"): one line, exit 2. */
int cmd_usage_error(const char *cmdpath, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "sysvctl: warning: ...", unless -q. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The data argument ARG of shm write or mq send: NULL (read stdin) when
 * it is absent (NULL) or "-", as for cat. */
const char *cmd_data_arg(const char *arg);

/* Before reading the data from stdin: when stdin is a terminal, say so
 * (a warning) instead of waiting silently. */
void cmd_note_tty_stdin(const char *cmdpath);

/* Print a usage text to stdout, return EXIT_OK. */
int cmd_help(const char *usage);

/* The options every verb accepts, to end its long option array with. */
#define CMD_COMMON_LONGOPTS \
	{ "json", no_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }

/* Short options every verb accepts; verbs start their optstring with it
 * (the leading ':' makes getopt report a missing argument as ':'). */
#define CMD_COMMON_SHORTOPTS ":jqh"

/* getopt_long(argc, argv, OPTSTRING, LONGOPTS, NULL) for a loop that set
 * optind to 0 first.  When no argument looks like an option, the answer
 * is known, -1 with optind 1, and getopt_long is not called: its pages of
 * libc are a measurable part of a call like 'sem get K' in a loop. */
int cmd_getopt(int argc, char **argv, const char *optstring,
	       const struct option *longopts);

/* Handle -j, -q, -h, an unknown option or a missing argument, as returned
 * by getopt_long.  Returns true when the verb must return *exit_code now
 * (help printed, or a usage error). */
bool cmd_common_opt(int opt, char **argv, const char *cmdpath,
		    const char *usage, int *exit_code);

/* Check that NARGS positional arguments (min..max; max -1 for any) were
 * given; otherwise print a usage error and return false. */
bool cmd_nargs_ok(int nargs, int min, int max, const char *cmdpath,
		  int *exit_code);

/* Long options of the commands that print tables (ls, stat, limits). */
enum {
	OPT_RAW = 0x100,
	OPT_NOHEADINGS,
	OPT_BYTES,
	OPT_NOTRUNCATE,
	OPT_TIME_FORMAT,
	OPT_NOWAIT,
	OPT_CMD_FIRST,      /* verbs number their own long-only options from here */
};
#define CMD_TABLE_LONGOPTS \
	{ "raw", no_argument, NULL, OPT_RAW }, \
	{ "noheadings", no_argument, NULL, OPT_NOHEADINGS }, \
	{ "bytes", no_argument, NULL, OPT_BYTES }, \
	{ "export", no_argument, NULL, 'e' }, \
	{ "notruncate", no_argument, NULL, OPT_NOTRUNCATE }, \
	{ "time-format", required_argument, NULL, OPT_TIME_FORMAT }, \
	{ "output", required_argument, NULL, 'o' }
#define CMD_TABLE_SHORTOPTS "o:e"

/* The options of the verbs that wait: -t TIMEOUT and --nowait. */
#define CMD_WAIT_LONGOPTS \
	{ "timeout", required_argument, NULL, 't' }, \
	{ "nowait", no_argument, NULL, OPT_NOWAIT }

/* Handle -t (optarg) or --nowait into WAIT (-t 0 is --nowait; the last
 * -t wins); false when OPT is neither.  *HAS_NOWAIT: --nowait was given.
 * *RC: 0, or -1 with ERR for a malformed -t. */
bool cmd_wait_opt(int opt, struct sv_wait *wait, bool *has_nowait, int *rc,
		  struct sv_err *err);

/* Once the options are parsed: -t and --nowait both given are a usage
 * error about CMDPATH (true, *CODE set). */
bool cmd_wait_conflict(const struct sv_wait *wait, bool has_nowait,
		       const char *cmdpath, int *code);

/* Handle a table option into OPTS; false when OPT is not one. */
bool cmd_table_opt(int opt, struct out_opts *opts);

/* Check the table options once all are parsed (--json with --raw or
 * --export is a usage error); false after printing the error. */
bool cmd_table_opts_ok(const struct out_opts *opts, int *exit_code);

/* Parse the options of a verb that prints one table (-o, --raw,
 * --noheadings, -e, --notruncate, --bytes and the common ones) into OPTS,
 * json included, and check them.  "-o help" lists COLS.  True when the
 * verb must return *exit_code now. */
bool cmd_table_opts(int argc, char **argv, const char *cmdpath,
		    const char *usage, const struct out_col *cols, size_t ncols,
		    struct out_opts *opts, int *exit_code);

/* Print TEXT and a newline on stdout, whole, with one write(2) when it
 * fits; the exit code.  The one-line answers of the commands scripts call
 * in loops (sem get, key, create) skip stdio and the printf family, whose
 * set-up and pages of libc are a measurable part of such a call. */
int cmd_put_line(const char *text);

/* The same for a number in decimal, and for a key as 0x%08x. */
int cmd_put_number(long long value);
int cmd_put_key(key_t key);

/* Write all SIZE bytes of BUF to FD (stdout's data: mq recv, shm read):
 * as many write(2) calls as it takes, a full non-blocking FD waited on
 * with poll(2), a signal's EINTR gone on from.  After a stop signal
 * (stop.h) it goes on while FD takes bytes and gives up (EINTR) after 2 s
 * without progress.  0, or -1 with errno; *DONE: the bytes written. */
int cmd_write_all(int fd, const void *buf, size_t size, size_t *done);

/* "sysvctl: stdout: strerror(ERRNUM)": a failed write of stdout is exit 1
 * whatever the cause (ENOSPC too). */
int cmd_stdout_fail(int errnum);

/* Print one JSON object of N numbers, {"NAMES[0]": VALUES[0], ...}. */
int cmd_print_json_numbers(const char *const *names, const long long *values,
			   size_t n);

/* KIND rm REF... (the verb's argv, USAGE its help): every REF is parsed
 * before anything is removed, and a malformed one removes nothing; one
 * that names no object (a key nobody uses, a path: whose file is gone) is
 * reported and the others are still removed.  A segment still attached is
 * marked for removal, with a warning.  Returns the first failure's exit
 * code, or EXIT_OK. */
int cmd_rm_verb(enum sv_kind kind, int argc, char **argv, const char *usage);

/* After removing OBJ: warn that it is only marked for removal when
 * ATTACHED (its nattch then) is not 0. */
void cmd_warn_attached(const struct sv_obj *obj, unsigned long attached);

/* What create prints without --json: the id.  (With --json each kind
 * prints its stat object.) */
int cmd_print_created(const struct sv_obj *obj);

/* The commands, one file each under src/cmd/. */
int cmd_shm(int argc, char **argv);
int cmd_sem(int argc, char **argv);
int cmd_mq(int argc, char **argv);
int cmd_ftok(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_limits(int argc, char **argv);

#endif
