/* Output to stdout through one buffer: a listing is hundreds of thousands
 * of small pieces, and one fwrite() per piece costs more than the pieces. */
#include "out_int.h"

#include <stdio.h>

static char sink[1 << 16];
static size_t sink_len;
static bool sink_failed;

static void drain(void)
{
	if (sink_len > 0 && fwrite(sink, 1, sink_len, stdout) != sink_len)
		sink_failed = true;
	sink_len = 0;
}

void out_sink_put(const void *data, size_t len)
{
	if (sink_len + len > sizeof(sink)) {
		drain();
		if (len > sizeof(sink)) {
			if (fwrite(data, 1, len, stdout) != len)
				sink_failed = true;
			return;
		}
	}
	memcpy(sink + sink_len, data, len);
	sink_len += len;
}

void out_sink_putc(char c)
{
	if (sink_len == sizeof(sink))
		drain();
	sink[sink_len++] = c;
}

void out_sink_pad(size_t count)
{
	static const char spaces[64] = "                                "
				       "                                ";

	while (count > 0) {
		size_t part = count < sizeof(spaces) ? count : sizeof(spaces);

		out_sink_put(spaces, part);
		count -= part;
	}
}

int out_sink_flush(void)
{
	drain();
	if (fflush(stdout) != 0 || ferror(stdout))
		sink_failed = true;
	return sink_failed ? -1 : 0;
}
