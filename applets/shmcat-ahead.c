/* Working ahead of a copy through a mapping. */
#include "shmcat-ahead.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipc/compat.h"
#include "ipc/io.h"

/* How far ahead of the copy the helper goes: enough to never make it wait, little
 * enough that input much shorter than the room costs little. */
#define AHEAD_MAX (32 * IB_AHEAD_GRANULE)

/* Set once a kernel older than 5.14 has refused MADV_POPULATE_* (EINVAL). */
static atomic_bool no_populate;

/* Fills in the page tables of [P, P+N) in one call (Linux 5.14+; older kernels get
 * MADV_WILLNEED, a read-ahead hint). */
static void populate(unsigned char *p, size_t n, bool writable)
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

/* The SIGBUS guard of ib_copy_mapped: where the copy in this thread jumps to.
 * volatile: memcpy is known not to read it, so clang dropped both stores around
 * the copy, and a truncated segment killed shmcat with SIGBUS (caught by the
 * adversary test in tests/shmcat.bats, clang build only). */
static _Thread_local sigjmp_buf *volatile guard;

static void on_sigbus(int sig)
{
	if (guard)
		siglongjmp(*guard, 1);
	signal(sig, SIG_DFL); /* a fault of ours: the access faults again and kills */
}

static void install_sigbus(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
}

int ib_copy_mapped(void *dst, const void *src, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_sigbus);
	sigjmp_buf here;
	if (sigsetjmp(here, 1)) {
		guard = NULL;
		errno = EFAULT;
		return -1;
	}
	guard = &here;
	if (src)
		memcpy(dst, src, n);
	else
		memset(dst, 0, n);
	guard = NULL;
	return 0;
}

/* Saves [FROM, FROM+N) of the file to the backup. Returns 0 or an error number. */
static int save_from_file(struct ib_ahead *a, size_t from, size_t n)
{
	ssize_t got = ib_pread_full(a->fd, a->backup + from, n, a->fd_off + (off_t)from);
	if (got < 0)
		return errno;
	return (size_t)got < n ? EFAULT : 0; /* the file is shorter than the mapping now */
}

/* Prepares the next granule; called with the lock held, drops it meanwhile. */
static void prepare_next(struct ib_ahead *a)
{
	size_t from = a->ready;
	size_t n = a->len - from < IB_AHEAD_GRANULE ? a->len - from : IB_AHEAD_GRANULE;
	int err = 0;
	pthread_mutex_unlock(&a->lock);
	if (a->fd < 0 || !a->writable)
		populate(a->base + from, n, a->writable);
	if (a->backup && a->fd >= 0)
		err = save_from_file(a, from, n);
	else if (a->backup)
		memcpy(a->backup + from, a->base + from, n);
	pthread_mutex_lock(&a->lock);
	if (err)
		a->err = err;
	else
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
		if (a->stop || a->err || a->ready >= a->len)
			break;
		prepare_next(a);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

void ib_ahead_start(struct ib_ahead *a, unsigned char *base, size_t len, bool writable,
		    unsigned char *backup, int fd, off_t fd_off)
{
	a->base = base;
	a->len = len;
	a->writable = writable;
	a->backup = backup;
	a->fd = fd;
	a->fd_off = fd_off;
	a->err = 0;
	a->ready = a->done = 0;
	a->stop = false;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	/* Signals are the main thread's business: the helper blocks them all but
	 * SIGBUS, which a blocked fault would turn into death. */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
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
	while (a->ready <= done && a->ready < a->len && !a->err) {
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
