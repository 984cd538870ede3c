/* Unit tests of the SYSVCTL_SEM_HOLD marker: what `sem run` writes and
 * what `ls --orphans` reads back, as TAP lines. */
#include <stdio.h>
#include <string.h>

#include "ipc/users.h"
#include "tap.h"

static char parsed[256];

static void append(const struct sv_sem_holder *holder, void *arg)
{
	size_t len = strlen(parsed);

	(void)arg;
	snprintf(parsed + len, sizeof(parsed) - len, "[%d %d %u %d]", (int)holder->pid,
		 holder->semid, holder->index, holder->sem_op);
}

static void test_parse(void)
{
	static const struct { const char *value; const char *holders; } cases[] = {
		{ "5:0:-1:42", "[42 5 0 -1]" },
		{ "5:0:-1:42,7:2:3:42", "[42 5 0 -1][42 7 2 3]" },
		{ "junk,5:0:-1:42,", "[42 5 0 -1]" },
		{ "5:0:0:42", "" },             /* an op of 0 holds nothing */
		{ "5:0:-1:0", "" },             /* no pid */
		{ "5:0:-1", "" },
		{ "5:0:-1:42x", "" },
		{ "-5:0:-1:42", "" },
		{ "5:0:-40000:42", "" },
		{ "", "" },
		{ "5:0:-1:42:1700000000,7:2:3:42", "[42 5 0 -1][42 7 2 3]" },
		{ "5:0:-1:42:", "" },
		{ "5:0:-1:42:17x", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parsed[0] = '\0';
		sv_hold_parse(cases[i].value, append, NULL);
		check(strcmp(parsed, cases[i].holders) == 0, "marker parses as expected",
		      cases[i].value);
	}
}

static void test_format(void)
{
	char buf[SV_HOLD_MAX], small[12];

	check(sv_hold_format(buf, sizeof(buf), NULL, 42, 5, 0, -1) == 0 &&
	      strcmp(buf, "5:0:-1:42") == 0, "a first hold", buf);
	/* A nested run keeps its own process's entries, drops a parent's. */
	check(sv_hold_format(buf, sizeof(buf), "5:0:-1:42,6:0:-1:41", 42, 7, 2, 3) == 0 &&
	      strcmp(buf, "5:0:-1:42,7:2:3:42") == 0, "a nested hold", buf);
	check(sv_hold_format(buf, sizeof(buf), "6:0:-1:41", 42, 7, 0, 1) == 0 &&
	      strcmp(buf, "7:0:1:42") == 0, "an inherited entry is dropped", buf);
	check(sv_hold_format_since(buf, sizeof(buf), "5:0:-1:42:99,6:0:-1:41", 42, 7,
				   0, -1, 1700000000) == 0 &&
	      strcmp(buf, "5:0:-1:42:99,7:0:-1:42:1700000000") == 0,
	      "SINCE is written and kept", buf);
	check(sv_hold_format(small, sizeof(small), NULL, 42, 32769, 0, -1) != 0,
	      "a marker too long is refused", "32769:0:-1:42");
}

int main(void)
{
	test_parse();
	test_format();
	return tap_done();
}
