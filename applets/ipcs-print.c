/* The cells of lsipc-style tables, and their hand-written printer (ipcs-print.h).
 * The rules are libsmartcols 2.38's for output that is not a terminal (its
 * print.c and calculate.c): a column is as wide as its widest cell or its
 * heading; cells are padded with spaces and one space separates columns; a
 * right-aligned cell is padded on the left; the last column is not padded
 * unless it is right-aligned; raw and export forms escape as its
 * fputs_nonblank and fputs_quoted do. */
#include "ipcs-print.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t ncap = *cap ? *cap : 65536 / size;
	while (ncap < need)
		ncap *= 2;
	p = realloc(p, ncap * size);
	if (!p)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "cannot add a row");
	*cap = ncap;
	return p;
}

/* Shown by libsmartcols as it is: printable ASCII, and no "\x" (which it
 * writes as \x5cx, so that an escape in the output is always its own). */
static bool plain_text(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || (s[0] == '\\' && s[1] == 'x'))
			return false;
	return true;
}

void ib_cells_add(struct ib_cells *c, const char *s)
{
	if (c->n == 0)
		c->plain = true;
	c->at = grow(c->at, &c->atcap, c->n + 1, sizeof *c->at);
	if (!s) {
		c->at[c->n++] = IB_NO_CELL;
		return;
	}
	size_t len = strlen(s) + 1;
	if (c->len + len >= IB_NO_CELL) /* 4 GiB of text: memory would run out first */
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "cannot add a row");
	c->text = grow(c->text, &c->cap, c->len + len, 1);
	memcpy(c->text + c->len, s, len);
	c->at[c->n++] = (uint32_t)c->len;
	c->len += len;
	c->plain = c->plain && plain_text(s);
}

const char *ib_cell(const struct ib_cells *c, size_t i)
{
	return c->at[i] == IB_NO_CELL ? NULL : c->text + c->at[i];
}

void ib_cells_free(struct ib_cells *c)
{
	free(c->text);
	free(c->at);
	*c = (struct ib_cells){ 0 };
}

bool ib_print_can(enum ib_table_mode mode, bool shell, const struct ib_cells *c)
{
	if (mode == IB_TABLE_JSON)
		return false;
	/* -y's headings may be wider than the width libsmartcols measured from
	 * the names, which it then handles its own way */
	return mode != IB_TABLE_COLUMNS || (!shell && (c->n == 0 || c->plain));
}

/* ---- the forms ---- */

/* A column name as a shell variable: "USE%" is USE_PCT, "1X" _1X (libsmartcols'
 * scols_column_get_name_as_shellvar). */
static void put_shell_name(const char *name)
{
	if (!isalpha((unsigned char)name[0]))
		putchar('_');
	for (const char *s = name; *s; s++)
		putchar(isalnum((unsigned char)*s) ? *s : '_');
	if (name[0] && name[strlen(name) - 1] == '%')
		fputs("PCT", stdout);
}

static void put_name(const char *name, bool shell)
{
	if (shell)
		put_shell_name(name);
	else
		fputs(name, stdout);
}

static void put_escaped(unsigned char ch)
{
	printf("\\x%02x", ch);
}

/* -r: blanks, backslashes and what is not printable escaped. */
static void put_raw(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isblank(ch) || ch == '\\' || !isprint(ch) || iscntrl(ch))
			put_escaped(ch);
		else
			putchar(ch);
	}
}

/* -e and -n: in double quotes, with what a shell would expand escaped. */
static void put_quoted(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\' || ch == '`' || ch == '$' || !isprint(ch) || iscntrl(ch))
			put_escaped(ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* Plain columns: a cell as libsmartcols shows it where no multibyte locale
 * applies (all cells when libsmartcols cannot be loaded): control characters,
 * bytes that are not printable and "\x" escaped. Returns the columns it takes;
 * prints it only if PUT. A plain cell (ib_cells) is itself. */
static size_t human(const char *s, bool plain, bool put)
{
	if (plain) {
		size_t len = strlen(s);
		if (put)
			fwrite(s, 1, len, stdout);
		return len;
	}
	size_t width = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((s[0] == '\\' && s[1] == 'x') || iscntrl(ch) || !isprint(ch)) {
			if (put)
				put_escaped(ch);
			width += 4;
		} else {
			if (put)
				putchar(ch);
			width++;
		}
	}
	return width;
}

static void pad(size_t n)
{
	static const char spaces[] = "                                ";
	for (size_t k; n; n -= k)
		fwrite(spaces, 1, k = n < sizeof spaces - 1 ? n : sizeof spaces - 1, stdout);
}

/* One cell or heading S (NULL: none) of a column WIDTH wide. */
static void put_column_cell(const char *s, bool plain, size_t width, bool right, bool last)
{
	size_t len = s ? human(s, plain, false) : 0;
	if (len && right && len < width) {
		pad(width - len);
		len = width;
	}
	if (len)
		human(s, plain, true);
	if (last)
		return;
	if (len < width)
		pad(width - len);
	putchar(' ');
}

static void put_cell(enum ib_table_mode mode, bool shell, const struct ib_print_col *col,
		     const char *s, bool plain, size_t width, bool last)
{
	switch (mode) {
	case IB_TABLE_COLUMNS:
		put_column_cell(s, plain, width, col->right, last);
		return;
	case IB_TABLE_RAW:
		if (s)
			put_raw(s);
		break;
	case IB_TABLE_EXPORT:
	case IB_TABLE_NEWLINE:
		put_name(col->name, shell);
		putchar('=');
		put_quoted(s ? s : "");
		break;
	case IB_TABLE_JSON:
		return;
	}
	if (!last)
		putchar(mode == IB_TABLE_NEWLINE ? '\n' : ' ');
}

void ib_print(enum ib_table_mode mode, bool noheadings, bool shell,
	      const struct ib_print_col *cols, size_t ncols, const struct ib_cells *c)
{
	size_t rows = ncols ? c->n / ncols : 0, width[64] = { 0 };
	if (rows == 0 || ncols > sizeof width / sizeof width[0])
		return; /* libsmartcols prints nothing for an empty table */
	if (mode == IB_TABLE_COLUMNS)
		for (size_t i = 0; i < ncols; i++) {
			width[i] = strlen(cols[i].name); /* counted even with --noheadings */
			for (size_t r = 0; r < rows; r++) {
				const char *s = ib_cell(c, r * ncols + i);
				size_t w = s ? human(s, c->plain, false) : 0;
				if (w > width[i])
					width[i] = w;
			}
		}
	if (!noheadings && (mode == IB_TABLE_COLUMNS || mode == IB_TABLE_RAW)) {
		for (size_t i = 0; i < ncols; i++) {
			bool last = i + 1 == ncols;
			if (mode == IB_TABLE_RAW) {
				put_name(cols[i].name, shell);
				if (!last)
					putchar(' ');
			} else {
				put_column_cell(cols[i].name, true, width[i], cols[i].right, last);
			}
		}
		putchar('\n');
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t i = 0; i < ncols; i++)
			put_cell(mode, shell, &cols[i], ib_cell(c, r * ncols + i), c->plain,
				 width[i], i + 1 == ncols);
		putchar('\n');
	}
}
