#include "proc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "readfile.h"

enum proc_state { PROC_UNKNOWN, PROC_GONE, PROC_ALIVE };

struct proc_entry {
	pid_t pid;              /* 0: free slot */
	enum proc_state state;
	time_t start;           /* epoch second the process started */
	char *cmdline;          /* NULL until asked for */
	bool cmdline_read;
};

struct sv_procs {
	struct proc_entry *slots;
	size_t capacity;        /* a power of two */
	size_t used;
	long double boot_time;  /* seconds since the epoch; -1 until known */
	long ticks_per_second;
	struct sv_users holders, waiters;
	bool holders_scanned, waiters_scanned;
};

struct sv_procs *sv_procs_new(void)
{
	struct sv_procs *procs = calloc(1, sizeof(*procs));

	if (procs == NULL)
		return NULL;
	procs->capacity = 64;
	procs->slots = calloc(procs->capacity, sizeof(*procs->slots));
	if (procs->slots == NULL) {
		free(procs);
		return NULL;
	}
	procs->boot_time = -1;
	procs->ticks_per_second = sysconf(_SC_CLK_TCK);
	if (procs->ticks_per_second <= 0)
		procs->ticks_per_second = 100;
	return procs;
}

void sv_procs_free(struct sv_procs *procs)
{
	if (procs == NULL)
		return;
	for (size_t i = 0; i < procs->capacity; i++)
		free(procs->slots[i].cmdline);
	sv_users_free(&procs->holders);
	sv_users_free(&procs->waiters);
	free(procs->slots);
	free(procs);
}

/* The boot time in seconds since the epoch, to the nanosecond: the
 * realtime clock less the boot-time clock.  btime of /proc/stat is cut to
 * the second, which would place a process started 1.2 s after an object's
 * last activity in the same second as that activity. */
static long double boot_time(struct sv_procs *procs)
{
	struct timespec now, since_boot;

	if (procs->boot_time >= 0)
		return procs->boot_time;
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &since_boot);
	procs->boot_time = (long double)(now.tv_sec - since_boot.tv_sec) +
		(long double)(now.tv_nsec - since_boot.tv_nsec) / 1e9L;
	return procs->boot_time;
}

/* The slot of PID: its entry, or the free slot where it belongs. */
static struct proc_entry *find_slot(struct proc_entry *slots, size_t capacity,
				    pid_t pid)
{
	size_t i = ((size_t)pid * 2654435761u) & (capacity - 1);

	while (slots[i].pid != 0 && slots[i].pid != pid)
		i = (i + 1) & (capacity - 1);
	return &slots[i];
}

static int grow(struct sv_procs *procs)
{
	size_t capacity = procs->capacity * 2;
	struct proc_entry *slots = calloc(capacity, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < procs->capacity; i++)
		if (procs->slots[i].pid != 0)
			*find_slot(slots, capacity, procs->slots[i].pid) = procs->slots[i];
	free(procs->slots);
	procs->slots = slots;
	procs->capacity = capacity;
	return 0;
}

/* State and start time from /proc/PID/stat: the fields after the command
 * name (which may hold spaces and parentheses) end at its last ')'. */
static void read_stat(struct sv_procs *procs, struct proc_entry *entry)
{
	char path[64], text[1024];
	const char *p;
	unsigned long long start_ticks;

	entry->state = PROC_GONE;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)entry->pid);
	if (sv_read_file(path, text, sizeof(text)) <= 0 ||
	    (p = strrchr(text, ')')) == NULL || p[1] != ' ')
		return;
	p += 2;
	if (*p == 'Z' || *p == 'X')     /* exited, not yet reaped */
		return;
	/* p is at field 3 (state); starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return;
		p++;
	}
	errno = 0;
	start_ticks = strtoull(p, NULL, 10);
	if (errno != 0)
		return;
	entry->start = (time_t)(boot_time(procs) +
		(long double)start_ticks / (long double)procs->ticks_per_second);
	entry->state = PROC_ALIVE;
}

static struct proc_entry *lookup(struct sv_procs *procs, pid_t pid)
{
	struct proc_entry *entry;

	if ((procs->used + 1) * 2 > procs->capacity && grow(procs) != 0)
		return NULL;
	entry = find_slot(procs->slots, procs->capacity, pid);
	if (entry->pid == 0) {
		entry->pid = pid;
		procs->used++;
		read_stat(procs, entry);
	}
	return entry;
}

bool sv_pid_alive_since(struct sv_procs *procs, pid_t pid, time_t activity)
{
	struct proc_entry *entry;

	if (pid <= 0)
		return false;
	entry = lookup(procs, pid);
	/* Out of memory: say alive, so nothing is taken for an orphan. */
	if (entry == NULL)
		return true;
	return entry->state == PROC_ALIVE && entry->start <= activity;
}

time_t sv_proc_start(struct sv_procs *procs, pid_t pid)
{
	struct proc_entry *entry;

	if (pid <= 0 || (entry = lookup(procs, pid)) == NULL ||
	    entry->state != PROC_ALIVE)
		return 0;
	return entry->start;
}

/* /proc/PID/cmdline as one line. */
static char *read_cmdline(pid_t pid)
{
	char path[64], text[4096];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	len = sv_read_file(path, text, sizeof(text));
	if (len < 0)
		return NULL;
	while (len > 0 && text[len - 1] == '\0')
		len--;
	/* Control characters (newlines of a "-c" script) would break a
	 * table's lines: show them as spaces, as the NULs between arguments. */
	for (ssize_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	text[len] = '\0';
	if (len == 0) {     /* a kernel thread: its name, as ps shows it */
		char comm[64];

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if (sv_read_file(path, comm, sizeof(comm)) <= 0)
			return NULL;
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(text, sizeof(text), "[%s]", comm);
	}
	return strdup(text);
}

const char *sv_proc_cmdline(struct sv_procs *procs, pid_t pid)
{
	struct proc_entry *entry;

	if (pid <= 0 || (entry = lookup(procs, pid)) == NULL ||
	    entry->state != PROC_ALIVE)
		return NULL;
	if (!entry->cmdline_read) {
		entry->cmdline = read_cmdline(pid);
		entry->cmdline_read = true;
	}
	return entry->cmdline;
}

void sv_procs_scan_users(struct sv_procs *procs)
{
	if (procs->holders_scanned || procs->waiters_scanned)
		return;
	sv_scan_holders_waiters(&procs->holders, &procs->waiters);
	procs->holders_scanned = procs->waiters_scanned = true;
}

const struct sv_users *sv_procs_holders(struct sv_procs *procs)
{
	if (!procs->holders_scanned)
		sv_scan_holders(&procs->holders);
	procs->holders_scanned = true;
	return &procs->holders;
}

const struct sv_users *sv_procs_waiters(struct sv_procs *procs)
{
	if (!procs->waiters_scanned)
		sv_scan_waiters(&procs->waiters);
	procs->waiters_scanned = true;
	return &procs->waiters;
}

/* A process whose /proc entries may not be read is not counted: as root
 * in a container, the container's init can be such a process, and
 * counting it would keep every object (sysvctl-ls(1) says what this
 * cannot see).  When /proc itself could not be scanned, nobody can be
 * told apart: every object is kept. */
bool sv_procs_sem_held(struct sv_procs *procs, const struct sv_perm *perm)
{
	const struct sv_users *users = sv_procs_holders(procs);

	for (size_t i = 0; i < users->nholders; i++)
		if (users->holders[i].semid == perm->id)
			return true;
	return users->failed;
}

bool sv_procs_mq_waited(struct sv_procs *procs, const struct sv_perm *perm)
{
	const struct sv_users *users = sv_procs_waiters(procs);

	for (size_t i = 0; i < users->nwaiters; i++)
		if (users->waiters[i].call != SV_WAIT_SEMOP &&
		    users->waiters[i].id == perm->id)
			return true;
	return users->failed;
}

size_t sv_procs_unseen(const struct sv_procs *procs)
{
	/* Whatever hides a process's environment hides its system call too:
	 * the larger list names them all, near enough. */
	return procs->holders.nunseen > procs->waiters.nunseen ?
	       procs->holders.nunseen : procs->waiters.nunseen;
}
