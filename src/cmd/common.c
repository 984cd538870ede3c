#include "cmd.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/parse.h"
#include "ipc/posix.h"
#include "ipc/text.h"
#include "stop.h"

struct sv_globals sv_globals;

int cmd_exit_code(int errnum)
{
	switch (errnum) {
	case 0:
		return EXIT_OK;
	case SV_EUSAGE:
		return EXIT_USAGE;
	case ENOENT:
	case EIDRM:
		return EXIT_NOENT;
	case EACCES:
	case EPERM:
		return EXIT_PERM;
	case EEXIST:
		return EXIT_EXISTS;
	case SV_EBUSY:
	case EAGAIN:
	case ETIMEDOUT:
		return EXIT_BUSY;
	case SV_ELIMIT:
	case E2BIG:
	case EFBIG:
	case ENOSPC:
	case ENOMEM:
		return EXIT_LIMIT;
	case SV_EINCOMPLETE:
		return EXIT_INCOMPLETE;
	case ENOSYS:
		return EXIT_NOSYS;
	case SV_EUNREACHABLE:
		return EXIT_UNREACHABLE;
	default:
		return EXIT_OSERR;
	}
}

int cmd_fail_create(const struct sv_err *err, const char *create_use)
{
	/* Room for the longest REF and the words around it. */
	char hint[sizeof(err->ref) + sizeof(err->hint)];

	fflush(stdout);
	if (err->ctx[0] != '\0')
		fprintf(stderr, "sysvctl: %s: %s\n", err->ctx, sv_err_text(err));
	else
		fprintf(stderr, "sysvctl: %s\n", sv_err_text(err));
	if (err->hint[0] != '\0')
		snprintf(hint, sizeof(hint), "%s", err->hint);
	else if (err->errnum == ENOSYS)
		snprintf(hint, sizeof(hint), "this kernel has no System V IPC "
			 "(CONFIG_SYSVIPC is off, as on WSL1 and some minimal kernels)");
	else
		cmd_cause_hint(err, create_use, hint, sizeof(hint));
	if (hint[0] != '\0')
		fprintf(stderr, "hint: %s\n", hint);
	return cmd_exit_code(err->errnum);
}

int cmd_fail(const struct sv_err *err)
{
	return cmd_fail_create(err, NULL);
}

int cmd_usage_error(const char *cmdpath, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "sysvctl: %s%s", cmdpath, cmdpath[0] ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'sysvctl %s%s--help')\n", cmdpath,
		cmdpath[0] ? " " : "");
	return EXIT_USAGE;
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	if (sv_globals.quiet)
		return;
	fflush(stdout);
	fputs("sysvctl: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cmd_data_arg(const char *arg)
{
	return arg != NULL && strcmp(arg, "-") == 0 ? NULL : arg;
}

void cmd_note_tty_stdin(const char *cmdpath)
{
	if (isatty(STDIN_FILENO))
		cmd_warn("%s: reading the data from the terminal until Ctrl-D "
			 "(give it as an argument, or redirect stdin)", cmdpath);
}

bool cmd_wait_opt(int opt, struct sv_wait *wait, bool *has_nowait, int *rc,
		  struct sv_err *err)
{
	switch (opt) {
	case 't':
		*rc = parse_duration(optarg, "-t", &wait->timeout, err);
		wait->timed = true;
		wait->nowait = *has_nowait || (wait->timeout.tv_sec == 0 &&
					       wait->timeout.tv_nsec == 0);
		return true;
	case OPT_NOWAIT:
		wait->nowait = *has_nowait = true;
		return true;
	default:
		return false;
	}
}

bool cmd_wait_conflict(const struct sv_wait *wait, bool has_nowait,
		       const char *cmdpath, int *code)
{
	if (!has_nowait || !wait->timed)
		return false;
	*code = cmd_usage_error(cmdpath, "-t and --nowait exclude each other");
	return true;
}

int cmd_help(const char *usage)
{
	fputs(usage, stdout);
	return EXIT_OK;
}

bool cmd_common_opt(int opt, char **argv, const char *cmdpath,
		    const char *usage, int *exit_code)
{
	switch (opt) {
	case 'j':
		sv_globals.json = true;
		return false;
	case 'q':
		sv_globals.quiet = true;
		return false;
	case 'h':
		*exit_code = cmd_help(usage);
		return true;
	case ':':
		*exit_code = cmd_usage_error(cmdpath, "option '%s' needs a value",
					     argv[optind - 1]);
		return true;
	default:
		if (optopt != 0 && optopt != '?')
			*exit_code = cmd_usage_error(cmdpath, "unknown option '-%c'", optopt);
		else
			*exit_code = cmd_usage_error(cmdpath, "unknown option '%s'",
						     argv[optind - 1]);
		return true;
	}
}

/* Whether getopt_long could take anything from ARGV: "-" alone is an
 * operand, "--" and every other word that starts with '-' may not be. */
static bool any_option_like(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return true;
	return false;
}

int cmd_getopt(int argc, char **argv, const char *optstring,
	       const struct option *longopts)
{
	if (optind == 0 && !any_option_like(argc, argv)) {
		optind = 1;
		return -1;
	}
	return getopt_long(argc, argv, optstring, longopts, NULL);
}

bool cmd_nargs_ok(int nargs, int min, int max, const char *cmdpath,
		  int *exit_code)
{
	if (nargs < min) {
		*exit_code = cmd_usage_error(cmdpath, "missing argument");
		return false;
	}
	if (max >= 0 && nargs > max) {
		*exit_code = cmd_usage_error(cmdpath, "too many arguments");
		return false;
	}
	return true;
}

bool cmd_table_opt(int opt, struct out_opts *opts)
{
	switch (opt) {
	case OPT_RAW:
		opts->raw = true;
		return true;
	case OPT_NOHEADINGS:
		opts->noheadings = true;
		return true;
	case OPT_BYTES:
		opts->bytes = true;
		return true;
	case 'e':
		opts->export = true;
		return true;
	case OPT_NOTRUNCATE:
		opts->notruncate = true;
		return true;
	case OPT_TIME_FORMAT:
		opts->time_format = optarg;
		return true;
	case 'o':
		opts->columns = optarg;
		return true;
	default:
		return false;
	}
}

bool cmd_table_opts_ok(const struct out_opts *opts, int *exit_code)
{
	struct sv_err err;

	if (out_opts_check(opts, &err) == 0)
		return true;
	*exit_code = cmd_fail(&err);
	return false;
}

bool cmd_table_opts(int argc, char **argv, const char *cmdpath,
		    const char *usage, const struct out_col *cols, size_t ncols,
		    struct out_opts *opts, int *exit_code)
{
	static const struct option longopts[] = {
		CMD_TABLE_LONGOPTS,
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS CMD_TABLE_SHORTOPTS,
				  longopts)) != -1)
		if (!cmd_table_opt(opt, opts) &&
		    cmd_common_opt(opt, argv, cmdpath, usage, exit_code))
			return true;
	opts->json = sv_globals.json;
	if (!cmd_table_opts_ok(opts, exit_code))
		return true;
	if (opts->columns != NULL && strcmp(opts->columns, "help") == 0) {
		out_print_columns(stdout, cols, ncols);
		*exit_code = EXIT_OK;
		return true;
	}
	return false;
}

/* After a stop signal, how long a write may go on without progress (a
 * reader that stopped reading) before what is left is given up. */
#define STOP_GRACE_MS 2000

/* Wait until FD takes bytes again, at most until GIVE_UP (0: no limit).
 * A signal or the end of the wait is 0: the caller tries again. */
static int wait_writable(int fd, long long give_up)
{
	struct pollfd out = { .fd = fd, .events = POLLOUT };
	long long left = give_up != 0 ? give_up - sv_mono_ms() : -1;

	if (give_up != 0 && left < 0)
		left = 0;
	if (poll(&out, 1, (int)left) < 0 && errno != EINTR)
		return -1;
	return 0;
}

int cmd_write_all(int fd, const void *buf, size_t size, size_t *done)
{
	const char *bytes = buf;
	long long give_up = 0;      /* set once stopping: no progress until then */
	ssize_t put;

	*done = 0;
	while (*done < size) {
		put = write(fd, bytes + *done, size - *done);
		if (put > 0) {
			*done += (size_t)put;
			give_up = 0;
			continue;
		}
		if (put == 0)
			errno = EIO;
		if (put == 0 || (errno != EINTR && errno != EAGAIN))
			return -1;
		if (cmd_stop_signo != 0) {
			if (give_up == 0)
				give_up = sv_mono_ms() + STOP_GRACE_MS;
			else if (sv_mono_ms() >= give_up)
				return errno = EINTR, -1;
		}
		if (errno == EAGAIN && wait_writable(fd, give_up) != 0)
			return -1;
	}
	return 0;
}

int cmd_stdout_fail(int errnum)
{
	fprintf(stderr, "sysvctl: stdout: %s\n", strerror(errnum));
	return EXIT_OSERR;
}

/* One write(2) for the line when it fits (a reader of a pipe gets it
 * whole), two when it does not; never cut short, and no stdio. */
int cmd_put_line(const char *text)
{
	char line[512];
	size_t len = strlen(text), done;
	int rc;

	if (len < sizeof(line)) {
		memcpy(line, text, len);
		line[len] = '\n';
		rc = cmd_write_all(STDOUT_FILENO, line, len + 1, &done);
	} else {
		rc = cmd_write_all(STDOUT_FILENO, text, len, &done);
		if (rc == 0)
			rc = cmd_write_all(STDOUT_FILENO, "\n", 1, &done);
	}
	return rc != 0 ? cmd_stdout_fail(errno) : EXIT_OK;
}

/* The digits from FIRST to the end of TEXT, where out_digits() put them,
 * and a newline in place of their NUL: one write(2), no copy. */
static int put_digits_line(char *first, char text[OUT_DIGITS_SIZE])
{
	size_t done;

	text[OUT_DIGITS_SIZE - 1] = '\n';
	if (cmd_write_all(STDOUT_FILENO, first,
			  (size_t)(text + OUT_DIGITS_SIZE - first), &done) != 0)
		return cmd_stdout_fail(errno);
	return EXIT_OK;
}

int cmd_put_number(long long value)
{
	char text[OUT_DIGITS_SIZE];

	return put_digits_line(out_digits_signed(value, text), text);
}

int cmd_put_key(key_t key)
{
	char text[OUT_DIGITS_SIZE], *first = out_digits((uint32_t)key, 16, 8, text);

	*--first = 'x';
	*--first = '0';
	return put_digits_line(first, text);
}

int cmd_print_json_numbers(const char *const *names, const long long *values,
			   size_t n)
{
	return out_print_numbers(names, values, n) == 0 ? EXIT_OK : EXIT_OSERR;
}

int cmd_print_created(const struct sv_obj *obj)
{
	return cmd_put_number(obj->id);
}

int cmd_dispatch(const char *parent, const struct cmd *cmds, size_t ncmds,
		 int argc, char **argv, const char *usage)
{
	const char *verb;

	/* -j and -q may also stand between the command and its verb. */
	while (argc > 1 && (text_eq(argv[1], "-j") || text_eq(argv[1], "--json") ||
			    text_eq(argv[1], "-q") || text_eq(argv[1], "--quiet"))) {
		if (argv[1][1] == 'j' || argv[1][2] == 'j')
			sv_globals.json = true;
		else
			sv_globals.quiet = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	verb = argc > 1 ? argv[1] : NULL;
	if (verb == NULL)
		return cmd_usage_error(parent, "missing subcommand");
	if (text_eq(verb, "-h") || text_eq(verb, "--help") || text_eq(verb, "help"))
		return cmd_help(usage);
	for (size_t i = 0; i < ncmds; i++)
		if (text_eq(cmds[i].name, verb))
			return cmds[i].run(argc - 1, argv + 1);
	return cmd_usage_error(parent, "unknown subcommand '%s'", verb);
}

void cmd_warn_attached(const struct sv_obj *obj, unsigned long attached)
{
	char what[64];

	/* nattch counts attachments: one process may hold several. */
	if (attached > 0)
		cmd_warn("%s: marked for removal; still attached %lu time%s, it "
			 "goes when the last attachment is detached",
			 sv_obj_describe(obj, what, sizeof(what)), attached,
			 attached == 1 ? "" : "s");
}

static int remove_ref(enum sv_kind kind, const char *text)
{
	unsigned long attached;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;

	if (sv_ref_is_posix(text))
		return sv_ref_parse(text, 0, &ref, &err) != 0 ||
		       sv_posix_unlink(kind, text, &err) != 0 ? cmd_fail(&err) : EXIT_OK;
	if (sv_ref_parse(text, 0, &ref, &err) != 0 ||
	    sv_obj_open(kind, &ref, &obj, &err) != 0 ||
	    sv_obj_remove(&obj, &attached, &err) != 0)
		return cmd_fail(&err);
	cmd_warn_attached(&obj, attached);
	return EXIT_OK;
}

int cmd_rm_verb(enum sv_kind kind, int argc, char **argv, const char *usage)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	char cmdpath[16];
	struct sv_ref ref;
	struct sv_err err;
	int opt, code, first_failure = EXIT_OK;

	snprintf(cmdpath, sizeof(cmdpath), "%s rm", sv_kind_name(kind));
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS, longopts)) != -1)
		if (cmd_common_opt(opt, argv, cmdpath, usage, &code))
			return code;
	if (!cmd_nargs_ok(argc - optind, 1, -1, cmdpath, &code))
		return code;
	for (int i = optind; i < argc; i++)
		if (sv_ref_parse(argv[i], 0, &ref, &err) != 0 &&
		    err.errnum == SV_EUSAGE)
			return cmd_fail(&err);
	for (int i = optind; i < argc; i++) {
		code = remove_ref(kind, argv[i]);
		if (first_failure == EXIT_OK)
			first_failure = code;
	}
	return first_failure;
}
