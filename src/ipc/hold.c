/* The SYSVCTL_SEM_HOLD marker (users.h): what `sem run` writes into
 * COMMAND's environment and what a scan of /proc reads back. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "users.h"

/* A number in [MIN, MAX] at *p, ended by one of STOPS (or by the end of
 * the value when STOPS holds ','); moves *p past it and its stop, and
 * sets *STOP to that stop ('\0' at the end). */
static int parse_int(const char **p, long min, long max, const char *stops,
		     long *value, char *stop)
{
	char *end;

	errno = 0;
	*value = strtol(*p, &end, 10);
	if (end == *p || errno != 0 || *value < min || *value > max ||
	    (*end == '\0' ? strchr(stops, ',') == NULL : strchr(stops, *end) == NULL))
		return -1;
	*stop = *end;
	*p = *end != '\0' ? end + 1 : end;
	return 0;
}

/* One entry "SEMID:INDEX:SEMOP:PID[:SINCE]" at *p; moves *p past it and
 * its ','.  SINCE: the epoch second the hold began. */
static bool parse_entry(const char **p, struct sv_sem_holder *holder)
{
	long semid, index, semop, pid, since = 0;
	char stop;

	if (parse_int(p, 0, 0x7fffffff, ":", &semid, &stop) != 0 ||
	    parse_int(p, 0, 0xffff, ":", &index, &stop) != 0 ||
	    parse_int(p, -32767, 32767, ":", &semop, &stop) != 0 ||
	    parse_int(p, 1, 0x7fffffff, ",:", &pid, &stop) != 0 || semop == 0 ||
	    (stop == ':' && parse_int(p, 1, LONG_MAX, ",", &since, &stop) != 0))
		return false;
	*holder = (struct sv_sem_holder){ (pid_t)pid, (int)semid,
					  (unsigned)index, (int)semop,
					  (time_t)since };
	return true;
}

size_t sv_hold_parse(const char *value,
		     void (*found)(const struct sv_sem_holder *, void *), void *arg)
{
	size_t count = 0;
	const char *p = value;

	while (*p != '\0') {
		struct sv_sem_holder holder;

		if (parse_entry(&p, &holder)) {
			found(&holder, arg);
			count++;
			continue;
		}
		p = strchr(p, ',');     /* skip what is not ours */
		if (p == NULL)
			break;
		p++;
	}
	return count;
}

struct keep_pid {
	char *buf;
	size_t size, len;
	pid_t pid;
	bool full;
};

static void keep_own(const struct sv_sem_holder *holder, void *arg)
{
	struct keep_pid *keep = arg;
	int len;

	if (holder->pid != keep->pid || keep->full)
		return;
	len = holder->since != 0 ?
	      snprintf(keep->buf + keep->len, keep->size - keep->len, "%d:%u:%d:%d:%lld,",
		       holder->semid, holder->index, holder->sem_op, (int)holder->pid,
		       (long long)holder->since) :
	      snprintf(keep->buf + keep->len, keep->size - keep->len, "%d:%u:%d:%d,",
		       holder->semid, holder->index, holder->sem_op, (int)holder->pid);
	if (len < 0 || (size_t)len >= keep->size - keep->len)
		keep->full = true;
	else
		keep->len += (size_t)len;
}

int sv_hold_format(char *buf, size_t size, const char *old, pid_t pid,
		   int semid, unsigned index, int semop)
{
	return sv_hold_format_since(buf, size, old, pid, semid, index, semop, 0);
}

int sv_hold_format_since(char *buf, size_t size, const char *old, pid_t pid,
			 int semid, unsigned index, int semop, time_t since)
{
	struct keep_pid keep = { buf, size, 0, pid, false };
	int len;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	/* The entries of a `sem run` that executed this `sem run`: the same
	 * process, still holding its units. */
	if (old != NULL)
		sv_hold_parse(old, keep_own, &keep);
	if (keep.full)
		return -1;
	len = since != 0 ?
	      snprintf(buf + keep.len, size - keep.len, "%d:%u:%d:%d:%lld", semid,
		       index, semop, (int)pid, (long long)since) :
	      snprintf(buf + keep.len, size - keep.len, "%d:%u:%d:%d", semid, index,
		       semop, (int)pid);
	return len < 0 || (size_t)len >= size - keep.len ? -1 : 0;
}
