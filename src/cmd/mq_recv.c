/* sysvctl mq recv: take messages off a queue and write them to stdout,
 * exactly, never losing one silently.  Messages are taken only as fast as
 * they are written: a small batch of those already queued (never one that
 * needs a wait) goes out in one write(2), and always before a wait.
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE are caught (stop.h): what was taken
 * is written out first, then we end as killed by the signal; what cannot
 * be written is named on stderr.  A SIGKILL, which cannot be caught, can
 * lose one batch at most. */
#define _GNU_SOURCE     /* fopencookie */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ipc/codec.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "mq_cmd.h"
#include "stop.h"

/* A batch holds at most BATCH_MSGS messages and BATCH_BYTES bytes of
 * output (PIPE_BUF: a pipe takes it whole), to keep what a SIGKILL can
 * lose small while sparing a write(2) per message. */
#define BATCH_BYTES 4096
#define BATCH_MSGS 64

struct recv_opts {
	struct sv_mq_select sel;
	struct sv_wait wait;
	unsigned long long count;   /* with all: no limit */
	bool all;
	bool print_type;
	int separator;              /* '\n', '\0', or -1 for none */
};

static const char recv_usage[] =
	"Usage: sysvctl mq recv REF [-T TYPE] [--except] [-t TIMEOUT|--nowait]\n"
	"                           [-k COUNT|-a|--all] [-l|--lines|-0|--null]\n"
	"                           [-p|--print-type]\n"
	"\n"
	"Take a message (or COUNT, or with --all every message there is now) off\n"
	"the queue and write its body to stdout exactly.  An empty queue is\n"
	"waited on (not with --all).\n"
	"\n"
	"  TYPE 0 (default)  the first message\n"
	"  TYPE > 0          the first of type TYPE (--except: of any other type)\n"
	"  TYPE < 0          the first of the lowest type <= |TYPE|\n"
	"\n"
	"Options:\n"
	"  -T, --type TYPE     which message to take (see above)\n"
	"      --except        with TYPE > 0: the first message of another type\n"
	"  -t, --timeout T     wait at most T for each message (exit 6; silent\n"
	"                      with -q)\n"
	"      --nowait        do not wait: no message is exit 6\n"
	"  -k, --count COUNT   take COUNT messages\n"
	"  -a, --all           take every message there is now; none is fine\n"
	"  -l, --lines         end each message with a newline\n"
	"  -0, --null          end each message with a NUL byte\n"
	"  -p, --print-type    print each message as TYPE<TAB>BODY<NEWLINE> (a NUL\n"
	"                      instead of the newline with -0)\n"
	"  -j, --json          one JSON object per message per line:\n"
	"                      {\"type\": N, \"size\": N, \"data\": \"...\"}, with\n"
	"                      \"encoding\": \"base64\" when the body is not UTF-8\n"
	"  -h, --help          this help\n"
	"\n"
	"Messages are taken only as fast as they are written (at most 64 at a\n"
	"time).  SIGINT, SIGTERM, SIGHUP, SIGPIPE: what was taken is written out\n"
	"(or named on stderr as lost), then exit 128+N.\n";

/* A message in the batch, not written yet. */
struct batched {
	long type;
	size_t size;
	size_t end;         /* where its output ends in the batch */
};

struct batch {
	const struct sv_obj *obj;
	char buf[BATCH_BYTES];
	size_t len;
	struct batched msgs[BATCH_MSGS];
	size_t nmsgs;
};

/* The error for COUNT messages taken off the queue but not (wholly)
 * written, the first of type TYPE and SIZE bytes.  EIO only for the exit
 * code (1, whatever the cause: ENOSPC too); the message names the real
 * cause. */
static int lost(const struct sv_obj *obj, int errnum, long type, size_t size,
		size_t count, struct sv_err *err)
{
	char what[64], cause[96];

	/* A reader that went away is SIGPIPE's 141, also when SIGPIPE is
	 * ignored and only the EPIPE tells. */
	if (errnum == EPIPE)
		cmd_stop_note(SIGPIPE);
	sv_fail(err, EIO, "%s", sv_obj_describe(obj, what, sizeof(what)));
	if (errnum == EINTR && cmd_stop_signo != 0)
		snprintf(cause, sizeof(cause), "%s came and stdout took nothing "
			 "more for 2 s", cmd_stop_name(cmd_stop_signo));
	else
		snprintf(cause, sizeof(cause), "%s", strerror(errnum));
	if (count == 1)
		return sv_msg(err, "writing to stdout: %s: the message of type "
			      "%ld, %zu bytes, was taken off the queue and is "
			      "lost", cause, type, size);
	return sv_msg(err, "writing to stdout: %s: %zu messages were taken off "
		      "the queue and are lost, the first of type %ld, %zu bytes",
		      cause, count, type, size);
}

/* Write the batch out.  IN_HAND, when not NULL: a message taken and not
 * in the batch, lost too when this fails. */
static int batch_flush(struct batch *out, const struct batched *in_hand,
		       struct sv_err *err)
{
	size_t done, first = 0, unwritten, extra = in_hand != NULL;
	const struct batched *first_lost;
	int errnum;

	if (out->len == 0 ||
	    cmd_write_all(STDOUT_FILENO, out->buf, out->len, &done) == 0) {
		out->len = out->nmsgs = 0;
		return 0;
	}
	errnum = errno;
	while (first < out->nmsgs && out->msgs[first].end <= done)
		first++;
	unwritten = out->nmsgs - first;
	first_lost = unwritten > 0 ? &out->msgs[first] : in_hand;
	out->len = out->nmsgs = 0;
	return lost(out->obj, errnum, first_lost->type, first_lost->size,
		    unwritten + extra, err);
}

/* A message too large for a batch goes out on its own, from mq->buf:
 * its prefix, then the body and the separator (put in place after the
 * body: the buffer has a byte to spare). */
static int write_alone(const struct sv_mq *mq, const char *prefix,
		       size_t prefix_len, size_t size, int separator,
		       struct sv_err *err)
{
	size_t done;

	if (separator >= 0)
		mq->buf->body[size] = (char)separator;
	if ((prefix_len > 0 &&
	     cmd_write_all(STDOUT_FILENO, prefix, prefix_len, &done) != 0) ||
	    cmd_write_all(STDOUT_FILENO, mq->buf->body, size + (separator >= 0),
			  &done) != 0)
		return lost(&mq->obj, errno, mq->buf->type, size, 1, err);
	return 0;
}

/* Add the message in mq->buf (SIZE bytes of body) to the batch, writing
 * the batch first when the message does not fit, and after when it has
 * BATCH_MSGS messages. */
static int batch_add(struct batch *out, const struct sv_mq *mq,
		     const struct recv_opts *opts, size_t size,
		     struct sv_err *err)
{
	char prefix[32], *p;
	size_t prefix_len = 0, total;

	if (opts->print_type)
		prefix_len = (size_t)snprintf(prefix, sizeof(prefix), "%ld\t",
					      mq->buf->type);
	total = prefix_len + size + (opts->separator >= 0);
	if (total > sizeof(out->buf) - out->len) {
		struct batched in_hand = { mq->buf->type, size, 0 };

		if (batch_flush(out, &in_hand, err) != 0)
			return -1;
	}
	if (total > sizeof(out->buf))
		return write_alone(mq, prefix, prefix_len, size, opts->separator,
				   err);
	p = out->buf + out->len;
	memcpy(p, prefix, prefix_len);
	memcpy(p + prefix_len, mq->buf->body, size);
	if (opts->separator >= 0)
		p[prefix_len + size] = (char)opts->separator;
	out->len += total;
	out->msgs[out->nmsgs++] = (struct batched){ mq->buf->type, size, out->len };
	/* Full: out now, not when the next one is taken. */
	return out->nmsgs == BATCH_MSGS ? batch_flush(out, NULL, err) : 0;
}

/* --json: the columns of a message.  DATA is the body when it is valid
 * UTF-8, else its base64 with ENCODING "base64". */
enum { JCOL_TYPE, JCOL_SIZE, JCOL_DATA, JCOL_ENCODING, JCOLS };
static const struct out_col json_cols[JCOLS] = {
	[JCOL_TYPE] = { .name = "TYPE", .type = OUT_NUM, .width = 0,
		.help = "the message type" },
	[JCOL_SIZE] = { .name = "SIZE", .type = OUT_NUM, .width = 0,
		.help = "the body's size in bytes" },
	[JCOL_DATA] = { .name = "DATA", .type = OUT_BYTES, .width = 0,
		.help = "the body, or its base64" },
	[JCOL_ENCODING] = { .name = "ENCODING", .type = OUT_STR, .width = 0,
		.help = "base64 when the body is not UTF-8" },
};

struct json_writer {
	const struct sv_obj *obj;
	struct out_table *text;     /* TYPE,SIZE,DATA */
	struct out_table *base64;   /* TYPE,SIZE,DATA,ENCODING */
	char *data;
	size_t data_size;
};

static int json_init(struct json_writer *out, struct sv_err *err)
{
	struct out_opts opts = { .json = true };

	out->text = out_table_new("messages", json_cols, JCOLS, "TYPE,SIZE,DATA",
				  &opts, err);
	if (out->text == NULL)
		return -1;
	out->base64 = out_table_new("messages", json_cols, JCOLS,
				    "TYPE,SIZE,DATA,ENCODING", &opts, err);
	return out->base64 == NULL ? -1 : 0;
}

static void json_free(struct json_writer *out)
{
	out_table_free(out->text);
	out_table_free(out->base64);
	free(out->data);
}

/* The base64 of BODY into out->data. */
static int json_base64(struct json_writer *out, const char *body, size_t size,
		       struct sv_err *err)
{
	size_t need = sv_base64_size(size);

	if (need > out->data_size) {
		char *grown = realloc(out->data, need);

		if (grown == NULL)
			return sv_fail(err, ENOMEM, "mq recv");
		out->data = grown;
		out->data_size = need;
	}
	sv_base64_encode(body, size, out->data);
	return 0;
}

static int json_add(struct json_writer *out, long type, const char *body,
		    size_t size, struct sv_err *err)
{
	bool base64 = !sv_utf8_valid(body, size);
	struct out_table *table = base64 ? out->base64 : out->text;
	struct out_line *line;

	if (base64 && json_base64(out, body, size, err) != 0)
		return lost(out->obj, ENOMEM, type, size, 1, err);
	line = out_line_new(table);
	if (line == NULL)
		return lost(out->obj, ENOMEM, type, size, 1, err);
	out_set_num(line, JCOL_TYPE, type);
	out_set_u64(line, JCOL_SIZE, size);
	if (base64) {
		out_set_bytes(line, JCOL_DATA, out->data, strlen(out->data));
		out_set_str(line, JCOL_ENCODING, "base64");
	} else if (out_set_bytes(line, JCOL_DATA, body, size) != 0) {
		return lost(out->obj, ENOMEM, type, size, 1, err);
	}
	if (out_print_ndjson(table) != 0 || fflush(stdout) != 0 || ferror(stdout))
		return lost(out->obj, errno ? errno : EIO, type, size, 1, err);
	return 0;
}

/* Take the next message into mq->buf.  --all never waits (an empty queue
 * is SV_EBUSY); the others take what is queued into the batch, and when
 * a wait would begin, write the batch first, then wait as -t or --nowait
 * say. */
static int take(struct sv_mq *mq, struct batch *out, const struct recv_opts *opts,
		size_t *size, struct sv_err *err)
{
	static const struct sv_wait never = { .nowait = true };

	if (opts->all || out == NULL || out->nmsgs == 0)
		return sv_mq_recv(mq, &opts->sel, opts->all ? &never : NULL,
				  size, err);
	if (sv_mq_recv(mq, &opts->sel, &never, size, err) == 0)
		return 0;
	if (err->errnum != SV_EBUSY || batch_flush(out, NULL, err) != 0)
		return -1;
	return sv_mq_recv(mq, &opts->sel, NULL, size, err);
}

static int add(struct sv_mq *mq, struct batch *out, struct json_writer *json,
	       const struct recv_opts *opts, size_t size, struct sv_err *err)
{
	if (json == NULL)
		return batch_add(out, mq, opts, size, err);
	errno = 0;
	return json_add(json, mq->buf->type, mq->buf->body, size, err);
}

/* Take and write messages until COUNT, an empty queue with --all, an
 * error, or a stop signal (checked before each take); then write what
 * the batch holds.  OUT is NULL with --json, which writes each message
 * at once. */
static int recv_loop(struct sv_mq *mq, struct batch *out, struct json_writer *json,
		     const struct recv_opts *opts, struct sv_err *err)
{
	unsigned long long got = 0;
	struct sv_err flush_err;
	size_t size;
	int rc = 0;

	while ((opts->all || got < opts->count) && cmd_stop_signo == 0) {
		if (take(mq, out, opts, &size, err) != 0) {
			if (opts->all && err->errnum == SV_EBUSY)
				break;
			if (err->errnum == SV_EBUSY && got > 0)
				snprintf(err->msg + strlen(err->msg),
					 sizeof(err->msg) - strlen(err->msg),
					 " (%llu of %llu received)", got, opts->count);
			rc = -1;
			break;
		}
		if (add(mq, out, json, opts, size, err) != 0)
			return -1;
		got++;
	}
	/* Messages lost matter more than why the loop ended. */
	if (out != NULL && batch_flush(out, NULL, &flush_err) != 0) {
		*err = flush_err;
		return -1;
	}
	return rc;
}

/* stdio's writes of stdout, for --json, through cmd_write_all: a full
 * non-blocking stdout is waited on, not an error that loses a message. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	size_t done;

	(void)cookie;
	if (cmd_write_all(STDOUT_FILENO, buf, size, &done) != 0 && done == 0)
		return -1;
	return (ssize_t)done;
}

static FILE *polling_stdout(void)
{
	static const cookie_io_functions_t io = { .write = cookie_write };

	return fopencookie(NULL, "w", io);
}

static int run_json(struct sv_mq *mq, const struct recv_opts *opts,
		    struct sv_err *err)
{
	struct json_writer json = { .obj = &mq->obj };
	FILE *plain_stdout = stdout, *polling = polling_stdout();
	int rc = -1;

	if (polling == NULL)
		return sv_fail(err, errno, "stdout");
	/* glibc's stdout is a variable that may be set (its manual says so);
	 * the output layer prints to it. */
	fflush(stdout);
	stdout = polling;
	if (json_init(&json, err) == 0)
		rc = recv_loop(mq, NULL, &json, opts, err);
	json_free(&json);
	fclose(polling);
	stdout = plain_stdout;
	return rc;
}

static int run_plain(struct sv_mq *mq, const struct recv_opts *opts,
		     struct sv_err *err)
{
	struct batch *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return sv_fail(err, ENOMEM, "mq recv");
	out->obj = &mq->obj;
	out->len = out->nmsgs = 0;
	rc = recv_loop(mq, out, NULL, opts, err);
	free(out);
	return rc;
}

/* After a failure or a stop: the error (none for the EINTR of a wait
 * that a stop ended), then the exit. */
static int recv_end(int rc, const struct sv_err *err)
{
	int code = EXIT_OK;

	/* -q: no message in time is an answer (exit 6), as grep -q's. */
	if (rc != 0 && err->errnum == SV_EBUSY && sv_globals.quiet)
		code = cmd_exit_code(err->errnum);
	else if (rc != 0 && !(err->errnum == EINTR && cmd_stop_signo != 0))
		code = cmd_fail(err);
	if (cmd_stop_signo != 0)
		cmd_stop_end();
	return code;
}

static int check_recv_opts(const struct recv_opts *opts, bool timeout_given)
{
	if (opts->sel.except && opts->sel.type <= 0)
		return cmd_usage_error("mq recv", "--except needs -T TYPE with "
				       "TYPE 1 or more");
	if (opts->all && timeout_given)
		return cmd_usage_error("mq recv", "--all never waits: drop -t");
	if (sv_globals.json && (opts->print_type || opts->separator >= 0))
		return cmd_usage_error("mq recv", "--json prints one object per "
				       "line: drop --lines, --null and --print-type");
	return EXIT_OK;
}

static int parse_count(const char *text, struct recv_opts *opts)
{
	struct sv_err err;
	long long count;

	if (parse_int(text, "-k", 1, LLONG_MAX, &count, &err) != 0)
		return cmd_fail(&err);
	opts->count = (unsigned long long)count;
	return EXIT_OK;
}

static int parse_recv(int argc, char **argv, struct recv_opts *opts, int *code)
{
	enum { OPT_EXCEPT = OPT_CMD_FIRST };
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 'T' },
		{ "except", no_argument, NULL, OPT_EXCEPT },
		CMD_WAIT_LONGOPTS,
		{ "count", required_argument, NULL, 'k' },
		{ "all", no_argument, NULL, 'a' },
		{ "lines", no_argument, NULL, 'l' },
		{ "null", no_argument, NULL, '0' },
		{ "print-type", no_argument, NULL, 'p' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	bool nowait = false, have_count = false;
	int opt, rc = 0;

	*opts = (struct recv_opts){ .count = 1, .separator = -1 };
	*code = EXIT_OK;
	optind = 0;
	while (*code == EXIT_OK &&
	       (opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "T:t:k:al0p",
				  longopts)) != -1) {
		if (cmd_wait_opt(opt, &opts->wait, &nowait, &rc, &err)) {
			if (rc != 0)
				*code = cmd_fail(&err);
			continue;
		}
		switch (opt) {
		case 'T':
			*code = mq_parse_type(optarg, -LONG_MAX, &opts->sel.type);
			break;
		case OPT_EXCEPT:
			opts->sel.except = true;
			break;
		case 'k':
			*code = parse_count(optarg, opts);
			have_count = true;
			break;
		case 'a':
			opts->all = true;
			break;
		case 'l':
		case '0':
			if (opts->separator >= 0 && opts->separator != (opt == 'l' ? '\n' : '\0'))
				*code = cmd_usage_error("mq recv", "--lines and --null "
							"exclude each other");
			opts->separator = opt == 'l' ? '\n' : '\0';
			break;
		case 'p':
			opts->print_type = true;
			break;
		default:
			if (cmd_common_opt(opt, argv, "mq recv", recv_usage, code))
				return -1;
		}
	}
	if (*code != EXIT_OK || !cmd_nargs_ok(argc - optind, 1, 1, "mq recv", code))
		return -1;
	if (have_count && opts->all) {
		*code = cmd_usage_error("mq recv", "-k and --all exclude each other");
		return -1;
	}
	if ((*code = check_recv_opts(opts, opts->wait.timed)) != EXIT_OK)
		return -1;
	/* TYPE<TAB>BODY is a record: it ends with a newline (or -0's NUL),
	 * never on the shell's prompt. */
	if (opts->print_type && opts->separator < 0)
		opts->separator = '\n';
	return cmd_wait_conflict(&opts->wait, nowait, "mq recv", code) ? -1 : 0;
}

int mq_recv(int argc, char **argv)
{
	struct recv_opts opts;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_mq mq;
	int code, rc;

	if (parse_recv(argc, argv, &opts, &code) != 0)
		return code;
	if (sv_ref_is_posix(argv[optind]) && (opts.sel.type != 0 || opts.sel.except))
		return pmq_no_type_selection();
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_mq_open(&ref, false, &obj, &err) != 0)
		return cmd_fail(&err);
	sv_mq_begin(&mq, &obj, &opts.wait);
	mq.stop = &cmd_stop_signo;
	/* Caught before the first message is taken: a reader that went away
	 * or a stop must not end us with a message in hand. */
	cmd_stop_catch(true);
	if (sv_globals.json)
		rc = run_json(&mq, &opts, &err);
	else
		rc = run_plain(&mq, &opts, &err);
	sv_mq_end(&mq);
	return recv_end(rc, &err);
}
