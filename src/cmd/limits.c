/* sysvctl limits: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_limits(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: limits: not built yet\n", stderr);
	return EXIT_OSERR;
}
