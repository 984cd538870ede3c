#define _GNU_SOURCE
#include "nsall.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"

/* A container id in a cgroup path: the first run of 64 hex digits
 * (docker-ID.scope, /docker/ID, cri-containerd-ID, libpod-ID), cut to 12
 * as docker ps shows it. */
static void find_container(pid_t pid, char id[16])
{
	char path[64], text[4096];
	ssize_t len;
	int run = 0;

	id[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	len = sv_read_file(path, text, sizeof(text));
	for (ssize_t i = 0; i < len; i++) {
		run = isxdigit((unsigned char)text[i]) ? run + 1 : 0;
		if (run == 64 && (i + 1 == len || !isxdigit((unsigned char)text[i + 1]))) {
			snprintf(id, 16, "%.12s", text + i - 63);
			return;
		}
	}
}

static struct sv_ipcns *find_ns(struct sv_ipcns *nses, size_t count, ino_t ino)
{
	for (size_t i = 0; i < count; i++)
		if (nses[i].ino == ino)
			return &nses[i];
	return NULL;
}

static int add_ns(struct sv_ipcns **nses, size_t *count, ino_t ino, pid_t pid,
		  bool ours)
{
	struct sv_ipcns *bigger = realloc(*nses, (*count + 1) * sizeof(**nses));

	if (bigger == NULL)
		return -1;
	*nses = bigger;
	bigger[*count] = (struct sv_ipcns){ .ino = ino, .pid = pid, .ours = ours };
	find_container(pid, bigger[*count].container);
	(*count)++;
	return 0;
}

int sv_ipcns_list(struct sv_ipcns **nses, size_t *count, struct sv_err *err)
{
	DIR *proc = opendir("/proc");
	struct dirent *entry;
	struct sv_ipcns *ns;
	pid_t self = getpid();
	struct stat st;
	char path[64];

	*nses = NULL;
	*count = 0;
	if (proc == NULL)
		return sv_fail(err, errno, "/proc");
	if (stat("/proc/self/ns/ipc", &st) != 0 ||
	    add_ns(nses, count, st.st_ino, getpid(), true) != 0) {
		closedir(proc);
		return sv_fail(err, errno, "/proc/self/ns/ipc");
	}
	while ((entry = readdir(proc)) != NULL) {
		int pid = atoi(entry->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
		if (stat(path, &st) != 0)
			continue;
		/* Ours is named by its first process other than this one. */
		if ((ns = find_ns(*nses, *count, st.st_ino)) != NULL) {
			if (ns->ours && ns->pid == self && pid != self) {
				ns->pid = (pid_t)pid;
				find_container(ns->pid, ns->container);
			}
			continue;
		}
		if (add_ns(nses, count, st.st_ino, (pid_t)pid, false) != 0) {
			closedir(proc);
			return sv_fail(err, ENOMEM, "/proc");
		}
	}
	closedir(proc);
	return 0;
}

int sv_ipcns_enter(const struct sv_ipcns *ns, int *self_fd, struct sv_err *err)
{
	char path[64];
	int fd;

	*self_fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (*self_fd < 0)
		return sv_fail(err, errno, "/proc/self/ns/ipc");
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)ns->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWIPC) != 0) {
		sv_fail(err, errno == ENOENT ? ESRCH : errno, "ipc namespace %lu (pid %d)",
			(unsigned long)ns->ino, (int)ns->pid);
		if (fd >= 0)
			close(fd);
		close(*self_fd);
		*self_fd = -1;
		return -1;
	}
	close(fd);
	return 0;
}

int sv_ipcns_leave(int self_fd, struct sv_err *err)
{
	int rc = setns(self_fd, CLONE_NEWIPC);

	close(self_fd);
	return rc == 0 ? 0 : sv_fail(err, errno, "setns back");
}
