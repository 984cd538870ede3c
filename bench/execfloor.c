/* execfloor: the floor of bench/run's lock section.
 *
 *   execfloor COMMAND [ARG...]
 *
 * Becomes COMMAND at once, linked like sysvctl against libc only: what any
 * tool that takes a lock and then execs the command costs before it does
 * anything about the lock. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: execfloor COMMAND [ARG...]\n", stderr);
		return 2;
	}
	execv(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
