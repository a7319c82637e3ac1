/* A small JSON writer for --json output: one document on a FILE, indented two
 * spaces a level (as lsipc -J does), strings escaped per RFC 8259. Keys are given
 * inside objects and NULL inside arrays. A one-line object keeps its members
 * on its own line: {"a": 1, "b": 2}. */
#ifndef IPCBOX_JSON_H
#define IPCBOX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IB_JSON_MAX_DEPTH 16

struct ib_json {
	FILE *f;
	int depth;
	int indent;      /* levels that indent: those not one-line */
	bool has_items[IB_JSON_MAX_DEPTH];
	bool one_line[IB_JSON_MAX_DEPTH];
	size_t len;      /* bytes waiting in buf: written to F in large blocks */
	char buf[16384];
};

void ib_json_init(struct ib_json *j, FILE *f);
void ib_json_open(struct ib_json *j, const char *key);       /* { */
void ib_json_close(struct ib_json *j);                       /* } */
void ib_json_open_array(struct ib_json *j, const char *key); /* [ */
void ib_json_close_array(struct ib_json *j);                 /* ] */
void ib_json_open_line(struct ib_json *j, const char *key);       /* { one-line */
void ib_json_str(struct ib_json *j, const char *key, const char *s); /* NULL: null */
void ib_json_int(struct ib_json *j, const char *key, int64_t v);
void ib_json_uint(struct ib_json *j, const char *key, uint64_t v);
void ib_json_bool(struct ib_json *j, const char *key, bool v);
void ib_json_null(struct ib_json *j, const char *key);
/* Ends the document with a newline (after the outermost close) and hands
 * everything to the FILE. */
void ib_json_end(struct ib_json *j);

#endif
