#include "out.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <json.h>
#include <libsmartcols/libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OUT_MAX_COLS 64

/* libsmartcols is loaded with dlopen() on first use instead of being linked:
 * only tables and JSON (ls, stat, limits, --json) need it, and loading one
 * more shared library at start-up made every call, `sem get` in a shell
 * loop included, about 0.13 ms slower: 20% of what /bin/true costs (see
 * bench/run).  The header still gives the types and constants; the
 * functions used are resolved into `sc` by out_load_scols(), and this file
 * calls them as sc.NAME(). */
#define OUT_SCOLS_FUNCS(X) \
	X(column_set_json_type) X(line_get_userdata) X(line_set_data) \
	X(line_set_userdata) X(new_table) X(print_table) \
	X(print_table_to_string) X(table_enable_json) \
	X(table_enable_noheadings) X(table_enable_raw) X(table_new_column) \
	X(table_new_line) X(table_remove_lines) X(table_set_name) \
	X(unref_table)

#ifndef OUT_SCOLS_LIB	/* overridable to test the error */
#define OUT_SCOLS_LIB "libsmartcols.so.1"
#endif

static struct {
#define OUT_SCOLS_POINTER(name) __typeof__(&scols_##name) name;
	OUT_SCOLS_FUNCS(OUT_SCOLS_POINTER)
#undef OUT_SCOLS_POINTER
} sc;

/* dlerror() text, without the library name that the context already says. */
static const char *load_error(void)
{
	const char *text = dlerror();
	size_t len = strlen(OUT_SCOLS_LIB ": ");

	if (text == NULL)
		return "cannot load";
	return strncmp(text, OUT_SCOLS_LIB ": ", len) == 0 ? text + len : text;
}

static int out_load_scols(struct sv_err *err)
{
	static void *lib;

	if (lib != NULL)
		return 0;
	/* As lsipc does: a UTF-8 user name or command prints as itself, not
	 * as \xHH escapes (control characters still are escaped).  Only the
	 * character type: dates and numbers keep one format. */
	setlocale(LC_CTYPE, "");
	lib = dlopen(OUT_SCOLS_LIB, RTLD_LAZY | RTLD_LOCAL);
	if (lib == NULL)
		goto fail;
#define OUT_SCOLS_RESOLVE(name) \
	sc.name = (__typeof__(sc.name))dlsym(lib, "scols_" #name); \
	if (sc.name == NULL) \
		goto fail;
	OUT_SCOLS_FUNCS(OUT_SCOLS_RESOLVE)
#undef OUT_SCOLS_RESOLVE
	return 0;
fail:
	sv_fail(err, ELIBACC, OUT_SCOLS_LIB);
	sv_msg(err, "%s", load_error());
	if (lib != NULL)
		dlclose(lib);
	lib = NULL;
	return sv_hint(err, "tables and JSON need libsmartcols (Debian package libsmartcols1)");
}

struct out_table {
	struct libscols_table *scols;
	const struct out_col *cols;
	size_t ncols;
	int shown[OUT_MAX_COLS];    /* scols column number, or -1 when hidden */
	struct out_opts opts;
	char *name;
	time_t last_time;           /* the last time formatted, and its text: */
	char last_time_text[32];    /* objects made together share their times */
};

/* An out_line is a libsmartcols line whose user data points back to its
 * table, so a cell's column can be mapped to a shown column. */
static struct libscols_line *scols_of(struct out_line *line)
{
	return (struct libscols_line *)line;
}

static struct out_table *table_of(struct out_line *line)
{
	return sc.line_get_userdata(scols_of(line));
}

static int find_column(const struct out_col *cols, size_t ncols,
		       const char *name, size_t len)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    strncasecmp(cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Mark the columns of a comma list as shown, in order, after *nshown. */
static int show_columns(struct out_table *table, const char *list,
			int *order, size_t *nshown, struct sv_err *err)
{
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int col = find_column(table->cols, table->ncols, p, len);

		if (col < 0) {
			sv_fail(err, SV_EUSAGE, "-o");
			sv_msg(err, "unknown column '%.*s'", (int)len, p);
			return sv_hint(err, "'-o help' lists the columns");
		}
		if (*nshown >= OUT_MAX_COLS) {
			sv_fail(err, SV_EUSAGE, "-o");
			return sv_msg(err, "too many columns");
		}
		order[(*nshown)++] = col;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int choose_columns(struct out_table *table, const char *default_columns,
			  int *order, size_t *nshown, struct sv_err *err)
{
	const char *asked = table->opts.columns;

	*nshown = 0;
	if (asked == NULL || asked[0] == '+')
		if (show_columns(table, default_columns, order, nshown, err) != 0)
			return -1;
	if (asked != NULL) {
		if (asked[0] == '+')
			asked++;
		if (asked[0] == '\0') {
			sv_fail(err, SV_EUSAGE, "-o");
			return sv_msg(err, "empty column list");
		}
		if (show_columns(table, asked, order, nshown, err) != 0)
			return -1;
	}
	return 0;
}

/* JSON keys are the header in lower case with '-' as '_' (libsmartcols
 * lowers the case itself). */
static void json_key(const char *name, char *key, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	key[i] = '\0';
}

static int scols_json_type(enum out_type type)
{
	switch (type) {
	case OUT_BYTES:	/* already a JSON literal: printed as it is */
	case OUT_NUM:
	case OUT_KEY:
	case OUT_SIZE:
	case OUT_TIME:
		return SCOLS_JSON_NUMBER;
	case OUT_BOOL:
		return SCOLS_JSON_BOOLEAN;
	case OUT_STR:
	case OUT_MODE:
		break;
	}
	return SCOLS_JSON_STRING;
}

static int add_column(struct out_table *table, int col, struct sv_err *err)
{
	const struct out_col *desc = &table->cols[col];
	char header[64];
	int flags = desc->type == OUT_NUM || desc->type == OUT_SIZE ? SCOLS_FL_RIGHT : 0;
	struct libscols_column *column;

	/* Without headings neither the header's width nor the width hint
	 * may pad a cell: "--noheadings" is never padded beyond the widest
	 * cell of its column (the contract's rule). */
	bool unpadded = table->opts.noheadings && !table->opts.json;

	if (table->opts.json)
		json_key(desc->name, header, sizeof(header));
	else
		snprintf(header, sizeof(header), "%s", unpadded ? "" : desc->name);
	column = sc.table_new_column(table->scols, header,
				     unpadded ? 1 : desc->width, flags);
	if (column == NULL)
		return sv_fail(err, ENOMEM, "output");
	sc.column_set_json_type(column, scols_json_type(desc->type));
	return 0;
}

struct out_table *out_table_new(const char *name, const struct out_col *cols,
				size_t ncols, const char *default_columns,
				const struct out_opts *opts, struct sv_err *err)
{
	struct out_table *table = calloc(1, sizeof(*table));
	int order[OUT_MAX_COLS];
	size_t nshown;

	if (out_load_scols(err) != 0) {
		free(table);
		return NULL;
	}
	if (table == NULL || (table->name = strdup(name)) == NULL ||
	    (table->scols = sc.new_table()) == NULL) {
		sv_fail(err, ENOMEM, "output");
		out_table_free(table);
		return NULL;
	}
	table->cols = cols;
	table->ncols = ncols < OUT_MAX_COLS ? ncols : OUT_MAX_COLS;
	table->opts = *opts;
	for (size_t i = 0; i < OUT_MAX_COLS; i++)
		table->shown[i] = -1;
	if (choose_columns(table, default_columns, order, &nshown, err) != 0) {
		out_table_free(table);
		return NULL;
	}
	sc.table_set_name(table->scols, name);
	sc.table_enable_json(table->scols, opts->json);
	sc.table_enable_raw(table->scols, opts->raw);
	sc.table_enable_noheadings(table->scols, opts->noheadings);
	for (size_t i = 0; i < nshown; i++) {
		if (add_column(table, order[i], err) != 0) {
			out_table_free(table);
			return NULL;
		}
		table->shown[order[i]] = (int)i;
	}
	return table;
}

void out_table_free(struct out_table *table)
{
	if (table == NULL)
		return;
	sc.unref_table(table->scols);
	free(table->name);
	free(table);
}

bool out_wants(const struct out_table *table, size_t col)
{
	return col < table->ncols && table->shown[col] >= 0;
}

bool out_wants_line(struct out_line *line, size_t col)
{
	return out_wants(table_of(line), col);
}

struct out_line *out_line_new(struct out_table *table)
{
	struct libscols_line *line = sc.table_new_line(table->scols, NULL);

	if (line == NULL)
		return NULL;
	sc.line_set_userdata(line, table);
	return (struct out_line *)line;
}

void out_set_str(struct out_line *line, size_t col, const char *text)
{
	struct out_table *table = table_of(line);

	if (out_wants(table, col))
		sc.line_set_data(scols_of(line), (size_t)table->shown[col], text);
}

/* VALUE in BASE (8, 10 or 16), at least WIDTH digits with leading zeros,
 * written to the end of TEXT; returns its first digit.  A listing formats
 * a dozen numbers per object: in place of snprintf(), this took `ls
 * --json` of 24,000 objects from 81 to 61 ms of user time. */
static char *digits(uint64_t value, unsigned base, int width, char text[24])
{
	char *p = text + 23;

	*p = '\0';
	do {
		*--p = "0123456789abcdef"[value % base];
		value /= base;
		width--;
	} while (value != 0 || width > 0);
	return p;
}

/* The setters below return early for a column not shown: a listing fills
 * every column of every line, and most of them are hidden by default. */
void out_set_num(struct out_line *line, size_t col, long long value)
{
	char text[24], *first;

	if (!out_wants_line(line, col))
		return;
	first = digits(value < 0 ? 0 - (uint64_t)value : (uint64_t)value, 10, 1, text);
	if (value < 0)
		*--first = '-';
	out_set_str(line, col, first);
}

/* A size as lsipc(1) prints it: the largest power-of-1024 unit that keeps
 * a whole number above 0, with one decimal when it is not a whole one
 * ("64B", "4K", "1.4M").  humanize_number() only scales when a number
 * does not fit its width, so "4096" would stay "4096". */
static void human_size(uint64_t bytes, char *text, size_t size)
{
	static const char units[] = "BKMGTPE";
	int exp = 0;
	uint64_t whole, rest;
	unsigned tenth;

	while (exp < 6 && bytes >> (10 * (exp + 1)) != 0)
		exp++;
	whole = bytes >> (10 * exp);
	rest = bytes - (whole << (10 * exp));
	tenth = (unsigned)((long double)rest / (long double)(1ULL << (10 * exp)) * 10 + 0.5L);
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	if (tenth != 0)
		snprintf(text, size, "%llu.%u%c", (unsigned long long)whole, tenth, units[exp]);
	else
		snprintf(text, size, "%llu%c", (unsigned long long)whole, units[exp]);
}

static void set_human_size(struct out_line *line, size_t col, uint64_t bytes)
{
	char text[32];

	human_size(bytes, text, sizeof(text));
	out_set_str(line, col, text);
}

void out_set_u64(struct out_line *line, size_t col, uint64_t value)
{
	char text[24];

	if (!out_wants_line(line, col))
		return;
	if (table_of(line)->cols[col].type == OUT_SIZE && !table_of(line)->opts.bytes &&
	    !table_of(line)->opts.json) {
		set_human_size(line, col, value);
		return;
	}
	out_set_str(line, col, digits(value, 10, 1, text));
}

/* libsmartcols 2.38 prints an empty string cell as null and cannot hold a
 * NUL byte, both of which a message body may be.  So json-c (linked
 * statically: it costs nothing at start-up) makes the string literal,
 * escapes and all, and the cell, typed as a number, is printed as it is. */
int out_set_bytes(struct out_line *line, size_t col, const void *data,
		  size_t size)
{
	struct json_object *string;
	int rc = -1;

	if (size > INT_MAX)
		return -1;
	string = json_object_new_string_len(data, (int)size);
	if (string != NULL) {
		const char *literal = json_object_to_json_string_ext(string,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		if (literal != NULL) {
			out_set_str(line, col, literal);
			rc = 0;
		}
		json_object_put(string);
	}
	return rc;
}

void out_set_key(struct out_line *line, size_t col, key_t key)
{
	char text[24], *first;

	if (!out_wants_line(line, col))
		return;
	if (table_of(line)->opts.json) {
		first = digits((unsigned)key, 10, 1, text);
	} else {
		first = digits((unsigned)key, 16, 8, text);
		*--first = 'x';
		*--first = '0';
	}
	out_set_str(line, col, first);
}

void out_set_bool(struct out_line *line, size_t col, bool value)
{
	/* libsmartcols prints a JSON boolean as false only for an empty
	 * cell, "0" or "N..."; "false" would come out true. */
	if (table_of(line)->opts.json)
		out_set_str(line, col, value ? "1" : "0");
	else
		out_set_str(line, col, value ? "yes" : "no");
}

void out_set_mode(struct out_line *line, size_t col, mode_t mode)
{
	char text[24];

	if (out_wants_line(line, col))
		out_set_str(line, col, digits(mode & 07777, 8, 4, text));
}

/* WHEN as local time.  localtime_r() and strftime() are the costliest
 * cell of a line, and objects made by one script share their times, so
 * the last answer is kept. */
static const char *local_time_text(struct out_table *table, time_t when)
{
	struct tm tm;

	if (when == table->last_time && table->last_time_text[0] != '\0')
		return table->last_time_text;
	if (localtime_r(&when, &tm) == NULL ||
	    strftime(table->last_time_text, sizeof(table->last_time_text),
		     "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(table->last_time_text, sizeof(table->last_time_text),
			 "%lld", (long long)when);
	table->last_time = when;
	return table->last_time_text;
}

void out_set_time(struct out_line *line, size_t col, time_t when)
{
	struct out_table *table = table_of(line);

	if (!out_wants(table, col))
		return;
	if (when == 0) {    /* never: null in JSON, "-" in a table */
		if (!table->opts.json)
			out_set_str(line, col, "-");
		return;
	}
	if (table->opts.json)
		out_set_num(line, col, (long long)when);
	else
		out_set_str(line, col, local_time_text(table, when));
}

/* libsmartcols prints one JSON document per table, {"NAME": [...]}.  The
 * contract wants several tables in one document, flat objects and NDJSON,
 * so those are cut out of its documents here.  Its output is valid JSON in
 * which every string is escaped, so the only braces and brackets outside
 * strings that these cuts look for are the document's own:
 * - members(): the text inside the outer braces, '"NAME": [...]';
 * - the first '[' and the last ']' enclose the list of objects. */
static char *table_json(struct out_table *table)
{
	char *doc = NULL;

	if (sc.print_table_to_string(table->scols, &doc) != 0)
		return NULL;
	return doc;
}

static void trim_span(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char)**start))
		(*start)++;
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

/* The members of a document: between its first '{' and its last '}'. */
static int members(const char *doc, const char **start, const char **end)
{
	*start = strchr(doc, '{');
	*end = strrchr(doc, '}');
	if (*start == NULL || *end == NULL || *end <= *start)
		return -1;
	(*start)++;
	trim_span(start, end);
	return 0;
}

/* The only object of a one-line document: between '[' and the last ']'. */
static int only_object(const char *doc, const char **start, const char **end)
{
	*start = strchr(doc, '[');
	*end = strrchr(doc, ']');
	if (*start == NULL || *end == NULL || *end <= *start)
		return -1;
	(*start)++;
	trim_span(start, end);
	return *start < *end && **start == '{' && (*end)[-1] == '}' ? 0 : -1;
}

static int print_json_tables(struct out_table *const *tables, size_t n)
{
	int rc = 0;

	fputs("{\n   ", stdout);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *doc = table_json(tables[i]);
		const char *start, *end;

		if (doc == NULL || members(doc, &start, &end) != 0)
			rc = -1;
		else
			printf("%s%.*s", i ? ",\n   " : "", (int)(end - start), start);
		free(doc);
	}
	fputs("\n}\n", stdout);
	return rc;
}

int out_print_tables(struct out_table *const *tables, size_t n)
{
	if (n > 0 && tables[0]->opts.json)
		return print_json_tables(tables, n);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc('\n', stdout);
		fflush(stdout);
		if (sc.print_table(tables[i]->scols) != 0)
			return -1;
	}
	return 0;
}

/* The indentation of an object's closing brace: in libsmartcols' layout,
 * what every line of the object cut out of its list has in excess. */
static size_t closing_indent(const char *start, const char *end)
{
	const char *last_newline = end;

	while (last_newline > start && *--last_newline != '\n')
		;
	return *last_newline == '\n' ? strspn(last_newline + 1, " ") : 0;
}

/* Print START..END with up to INDENT spaces removed after each newline. */
static void print_dedented(const char *start, const char *end, size_t indent)
{
	while (start < end) {
		const char *newline = memchr(start, '\n', (size_t)(end - start));
		const char *stop = newline ? newline + 1 : end;

		fwrite(start, 1, (size_t)(stop - start), stdout);
		start = stop;
		for (size_t i = 0; i < indent && start < end && *start == ' '; i++)
			start++;
	}
}

int out_print_object(struct out_table *table, struct out_table *nested)
{
	char *doc, *nested_doc = NULL;
	const char *start, *end, *nested_start, *nested_end;
	size_t indent;
	int rc = -1;

	if (!table->opts.json) {
		struct out_table *both[2] = { table, nested };

		return out_print_tables(both, nested ? 2 : 1);
	}
	doc = table_json(table);
	if (doc == NULL || only_object(doc, &start, &end) != 0)
		goto out;
	indent = closing_indent(start, end);
	if (nested == NULL) {
		print_dedented(start, end, indent);
		fputc('\n', stdout);
		rc = 0;
		goto out;
	}
	nested_doc = table_json(nested);
	if (nested_doc == NULL || members(nested_doc, &nested_start, &nested_end) != 0)
		goto out;
	/* Drop the object's closing brace, add the list as its last member. */
	end--;
	trim_span(&start, &end);
	print_dedented(start, end, indent);
	printf(",\n   %.*s\n}\n", (int)(nested_end - nested_start), nested_start);
	rc = 0;
out:
	free(doc);
	free(nested_doc);
	return rc;
}

/* Print OBJECT on one line: libsmartcols escapes every control character
 * inside strings, so each raw newline and the indentation after it are
 * layout only. */
static void print_compact(const char *start, const char *end)
{
	while (start < end) {
		const char *newline = memchr(start, '\n', (size_t)(end - start));
		const char *stop = newline ? newline : end;

		fwrite(start, 1, (size_t)(stop - start), stdout);
		if (newline == NULL)
			break;
		start = newline + 1;
		while (start < end && *start == ' ')
			start++;
	}
	fputc('\n', stdout);
}

int out_print_ndjson(struct out_table *table)
{
	char *doc = table_json(table);
	const char *start, *end;

	if (doc == NULL)
		return -1;
	if (members(doc, &start, &end) == 0) {
		/* start..end is '"NAME": [ {...},{...} ]': print each object. */
		const char *p = strchr(start, '[');
		int depth = 0;
		bool in_string = false;
		const char *object = NULL;

		for (p = p ? p + 1 : end; p < end; p++) {
			if (in_string) {
				if (*p == '\\')
					p++;
				else if (*p == '"')
					in_string = false;
			} else if (*p == '"') {
				in_string = true;
			} else if (*p == '{' && depth++ == 0) {
				object = p;
			} else if (*p == '}' && --depth == 0 && object != NULL) {
				print_compact(object, p + 1);
			}
		}
	}
	free(doc);
	sc.table_remove_lines(table->scols);
	return 0;
}

void out_print_columns(FILE *stream, const struct out_col *cols, size_t ncols)
{
	int width = 0;

	for (size_t i = 0; i < ncols; i++)
		if ((int)strlen(cols[i].name) > width)
			width = (int)strlen(cols[i].name);
	for (size_t i = 0; i < ncols; i++)
		fprintf(stream, "%*s  %s\n", width, cols[i].name, cols[i].help);
}
