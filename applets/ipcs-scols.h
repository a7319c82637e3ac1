/* libsmartcols, loaded only when ipcs needs it (an lsipc output control: -o, -r,
 * -e, -y, -n, -g, -M, -Q, -S, ...). Every applet shares the one binary, and the
 * musl builds (static above all) cannot link it: so it is dlopen'ed here, once,
 * and no other applet pays for it at start-up (HACKING.md, "libsmartcols").
 *
 * The few types and functions used are declared here; where the library's own
 * header is visible (glibc builds with libsmartcols-dev) ipcs-scols.c checks
 * these declarations against it at compile time. */
#ifndef IPCBOX_IPCS_SCOLS_H
#define IPCBOX_IPCS_SCOLS_H

#include <stddef.h>

struct libscols_table;
struct libscols_column;
struct libscols_line;

/* Values of libsmartcols.h (stable ABI since 2.33). */
enum { IB_SCOLS_FL_TRUNC = 1 << 0, IB_SCOLS_FL_RIGHT = 1 << 2 };
enum { IB_SCOLS_JSON_STRING = 0, IB_SCOLS_JSON_NUMBER = 1 };

/* X(return type, name less "scols_", parameters): the functions ipcs calls. */
#define IB_SCOLS_FUNCS(X) \
	X(struct libscols_table *, new_table, (void)) \
	X(void, unref_table, (struct libscols_table *)) \
	X(int, table_set_name, (struct libscols_table *, const char *)) \
	X(int, table_enable_raw, (struct libscols_table *, int)) \
	X(int, table_enable_json, (struct libscols_table *, int)) \
	X(int, table_enable_export, (struct libscols_table *, int)) \
	X(int, table_enable_shellvar, (struct libscols_table *, int)) \
	X(int, table_enable_noheadings, (struct libscols_table *, int)) \
	X(int, table_set_column_separator, (struct libscols_table *, const char *)) \
	X(struct libscols_column *, table_new_column, \
	  (struct libscols_table *, const char *, double, int)) \
	X(int, column_set_json_type, (struct libscols_column *, int)) \
	X(struct libscols_line *, table_new_line, \
	  (struct libscols_table *, struct libscols_line *)) \
	X(int, line_set_data, (struct libscols_line *, size_t, const char *)) \
	X(int, print_table, (struct libscols_table *))

#define IB_SCOLS_FIELD(ret, name, params) ret (*name) params;
struct ib_scols {
	IB_SCOLS_FUNCS(IB_SCOLS_FIELD)
};
#undef IB_SCOLS_FIELD

/* The library's functions, loading it on the first call. NULL if it cannot be
 * loaded (not installed, a static build, a symbol missing): then *WHY says why,
 * in a few words naming libsmartcols.so.1. */
const struct ib_scols *ib_scols(const char **why);

#endif
