#include "codec.h"

#include <stdint.h>

/* The length of the UTF-8 sequence starting at P (at most END - P bytes),
 * or 0 when it is not a valid one. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	size_t len, avail = (size_t)(end - p);
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2)
		return 0;               /* continuation byte, or overlong */
	if (p[0] < 0xe0) {
		len = 2;
	} else if (p[0] < 0xf0) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;      /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;      /* surrogates */
	} else if (p[0] < 0xf5) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;      /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;      /* above U+10FFFF */
	} else {
		return 0;
	}
	if (avail < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

bool sv_utf8_valid(const void *data, size_t size)
{
	const unsigned char *p = data, *end = p + size;

	while (p < end) {
		/* Plain ASCII eight bytes at a time: most bodies are text. */
		while (end - p >= 8) {
			uint64_t word;

			__builtin_memcpy(&word, p, 8);
			if (word & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		size_t len = utf8_sequence(p, end);

		if (len == 0)
			return false;
		p += len;
	}
	return true;
}

size_t sv_json_quote_size(size_t size)
{
	return size * 6 + 3;    /* every byte as \u00XX at worst */
}

size_t sv_json_quote(const void *data, size_t size, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *o = out;

	*o++ = '"';
	for (size_t i = 0; i < size; i++) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c >= 0x20) {
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else {
			*o++ = '\\';
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	*o = '\0';
	return (size_t)(o - out);
}

size_t sv_base64_size(size_t size)
{
	return (size + 2) / 3 * 4 + 1;
}

size_t sv_base64_encode(const void *data, size_t size, char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char *o = out;
	size_t i;

	for (i = 0; i + 3 <= size; i += 3) {
		uint32_t bits = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = alphabet[bits >> 18];
		*o++ = alphabet[(bits >> 12) & 63];
		*o++ = alphabet[(bits >> 6) & 63];
		*o++ = alphabet[bits & 63];
	}
	if (i < size) {
		uint32_t bits = (uint32_t)p[i] << 16;

		if (i + 1 < size)
			bits |= (uint32_t)p[i + 1] << 8;
		*o++ = alphabet[bits >> 18];
		*o++ = alphabet[(bits >> 12) & 63];
		*o++ = i + 1 < size ? alphabet[(bits >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}
