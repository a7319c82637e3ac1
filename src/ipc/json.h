/* A small JSON writer: one document to a stdio stream, two-space indents, commas and
 * nesting tracked for the caller. Strings are escaped per RFC 8259 and bytes that are
 * not valid UTF-8 become U+FFFD, so any C string (a user name, a POSIX object name)
 * yields valid JSON. */
#ifndef IPCBOX_JSON_H
#define IPCBOX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IB_JSON_MAX_DEPTH 16

struct ib_json {
	FILE *f;
	int depth;
	bool first[IB_JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;                /* a key was written: the value follows on its line */
};

void ib_json_init(struct ib_json *j, FILE *f);

/* Containers. Inside an object, call ib_json_key before each value. */
void ib_json_begin_object(struct ib_json *j);
void ib_json_end_object(struct ib_json *j);
void ib_json_begin_array(struct ib_json *j);
void ib_json_end_array(struct ib_json *j);
void ib_json_key(struct ib_json *j, const char *key);

/* Values. */
void ib_json_string(struct ib_json *j, const char *s);
void ib_json_u64(struct ib_json *j, uint64_t v);
void ib_json_i64(struct ib_json *j, int64_t v);
void ib_json_bool(struct ib_json *j, bool v);
void ib_json_null(struct ib_json *j);

/* Ends the document with a newline. */
void ib_json_finish(struct ib_json *j);

/* Writes S to F as a JSON string literal, quotes included. */
void ib_json_write_string(FILE *f, const char *s);

#endif
