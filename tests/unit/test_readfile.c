/* Unit tests of the one whole-file reader (src/ipc/readfile.c): a file of
 * any size read to its end, a fixed buffer cut and ended with a NUL, a
 * grown buffer kept for the next call, errors with errno. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/readfile.h"
#include "tap.h"

static char path[64];

/* A file of SIZE bytes 'a' + i % 26, at path. */
static char *make_file(size_t size)
{
	char *text = malloc(size + 1);
	FILE *file;

	snprintf(path, sizeof(path), "/tmp/sysvctl-readfile-%d", (int)getpid());
	for (size_t i = 0; i < size; i++)
		text[i] = (char)('a' + i % 26);
	text[size] = '\0';
	file = fopen(path, "w");
	fwrite(text, 1, size, file);
	fclose(file);
	return text;
}

static void test_fixed(void)
{
	char *text = make_file(100);
	char buf[64];
	ssize_t len = sv_read_file(path, buf, sizeof(buf));

	check(len == 63 && memcmp(buf, text, 63) == 0 && buf[63] == '\0',
	      "a fixed buffer holds SIZE - 1 bytes and a NUL", "100 into 64");
	free(text);
	text = make_file(10);
	len = sv_read_file(path, buf, sizeof(buf));
	check(len == 10 && strcmp(buf, text) == 0, "a short file whole", "10 into 64");
	free(text);
	unlink(path);
	errno = 0;
	len = sv_read_file(path, buf, sizeof(buf));
	check(len == -1 && errno == ENOENT, "a missing file is -1, ENOENT", path);
}

static void test_grow(void)
{
	size_t big = (1u << 20) + 12345, size = 0;
	char *text = make_file(big), *buf = NULL, *first;
	ssize_t len = sv_read_file_grow(path, &buf, &size);

	check(len == (ssize_t)big && size > big && strcmp(buf, text) == 0,
	      "a file larger than the first buffer is read whole", "1 MiB + 12345");
	free(text);
	first = buf;
	text = make_file(5);
	len = sv_read_file_grow(path, &buf, &size);
	check(len == 5 && buf == first && strcmp(buf, text) == 0,
	      "the buffer is kept for the next file", "5 bytes");
	free(text);
	unlink(path);
	len = sv_read_file_grow(path, &buf, &size);
	check(len == -1 && errno == ENOENT && buf == first,
	      "a missing file is -1, ENOENT, the buffer kept", path);
	len = sv_read_file_grow("/proc/self/status", &buf, &size);
	check(len > 0 && strncmp(buf, "Name:", 5) == 0 && strlen(buf) == (size_t)len,
	      "a /proc file, whose size says 0, is read to its end", "/proc/self/status");
	free(buf);
}

int main(void)
{
	test_fixed();
	test_grow();
	return tap_done();
}
