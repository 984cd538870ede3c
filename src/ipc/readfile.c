#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

/* The first buffer sv_read_file_grow makes: a /proc/sysvipc file of some
 * thousand objects in one read(2) or two. */
#define FIRST_SIZE (1u << 18)

/* Below this much room, a growing buffer doubles before the next read. */
#define MIN_ROOM 8192u

/* Make room for another read in *BUF: false (ENOMEM) when it can't. */
static bool make_room(char **buf, size_t *size, size_t len)
{
	size_t bigger_size;
	char *bigger;

	if (*buf != NULL && *size - len >= MIN_ROOM)
		return true;
	bigger_size = *buf == NULL ? FIRST_SIZE : *size * 2;
	if ((bigger = realloc(*buf, bigger_size)) == NULL) {
		errno = ENOMEM;
		return false;
	}
	*buf = bigger;
	*size = bigger_size;
	return true;
}

/* Read FD to its end into *BUF (growing it when GROW; a short read is the
 * end when SHORT_ENDS): its length, or -1 with errno.  Closes FD. */
static ssize_t read_to_end(int fd, char **buf, size_t *size, bool grow,
			   bool short_ends)
{
	size_t len = 0;
	ssize_t got = 0;
	int saved;

	for (;;) {
		if (grow && !make_room(buf, size, len)) {
			got = -1;
			break;
		}
		if (len + 1 >= *size)
			break;
		size_t room = *size - 1 - len;

		got = read(fd, *buf + len, room);
		if (got <= 0)
			break;
		len += (size_t)got;
		if (short_ends && (size_t)got < room)
			break;
	}
	saved = errno;
	close(fd);
	if (got < 0) {
		errno = saved;
		return -1;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

ssize_t sv_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return read_to_end(fd, &buf, &size, false, false);
}

ssize_t sv_read_file_grow(const char *path, char **buf, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return read_to_end(fd, buf, size, true, false);
}

ssize_t sv_read_proc_grow(const char *path, char **buf, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return read_to_end(fd, buf, size, true, true);
}
