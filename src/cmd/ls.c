/* sysvctl ls: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_ls(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: ls: not built yet\n", stderr);
	return EXIT_OSERR;
}
