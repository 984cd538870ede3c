/* The output layer: every table and every JSON document sysvctl prints.
 * A command describes its columns once (struct out_col) and fills lines;
 * the text table (aligned, --raw, --noheadings, --export, -o, fitted to a
 * terminal) and the typed JSON come from that one description.  The layer
 * renders both itself (src/out/): it knows cells and their types, not IPC.
 * JSON strings are escaped by json-c. */
#ifndef SYSVCTL_OUT_H
#define SYSVCTL_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ipc/err.h"

enum out_type {
	OUT_STR,    /* JSON string */
	OUT_NUM,    /* JSON number; empty cell is null */
	OUT_KEY,    /* an IPC key: JSON number; text 0x%08x */
	OUT_SIZE,   /* bytes: JSON number; text human-readable unless --bytes */
	OUT_BOOL,   /* JSON true/false; text yes/no */
	OUT_BYTES,  /* bytes, JSON only: a string that may be empty or hold NULs */
	OUT_MODE,   /* JSON string "0600"; text 0600 */
	OUT_TIME,   /* epoch seconds: JSON number or null (never); text as
		     * --time-format says (ISO 8601 with the UTC offset), or "-" */
	OUT_UID,    /* a user id: JSON number; text the number, and in a
		     * vertical list the user's name beside it: "0 (root)" */
	OUT_GID,    /* a group id, likewise */
	OUT_NAME,   /* the table's name (a JSON string), set by the layer itself;
		     * a table that shows it needs no "NAME " before its lines */
};

/* The texts are arrays, not pointers: a pointer in a table is relocated,
 * and its page of memory copied, at every start of sysvctl, and the
 * column tables alone would take two such pages (see bench/run). */
struct out_col {
	char name[24];      /* header, "USED-BYTES"; JSON key "used_bytes" */
	enum out_type type;
	double width;       /* width hint: >= 1 the least width of a column whose
			     * cells are at least as wide as its header; < 1
			     * a flexible column, cut to fit a terminal */
	char help[72];      /* one line for "-o help" */
};

struct out_opts {
	bool json;
	bool raw;
	bool noheadings;        /* no header line; cells padded only to the widest */
	bool export;            /* KEY="value" pairs, one line per line */
	bool notruncate;        /* on a terminal, never cut the flexible column */
	bool bytes;             /* sizes in bytes, not human-readable */
	const char *columns;    /* -o list; "+A,B" adds to the default; NULL: default */
	bool single;            /* the table holds one object (stat): a
				 * vertical "Label: value" list, unless -o,
				 * --raw, --noheadings, --export or --json */
	const char *time_format;    /* "iso" (NULL), "short" or "epoch": how
				     * text prints OUT_TIME cells */
};

struct out_table;
struct out_line;

/* Whether OPTS go together: --json with --raw or --export, or --raw with
 * --export, is SV_EUSAGE, and so is a time format other than iso, short
 * or epoch.  out_table_new() checks it too. */
int out_opts_check(const struct out_opts *opts, struct sv_err *err);

/* A table named NAME (its JSON key) over the columns COLS, of which
 * DEFAULT_COLUMNS (a comma list) are shown unless opts->columns says
 * otherwise.  An unknown column, or --json with --raw or --export, is
 * SV_EUSAGE. */
struct out_table *out_table_new(const char *name, const struct out_col *cols,
				size_t ncols, const char *default_columns,
				const struct out_opts *opts, struct sv_err *err);
void out_table_free(struct out_table *table);

/* The labels of a vertical list (opts->single): LABELS[col] is what
 * "Label:" says for column col, the column's name where NULL.  LABELS
 * lives as long as the table. */
void out_table_labels(struct out_table *table, const char *const *labels);

/* Whether column COL is shown: lets a command skip costly work. */
bool out_wants(const struct out_table *table, size_t col);

/* The same for the table a line belongs to. */
bool out_wants_line(struct out_line *line, size_t col);

/* Room for ROWS more lines, when a command knows how many it will add:
 * growing as lines come copies what is there each time. */
void out_table_reserve(struct out_table *table, size_t rows);

/* A new line at the end of the table; NULL only when out of memory.  The
 * line is filled until the next out_line_new() on the same table. */
struct out_line *out_line_new(struct out_table *table);

/* Fill one cell of a line; cells of columns not shown are ignored.  A cell
 * never set is empty (null in JSON). */
void out_set_str(struct out_line *line, size_t col, const char *text);
void out_set_num(struct out_line *line, size_t col, long long value);
void out_set_u64(struct out_line *line, size_t col, uint64_t value);
/* A size in bytes, in a column of any type: human-readable ("16K") in
 * text unless --bytes, a number in JSON. */
void out_set_size(struct out_line *line, size_t col, uint64_t bytes);
/* PART of WHOLE in percent: "0.05%" in text, 0.05 in JSON; empty when
 * WHOLE is 0. */
void out_set_percent(struct out_line *line, size_t col, uint64_t part,
		     uint64_t whole);
/* The bytes DATA..DATA+SIZE as a JSON string (a table of JSON only). */
int out_set_bytes(struct out_line *line, size_t col, const void *data,
		  size_t size);
void out_set_key(struct out_line *line, size_t col, key_t key);
void out_set_bool(struct out_line *line, size_t col, bool value);
void out_set_mode(struct out_line *line, size_t col, mode_t mode);
void out_set_time(struct out_line *line, size_t col, time_t when);

/* Print N tables (a listing of N kinds): as JSON one document with one key
 * per table, empty tables too.  As text an empty table prints nothing; with
 * N > 1, each non-empty table is titled "NAME:" and followed by a blank
 * line, and with --raw, --noheadings or --export every line starts with
 * the table's name (KIND="NAME" with --export). */
int out_print_tables(struct out_table *const *tables, size_t n);

/* Print the only line of TABLE as one flat JSON object, with NESTED's lines
 * (when not NULL) as a list under NESTED's name; as text, both tables,
 * a blank line between them. */
int out_print_object(struct out_table *table, struct out_table *nested);

/* The same with N nested tables, each a list under its name. */
int out_print_object_lists(struct out_table *table, struct out_table *const *nested,
			   size_t n);

/* Print each line of TABLE as one compact JSON object on its own line
 * (NDJSON), then drop the lines so the table can be filled again. */
int out_print_ndjson(struct out_table *table);

/* Print one flat JSON object of N numbers, {"NAMES[0]": VALUES[0], ...},
 * in the layout of out_print_object(), without a table: the one-line
 * answers (key, sem get) stay as cheap with --json as without.  NAMES
 * need no escaping. */
int out_print_numbers(const char *const *names, const long long *values, size_t n);

/* The digits of VALUE in BASE (8, 10 or 16), at least WIDTH of them with
 * leading zeros, written to the end of TEXT; returns the first digit.  In
 * place of snprintf(): a listing formats a dozen numbers per object, and
 * the one-line answers (key, sem get) are called in loops, where the
 * printf family's pages of libc cost more than the call itself. */
#define OUT_DIGITS_SIZE 24
char *out_digits(uint64_t value, unsigned base, int width,
		 char text[OUT_DIGITS_SIZE]);

/* The same for a signed VALUE in decimal, with its '-'. */
char *out_digits_signed(long long value, char text[OUT_DIGITS_SIZE]);

/* "-o help": the column names and their help, one a line. */
void out_print_columns(FILE *stream, const struct out_col *cols, size_t ncols);

#endif
