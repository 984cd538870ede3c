#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

static const char need_admin[] =
	"entering a namespace needs CAP_SYS_ADMIN (run as root)";

/* Anything but an IPC namespace file: a FIFO, a device, a plain file, a
 * directory, another kind of namespace. */
static int not_ipc_ns(const char *option, const char *path,
		      struct sv_err *err)
{
	sv_fail(err, SV_EUSAGE, "%s %s", option, path);
	sv_msg(err, "not an IPC namespace file");
	return sv_hint(err, "give a PID, or a file such as /proc/PID/ns/ipc");
}

static int open_error(const char *option, const char *path, int errnum,
		      struct sv_err *err)
{
	sv_fail(err, errnum, "%s %s", option, path);
	if (errnum == ENOENT)
		return sv_msg(err, "no such process or namespace file");
	if (errnum == EACCES || errnum == EPERM)
		return sv_hint(err, need_admin);
	return -1;
}

/* Open PATH only if it can be a namespace file.  Namespace files are
 * regular (nsfs gives them S_IFREG): checking that before open() keeps a
 * FIFO from blocking us forever and a device from being opened at all;
 * O_NONBLOCK covers a file swapped for a FIFO in between. */
static int open_ns_file(const char *option, const char *path,
			struct sv_err *err)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0)
		return open_error(option, path, errno, err);
	if (!S_ISREG(st.st_mode))
		return not_ipc_ns(option, path, err);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return open_error(option, path, errno, err);
	return fd;
}

/* Whether FD is an IPC namespace: a file of nsfs (so the ioctl below goes
 * to nsfs and to no other file system's handler) whose type is
 * CLONE_NEWIPC.  A kernel without NS_GET_NSTYPE (before 4.11) is left to
 * setns(), which refuses any other type with EINVAL. */
static bool is_ipc_ns(int fd)
{
	struct statfs fs;
	int type;

	if (fstatfs(fd, &fs) != 0 || fs.f_type != NSFS_MAGIC)
		return false;
	type = ioctl(fd, NS_GET_NSTYPE);
	return type == CLONE_NEWIPC || (type < 0 && errno == ENOTTY);
}

int sv_ns_enter(const char *target, const char *option, struct sv_err *err)
{
	char path[4096];
	int fd, saved;

	if (target[0] == '\0') {
		sv_fail(err, SV_EUSAGE, "%s", option);
		return sv_msg(err, "TARGET is empty (a PID or a namespace file)");
	}
	if (strspn(target, "0123456789") == strlen(target))
		snprintf(path, sizeof(path), "/proc/%s/ns/ipc", target);
	else
		snprintf(path, sizeof(path), "%s", target);
	fd = open_ns_file(option, path, err);
	if (fd < 0)
		return -1;
	if (!is_ipc_ns(fd)) {
		close(fd);
		return not_ipc_ns(option, path, err);
	}
	if (setns(fd, CLONE_NEWIPC) == 0) {
		close(fd);
		return 0;
	}
	saved = errno;
	close(fd);
	if (saved == EINVAL)
		return not_ipc_ns(option, path, err);
	sv_fail(err, saved, "%s %s", option, path);
	return saved == EPERM ? sv_hint(err, need_admin) : -1;
}
