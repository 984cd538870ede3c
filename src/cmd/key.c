/* ftok PATH [PROJ], key REF, key gen: the commands that print keys. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ipc/list.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "ipc/text.h"

/* Print KEY as 0x%08x, or as {"key": N} with --json. */
static int print_key(key_t key)
{
	static const char *const name = "key";
	long long number = (uint32_t)key;

	if (sv_globals.json)
		return cmd_print_json_numbers(&name, &number, 1);
	return cmd_put_key(key);
}

static const char ftok_usage[] =
	"Usage: sysvctl ftok PATH [PROJ]\n"
	"\n"
	"Print the key ftok(3) makes of PATH and PROJ (1 to 255, default 1), as\n"
	"C's ftok(), Python's sysv_ipc.ftok() and Perl's IPC::SysV::ftok() do.\n"
	"ftok keys can collide: two paths may give the same key.  Unless -q, a\n"
	"warning says so; name:TEXT keys do not depend on the file system.\n"
	"\n"
	"Options:\n"
	"  -j, --json     print {\"key\": N}\n"
	"  -q, --quiet    no warning\n"
	"  -h, --help     this help\n";

int cmd_ftok(int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	long long proj = 1;
	struct sv_err err;
	key_t key;
	int opt, code;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS, longopts)) != -1)
		if (cmd_common_opt(opt, argv, "ftok", ftok_usage, &code))
			return code;
	if (!cmd_nargs_ok(argc - optind, 1, 2, "ftok", &code))
		return code;
	if (argc - optind == 2 &&
	    parse_int(argv[optind + 1], "PROJ", 1, 255, &proj, &err) != 0)
		return cmd_fail(&err);
	if (sv_key_from_path(argv[optind], (int)proj, &key, &err) != 0)
		return cmd_fail(&err);
	cmd_warn("ftok keys can collide (they keep only 16 bits of the inode and "
		 "8 of the device); name:TEXT keys do not");
	return print_key(key);
}

static const char key_usage[] =
	"Usage: sysvctl key REF\n"
	"       sysvctl key id:ID --for shm|sem|mq\n"
	"       sysvctl key gen [--for shm|sem|mq]\n"
	"\n"
	"Print the key a REF stands for (KEY, 0xKEY, path:PATH[:PROJ], name:TEXT;\n"
	"id:ID with --for looks the object up, even one you may not read), as\n"
	"0x%08x.  'key gen' prints a random key from 1 to 0x7fffffff that no\n"
	"object (of the kind named by --for, else of any kind) uses now.\n"
	"\n"
	"Options:\n"
	"      --for KIND   shm, sem or mq\n"
	"  -j, --json       print {\"key\": N}\n"
	"  -h, --help       this help\n";

static int key_gen(const enum sv_kind *kind)
{
	unsigned mask = kind ? 1u << *kind : SV_ALL_KINDS;
	struct sv_err err;
	key_t key;

	if (sv_key_random_unused(mask, &key, &err) != 0)
		return cmd_fail(&err);
	return print_key(key);
}

static int key_of_ref(const char *text, const enum sv_kind *kind)
{
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;

	if (sv_ref_parse(text, 0, &ref, &err) != 0)
		return cmd_fail(&err);
	if (ref.form == SV_REF_POSIX)
		return cmd_usage_error("key", "%s is a POSIX name: it has no key", text);
	if (ref.form != SV_REF_ID)
		return print_key(ref.key);
	if (kind == NULL)
		return cmd_usage_error("key", "id:ID names an object of one kind: "
				       "add --for shm, sem or mq");
	if (sv_obj_open(*kind, &ref, &obj, &err) != 0)
		return cmd_fail(&err);
	/* Key 0 is what a private object has, and also all an open by id
	 * can tell when IPC_STAT is refused: /proc/sysvipc tells them apart. */
	if (obj.key == IPC_PRIVATE && sv_list_find_key(&obj, &err) != 0)
		return cmd_fail(&err);
	return print_key(obj.key);
}

int cmd_key(int argc, char **argv)
{
	enum { OPT_FOR = OPT_CMD_FIRST };
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, OPT_FOR },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	enum sv_kind kind;
	bool have_kind = false;
	int opt, code;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS, longopts)) != -1) {
		if (opt == OPT_FOR) {
			if (sv_kind_parse(optarg, &kind) != 0)
				return cmd_usage_error("key", "--for takes shm, sem "
						       "or mq, not '%s'", optarg);
			have_kind = true;
		} else if (cmd_common_opt(opt, argv, "key", key_usage, &code)) {
			return code;
		}
	}
	if (!cmd_nargs_ok(argc - optind, 1, 1, "key", &code))
		return code;
	if (text_eq(argv[optind], "gen"))
		return key_gen(have_kind ? &kind : NULL);
	return key_of_ref(argv[optind], have_kind ? &kind : NULL);
}
