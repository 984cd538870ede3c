#include "sysctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "readfile.h"

int sv_sysctl_u64(const char *name, uint64_t *value, struct sv_err *err)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	return sv_sysctl_path_u64(path, value, err);
}

int sv_sysctl_path_u64(const char *path, uint64_t *value, struct sv_err *err)
{
	char text[64];

	if (sv_read_file(path, text, sizeof(text)) < 0)
		return sv_fail_proc(err, errno, path);
	if (sscanf(text, "%" SCNu64, value) != 1) {
		sv_fail(err, EIO, "%s", path);
		return sv_msg(err, "unexpected content");
	}
	return 0;
}

int sv_sysctl_sem(uint64_t values[4], struct sv_err *err)
{
	static const char path[] = "/proc/sys/kernel/sem";
	char text[128];

	if (sv_read_file(path, text, sizeof(text)) < 0)
		return sv_fail_proc(err, errno, path);
	if (sscanf(text, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
		   &values[0], &values[1], &values[2], &values[3]) != 4) {
		sv_fail(err, EIO, "%s", path);
		return sv_msg(err, "unexpected content");
	}
	return 0;
}
