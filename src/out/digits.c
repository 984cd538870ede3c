/* Numbers as text without the printf family (see out.h). */
#include "out.h"

char *out_digits(uint64_t value, unsigned base, int width,
		 char text[OUT_DIGITS_SIZE])
{
	char *p = text + OUT_DIGITS_SIZE - 1;

	*p = '\0';
	do {
		*--p = "0123456789abcdef"[value % base];
		value /= base;
		width--;
	} while (value != 0 || width > 0);
	return p;
}

char *out_digits_signed(long long value, char text[OUT_DIGITS_SIZE])
{
	/* 0 - (uint64_t) is defined for LLONG_MIN too. */
	char *first = out_digits(value < 0 ? 0 - (uint64_t)value : (uint64_t)value,
				 10, 1, text);

	if (value < 0)
		*--first = '-';
	return first;
}
