/* sysvctl rm: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_rm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: rm: not built yet\n", stderr);
	return EXIT_OSERR;
}
