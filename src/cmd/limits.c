/* sysvctl limits: the kernel's System V IPC limits and their current use. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ipc/limits.h"

static const char limits_usage[] =
	"Usage: sysvctl limits [OPTIONS]\n"
	"\n"
	"Show the kernel's System V IPC limits (of the IPC namespace, see -N) and\n"
	"their current use where the kernel counts it.\n"
	"\n"
	"Options:\n"
	"  -o, --output LIST    columns: NAME,VALUE,USED,USE%,DESCRIPTION; '-o help'\n"
	"      --raw            no alignment; an empty cell is '-'\n"
	"      --noheadings     no header line\n"
	"  -e, --export         NAME=\"value\" pairs\n"
	"      --notruncate     never cut a column to fit the terminal\n"
	"      --bytes          sizes in bytes (shmmax 18446744073692774399, not 16E)\n"
	"  -j, --json           {\"limits\": [{\"name\": ..., \"value\": N, \"used\": N|null}]}\n"
	"  -h, --help           this help\n";

enum { LIMIT_COL_NAME, LIMIT_COL_VALUE, LIMIT_COL_USED, LIMIT_COL_USE,
       LIMIT_COL_DESCRIPTION, LIMIT_NCOLS };

static const struct out_col limit_columns[LIMIT_NCOLS] = {
	[LIMIT_COL_NAME] = { .name = "NAME", .type = OUT_STR, .width = 6,
		.help = "the sysctl (/proc/sys/kernel/NAME, or of kernel.sem)" },
	[LIMIT_COL_VALUE] = { .name = "VALUE", .type = OUT_NUM, .width = 10,
		.help = "the limit" },
	[LIMIT_COL_USED] = { .name = "USED", .type = OUT_NUM, .width = 6,
		.help = "current use where the kernel counts it" },
	[LIMIT_COL_USE] = { .name = "USE%", .type = OUT_NUM, .width = 5,
		.help = "USED in percent of VALUE" },
	[LIMIT_COL_DESCRIPTION] = { .name = "DESCRIPTION", .type = OUT_STR, .width = 0.4,
		.help = "what it limits, and its unit" },
};

static void fill_limit(struct out_line *line, const struct sv_limit *limit,
		       const struct out_opts *opts)
{
	out_set_str(line, LIMIT_COL_NAME, limit->name);
	if (limit->bytes)
		out_set_size(line, LIMIT_COL_VALUE, limit->value);
	else
		out_set_u64(line, LIMIT_COL_VALUE, limit->value);
	if (limit->has_used) {
		out_set_u64(line, LIMIT_COL_USED, limit->used);
		out_set_percent(line, LIMIT_COL_USE, limit->used, limit->value);
	} else if (!opts->json) {
		out_set_str(line, LIMIT_COL_USED, "-");
		out_set_str(line, LIMIT_COL_USE, "-");
	}
	out_set_str(line, LIMIT_COL_DESCRIPTION, limit->description);
}

static int print_limits(const struct sv_limit *limits, const struct out_opts *opts)
{
	/* JSON carries name, value and used: the description is for people. */
	const char *defaults = opts->json ? "NAME,VALUE,USED" :
					    "NAME,VALUE,USED,USE%,DESCRIPTION";
	struct sv_err err;
	struct out_table *table = out_table_new("limits", limit_columns, LIMIT_NCOLS,
						defaults, opts, &err);
	int code = EXIT_OK;

	if (table == NULL)
		return cmd_fail(&err);
	for (int i = 0; i < SV_NLIMITS && code == EXIT_OK; i++) {
		struct out_line *line = out_line_new(table);

		if (line == NULL) {
			code = EXIT_LIMIT;
			break;
		}
		fill_limit(line, &limits[i], opts);
	}
	if (code == EXIT_OK && out_print_tables(&table, 1) != 0)
		code = EXIT_OSERR;
	out_table_free(table);
	return code;
}

int cmd_limits(int argc, char **argv)
{
	struct sv_limit limits[SV_NLIMITS];
	struct out_opts opts = { 0 };
	struct sv_err err;
	int code;

	if (cmd_table_opts(argc, argv, "limits", limits_usage, limit_columns,
			   LIMIT_NCOLS, &opts, &code))
		return code;
	if (!cmd_nargs_ok(argc - optind, 0, 0, "limits", &code))
		return code;
	if (sv_limits_read(limits, &err) != 0)
		return cmd_fail(&err);
	return print_limits(limits, &opts);
}
