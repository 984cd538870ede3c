/* JSON: documents of several lists, flat objects, NDJSON, in the layout
 * sysvctl has always printed (three spaces a level).  Strings are escaped
 * by json-c; a string with nothing to escape is copied as it is. */
#include "out_int.h"

#include <json.h>
#include <limits.h>

/* Whether json-c would print TEXT unchanged between its quotes. */
static bool needs_no_escape(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

int out_json_string(struct out_buf *buf, const char *text, size_t len)
{
	struct json_object *string;
	const char *literal;

	if (needs_no_escape(text, len)) {
		out_buf_putc(buf, '"');
		out_buf_put(buf, text, len);
		out_buf_putc(buf, '"');
		return buf->failed ? -1 : 0;
	}
	if (len > INT_MAX ||
	    (string = json_object_new_string_len(text, (int)len)) == NULL)
		return -1;
	literal = json_object_to_json_string_ext(string,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (literal != NULL)
		out_buf_put(buf, literal, strlen(literal));
	json_object_put(string);
	return literal == NULL || buf->failed ? -1 : 0;
}

void out_json_key(const char *name, char *key, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		key[i] = name[i] == '-' ? '_' :
			 name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] - 'A' + 'a') : name[i];
	key[i] = '\0';
}

/* Each shown column's member prefix, "\"key\": ". */
struct json_keys {
	char text[OUT_MAX_COLS][72];
	size_t len[OUT_MAX_COLS];
};

/* COMPACT (NDJSON): no space after the colon, as none after the comma. */
static void json_keys(const struct out_table *table, struct json_keys *keys,
		      bool compact)
{
	for (size_t pos = 0; pos < table->nshown; pos++) {
		char key[64];

		out_json_key(table->cols[table->order[pos]].name, key, sizeof(key));
		keys->len[pos] = (size_t)snprintf(keys->text[pos], sizeof(keys->text[pos]),
						  compact ? "\"%s\":" : "\"%s\": ", key);
	}
}

/* The members of ROW, each on its own line after INDENT, or all on one
 * line when INDENT is NULL. */
static void put_members(const struct out_table *table, const struct json_keys *keys,
			size_t row, const char *indent, size_t indent_len)
{
	const struct out_cell *cells = &table->cells[row * table->nshown];

	for (size_t pos = 0; pos < table->nshown; pos++) {
		if (pos > 0)
			out_sink_put(indent ? ",\n" : ",", indent ? 2 : 1);
		if (indent)
			out_sink_put(indent, indent_len);
		out_sink_put(keys->text[pos], keys->len[pos]);
		if (cells[pos].len == 0)
			out_sink_puts("null");
		else
			out_sink_put(table->text.data + cells[pos].off, cells[pos].len);
	}
}

/* "NAME": [ {...},{...} ] at the second level. */
static void put_list(const struct out_table *table)
{
	struct json_keys keys;

	json_keys(table, &keys, false);
	out_sink_puts("   \"");
	out_sink_put(table->name, strlen(table->name));
	if (table->nrows == 0) {
		out_sink_puts("\": []");
		return;
	}
	out_sink_puts("\": [\n");
	for (size_t row = 0; row < table->nrows; row++) {
		if (row == 0)
			out_sink_puts("      {\n");
		else
			out_sink_puts(",{\n");
		put_members(table, &keys, row, "         ", 9);
		out_sink_puts("\n      }");
	}
	out_sink_puts("\n   ]");
}

int out_json_print_tables(struct out_table *const *tables, size_t n)
{
	out_sink_puts("{\n");
	for (size_t i = 0; i < n; i++) {
		if (tables[i]->text.failed)
			return -1;
		if (i > 0)
			out_sink_puts(",\n");
		put_list(tables[i]);
	}
	out_sink_puts("\n}\n");
	return out_sink_flush();
}

int out_json_print_object(struct out_table *table, struct out_table *nested)
{
	return out_json_print_object_lists(table, &nested, nested != NULL);
}

int out_json_print_object_lists(struct out_table *table,
				struct out_table *const *nested, size_t n)
{
	struct json_keys keys;

	if (table->nrows == 0 || table->text.failed)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (nested[i]->text.failed)
			return -1;
	json_keys(table, &keys, false);
	out_sink_puts("{\n");
	put_members(table, &keys, 0, "   ", 3);
	for (size_t i = 0; i < n; i++) {
		out_sink_puts(",\n");
		put_list(nested[i]);
	}
	out_sink_puts("\n}\n");
	return out_sink_flush();
}

int out_json_print_ndjson(struct out_table *table)
{
	struct json_keys keys;

	if (table->text.failed)
		return -1;
	json_keys(table, &keys, true);
	for (size_t row = 0; row < table->nrows; row++) {
		out_sink_putc('{');
		put_members(table, &keys, row, NULL, 0);
		out_sink_puts("}\n");
	}
	return out_sink_flush();
}

int out_print_numbers(const char *const *names, const long long *values, size_t n)
{
	char text[OUT_DIGITS_SIZE];

	out_sink_puts("{\n");
	for (size_t i = 0; i < n; i++) {
		const char *number = out_digits_signed(values[i], text);

		if (i > 0)
			out_sink_puts(",\n");
		out_sink_puts("   \"");
		out_sink_put(names[i], strlen(names[i]));
		out_sink_puts("\": ");
		out_sink_put(number, (size_t)(text + OUT_DIGITS_SIZE - 1 - number));
	}
	out_sink_puts("\n}\n");
	return out_sink_flush();
}
