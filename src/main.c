/* sysvctl: command-line control of System V IPC.  The global options, the
 * table of commands and dispatch; each command lives in src/cmd/. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "ipc/ns.h"
#include "ipc/text.h"

static int cmd_help_command(int argc, char **argv);

static const struct cmd commands[] = {
	{ "shm", cmd_shm, "shared memory: create, write, read, stat, rm" },
	{ "sem", cmd_sem, "semaphores and locks: create, acquire, release, z, get, set, stat, rm, run" },
	{ "mq", cmd_mq, "message queues: create, send, recv, stat, set, rm" },
	{ "ftok", cmd_ftok, "print the key ftok(PATH, PROJ) gives" },
	{ "key", cmd_key, "print the key a REF stands for, or a new unused key" },
	{ "ls", cmd_ls, "list objects (the ipcs / lsipc job)" },
	{ "rm", cmd_rm, "remove objects by REF or by filter (the ipcrm job)" },
	{ "limits", cmd_limits, "show the kernel's IPC limits and current use" },
	{ "help", cmd_help_command, "show the usage of a command" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *stream)
{
	fputs("Usage: sysvctl [-j|--json] [-q|--quiet] [-N|--ns TARGET] COMMAND [ARGS]\n"
	      "       sysvctl -h|--help | -V|--version\n"
	      "\n"
	      "Control System V IPC: shared memory, semaphores and message queues.\n"
	      "\n"
	      "Commands:\n", stream);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(stream, "  %-7s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Global options:\n"
	      "  -j, --json         machine output as JSON\n"
	      "  -q, --quiet        no warnings on stderr\n"
	      "  -N, --ns TARGET    work in the IPC namespace of PID TARGET, or of\n"
	      "                     the IPC namespace file TARGET (/proc/PID/ns/ipc)\n"
	      "  -h, --help         this help; 'sysvctl COMMAND --help' for a command\n"
	      "  -V, --version      print the version\n"
	      "\n"
	      "REF names an object: KEY (1234, 0x4d2), id:ID, path:PATH[:PROJ],\n"
	      "name:TEXT, or /NAME for a POSIX object (shm, sem, mq).  See sysvctl(1).\n", stream);
}

static const struct cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (text_eq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static const char help_usage[] =
	"Usage: sysvctl help [COMMAND [VERB]]\n"
	"\n"
	"Show the usage of COMMAND, or of COMMAND VERB (the same as\n"
	"'sysvctl COMMAND [VERB] --help'); without COMMAND, the list of commands.\n";

/* "help CMD [VERB]" is "CMD [VERB] --help". */
static int cmd_help_command(int argc, char **argv)
{
	char help_flag[] = "--help";
	char *args[4];
	const struct cmd *command;

	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(help_usage, stdout);
		return EXIT_OK;
	}
	command = find_command(argv[1]);
	if (command == NULL || command->run == cmd_help_command) {
		fprintf(stderr, "sysvctl: help: unknown command '%s' (see 'sysvctl help')\n",
			argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 3)
		return cmd_usage_error("help", "too many arguments");
	args[0] = argv[1];
	args[1] = argc == 3 ? argv[2] : help_flag;
	args[2] = argc == 3 ? help_flag : NULL;
	args[3] = NULL;
	return command->run(argc == 3 ? 3 : 2, args);
}

/* Parse the global options; returns -1 to go on, else the exit code. */
static int parse_globals(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "ns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "+:jqN:hV", longopts)) != -1) {
		switch (opt) {
		case 'j':
			sv_globals.json = true;
			break;
		case 'q':
			sv_globals.quiet = true;
			break;
		case 'N':
			sv_globals.ns = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		case 'V':
			puts("sysvctl " SYSVCTL_VERSION);
			return EXIT_OK;
		default: {
			int code;

			cmd_common_opt(opt, argv, "", "", &code);
			return code;
		}
		}
	}
	return -1;
}

/* Whether stdio holds or held anything for stdout.  The one-line answers
 * (sem get, key) write(2) their line themselves, and then fflush would
 * only cost its page of libc.  glibc's FILE is public, as its getc macros
 * read it: a stream never used has no buffer, and one that failed has its
 * error flag set. */
static bool stdout_used(void)
{
#ifdef __GLIBC__
	return stdout->_IO_buf_base != NULL || ferror_unlocked(stdout);
#else
	return true;
#endif
}

/* Report a failed write of stdout (a full disk, a closed pipe is silent). */
static int flush_stdout(int code)
{
	if (!stdout_used())
		return code;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return code;
		fprintf(stderr, "sysvctl: stdout: %s\n", strerror(errno));
		return code == EXIT_OK ? EXIT_OSERR : code;
	}
	return code;
}

int main(int argc, char **argv)
{
	const struct cmd *command;
	struct sv_err err;
	int code = parse_globals(argc, argv);

	if (code >= 0)
		return flush_stdout(code);
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	command = find_command(argv[optind]);
	if (command == NULL)
		return cmd_usage_error("", "unknown command '%s'", argv[optind]);
	if (sv_globals.ns != NULL && sv_ns_enter(sv_globals.ns, "--ns", &err) != 0)
		return cmd_fail(&err);
	code = command->run(argc - optind, argv + optind);
	return flush_stdout(code);
}
