/* The cells of an lsipc-style table (ipcs-table.c), and the hand-written
 * printer for the forms that need no terminal and no JSON: plain columns on a
 * pipe or file, raw (-r), export (-e) and newline (-n). It writes what
 * libsmartcols writes for them, byte for byte, at a fraction of the cost
 * (libsmartcols allocates per cell and measures every string's width through
 * the wide-character functions: most of lsipc's own time). HACKING.md,
 * "libsmartcols", says when each printer is used. */
#ifndef IPCBOX_IPCS_PRINT_H
#define IPCBOX_IPCS_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcs-table.h"

/* The cells, row by row: each a NUL-terminated text in one growing block. */
struct ib_cells {
	char *text;
	size_t len, cap;
	uint32_t *at;      /* where each cell's text starts, or IB_NO_CELL */
	size_t n, atcap;   /* cells so far */
	bool plain;        /* every cell printable ASCII with no "\x": shown as is */
};
#define IB_NO_CELL UINT32_MAX

/* Adds cell S (NULL: no value) after the last. Exits on ENOMEM. */
void ib_cells_add(struct ib_cells *c, const char *s);
/* Cell I, or NULL for none. */
const char *ib_cell(const struct ib_cells *c, size_t i);
void ib_cells_free(struct ib_cells *c);

struct ib_print_col {
	const char *name; /* the heading */
	bool right;       /* aligned right */
};

/* Whether ib_print can print MODE: every mode but JSON, and plain columns only
 * when the cells are plain and the headings are the column names (no -y). */
bool ib_print_can(enum ib_table_mode mode, bool shell, const struct ib_cells *c);

/* Prints the table of NCOLS columns COLS and the cells C to stdout, as
 * libsmartcols prints it to a file or pipe: with headings unless NOHEADINGS,
 * as shell variable names if SHELL. */
void ib_print(enum ib_table_mode mode, bool noheadings, bool shell,
	      const struct ib_print_col *cols, size_t ncols, const struct ib_cells *c);

#endif
