/* A small JSON writer. */
#include "ipc/json.h"

#include <inttypes.h>

void ib_json_init(struct ib_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->has_items[0] = false;
}

static void put_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

/* The separator, indentation and key before a value. */
static void item(struct ib_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			putc(',', j->f);
		putc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	j->has_items[j->depth] = true;
	if (key) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_any(struct ib_json *j, const char *key, char c)
{
	item(j, key);
	putc(c, j->f);
	if (j->depth < IB_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_any(struct ib_json *j, char c)
{
	bool had = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had) {
		putc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	putc(c, j->f);
}

void ib_json_open(struct ib_json *j, const char *key) { open_any(j, key, '{'); }
void ib_json_close(struct ib_json *j) { close_any(j, '}'); }
void ib_json_open_array(struct ib_json *j, const char *key) { open_any(j, key, '['); }
void ib_json_close_array(struct ib_json *j) { close_any(j, ']'); }

void ib_json_str(struct ib_json *j, const char *key, const char *s)
{
	item(j, key);
	if (s)
		put_string(j->f, s);
	else
		fputs("null", j->f);
}

void ib_json_int(struct ib_json *j, const char *key, int64_t v)
{
	item(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void ib_json_uint(struct ib_json *j, const char *key, uint64_t v)
{
	item(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void ib_json_bool(struct ib_json *j, const char *key, bool v)
{
	item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void ib_json_null(struct ib_json *j, const char *key)
{
	item(j, key);
	fputs("null", j->f);
}

void ib_json_end(struct ib_json *j)
{
	putc('\n', j->f);
}
