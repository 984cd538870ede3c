/* Comparing short texts inline, without a call into libc: the command
 * names, verbs and REF prefixes every call of sysvctl compares on its way
 * to one IPC call.  Scripts run sysvctl in loops, and there each libc
 * function first called costs a symbol lookup and often a page fault,
 * more than the comparison itself. */
#ifndef SYSVCTL_TEXT_H
#define SYSVCTL_TEXT_H

#include <stdbool.h>

/* Whether TEXT starts with PREFIX. */
static inline bool text_has_prefix(const char *text, const char *prefix)
{
	while (*prefix != '\0')
		if (*text++ != *prefix++)
			return false;
	return true;
}

/* Whether A and B are the same text. */
static inline bool text_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

#endif
