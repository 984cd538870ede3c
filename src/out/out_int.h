/* Inside the output layer: a table is its column choice and its cells,
 * each cell kept already rendered for the one format the table prints
 * (aligned text, --raw, --export or JSON), so that printing is copying. */
#ifndef SYSVCTL_OUT_INT_H
#define SYSVCTL_OUT_INT_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "out.h"

#define OUT_MAX_COLS 64

enum out_format {
	OUT_TEXT,       /* aligned table, or --noheadings */
	OUT_RAW,        /* --raw: one space between cells, '-' for empty */
	OUT_EXPORT,     /* --export: KEY="value" */
	OUT_JSON,
};

/* A growing byte buffer: the text of a table's cells, or output. */
struct out_buf {
	char *data;
	size_t len, size;
	bool failed;            /* out of memory once: the table is lost */
};

/* A cell: LEN bytes at OFF in the table's text, WIDTH columns wide on a
 * terminal.  LEN 0 is an empty cell (null in JSON). */
struct out_cell {
	uint32_t off;
	uint32_t len;
	uint32_t width;
};

enum out_time_format {
	OUT_TIME_ISO,   /* 2026-12-01T01:35:54-05:00 */
	OUT_TIME_SHORT, /* as lsipc: 01:35 today, Dec01/01:35 this year, else 2025-Dec01 */
	OUT_TIME_EPOCH, /* seconds since the epoch */
};

struct out_line {
	struct out_table *table;
	size_t row;
};

struct out_table {
	const struct out_col *cols;
	size_t ncols;
	int shown[OUT_MAX_COLS];    /* position of a column, -1 when hidden */
	int order[OUT_MAX_COLS];    /* the column at each position */
	size_t nshown;
	struct out_opts opts;
	enum out_format format;
	enum out_time_format time_format;
	bool vertical;              /* one "Label: value" line per column */
	const char *const *labels;  /* of a vertical list; NULL: the names */
	char *name;
	struct out_cell *cells;     /* nrows x nshown */
	size_t nrows, rows_size;
	struct out_buf text;
	struct out_line cursor;     /* the line being filled */
	struct out_cell name_cell;  /* the table's name, rendered: OUT_NAME cells */
	bool shows_name;            /* an OUT_NAME column is shown */
	time_t last_time;           /* the last time formatted, and its text: */
	char last_time_text[32];    /* objects made together share their times */
};

bool out_buf_grow(struct out_buf *buf, size_t more);

static inline void out_buf_put(struct out_buf *buf, const void *data, size_t len)
{
	if (buf->len + len > buf->size && !out_buf_grow(buf, len))
		return;
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
}

static inline void out_buf_putc(struct out_buf *buf, char c)
{
	if (buf->len + 1 > buf->size && !out_buf_grow(buf, 1))
		return;
	buf->data[buf->len++] = c;
}

#define out_buf_puts(buf, literal) out_buf_put((buf), (literal), sizeof(literal) - 1)

/* Output to stdout through one buffer: written when it fills and at the
 * end.  Returns -1 when a write failed. */
void out_sink_put(const void *data, size_t len);
void out_sink_putc(char c);
void out_sink_pad(size_t count);
int out_sink_flush(void);
#define out_sink_puts(literal) out_sink_put((literal), sizeof(literal) - 1)

/* Append TEXT..TEXT+LEN to BUF rendered for FORMAT (text, raw or export:
 * escaped as \xHH where the terminal could not show it); returns the
 * width on a terminal. */
size_t out_text_escape(struct out_buf *buf, const char *text, size_t len,
		       enum out_format format);

/* Append TEXT..TEXT+LEN to BUF as a JSON string literal (json-c escapes
 * it).  Returns -1 when out of memory. */
int out_json_string(struct out_buf *buf, const char *text, size_t len);

/* The JSON key of a column: its name in lower case, '-' as '_'. */
void out_json_key(const char *name, char *key, size_t size);

int out_text_print(struct out_table *const *tables, size_t n, bool sections);
int out_json_print_tables(struct out_table *const *tables, size_t n);
int out_json_print_object(struct out_table *table, struct out_table *nested);
int out_json_print_object_lists(struct out_table *table,
				struct out_table *const *nested, size_t n);
int out_json_print_ndjson(struct out_table *table);

#endif
