/* sysvctl shm: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_shm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: shm: not built yet\n", stderr);
	return EXIT_OSERR;
}
