/* Text: aligned tables (numbers and sizes right-aligned), --noheadings,
 * --raw, --export, and fitting a table to the terminal's width by cutting
 * its flexible column. */
#define _XOPEN_SOURCE 700
#include "out_int.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

/* A byte that prints as itself in every format, whatever the locale. */
static bool plain_byte(unsigned char c, enum out_format format)
{
	if (c < 0x20 || c >= 0x7f)
		return false;
	switch (format) {
	case OUT_RAW:		/* cells are split on spaces */
		return c != ' ' && c != '\\';
	case OUT_EXPORT:	/* inside "...", as a shell reads it */
		return c != '"' && c != '\\' && c != '$' && c != '`';
	default:
		return true;
	}
}

static size_t put_hex(struct out_buf *buf, unsigned char c)
{
	char hex[4] = { '\\', 'x', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15] };

	out_buf_put(buf, hex, sizeof(hex));
	return sizeof(hex);
}

/* One character from TEXT (at most LEN bytes) that is not a plain byte:
 * appended as itself when the locale can show it, else escaped. */
static size_t escape_char(struct out_buf *buf, const char *text, size_t len,
			  enum out_format format, size_t *used)
{
	unsigned char c = (unsigned char)text[0];
	mbstate_t state;
	wchar_t wc;
	size_t n;
	int width;

	*used = 1;
	if (format == OUT_EXPORT && (c == '"' || c == '\\' || c == '$' || c == '`')) {
		char pair[2] = { '\\', (char)c };

		out_buf_put(buf, pair, 2);
		return 2;
	}
	if (format == OUT_TEXT && c == ' ')
		goto as_is;
	if (c < 0x80 || MB_CUR_MAX == 1)
		return put_hex(buf, c);
	memset(&state, 0, sizeof(state));
	n = mbrtowc(&wc, text, len, &state);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || !iswprint((wint_t)wc) ||
	    (width = wcwidth(wc)) < 0)
		return put_hex(buf, c);
	*used = n;
	out_buf_put(buf, text, n);
	return (size_t)width;
as_is:
	out_buf_putc(buf, (char)c);
	return 1;
}

size_t out_text_escape(struct out_buf *buf, const char *text, size_t len,
		       enum out_format format)
{
	size_t width = 0, i = 0;

	while (i < len) {
		size_t run = i, used;

		while (run < len && plain_byte((unsigned char)text[run], format))
			run++;
		out_buf_put(buf, text + i, run - i);
		width += run - i;
		i = run;
		if (i < len) {
			width += escape_char(buf, text + i, len - i, format, &used);
			i += used;
		}
	}
	return width;
}

/* ---- aligned tables ---------------------------------------------------- */

static bool right_aligned(const struct out_col *col)
{
	return col->type == OUT_NUM || col->type == OUT_SIZE ||
	       col->type == OUT_UID || col->type == OUT_GID;
}

/* The terminal's width when stdout is one and the table may be cut. */
static size_t terminal_width(const struct out_table *table)
{
	struct winsize ws;
	const char *columns;
	char *end;
	long width;

	if (table->opts.notruncate || table->format != OUT_TEXT ||
	    !isatty(STDOUT_FILENO))
		return 0;
	columns = getenv("COLUMNS");
	if (columns != NULL && *columns != '\0') {
		width = strtol(columns, &end, 10);
		if (*end == '\0' && width > 0 && width < 100000)
			return (size_t)width;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Column widths: the widest cell; with a header, at least the header,
 * and a width hint >= 1 widens a column whose cells fill its header. */
static void column_widths(const struct out_table *table, size_t *widths)
{
	bool header = !table->opts.noheadings;

	for (size_t pos = 0; pos < table->nshown; pos++) {
		const struct out_col *col = &table->cols[table->order[pos]];
		size_t width = 0, name = strlen(col->name);

		for (size_t row = 0; row < table->nrows; row++) {
			const struct out_cell *cell = &table->cells[row * table->nshown + pos];

			if (cell->len != 0 && cell->width > width)
				width = cell->width;
		}
		if (!header)
			width = width ? width : 1;
		else if (width < name)
			width = name;
		else if (col->width >= 1 && width < (size_t)col->width &&
			 name < (size_t)col->width)
			width = (size_t)col->width;
		widths[pos] = width;
	}
}

/* On a terminal too narrow, cut the widest flexible column (width hint
 * below 1) by what is too much, down to its header at the least. */
static void fit_terminal(const struct out_table *table, size_t *widths)
{
	size_t term = terminal_width(table), total = 0, least;
	int flexible = -1;

	if (term == 0 || table->nshown == 0)
		return;
	for (size_t pos = 0; pos < table->nshown; pos++) {
		const struct out_col *col = &table->cols[table->order[pos]];

		total += widths[pos] + (pos > 0);
		if (col->width > 0 && col->width < 1 &&
		    (flexible < 0 || widths[pos] > widths[flexible]))
			flexible = (int)pos;
	}
	if (total <= term || flexible < 0)
		return;
	least = table->opts.noheadings ? 1 :
		strlen(table->cols[table->order[flexible]].name);
	if (widths[flexible] - least > total - term)
		widths[flexible] -= total - term;
	else
		widths[flexible] = least;
}

/* The first bytes of a cell that fit in WIDTH terminal columns. */
static size_t cut_cell(const char *text, size_t len, size_t width)
{
	mbstate_t state;
	size_t used = 0, shown = 0;

	memset(&state, 0, sizeof(state));
	while (used < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text + used, len - used, &state);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			w = 1;
		} else {
			w = wcwidth(wc);
			w = w < 0 ? 1 : w;
		}
		if (shown + (size_t)w > width)
			break;
		shown += (size_t)w;
		used += n;
	}
	return used;
}

/* TEXT..TEXT+LEN, SHOWN columns wide, in a column WIDTH wide: padded,
 * or cut when the column was narrowed to fit the terminal.  Padding after
 * a cell waits in *PENDING until something follows it on the line, so
 * that no line ends in spaces. */
static void put_aligned(const char *text, size_t len, size_t shown,
			size_t width, bool right, size_t *pending)
{
	if (shown > width) {
		len = shown == len ? width : cut_cell(text, len, width);
		shown = width;
	}
	if (right)
		*pending += width - shown;
	if (len > 0) {
		out_sink_pad(*pending);
		out_sink_put(text, len);
		*pending = 0;
	}
	if (!right)
		*pending += width - shown;
}

static void put_header(const struct out_table *table, const size_t *widths,
		       bool prefixed)
{
	size_t pending = 0;

	if (prefixed)
		out_sink_puts("KIND ");
	for (size_t pos = 0; pos < table->nshown; pos++) {
		const struct out_col *col = &table->cols[table->order[pos]];
		size_t len = strlen(col->name);

		if (table->format == OUT_RAW) {
			if (pos > 0)
				out_sink_putc(' ');
			out_sink_put(col->name, len);
			continue;
		}
		pending += pos > 0;
		put_aligned(col->name, len, len, widths[pos], right_aligned(col), &pending);
	}
	out_sink_putc('\n');
}

static void put_rows(const struct out_table *table, const size_t *widths,
		     const char *prefix)
{
	size_t prefix_len = prefix ? strlen(prefix) : 0;

	bool right[OUT_MAX_COLS];

	for (size_t pos = 0; pos < table->nshown; pos++)
		right[pos] = right_aligned(&table->cols[table->order[pos]]);
	for (size_t row = 0; row < table->nrows; row++) {
		const struct out_cell *cells = &table->cells[row * table->nshown];
		size_t pending = 0;

		if (prefix != NULL) {
			out_sink_put(prefix, prefix_len);
			out_sink_putc(' ');
		}
		for (size_t pos = 0; pos < table->nshown; pos++) {
			const struct out_cell *cell = &cells[pos];

			if (table->format == OUT_RAW) {
				if (pos > 0)
					out_sink_putc(' ');
				if (cell->len == 0)
					out_sink_putc('-');
				else
					out_sink_put(table->text.data + cell->off, cell->len);
				continue;
			}
			pending += pos > 0;
			put_aligned(table->text.data + cell->off, cell->len,
				    cell->len ? cell->width : 0, widths[pos], right[pos],
				    &pending);
		}
		out_sink_putc('\n');
	}
}

/* --export: NAME="value" for every cell, '-' in a name as '_'. */
static void put_export(const struct out_table *table, bool kind)
{
	char names[OUT_MAX_COLS][64];

	for (size_t pos = 0; pos < table->nshown; pos++) {
		const char *name = table->cols[table->order[pos]].name;
		size_t i;

		for (i = 0; name[i] != '\0' && i + 1 < sizeof(names[pos]); i++)
			names[pos][i] = name[i] == '-' ? '_' : name[i];
		names[pos][i] = '\0';
		/* A shell name: USE% is USE_PCT, as lsipc writes it. */
		if (i > 0 && names[pos][i - 1] == '%' && i + 3 < sizeof(names[pos]))
			memcpy(names[pos] + i - 1, "_PCT", 5);
	}
	for (size_t row = 0; row < table->nrows; row++) {
		const struct out_cell *cells = &table->cells[row * table->nshown];

		if (kind) {
			out_sink_puts("KIND=\"");
			out_sink_put(table->name, strlen(table->name));
			out_sink_puts("\" ");
		}
		for (size_t pos = 0; pos < table->nshown; pos++) {
			if (pos > 0)
				out_sink_putc(' ');
			out_sink_put(names[pos], strlen(names[pos]));
			out_sink_puts("=\"");
			out_sink_put(table->text.data + cells[pos].off, cells[pos].len);
			out_sink_putc('"');
		}
		out_sink_putc('\n');
	}
}

/* A vertical list, as lsipc -i: "Label:" padded to the longest label,
 * then the cell ('-' when empty); a blank line between lines. */
static const char *label_of(const struct out_table *table, size_t pos)
{
	int col = table->order[pos];

	if (table->labels != NULL && table->labels[col] != NULL)
		return table->labels[col];
	return table->cols[col].name;
}

static void put_vertical(const struct out_table *table)
{
	size_t width = 0;

	for (size_t pos = 0; pos < table->nshown; pos++) {
		size_t len = strlen(label_of(table, pos));

		width = len > width ? len : width;
	}
	for (size_t row = 0; row < table->nrows; row++) {
		const struct out_cell *cells = &table->cells[row * table->nshown];

		if (row > 0)
			out_sink_putc('\n');
		for (size_t pos = 0; pos < table->nshown; pos++) {
			const char *label = label_of(table, pos);

			out_sink_put(label, strlen(label));
			out_sink_putc(':');
			out_sink_pad(width - strlen(label) + 1);
			if (cells[pos].len == 0)
				out_sink_putc('-');
			else
				out_sink_put(table->text.data + cells[pos].off, cells[pos].len);
			out_sink_putc('\n');
		}
	}
}

int out_text_print(struct out_table *const *tables, size_t n, bool sections)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const struct out_table *table = tables[i];
		size_t widths[OUT_MAX_COLS];
		/* Several kinds: a script's lines say their kind (unless a
		 * column does), a human's table has a title. */
		bool script = table->opts.noheadings || table->format != OUT_TEXT;
		bool prefixed = sections && script && !table->shows_name;

		if (table->text.failed)
			return -1;
		if (table->nrows == 0)  /* an empty listing prints nothing */
			continue;
		if (table->format == OUT_EXPORT) {
			put_export(table, prefixed);
			continue;
		}
		if (!first && !(sections && script))
			out_sink_putc('\n');
		first = false;
		if (sections && !script) {
			out_sink_put(table->name, strlen(table->name));
			out_sink_puts(":\n");
		}
		if (table->vertical) {
			put_vertical(table);
			continue;
		}
		column_widths(table, widths);
		fit_terminal(table, widths);
		if (!table->opts.noheadings)
			put_header(table, widths, prefixed);
		put_rows(table, widths, prefixed ? table->name : NULL);
	}
	return out_sink_flush();
}
