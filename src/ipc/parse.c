#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libutil.h>	/* dehumanize_number, from libbsd-overlay */

static int bad_value(struct sv_err *err, const char *what, const char *text,
		     const char *expected)
{
	sv_fail(err, SV_EUSAGE, "%s", what);
	return sv_msg(err, "invalid value '%s' (expected %s)", text, expected);
}

static bool all_digits(const char *start, const char *end)
{
	if (start == end)
		return false;
	for (const char *p = start; p < end; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

/* Length of the digits-and-suffix text that dehumanize_number should see,
 * or 0 when the suffix is not one we accept.  dehumanize_number alone is too
 * lenient (it takes signs, spaces, "0x" and a "B" unit), so the shape is
 * checked here first: DIGITS [K|M|G|T [iB]]. */
static size_t size_text_len(const char *text)
{
	size_t digits = strspn(text, "0123456789");
	const char *suffix = text + digits;

	if (digits == 0)
		return 0;
	if (*suffix == '\0')
		return digits;
	if (strchr("KMGTkmgt", *suffix) == NULL)
		return 0;
	if (suffix[1] == '\0' || strcmp(suffix + 1, "iB") == 0)
		return digits + 1;
	return 0;
}

int parse_bytes(const char *text, const char *what, uint64_t min,
		uint64_t max, uint64_t *bytes, struct sv_err *err)
{
	static const char expected[] = "bytes, optionally with K, M, G or T";
	char number[32];
	size_t len = size_text_len(text);
	int64_t value;

	if (len == 0 || len >= sizeof(number))
		return bad_value(err, what, text, expected);
	memcpy(number, text, len);
	number[len] = '\0';
	if (dehumanize_number(number, &value) != 0 || value < 0) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "value '%s' is too large", text);
	}
	if ((uint64_t)value < min || (uint64_t)value > max) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "value '%s' is out of range (%llu to %llu)",
			      text, (unsigned long long)min,
			      (unsigned long long)max);
	}
	*bytes = (uint64_t)value;
	return 0;
}

struct duration_unit {
	const char *suffix;
	long double seconds;
};

static const struct duration_unit duration_units[] = {
	{ "", 1 }, { "s", 1 }, { "ms", 0.001L }, { "m", 60 },
	{ "h", 3600 }, { "d", 86400 },
};

/* Ten years: longer waits are surely a typo, and the bound keeps the
 * conversion to time_t exact. */
#define DURATION_MAX_SECONDS (10.0L * 366 * 86400)

int parse_duration(const char *text, const char *what,
		   struct timespec *duration, struct sv_err *err)
{
	static const char expected[] =
		"seconds, optionally with a fraction and ms, s, m, h or d";
	size_t int_len = strspn(text, "0123456789");
	const char *p = text + int_len;
	size_t frac_len = 0;
	long double seconds = -1;

	if (*p == '.') {
		frac_len = strspn(p + 1, "0123456789");
		if (frac_len == 0)
			return bad_value(err, what, text, expected);
		p += 1 + frac_len;
	}
	if (int_len == 0 && frac_len == 0)
		return bad_value(err, what, text, expected);
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		if (strcmp(p, duration_units[i].suffix) == 0) {
			/* The shape is checked above, so strtold sees only
			 * digits and one dot: no sign, hex, inf or nan. */
			seconds = strtold(text, NULL) * duration_units[i].seconds;
			break;
		}
	}
	if (seconds < 0)
		return bad_value(err, what, text, expected);
	if (seconds > DURATION_MAX_SECONDS) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "duration '%s' is too long", text);
	}
	/* Rounded to the nanosecond: 250ms is 0.25 s, not 0.249999999 s. */
	long long nanoseconds = (long long)(seconds * 1e9L + 0.5L);  /* seconds >= 0 */
	duration->tv_sec = (time_t)(nanoseconds / 1000000000LL);
	duration->tv_nsec = (long)(nanoseconds % 1000000000LL);
	return 0;
}

int parse_duration_above_zero(const char *text, const char *what,
			      struct timespec *duration, struct sv_err *err)
{
	if (parse_duration(text, what, duration, err) != 0)
		return -1;
	if (duration->tv_sec == 0 && duration->tv_nsec == 0) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "'%s' allows no time at all (expected a duration "
			      "above 0)", text);
	}
	return 0;
}

int parse_mode(const char *text, const char *what, mode_t *mode,
	       struct sv_err *err)
{
	static const char expected[] = "an octal mode from 0 to 0777";
	size_t len = strspn(text, "01234567");
	unsigned long value;

	if (len == 0 || text[len] != '\0' || len > 4)
		return bad_value(err, what, text, expected);
	value = strtoul(text, NULL, 8);
	if (value > 0777)
		return bad_value(err, what, text, expected);
	*mode = (mode_t)value;
	return 0;
}

int parse_int(const char *text, const char *what, long long min,
	      long long max, long long *value, struct sv_err *err)
{
	const char *errstr = NULL;
	long long parsed;

	/* strtonum allows leading blanks and a '+': a script passing those
	 * is more likely wrong than meant, so the shape is checked too. */
	const char *digits = text[0] == '-' ? text + 1 : text;
	if (!all_digits(digits, digits + strlen(digits))) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "invalid number '%s'", text);
	}
	parsed = strtonum(text, min, max, &errstr);
	if (errstr != NULL) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "value '%s' is %s (%lld to %lld)", text,
			      errstr, min, max);
	}
	*value = parsed;
	return 0;
}

/* The value of hex digit C, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* By hand rather than by strtoull: the shape is checked anyway (no sign,
 * no blanks), and every REF is parsed here on the way to one semop, where
 * strtoull's page of libc is a measurable part of the call. */
int parse_uint_dec_hex(const char *text, const char *what, uint64_t min,
		       uint64_t max, uint64_t *value, struct sv_err *err)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	const char *digits = hex ? text + 2 : text;
	unsigned base = hex ? 16 : 10;
	uint64_t parsed = 0;
	bool too_large = false;
	const char *p;

	for (p = digits; *p != '\0'; p++) {
		int digit = hex_digit(*p);

		if (digit < 0 || (unsigned)digit >= base)
			break;
		if (parsed > (UINT64_MAX - (unsigned)digit) / base)
			too_large = true;
		else
			parsed = parsed * base + (unsigned)digit;
	}
	if (p == digits || *p != '\0') {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "invalid number '%s'", text);
	}
	if (too_large || parsed < min || parsed > max) {
		sv_fail(err, SV_EUSAGE, "%s", what);
		return sv_msg(err, "value '%s' is out of range (%#llx to %#llx)",
			      text, (unsigned long long)min,
			      (unsigned long long)max);
	}
	*value = parsed;
	return 0;
}
