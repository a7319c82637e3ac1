/* A small JSON writer. It formats into its own buffer and writes whole blocks:
 * a listing of 10,000 objects is a few hundred thousand tokens. */
#include "ipc/json.h"

#include <inttypes.h>
#include <string.h>

void ib_json_init(struct ib_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->indent = 0;
	j->has_items[0] = false;
	j->one_line[0] = false;
	j->len = 0;
}

static void flush(struct ib_json *j)
{
	if (j->len)
		fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void out(struct ib_json *j, const char *s, size_t n)
{
	if (j->len + n > sizeof j->buf) {
		flush(j);
		if (n > sizeof j->buf) {
			fwrite(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void outc(struct ib_json *j, char c)
{
	if (j->len == sizeof j->buf)
		flush(j);
	j->buf[j->len++] = c;
}

/* The length of the valid UTF-8 sequence at S (2-4 bytes), or 0 if it is not one:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void put_string(struct ib_json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	outc(j, '"');
	for (;;) {
		size_t run = 0;
		while (s[run] && (unsigned char)s[run] >= 0x20 && s[run] != '"' && s[run] != '\\' &&
		       (unsigned char)s[run] < 0x7f)
			run++;
		out(j, s, run);
		s += run;
		if (!*s)
			break;
		if ((unsigned char)*s >= 0x80) {
			/* Valid UTF-8 as is; any other byte (a name is just bytes) becomes
			 * U+FFFD, so the document stays valid JSON. */
			size_t n = utf8_len((const unsigned char *)s);
			if (n)
				out(j, s, n);
			else
				out(j, "\\ufffd", 6);
			s += n ? n : 1;
			continue;
		}
		unsigned char c = (unsigned char)*s++;
		switch (c) {
		case '"': out(j, "\\\"", 2); break;
		case '\\': out(j, "\\\\", 2); break;
		case '\n': out(j, "\\n", 2); break;
		case '\t': out(j, "\\t", 2); break;
		case '\r': out(j, "\\r", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			out(j, u, 6);
		}
		}
	}
	outc(j, '"');
}

static void indent(struct ib_json *j)
{
	static const char spaces[2 * IB_JSON_MAX_DEPTH + 1] = "                                ";
	outc(j, '\n');
	out(j, spaces, (size_t)j->indent * 2);
}

/* The separator, indentation and key before a value. */
static void item(struct ib_json *j, const char *key)
{
	if (j->depth > 0) {
		bool more = j->has_items[j->depth];
		if (more)
			outc(j, ',');
		if (!j->one_line[j->depth])
			indent(j);
		else if (more)
			outc(j, ' ');
	}
	j->has_items[j->depth] = true;
	if (key) {
		put_string(j, key);
		out(j, ": ", 2);
	}
}

static void open_any(struct ib_json *j, const char *key, char c, bool one_line)
{
	item(j, key);
	outc(j, c);
	if (j->depth < IB_JSON_MAX_DEPTH - 1) {
		j->depth++;
		j->indent += !one_line;
	}
	j->has_items[j->depth] = false;
	j->one_line[j->depth] = one_line;
}

static void close_any(struct ib_json *j, char c)
{
	bool had = j->has_items[j->depth], one_line = j->one_line[j->depth];
	if (j->depth > 0) {
		j->depth--;
		j->indent -= !one_line;
	}
	if (had && !one_line)
		indent(j);
	outc(j, c);
}

void ib_json_open(struct ib_json *j, const char *key) { open_any(j, key, '{', false); }
void ib_json_close(struct ib_json *j) { close_any(j, '}'); }
void ib_json_open_array(struct ib_json *j, const char *key) { open_any(j, key, '[', false); }
void ib_json_close_array(struct ib_json *j) { close_any(j, ']'); }
void ib_json_open_line(struct ib_json *j, const char *key) { open_any(j, key, '{', true); }

void ib_json_str(struct ib_json *j, const char *key, const char *s)
{
	item(j, key);
	if (s)
		put_string(j, s);
	else
		out(j, "null", 4);
}

static void put_u64(struct ib_json *j, uint64_t v)
{
	char d[24];
	size_t i = sizeof d;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(j, d + i, sizeof d - i);
}

void ib_json_int(struct ib_json *j, const char *key, int64_t v)
{
	item(j, key);
	if (v < 0) {
		outc(j, '-');
		put_u64(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(j, (uint64_t)v);
	}
}

void ib_json_uint(struct ib_json *j, const char *key, uint64_t v)
{
	item(j, key);
	put_u64(j, v);
}

void ib_json_bool(struct ib_json *j, const char *key, bool v)
{
	item(j, key);
	if (v)
		out(j, "true", 4);
	else
		out(j, "false", 5);
}

void ib_json_null(struct ib_json *j, const char *key)
{
	item(j, key);
	out(j, "null", 4);
}

void ib_json_end(struct ib_json *j)
{
	outc(j, '\n');
	flush(j);
}
