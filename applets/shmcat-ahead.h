/* Working ahead of a copy through a memory mapping: a helper thread fills in the page
 * tables of the next granules (one madvise per MiB instead of one fault per page)
 * and, when asked, saves the bytes the copy is about to overwrite, so the copy itself
 * only copies. With no thread to be had, the same work is done in line. */
#ifndef IPCBOX_SHMCAT_AHEAD_H
#define IPCBOX_SHMCAT_AHEAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IB_AHEAD_GRANULE ((size_t)1 << 20)

struct ib_ahead {
	unsigned char *base;   /* the mapping the copy goes through */
	size_t len;            /* its length */
	bool writable;         /* the copy writes into it */
	unsigned char *backup; /* NULL, or LEN bytes where the old contents are saved */
	int fd;                /* -1, or the file mapped at BASE (see ib_ahead_start) */
	off_t fd_off;
	int err;               /* why the backup stopped short, or 0 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t ready;          /* [0, ready) is prepared */
	size_t done;           /* the copy has reached here */
	bool stop, threaded;
	pthread_t thread;
};

/* Starts working ahead on [BASE, BASE+LEN). The helper thread runs with every signal
 * but SIGBUS blocked. Never fails: without a thread, ib_ahead_reached does the work.
 * FD is -1, or a descriptor of the file that BASE maps from offset FD_OFF (a POSIX
 * segment, which another process may truncate and whose file system may be full):
 * then the backup is read with pread(2), which cannot fault and allocates nothing for
 * holes, and a writable mapping is not populated (its writer reserves what it needs). */
void ib_ahead_start(struct ib_ahead *a, unsigned char *base, size_t len, bool writable,
		    unsigned char *backup, int fd, off_t fd_off);

/* Says the copy has reached DONE and returns how far it may go: with a backup, the
 * end of what is saved (waiting until that is past DONE, unless DONE == LEN); without,
 * LEN. If the backup cannot go past DONE (the file is shorter now, a read error), it
 * returns DONE with a->err set (EFAULT: the file shrank). */
size_t ib_ahead_reached(struct ib_ahead *a, size_t done);

/* Stops the helper; afterwards [0, ready) of the backup holds the old bytes. */
void ib_ahead_stop(struct ib_ahead *a);

/* Copies N bytes from SRC (NULL: zeros) to DST where either is a mapping of a file
 * that another process may truncate: a page that is gone raises SIGBUS, which is
 * caught and stops the copy there. Returns 0, or -1 with errno EFAULT. Any thread. */
int ib_copy_mapped(void *dst, const void *src, size_t n);

#endif
