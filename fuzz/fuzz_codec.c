/* libFuzzer target over the message-body codecs of `mq recv --json`
 * (src/ipc/codec.h): the UTF-8 check and base64, and the string literal
 * json-c makes of a valid body with the flags src/out.c uses.  Checks: the
 * UTF-8 check agrees with a second validator; base64 has the length it
 * announces and decodes back to the bytes; the literal of a valid body is
 * valid UTF-8 with no raw control character and unquotes back to it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "ipc/codec.h"

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_codec: %s:%d: %s\n",      \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo the JSON quoting: QUOTED is "..." with JSON escapes; OUT gets the
 * bytes.  Only the escapes a quoter of valid UTF-8 needs: \" \\ \/ \b \f
 * \n \r \t and \u00XX.  Returns the length, or -1 when malformed. */
static long unquote(const char *quoted, size_t len, unsigned char *out)
{
	size_t n = 0;

	if (len < 2 || quoted[0] != '"' || quoted[len - 1] != '"')
		return -1;
	for (size_t i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)quoted[i];
		if (c == '"' || c < 0x20)
			return -1;
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		if (++i >= len - 1)
			return -1;
		switch (quoted[i]) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			int v = 0;
			if (i + 4 >= len - 1)
				return -1;
			for (int k = 1; k <= 4; k++) {
				int h = hex_value(quoted[i + k]);
				if (h < 0)
					return -1;
				v = v * 16 + h;
			}
			/* Control characters are all a quoter of valid
			 * UTF-8 has to escape this way. */
			if (v > 0x7f)
				return -1;
			out[n++] = (unsigned char)v;
			i += 4;
			break;
		}
		default:
			return -1;
		}
	}
	return (long)n;
}

static int b64_value(char c)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

/* Decode padded base64; returns the length or -1. */
static long unbase64(const char *text, size_t len, unsigned char *out)
{
	size_t n = 0;

	if (len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			if (text[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad) {
				return -1;
			} else if ((v[k] = b64_value(text[i + k])) < 0) {
				return -1;
			}
		}
		uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
				(uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[n++] = (unsigned char)(bits >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(bits >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)bits;
	}
	return (long)n;
}

/* A second, plain UTF-8 validator (RFC 3629 table 3-7) to compare with. */
static bool utf8_reference(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) len = 2;
		else if (c >= 0xe0 && c <= 0xef) len = 3;
		else if (c >= 0xf0 && c <= 0xf4) len = 4;
		else return false;
		if (c == 0xe0) lo = 0xa0;
		if (c == 0xed) hi = 0x9f;
		if (c == 0xf0) lo = 0x90;
		if (c == 0xf4) hi = 0x8f;
		if (i + len > n)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

/* The literal src/out.c prints for a valid body: json-c's, plain, with
 * '/' left alone. */
static void check_literal(const uint8_t *data, size_t size, unsigned char *back)
{
	struct json_object *string;
	const char *literal;
	size_t len;

	if (size > 65536)
		return;
	string = json_object_new_string_len((const char *)data, (int)size);
	if (string == NULL)
		return;
	literal = json_object_to_json_string_ext(string,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	CHECK(literal != NULL);
	len = strlen(literal);
	CHECK(sv_utf8_valid(literal, len));
	CHECK(unquote(literal, len, back) == (long)size);
	CHECK(memcmp(back, data, size) == 0);
	json_object_put(string);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bsize = sv_base64_size(size);
	char *b64 = malloc(bsize);
	unsigned char *back = malloc(size + 1);
	bool valid = sv_utf8_valid(data, size);

	if (b64 == NULL || back == NULL)
		goto out;
	CHECK(valid == utf8_reference(data, size));

	/* base64: exact length, padded, and it decodes back. */
	size_t blen = sv_base64_encode(data, size, b64);
	CHECK(blen + 1 <= bsize);
	CHECK(blen == (size + 2) / 3 * 4);
	CHECK(b64[blen] == '\0');
	CHECK(unbase64(b64, blen, back) == (long)size);
	CHECK(memcmp(back, data, size) == 0);

	/* A string literal only of valid UTF-8, as mq recv --json does. */
	if (valid)
		check_literal(data, size, back);
	CHECK(sv_utf8_valid(data, 0));
	if (size > 0 && data[0] < 0x80)
		CHECK(sv_utf8_valid(data, 1));
	if (size > 0 && data[0] >= 0x80 && data[0] < 0xc2)
		CHECK(!sv_utf8_valid(data, size));
out:
	free(b64);
	free(back);
	return 0;
}
