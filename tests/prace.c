/* LD_PRELOAD shim for tests/plist.bats: makes a race between sysvctl's
 * listing of a POSIX queue and its removal happen every time.  The first
 * mq_getattr (the listing) answers, then PRACE_MQ (a queue name) is
 * changed behind sysvctl's back: PRACE_DO=send sends it one message,
 * PRACE_DO=replace unlinks it and creates a new queue by the same name. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>

int mq_getattr(mqd_t mqd, struct mq_attr *attr)
{
	static int (*real)(mqd_t, struct mq_attr *);
	static int done;
	const char *name = getenv("PRACE_MQ"), *what = getenv("PRACE_DO");
	int rc;
	mqd_t q;

	if (real == NULL)
		real = (int (*)(mqd_t, struct mq_attr *))dlsym(RTLD_NEXT, "mq_getattr");
	rc = real(mqd, attr);
	if (done++ || name == NULL || what == NULL)
		return rc;
	if (strcmp(what, "replace") == 0) {
		mq_unlink(name);
		q = mq_open(name, O_CREAT | O_EXCL | O_WRONLY, 0600, NULL);
	} else {
		q = mq_open(name, O_WRONLY);
		if (q != (mqd_t)-1)
			mq_send(q, "x", 1, 0);
	}
	if (q != (mqd_t)-1)
		mq_close(q);
	return rc;
}
