/* sysvctl shm: create, write, read, stat and rm shared memory segments. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "cmd.h"
#include "columns.h"
#include "ipc/codec.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "ipc/shm.h"
#include "ipc/shm_guard.h"
#include "shm_cmd.h"

#define SIZE_MAX_ARG ((uint64_t)INT64_MAX)

typedef unsigned long long ull;

static const char shm_usage[] =
	"Usage: sysvctl shm COMMAND REF [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  create REF [-s SIZE] [-m MODE] [-p|--exist-ok] [--hugetlb] [--noreserve]\n"
	"  write  REF [-o OFFSET] [--framed] [--[no-]progress]\n"
	"           [-c|--create [-s SIZE] [-m MODE]] [DATA]\n"
	"  read   REF [-o OFFSET] [-n LENGTH] [--framed] [-x|--hex]\n"
	"           [--[no-]progress]\n"
	"  stat   REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"  rm     REF...\n"
	"\n"
	"REF := KEY | id:ID | path:PATH[:PROJ] | name:TEXT   (create: also private)\n"
	"     | /NAME   a POSIX object (shm_open, /dev/shm/NAME): create, write,\n"
	"               read, stat and rm take it; --framed locks it with flock\n"
	"               and marks writes in the semaphore /NAME.framed\n"
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
	out_table_labels(table, shm_labels);
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
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "s:m:p",
				  longopts)) != -1) {
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
	if (sv_ref_is_posix(argv[optind]))
		return pshm_create(argv[optind], &spec, exist_ok);
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
	"Usage: sysvctl shm write REF [-o OFFSET] [--framed] [--[no-]progress]\n"
	"                         [-c|--create [-s SIZE] [-m MODE]] [DATA]\n"
	"\n"
	"Write DATA, or all of stdin (no DATA, or '-'), byte for byte at OFFSET.\n"
	"If it does not fit, nothing is written and the exit is 7.  Prints\n"
	"nothing.  The copy is made under the lock of the segment's companion\n"
	"set (a semaphore set under its key) with signals held until it\n"
	"completes; a writer killed mid-copy makes 'read --framed' exit 8 until\n"
	"a write completes.\n"
	"\n"
	"Options:\n"
	"  -o, --offset OFFSET  where to start, in bytes (default 0)\n"
	"      --framed         store a 4-byte native-endian length, then the bytes\n"
	"  -c, --create         create the segment when there is none\n"
	"  -s, --size SIZE      with --create: its size (default: the page size)\n"
	"  -m, --mode MODE      with --create: its octal mode (default 0600)\n"
	"      --progress       a progress line on stderr, whatever the size\n"
	"      --no-progress    none (default: one when stderr is a terminal\n"
	"                       and the write is over 64 MiB)\n"
	"  -h, --help           this help\n";

bool shm_progress_opt(int opt, enum progress_mode *mode)
{
	if (opt != OPT_PROGRESS && opt != OPT_NO_PROGRESS)
		return false;
	*mode = opt == OPT_PROGRESS ? PROGRESS_ON : PROGRESS_OFF;
	return true;
}

static int parse_write_opts(int argc, char **argv, struct write_opts *opts,
			    int *code)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "framed", no_argument, NULL, OPT_FRAMED },
		{ "create", no_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		SHM_PROGRESS_LONGOPTS,
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "o:cs:m:",
				  longopts)) != -1) {
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
		} else if (shm_progress_opt(opt, &opts->progress)) {
			continue;
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

/* Hold back every signal that can be held while the bytes are copied, so
 * that Ctrl-C or kill never leaves a write half done.  One that arrives
 * meanwhile is delivered when they are let through again and ends the
 * process as it would have (128+N).  SIGKILL cannot be held back: the
 * companion set's mark tells readers about that case. */
void shm_hold_signals(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, saved);
}

/* The companion set of the segment, made if need be with stop signals
 * held: a writer or reader ended between the set's creation and its first
 * semop would leave it at 0, and every later frame reader waiting on it
 * for ever. */
static int open_guard_held(const struct sv_shm_map *map,
			   struct sv_shm_guard *guard, struct sv_err *err)
{
	sigset_t saved;
	int rc;

	shm_hold_signals(&saved);
	rc = sv_shm_guard_open(map, guard, err);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return rc;
}

/* The companion set of the segment; a set under its key that is not one
 * only stops a framed write: a plain write goes on without it. */
static int open_guard(const struct sv_shm_map *map, bool framed,
		      struct sv_shm_guard *guard, struct sv_err *err)
{
	if (open_guard_held(map, guard, err) == 0)
		return 0;
	if (framed || err->errnum != EEXIST)
		return -1;
	cmd_warn("%s: %s", err->ctx, sv_err_text(err));
	return 0;
}

/* Copy INPUT into the segment under the companion set's lock, marked as
 * begun until it completes.  The lock is waited for with signals let
 * through: one that ends the process then changes nothing. */
static int guarded_copy(struct sv_shm_map *map, const struct write_opts *opts,
			struct sv_shm_input *input, struct sv_err *err)
{
	struct sv_shm_guard guard;
	struct sv_err unlock_err;
	sigset_t saved;
	int rc;

	if (open_guard(map, opts->framed, &guard, err) != 0 ||
	    sv_shm_guard_lock(&guard, err) != 0)
		return -1;
	shm_hold_signals(&saved);
	rc = sv_shm_guard_begin(&guard, err);
	if (rc == 0)
		rc = sv_shm_input_copy(map, opts->offset, opts->framed, input, err);
	if (rc == 0)
		rc = sv_shm_guard_complete(&guard, err);
	if (sv_shm_guard_unlock(&guard, &unlock_err) != 0 && rc == 0) {
		*err = unlock_err;
		rc = -1;
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return rc;
}

int shm_stage_input(const struct sv_shm_map *map, const struct write_opts *opts,
		    const char *data, struct sv_shm_input *input,
		    struct sv_err *err)
{
	if (data != NULL)
		return sv_shm_input_bytes(map, opts->offset, opts->framed, data,
					  strlen(data), input, err);
	return sv_shm_input_fd(map, opts->offset, opts->framed, STDIN_FILENO,
			       input, err);
}

struct sv_shm_map shm_planned_map(const struct sv_obj *obj,
				  const struct write_opts *opts,
				  const struct sv_progress *progress)
{
	return (struct sv_shm_map){ .obj = *obj, .size = opts->spec.size,
				    .progress = progress };
}

/* Open REF's segment for a write.  With --create and no segment, the data
 * is read and checked against the segment to be made first (*STAGED then
 * holds it in INPUT): data that cannot fit leaves no segment behind. */
static int open_for_write(const struct sv_ref *ref, const struct write_opts *opts,
			  const char *data, const struct sv_progress *progress,
			  struct sv_obj *obj, struct sv_shm_input *input,
			  bool *staged, struct sv_err *err)
{
	struct sv_shm_map planned;
	bool created;

	*staged = false;
	if (!opts->create)
		return sv_obj_open(SV_SHM, ref, obj, err);
	if (sv_obj_open(SV_SHM, ref, obj, err) == 0)
		return 0;
	if (err->errnum != ENOENT || ref->form != SV_REF_KEY ||
	    (opts->framed && sv_shm_guard_check_key(ref->key, err) != 0))
		return -1;
	planned = shm_planned_map(&(struct sv_obj){ .kind = SV_SHM, .key = ref->key,
						    .id = -1 }, opts, progress);
	if (shm_stage_input(&planned, opts, data, input, err) != 0)
		return -1;
	if (sv_shm_open_or_create(ref, &opts->spec, obj, &created, err) != 0) {
		sv_shm_input_free(input);
		return -1;
	}
	*staged = true;
	return 0;
}

static int shm_write(int argc, char **argv)
{
	struct write_opts opts = { 0 };
	struct progress progress;
	const struct sv_progress *shown;
	struct sv_shm_input input;
	struct sv_shm_map map;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	bool staged;
	const char *data;
	int code, rc;

	default_spec(&opts.spec);
	if (parse_write_opts(argc, argv, &opts, &code) != 0)
		return code;
	data = cmd_data_arg(argc - optind == 2 ? argv[optind + 1] : NULL);
	if (sv_ref_is_posix(argv[optind]))
		return pshm_write(argv[optind], data, &opts);
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0)
		return cmd_fail(&err);
	if (data == NULL)
		cmd_note_tty_stdin("shm write");
	shown = progress_begin(&progress, "wrote", opts.progress);
	/* Everything is read and checked to fit before the lock is taken:
	 * a slow pipe never holds other writers up. */
	if (open_for_write(&ref, &opts, data, shown, &obj, &input, &staged, &err) != 0) {
		progress_end(&progress);
		return cmd_fail_create(&err, "write");
	}
	if (sv_shm_attach(&obj, false, &map, &err) != 0) {
		if (staged)
			sv_shm_input_free(&input);
		progress_end(&progress);
		return cmd_fail(&err);
	}
	map.progress = shown;
	rc = staged ? sv_shm_input_refit(&map, opts.offset, opts.framed, &input, &err)
		    : shm_stage_input(&map, &opts, data, &input, &err);
	if (rc == 0) {
		rc = guarded_copy(&map, &opts, &input, &err);
		sv_shm_input_free(&input);
	}
	progress_end(&progress);
	code = rc != 0 ? cmd_fail(&err) : EXIT_OK;
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	return code;
}

static const char read_usage[] =
	"Usage: sysvctl shm read REF [-o OFFSET] [-n LENGTH] [--framed] [-x|--hex]\n"
	"                        [--[no-]progress]\n"
	"\n"
	"Write the segment's bytes to stdout exactly, from OFFSET to the end or\n"
	"LENGTH bytes (clamped to the end).  An OFFSET at or beyond the end is\n"
	"exit 2.  Binary bytes (control bytes other than tab, newlines and NUL,\n"
	"or text that is not UTF-8) are not written to a terminal: exit 2; use\n"
	"--hex or a redirect.\n"
	"\n"
	"Options:\n"
	"  -o, --offset OFFSET  where to start, in bytes (default 0)\n"
	"  -n, --length LENGTH  how many bytes at most (default: to the end)\n"
	"      --framed         read the 4-byte length at OFFSET, print that many\n"
	"                       bytes after it; never a torn frame; exit 8 when a\n"
	"                       write was interrupted and none completed since\n"
	"  -x, --hex            a hexdump -C style dump with absolute offsets\n"
	"      --progress       a progress line on stderr, whatever the size\n"
	"      --no-progress    none (default: one when stderr is a terminal\n"
	"                       and the read is over 64 MiB)\n"
	"  -h, --help           this help\n";

static int parse_read_opts(int argc, char **argv, struct read_opts *opts,
			   int *code)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'n' },
		{ "framed", no_argument, NULL, OPT_FRAMED },
		{ "hex", no_argument, NULL, 'x' },
		SHM_PROGRESS_LONGOPTS,
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "o:n:x",
				  longopts)) != -1) {
		if (opt == 'o' || opt == 'n') {
			if (parse_bytes(optarg, opt == 'o' ? "-o" : "-n", 0, SIZE_MAX_ARG,
					opt == 'o' ? &opts->offset : &opts->length, &err) != 0)
				return *code = cmd_fail(&err), -1;
			opts->length_given |= opt == 'n';
		} else if (opt == 'x') {
			opts->hex = true;
		} else if (opt == OPT_FRAMED) {
			opts->framed = true;
		} else if (shm_progress_opt(opt, &opts->progress)) {
			continue;
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
 * run of them shows as one '*'.  The last line is the end offset.  BYTES
 * are COUNT bytes that lie at offset SHOWN in the segment.  Lines are
 * gathered in BUF and written with cmd_write_all, so a full non-blocking
 * stdout is waited on.  0, or -1 with errno. */
static int print_hex(const unsigned char *bytes, uint64_t shown, uint64_t count)
{
	char buf[16384];
	size_t len = 0, done;
	bool squeezing = false;

	for (uint64_t off = 0; off < count; off += 16) {
		const unsigned char *at = bytes + off;
		size_t n = count - off < 16 ? (size_t)(count - off) : 16;

		if (len > sizeof(buf) - 128) {
			if (cmd_write_all(STDOUT_FILENO, buf, len, &done) != 0)
				return -1;
			len = 0;
		}
		if (n == 16 && off >= 16 && memcmp(at, at - 16, 16) == 0) {
			if (!squeezing)
				len += (size_t)snprintf(buf + len, 3, "*\n");
			squeezing = true;
			continue;
		}
		squeezing = false;
		len += hex_line(buf + len, shown + off, at, n);
	}
	if (count > 0)
		len += (size_t)snprintf(buf + len, 24, "%08llx\n", (ull)(shown + count));
	return cmd_write_all(STDOUT_FILENO, buf, len, &done);
}

/* A failed write of stdout is exit 1 whatever the cause; a reader that
 * went away is not an error. */
static int stdout_result(int rc, int errnum)
{
	if (rc == 0 || errnum == EPIPE)
		return EXIT_OK;
	return cmd_stdout_fail(errnum);
}

/* COUNT bytes from START to stdout; the exit code.  The core's copy maps
 * the pages of a segment in ahead (7x faster through a pipe than faulting
 * them in one by one inside write(2)), but a full non-blocking stdout is
 * an error to it: such a stdout goes through cmd_write_all, which waits.
 * (A POSIX object's copy waits itself, and fails on its own when another
 * process cuts the object short.) */
static int write_bytes(const struct sv_shm_map *map, uint64_t start,
		       uint64_t count)
{
	int flags = fcntl(STDOUT_FILENO, F_GETFL);
	struct sv_err err;
	size_t done;
	int rc;

	if (!map->by_fd && flags >= 0 && (flags & O_NONBLOCK)) {
		rc = cmd_write_all(STDOUT_FILENO, map->addr + start, count, &done);
		return stdout_result(rc, errno);
	}
	if (sv_shm_copy_out(map, start, count, STDOUT_FILENO, &err) == 0)
		return EXIT_OK;
	if (strcmp(err.ctx, SV_SHM_OUTPUT) != 0)
		return cmd_fail(&err);
	return stdout_result(-1, err.errnum);
}

/* Bytes that would upset a terminal: control bytes (ESC above all) other
 * than tab, newlines and NUL (padding a terminal shows as nothing), or
 * text that is not UTF-8.  curl refuses such output on a terminal too. */
static bool looks_binary(const unsigned char *bytes, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++)
		if ((bytes[i] < 0x20 && bytes[i] != 0 && !strchr("\t\n\r\f\v", bytes[i])) ||
		    bytes[i] == 0x7f)
			return true;
	return !sv_utf8_valid(bytes, count);
}

static int binary_to_terminal(const struct sv_shm_map *map)
{
	char what[64];

	fprintf(stderr, "sysvctl: %s: binary data not written to a terminal\n"
		"hint: use --hex to see it, or redirect stdout to a file or a "
		"pipe\n", sv_obj_describe(&map->obj, what, sizeof(what)));
	return EXIT_USAGE;
}

/* Print COUNT bytes of MAP from START: as they are, or with HEX as a dump
 * whose offsets start at SHOWN (where the bytes lie in the segment).  A
 * failed write of stdout is exit 1 whatever the cause; a reader that went
 * away is not an error. */
int shm_read_out(const struct sv_shm_map *map, uint64_t start,
		 uint64_t count, uint64_t shown, bool hex)
{
	struct sv_shm_map copy;
	struct sv_err err;
	int code;

	/* A POSIX object is not mapped: the bytes a dump or the terminal
	 * check look at are read into memory first. */
	if (map->by_fd && (hex || isatty(STDOUT_FILENO))) {
		if (sv_shm_range_copy(map, start, count, &copy, &err) != 0)
			return cmd_fail(&err);
		code = shm_read_out(&copy, 0, count, shown, hex);
		sv_shm_snapshot_free(&copy);
		return code;
	}
	if (hex) {
		/* errno after the dump: an argument list has no order. */
		int rc = print_hex(map->addr + start, shown, count);

		return stdout_result(rc, errno);
	}
	if (isatty(STDOUT_FILENO) && looks_binary(map->addr + start, count))
		return binary_to_terminal(map);
	return write_bytes(map, start, count);
}

int shm_read_range(const struct sv_shm_map *map, const struct read_opts *opts)
{
	uint64_t start, count;
	struct sv_err err;

	if (sv_shm_range(map, opts->offset,
			 opts->length_given ? opts->length : UINT64_MAX,
			 &start, &count, &err) != 0)
		return cmd_fail(&err);
	return shm_read_out(map, start, count, start, opts->hex);
}

/* A frame is printed from a copy taken while no write was under way, so
 * a reader never sees a torn one, and a slow stdout never holds up the
 * writers. */
static int read_frame(const struct sv_shm_map *map, const struct read_opts *opts)
{
	struct sv_shm_guard guard;
	struct sv_shm_map snap;
	struct sv_err err;
	int code;

	if (open_guard_held(map, &guard, &err) != 0 ||
	    sv_shm_frame_snapshot(map, opts->offset, &guard, &snap, &err) != 0)
		return cmd_fail(&err);
	code = shm_read_out(&snap, SV_SHM_FRAME_HEADER, snap.size - SV_SHM_FRAME_HEADER,
			opts->offset + SV_SHM_FRAME_HEADER, opts->hex);
	sv_shm_snapshot_free(&snap);
	return code;
}

static int shm_read(int argc, char **argv)
{
	struct read_opts opts = { 0 };
	struct progress progress;
	struct sv_shm_map map;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (parse_read_opts(argc, argv, &opts, &code) != 0)
		return code;
	if (sv_ref_is_posix(argv[optind]))
		return pshm_read(argv[optind], &opts);
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_obj_open(SV_SHM, &ref, &obj, &err) != 0 ||
	    sv_shm_attach(&obj, true, &map, &err) != 0)
		return cmd_fail(&err);
	map.progress = progress_begin(&progress, "read", opts.progress);
	code = opts.framed ? read_frame(&map, &opts) : shm_read_range(&map, &opts);
	progress_end(&progress);
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	return code;
}

static const char stat_usage[] =
	"Usage: sysvctl shm stat REF [-o COLUMNS] [--raw] [--noheadings] [--bytes]\n"
	"\n"
	"Show what the kernel records of a segment: a vertical list (a table with\n"
	"-o, --raw, --noheadings or -e), or with --json one\n"
	"flat object (times in epoch seconds, null when never).\n"
	"\n"
	"Options:\n"
	"  -o, --output COLUMNS  comma list, '+COLUMNS' adds to the default;\n"
	"                        '-o help' lists them\n"
	"      --raw             no alignment; an empty cell is '-'\n"
	"      --noheadings      no header line\n"
	"  -e, --export          NAME=\"value\" pairs\n"
	"      --notruncate      never cut a column to fit the terminal\n"
	"      --time-format F  times as iso (with the UTC offset), short or epoch\n"
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
	opts.single = true;     /* a vertical list, unless -o, --raw... */
	if (sv_ref_is_posix(argv[optind]))
		return pshm_stat(argv[optind], &opts);
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_obj_open(SV_SHM, &ref, &obj, &err) != 0)
		return cmd_fail(&err);
	return print_stat(&obj, &opts);
}

static const char rm_usage[] =
	"Usage: sysvctl shm rm REF...\n"
	"\n"
	"Remove segments, and the companion set of each (3 semaphores under its\n"
	"key).  A segment still attached is marked for removal (it goes when\n"
	"the last process detaches) and a warning says how many hold it.  Every\n"
	"REF is tried; one that names no segment is exit 3 at the end.\n"
	"\n"
	"Options:\n"
	"  -q, --quiet    no warnings\n"
	"  -h, --help     this help\n";

/* The key of the segment TEXT names, or IPC_PRIVATE when it names none
 * (errors are rm's to report). */
static key_t segment_key(const char *text)
{
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;

	if (sv_ref_parse(text, 0, &ref, &err) != 0 ||
	    sv_obj_open(SV_SHM, &ref, &obj, &err) != 0)
		return IPC_PRIVATE;
	return obj.key;
}

/* rm, then the companion set of every segment it removed: the set under
 * the key now belongs to no segment, and a new segment with the key must
 * not inherit its "incomplete" mark. */
static int shm_rm(int argc, char **argv)
{
	key_t keys[argc > 0 ? argc : 1];
	int code;

	for (int i = 1; i < argc; i++)
		keys[i] = argv[i][0] == '-' ? IPC_PRIVATE : segment_key(argv[i]);
	code = cmd_rm_verb(SV_SHM, argc, argv, rm_usage);
	for (int i = 1; i < argc; i++)
		sv_shm_guard_remove(keys[i], false, NULL);
	return code;
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
