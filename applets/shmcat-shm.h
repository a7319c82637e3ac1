/* Shared memory segments, System V or POSIX, as selected by an ib_object: open (or
 * create), attach, detach, and print the status. Every function that fails prints
 * one line (with the segment's label) and returns -1. */
#ifndef IPCBOX_SHMCAT_SHM_H
#define IPCBOX_SHMCAT_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ipc/object.h"

struct ib_shm {
	bool posix;
	const char *name; /* POSIX: "/NAME" */
	int id;           /* System V id, or -1 */
	int fd;           /* POSIX descriptor, or -1 (not open: --stat without read permission) */
	bool created;     /* this process made it */
	size_t size;      /* bytes; set by ib_shm_attach */
	unsigned char *addr; /* the mapping, or NULL (not attached, or size 0) */
	bool writable;
	char label[80];   /* "key 0x0000162e", "id 5" or "/NAME", for messages */
};

/* Opens the segment O selects; with -c creates it with SIZE bytes (-x: only if new),
 * mode o->mode exactly (the umask does not apply). ACCESS is what the caller will do,
 * as mode bits: 0400 read, 0600 read and write, 0 only stat. */
int ib_shm_open(const struct ib_object *o, size_t size, int access, struct ib_shm *s);

/* Maps the whole segment: read-only (SHM_RDONLY, PROT_READ: read permission is
 * enough) or read-write. Sets s->size and s->addr. Works on a System V segment that
 * was marked for removal while it is still attached somewhere. */
int ib_shm_attach(struct ib_shm *s, bool writable);

/* Makes sure bytes [OFF, OFF+LEN) of an attached segment have memory behind them,
 * without changing a byte, so that writing them cannot fail (SIGBUS) later: a POSIX
 * segment's pages are allocated (fallocate); a System V segment needs nothing.
 * Returns 0, or -1 with errno (ENOSPC: its file system is full). Prints nothing. */
int ib_shm_reserve(const struct ib_shm *s, size_t off, size_t len);

/* Whether an attached POSIX segment is shorter now than when it was attached (another
 * process truncated it); its size now in *NOW. */
bool ib_shm_shrank(const struct ib_shm *s, size_t *now);

/* Detaches and closes; S may be half-opened. Never fails. */
void ib_shm_close(struct ib_shm *s);

/* Prints the segment's status to F: "label:  value" lines (times in the locale's
 * format), or with JSON one object with the fields ipcs --json gives a segment
 * (ipc/ipcjson.h, ipcs(1)). Needs no read permission. */
int ib_shm_print_status(const struct ib_shm *s, FILE *f, bool json);

#endif
