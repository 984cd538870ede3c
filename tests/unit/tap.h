/* The TAP lines ("ok N - unit: ...") the C unit tests print, counted by
 * tests/run together with the bats results.  Each test binary includes it
 * once. */
#ifndef SYSVCTL_TAP_H
#define SYSVCTL_TAP_H

#include <stdio.h>

static int test_number;
static int failures;

static void check(int condition, const char *what, const char *text)
{
	test_number++;
	if (!condition)
		failures++;
	printf("%sok %d - unit: %s '%s'\n", condition ? "" : "not ", test_number,
	       what, text);
}

/* The plan line, printed last ("1..N": TAP allows it at the end), and the
 * exit status: tests/run counts a unit binary that dies before its plan,
 * or exits non-zero, as a failure. */
static int tap_done(void)
{
	printf("1..%d\n", test_number);
	return failures != 0;
}

#endif
