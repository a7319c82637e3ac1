/* Shell-style quoting of names in messages, matching coreutils' quoteaf(). */
#include "ipc/quote.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#define NBUF 4

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *b = realloc(o->buf, cap);
		if (!b)
			return; /* keep what fits: a message, not data */
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Length of the printable character at S (0 if it is not printable). */
static size_t printable_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80)
		return (c >= 0x20 && c < 0x7f) ? 1 : 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, left, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
		return 0;
	return iswprint((wint_t)wc) ? n : 0;
}

static void put_escaped(struct out *o, unsigned char c)
{
	static const char names[] = "\aa\bb\ff\nn\rr\tt\vv";
	char tmp[8];
	const char *p = memchr(names, c, sizeof names - 1);
	if (c && p && (p - names) % 2 == 0)
		snprintf(tmp, sizeof tmp, "\\%c", p[1]);
	else
		snprintf(tmp, sizeof tmp, "\\%03o", c);
	put(o, tmp, strlen(tmp));
}

bool ib_has_unprintable(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0, n; i < len; i += n)
		if ((n = printable_len(s + i, len - i)) == 0)
			return true;
	return false;
}

const char *ib_quote(const char *s)
{
	static struct out bufs[NBUF];
	static unsigned next;
	struct out *o = &bufs[next++ % NBUF];
	o->len = 0;
	put(o, "", 0);

	size_t len = strlen(s);
	bool has_squote = false, needs_escape = false, dq_unsafe = false;
	for (size_t i = 0; i < len;) {
		size_t n = printable_len(s + i, len - i);
		if (n == 0) {
			needs_escape = true;
			i++;
			continue;
		}
		if (s[i] == '\'')
			has_squote = true;
		if (strchr("\"$`\\!", s[i]))
			dq_unsafe = true;
		i += n;
	}
	if (has_squote && !needs_escape && !dq_unsafe) {
		put(o, "\"", 1);
		put(o, s, len);
		put(o, "\"", 1);
		return o->buf ? o->buf : "";
	}
	bool in_quote = true;
	put(o, "'", 1);
	for (size_t i = 0; i < len;) {
		size_t n = printable_len(s + i, len - i);
		if (n == 0) {
			if (in_quote)
				put(o, "'$'", 3);
			else
				put(o, "$'", 2);
			in_quote = false;
			put_escaped(o, (unsigned char)s[i]);
			i++;
			continue;
		}
		if (!in_quote) {
			put(o, "''", 2);
			in_quote = true;
		}
		if (s[i] == '\'')
			put(o, "'\\''", 4);
		else
			put(o, s + i, n);
		i += n;
	}
	put(o, "'", 1);
	return o->buf ? o->buf : "";
}
