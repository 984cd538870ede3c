/* sysvctl sem on a POSIX REF (/NAME): create, acquire, release, get, z
 * and stat of sem_open semaphores, after sem.c parsed the verb's options;
 * rm goes through cmd_rm_verb.  A POSIX semaphore has one value and no
 * undo: -i other than 0 and `sem run` are usage errors. */
#include <stdio.h>

#include "ipc/posix.h"
#include "ipc/psem.h"
#include "pstat.h"
#include "psem_cmd.h"
#include "stop.h"

static int stat_sem(const char *name, sem_t *sem, const struct out_opts *opts)
{
	struct pstat_extra extra = { -1, -1, -1, -1 };
	struct sv_err err;
	struct stat st;
	int value;

	if (sv_psem_get(sem, name, &value, &err) != 0 ||
	    sv_psem_stat(name, &st, &err) != 0)
		return cmd_fail(&err);
	extra.value = value;
	return pstat_print(SV_SEM, name, &st, &extra, opts);
}

static int do_create(const char *name, const struct sem_opts *opts, sem_t *sem)
{
	struct out_opts json_opts = { .json = true };

	(void)opts;
	return sv_globals.json ? stat_sem(name, sem, &json_opts) : cmd_put_line(name);
}

static int do_get(const char *name, sem_t *sem)
{
	static const char *const key = "value";
	struct sv_err err;
	long long number;
	char text[16];
	int value;

	if (sv_psem_get(sem, name, &value, &err) != 0)
		return cmd_fail(&err);
	if (sv_globals.json) {
		number = value;
		return cmd_print_json_numbers(&key, &number, 1);
	}
	snprintf(text, sizeof(text), "%d", value);
	return cmd_put_line(text);
}

/* acquire and z wait with SIGINT, SIGTERM and SIGHUP caught: one that
 * comes ends the wait, and units taken are given back before 128+N. */
static int do_wait(enum psem_verb verb, const char *name,
		   const struct sem_opts *opts, sem_t *sem)
{
	struct sv_wait wait = opts->wait;
	struct sv_err err;
	int rc;

	cmd_stop_catch(false);
	wait.stop = &cmd_stop_signo;
	if (verb == PSEM_ACQUIRE)
		rc = sv_psem_acquire(sem, name, opts->delta, &wait, &err);
	else
		rc = sv_psem_wait_zero(sem, name, &wait, &err);
	if (cmd_stop_signo != 0) {
		if (rc == 0 && verb == PSEM_ACQUIRE)
			sv_psem_release(sem, name, opts->delta, &err);
		cmd_stop_end();
	}
	return rc == 0 ? EXIT_OK : cmd_fail(&err);
}

static int open_sem(enum psem_verb verb, const char *name,
		    const struct sem_opts *opts, sem_t **sem)
{
	struct sv_ref ref;
	struct sv_err err;
	bool create = verb == PSEM_CREATE || opts->create;
	bool excl = verb == PSEM_CREATE && !opts->exist_ok;

	if (sv_ref_parse(name, 0, &ref, &err) != 0 ||
	    sv_psem_open(&ref, create ? &opts->new : NULL, excl, sem, NULL, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

int psem_verb(enum psem_verb verb, const char *name, const struct sem_opts *opts)
{
	const char *cmdpath = verb == PSEM_CREATE ? "sem create" : "sem";
	struct sv_err err;
	sem_t *sem;
	int code;

	if (opts->index != 0 || (verb == PSEM_CREATE && opts->has_nsems))
		return cmd_usage_error(cmdpath, "a POSIX semaphore is one value: "
				       "-i and -n do not apply to %s", name);
	if ((code = open_sem(verb, name, opts, &sem)) != EXIT_OK)
		return code;
	switch (verb) {
	case PSEM_CREATE:
		code = do_create(name, opts, sem);
		break;
	case PSEM_ACQUIRE:
	case PSEM_Z:
		code = do_wait(verb, name, opts, sem);
		break;
	case PSEM_RELEASE:
		code = sv_psem_release(sem, name, opts->delta, &err) == 0
			? EXIT_OK : cmd_fail(&err);
		break;
	case PSEM_GET:
		code = do_get(name, sem);
		break;
	case PSEM_STAT:
		code = stat_sem(name, sem, &opts->table);
		break;
	}
	sem_close(sem);
	return code;
}

int psem_no_run(const char *name)
{
	struct sv_err err;

	sv_fail(&err, SV_EUSAGE, "sem run %s", name);
	sv_msg(&err, "a POSIX semaphore has no undo: a command that crashed "
	       "would keep its unit for ever");
	sv_hint(&err, "use a System V REF, e.g. 'sysvctl sem run name:%s -- ...'",
		name + 1);
	return cmd_fail(&err);
}
