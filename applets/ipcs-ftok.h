/* ipcs --ftok-scan: which file a System V key came from. ftok(3) makes a key of
 * proj << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff), so the files of some
 * directories, indexed by their low 24 bits, give for each key the PATH:PROJ that
 * makes it: several when the low bits collide, none for a key whose PROJ byte is 0
 * (ftok's PROJ must not be). ipcs alone uses this. */
#ifndef IPCBOX_IPCS_FTOK_H
#define IPCBOX_IPCS_FTOK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipc/json.h"

struct ib_ftok;
struct ib_ftok *ib_ftok_new(void); /* NULL: out of memory */

/* Adds DIR itself and the files in it (RECURSIVE: and in its subdirectories, not
 * following symbolic links to directories), as ftok names them (following
 * links). Says on stderr what cannot be read; false if DIR itself cannot be. */
bool ib_ftok_add(struct ib_ftok *t, const char *dir, bool recursive);

/* The paths whose ftok key with KEY's PROJ is KEY, in the order found; a file
 * reached by several paths is named once, by the first. */
struct ib_ftok_match {
	const char *const *paths;
	size_t n;
	unsigned proj;
};
struct ib_ftok_match ib_ftok_find(struct ib_ftok *t, key_t key);

/* "PATH:PROJ" for each match, comma-separated, or "-"; into BUF ("..." if cut). */
const char *ib_ftok_text(const struct ib_ftok_match *m, char *buf, size_t len);
/* JSON member "ftok": ["PATH:PROJ", ...]. */
void ib_ftok_json(struct ib_json *j, const struct ib_ftok_match *m);

void ib_ftok_free(struct ib_ftok *t);

#endif
