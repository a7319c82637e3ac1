/* The fan-out copier. Each round tees what the source pipe holds (up to its size)
 * into every branch but the last, then moves the same bytes into the last branch
 * with splice, which consumes them: the bytes stay in the kernel. A tee into a fuller
 * branch may take less than the round's count; as tee always starts at the head of
 * the source, the rest of such a round is read once and written to those branches
 * (and the last). Where tee cannot be used at all (the source is not a pipe), the
 * copy is read and write throughout. EPIPE counts as a branch gone only when its
 * pipe really has no reader left (poll says POLLERR); anything else is an error, said
 * on stderr, and the copier ends with status 1, which pipeline turns into its own
 * failure: a branch never gets less than the whole input silently. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "pipeline-fanout.h"

enum { RW_CHUNK = 128 * 1024 };

struct copy {
	const struct ib_fanout *f;
	size_t live;    /* branches still reading */
	size_t *got;    /* per branch: bytes of this round it has */
	char *buf;      /* for the rest of a round, and for read/write */
	size_t bufsize;
};

/* Waits until FD is ready for EVENTS (after EAGAIN: a descriptor we were given may
 * be non-blocking). */
static void wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/* Whether branch pipe FD has no reader any more. */
static bool gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

static int fail(const struct copy *c, int err, const char *what, size_t branch)
{
	if (branch)
		ib_warn_sys(err, "fan-out after stage %zu: %s branch %zu", c->f->after, what,
			    branch);
	else
		ib_warn_sys(err, "fan-out after stage %zu: %s", c->f->after, what);
	return -1;
}

/* Leaves branch I out after EPIPE, if it has really gone; -1 if not. */
static int drop(struct copy *c, size_t i, const char *what)
{
	int fd = c->f->out[i];
	if (!gone(fd))
		return fail(c, EPIPE, what, i + 1);
	close(fd);
	c->f->out[i] = -1;
	c->live--;
	return 0;
}

/* Writes LEN bytes to branch I; a branch gone is dropped. */
static int put(struct copy *c, size_t i, const char *p, size_t len)
{
	if (c->f->out[i] < 0 || len == 0)
		return 0;
	if (ib_write_all(c->f->out[i], p, len, NULL) == 0)
		return 0;
	if (errno == EPIPE)
		return drop(c, i, "write to");
	return fail(c, errno, "write to", i + 1);
}

/* Reads exactly LEN bytes of the source (which holds them) into the buffer. */
static int take(struct copy *c, size_t len)
{
	ssize_t r = ib_read_full(c->f->src, c->buf, len);
	if (r < 0)
		return fail(c, errno, "read", 0);
	if ((size_t)r < len)
		return fail(c, EIO, "read (the input ended within what tee saw)", 0);
	return 0;
}

static int rw_copy(struct copy *c)
{
	for (;;) {
		ssize_t r = ib_read_some(c->f->src, c->buf, c->bufsize);
		if (r < 0)
			return fail(c, errno, "read", 0);
		if (r == 0)
			return 0;
		for (size_t i = 0; i < c->f->n && c->live; i++)
			if (put(c, i, c->buf, (size_t)r) != 0)
				return -1;
		if (!c->live)
			return 0;
	}
}

/* One tee of up to LEN bytes into branch I: the count, 0 at the end of the input, -2
 * if the branch has gone, -3 when tee cannot be used here (EINVAL), -1 on error. */
static ssize_t tee_once(struct copy *c, size_t i, size_t len)
{
	for (;;) {
		ssize_t m = tee(c->f->src, c->f->out[i], len, 0);
		if (m >= 0)
			return m;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) { /* a non-blocking end: wait for it */
			wait_fd(c->f->src, POLLIN);
			wait_fd(c->f->out[i], POLLOUT);
			continue;
		}
		if (errno == EPIPE)
			return drop(c, i, "tee to") == 0 ? -2 : -1;
		if (errno == EINVAL)
			return -3;
		fail(c, errno, "tee to", i + 1);
		return -1;
	}
}

/* Moves LEN bytes of the source into branch I with splice; if the branch goes, reads
 * the rest away. */
static int splice_exact(struct copy *c, size_t i, size_t len)
{
	while (len > 0) {
		ssize_t m = splice(c->f->src, NULL, c->f->out[i], NULL, len, SPLICE_F_MOVE);
		if (m > 0) {
			len -= (size_t)m;
			continue;
		}
		if (m < 0 && errno == EINTR)
			continue;
		if (m < 0 && errno == EAGAIN) {
			wait_fd(c->f->out[i], POLLOUT);
			continue;
		}
		if (m < 0 && errno == EPIPE) {
			if (drop(c, i, "splice to") != 0)
				return -1;
			return take(c, len);
		}
		return fail(c, m < 0 ? errno : EIO, "splice to", i + 1);
	}
	return 0;
}

/* One round: tee into each live branch but the last, then the last gets the bytes
 * by splice (or, if a tee fell short, by a read and writes). Returns 1 to go on, 0 at
 * the end, -1 on error, -3 when tee cannot be used (only before any byte moved). */
static int tee_round(struct copy *c, bool first)
{
	size_t last = c->f->n, len = 0;
	bool have = false, short_tee = false;
	while (last-- > 0 && c->f->out[last] < 0)
		;
	for (size_t i = 0; i < last; i++) {
		if (c->f->out[i] < 0)
			continue;
		ssize_t m = tee_once(c, i, have ? len : c->bufsize);
		if (m == -2)
			continue;
		if (m == -3 && first && !have)
			return -3;
		if (m < 0)
			return m == -3 ? fail(c, EINVAL, "tee to", i + 1) : -1;
		if (!have) {
			if (m == 0)
				return 0;
			len = (size_t)m;
			have = true;
		}
		c->got[i] = (size_t)m;
		short_tee |= (size_t)m < len;
	}
	if (!have) { /* one branch left: as much as splice takes */
		ssize_t m;
		do
			m = splice(c->f->src, NULL, c->f->out[last], NULL, c->bufsize, SPLICE_F_MOVE);
		while (m < 0 && errno == EINTR);
		if (m < 0 && errno == EINVAL && first)
			return -3;
		if (m < 0 && errno == EAGAIN) {
			wait_fd(c->f->src, POLLIN);
			wait_fd(c->f->out[last], POLLOUT);
			return 1;
		}
		if (m < 0 && errno == EPIPE)
			return drop(c, last, "splice to") == 0 ? 1 : -1;
		if (m < 0)
			return fail(c, errno, "splice to", last + 1);
		return m > 0;
	}
	if (!short_tee)
		return splice_exact(c, last, len) == 0 ? 1 : -1;
	if (take(c, len) != 0 || put(c, last, c->buf, len) != 0)
		return -1;
	for (size_t i = 0; i < last; i++)
		if (c->f->out[i] >= 0 && c->got[i] < len &&
		    put(c, i, c->buf + c->got[i], len - c->got[i]) != 0)
			return -1;
	return 1;
}

int ib_fanout_run(void *arg)
{
	const struct ib_fanout *f = arg;
	/* It stops when its input ends or no branch reads: signals that end the stages
	 * (theirs to take) leave it running until then; EPIPE comes as an error. */
	for (int i = 0; i < 4; i++)
		signal((int[]){ SIGPIPE, SIGINT, SIGTERM, SIGHUP }[i], SIG_IGN);
	for (size_t i = 0; i < f->n; i++)
		close(f->drop[i]);
	struct copy c = { .f = f, .live = f->n };
	int size = fcntl(f->src, F_GETPIPE_SZ);
	bool pipe_src = size > 0;
	c.bufsize = pipe_src ? (size_t)size : RW_CHUNK;
	c.buf = malloc(c.bufsize);
	c.got = calloc(f->n, sizeof *c.got);
	if (!c.buf || !c.got) {
		fail(&c, ENOMEM, "allocate its buffer", 0);
		return 1;
	}
	int r = pipe_src ? 1 : -3;
	for (bool first = true; r == 1 && c.live > 0; first = false)
		r = tee_round(&c, first);
	if (r == -3)
		r = rw_copy(&c);
	return r < 0 ? 1 : 0;
}
