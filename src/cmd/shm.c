/* sysvctl shm: create, write, read, stat and rm shared memory segments. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "ipc/shm.h"

#define SIZE_MAX_ARG ((uint64_t)INT64_MAX)

typedef unsigned long long ull;

static const char shm_usage[] =
	"Usage: sysvctl shm COMMAND REF [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  create REF [-s SIZE] [-m MODE] [-p|--exist-ok] [--hugetlb] [--noreserve]\n"
	"  write  REF [-o OFFSET] [--framed] [-c|--create [-s SIZE] [-m MODE]] [DATA]\n"
	"  read   REF [-o OFFSET] [-n LENGTH] [--framed] [-x|--hex]\n"
	"  stat   REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"  rm     REF...\n"
	"\n"
	"REF := KEY | id:ID | path:PATH[:PROJ] | name:TEXT   (create: also private)\n"
	"'sysvctl shm COMMAND --help' shows a command's options; see sysvctl-shm(1).\n";

/* The size and mode options of create and write --create. */
static int parse_spec_opt(int opt, struct sv_shm_spec *spec, struct sv_err *err)
{
	if (opt == 's')
		return parse_bytes(optarg, "-s", 1, SIZE_MAX_ARG, &spec->size, err);
	return parse_mode(optarg, "-m", &spec->mode, err);
}

static void default_spec(struct sv_shm_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->size = sv_shm_page_size();
	spec->mode = 0600;
}

/* Print OBJ's stat: a table, or one flat JSON object. */
static int print_stat(const struct sv_obj *obj, const struct out_opts *opts)
{
	struct sv_shm_info info;
	struct out_table *table;
	struct out_line *line;
	struct sv_err err;
	int code = EXIT_OK;

	/* COMMAND is the last column and only `ls` fills it. */
	table = out_table_new("shm", shm_columns, SHM_COL_COMMAND,
			      SHM_STAT_COLUMNS, opts, &err);
	if (table == NULL)
		return cmd_fail(&err);
	if (sv_shm_stat(obj, &info, &err) != 0) {
		code = cmd_fail(&err);
	} else if ((line = out_line_new(table)) == NULL) {
		code = EXIT_OSERR;
	} else {
		columns_fill_shm(line, &info);
		if (out_print_object(table, NULL) != 0)
			code = EXIT_OSERR;
	}
	out_table_free(table);
	return code;
}

static const char create_usage[] =
	"Usage: sysvctl shm create REF [-s SIZE] [-m MODE] [-p|--exist-ok]\n"
	"                          [--hugetlb] [--noreserve]\n"
	"\n"
	"Create a segment and print its id (with --json, its stat object).\n"
	"REF is a key or 'private'.  An existing key is exit 5 unless --exist-ok,\n"
	"which opens it as it is (a warning names both sizes when they differ).\n"
	"\n"
	"Options:\n"
	"  -s, --size SIZE   bytes, K/M/G/T suffixes (default: the page size)\n"
	"  -m, --mode MODE   octal permissions (default 0600)\n"
	"  -p, --exist-ok    open an existing segment instead of failing\n"
	"      --hugetlb     back it with huge pages (SHM_HUGETLB)\n"
	"      --noreserve   do not reserve swap for it (SHM_NORESERVE)\n"
	"  -j, --json        print the stat object\n"
	"  -q, --quiet       no warnings\n"
	"  -h, --help        this help\n";

/* Warn when an existing segment opened by create --exist-ok does not have
 * the size create would have given it.  A segment whose mode hides its
 * size from us is still opened: what we may do with it is its mode's
 * business, not create's. */
static void warn_other_size(const struct sv_obj *obj, uint64_t asked)
{
	struct sv_shm_info info;
	struct sv_err err;
	char what[64];

	if (sv_shm_stat(obj, &info, &err) == 0 && info.size != asked)
		cmd_warn("%s already exists with %llu bytes, not the %llu asked for",
			 sv_obj_describe(obj, what, sizeof(what)),
			 (ull)info.size, (ull)asked);
}

static int shm_create(int argc, char **argv)
{
	enum { OPT_HUGETLB = OPT_CMD_FIRST, OPT_NORESERVE };
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "exist-ok", no_argument, NULL, 'p' },
		{ "hugetlb", no_argument, NULL, OPT_HUGETLB },
		{ "noreserve", no_argument, NULL, OPT_NORESERVE },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts json_opts = { .json = true };
	struct sv_shm_spec spec;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	bool exist_ok = false, created = true;
	int opt, code;

	default_spec(&spec);
	optind = 0;
	while ((opt = getopt_long(argc, argv, CMD_COMMON_SHORTOPTS "s:m:p",
				  longopts, NULL)) != -1) {
		if (opt == 's' || opt == 'm') {
			if (parse_spec_opt(opt, &spec, &err) != 0)
				return cmd_fail(&err);
		} else if (opt == 'p') {
			exist_ok = true;
		} else if (opt == OPT_HUGETLB) {
			spec.hugetlb = true;
		} else if (opt == OPT_NORESERVE) {
			spec.noreserve = true;
		} else if (cmd_common_opt(opt, argv, "shm create", create_usage, &code)) {
			return code;
		}
	}
	if (!cmd_nargs_ok(argc - optind, 1, 1, "shm create", &code))
		return code;
	if (sv_ref_parse(argv[optind], SV_REF_ALLOW_PRIVATE, &ref, &err) != 0)
		return cmd_fail(&err);
	if (exist_ok && ref.form == SV_REF_KEY)
		code = sv_shm_open_or_create(&ref, &spec, &obj, &created, &err);
	else
		code = sv_shm_create(&ref, &spec, &obj, &err);
	if (code != 0)
		return cmd_fail(&err);
	if (!created)
		warn_other_size(&obj, spec.size);
	if (sv_globals.json)
		return print_stat(&obj, &json_opts);
	printf("%d\n", obj.id);
	return EXIT_OK;
}

static const char write_usage[] =
	"Usage: sysvctl shm write REF [-o OFFSET] [--framed]\n"
	"                         [-c|--create [-s SIZE] [-m MODE]] [DATA]\n"
	"\n"
	"Write DATA, or all of stdin, byte for byte at OFFSET.  If it does not\n"
	"fit, nothing is written and the exit is 7.  Prints nothing.\n"
	"\n"
	"Options:\n"
	"  -o, --offset OFFSET  where to start, in bytes (default 0)\n"
	"      --framed         store a 4-byte native-endian length, then the bytes\n"
	"  -c, --create         create the segment when there is none\n"
	"  -s, --size SIZE      with --create: its size (default: the page size)\n"
	"  -m, --mode MODE      with --create: its octal mode (default 0600)\n"
	"  -h, --help           this help\n";

struct write_opts {
	uint64_t offset;
	bool framed;
	bool create;
	bool spec_given;
	struct sv_shm_spec spec;
};

enum { OPT_FRAMED = OPT_CMD_FIRST };

static int parse_write_opts(int argc, char **argv, struct write_opts *opts,
			    int *code)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "framed", no_argument, NULL, OPT_FRAMED },
		{ "create", no_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, CMD_COMMON_SHORTOPTS "o:cs:m:",
				  longopts, NULL)) != -1) {
		if (opt == 'o') {
			if (parse_bytes(optarg, "-o", 0, SIZE_MAX_ARG, &opts->offset, &err) != 0)
				return *code = cmd_fail(&err), -1;
		} else if (opt == 's' || opt == 'm') {
			if (parse_spec_opt(opt, &opts->spec, &err) != 0)
				return *code = cmd_fail(&err), -1;
			opts->spec_given = true;
		} else if (opt == 'c') {
			opts->create = true;
		} else if (opt == OPT_FRAMED) {
			opts->framed = true;
		} else if (cmd_common_opt(opt, argv, "shm write", write_usage, code)) {
			return -1;
		}
	}
	if (opts->spec_given && !opts->create) {
		*code = cmd_usage_error("shm write", "-s and -m apply only with --create");
		return -1;
	}
	return cmd_nargs_ok(argc - optind, 1, 2, "shm write", code) ? 0 : -1;
}

static int shm_write(int argc, char **argv)
{
	struct write_opts opts = { 0 };
	struct sv_shm_map map;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	bool created;
	const char *data;
	int code, rc;

	default_spec(&opts.spec);
	if (parse_write_opts(argc, argv, &opts, &code) != 0)
		return code;
	data = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0)
		return cmd_fail(&err);
	rc = opts.create ? sv_shm_open_or_create(&ref, &opts.spec, &obj, &created, &err)
		: sv_obj_open(SV_SHM, &ref, &obj, &err);
	if (rc != 0 || sv_shm_attach(&obj, false, &map, &err) != 0)
		return cmd_fail(&err);
	if (data != NULL)
		rc = sv_shm_write_bytes(&map, opts.offset, data, strlen(data),
					opts.framed, &err);
	else
		rc = sv_shm_write_fd(&map, opts.offset, STDIN_FILENO, opts.framed, &err);
	code = rc != 0 ? cmd_fail(&err) : EXIT_OK;
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	return code;
}

static const char read_usage[] =
	"Usage: sysvctl shm read REF [-o OFFSET] [-n LENGTH] [--framed] [-x|--hex]\n"
	"\n"
	"Write the segment's bytes to stdout exactly, from OFFSET to the end or\n"
	"LENGTH bytes (clamped to the end).  An OFFSET at or beyond the end is\n"
	"exit 2.\n"
	"\n"
	"Options:\n"
	"  -o, --offset OFFSET  where to start, in bytes (default 0)\n"
	"  -n, --length LENGTH  how many bytes at most (default: to the end)\n"
	"      --framed         read the 4-byte length at OFFSET, print that many\n"
	"                       bytes after it\n"
	"  -x, --hex            a hexdump -C style dump with absolute offsets\n"
	"  -h, --help           this help\n";

struct read_opts {
	uint64_t offset;
	uint64_t length;
	bool length_given;
	bool framed;
	bool hex;
};

static int parse_read_opts(int argc, char **argv, struct read_opts *opts,
			   int *code)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'n' },
		{ "framed", no_argument, NULL, OPT_FRAMED },
		{ "hex", no_argument, NULL, 'x' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, CMD_COMMON_SHORTOPTS "o:n:x",
				  longopts, NULL)) != -1) {
		if (opt == 'o' || opt == 'n') {
			if (parse_bytes(optarg, opt == 'o' ? "-o" : "-n", 0, SIZE_MAX_ARG,
					opt == 'o' ? &opts->offset : &opts->length, &err) != 0)
				return *code = cmd_fail(&err), -1;
			opts->length_given |= opt == 'n';
		} else if (opt == 'x') {
			opts->hex = true;
		} else if (opt == OPT_FRAMED) {
			opts->framed = true;
		} else if (cmd_common_opt(opt, argv, "shm read", read_usage, code)) {
			return -1;
		}
	}
	if (opts->framed && opts->length_given) {
		*code = cmd_usage_error("shm read", "--framed takes its length from "
					"the frame; -n does not apply");
		return -1;
	}
	return cmd_nargs_ok(argc - optind, 1, 1, "shm read", code) ? 0 : -1;
}

/* One line of a hexdump -C dump: offset, 16 bytes in two groups of 8, and
 * the printable ASCII ones between bars.  Returns its length. */
static size_t hex_line(char *out, uint64_t where, const unsigned char *bytes,
		       size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *p = out + snprintf(out, 24, "%08llx  ", (ull)where);

	for (size_t i = 0; i < 16; i++) {
		if (i < n) {
			*p++ = digits[bytes[i] >> 4];
			*p++ = digits[bytes[i] & 0xf];
			*p++ = ' ';
		} else {
			memcpy(p, "   ", 3);
			p += 3;
		}
		if (i == 7)
			*p++ = ' ';
	}
	*p++ = ' ';
	*p++ = '|';
	for (size_t i = 0; i < n; i++)
		*p++ = bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char)bytes[i] : '.';
	*p++ = '|';
	*p++ = '\n';
	return (size_t)(p - out);
}

/* Like hexdump -C: a full line equal to the one before is not printed; a
 * run of them shows as one '*'.  The last line is the end offset. */
static void print_hex(const unsigned char *base, uint64_t start, uint64_t count)
{
	char line[128];
	bool squeezing = false;

	for (uint64_t done = 0; done < count && !ferror(stdout); done += 16) {
		const unsigned char *bytes = base + start + done;
		size_t n = count - done < 16 ? (size_t)(count - done) : 16;

		if (n == 16 && done >= 16 && memcmp(bytes, bytes - 16, 16) == 0) {
			if (!squeezing)
				fputs("*\n", stdout);
			squeezing = true;
			continue;
		}
		squeezing = false;
		fwrite(line, 1, hex_line(line, start + done, bytes, n), stdout);
	}
	if (count > 0)
		printf("%08llx\n", (ull)(start + count));
}

static int read_out(const struct sv_shm_map *map, const struct read_opts *opts)
{
	uint64_t start, count;
	struct sv_err err;
	int rc;

	if (opts->framed)
		rc = sv_shm_frame(map, opts->offset, &start, &count, &err);
	else
		rc = sv_shm_range(map, opts->offset,
				  opts->length_given ? opts->length : UINT64_MAX,
				  &start, &count, &err);
	if (rc != 0)
		return cmd_fail(&err);
	if (opts->hex) {
		print_hex(map->addr, start, count);
		return EXIT_OK;     /* main reports a failed stdout */
	}
	if (sv_shm_copy_out(map, start, count, STDOUT_FILENO, &err) == 0)
		return EXIT_OK;
	if (err.errnum == EPIPE)    /* the reader has had enough: not an error */
		return EXIT_OK;
	snprintf(err.ctx, sizeof(err.ctx), "stdout");
	return cmd_fail(&err);
}

static int shm_read(int argc, char **argv)
{
	struct read_opts opts = { 0 };
	struct sv_shm_map map;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (parse_read_opts(argc, argv, &opts, &code) != 0)
		return code;
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_obj_open(SV_SHM, &ref, &obj, &err) != 0 ||
	    sv_shm_attach(&obj, true, &map, &err) != 0)
		return cmd_fail(&err);
	code = read_out(&map, &opts);
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	return code;
}

static const char stat_usage[] =
	"Usage: sysvctl shm stat REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"\n"
	"Show what the kernel records of a segment: a table, or with --json one\n"
	"flat object (times in epoch seconds, null when never).\n"
	"\n"
	"Options:\n"
	"  -o, --output COLUMNS  comma list, '+COLUMNS' adds to the default;\n"
	"                        '-o help' lists them\n"
	"      --raw             no alignment; an empty cell is '-'\n"
	"      --noheadings      no header line\n"
	"  -e, --export          NAME=\"value\" pairs\n"
	"      --notruncate      never cut a column to fit the terminal\n"
	"      --bytes           sizes in bytes\n"
	"  -j, --json            one JSON object\n"
	"  -h, --help            this help\n";

static int shm_stat(int argc, char **argv)
{
	struct out_opts opts = { 0 };
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	/* COMMAND is the last column, and only ls finds it. */
	if (cmd_table_opts(argc, argv, "shm stat", stat_usage, shm_columns,
			   SHM_COL_COMMAND, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 1, 1, "shm stat", &code))
		return code;
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_obj_open(SV_SHM, &ref, &obj, &err) != 0)
		return cmd_fail(&err);
	return print_stat(&obj, &opts);
}

static const char rm_usage[] =
	"Usage: sysvctl shm rm REF...\n"
	"\n"
	"Remove segments.  A segment still attached is marked for removal (it\n"
	"goes when the last process detaches) and a warning says how many hold\n"
	"it.  Every REF is tried; one that names no segment is exit 3 at the end.\n"
	"\n"
	"Options:\n"
	"  -q, --quiet    no warnings\n"
	"  -h, --help     this help\n";

static int shm_rm(int argc, char **argv)
{
	return cmd_rm_verb(SV_SHM, argc, argv, rm_usage);
}

int cmd_shm(int argc, char **argv)
{
	static const struct cmd verbs[] = {
		{ "create", shm_create, "create a segment" },
		{ "write", shm_write, "write bytes into a segment" },
		{ "read", shm_read, "print a segment's bytes" },
		{ "stat", shm_stat, "show a segment's kernel record" },
		{ "rm", shm_rm, "remove segments" },
	};

	return cmd_dispatch("shm", verbs, sizeof(verbs) / sizeof(verbs[0]),
			    argc, argv, shm_usage);
}
