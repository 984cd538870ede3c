/* Unit tests of the body codecs: UTF-8 check, base64. */
#include <stdio.h>
#include <string.h>

#include "ipc/codec.h"
#include "tap.h"

static void test_utf8(void)
{
	static const struct { const char *bytes; size_t len; int valid; const char *name; } cases[] = {
		{ "", 0, 1, "empty" },
		{ "hello, world 0123456789", 23, 1, "ascii longer than a word" },
		{ "a\0b", 3, 1, "NUL byte" },
		{ "caf\xc3\xa9", 5, 1, "two-byte" },
		{ "\xe2\x82\xac", 3, 1, "three-byte" },
		{ "\xf0\x9f\x98\x80", 4, 1, "four-byte" },
		{ "\xf4\x8f\xbf\xbf", 4, 1, "U+10FFFF" },
		{ "\xff", 1, 0, "0xff" },
		{ "\x80", 1, 0, "lone continuation" },
		{ "\xc0\xaf", 2, 0, "overlong two-byte" },
		{ "\xe0\x80\xaf", 3, 0, "overlong three-byte" },
		{ "\xf0\x80\x80\xaf", 4, 0, "overlong four-byte" },
		{ "\xed\xa0\x80", 3, 0, "surrogate" },
		{ "\xf4\x90\x80\x80", 4, 0, "above U+10FFFF" },
		{ "\xc3", 1, 0, "truncated two-byte" },
		{ "abcdefgh\xe2\x82", 10, 0, "truncated after ascii" },
		{ "\xe2\x28\xa1", 3, 0, "bad continuation" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(sv_utf8_valid(cases[i].bytes, cases[i].len) == cases[i].valid,
		      cases[i].valid ? "utf8 valid" : "utf8 invalid", cases[i].name);
}

static void test_base64(void)
{
	/* RFC 4648 section 10, and bytes from all of the alphabet. */
	static const struct { const char *bytes; size_t len; const char *b64; } cases[] = {
		{ "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" }, { "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
		{ "\0\xff\xfe\x80", 4, "AP/+gA==" }, { "\xfb\xef\xbe", 3, "++++" },
		{ "\xff\xff\xff", 3, "////" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		size_t len = sv_base64_encode(cases[i].bytes, cases[i].len, out);

		check(len == strlen(cases[i].b64) && strcmp(out, cases[i].b64) == 0 &&
		      sv_base64_size(cases[i].len) == len + 1,
		      "base64", cases[i].b64);
	}
}

int main(void)
{
	test_utf8();
	test_base64();
	return tap_done();
}
