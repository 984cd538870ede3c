#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sv_ns_enter(const char *target, struct sv_err *err)
{
	char path[4096];
	int fd;

	if (target[0] != '\0' && strspn(target, "0123456789") == strlen(target))
		snprintf(path, sizeof(path), "/proc/%s/ns/ipc", target);
	else
		snprintf(path, sizeof(path), "%s", target);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sv_fail(err, errno, "--ns %s", path);
		if (errno == ENOENT)
			sv_msg(err, "no such process or namespace file");
		else if (errno == EACCES)
			sv_hint(err, "entering a namespace needs CAP_SYS_ADMIN (run as root)");
		return -1;
	}
	if (setns(fd, CLONE_NEWIPC) != 0) {
		int saved = errno;

		close(fd);
		sv_fail(err, saved, "--ns %s", path);
		if (saved == EPERM)
			sv_hint(err, "entering a namespace needs CAP_SYS_ADMIN (run as root)");
		else if (saved == EINVAL)
			sv_msg(err, "not an IPC namespace");
		return -1;
	}
	close(fd);
	return 0;
}
