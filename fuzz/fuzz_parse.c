/* libFuzzer target over every parser a user's text reaches: REFs, sizes,
 * durations, modes and the two integer parsers.  The first input byte
 * picks the parser (and its bounds); the rest, cut at the first NUL, is the
 * text.  Besides crashes and sanitizer reports, it checks each parser's
 * promises: a success is inside the bounds asked for, a failure fills the
 * error with a usage error and a printable message. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "ipc/err.h"
#include "ipc/parse.h"
#include "ipc/ref.h"

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_parse: %s:%d: %s\n",      \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

/* Error texts are fixed-size buffers: each must end inside its buffer. */
static void check_err(const struct sv_err *err, int usage_only)
{
	CHECK(memchr(err->ctx, '\0', sizeof(err->ctx)) != NULL);
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	CHECK(memchr(err->hint, '\0', sizeof(err->hint)) != NULL);
	CHECK(sv_err_text(err) != NULL);
	if (usage_only)
		CHECK(err->errnum == SV_EUSAGE);
	else
		CHECK(err->errnum != 0);
}

/* Bounds for the size and integer parsers, chosen by the selector byte so
 * the fuzzer exercises the range checks as well as the shape checks. */
static const uint64_t umins[4] = { 0, 1, 4096, UINT64_MAX - 1 };
static const uint64_t umaxs[4] = { UINT64_MAX, 0xffffffffULL, 32767, 0 };
static const long long smins[4] = { 0, -32768, 1, -9223372036854775807LL - 1 };
static const long long smaxs[4] = { 32767, 32767, 255, 9223372036854775807LL };

static void fuzz_bytes(const char *text, unsigned sel)
{
	struct sv_err err;
	uint64_t min = umins[sel & 3], max = umaxs[(sel >> 2) & 3], value = 0;

	memset(&err, 0, sizeof(err));
	if (parse_bytes(text, "-s", min, max, &value, &err) == 0)
		CHECK(value >= min && value <= max);
	else
		check_err(&err, 1);
}

static void fuzz_duration(const char *text)
{
	struct sv_err err;
	struct timespec ts = { -1, -1 };

	memset(&err, 0, sizeof(err));
	if (parse_duration(text, "-t", &ts, &err) == 0) {
		CHECK(ts.tv_sec >= 0);
		CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
		CHECK(ts.tv_sec <= 10LL * 366 * 86400);
	} else {
		check_err(&err, 1);
	}
}

static void fuzz_mode(const char *text)
{
	struct sv_err err;
	mode_t mode = 0;

	memset(&err, 0, sizeof(err));
	if (parse_mode(text, "-m", &mode, &err) == 0)
		CHECK(mode <= 0777);
	else
		check_err(&err, 1);
}

static void fuzz_int(const char *text, unsigned sel)
{
	struct sv_err err;
	long long min = smins[sel & 3], max = smaxs[sel & 3], value = 0;

	memset(&err, 0, sizeof(err));
	if (parse_int(text, "VALUE", min, max, &value, &err) == 0) {
		CHECK(value >= min && value <= max);
		/* The shape check admits only [-]digits: strtoll reads
		 * the same number. */
		CHECK(strtoll(text, NULL, 10) == value);
	} else {
		check_err(&err, 1);
	}
}

/* The old parser as the oracle: the shape checked with strspn, the value
 * read by strtoull.  0: not a number; 1: VALUE set; 2: above UINT64_MAX. */
static int uint_oracle(const char *text, uint64_t *value)
{
	int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	const char *digits = hex ? text + 2 : text;
	size_t len = strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789");

	if (len == 0 || digits[len] != '\0')
		return 0;
	errno = 0;
	*value = strtoull(digits, NULL, hex ? 16 : 10);
	return errno == ERANGE ? 2 : 1;
}

static void fuzz_uint(const char *text, unsigned sel)
{
	struct sv_err err;
	uint64_t min = umins[sel & 3], max = umaxs[(sel >> 2) & 3], value = 0, expected = 0;
	int shape = uint_oracle(text, &expected);

	memset(&err, 0, sizeof(err));
	if (parse_uint_dec_hex(text, "-i", min, max, &value, &err) == 0) {
		CHECK(value >= min && value <= max);
		CHECK(text[0] >= '0' && text[0] <= '9');
		CHECK(shape == 1 && value == expected);
	} else {
		check_err(&err, 1);
		CHECK(shape != 1 || expected < min || expected > max);
		CHECK(strncmp(err.msg, shape == 0 ? "invalid number" : "value ",
			      shape == 0 ? 14 : 6) == 0);
	}
}

static void fuzz_ref(const char *text, unsigned sel)
{
	struct sv_err err;
	struct sv_ref ref;
	char buf[64];

	memset(&err, 0, sizeof(err));
	if (sv_ref_parse(text, sel & 1 ? SV_REF_ALLOW_PRIVATE : 0, &ref, &err) == 0) {
		CHECK(ref.text == text);
		switch (ref.form) {
		case SV_REF_KEY:
			/* Key 0 is IPC_PRIVATE: no REF but "private" names it. */
			CHECK(ref.key != IPC_PRIVATE);
			break;
		case SV_REF_ID:
			CHECK(ref.id >= 0);
			break;
		case SV_REF_PRIVATE:
			CHECK(sel & 1);
			CHECK(strcmp(text, "private") == 0);
			break;
		case SV_REF_POSIX:
			/* /NAME: one slash, then 1-255 bytes without one. */
			CHECK(text[0] == '/' && strchr(text + 1, '/') == NULL);
			CHECK(strlen(text + 1) >= 1 && strlen(text + 1) <= SV_POSIX_NAME_MAX);
			break;
		default:
			CHECK(0);
		}
		CHECK(sv_ref_describe((enum sv_kind)(sel % SV_NKINDS), &ref,
				      buf, sizeof(buf)) == buf);
		CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	} else {
		/* path: reaches stat(), so any errno may come back. */
		check_err(&err, strncmp(text, "path:", 5) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	unsigned sel;

	if (size == 0)
		return 0;
	sel = data[0];
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (sel % 6) {
	case 0: fuzz_ref(text, sel / 6); break;
	case 1: fuzz_bytes(text, sel / 6); break;
	case 2: fuzz_duration(text); break;
	case 3: fuzz_mode(text); break;
	case 4: fuzz_int(text, sel / 6); break;
	case 5: fuzz_uint(text, sel / 6); break;
	}
	free(text);
	return 0;
}
