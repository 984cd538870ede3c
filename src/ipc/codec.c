#include "codec.h"

#include <stdint.h>
#include <netinet/in.h>
#include <resolv.h>	/* b64_ntop, from glibc's libresolv */

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

size_t sv_base64_size(size_t size)
{
	return (size + 2) / 3 * 4 + 1;
}

size_t sv_base64_encode(const void *data, size_t size, char *out)
{
	int len = b64_ntop(data, size, out, sv_base64_size(size));

	return len < 0 ? 0 : (size_t)len;
}
