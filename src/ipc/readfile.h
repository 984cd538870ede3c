/* Reading a whole file of /proc or /sys as a string: the one reader that
 * the listings, the process cache, the holder scan and the sysctls share.
 * Such files are made as they are read, so both read until end of file
 * (never trusting a size) and end the text with a NUL. */
#ifndef SYSVCTL_READFILE_H
#define SYSVCTL_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* PATH into BUF of SIZE bytes, at most SIZE - 1 of it (a longer file is
 * cut).  Its length, or -1 with errno. */
ssize_t sv_read_file(const char *path, char *buf, size_t size);

/* PATH whole into *BUF (malloc'd, *SIZE bytes; NULL and 0 at first),
 * grown as needed and kept for the next call.  Its length, or -1 with
 * errno (ENOMEM when it cannot grow). */
ssize_t sv_read_file_grow(const char *path, char **buf, size_t *size);

/* sv_read_file_grow for a /proc/PID file made in one piece as it is read
 * (status, environ, task/TID/syscall): such a file gives all it has up to
 * the room asked for, so a shorter read is its end, with no second read()
 * for the 0 that would say so (a third of a holder scan's calls).  Not
 * for files of many records (/proc/sysvipc). */
ssize_t sv_read_proc_grow(const char *path, char **buf, size_t *size);

#endif
