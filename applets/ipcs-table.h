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
	bool one;                        /* -i: one object (ib_table_print_one) */
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
struct ib_sem_elem;

/* A table for the records of K (NULL: the -g table). Exits 1 with one line for
 * an unknown column or one that K does not have, or when libsmartcols.so.1
 * cannot be loaded. NAMES: the user and group name cache. */
struct ib_table *ib_table_new(const struct ib_table_opts *o, const struct kind *k,
			      struct ib_names *names);
/* Whether the table shows a column that needs segments' rss and swap (which
 * only /proc/sysvipc/shm gives: -i stats the one segment otherwise). */
bool ib_table_wants_rss(const struct ib_table *t);
/* A row for REC, a record of the table's kind. */
void ib_table_add(struct ib_table *t, const void *rec);
/* -g's rows for the kinds in WANT (System V; POSIX where POSIX is true). */
void ib_table_add_global(struct ib_table *t, const bool want[3], bool sysv, bool posix);
/* Prints the table to stdout and frees it. */
void ib_table_print(struct ib_table *t);

/* Whether T (made with .one) shows its object as lsipc -i does when no -r, -e,
 * -n or -J is given: a line per column, "Label:" and the value, with lsipc's
 * columns of the kind unless -c, -t or -o say otherwise, and full times. */
bool ib_table_vertical(const struct ib_table *t);
/* Prints REC, the one object of -i (NULL: none was found, then nothing in that
 * layout), in T's layout or as a row, then frees T. ELEMS: a System V set's
 * semaphores (its nsems of them) for lsipc's "Elements:" table, or NULL. */
void ib_table_print_one(struct ib_table *t, const void *rec, const struct ib_sem_elem *elems);

/* The name of column I (-o's word), in --list-columns' order; NULL past the
 * last (for completion: ipcs.c's -o line). */
const char *ib_table_column_name(size_t i);

/* --list-columns: every column, the listings it applies to and what it shows. */
void ib_table_list_columns(FILE *f);

#endif
