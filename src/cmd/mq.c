/* sysvctl mq: not built yet (see the issues). */
#include <stdio.h>

#include "cmd.h"

int cmd_mq(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sysvctl: mq: not built yet\n", stderr);
	return EXIT_OSERR;
}
