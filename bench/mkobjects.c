/* mkobjects: make and remove many System V IPC objects for bench/run.
 *
 *   mkobjects make NSHM NSEM NMQ IDFILE   private objects (4 KiB segments,
 *                                         one-semaphore sets, empty queues)
 *   mkobjects remove IDFILE               remove every object IDFILE lists
 *
 * Each object is recorded in IDFILE ("shm ID", "sem ID" or "mq ID", one a
 * line) right after it is made, with the signals that end a run blocked in
 * between, so an interrupted run leaves nothing that IDFILE does not list.
 * Private keys: the objects can never clash with the keys of a test suite
 * running at the same time.  Independent of sysvctl on purpose. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

enum kind { SHM, SEM, MQ };
static const char *const kind_names[] = { "shm", "sem", "mq" };
/* The sysctl to raise when a kind runs out of identifiers. */
static const char *const kind_limits[] = {
	"kernel.shmmni", "kernel.sem (4th field, semmni)", "kernel.msgmni",
};

static int make_one(enum kind kind)
{
	switch (kind) {
	case SHM:
		return shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	case SEM:
		return semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	case MQ:
		return msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	}
	errno = EINVAL;
	return -1;
}

static int remove_one(enum kind kind, int id)
{
	switch (kind) {
	case SHM:
		return shmctl(id, IPC_RMID, NULL);
	case SEM:
		return semctl(id, 0, IPC_RMID);
	case MQ:
		return msgctl(id, IPC_RMID, NULL);
	}
	errno = EINVAL;
	return -1;
}

/* Make COUNT objects of KIND, recording each in the open IDFILE FD. */
static int make_many(enum kind kind, long count, int fd)
{
	sigset_t ending, saved;

	sigemptyset(&ending);
	sigaddset(&ending, SIGINT);
	sigaddset(&ending, SIGTERM);
	sigaddset(&ending, SIGHUP);
	for (long made = 0; made < count; made++) {
		char line[32];
		int id, len;

		sigprocmask(SIG_BLOCK, &ending, &saved);
		id = make_one(kind);
		if (id >= 0) {
			len = snprintf(line, sizeof(line), "%s %d\n", kind_names[kind], id);
			if (write(fd, line, (size_t)len) != len) {
				perror("mkobjects: IDFILE");
				remove_one(kind, id);
				sigprocmask(SIG_SETMASK, &saved, NULL);
				return -1;
			}
		}
		sigprocmask(SIG_SETMASK, &saved, NULL);
		if (id < 0) {
			fprintf(stderr, "mkobjects: %s: %s after %ld objects%s%s\n",
				kind_names[kind], strerror(errno), made,
				errno == ENOSPC ? "; raise " : "",
				errno == ENOSPC ? kind_limits[kind] : "");
			return -1;
		}
	}
	return 0;
}

static int make_all(char **argv)
{
	long counts[3];
	int fd;

	for (int kind = SHM; kind <= MQ; kind++) {
		char *end;

		counts[kind] = strtol(argv[kind], &end, 10);
		if (*argv[kind] == '\0' || *end != '\0' || counts[kind] < 0) {
			fprintf(stderr, "mkobjects: bad count '%s'\n", argv[kind]);
			return 2;
		}
	}
	fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(argv[3]);
		return 1;
	}
	for (int kind = SHM; kind <= MQ; kind++)
		if (make_many((enum kind)kind, counts[kind], fd) != 0)
			return 1;
	return close(fd) == 0 ? 0 : 1;
}

static int remove_all(const char *idfile)
{
	FILE *ids = fopen(idfile, "r");
	char name[8];
	int id, status = 0;

	if (ids == NULL)
		return errno == ENOENT ? 0 : (perror(idfile), 1);
	while (fscanf(ids, "%7s %d", name, &id) == 2) {
		for (int kind = SHM; kind <= MQ; kind++) {
			if (strcmp(name, kind_names[kind]) != 0)
				continue;
			/* Gone already (EINVAL, EIDRM) is what we want. */
			if (remove_one((enum kind)kind, id) != 0 &&
			    errno != EINVAL && errno != EIDRM) {
				fprintf(stderr, "mkobjects: %s %d: %s\n", name, id,
					strerror(errno));
				status = 1;
			}
		}
	}
	fclose(ids);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "make") == 0)
		return make_all(argv + 2);
	if (argc == 3 && strcmp(argv[1], "remove") == 0)
		return remove_all(argv[2]);
	fputs("usage: mkobjects make NSHM NSEM NMQ IDFILE\n"
	      "       mkobjects remove IDFILE\n", stderr);
	return 2;
}
