/* Tables and cells: which columns a table shows, and each cell rendered
 * for the table's format as it is set. */
#include "out_int.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <locale.h>
#include <stdlib.h>
#include <strings.h>

bool out_buf_grow(struct out_buf *buf, size_t more)
{
	size_t size = buf->size ? buf->size : 4096;
	char *data;

	if (buf->failed)
		return false;
	while (size < buf->len + more)
		size *= 2;
	data = realloc(buf->data, size);
	if (data == NULL) {
		buf->failed = true;
		return false;
	}
	buf->data = data;
	buf->size = size;
	return true;
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

/* Show the columns of a comma list, in order, after the ones shown. */
static int show_columns(struct out_table *table, const char *list,
			struct sv_err *err)
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
		if (table->nshown >= OUT_MAX_COLS) {
			sv_fail(err, SV_EUSAGE, "-o");
			return sv_msg(err, "too many columns");
		}
		if (table->shown[col] < 0) {    /* named twice: shown once */
			table->shown[col] = (int)table->nshown;
			table->order[table->nshown++] = col;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int choose_columns(struct out_table *table, const char *default_columns,
			  struct sv_err *err)
{
	const char *asked = table->opts.columns;

	if (asked == NULL || asked[0] == '+')
		if (show_columns(table, default_columns, err) != 0)
			return -1;
	if (asked != NULL) {
		if (asked[0] == '+')
			asked++;
		if (asked[0] == '\0') {
			sv_fail(err, SV_EUSAGE, "-o");
			return sv_msg(err, "empty column list");
		}
		if (show_columns(table, asked, err) != 0)
			return -1;
	}
	return 0;
}

static const char *const time_format_names[] = {
	[OUT_TIME_ISO] = "iso",
	[OUT_TIME_SHORT] = "short",
	[OUT_TIME_EPOCH] = "epoch",
};

/* The time format NAME names (NULL: iso), or -1. */
static int time_format_of(const char *name)
{
	if (name == NULL)
		return OUT_TIME_ISO;
	for (size_t i = 0; i < sizeof(time_format_names) / sizeof(time_format_names[0]); i++)
		if (strcmp(name, time_format_names[i]) == 0)
			return (int)i;
	return -1;
}

int out_opts_check(const struct out_opts *opts, struct sv_err *err)
{
	if (time_format_of(opts->time_format) < 0) {
		sv_fail(err, SV_EUSAGE, "--time-format");
		return sv_msg(err, "'%s' is not iso, short or epoch", opts->time_format);
	}
	if (opts->json && (opts->raw || opts->export)) {
		sv_fail(err, SV_EUSAGE, "--json");
		return sv_msg(err, "cannot be combined with %s",
			      opts->raw ? "--raw" : "--export");
	}
	if (opts->raw && opts->export) {
		sv_fail(err, SV_EUSAGE, "--raw");
		return sv_msg(err, "cannot be combined with --export");
	}
	return 0;
}

static bool json_quoted(enum out_type type);

/* The table's name as its OUT_NAME cells print it, rendered once. */
static int render_name(struct out_table *table)
{
	struct out_buf *buf = &table->text;
	size_t len = strlen(table->name);

	for (size_t pos = 0; pos < table->nshown; pos++)
		if (table->cols[table->order[pos]].type == OUT_NAME)
			table->shows_name = true;
	if (!table->shows_name)
		return 0;
	if (table->format == OUT_JSON) {
		if (out_json_string(buf, table->name, len) != 0)
			return -1;
		table->name_cell.width = 0;
	} else {
		table->name_cell.width = (uint32_t)out_text_escape(buf, table->name, len,
								   table->format);
	}
	table->name_cell.len = (uint32_t)buf->len;
	return buf->failed ? -1 : 0;
}

struct out_table *out_table_new(const char *name, const struct out_col *cols,
				size_t ncols, const char *default_columns,
				const struct out_opts *opts, struct sv_err *err)
{
	static bool locale_set;
	struct out_table *table;

	if (out_opts_check(opts, err) != 0)
		return NULL;
	table = calloc(1, sizeof(*table));
	if (table == NULL || (table->name = strdup(name)) == NULL) {
		sv_fail(err, ENOMEM, "output");
		out_table_free(table);
		return NULL;
	}
	table->cols = cols;
	table->ncols = ncols < OUT_MAX_COLS ? ncols : OUT_MAX_COLS;
	table->opts = *opts;
	table->format = opts->json ? OUT_JSON : opts->raw ? OUT_RAW :
			opts->export ? OUT_EXPORT : OUT_TEXT;
	table->time_format = (enum out_time_format)time_format_of(opts->time_format);
	table->vertical = opts->single && table->format == OUT_TEXT &&
			  !opts->noheadings && opts->columns == NULL;
	table->cursor.table = table;
	for (size_t i = 0; i < OUT_MAX_COLS; i++)
		table->shown[i] = -1;
	if (choose_columns(table, default_columns, err) != 0) {
		out_table_free(table);
		return NULL;
	}
	if (render_name(table) != 0) {
		sv_fail(err, ENOMEM, "output");
		out_table_free(table);
		return NULL;
	}
	/* As lsipc does: a UTF-8 user name or command prints as itself, not
	 * as \xHH escapes (control characters still are escaped).  Only the
	 * character type: dates and numbers keep one format. */
	if (!locale_set && table->format != OUT_JSON) {
		setlocale(LC_CTYPE, "");
		locale_set = true;
	}
	return table;
}

void out_table_free(struct out_table *table)
{
	if (table == NULL)
		return;
	free(table->cells);
	free(table->text.data);
	free(table->name);
	free(table);
}

void out_table_labels(struct out_table *table, const char *const *labels)
{
	table->labels = labels;
}

bool out_wants(const struct out_table *table, size_t col)
{
	return col < table->ncols && table->shown[col] >= 0;
}

bool out_wants_line(struct out_line *line, size_t col)
{
	return out_wants(line->table, col);
}

/* Room for ROWS lines in all. */
static bool grow_rows(struct out_table *table, size_t rows)
{
	size_t n = table->nshown ? table->nshown : 1;
	struct out_cell *cells;

	if (rows <= table->rows_size)
		return true;
	cells = realloc(table->cells, rows * n * sizeof(*cells));
	if (cells == NULL)
		return false;
	table->cells = cells;
	table->rows_size = rows;
	return true;
}

void out_table_reserve(struct out_table *table, size_t rows)
{
	/* About 8 bytes of text a cell: numbers, keys, short names. */
	if (grow_rows(table, table->nrows + rows))
		out_buf_grow(&table->text, rows * table->nshown * 8);
}

struct out_line *out_line_new(struct out_table *table)
{
	size_t n = table->nshown;

	if (table->nrows == table->rows_size &&
	    !grow_rows(table, table->rows_size ? table->rows_size * 2 : 64))
		return NULL;
	memset(table->cells + table->nrows * n, 0, n * sizeof(*table->cells));
	for (size_t pos = 0; table->shows_name && pos < n; pos++)
		if (table->cols[table->order[pos]].type == OUT_NAME)
			table->cells[table->nrows * n + pos] = table->name_cell;
	table->cursor.row = table->nrows++;
	return &table->cursor;
}

/* The cell of LINE at column COL, or NULL when the column is hidden. */
static struct out_cell *cell_of(struct out_line *line, size_t col)
{
	struct out_table *table = line->table;

	if (!out_wants(table, col))
		return NULL;
	return &table->cells[line->row * table->nshown + (size_t)table->shown[col]];
}

/* Set a cell to TEXT..TEXT+LEN as it is, WIDTH columns wide. */
static void put_cell(struct out_line *line, size_t col, const char *text,
		     size_t len, size_t width)
{
	struct out_cell *cell = cell_of(line, col);
	struct out_buf *buf = &line->table->text;

	if (cell == NULL)
		return;
	cell->off = (uint32_t)buf->len;
	out_buf_put(buf, text, len);
	cell->len = buf->failed ? 0 : (uint32_t)len;
	cell->width = (uint32_t)width;
}

/* Whether a column's cells are JSON strings (others are given as JSON
 * literals: numbers, or the bytes' own string literal). */
static bool json_quoted(enum out_type type)
{
	return type == OUT_STR || type == OUT_MODE || type == OUT_NAME;
}

void out_set_str(struct out_line *line, size_t col, const char *text)
{
	struct out_table *table = line->table;
	struct out_cell *cell = cell_of(line, col);
	struct out_buf *buf = &table->text;
	size_t len = text ? strlen(text) : 0;
	size_t start = buf->len;

	if (cell == NULL)
		return;
	cell->len = 0;
	if (len == 0)
		return;
	if (table->format == OUT_JSON && !json_quoted(table->cols[col].type)) {
		put_cell(line, col, text, len, len);
		return;
	}
	if (table->format == OUT_JSON) {
		if (out_json_string(buf, text, len) != 0)
			return;
		cell->width = 0;
	} else {
		cell->width = (uint32_t)out_text_escape(buf, text, len, table->format);
	}
	if (buf->failed || buf->len - start > UINT32_MAX)
		return;
	cell->off = (uint32_t)start;
	cell->len = (uint32_t)(buf->len - start);
}

static void put_text(struct out_line *line, size_t col, const char *text)
{
	size_t len = strlen(text);

	put_cell(line, col, text, len, len);
}

/* "ID (name)": a user or group id with its name, when it has one. */
static void id_with_name(enum out_type type, long long id, char *text, size_t size)
{
	const char *name = NULL;
	struct passwd *pw;
	struct group *gr;

	if (type == OUT_UID && (pw = getpwuid((uid_t)id)) != NULL)
		name = pw->pw_name;
	else if (type == OUT_GID && (gr = getgrgid((gid_t)id)) != NULL)
		name = gr->gr_name;
	if (name != NULL)
		snprintf(text, size, "%lld (%s)", id, name);
	else
		snprintf(text, size, "%lld", id);
}

/* The setters below return early for a column not shown: a listing fills
 * every column of every line, and most of them are hidden by default. */
void out_set_num(struct out_line *line, size_t col, long long value)
{
	char text[OUT_DIGITS_SIZE];

	if (!out_wants_line(line, col))
		return;
	if (line->table->vertical && (line->table->cols[col].type == OUT_UID ||
				      line->table->cols[col].type == OUT_GID)) {
		char named[300];

		id_with_name(line->table->cols[col].type, value, named, sizeof(named));
		out_set_str(line, col, named);
		return;
	}
	put_text(line, col, out_digits_signed(value, text));
}

/* A size as lsipc(1) prints it: the largest power-of-1024 unit that keeps
 * a whole number above 0, with one decimal when it is not a whole one
 * ("64B", "4K", "1.4M").  Written by hand, not by snprintf: a listing
 * prints tens of thousands of sizes, and snprintf was a fifth of ls's
 * instructions.  TEXT has room for 8 bytes (whole is below 1025). */
static void human_size(uint64_t bytes, char text[8])
{
	static const char units[] = "BKMGTPE";
	int exp = 0;
	uint64_t whole, rest;
	unsigned tenth;
	char number_text[24], *number;
	size_t len;

	while (exp < 6 && bytes >> (10 * (exp + 1)) != 0)
		exp++;
	whole = bytes >> (10 * exp);
	rest = bytes - (whole << (10 * exp));
	tenth = (unsigned)((long double)rest / (long double)(1ULL << (10 * exp)) * 10 + 0.5L);
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	number = out_digits(whole, 10, 1, number_text);
	len = strlen(number);
	memcpy(text, number, len);
	if (tenth != 0) {
		text[len++] = '.';
		text[len++] = (char)('0' + tenth);
	}
	text[len++] = units[exp];
	text[len] = '\0';
}

void out_set_size(struct out_line *line, size_t col, uint64_t bytes)
{
	struct out_table *table = line->table;
	char text[32];

	if (!out_wants(table, col))
		return;
	if (table->opts.bytes || table->format == OUT_JSON)
		put_text(line, col, out_digits(bytes, 10, 1, text));
	else {
		human_size(bytes, text);
		put_text(line, col, text);
	}
}

void out_set_u64(struct out_line *line, size_t col, uint64_t value)
{
	struct out_table *table = line->table;
	char text[32];

	if (!out_wants(table, col))
		return;
	if (table->cols[col].type == OUT_SIZE) {
		out_set_size(line, col, value);
		return;
	}
	put_text(line, col, out_digits(value, 10, 1, text));
}

void out_set_percent(struct out_line *line, size_t col, uint64_t part,
		     uint64_t whole)
{
	char text[48];

	if (!out_wants_line(line, col) || whole == 0)
		return;
	snprintf(text, sizeof(text), "%.2Lf%s", (long double)part * 100 / whole,
		 line->table->format == OUT_JSON ? "" : "%");
	put_text(line, col, text);
}

int out_set_bytes(struct out_line *line, size_t col, const void *data,
		  size_t size)
{
	struct out_cell *cell = cell_of(line, col);
	struct out_buf *buf = &line->table->text;
	size_t start = buf->len;

	if (cell == NULL)
		return 0;
	cell->len = 0;
	if (size > INT_MAX || out_json_string(buf, data, size) != 0 ||
	    buf->len - start > UINT32_MAX)
		return -1;
	cell->off = (uint32_t)start;
	cell->len = (uint32_t)(buf->len - start);
	cell->width = cell->len;
	return 0;
}

void out_set_key(struct out_line *line, size_t col, key_t key)
{
	char text[24], *first;

	if (!out_wants_line(line, col))
		return;
	if (line->table->format == OUT_JSON) {
		first = out_digits((unsigned)key, 10, 1, text);
	} else {
		first = out_digits((unsigned)key, 16, 8, text);
		*--first = 'x';
		*--first = '0';
	}
	put_text(line, col, first);
}

void out_set_bool(struct out_line *line, size_t col, bool value)
{
	if (line->table->format == OUT_JSON)
		put_text(line, col, value ? "true" : "false");
	else
		put_text(line, col, value ? "yes" : "no");
}

void out_set_mode(struct out_line *line, size_t col, mode_t mode)
{
	char text[24], *first;

	if (!out_wants_line(line, col))
		return;
	/* JSON: a string, "0600"; out_digits() leaves text[23] for the quote. */
	first = out_digits(mode & 07777, 8, 4, text) - 1;
	if (line->table->format == OUT_JSON) {
		*first = '"';
		text[23] = '"';
		put_cell(line, col, first, (size_t)(text + 24 - first), 0);
		return;
	}
	put_text(line, col, first + 1);
}

/* TM's offset from UTC as ISO 8601 writes it, "+01:00", "-05:00". */
static void utc_offset(const struct tm *tm, char *text, size_t size)
{
	long offset = tm->tm_gmtoff / 60;
	char sign = offset < 0 ? '-' : '+';

	if (offset < 0)
		offset = -offset;
	snprintf(text, size, "%c%02ld:%02ld", sign, offset / 60 % 100, offset % 60);
}

/* WHEN in local time as lsipc's short form: the time of day when it is
 * today, the day and time when it is this year, else the day. */
static size_t short_time(const struct tm *tm, char *text, size_t size)
{
	time_t now = time(NULL);
	struct tm today;

	if (localtime_r(&now, &today) != NULL && tm->tm_year == today.tm_year) {
		if (tm->tm_yday == today.tm_yday)
			return strftime(text, size, "%H:%M", tm);
		return strftime(text, size, "%b%d/%H:%M", tm);
	}
	return strftime(text, size, "%Y-%b%d", tm);
}

/* WHEN as --time-format asks.  localtime_r() and strftime() are the
 * costliest cell of a line, and objects made by one script share their
 * times, so the last answer is kept. */
static const char *time_text(struct out_table *table, time_t when)
{
	char *text = table->last_time_text;
	size_t size = sizeof(table->last_time_text), len = 0;
	struct tm tm;

	if (when == table->last_time && text[0] != '\0')
		return text;
	table->last_time = when;
	if (table->time_format != OUT_TIME_EPOCH && localtime_r(&when, &tm) != NULL) {
		if (table->time_format == OUT_TIME_SHORT)
			len = short_time(&tm, text, size);
		else if ((len = strftime(text, size, "%Y-%m-%dT%H:%M:%S", &tm)) != 0)
			utc_offset(&tm, text + len, size - len);
	}
	if (len == 0)
		snprintf(text, size, "%lld", (long long)when);
	return text;
}

void out_set_time(struct out_line *line, size_t col, time_t when)
{
	struct out_table *table = line->table;

	if (!out_wants(table, col))
		return;
	if (when == 0) {    /* never: null in JSON, "-" in a table */
		if (table->format == OUT_JSON)
			out_set_str(line, col, NULL);
		else
			put_text(line, col, "-");
		return;
	}
	if (table->format == OUT_JSON)
		out_set_num(line, col, (long long)when);
	else
		put_text(line, col, time_text(table, when));
}

int out_print_tables(struct out_table *const *tables, size_t n)
{
	if (n > 0 && tables[0]->format == OUT_JSON)
		return out_json_print_tables(tables, n);
	return out_text_print(tables, n, n > 1);
}

int out_print_object(struct out_table *table, struct out_table *nested)
{
	struct out_table *both[2] = { table, nested };

	if (table->format == OUT_JSON)
		return out_json_print_object(table, nested);
	return out_text_print(both, nested ? 2 : 1, false);
}

int out_print_object_lists(struct out_table *table, struct out_table *const *nested,
			   size_t n)
{
	struct out_table *all[8];

	if (n + 1 > sizeof(all) / sizeof(all[0]))
		return -1;
	if (table->format == OUT_JSON)
		return out_json_print_object_lists(table, nested, n);
	all[0] = table;
	for (size_t i = 0; i < n; i++)
		all[i + 1] = nested[i];
	return out_text_print(all, n + 1, false);
}

int out_print_ndjson(struct out_table *table)
{
	int rc = out_json_print_ndjson(table);

	table->nrows = 0;
	table->text.len = table->name_cell.len;   /* keep the name */
	return rc;
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
