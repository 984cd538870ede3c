#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int sv_fail(struct sv_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
	err->cause = SV_CAUSE_NONE;
	err->ref[0] = '\0';
	err->ref_cut = false;
	va_start(ap, fmt);
	vsnprintf(err->ctx, sizeof(err->ctx), fmt, ap);
	va_end(ap);
	return -1;
}

int sv_msg(struct sv_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int sv_cause(struct sv_err *err, enum sv_cause cause, int kind, const char *ref)
{
	err->cause = cause;
	err->kind = kind;
	if (ref == NULL)
		ref = "";
	err->ref_cut = strlen(ref) >= sizeof(err->ref);
	snprintf(err->ref, sizeof(err->ref), "%s", err->ref_cut ? "" : ref);
	return -1;
}

int sv_hint(struct sv_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -1;
}

int sv_fail_proc(struct sv_err *err, int errnum, const char *path)
{
	if (errnum != ENOENT)
		return sv_fail(err, errnum, "%s", path);
	sv_fail(err, ENOSYS, "%s", path);
	return sv_msg(err, "missing (a kernel without System V IPC, or no /proc)");
}

const char *sv_err_text(const struct sv_err *err)
{
	if (err->msg[0] != '\0')
		return err->msg;
	switch (err->errnum) {
	case SV_EUSAGE:
		return "invalid argument";
	case SV_ELIMIT:
		return "over a size or system limit";
	case SV_EBUSY:
		return "busy";
	case SV_EINCOMPLETE:
		return "incomplete frame";
	case SV_EUNREACHABLE:
		return "unreachable";
	case SV_EETCD:
		return "unexpected answer";
	default:
		return strerror(err->errnum);
	}
}
