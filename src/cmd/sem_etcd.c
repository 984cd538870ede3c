/* sysvctl sem run etcd:NAME: take a slot of a lock on etcd, start a small
 * keep-alive process that renews its lease, and become COMMAND (which
 * keeps our pid).  The keep-alive revokes the lease as soon as COMMAND
 * ends, however it ends; a dead host's lease expires after --ttl. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ipc/clock.h"
#include "ipc/etcd_lock.h"
#include "ipc/parse.h"
#include "sem_cmd.h"
#include "sem_etcd.h"
#include "ipc/text.h"
#include "stop.h"

static const char run_usage[] =
	"Usage: sysvctl sem run etcd:NAME [-v SLOTS] [-t TIMEOUT|--nowait]\n"
	"                       [-E|--conflict-exit-code N] [--ttl DUR]\n"
	"                       [--max-time DUR [--kill-after DUR]]\n"
	"                       [--etcd URL[,URL...]] [--connect-timeout DUR]\n"
	"                       [--] COMMAND [ARG...]\n"
	"\n"
	"Take a slot of the lock NAME on etcd (the recipe of 'etcdctl lock NAME'),\n"
	"then execute COMMAND in this process.  A keep-alive process renews the\n"
	"lease while COMMAND runs and revokes it when COMMAND ends; if the host\n"
	"dies the lease expires after the TTL.  A lease not renewed for half the\n"
	"TTL (etcd unreachable) stops COMMAND with SIGTERM, and SIGKILL 250 ms\n"
	"before the lease can expire.  The exit status is COMMAND's.\n"
	"\n"
	"Options:\n"
	"  -v, --value SLOTS     holders at once (default 1: a mutex)\n"
	"  -t, --timeout T       wait at most T (0.5, 250ms, 2m); 0: do not wait\n"
	"      --nowait          do not wait (exit 6 when busy)\n"
	"  -E, --conflict-exit-code N\n"
	"                        exit N instead of 6 when busy or timed out\n"
	"      --ttl DUR         lease time to live, whole seconds (default 10s)\n"
	"      --max-time DUR    SIGTERM to COMMAND once it has held the lock for\n"
	"                        DUR (the keep-alive keeps the time: COMMAND keeps\n"
	"                        its pid and its own exit status, 143 after SIGTERM)\n"
	"      --kill-after DUR  SIGKILL DUR after that SIGTERM (default 10s)\n"
	"      --etcd URLS       endpoints (default $SYSVCTL_ETCD_ENDPOINTS, else\n"
	"                        http://127.0.0.1:2379)\n"
	"      --connect-timeout DUR\n"
	"                        give up on an endpoint after DUR (default 3s;\n"
	"                        exit 10 when none answers)\n"
	"  -h, --help            this help\n";

/* Every option a sem verb knows, SysV ones included, so that
 * sem_etcd_ref can step over them and run can name those it refuses. */
static const struct option run_longopts[] = {
	LONGOPT_DELTA, LONGOPT_TIMEOUT, LONGOPT_INDEX, LONGOPT_CREATE,
	LONGOPT_RUN,
	LONGOPT_ETCD_CONN,
	{ "ttl", required_argument, NULL, OPT_ETCD_TTL },
	{ "max-time", required_argument, NULL, OPT_ETCD_MAX_TIME },
	{ "kill-after", required_argument, NULL, OPT_ETCD_KILL_AFTER },
	{ "raw", no_argument, NULL, 'R' },
	{ "noheadings", no_argument, NULL, 'H' },
	{ "export", no_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	LONGOPT_END,
};
static const char run_optstring[] = "+" CMD_COMMON_SHORTOPTS "d:t:i:cv:m:uE:o:e";

const char *sem_etcd_ref(int argc, char **argv)
{
	int saved_opterr = opterr;
	const char *ref = NULL;

	opterr = 0;
	optind = 0;
	while (cmd_getopt(argc, argv, run_optstring, run_longopts) != -1)
		;
	if (optind < argc && text_has_prefix(argv[optind], SEM_ETCD_PREFIX))
		ref = argv[optind];
	opterr = saved_opterr;
	optind = 0;
	return ref;
}

void sem_etcd_conn_init(struct sem_etcd_conn *conn)
{
	conn->endpoints = getenv(SEM_ETCD_ENV);
	if (conn->endpoints == NULL || conn->endpoints[0] == '\0')
		conn->endpoints = SV_ETCD_DEFAULT_ENDPOINTS;
	conn->connect_timeout_ms = 3000;
}

static long duration_ms(const struct timespec *duration)
{
	return (long)duration->tv_sec * 1000 + duration->tv_nsec / 1000000;
}

bool sem_etcd_conn_opt(int opt, struct sem_etcd_conn *conn, int *rc,
		       struct sv_err *err)
{
	struct timespec duration;

	*rc = 0;
	switch (opt) {
	case OPT_ETCD:
		conn->endpoints = optarg;
		return true;
	case OPT_ETCD_CONNECT_TIMEOUT:
		*rc = parse_duration(optarg, "--connect-timeout", &duration, err);
		if (*rc == 0 && duration_ms(&duration) < 1)
			*rc = sv_fail(err, SV_EUSAGE, "--connect-timeout: at least 1ms");
		conn->connect_timeout_ms = duration_ms(&duration);
		return true;
	default:
		return false;
	}
}

int sem_etcd_connect(const struct sem_etcd_conn *conn, struct sv_etcd *etcd,
		     struct sv_err *err)
{
	if (sv_etcd_open(etcd, conn->endpoints, conn->connect_timeout_ms, err) == 0)
		return 0;
	if (err->errnum == ENOENT && strncmp(err->ctx, "libcurl", 7) == 0)
		sv_hint(err, "etcd: REFs need libcurl (Debian: apt-get install libcurl4)");
	return -1;
}

bool sem_etcd_refused(int argc, char **argv, int *code)
{
	const char *ref = sem_etcd_ref(argc, argv), *verb = argv[0];

	if (ref == NULL)
		return false;
	fflush(stdout);
	fprintf(stderr, "sysvctl: sem %s: %s: an etcd: lock has no value to %s\n"
		"hint: use 'sysvctl sem run %s -- COMMAND', which holds it while "
		"COMMAND runs\n", verb, ref,
		strcmp(verb, "get") == 0 ? "read" : "change", ref);
	*code = EXIT_USAGE;
	return true;
}

struct run_opts {
	int slots;
	long ttl_s;
	struct sv_wait wait;
	bool has_nowait;
	bool has_conflict_exit;
	int conflict_exit;
	bool has_max_time;
	struct timespec max_time, kill_after;
	struct sem_etcd_conn conn;
};

/* One option of run; *code set and true returned when run must end. */
static bool run_opt(int opt, char **argv, struct run_opts *opts, int *code)
{
	struct timespec ttl;
	struct sv_err err;
	long long number;
	int rc = 0;

	if (cmd_wait_opt(opt, &opts->wait, &opts->has_nowait, &rc, &err)) {
		if (rc != 0)
			*code = cmd_fail(&err);
		return rc != 0;
	}
	switch (opt) {
	case 'v':
		rc = parse_int(optarg, "-v", 1, 1000000, &number, &err);
		opts->slots = (int)number;
		break;
	case 'E':
		rc = parse_int(optarg, "-E", 0, 255, &number, &err);
		opts->conflict_exit = (int)number;
		opts->has_conflict_exit = true;
		break;
	case OPT_ETCD_TTL:
		rc = parse_duration(optarg, "--ttl", &ttl, &err);
		opts->ttl_s = ttl.tv_sec + (ttl.tv_nsec > 0);
		if (rc == 0 && (opts->ttl_s < 2 || opts->ttl_s > 86400))
			rc = sv_fail(&err, SV_EUSAGE, "--ttl: 2s to 1d");
		break;
	case OPT_ETCD_MAX_TIME:
		rc = parse_duration_above_zero(optarg, "--max-time", &opts->max_time, &err);
		opts->has_max_time = true;
		break;
	case OPT_ETCD_KILL_AFTER:
		rc = parse_duration(optarg, "--kill-after", &opts->kill_after, &err);
		break;
	case 'd': case 'i': case 'c': case 'm': case 'u':
		*code = cmd_usage_error("sem run", "-%c is for System V sets, not etcd: locks", opt);
		return true;
	default:
		if (sem_etcd_conn_opt(opt, &opts->conn, &rc, &err))
			break;
		return cmd_common_opt(opt, argv, "sem run", run_usage, code);
	}
	if (rc != 0)
		*code = cmd_fail(&err);
	return rc != 0;
}

static bool parse_from(int argc, char **argv, struct run_opts *opts, int *code)
{
	int opt;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, run_optstring, run_longopts)) != -1)
		if (run_opt(opt, argv, opts, code))
			return true;
	return false;
}

/* Options before REF, REF, options after it up to "--" or COMMAND. */
static bool parse_run(int argc, char **argv, struct run_opts *opts,
		      int *ref_at, int *command_at, int *code)
{
	bool after_dashes;

	memset(opts, 0, sizeof(*opts));
	opts->slots = 1;
	opts->ttl_s = 10;
	opts->kill_after.tv_sec = 10;
	sem_etcd_conn_init(&opts->conn);
	if (parse_from(argc, argv, opts, code))
		return true;
	*ref_at = optind;
	after_dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	*command_at = *ref_at + 1;
	if (*ref_at < argc && !after_dashes) {
		if (parse_from(argc - *ref_at, argv + *ref_at, opts, code))
			return true;
		*command_at = *ref_at + optind;
	}
	if (cmd_wait_conflict(&opts->wait, opts->has_nowait, "sem run", code))
		return true;
	if (*command_at >= argc) {
		*code = cmd_usage_error("sem run", "missing COMMAND");
		return true;
	}
	return false;
}

/* The key's value: who holds or waits, for sem who. */
static char *holder_value(char **command, int slots, pid_t pid)
{
	json_object *value = json_object_new_object();
	char host[HOST_NAME_MAX + 1] = "", line[256] = "";
	char *text;
	size_t used = 0;

	gethostname(host, sizeof(host) - 1);
	for (; *command != NULL && used + 1 < sizeof(line); command++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
					 used ? " " : "", *command);
	json_object_object_add(value, "host", json_object_new_string(host));
	json_object_object_add(value, "pid", json_object_new_int64(pid));
	json_object_object_add(value, "command", json_object_new_string(line));
	json_object_object_add(value, "since", json_object_new_int64(time(NULL)));
	json_object_object_add(value, "slots", json_object_new_int(slots));
	text = strdup(json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN));
	json_object_put(value);
	return text;
}

/* After waiting, say since when we hold (the keep-alive does it, while
 * COMMAND already runs: who shows the time it waited since until then). */
static int mark_holding(struct sv_etcd_lock *lock, char **command, int slots,
			pid_t pid, struct sv_err *err)
{
	char *value;
	int64_t revision;
	int rc;

	value = holder_value(command, slots, pid);
	rc = sv_etcd_put(lock->etcd, lock->key, value, lock->lease, &revision, err);
	free(value);
	return rc;
}

/* The keep-alive process: renew the lease every TTL/3 from its last
 * renewal (LOCK->renewed_ms, made before the fork); no renewal for TTL/2
 * (etcd unreachable) gives COMMAND SIGTERM, none for the TTL less 250 ms,
 * or etcd saying the lease is gone, SIGKILL: etcd may give the lock to
 * the next holder from the TTL on.  With --max-time it also keeps the
 * time COMMAND holds the lock. */
struct keeper {
	struct sv_etcd_lock *lock;
	pid_t command;
	int pidfd;                      /* COMMAND's, -1 without pidfd_open */
	long long term_at, kill_at;     /* monotonic ms */
	bool termed;
	const char *what;               /* "etcd:NAME", for messages */
	struct timespec max_time;
	long long max_at;               /* next --max-time signal (ms); -1: none */
	long long grace_ms;             /* --kill-after */
	int max_sent;                   /* 0, SIGTERM or SIGKILL */
};

/* By pidfd where there is one: a COMMAND already gone is never
 * mistaken for a process that reused its pid (ESRCH: nothing to signal).
 * kill(2) only where the kernel has no pidfd at all. */
static void signal_command(const struct keeper *keeper, int signo)
{
	if (keeper->pidfd >= 0 &&
	    (syscall(SYS_pidfd_send_signal, keeper->pidfd, signo, NULL, 0) == 0 ||
	     errno != ENOSYS))
		return;
	kill(keeper->command, signo);
}

static void keeper_renewed(struct keeper *keeper)
{
	long ttl_ms = keeper->lock->ttl_s * 1000;

	keeper->term_at = keeper->lock->renewed_ms + ttl_ms / 2;
	keeper->kill_at = keeper->lock->renewed_ms + ttl_ms - 250;
}

static void stop_command(struct keeper *keeper, int signo, const char *why)
{
	const char *prefix = keeper->lock->prefix;

	fprintf(stderr, "sysvctl: etcd:%.*s: lease lost (%s): %s COMMAND "
		"(pid %d) with %s\n", (int)strlen(prefix) - 1, prefix, why,
		signo == SIGKILL ? "killing" : "stopping", (int)keeper->command,
		signo == SIGKILL ? "SIGKILL" : "SIGTERM");
	signal_command(keeper, signo);
	if (signo == SIGKILL)
		_exit(EXIT_UNREACHABLE);
	keeper->termed = true;
}

/* --max-time ran out: SIGTERM, then SIGKILL after --kill-after. */
static void on_max_time(struct keeper *keeper)
{
	int signo = keeper->max_sent == 0 ? SIGTERM : SIGKILL;

	sem_max_time_say(keeper->what, &keeper->max_time, keeper->command, signo);
	signal_command(keeper, signo);
	keeper->max_sent = signo;
	keeper->max_at = signo == SIGTERM ? sv_mono_ms() + keeper->grace_ms : -1;
}

/* The next time the keep-alive has something to do besides renewing. */
static long long keeper_due(const struct keeper *keeper, long long next)
{
	long long lease_at = keeper->termed ? keeper->kill_at : keeper->term_at;

	if (next > lease_at)
		next = lease_at;
	if (keeper->max_at >= 0 && next > keeper->max_at)
		next = keeper->max_at;
	return next;
}

/* Bound the next request so that it ends by END (at least 100 ms). */
static void bound_request(struct sv_etcd_lock *lock, long long end)
{
	long long left = end - sv_mono_ms();

	lock->etcd->request_timeout_ms = left < 100 ? 100 : (long)left;
}

/* One keep-alive; false when it failed.  A lease etcd says is gone is
 * the end of COMMAND. */
static bool renew_lease(struct keeper *keeper)
{
	struct sv_etcd_lock *lock = keeper->lock;
	struct sv_err err;
	long long sent = sv_mono_ms();
	long ttl_left;

	bound_request(lock, keeper->termed ? keeper->kill_at : keeper->term_at);
	if (sv_etcd_keepalive(lock->etcd, lock->lease, &ttl_left, &err) != 0)
		return false;
	if (ttl_left <= 0)
		stop_command(keeper, SIGKILL, "etcd says it expired");
	lock->renewed_ms = sent;        /* etcd counts from after SENT */
	keeper_renewed(keeper);
	return true;
}

/* Off COMMAND's path: COMMAND's stop handlers and the timer a stop
 * signal starts are not for this process. */
static void keep_alive_signals(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_IGN);
}

/* Sleep until NEXT, or until COMMAND (our parent) ends: false then. */
static bool wait_until(int pidfd, pid_t command, long long next)
{
	struct pollfd parent = { .fd = pidfd, .events = POLLIN };
	long long wait_ms = next - sv_mono_ms();

	if (getppid() != command)
		return false;
	if (wait_ms <= 0)
		return true;
	if (pidfd >= 0)
		return poll(&parent, 1, (int)wait_ms) <= 0;
	usleep(wait_ms > 50 ? 50000 : 1000);
	return getppid() == command;
}

/* Renew the lease until COMMAND (our parent once it executed) ends, then
 * revoke it at once.  After a wait, the key's value says since when we
 * hold, right after a first renewal. */
static _Noreturn void keep_alive(struct keeper *keeper, char **argv)
{
	struct sv_etcd_lock *lock = keeper->lock;
	pid_t command = keeper->command;
	long interval = lock->ttl_s * 1000 / 3;
	long long next;
	bool marked = !lock->waited;
	struct sv_err err;
	int null, pidfd;

	keep_alive_signals();
	prctl(PR_SET_NAME, "sysvctl-lease");
	null = open("/dev/null", O_RDWR);
	/* Let a pipe on COMMAND's stdout end when COMMAND ends. */
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	lock->etcd->stop = NULL;
	pidfd = keeper->pidfd = (int)syscall(SYS_pidfd_open, command, 0);
	keeper_renewed(keeper);
	next = marked ? lock->renewed_ms + interval : sv_mono_ms();
	for (;;) {
		long long due = keeper_due(keeper, next);

		if (!wait_until(pidfd, command, due))
			break;
		if (sv_mono_ms() < due)
			continue;
		if (keeper->max_at >= 0 && sv_mono_ms() >= keeper->max_at)
			on_max_time(keeper);
		if (sv_mono_ms() >= next && renew_lease(keeper)) {
			next = lock->renewed_ms + interval;
			if (!marked) {
				bound_request(lock, next);
				marked = mark_holding(lock, argv, lock->slots,
						      command, &err) == 0;
			}
			continue;
		}
		if (sv_mono_ms() >= keeper->kill_at)
			stop_command(keeper, SIGKILL, "etcd unreachable past the TTL");
		if (!keeper->termed && sv_mono_ms() >= keeper->term_at)
			stop_command(keeper, SIGTERM, "etcd unreachable for half the TTL");
		if (sv_mono_ms() >= next)
			next = sv_mono_ms() + 250;         /* try again soon */
	}
	lock->etcd->request_timeout_ms = lock->etcd->connect_timeout_ms;
	sv_etcd_revoke(lock->etcd, lock->lease, &err);
	_exit(0);
}

/* The keep-alive's state for COMMAND, the holder of WHAT from now on. */
static void keeper_init(struct keeper *keeper, struct sv_etcd_lock *lock,
			const struct run_opts *opts, const char *what, pid_t command)
{
	*keeper = (struct keeper){
		.lock = lock,
		.command = command,
		.pidfd = -1,
		.what = what,
		.max_time = opts->max_time,
		.max_at = opts->has_max_time ? sv_mono_ms() + duration_ms(&opts->max_time) : -1,
		.grace_ms = duration_ms(&opts->kill_after),
	};
}

static int fail_run(const struct run_opts *opts, const struct sv_err *err)
{
	int code;

	if (cmd_stop_signo != 0)
		cmd_stop_end();
	code = cmd_fail(err);
	if (code == EXIT_BUSY && opts->has_conflict_exit)
		code = opts->conflict_exit;
	return code;
}

int sem_etcd_run(int argc, char **argv)
{
	struct run_opts opts;
	struct sv_etcd etcd;
	struct sv_etcd_lock lock;
	struct keeper keeper;
	struct sv_err err, ignored;
	int ref_at, command_at, code;
	char *value;
	pid_t self = getpid(), child;

	if (parse_run(argc, argv, &opts, &ref_at, &command_at, &code))
		return code;
	if (sem_etcd_connect(&opts.conn, &etcd, &err) != 0)
		return cmd_fail(&err);
	if (sv_etcd_lock_init(&lock, &etcd, argv[ref_at] + strlen(SEM_ETCD_PREFIX),
			      opts.slots, opts.ttl_s, &err) != 0) {
		sv_etcd_close(&etcd);
		return cmd_fail(&err);
	}
	cmd_stop_catch(false);
	opts.wait.stop = &cmd_stop_signo;
	value = holder_value(argv + command_at, opts.slots, self);
	code = sv_etcd_lock_acquire(&lock, value, &opts.wait, &err);
	free(value);
	if (code != 0) {
		sv_etcd_close(&etcd);
		return fail_run(&opts, &err);
	}
	keeper_init(&keeper, &lock, &opts, argv[ref_at], self);
	child = fork();
	if (child < 0) {
		sv_fail(&err, errno, "etcd:%s: keep-alive process", lock.key);
		sv_etcd_revoke(&etcd, lock.lease, &ignored);
		sv_etcd_close(&etcd);
		return fail_run(&opts, &err);
	}
	if (child == 0)
		keep_alive(&keeper, argv + command_at);
	return sem_exec_command(argv + command_at);
}
