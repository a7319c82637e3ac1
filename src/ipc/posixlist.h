/* Listing POSIX IPC objects (shared by ipcs and ipcrm):
 *   message queues   files of the mqueue fs at /dev/mqueue ("QSIZE:..." read from
 *                    each; the message count from mq_getattr where we may open it)
 *   shared memory    regular files in /dev/shm not named sem.*
 *   named semaphores /dev/shm/sem.NAME; the value read from a copy of the file (no
 *                    mapping: a truncated file cannot raise SIGBUS)
 *
 * Every function returns 0 on success, -1 with errno set on failure; none prints.
 * ib_posix_list fails with ENOENT when /dev/mqueue is not an mqueue mount (say so
 * to the user: queues cannot be listed then), or the directory's own errno. */
#ifndef IPCBOX_POSIXLIST_H
#define IPCBOX_POSIXLIST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/kind.h"

#define IB_MQUEUE_DIR "/dev/mqueue"
#define IB_SHM_DIR "/dev/shm"

struct ib_posix_info {
	enum ib_kind kind;
	char name[NAME_MAX + 2]; /* "/NAME", as mq_open/shm_open/sem_open take it */
	uid_t uid;
	gid_t gid;
	mode_t mode;             /* permission bits only */
	dev_t dev;               /* the file's device and inode, to match users */
	ino_t ino;
	uint64_t size;           /* shm: bytes; mq: QSIZE (bytes queued); sem: file size */
	int64_t mtime, ctime, atime;
	/* message queues */
	bool msgs_known;         /* false when mq_open was refused */
	long msgs, maxmsg, msgsize;
	pid_t notify_pid;        /* 0: no one registered with mq_notify */
	int notify, signo;
	/* semaphores */
	bool value_known;        /* false when the file could not be read */
	int value;
	uint64_t blocks;         /* st_blocks: 512-byte units of memory or swap behind it */
};

/* Lists the objects of one kind into *OUT (malloc'd; free it), sorted by name. */
int ib_posix_list(enum ib_kind kind, struct ib_posix_info **out, size_t *n);

/* One object by its "/NAME". ENOENT: no such object. */
int ib_posix_stat(enum ib_kind kind, const char *name, struct ib_posix_info *out);

/* Totals over every object of one kind (ipcs -u --posix). */
struct ib_posix_summary {
	size_t objects;          /* how many there are */
	size_t unreadable;       /* mq: queues whose counts could not be read (no
				  * permission to open them): left out of the totals */
	uint64_t messages;       /* mq: messages queued */
	uint64_t bytes;          /* mq: bytes queued (QSIZE); shm: sum of the sizes */
	uint64_t pages;          /* shm: pages of memory or swap behind them (from
				  * st_blocks; a sparse object uses fewer than its size) */
};
/* Fails as ib_posix_list does. */
int ib_posix_summary(enum ib_kind kind, struct ib_posix_summary *s);

/* The pages of memory or swap behind O (from its block count). */
uint64_t ib_posix_pages_used(const struct ib_posix_info *o);

/* "message queue", "shared memory", "semaphore". */
const char *ib_posix_kind_name(enum ib_kind kind);

/* POSIX message queue limits from /proc/sys/fs/mqueue (-1 where unreadable). */
struct ib_posix_msgq_limits {
	long queues_max, msg_max, msgsize_max, msg_default, msgsize_default;
};
int ib_posix_msgq_limits(struct ib_posix_msgq_limits *l); /* -1 if none could be read */

/* True if /dev/mqueue is an mqueue file system (so queues can be listed). */
bool ib_mqueue_mounted(void);

#endif
