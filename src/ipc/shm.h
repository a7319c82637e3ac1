/* Shared memory segments, System V or POSIX, as selected by an ib_object: open (or
 * create), attach, detach, and a stat record with text and JSON printers that suit
 * any tool showing segments. Every function that fails prints one line (with the
 * segment's label) and returns -1. */
#ifndef IPCBOX_SHM_H
#define IPCBOX_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

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

/* Detaches and closes; S may be half-opened. Never fails. */
void ib_shm_close(struct ib_shm *s);

/* What --stat shows. System V times are attach, detach, change; POSIX ones are the
 * file's access, modification and change times. 0 means never. */
struct ib_shm_info {
	bool posix;
	const char *name;      /* POSIX */
	key_t key;             /* System V */
	int id;                /* System V */
	uint64_t size;
	uid_t uid, cuid;
	gid_t gid, cgid;
	mode_t mode;           /* permission bits */
	bool dest, locked;     /* System V SHM_DEST, SHM_LOCKED */
	uint64_t nattch;       /* System V */
	pid_t cpid, lpid;      /* System V */
	time_t atime, dtime, mtime, ctime;
};

/* Fills INFO; needs no read permission (falls back to /proc/sysvipc/shm or the
 * file in /dev/shm). */
int ib_shm_stat(const struct ib_shm *s, struct ib_shm_info *info);

/* "label:        value" lines, times in the locale's format. */
void ib_shm_info_print(FILE *f, const struct ib_shm_info *info);
/* One JSON object (fields in shmcat(1)), ending with a newline. */
void ib_shm_info_json(FILE *f, const struct ib_shm_info *info);

#endif
