/* Working ahead of a copy through a mapping. */
#include "ipc/ahead.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipc/compat.h"

/* How far ahead of the copy the helper goes: enough to never make it wait, little
 * enough that input much shorter than the room costs little. */
#define AHEAD_MAX (32 * IB_AHEAD_GRANULE)

/* Set once a kernel older than 5.14 has refused MADV_POPULATE_* (EINVAL). */
static atomic_bool no_populate;

void ib_populate(unsigned char *p, size_t n, bool writable)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(page - 1);
	size_t len = n + ((uintptr_t)p - a);
	if (!atomic_load_explicit(&no_populate, memory_order_relaxed)) {
		if (madvise((void *)a, len, writable ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) == 0 ||
		    errno != EINVAL)
			return;
		atomic_store_explicit(&no_populate, true, memory_order_relaxed);
	}
	/* Only a hint then: it reads the pages in but never faults, so a segment
	 * truncated under us cannot raise SIGBUS here. */
	madvise((void *)a, len, MADV_WILLNEED);
}

/* Prepares the next granule; called with the lock held, drops it meanwhile. */
static void prepare_next(struct ib_ahead *a)
{
	size_t from = a->ready;
	size_t n = a->len - from < IB_AHEAD_GRANULE ? a->len - from : IB_AHEAD_GRANULE;
	pthread_mutex_unlock(&a->lock);
	ib_populate(a->base + from, n, a->writable);
	if (a->backup)
		memcpy(a->backup + from, a->base + from, n);
	pthread_mutex_lock(&a->lock);
	a->ready = from + n;
	pthread_cond_broadcast(&a->cond);
}

static void *worker(void *arg)
{
	struct ib_ahead *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->stop && a->ready < a->len && a->ready >= a->done + AHEAD_MAX)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->stop || a->ready >= a->len)
			break;
		prepare_next(a);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

void ib_ahead_start(struct ib_ahead *a, unsigned char *base, size_t len, bool writable,
		    unsigned char *backup)
{
	a->base = base;
	a->len = len;
	a->writable = writable;
	a->backup = backup;
	a->ready = a->done = 0;
	a->stop = false;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	/* Signals are the main thread's business: the helper blocks them all. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	/* A few MiB are done in line sooner than a thread starts. */
	a->threaded = len > 4 * IB_AHEAD_GRANULE && pthread_create(&a->thread, NULL, worker, a) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

size_t ib_ahead_reached(struct ib_ahead *a, size_t done)
{
	pthread_mutex_lock(&a->lock);
	a->done = done;
	if (a->threaded)
		pthread_cond_broadcast(&a->cond);
	if (a->threaded && !a->backup) {
		pthread_mutex_unlock(&a->lock);
		return a->len; /* populating is only a hint: no need to wait for it */
	}
	while (a->ready <= done && a->ready < a->len) {
		if (a->threaded)
			pthread_cond_wait(&a->cond, &a->lock);
		else
			prepare_next(a);
	}
	size_t ready = a->ready;
	pthread_mutex_unlock(&a->lock);
	return ready;
}

void ib_ahead_stop(struct ib_ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (a->threaded)
		pthread_join(a->thread, NULL);
	a->threaded = false;
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
}
