/* Working ahead of a copy through a memory mapping: a helper thread fills in the page
 * tables of the next granules (one madvise per MiB instead of one fault per page)
 * and, when asked, saves the bytes the copy is about to overwrite, so the copy itself
 * only copies. With no thread to be had, the same work is done in line. */
#ifndef IPCBOX_AHEAD_H
#define IPCBOX_AHEAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define IB_AHEAD_GRANULE ((size_t)1 << 20)

struct ib_ahead {
	unsigned char *base;   /* the mapping the copy goes through */
	size_t len;            /* its length */
	bool writable;         /* the copy writes into it */
	unsigned char *backup; /* NULL, or LEN bytes where the old contents are saved */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t ready;          /* [0, ready) is prepared */
	size_t done;           /* the copy has reached here */
	bool stop, threaded;
	pthread_t thread;
};

/* Starts working ahead on [BASE, BASE+LEN). The helper thread runs with every signal
 * blocked. Never fails: without a thread, ib_ahead_reached does the work. */
void ib_ahead_start(struct ib_ahead *a, unsigned char *base, size_t len, bool writable,
		    unsigned char *backup);

/* Says the copy has reached DONE and returns how far it may go: with a backup, the
 * end of what is saved (waiting until that is past DONE, unless DONE == LEN); without,
 * LEN. */
size_t ib_ahead_reached(struct ib_ahead *a, size_t done);

/* Stops the helper; afterwards [0, ready) of the backup holds the old bytes. */
void ib_ahead_stop(struct ib_ahead *a);

/* Fills in the page tables of [P, P+N) in one call (Linux 5.14+; older kernels get
 * MADV_WILLNEED, a read-ahead hint). */
void ib_populate(unsigned char *p, size_t n, bool writable);

#endif
