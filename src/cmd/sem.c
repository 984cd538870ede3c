/* sysvctl sem: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_sem(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: sem: not built yet\n", stderr);
	return EXIT_OSERR;
}
