/* sysvctl mq recv: take messages off a queue and write them to stdout,
 * exactly, never losing one silently.  Output is buffered and written
 * before each wait, so a reader sees messages as soon as the queue runs
 * dry; if writing fails, the messages that were taken but not written are
 * named. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ipc/codec.h"
#include "ipc/parse.h"
#include "ipc/ref.h"
#include "mq_cmd.h"

#define OUT_BUF_SIZE 65536
#define OUT_MAX_MSGS 8192

struct recv_opts {
	struct sv_mq_select sel;
	struct sv_mq_wait wait;
	unsigned long long count;   /* with all: no limit */
	bool all;
	bool print_type;
	int separator;              /* '\n', '\0', or -1 for none */
};

/* A message in the output buffer, not written yet. */
struct pending {
	long type;
	size_t size;
	size_t end;         /* where its bytes end in the buffer */
};

struct writer {
	const struct sv_obj *obj;
	char buf[OUT_BUF_SIZE];
	size_t len;
	struct pending msgs[OUT_MAX_MSGS];
	size_t nmsgs;
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
	"  -t, --timeout T     wait at most T for each message (exit 6)\n"
	"      --nowait        do not wait: no message is exit 6\n"
	"  -k, --count COUNT   take COUNT messages\n"
	"  -a, --all           take every message there is now; none is fine\n"
	"  -l, --lines         end each message with a newline\n"
	"  -0, --null          end each message with a NUL byte\n"
	"  -p, --print-type    put TYPE and a tab before each message\n"
	"  -j, --json          one JSON object per message per line:\n"
	"                      {\"type\": N, \"size\": N, \"data\": \"...\"}, with\n"
	"                      \"encoding\": \"base64\" when the body is not UTF-8\n"
	"  -h, --help          this help\n";

/* Write all of BUF; the bytes written before a failure in *DONE. */
static int write_all(const char *buf, size_t size, size_t *done)
{
	ssize_t n;

	*done = 0;
	while (*done < size) {
		n = write(STDOUT_FILENO, buf + *done, size - *done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		*done += (size_t)n;
	}
	return 0;
}

/* The error for messages taken off the queue but not written: name the
 * first (type, size) and how many there were. */
static int lost(const struct sv_obj *obj, int errnum, long type, size_t size,
		size_t count, struct sv_err *err)
{
	char what[64];

	/* EIO only for the exit code (1, whatever the cause: ENOSPC too);
	 * the message names the real error. */
	sv_fail(err, EIO, "%s", sv_obj_describe(obj, what, sizeof(what)));
	if (count == 1)
		sv_msg(err, "writing to stdout: %s: the message of type %ld, %zu "
		       "bytes, was taken off the queue and is lost",
		       strerror(errnum), type, size);
	else
		sv_msg(err, "writing to stdout: %s: %zu messages were taken off "
		       "the queue and are lost, the first of type %ld, %zu bytes",
		       strerror(errnum), count, type, size);
	return -1;
}

static int writer_flush(struct writer *out, struct sv_err *err)
{
	size_t done, first = 0;

	if (out->len != 0 && write_all(out->buf, out->len, &done) != 0) {
		int errnum = errno;

		while (first < out->nmsgs && out->msgs[first].end <= done)
			first++;
		return lost(out->obj, errnum, out->msgs[first].type,
			    out->msgs[first].size, out->nmsgs - first, err);
	}
	out->len = 0;
	out->nmsgs = 0;
	return 0;
}

/* A message too large for the buffer goes out on its own. */
static int write_direct(struct writer *out, const char *prefix, size_t prefix_len,
			long type, const char *body, size_t size, int separator,
			struct sv_err *err)
{
	char sep = (char)separator;
	size_t done;

	if (write_all(prefix, prefix_len, &done) != 0 ||
	    write_all(body, size, &done) != 0 ||
	    (separator >= 0 && write_all(&sep, 1, &done) != 0))
		return lost(out->obj, errno, type, size, 1, err);
	return 0;
}

static int writer_add(struct writer *out, const struct recv_opts *opts,
		      long type, const char *body, size_t size, struct sv_err *err)
{
	char prefix[32];
	size_t prefix_len = 0, total;
	char *p;

	if (opts->print_type)
		prefix_len = (size_t)snprintf(prefix, sizeof(prefix), "%ld\t", type);
	total = prefix_len + size + (opts->separator >= 0);
	if ((total > sizeof(out->buf) - out->len || out->nmsgs == OUT_MAX_MSGS) &&
	    writer_flush(out, err) != 0)
		return -1;
	if (total > sizeof(out->buf))
		return write_direct(out, prefix, prefix_len, type, body, size,
				    opts->separator, err);
	p = out->buf + out->len;
	memcpy(p, prefix, prefix_len);
	memcpy(p + prefix_len, body, size);
	if (opts->separator >= 0)
		p[prefix_len + size] = (char)opts->separator;
	out->len += total;
	out->msgs[out->nmsgs++] = (struct pending){ type, size, out->len };
	return 0;
}

/* --json: the columns of a message; DATA holds a JSON string literal made
 * here (libsmartcols prints NUMBER cells as they are), so that an empty
 * body is "" and NUL bytes are \u0000. */
enum { JCOL_TYPE, JCOL_SIZE, JCOL_DATA, JCOL_ENCODING, JCOLS };
static const struct out_col json_cols[JCOLS] = {
	{ "TYPE", OUT_NUM, 0, "the message type" },
	{ "SIZE", OUT_NUM, 0, "the body's size in bytes" },
	{ "DATA", OUT_NUM, 0, "the body, a JSON string" },
	{ "ENCODING", OUT_STR, 0, "base64 when the body is not UTF-8" },
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

/* The JSON string literal of BODY into out->data; whether it is base64. */
static int json_data(struct json_writer *out, const char *body, size_t size,
		     bool *base64, struct sv_err *err)
{
	size_t need;

	*base64 = !sv_utf8_valid(body, size);
	need = *base64 ? sv_base64_size(size) + 2 : sv_json_quote_size(size);
	if (need > out->data_size) {
		char *grown = realloc(out->data, need);

		if (grown == NULL)
			return sv_fail(err, ENOMEM, "mq recv");
		out->data = grown;
		out->data_size = need;
	}
	if (!*base64) {
		sv_json_quote(body, size, out->data);
		return 0;
	}
	out->data[0] = '"';
	need = sv_base64_encode(body, size, out->data + 1);
	out->data[need + 1] = '"';
	out->data[need + 2] = '\0';
	return 0;
}

static int json_add(struct json_writer *out, long type, const char *body,
		    size_t size, struct sv_err *err)
{
	struct out_table *table;
	struct out_line *line;
	bool base64;

	if (json_data(out, body, size, &base64, err) != 0)
		return lost(out->obj, ENOMEM, type, size, 1, err);
	table = base64 ? out->base64 : out->text;
	line = out_line_new(table);
	if (line == NULL)
		return lost(out->obj, ENOMEM, type, size, 1, err);
	out_set_num(line, JCOL_TYPE, type);
	out_set_u64(line, JCOL_SIZE, size);
	out_set_str(line, JCOL_DATA, out->data);
	if (base64)
		out_set_str(line, JCOL_ENCODING, "base64");
	if (out_print_ndjson(table) != 0 || fflush(stdout) != 0 || ferror(stdout))
		return lost(out->obj, errno ? errno : EIO, type, size, 1, err);
	return 0;
}

/* Where messages go: the plain buffer, or NDJSON lines. */
struct sink {
	struct writer *plain;
	struct json_writer *json;
};

static int sink_add(struct sink *sink, const struct recv_opts *opts, long type,
		    const char *body, size_t size, struct sv_err *err)
{
	if (sink->json != NULL) {
		errno = 0;
		return json_add(sink->json, type, body, size, err);
	}
	return writer_add(sink->plain, opts, type, body, size, err);
}

static int sink_flush(struct sink *sink, struct sv_err *err)
{
	return sink->plain != NULL ? writer_flush(sink->plain, err) : 0;
}

static bool sink_empty(const struct sink *sink)
{
	return sink->plain == NULL || sink->plain->len == 0;
}

/* Take the next message: first without waiting, so that what is buffered
 * is written before a wait; --all stops (*none) where a wait would begin. */
static int take(struct sv_mq *mq, struct sink *sink, const struct recv_opts *opts,
		size_t *size, bool *none, struct sv_err *err)
{
	static const struct sv_mq_wait never = { .how = SV_MQ_WAIT_NEVER };

	*none = false;
	if (!sink_empty(sink) || opts->all) {
		if (sv_mq_recv(mq, &opts->sel, &never, size, err) == 0)
			return 0;
		if (err->errnum != SV_EBUSY)
			return -1;
		if (opts->all) {
			*none = true;
			return 0;
		}
		if (mq->wait.how == SV_MQ_WAIT_NEVER)
			return -1;
		if (sink_flush(sink, err) != 0)
			return -1;
	}
	return sv_mq_recv(mq, &opts->sel, NULL, size, err);
}

static int recv_loop(struct sv_mq *mq, struct sink *sink,
		     const struct recv_opts *opts, struct sv_err *err)
{
	unsigned long long got = 0;
	size_t size;
	bool none;

	while (opts->all || got < opts->count) {
		if (take(mq, sink, opts, &size, &none, err) != 0) {
			struct sv_err flush_err;

			if (err->errnum == SV_EBUSY && got > 0)
				snprintf(err->msg + strlen(err->msg),
					 sizeof(err->msg) - strlen(err->msg),
					 " (%llu of %llu received)", got, opts->count);
			if (sink_flush(sink, &flush_err) != 0)
				*err = flush_err;
			return -1;
		}
		if (none)
			break;
		if (sink_add(sink, opts, mq->buf->type, mq->buf->body, size, err) != 0)
			return -1;
		got++;
	}
	return sink_flush(sink, err);
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
	enum { OPT_NOWAIT = OPT_CMD_FIRST, OPT_EXCEPT };
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 'T' },
		{ "except", no_argument, NULL, OPT_EXCEPT },
		{ "timeout", required_argument, NULL, 't' },
		{ "nowait", no_argument, NULL, OPT_NOWAIT },
		{ "count", required_argument, NULL, 'k' },
		{ "all", no_argument, NULL, 'a' },
		{ "lines", no_argument, NULL, 'l' },
		{ "null", no_argument, NULL, '0' },
		{ "print-type", no_argument, NULL, 'p' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *timeout = NULL;
	bool nowait = false, have_count = false;
	int opt;

	*opts = (struct recv_opts){ .count = 1, .separator = -1 };
	*code = EXIT_OK;
	optind = 0;
	while (*code == EXIT_OK &&
	       (opt = getopt_long(argc, argv, CMD_COMMON_SHORTOPTS "T:t:k:al0p",
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'T':
			*code = mq_parse_type(optarg, -LONG_MAX, &opts->sel.type);
			break;
		case OPT_EXCEPT:
			opts->sel.except = true;
			break;
		case 't':
			timeout = optarg;
			break;
		case OPT_NOWAIT:
			nowait = true;
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
	if ((*code = check_recv_opts(opts, timeout != NULL)) != EXIT_OK)
		return -1;
	*code = mq_parse_wait(timeout, nowait, "mq recv", &opts->wait);
	return *code == EXIT_OK ? 0 : -1;
}

static int run_recv(struct sv_mq *mq, const struct recv_opts *opts)
{
	struct json_writer json = { .obj = &mq->obj };
	struct writer *plain = NULL;
	struct sink sink = { 0 };
	struct sv_err err;
	int rc = EXIT_OK;

	if (sv_globals.json) {
		if (json_init(&json, &err) != 0)
			rc = cmd_fail(&err);
		sink.json = &json;
	} else {
		plain = malloc(sizeof(*plain));
		if (plain == NULL) {
			sv_fail(&err, ENOMEM, "mq recv");
			rc = cmd_fail(&err);
		} else {
			plain->obj = &mq->obj;
			plain->len = plain->nmsgs = 0;
		}
		sink.plain = plain;
	}
	if (rc == EXIT_OK && recv_loop(mq, &sink, opts, &err) != 0)
		rc = cmd_fail(&err);
	json_free(&json);
	free(plain);
	return rc;
}

int mq_recv(int argc, char **argv)
{
	struct recv_opts opts;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_mq mq;
	int code;

	if (parse_recv(argc, argv, &opts, &code) != 0)
		return code;
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0 ||
	    sv_mq_open(&ref, false, &obj, &err) != 0)
		return cmd_fail(&err);
	/* A reader that went away must be reported as lost messages, not
	 * end us silently. */
	signal(SIGPIPE, SIG_IGN);
	sv_mq_begin(&mq, &obj, &opts.wait);
	code = run_recv(&mq, &opts);
	sv_mq_end(&mq);
	return code;
}
