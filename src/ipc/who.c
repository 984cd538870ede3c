#include "who.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sem.h>
#include <unistd.h>

/* The most sembufs of one waiter's semop that are read. */
#define WAITER_MAX_SOPS 16

/* The op a waiter blocks on, read from its memory (/proc/PID/mem: needs
 * the right to trace it): the first that takes units, else the first
 * that waits for zero.  False when it cannot be read. */
static bool waiter_op(const struct sv_waiter *waiter, struct sv_sem_user *user)
{
	struct sembuf sops[WAITER_MAX_SOPS];
	size_t nsops = waiter->nsops < WAITER_MAX_SOPS ? waiter->nsops : WAITER_MAX_SOPS;
	const struct sembuf *pick = NULL;
	char path[64];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)waiter->pid);
	if (nsops == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	got = pread(fd, sops, nsops * sizeof(*sops), (off_t)waiter->sops);
	close(fd);
	if (got != (ssize_t)(nsops * sizeof(*sops)))
		return false;
	for (size_t i = 0; i < nsops && pick == NULL; i++)
		if (sops[i].sem_op < 0)
			pick = &sops[i];
	for (size_t i = 0; i < nsops && pick == NULL; i++)
		if (sops[i].sem_op == 0)
			pick = &sops[i];
	if (pick == NULL)
		pick = &sops[0];
	user->index = pick->sem_num;
	user->sem_op = pick->sem_op;
	return true;
}

static size_t count_holders(const struct sv_users *users, int semid)
{
	size_t n = 0;

	for (size_t i = 0; i < users->nholders; i++)
		n += users->holders[i].semid == semid;
	return n;
}

static size_t count_waiters(const struct sv_users *users, int semid)
{
	size_t n = 0;

	for (size_t i = 0; i < users->nwaiters; i++)
		n += users->waiters[i].call == SV_WAIT_SEMOP &&
		     users->waiters[i].id == semid;
	return n;
}

size_t sv_sem_nholders(struct sv_procs *procs, int semid)
{
	sv_procs_scan_users(procs);
	return count_holders(sv_procs_holders(procs), semid);
}

size_t sv_sem_nwaiters(struct sv_procs *procs, int semid)
{
	sv_procs_scan_users(procs);
	return count_waiters(sv_procs_waiters(procs), semid);
}

int sv_sem_users(struct sv_procs *procs, int semid, struct sv_sem_user **users,
		 size_t *n)
{
	const struct sv_users *holders, *waiters;
	struct sv_sem_user *list;
	size_t total;

	sv_procs_scan_users(procs);     /* one walk of /proc for both */
	holders = sv_procs_holders(procs);
	waiters = sv_procs_waiters(procs);
	total = count_holders(holders, semid) + count_waiters(waiters, semid);
	list = calloc(total ? total : 1, sizeof(*list));

	*users = list;
	*n = 0;
	if (list == NULL || holders->failed || waiters->failed)
		return -1;
	for (size_t i = 0; i < holders->nholders; i++) {
		const struct sv_sem_holder *h = &holders->holders[i];

		if (h->semid != semid)
			continue;
		list[*n] = (struct sv_sem_user){
			.holds = true, .pid = h->pid, .index = h->index,
			.sem_op = h->sem_op, .op_known = true,
			.since = h->since ? h->since : sv_proc_start(procs, h->pid),
			.command = sv_proc_cmdline(procs, h->pid),
		};
		(*n)++;
	}
	for (size_t i = 0; i < waiters->nwaiters; i++) {
		const struct sv_waiter *w = &waiters->waiters[i];

		if (w->call != SV_WAIT_SEMOP || w->id != semid)
			continue;
		list[*n] = (struct sv_sem_user){
			.pid = w->pid, .command = sv_proc_cmdline(procs, w->pid),
		};
		list[*n].op_known = waiter_op(w, &list[*n]);
		(*n)++;
	}
	return 0;
}
