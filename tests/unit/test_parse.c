/* Unit tests of the core's parsers, printed as TAP lines ("ok N - ...")
 * that tests/run counts with the bats results. */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>

#include "ipc/parse.h"
#include "ipc/ref.h"
#include "tap.h"

static void test_bytes(void)
{
	static const struct { const char *text; int ok; uint64_t value; } cases[] = {
		{ "1", 1, 1 }, { "4096", 1, 4096 }, { "4K", 1, 4096 },
		{ "4k", 1, 4096 }, { "4KiB", 1, 4096 }, { "2M", 1, 2097152 },
		{ "3MiB", 1, 3145728 }, { "1G", 1, 1073741824 },
		{ "1T", 1, 1099511627776ULL }, { "0", 1, 0 },
		{ "", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 }, { " 1", 0, 0 },
		{ "1 ", 0, 0 }, { "1.5K", 0, 0 }, { "4KB", 0, 0 }, { "4B", 0, 0 },
		{ "0x10", 0, 0 }, { "1X", 0, 0 }, { "K", 0, 0 }, { "4Ki", 0, 0 },
		{ "99999999999999999999", 0, 0 }, { "16777216T", 0, 0 },
		{ "18446744073709551616", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sv_err err;
		uint64_t value = 0;
		int rc = parse_bytes(cases[i].text, "-s", 0, UINT64_MAX, &value, &err);

		check(cases[i].ok ? rc == 0 && value == cases[i].value
				  : rc != 0 && err.errnum == SV_EUSAGE,
		      cases[i].ok ? "size parses" : "size is refused", cases[i].text);
	}
}

static void test_bytes_range(void)
{
	struct sv_err err;
	uint64_t value;

	check(parse_bytes("0", "-s", 1, 100, &value, &err) != 0, "size below min", "0");
	check(parse_bytes("101", "-s", 1, 100, &value, &err) != 0, "size above max", "101");
	check(parse_bytes("100", "-s", 1, 100, &value, &err) == 0 && value == 100,
	      "size at max", "100");
}

static void test_durations(void)
{
	static const struct { const char *text; int ok; long sec; long nsec; } cases[] = {
		{ "0", 1, 0, 0 }, { "1", 1, 1, 0 }, { "0.25", 1, 0, 250000000 },
		{ ".5", 1, 0, 500000000 }, { "2s", 1, 2, 0 },
		{ "250ms", 1, 0, 250000000 }, { "1.5m", 1, 90, 0 },
		{ "2h", 1, 7200, 0 }, { "1d", 1, 86400, 0 },
		{ "", 0, 0, 0 }, { "-1", 0, 0, 0 }, { "1.", 0, 0, 0 }, { ".", 0, 0, 0 },
		{ "1x", 0, 0, 0 }, { "1 s", 0, 0, 0 }, { "inf", 0, 0, 0 },
		{ "nan", 0, 0, 0 }, { "0x10", 0, 0, 0 }, { "1e3", 0, 0, 0 },
		{ "1ss", 0, 0, 0 }, { "99999999999999999999d", 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sv_err err;
		struct timespec value = { -1, -1 };
		int rc = parse_duration(cases[i].text, "-t", &value, &err);

		check(cases[i].ok ? rc == 0 && value.tv_sec == cases[i].sec &&
				    value.tv_nsec == cases[i].nsec
				  : rc != 0 && err.errnum == SV_EUSAGE,
		      cases[i].ok ? "duration parses" : "duration is refused",
		      cases[i].text);
	}
}

static void test_modes(void)
{
	static const struct { const char *text; int ok; mode_t mode; } cases[] = {
		{ "600", 1, 0600 }, { "0640", 1, 0640 }, { "0", 1, 0 },
		{ "777", 1, 0777 }, { "1000", 0, 0 }, { "8", 0, 0 }, { "", 0, 0 },
		{ "-600", 0, 0 }, { "0o600", 0, 0 }, { "00600", 0, 0 }, { "rw", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sv_err err;
		mode_t mode = 01000;
		int rc = parse_mode(cases[i].text, "-m", &mode, &err);

		check(cases[i].ok ? rc == 0 && mode == cases[i].mode : rc != 0,
		      cases[i].ok ? "mode parses" : "mode is refused", cases[i].text);
	}
}

static void test_ints(void)
{
	static const struct { const char *text; int ok; long long value; } cases[] = {
		{ "1", 1, 1 }, { "32767", 1, 32767 }, { "32768", 0, 0 },
		{ "0", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 }, { " 1", 0, 0 },
		{ "1a", 0, 0 }, { "", 0, 0 }, { "99999999999999999999", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sv_err err;
		long long value = -7;
		int rc = parse_int(cases[i].text, "-d", 1, 32767, &value, &err);

		check(cases[i].ok ? rc == 0 && value == cases[i].value : rc != 0,
		      cases[i].ok ? "integer parses" : "integer is refused",
		      cases[i].text);
	}
}

static void test_refs(void)
{
	static const struct {
		const char *text; int ok; enum sv_ref_form form; unsigned key; int id;
	} cases[] = {
		{ "1234", 1, SV_REF_KEY, 1234, 0 }, { "0x4d2", 1, SV_REF_KEY, 0x4d2, 0 },
		{ "0X4D2", 1, SV_REF_KEY, 0x4d2, 0 },
		{ "0xffffffff", 1, SV_REF_KEY, 0xffffffffu, 0 },
		{ "4294967295", 1, SV_REF_KEY, 0xffffffffu, 0 },
		{ "id:0", 1, SV_REF_ID, 0, 0 }, { "id:42", 1, SV_REF_ID, 0, 42 },
		{ "name:hello", 1, SV_REF_KEY, 0x4f9f2cab, 0 },
		{ "0", 0, 0, 0, 0 }, { "0x0", 0, 0, 0, 0 }, { "-5", 0, 0, 0, 0 },
		{ "abc", 0, 0, 0, 0 }, { "", 0, 0, 0, 0 }, { "0x", 0, 0, 0, 0 },
		{ "0x1ffffffff", 0, 0, 0, 0 }, { "4294967296", 0, 0, 0, 0 },
		{ "18446744073709551616", 0, 0, 0, 0 }, { "12 ", 0, 0, 0, 0 },
		{ "id:", 0, 0, 0, 0 }, { "id:-1", 0, 0, 0, 0 },
		{ "id:2147483648", 0, 0, 0, 0 }, { "id:x", 0, 0, 0, 0 },
		{ "private", 0, 0, 0, 0 }, { "path:", 0, 0, 0, 0 }, { "name:", 0, 0, 0, 0 },
		{ "path:.:0", 0, 0, 0, 0 }, { "path:.:256", 0, 0, 0, 0 },
		{ "nosuch:1", 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sv_err err;
		struct sv_ref ref;
		int rc = sv_ref_parse(cases[i].text, 0, &ref, &err);

		check(cases[i].ok ? rc == 0 && ref.form == cases[i].form &&
				    (unsigned)ref.key == cases[i].key && ref.id == cases[i].id
				  : rc != 0 && err.errnum == SV_EUSAGE,
		      cases[i].ok ? "REF parses" : "REF is refused", cases[i].text);
	}
}

/* "." (the directory the suite runs in) exists on every machine, where
 * /etc/hosts may not (a fresh debootstrap root). */
static void test_ref_special(void)
{
	struct sv_err err;
	struct sv_ref ref;

	check(sv_ref_parse("private", SV_REF_ALLOW_PRIVATE, &ref, &err) == 0 &&
	      ref.form == SV_REF_PRIVATE, "private with create", "private");
	check(sv_ref_parse("path:/no/such/file", 0, &ref, &err) != 0 &&
	      err.errnum == ENOENT, "missing path is ENOENT", "path:/no/such/file");
	check(sv_ref_parse("path:.:7", 0, &ref, &err) == 0 &&
	      ref.key == ftok(".", 7), "path with proj is ftok", "path:.:7");
	check(sv_ref_parse("path:.", 0, &ref, &err) == 0 &&
	      ref.key == ftok(".", 1), "path defaults to proj 1", "path:.");
	/* FNV-1a of "" is the offset basis; a hash of 0 would be IPC_PRIVATE. */
	check(sv_key_from_name("a") == (key_t)0xe40c292cu, "FNV-1a", "a");
}

int main(void)
{
	test_bytes();
	test_bytes_range();
	test_durations();
	test_modes();
	test_ints();
	test_refs();
	test_ref_special();
	return tap_done();
}
