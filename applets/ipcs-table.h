/* lsipc's output controls inside ipcs: tables of chosen columns (-o), raw,
 * export, shell, newline and JSON forms, and the system-wide view (-g), printed
 * through libsmartcols (ipcs-scols.h). The columns are data, one line each in
 * ipcs-table.c: a name, the listings it applies to, a value type and a getter.
 * ipcs.c finds and filters the records; this file turns them into a table. */
#ifndef IPCBOX_IPCS_TABLE_H
#define IPCBOX_IPCS_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "ipc/names.h"
#include "ipcs-desc.h"

enum ib_table_mode { IB_TABLE_COLUMNS, IB_TABLE_RAW, IB_TABLE_EXPORT, IB_TABLE_NEWLINE,
		     IB_TABLE_JSON };
enum ib_time_format { IB_TIME_DEFAULT, IB_TIME_SHORT, IB_TIME_FULL, IB_TIME_ISO };

struct ib_table_opts {
	enum ib_table_mode mode;
	enum ib_time_format time_format; /* DEFAULT: short in tables, epoch in JSON */
	bool noheadings, notruncate, shell, numeric_perms, human;
	bool creator, times;             /* -c, -t: lsipc's extra columns */
	const char *output;              /* -o LIST, "+LIST", or NULL */
	/* The USERS and FTOK cells of REC, a record of kind K, in BUF (NULL: empty),
	 * which ipcs.c finds (--users' scan, --ftok-scan's files); ARG is its own. */
	const char *(*users)(void *arg, const struct kind *k, const void *rec, char *buf,
			     size_t len);
	const char *(*ftok)(void *arg, const struct kind *k, const void *rec, char *buf,
			    size_t len);
	void *arg;
};

struct ib_table;

/* A table for the records of K (NULL: the -g table). Exits 1 with one line for
 * an unknown column or one that K does not have, or when libsmartcols.so.1
 * cannot be loaded. NAMES: the user and group name cache. */
struct ib_table *ib_table_new(const struct ib_table_opts *o, const struct kind *k,
			      struct ib_names *names);
/* A row for REC, a record of the table's kind. */
void ib_table_add(struct ib_table *t, const void *rec);
/* -g's rows for the kinds in WANT (System V; POSIX where POSIX is true). */
void ib_table_add_global(struct ib_table *t, const bool want[3], bool sysv, bool posix);
/* Prints the table to stdout and frees it. */
void ib_table_print(struct ib_table *t);

/* --list-columns: every column, the listings it applies to and what it shows. */
void ib_table_list_columns(FILE *f);

#endif
