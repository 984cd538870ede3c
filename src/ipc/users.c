#include "users.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "readfile.h"

/* A growable array of items of one size. */
struct vec {
	void **items;
	size_t *count;
	size_t capacity;
	size_t item_size;
};

static void *vec_push(struct vec *vec)
{
	if (*vec->count == vec->capacity) {
		size_t capacity = vec->capacity ? vec->capacity * 2 : 16;
		void *bigger = realloc(*vec->items, capacity * vec->item_size);

		if (bigger == NULL)
			return NULL;
		*vec->items = bigger;
		vec->capacity = capacity;
	}
	return (char *)*vec->items + (*vec->count)++ * vec->item_size;
}

/* The state of one scan. */
struct scan {
	struct sv_users *users;
	struct vec found;           /* holders or waiters */
	struct vec unseen;
	char *buf;                  /* file contents, grown as needed */
	size_t buf_size;
	struct stat ipc_ns;         /* this process's IPC namespace */
	bool have_ipc_ns;
};

/* Read PATH whole into scan->buf as a string; its length, or -1 with
 * errno set.  The files read are /proc's, which give all they have up to
 * the room asked for: a shorter read is the end (no second read() for
 * the 0 that would say so, a third of a scan's calls). */
static ssize_t read_whole(struct scan *scan, const char *path)
{
	return sv_read_proc_grow(path, &scan->buf, &scan->buf_size);
}

/* The number after "NAME:" in /proc/PID/status (already in scan->buf),
 * FIELD-th of the line (0: first); false when there is none. */
static bool status_field(const char *status, const char *name, int field,
			 unsigned long long *value)
{
	size_t len = strlen(name);
	const char *line = status;
	char *end;

	while (line != NULL && strncmp(line, name, len) != 0) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (line == NULL)
		return false;
	line += len;
	for (int i = 0; i <= field; i++) {
		errno = 0;
		*value = strtoull(line, &end, 10);
		if (end == line || errno != 0)
			return false;
		line = end;
	}
	return true;
}

/* A process we may not read: note who it runs as (-1 when even its
 * status is unreadable). */
static int note_unseen(struct scan *scan, pid_t pid)
{
	struct sv_unseen *unseen = vec_push(&scan->unseen);
	unsigned long long euid;
	char path[64];

	if (unseen == NULL)
		return -1;
	unseen->pid = pid;
	unseen->euid = (uid_t)-1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_whole(scan, path) < 0)
		return 0;
	if (status_field(scan->buf, "Uid:", 1, &euid))
		unseen->euid = (uid_t)euid;
	return 0;
}

/* Whether PID works in this process's IPC namespace (ids of another one
 * name other objects).  When it cannot be told: yes. */
static bool same_ipc_ns(const struct scan *scan, pid_t pid)
{
	struct stat ns;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	if (!scan->have_ipc_ns || stat(path, &ns) != 0)
		return true;
	return ns.st_ino == scan->ipc_ns.st_ino && ns.st_dev == scan->ipc_ns.st_dev;
}

/* Whether MARKED, a pid a marker names, is PID: the holder wrote its pid
 * as its own pid namespace sees it, the innermost of NSpid. */
static bool is_marked_pid(struct scan *scan, pid_t pid, pid_t marked)
{
	char path[64];
	const char *p, *last;

	if (marked == pid)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_whole(scan, path) < 0 || (p = strstr(scan->buf, "\nNSpid:")) == NULL)
		return false;
	p += strlen("\nNSpid:");
	last = p;
	while (*p != '\n' && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (isdigit((unsigned char)*p))
			last = p;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p != ' ' && *p != '\t')
			break;
	}
	return atoi(last) == (int)marked;
}

struct holder_ctx {
	struct scan *scan;
	pid_t pid;
	bool failed;
};

static void add_holder(const struct sv_sem_holder *holder, void *arg)
{
	struct holder_ctx *ctx = arg;
	struct sv_sem_holder *slot;

	if (!is_marked_pid(ctx->scan, ctx->pid, holder->pid))
		return;
	slot = vec_push(&ctx->scan->found);
	if (slot == NULL) {
		ctx->failed = true;
		return;
	}
	*slot = *holder;
	slot->pid = ctx->pid;
}

/* The marker's value in an environment of LEN bytes (NUL-separated). */
static char *find_marker(char *env, size_t len)
{
	static const char prefix[] = SV_HOLD_ENV "=";

	for (char *entry = env; entry < env + len; entry += strlen(entry) + 1)
		if (strncmp(entry, prefix, sizeof(prefix) - 1) == 0)
			return entry + sizeof(prefix) - 1;
	return NULL;
}

static int scan_environ(struct scan *scan, pid_t pid)
{
	struct holder_ctx ctx = { scan, pid, false };
	char path[64], *marker;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	len = read_whole(scan, path);
	if (len < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : note_unseen(scan, pid);
	marker = find_marker(scan->buf, (size_t)len);
	if (marker == NULL || !same_ipc_ns(scan, pid))
		return 0;
	/* is_marked_pid reuses the buffer: parse a copy. */
	marker = strdup(marker);
	if (marker == NULL)
		return -1;
	sv_hold_parse(marker, add_holder, &ctx);
	free(marker);
	return ctx.failed ? -1 : 0;
}

/* The call a thread is blocked in and its first argument, from
 * "NR ARG1 ... SP PC" ("running" or "-1 ..." when it is in none). */
static bool blocked_call(const char *text, enum sv_wait_call *call, int *id,
			 unsigned long *sops, unsigned long *nsops)
{
	char *end;
	long nr = strtol(text, &end, 10);

	if (end == text)
		return false;
	switch (nr) {
#ifdef SYS_msgrcv
	case SYS_msgrcv: *call = SV_WAIT_MSGRCV; break;
#endif
#ifdef SYS_msgsnd
	case SYS_msgsnd: *call = SV_WAIT_MSGSND; break;
#endif
#ifdef SYS_semop
	case SYS_semop: *call = SV_WAIT_SEMOP; break;
#endif
#ifdef SYS_semtimedop
	case SYS_semtimedop: *call = SV_WAIT_SEMOP; break;
#endif
#ifdef SYS_semtimedop_time64
	case SYS_semtimedop_time64: *call = SV_WAIT_SEMOP; break;
#endif
	default:
		return false;
	}
	*id = (int)strtoul(end, &end, 16);
	*sops = strtoul(end, &end, 16);
	*nsops = strtoul(end, NULL, 16);
	return true;
}

static int scan_thread(struct scan *scan, pid_t pid, pid_t tid, bool *unseen)
{
	struct sv_waiter *waiter;
	enum sv_wait_call call;
	char path[96];
	unsigned long sops, nsops;
	int id;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	if (read_whole(scan, path) < 0) {
		if (errno == ENOENT || errno == ESRCH || *unseen)
			return 0;
		*unseen = true;
		return note_unseen(scan, pid);
	}
	if (!blocked_call(scan->buf, &call, &id, &sops, &nsops) || !same_ipc_ns(scan, pid))
		return 0;
	if ((waiter = vec_push(&scan->found)) == NULL)
		return -1;
	*waiter = (struct sv_waiter){ pid, tid, call, id, sops, nsops };
	return 0;
}

static int scan_threads(struct scan *scan, pid_t pid)
{
	char path[64];
	struct dirent *entry;
	bool unseen = false;
	DIR *dir;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : note_unseen(scan, pid);
	while (rc == 0 && (entry = readdir(dir)) != NULL) {
		int tid = atoi(entry->d_name);

		if (tid > 0)
			rc = scan_thread(scan, pid, (pid_t)tid, &unseen);
	}
	closedir(dir);
	return rc;
}

/* One scan of a walk over /proc: what it collects and how. */
struct pass {
	struct scan scan;
	int (*each)(struct scan *, pid_t);
};

static void pass_init(struct pass *pass, struct sv_users *users, struct vec found,
		      int (*each)(struct scan *, pid_t))
{
	*pass = (struct pass){
		.scan = {
			.users = users, .found = found,
			.unseen = { (void **)&users->unseen, &users->nunseen, 0,
				    sizeof(struct sv_unseen) },
		},
		.each = each,
	};
	pass->scan.have_ipc_ns = stat("/proc/self/ns/ipc", &pass->scan.ipc_ns) == 0;
}

/* Make every pass over each process in /proc but this one, in one walk
 * of the directory. */
static void walk_procs(struct pass *passes, size_t npasses)
{
	pid_t self = getpid();
	struct dirent *entry;
	DIR *dir = opendir("/proc");

	for (size_t i = 0; i < npasses && dir == NULL; i++)
		passes[i].scan.users->failed = true;
	while (dir != NULL && (entry = readdir(dir)) != NULL) {
		int pid = atoi(entry->d_name);

		for (size_t i = 0; pid > 0 && pid != self && i < npasses; i++) {
			struct scan *scan = &passes[i].scan;

			if (!scan->users->failed && passes[i].each(scan, (pid_t)pid) != 0)
				scan->users->failed = true;     /* out of memory */
		}
	}
	if (dir != NULL)
		closedir(dir);
	for (size_t i = 0; i < npasses; i++)
		free(passes[i].scan.buf);
}

static void holders_pass(struct pass *pass, struct sv_users *users)
{
	struct vec found = { (void **)&users->holders, &users->nholders, 0,
			     sizeof(struct sv_sem_holder) };

	pass_init(pass, users, found, scan_environ);
}

static void waiters_pass(struct pass *pass, struct sv_users *users)
{
	struct vec found = { (void **)&users->waiters, &users->nwaiters, 0,
			     sizeof(struct sv_waiter) };

	pass_init(pass, users, found, scan_threads);
}

void sv_scan_holders(struct sv_users *users)
{
	struct pass pass;

	holders_pass(&pass, users);
	walk_procs(&pass, 1);
}

void sv_scan_waiters(struct sv_users *users)
{
	struct pass pass;

	waiters_pass(&pass, users);
	walk_procs(&pass, 1);
}

void sv_scan_holders_waiters(struct sv_users *holders, struct sv_users *waiters)
{
	struct pass passes[2];

	holders_pass(&passes[0], holders);
	waiters_pass(&passes[1], waiters);
	walk_procs(passes, 2);
}

void sv_users_free(struct sv_users *users)
{
	free(users->holders);
	free(users->waiters);
	free(users->unseen);
	memset(users, 0, sizeof(*users));
}
