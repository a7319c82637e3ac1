/* The JSON writer. */
#include "ipc/json.h"

#include <inttypes.h>
#include <stddef.h>

void ib_json_init(struct ib_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* Before any value or key: the comma and newline that separate it from the previous
 * one, and the indent. A value right after its key stays on the key's line. */
static void separate(struct ib_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	fputs(j->first[j->depth] ? "\n" : ",\n", j->f);
	j->first[j->depth] = false;
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void open_container(struct ib_json *j, char c)
{
	separate(j);
	fputc(c, j->f);
	if (j->depth + 1 < IB_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_container(struct ib_json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void ib_json_begin_object(struct ib_json *j) { open_container(j, '{'); }
void ib_json_end_object(struct ib_json *j) { close_container(j, '}'); }
void ib_json_begin_array(struct ib_json *j) { open_container(j, '['); }
void ib_json_end_array(struct ib_json *j) { close_container(j, ']'); }

void ib_json_key(struct ib_json *j, const char *key)
{
	separate(j);
	ib_json_write_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = true;
}

void ib_json_string(struct ib_json *j, const char *s)
{
	separate(j);
	ib_json_write_string(j->f, s);
}

void ib_json_u64(struct ib_json *j, uint64_t v)
{
	separate(j);
	fprintf(j->f, "%" PRIu64, v);
}

void ib_json_i64(struct ib_json *j, int64_t v)
{
	separate(j);
	fprintf(j->f, "%" PRId64, v);
}

void ib_json_bool(struct ib_json *j, bool v)
{
	separate(j);
	fputs(v ? "true" : "false", j->f);
}

void ib_json_null(struct ib_json *j)
{
	separate(j);
	fputs("null", j->f);
}

void ib_json_finish(struct ib_json *j)
{
	fputc('\n', j->f);
}

/* The length of the valid UTF-8 sequence at S (1-4), or 0 if it is not one:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void ib_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		switch (c) {
		case '"': fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			s++;
			continue;
		}
		size_t n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}
