/* sysvctl mq: create, stat, set and rm, and the verbs table (send and recv
 * live in mq_send.c and mq_recv.c). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "mq_cmd.h"

int mq_parse_type(const char *text, long long min, long *type)
{
	struct sv_err err;
	long long value;

	if (parse_int(text, "-T", min, LONG_MAX, &value, &err) != 0)
		return cmd_fail(&err);
	*type = (long)value;
	return EXIT_OK;
}

static int open_ref(const char *text, struct sv_obj *obj)
{
	struct sv_ref ref;
	struct sv_err err;

	if (sv_ref_parse(text, 0, &ref, &err) != 0 ||
	    sv_mq_open(&ref, false, obj, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

/* --max-bytes N: 1 to INT_MAX.  struct msqid_ds has an unsigned long
 * msg_qbytes, but the kernel's IPC_SET passes it on as an int: 4G became
 * 0 and 4294968296 became 1000, silently, so anything above INT_MAX is a
 * usage error before the kernel sees it. */
static int parse_max_bytes(const char *text, uint64_t *max_bytes)
{
	struct sv_err err;

	if (parse_bytes(text, "--max-bytes", 1, INT_MAX, max_bytes, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

/* create --exist-ok found a queue: say so when its max bytes differ. */
static void warn_other_max_bytes(const struct sv_obj *obj, uint64_t max_bytes)
{
	struct sv_mq_info info;
	struct sv_err err;
	char what[64];

	if (max_bytes == 0 || sv_mq_stat(obj, &info, &err) != 0 ||
	    info.max_bytes == max_bytes)
		return;
	cmd_warn("%s exists with max bytes %llu, not %llu (left as it is)",
		 sv_obj_describe(obj, what, sizeof(what)),
		 (unsigned long long)info.max_bytes, (unsigned long long)max_bytes);
}

/* Print OBJ's stat: a vertical list, a table, or one flat JSON object. */
static int print_stat(const struct sv_obj *obj, const struct out_opts *opts)
{
	struct out_table *table;
	struct out_line *line;
	struct sv_mq_info info;
	struct sv_err err;
	int code;

	if (sv_mq_stat(obj, &info, &err) != 0)
		return cmd_fail(&err);
	table = out_table_new("mq", mq_columns, MQ_NCOLS, MQ_STAT_COLUMNS, opts, &err);
	if (table == NULL)
		return cmd_fail(&err);
	out_table_labels(table, mq_labels);
	line = out_line_new(table);
	if (line != NULL)
		columns_fill_mq(line, &info);
	code = line != NULL && out_print_object(table, NULL) == 0 ? EXIT_OK : EXIT_OSERR;
	out_table_free(table);
	return code;
}

static const char create_usage[] =
	"Usage: sysvctl mq create REF [-m MODE] [-p|--exist-ok] [--max-bytes N]\n"
	"\n"
	"Create a message queue and print its id.  REF is a KEY, path:PATH[:PROJ],\n"
	"name:TEXT or private.  An existing key is exit 5 unless --exist-ok.\n"
	"REF /NAME makes a POSIX queue (mq_open) and prints its name.\n"
	"\n"
	"Options:\n"
	"  -m, --mode MODE      permissions, octal (default 0600)\n"
	"  -p, --exist-ok       open the queue when the key exists already\n"
	"      --max-bytes N    the most bytes the queue holds (msg_qbytes), 1 to\n"
	"                       2147483647 (K, M, G suffixes); above kernel.msgmnb\n"
	"                       needs CAP_SYS_RESOURCE\n"
	"      --max-messages N POSIX queue: the most messages it holds\n"
	"      --msgsize N      POSIX queue: the largest message, in bytes\n"
	"                       (default for both: /proc/sys/fs/mqueue/*_default)\n"
	"  -j, --json           print the stat object (as mq stat --json)\n"
	"  -h, --help           this help\n";

static int mq_create(int argc, char **argv)
{
	enum { OPT_MAX_BYTES = OPT_CMD_FIRST, OPT_MAX_MESSAGES, OPT_MSGSIZE };
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "exist-ok", no_argument, NULL, 'p' },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
		{ "msgsize", required_argument, NULL, OPT_MSGSIZE },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	mode_t mode = 0600;
	uint64_t max_bytes = 0, maxmsg = 0, msgsize = 0;
	bool exist_ok = false, created;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	int opt, code;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "m:p", longopts)) != -1) {
		if (opt == 'm') {
			if (parse_mode(optarg, "-m", &mode, &err) != 0)
				return cmd_fail(&err);
		} else if (opt == 'p') {
			exist_ok = true;
		} else if (opt == OPT_MAX_BYTES) {
			if ((code = parse_max_bytes(optarg, &max_bytes)) != EXIT_OK)
				return code;
		} else if (opt == OPT_MAX_MESSAGES || opt == OPT_MSGSIZE) {
			if (parse_bytes(optarg, opt == OPT_MSGSIZE ? "--msgsize" : "--max-messages",
					1, INT_MAX, opt == OPT_MSGSIZE ? &msgsize : &maxmsg,
					&err) != 0)
				return cmd_fail(&err);
		} else if (cmd_common_opt(opt, argv, "mq create", create_usage, &code)) {
			return code;
		}
	}
	if (!cmd_nargs_ok(argc - optind, 1, 1, "mq create", &code))
		return code;
	if (sv_ref_is_posix(argv[optind])) {
		if (max_bytes != 0)
			return cmd_usage_error("mq create", "--max-bytes is a System V "
					       "limit; a POSIX queue takes --max-messages "
					       "and --msgsize");
		return pmq_create(argv[optind], mode, exist_ok, (long)maxmsg, (long)msgsize);
	}
	if (maxmsg != 0 || msgsize != 0)
		return cmd_usage_error("mq create", "--max-messages and --msgsize "
				       "apply to a POSIX queue (/NAME)");
	if (sv_ref_parse(argv[optind], SV_REF_ALLOW_PRIVATE, &ref, &err) != 0 ||
	    sv_mq_create(&ref, mode, exist_ok, max_bytes, &obj, &created, &err) != 0)
		return cmd_fail(&err);
	if (!created)
		warn_other_max_bytes(&obj, max_bytes);
	if (sv_globals.json)    /* the stat object, as shm and sem create print */
		return print_stat(&obj, &(struct out_opts){ .json = true });
	return cmd_print_created(&obj);
}

static const char stat_usage[] =
	"Usage: sysvctl mq stat REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"\n"
	"Show what the kernel records of a message queue: key, id, mode, owner,\n"
	"messages, used and max bytes, last sender and receiver, times: a\n"
	"vertical list (a table with -o, --raw, --noheadings or -e).\n"
	"\n"
	"Options:\n"
	"  -o, --output LIST   columns to show ('-o help' lists them; +LIST adds)\n"
	"      --raw           no alignment; an empty cell is '-'\n"
	"      --noheadings    no header line\n"
	"  -e, --export        NAME=\"value\" pairs\n"
	"      --notruncate    never cut a column to fit the terminal\n"
	"      --time-format F times as iso (with the UTC offset), short or epoch\n"
	"      --bytes         sizes in bytes\n"
	"  -j, --json          one flat JSON object\n"
	"  -h, --help          this help\n";

static int mq_stat(int argc, char **argv)
{
	struct out_opts opts = { 0 };
	struct sv_obj obj;
	int code;

	if (cmd_table_opts(argc, argv, "mq stat", stat_usage, mq_columns,
			   MQ_NCOLS, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "mq stat", &code))
		return code;
	opts.single = true;     /* a vertical list, unless -o, --raw... */
	if (sv_ref_is_posix(argv[optind]))
		return pmq_stat(argv[optind], &opts);
	if ((code = open_ref(argv[optind], &obj)) != EXIT_OK)
		return code;
	return print_stat(&obj, &opts);
}

static const char set_usage[] =
	"Usage: sysvctl mq set REF --max-bytes N\n"
	"\n"
	"Change the most bytes a message queue holds (msg_qbytes).  Only the\n"
	"owner, the creator or root may; above kernel.msgmnb it takes\n"
	"CAP_SYS_RESOURCE.\n"
	"\n"
	"Options:\n"
	"      --max-bytes N   the new limit, 1 to 2147483647 (K, M, G suffixes)\n"
	"  -h, --help          this help\n";

static int mq_set(int argc, char **argv)
{
	enum { OPT_MAX_BYTES = OPT_CMD_FIRST };
	static const struct option longopts[] = {
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	uint64_t max_bytes = 0;
	struct sv_obj obj;
	struct sv_err err;
	int opt, code;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS, longopts)) != -1) {
		if (opt == OPT_MAX_BYTES) {
			if ((code = parse_max_bytes(optarg, &max_bytes)) != EXIT_OK)
				return code;
		} else if (cmd_common_opt(opt, argv, "mq set", set_usage, &code)) {
			return code;
		}
	}
	if (!cmd_nargs_ok(argc - optind, 1, 1, "mq set", &code))
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return pmq_fixed_attributes(argv[optind]);
	if (max_bytes == 0)
		return cmd_usage_error("mq set", "--max-bytes N is needed");
	if ((code = open_ref(argv[optind], &obj)) != EXIT_OK)
		return code;
	if (sv_mq_set_max_bytes(&obj, max_bytes, &err) != 0)
		return cmd_fail(&err);
	return EXIT_OK;
}

static const char rm_usage[] =
	"Usage: sysvctl mq rm REF...\n"
	"\n"
	"Remove message queues and the messages in them.  Every REF is checked\n"
	"first; a queue that does not exist is reported and the others are\n"
	"still removed (exit 3 at the end).\n"
	"\n"
	"Options:\n"
	"  -h, --help     this help\n";

static int mq_rm(int argc, char **argv)
{
	return cmd_rm_verb(SV_MQ, argc, argv, rm_usage);
}

static const char mq_usage[] =
	"Usage: sysvctl mq VERB REF [OPTIONS]\n"
	"\n"
	"System V message queues, and POSIX ones (REF /NAME, mq_open): there -T\n"
	"is the priority (0 to 32767), recv takes the highest first and cannot\n"
	"select by type, and the limits are set by create (--max-messages,\n"
	"--msgsize) for good.\n"
	"\n"
	"Verbs:\n"
	"  create REF [-m MODE] [-p|--exist-ok] [--max-bytes N]\n"
	"  send   REF [-T TYPE] [-t TIMEOUT|--nowait] [-l|--lines] [-c|--create] [MESSAGE]\n"
	"  recv   REF [-T TYPE] [--except] [-t TIMEOUT|--nowait] [-k COUNT|-a|--all]\n"
	"             [-l|--lines|-0|--null] [-p|--print-type]\n"
	"  stat   REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"  set    REF --max-bytes N\n"
	"  rm     REF...\n"
	"\n"
	"'sysvctl mq VERB --help' shows a verb's options; see sysvctl-mq(1).\n";

int cmd_mq(int argc, char **argv)
{
	static const struct cmd verbs[] = {
		{ "create", mq_create, "create a queue" },
		{ "send", mq_send_verb, "send a message, or one per line" },
		{ "recv", mq_recv, "receive messages" },
		{ "stat", mq_stat, "show a queue" },
		{ "set", mq_set, "change a queue's max bytes" },
		{ "rm", mq_rm, "remove queues" },
	};

	return cmd_dispatch("mq", verbs, sizeof(verbs) / sizeof(verbs[0]),
			    argc, argv, mq_usage);
}
