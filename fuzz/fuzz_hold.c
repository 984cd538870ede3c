/* libFuzzer target over the SYSVCTL_SEM_HOLD marker: any environment
 * value parses without harm into holders inside the documented bounds,
 * and a marker built on top of it (a nested `sem run`) parses back with
 * the new entry last and only entries of the holder's pid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/users.h"

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_hold: %s:%d: %s\n",       \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

struct seen {
	pid_t pid;              /* 0: any */
	size_t count;
	struct sv_sem_holder last;
};

static void check_holder(const struct sv_sem_holder *holder, void *arg)
{
	struct seen *seen = arg;

	CHECK(holder->pid > 0 && holder->semid >= 0 && holder->index <= 0xffff);
	CHECK(holder->sem_op != 0 && holder->sem_op >= -32767 && holder->sem_op <= 32767);
	CHECK(seen->pid == 0 || holder->pid == seen->pid);
	seen->count++;
	seen->last = *holder;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), marker[SV_HOLD_MAX];
	struct seen any = { .pid = 0 }, own = { .pid = 4242 };

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	CHECK(sv_hold_parse(text, check_holder, &any) == any.count);
	if (sv_hold_format(marker, sizeof(marker), text, 4242, 77, 3, -2) == 0) {
		CHECK(strlen(marker) < sizeof(marker));
		sv_hold_parse(marker, check_holder, &own);
		CHECK(own.count >= 1 && own.last.semid == 77 && own.last.index == 3 &&
		      own.last.sem_op == -2);
	}
	free(text);
	return 0;
}
