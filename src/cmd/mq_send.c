/* sysvctl mq send: one message from MESSAGE or all of stdin, or one
 * message per line of stdin, streamed with constant memory. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ipc/ref.h"
#include "mq_cmd.h"
#include "stop.h"

/* Room for the type before a body. */
#define HEADER sizeof(long)

/* How much --lines asks read() for at least. */
#define READ_CHUNK 65536

struct send_opts {
	long type;
	bool lines;
	bool create;
	struct sv_wait wait;
	const char *message;    /* NULL: stdin */
};

static const char send_usage[] =
	"Usage: sysvctl mq send REF [-T TYPE] [-t TIMEOUT|--nowait] [-l|--lines]\n"
	"                           [-c|--create] [MESSAGE]\n"
	"\n"
	"Send MESSAGE, or all of stdin (no MESSAGE, or '-'), as one message,\n"
	"byte for byte.  With --lines every line of stdin is one message,\n"
	"without its newline.  A full queue is waited on.  A message above\n"
	"kernel.msgmax is exit 7 and is not sent.\n"
	"\n"
	"Options:\n"
	"  -T, --type TYPE      the message type, 1 or more (default 1)\n"
	"  -t, --timeout T      wait at most T for room for each message (exit 6)\n"
	"      --nowait         do not wait: a full queue is exit 6\n"
	"  -l, --lines          one message per line of stdin\n"
	"  -c, --create         create the queue (mode 0600) when it is missing\n"
	"  -h, --help           this help\n";

static int read_all(int fd, char *buf, size_t size, size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < size) {
		n = read(fd, buf + *got, size - *got);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR && cmd_stop_signo == 0)
				continue;
			return -1;
		}
		*got += (size_t)n;
	}
	return 0;
}

/* A stop signal ended a read of stdin or a wait for room: nothing of
 * this message was sent, so end as killed by it. */
static int stdin_error(int errnum)
{
	struct sv_err err;

	if (errnum == EINTR && cmd_stop_signo != 0)
		cmd_stop_end();

	sv_fail(&err, errnum, "reading stdin");
	return cmd_fail(&err);
}

/* The message of OPTS after room for its type, in *MSG (to free):
 * MESSAGE, or stdin up to LIMIT + 1 bytes (one more says it is too large,
 * without reading an endless stdin to its end).  Above LIMIT is SV_ELIMIT
 * for OBJ.  The exit code. */
static int read_message(const struct sv_obj *obj, const struct send_opts *opts,
			size_t limit, char **msg, size_t *size)
{
	size_t room = opts->message != NULL ? strlen(opts->message) : limit + 1;
	struct sv_err err;
	int rc = EXIT_OK;

	*size = 0;
	*msg = malloc(HEADER + room);
	if (*msg == NULL) {
		sv_fail(&err, ENOMEM, "mq send");
		return cmd_fail(&err);
	}
	memcpy(*msg, &opts->type, HEADER);
	if (opts->message != NULL) {
		memcpy(*msg + HEADER, opts->message, room);
		*size = room;
	} else if (read_all(STDIN_FILENO, *msg + HEADER, room, size) != 0) {
		rc = stdin_error(errno);
	}
	if (rc == EXIT_OK && *size > limit) {
		sv_mq_too_big(obj, *size, limit, &err);
		if (opts->message == NULL)
			sv_msg(&err, "the message on stdin is above msgmax (%zu bytes); "
			       "nothing was sent", limit);
		rc = cmd_fail(&err);
	}
	if (rc != EXIT_OK) {
		free(*msg);
		*msg = NULL;
	}
	return rc;
}

/* One message, read by read_message.  A message given as MESSAGE is left
 * to the kernel to measure against the queue's limit. */
static int send_one(struct sv_mq *mq, const struct send_opts *opts, char *msg,
		    size_t size)
{
	size_t limit = SIZE_MAX / 2;
	struct sv_err err;
	int rc;

	if (msg == NULL) {
		if (opts->message == NULL &&
		    sv_mq_msg_limit(&mq->obj, &limit, &err) != 0)
			return cmd_fail(&err);
		if ((rc = read_message(&mq->obj, opts, limit, &msg, &size)) != EXIT_OK)
			return rc;
	}
	/* A message sent stays sent: a stop signal that came meanwhile does
	 * not make it a failure.  One that ended the wait for room sent
	 * nothing. */
	rc = EXIT_OK;
	if (sv_mq_send(mq, msg, size, &err) != 0) {
		if (err.errnum == EINTR && cmd_stop_signo != 0)
			cmd_stop_end();
		rc = cmd_fail(&err);
	}
	free(msg);
	return rc;
}

/* A stop signal before LINE was sent: say how many were, then end. */
static void lines_stopped(const struct sv_mq *mq, unsigned long long line)
{
	char what[64];

	if (line > 1)
		fprintf(stderr, "sysvctl: %s: %s: stopped before line %llu; the "
			"%llu line%s before it %s sent\n",
			sv_obj_describe(&mq->obj, what, sizeof(what)),
			cmd_stop_name(cmd_stop_signo), line, line - 1,
			line == 2 ? "" : "s", line == 2 ? "was" : "were");
	cmd_stop_end();
}

/* Say which line failed: the lines before it were sent. */
static int line_fail(struct sv_err *err, unsigned long long line)
{
	char text[sizeof(err->msg)];

	snprintf(text, sizeof(text), "%s", sv_err_text(err));
	if (line == 1) {
		sv_msg(err, "line 1: %s", text);
		return cmd_fail(err);
	}
	sv_msg(err, "line %llu: %s; the %llu line%s before it %s sent", line, text,
	       line - 1, line == 2 ? "" : "s", line == 2 ? "was" : "were");
	return cmd_fail(err);
}

static int line_too_long(struct sv_mq *mq, unsigned long long line,
			 size_t msgmax)
{
	struct sv_err err;

	sv_mq_too_big(&mq->obj, msgmax + 1, msgmax, &err);
	sv_msg(&err, "longer than msgmax (%zu bytes), not sent", msgmax);
	return line_fail(&err, line);
}

/* A buffer of stdin with HEADER bytes of room before its data: each line
 * is sent in place, its type written over the bytes just before it (the
 * end of the line before, already sent), so nothing is copied. */
struct line_reader {
	char *base;             /* HEADER bytes, then the data */
	size_t size;            /* data capacity */
	size_t start, end;      /* the bytes not used yet */
	bool eof;
};

static char *data(struct line_reader *in)
{
	return in->base + HEADER;
}

/* Keep the unused bytes and read more after them. */
static int refill(struct line_reader *in)
{
	size_t left = in->end - in->start;
	ssize_t n;

	memmove(data(in), data(in) + in->start, left);
	in->start = 0;
	in->end = left;
	do
		n = read(STDIN_FILENO, data(in) + in->end, in->size - in->end);
	while (n < 0 && errno == EINTR && cmd_stop_signo == 0);
	if (n < 0)
		return -1;
	if (n == 0)
		in->eof = true;
	in->end += (size_t)n;
	return 0;
}

static int send_line(struct sv_mq *mq, struct line_reader *in, long type,
		     size_t len, unsigned long long line)
{
	char *msg = data(in) + in->start - HEADER;
	struct sv_err err;

	memcpy(msg, &type, HEADER);
	if (sv_mq_send(mq, msg, len, &err) != 0) {
		if (err.errnum == EINTR && cmd_stop_signo != 0)
			lines_stopped(mq, line);
		return line_fail(&err, line);
	}
	return EXIT_OK;
}

static int send_lines(struct sv_mq *mq, const struct send_opts *opts)
{
	struct line_reader in = { 0 };
	unsigned long long line = 1;
	size_t msgmax, len;
	struct sv_err err;
	const char *newline;
	int rc = EXIT_OK;

	if (sv_mq_msg_limit(&mq->obj, &msgmax, &err) != 0)
		return cmd_fail(&err);
	/* A whole line of msgmax bytes and its newline, and a full chunk. */
	in.size = msgmax + 1 + READ_CHUNK;
	in.base = malloc(HEADER + in.size);
	if (in.base == NULL) {
		sv_fail(&err, ENOMEM, "mq send");
		return cmd_fail(&err);
	}
	while (rc == EXIT_OK) {
		if (cmd_stop_signo != 0)
			lines_stopped(mq, line);
		newline = memchr(data(&in) + in.start, '\n', in.end - in.start);
		len = newline ? (size_t)(newline - (data(&in) + in.start)) : in.end - in.start;
		if (len > msgmax) {
			rc = line_too_long(mq, line, msgmax);
		} else if (newline != NULL || (in.eof && len > 0)) {
			rc = send_line(mq, &in, opts->type, len, line++);
			in.start += len + (newline != NULL);
		} else if (in.eof) {
			break;
		} else if (refill(&in) != 0 && cmd_stop_signo == 0) {
			rc = stdin_error(errno);
		}
	}
	free(in.base);
	return rc;
}

static int parse_send(int argc, char **argv, struct send_opts *opts, int *code)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 'T' },
		CMD_WAIT_LONGOPTS,
		{ "lines", no_argument, NULL, 'l' },
		{ "create", no_argument, NULL, 'c' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	bool nowait = false;
	int opt, rc = 0;

	*opts = (struct send_opts){ .type = 1 };
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "T:t:lc", longopts)) != -1) {
		if (cmd_wait_opt(opt, &opts->wait, &nowait, &rc, &err)) {
			if (rc != 0) {
				*code = cmd_fail(&err);
				return -1;
			}
			continue;
		}
		switch (opt) {
		case 'T':
			if ((*code = mq_parse_type(optarg, 1, &opts->type)) != EXIT_OK)
				return -1;
			break;
		case 'l':
			opts->lines = true;
			break;
		case 'c':
			opts->create = true;
			break;
		default:
			if (cmd_common_opt(opt, argv, "mq send", send_usage, code))
				return -1;
		}
	}
	if (!cmd_nargs_ok(argc - optind, 1, 2, "mq send", code))
		return -1;
	opts->message = cmd_data_arg(argc - optind == 2 ? argv[optind + 1] : NULL);
	if (opts->message != NULL) {
		if (opts->lines) {
			*code = cmd_usage_error("mq send", "--lines reads stdin: "
						"give no MESSAGE");
			return -1;
		}
	}
	if (cmd_wait_conflict(&opts->wait, nowait, "mq send", code))
		return -1;
	*code = EXIT_OK;
	return 0;
}

/* Open REF's queue.  With --create, no queue and one message to send,
 * the message is read first (*MSG) and checked against the size a new
 * queue takes: one too large leaves no queue behind.  The exit code. */
static int open_for_send(const struct sv_ref *ref, const struct send_opts *opts,
			 struct sv_obj *obj, char **msg, size_t *size)
{
	struct sv_obj planned = {
		.kind = SV_MQ, .key = ref->key, .id = -1,
		.name = ref->form == SV_REF_POSIX ? ref->text : NULL,
	};
	struct sv_err err;
	size_t limit;
	int rc;

	*msg = NULL;
	if (!opts->create || opts->lines) {
		if (sv_mq_open(ref, opts->create, obj, &err) != 0)
			return cmd_fail_create(&err, "send");
		return EXIT_OK;
	}
	if (sv_mq_open(ref, false, obj, &err) == 0)
		return EXIT_OK;
	if (err.errnum != ENOENT || ref->form == SV_REF_ID)
		return cmd_fail_create(&err, "send");
	if (sv_mq_new_msg_limit(ref, &limit, &err) != 0)
		return cmd_fail(&err);
	if ((rc = read_message(&planned, opts, limit, msg, size)) != EXIT_OK)
		return rc;
	if (sv_mq_open(ref, true, obj, &err) != 0) {
		free(*msg);
		*msg = NULL;
		return cmd_fail(&err);
	}
	return EXIT_OK;
}

int mq_send_verb(int argc, char **argv)
{
	struct send_opts opts;
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct sv_mq mq;
	size_t size;
	char *msg;
	int code;

	if (parse_send(argc, argv, &opts, &code) != 0)
		return code;
	if (sv_ref_is_posix(argv[optind]) && opts.type > SV_PMQ_PRIO_MAX)
		return cmd_usage_error("mq send", "-T is a POSIX queue's priority: "
				       "at most %d", SV_PMQ_PRIO_MAX);
	if (sv_ref_parse(argv[optind], 0, &ref, &err) != 0)
		return cmd_fail(&err);
	/* Caught before stdin is read and before the first send: a signal
	 * that lands as a message goes out must not report a sent message
	 * as failed. */
	cmd_stop_catch(false);
	if (opts.message == NULL)
		cmd_note_tty_stdin("mq send");
	if ((code = open_for_send(&ref, &opts, &obj, &msg, &size)) != EXIT_OK)
		return code;
	sv_mq_begin(&mq, &obj, &opts.wait);
	mq.stop = &cmd_stop_signo;
	code = opts.lines ? send_lines(&mq, &opts) : send_one(&mq, &opts, msg, size);
	sv_mq_end(&mq);
	return code;
}
