/* sysvctl sem who etcd:NAME and sem stat etcd:NAME: the contenders of a
 * lock on etcd, read from its keys (in create-revision order) and their
 * values (host, pid, command, since, slots; etcdctl's keys have none). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "ipc/etcd_lock.h"
#include "sem_etcd.h"

static const char who_usage[] =
	"Usage: sysvctl sem who etcd:NAME [--etcd URLS] [--connect-timeout DUR]\n"
	"\n"
	"One line per holder of the lock NAME on etcd, then one per waiter, in\n"
	"the order they came:\n"
	"  holds 1 PID COMMAND on HOST since TIME\n"
	"  waits 1 PID COMMAND on HOST\n"
	"A key made by 'etcdctl lock' shows as pid 0 and host '-'.\n"
	"\n"
	"Options:\n"
	"      --etcd URLS       endpoints (default $SYSVCTL_ETCD_ENDPOINTS, else\n"
	"                        http://127.0.0.1:2379)\n"
	"      --connect-timeout DUR\n"
	"                        give up on an endpoint after DUR (default 3s)\n"
	"  -j, --json            {\"holders\": [...], \"waiters\": [...]}\n"
	"  -h, --help            this help\n";

static const char stat_usage[] =
	"Usage: sysvctl sem stat etcd:NAME [--etcd URLS] [--connect-timeout DUR]\n"
	"                        [-o COLUMNS] [--raw] [--noheadings] [-e]\n"
	"\n"
	"Show the lock NAME on etcd: its key prefix, how many hold and wait, and\n"
	"each contender (state, slots, pid, command, host, since, key, revision).\n"
	"\n"
	"Options:\n"
	"      --etcd URLS       endpoints (default $SYSVCTL_ETCD_ENDPOINTS, else\n"
	"                        http://127.0.0.1:2379)\n"
	"      --connect-timeout DUR\n"
	"                        give up on an endpoint after DUR (default 3s)\n"
	"  -j, --json            one flat object with a contenders list\n"
	"  -h, --help            this help\n";

enum { LOCK_NAME, LOCK_PREFIX, LOCK_HOLDERS, LOCK_WAITERS, LOCK_NCOLS };
static const struct out_col lock_columns[] = {
	[LOCK_NAME] = { .name = "NAME", .type = OUT_STR, .width = 0.5,
		.help = "the lock's name" },
	[LOCK_PREFIX] = { .name = "PREFIX", .type = OUT_STR, .width = 0.5,
		.help = "the prefix of its keys on etcd" },
	[LOCK_HOLDERS] = { .name = "HOLDERS", .type = OUT_NUM, .width = 1,
		.help = "contenders holding a slot" },
	[LOCK_WAITERS] = { .name = "WAITERS", .type = OUT_NUM, .width = 1,
		.help = "contenders waiting" },
};

enum { C_STATE, C_SLOTS, C_PID, C_COMMAND, C_HOST, C_SINCE, C_KEY, C_REVISION, C_NCOLS };
static const struct out_col contender_columns[] = {
	[C_STATE] = { .name = "STATE", .type = OUT_STR, .width = 1,
		.help = "holds or waits" },
	[C_SLOTS] = { .name = "SLOTS", .type = OUT_NUM, .width = 1,
		.help = "the slots it asked for (-v)" },
	[C_PID] = { .name = "PID", .type = OUT_NUM, .width = 1,
		.help = "COMMAND's pid (0: not known)" },
	[C_COMMAND] = { .name = "COMMAND", .type = OUT_STR, .width = 0.5,
		.help = "the command it runs" },
	[C_HOST] = { .name = "HOST", .type = OUT_STR, .width = 0.3,
		.help = "the host it runs on" },
	[C_SINCE] = { .name = "SINCE", .type = OUT_TIME, .width = 1,
		.help = "holding (or waiting) since" },
	[C_KEY] = { .name = "KEY", .type = OUT_STR, .width = 0.3,
		.help = "its key on etcd" },
	[C_REVISION] = { .name = "REVISION", .type = OUT_NUM, .width = 1,
		.help = "the key's create revision: the order" },
};

/* A contender as its key's value says. */
struct contender {
	bool holds;
	int slots;
	long long pid;
	const char *command;
	const char *host;
	long long since;
	json_object *value;     /* owns the strings */
};

static void read_contender(const struct sv_etcd_kv *kv, size_t index,
			   struct contender *who)
{
	json_object *field;

	memset(who, 0, sizeof(*who));
	who->slots = 1;
	who->command = who->host = "";
	who->value = json_tokener_parse(kv->value);
	if (who->value != NULL && json_object_is_type(who->value, json_type_object)) {
		if (json_object_object_get_ex(who->value, "slots", &field))
			who->slots = json_object_get_int(field) > 0 ? json_object_get_int(field) : 1;
		if (json_object_object_get_ex(who->value, "pid", &field))
			who->pid = json_object_get_int64(field);
		if (json_object_object_get_ex(who->value, "since", &field))
			who->since = json_object_get_int64(field);
		if (json_object_object_get_ex(who->value, "command", &field))
			who->command = json_object_get_string(field);
		if (json_object_object_get_ex(who->value, "host", &field))
			who->host = json_object_get_string(field);
	}
	who->holds = index < (size_t)who->slots;
}

/* Parse a show verb's options and read the lock's keys.  True when the
 * verb must return *code now. */
static bool read_lock(int argc, char **argv, const char *cmdpath,
		      const char *usage, struct out_opts *table,
		      struct sv_etcd_kvs *kvs, const char **name, int *code)
{
	static const struct option longopts[] = {
		LONGOPT_ETCD_CONN, CMD_TABLE_LONGOPTS, CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sem_etcd_conn conn;
	struct sv_etcd etcd;
	struct sv_etcd_lock lock;
	struct sv_err err;
	int opt, rc;

	sem_etcd_conn_init(&conn);
	memset(table, 0, sizeof(*table));
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS CMD_TABLE_SHORTOPTS,
				  longopts)) != -1) {
		if (sem_etcd_conn_opt(opt, &conn, &rc, &err)) {
			if (rc != 0) {
				*code = cmd_fail(&err);
				return true;
			}
		} else if (!cmd_table_opt(opt, table) &&
			   cmd_common_opt(opt, argv, cmdpath, usage, code)) {
			return true;
		}
	}
	table->json = sv_globals.json;
	if (!cmd_table_opts_ok(table, code) ||
	    !cmd_nargs_ok(argc - optind, 1, 1, cmdpath, code))
		return true;
	*name = argv[optind] + strlen(SEM_ETCD_PREFIX);
	rc = sem_etcd_connect(&conn, &etcd, &err);
	if (rc == 0)
		rc = sv_etcd_lock_init(&lock, &etcd, *name, 1, 10, &err);
	if (rc == 0)
		rc = sv_etcd_range_prefix(&etcd, lock.prefix, kvs, &err);
	sv_etcd_close(&etcd);
	if (rc != 0)
		*code = cmd_fail(&err);
	return rc != 0;
}

static void print_who_line(const struct contender *who)
{
	char since[64] = "-";
	time_t when = (time_t)who->since;
	struct tm tm;

	if (who->since > 0 && localtime_r(&when, &tm) != NULL)
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%S%z", &tm);
	if (who->holds)
		printf("holds 1 %lld %s on %s since %s\n", who->pid,
		       who->command[0] ? who->command : "-",
		       who->host[0] ? who->host : "-", since);
	else
		printf("waits 1 %lld %s on %s\n", who->pid,
		       who->command[0] ? who->command : "-",
		       who->host[0] ? who->host : "-");
}

static void fill_contender(struct out_line *line, const struct contender *who,
			   const struct sv_etcd_kv *kv)
{
	out_set_str(line, C_STATE, who->holds ? "holds" : "waits");
	out_set_num(line, C_SLOTS, who->slots);
	out_set_num(line, C_PID, who->pid);
	out_set_str(line, C_COMMAND, who->command);
	out_set_str(line, C_HOST, who->host);
	out_set_time(line, C_SINCE, (time_t)who->since);
	out_set_str(line, C_KEY, kv->key);
	out_set_num(line, C_REVISION, kv->create_revision);
}

/* Fill HOLDERS and WAITERS (WAITERS may be HOLDERS: one table). */
static int fill_tables(const struct sv_etcd_kvs *kvs, struct out_table *holders,
		       struct out_table *waiters, long long *nholders)
{
	struct contender who;
	struct out_line *line;
	size_t i;

	*nholders = 0;
	for (i = 0; i < kvs->count; i++) {
		read_contender(&kvs->kv[i], i, &who);
		*nholders += who.holds;
		line = out_line_new(who.holds ? holders : waiters);
		if (line != NULL)
			fill_contender(line, &who, &kvs->kv[i]);
		json_object_put(who.value);
		if (line == NULL)
			return -1;
	}
	return 0;
}

static int print_who_json(const struct sv_etcd_kvs *kvs, struct out_opts *opts)
{
	struct out_table *tables[2];
	struct sv_err err;
	long long nholders;
	int rc = EXIT_OSERR;

	tables[0] = out_table_new("holders", contender_columns, C_NCOLS,
				  "PID,COMMAND,HOST,SINCE,SLOTS,KEY,REVISION", opts, &err);
	tables[1] = out_table_new("waiters", contender_columns, C_NCOLS,
				  "PID,COMMAND,HOST,SINCE,SLOTS,KEY,REVISION", opts, &err);
	if (tables[0] != NULL && tables[1] != NULL &&
	    fill_tables(kvs, tables[0], tables[1], &nholders) == 0)
		rc = out_print_tables(tables, 2) == 0 ? EXIT_OK : EXIT_OSERR;
	out_table_free(tables[0]);
	out_table_free(tables[1]);
	return rc;
}

int sem_etcd_who(int argc, char **argv)
{
	struct sv_etcd_kvs kvs;
	struct out_opts opts;
	struct contender who;
	const char *name;
	int code = EXIT_OK;

	if (sem_etcd_ref(argc, argv) == NULL && argc > 1 &&
	    strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--help") != 0)
		return cmd_usage_error("sem who", "only etcd:NAME locks here");
	if (read_lock(argc, argv, "sem who", who_usage, &opts, &kvs, &name, &code))
		return code;
	if (opts.json) {
		code = print_who_json(&kvs, &opts);
	} else {
		for (size_t i = 0; i < kvs.count; i++) {
			read_contender(&kvs.kv[i], i, &who);
			print_who_line(&who);
			json_object_put(who.value);
		}
	}
	sv_etcd_kvs_free(&kvs);
	return code;
}

int sem_etcd_stat(int argc, char **argv)
{
	struct out_table *lock = NULL, *contenders = NULL;
	struct sv_etcd_kvs kvs;
	struct out_opts opts;
	struct out_line *line;
	struct sv_err err;
	const char *name;
	long long nholders;
	char prefix[SV_ETCD_NAME_MAX + 2];
	int code = EXIT_OSERR;

	if (read_lock(argc, argv, "sem stat", stat_usage, &opts, &kvs, &name, &code))
		return code;
	lock = out_table_new("sem", lock_columns, LOCK_NCOLS,
			     "NAME,PREFIX,HOLDERS,WAITERS", &opts, &err);
	contenders = out_table_new("contenders", contender_columns, C_NCOLS,
				   "STATE,SLOTS,PID,COMMAND,HOST,SINCE,KEY,REVISION",
				   &opts, &err);
	if (lock == NULL || contenders == NULL) {
		code = cmd_fail(&err);
		goto out;
	}
	if (fill_tables(&kvs, contenders, contenders, &nholders) != 0 ||
	    (line = out_line_new(lock)) == NULL)
		goto out;
	snprintf(prefix, sizeof(prefix), "%s/", name);
	out_set_str(line, LOCK_NAME, name);
	out_set_str(line, LOCK_PREFIX, prefix);
	out_set_num(line, LOCK_HOLDERS, nholders);
	out_set_num(line, LOCK_WAITERS, (long long)kvs.count - nholders);
	code = out_print_object(lock, contenders) == 0 ? EXIT_OK : EXIT_OSERR;
out:
	out_table_free(lock);
	out_table_free(contenders);
	sv_etcd_kvs_free(&kvs);
	return code;
}
