/* sysvctl mq on a POSIX REF (/NAME): create and stat of mq_open queues,
 * and the refusals of what POSIX queues cannot do.  send and recv run
 * mq_send.c and mq_recv.c as they are: the core (ipc/mq.c) hands each
 * attempt on a POSIX queue to ipc/pmq.c. */
#include <stdio.h>

#include "ipc/pmq.h"
#include "ipc/posix.h"
#include "pmq_cmd.h"
#include "pstat.h"

static int stat_obj(const struct sv_obj *obj, const struct out_opts *opts)
{
	struct pstat_extra extra = { .value = -1 };
	struct mq_attr attr;
	struct sv_err err;
	struct stat st;

	if (sv_posix_stat(obj, &st, &err) != 0 || sv_pmq_attr(obj, &attr, &err) != 0)
		return cmd_fail(&err);
	extra.messages = attr.mq_curmsgs;
	extra.maxmsg = attr.mq_maxmsg;
	extra.msgsize = attr.mq_msgsize;
	return pstat_print(SV_MQ, obj->name, &st, &extra, opts);
}

int pmq_create(const char *name, mode_t mode, bool exist_ok, long maxmsg,
	       long msgsize)
{
	struct sv_pmq_new spec = { mode, maxmsg, msgsize };
	struct out_opts json_opts = { .json = true };
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct mq_attr attr;
	bool created;
	int code;

	if (sv_ref_parse(name, 0, &ref, &err) != 0 ||
	    sv_pmq_create(&ref, &spec, exist_ok, &obj, &created, &err) != 0)
		return cmd_fail(&err);
	if (!created && (maxmsg != 0 || msgsize != 0) &&
	    sv_pmq_attr(&obj, &attr, &err) == 0 &&
	    ((maxmsg != 0 && attr.mq_maxmsg != maxmsg) ||
	     (msgsize != 0 && attr.mq_msgsize != msgsize)))
		cmd_warn("mq %s exists with %ld messages of %ld bytes (left as it is)",
			 name, (long)attr.mq_maxmsg, (long)attr.mq_msgsize);
	code = sv_globals.json ? stat_obj(&obj, &json_opts) : cmd_put_line(name);
	sv_posix_close(&obj);
	return code;
}

int pmq_stat(const char *name, const struct out_opts *opts)
{
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (sv_ref_parse(name, 0, &ref, &err) != 0 ||
	    sv_pmq_open(&ref, false, &obj, &err) != 0)
		return cmd_fail(&err);
	code = stat_obj(&obj, opts);
	sv_posix_close(&obj);
	return code;
}

int pmq_fixed_attributes(const char *name)
{
	struct sv_err err;

	sv_fail(&err, SV_EUSAGE, "mq %s", name);
	sv_msg(&err, "a POSIX queue's limits are fixed when it is made");
	sv_hint(&err, "make it again with 'sysvctl mq create %s --max-messages N "
		"--msgsize N'", name);
	return cmd_fail(&err);
}

int pmq_no_type_selection(void)
{
	struct sv_err err;

	sv_fail(&err, SV_EUSAGE, "mq recv");
	sv_msg(&err, "a POSIX queue cannot select messages by type (-T, --except)");
	sv_hint(&err, "it gives the oldest message of the highest priority first; "
		"use a System V queue (KEY, name:NAME) to select by type");
	return cmd_fail(&err);
}
