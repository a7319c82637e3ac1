/* The splice/copy relay. See relay.h. */
#include "sockcat-relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/parse.h"

#include "sockcat-sockaddr.h"

enum mode { SPLICE, COPY };
enum step { DONE_SOME, AGAIN, END, FAIL };

struct state {
	struct ib_relay_dir *d;
	enum mode mode;
	int pipe[2];     /* SPLICE: the internal pipe */
	size_t pending;  /* SPLICE: bytes in it */
	size_t cap;      /* SPLICE: its size */
	char *buf;       /* COPY: the buffer, OFF..LEN still to write */
	size_t bufsize, off, len;
	bool in_sock, out_sock;
	bool in_nb;      /* IN may be tried without asking poll first */
	bool in_ready, out_ready, in_blocked, eof, done, shut;
	bool blocking;   /* the last direction left, its own sockets made blocking */
	bool no_dest;    /* d->to has no address yet: OUT is not polled */
	bool nap;        /* d->to's peer was full: try again shortly (an unconnected
			    socket's POLLOUT does not say when a UNIX peer has room) */
};

static bool nonblocking(int fd, bool splice_mode)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		return true;
	if (fstat(fd, &st) != 0)
		return false;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return true;
	return splice_mode && S_ISFIFO(st.st_mode); /* SPLICE_F_NONBLOCK covers a pipe */
}

static bool is_socket(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int to_copy_mode(struct state *s, size_t chunk)
{
	size_t want = chunk > s->pending ? chunk : s->pending;
	s->buf = malloc(want);
	if (!s->buf) {
		ib_warn_sys(ENOMEM, "relay buffer");
		return -1;
	}
	s->bufsize = want;
	s->off = s->len = 0;
	/* Whatever the pipe holds goes first. */
	while (s->pending > 0) {
		ssize_t n = read(s->pipe[0], s->buf + s->len, s->pending);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ib_warn_sys(n < 0 ? errno : EIO, "read from the relay pipe");
			return -1;
		}
		s->len += (size_t)n;
		s->pending -= (size_t)n;
	}
	s->mode = COPY;
	s->in_nb = nonblocking(s->d->in, false);
	s->in_ready = s->in_nb;
	return 0;
}

static void observe(struct state *s, const char *p, size_t n)
{
	if (s->d->observe && n > 0)
		s->d->observe(s->d->observe_arg, p, n);
}

/* A message sendto could not deliver to D->to: said, and dropped. Returns whether the
 * relay goes on (ERR is about that peer, not about our socket). */
static bool undelivered(const struct ib_relay_dir *d, size_t len, int err)
{
	char name[IB_SOCKADDR_STRLEN];
	if (d->to->len <= sizeof(sa_family_t)) {
		ib_warn("%s: a message of %zu bytes for an unbound sender dropped: it has no "
			"address to answer", d->out_name, len);
		return true;
	}
	ib_sockaddr_format((const struct sockaddr *)&d->to->ss, d->to->len, SOCK_DGRAM, name,
			   sizeof(name));
	if (err != ECONNREFUSED && err != ENOENT && err != EHOSTUNREACH && err != ENETUNREACH &&
	    err != EPERM && err != EACCES && err != EMSGSIZE && err != ENOTDIR) {
		ib_warn_sys(err, "send to %s", name);
		return false;
	}
	ib_warn_sys(err, "send to %s (a message of %zu bytes dropped)", name, len);
	return true;
}

/* Moves what is buffered towards OUT. */
static enum step drain(struct state *s, size_t chunk)
{
	struct ib_relay_dir *d = s->d;
	for (;;) {
		ssize_t n;
		if (d->to && d->to->len == 0) {
			s->no_dest = true;
			return AGAIN;
		} else if (d->to && s->mode == COPY) {
			errno = EDESTADDRREQ; /* an unbound sender */
			n = d->to->len <= sizeof(sa_family_t) ? -1 :
			    sendto(d->out, s->buf + s->off, s->len - s->off, MSG_NOSIGNAL,
				   (const struct sockaddr *)&d->to->ss, d->to->len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				s->nap = true;
				return AGAIN;
			}
			if (n < 0) {
				if (!undelivered(d, s->len - s->off, errno))
					return FAIL;
				s->off = s->len = 0;
				return DONE_SOME;
			}
		} else if (s->mode == SPLICE) {
			n = splice(s->pipe[0], NULL, d->out, NULL, s->pending,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
				if (to_copy_mode(s, chunk) != 0)
					return FAIL;
				continue;
			}
		} else if (s->out_sock) {
			n = send(d->out, s->buf + s->off, s->len - s->off, MSG_NOSIGNAL);
		} else {
			n = write(d->out, s->buf + s->off, s->len - s->off);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return AGAIN;
			if (errno == EIO && d->pty) { /* the terminal is closed: nobody reads */
				s->pending = s->off = s->len = 0;
				s->eof = true;
				return DONE_SOME;
			}
			ib_warn_sys(errno, "write to %s", d->out_name);
			return FAIL;
		}
		if (s->mode == SPLICE) {
			s->pending -= (size_t)n;
		} else if (d->message && s->out_sock) {
			s->off = s->len = 0; /* a datagram goes whole or not at all */
		} else {
			s->off += (size_t)n;
			if (s->off == s->len)
				s->off = s->len = 0;
		}
		d->bytes += (uint64_t)n;
		return DONE_SOME;
	}
}

/* Whether a datagram from SA (LEN bytes) is relayed; if so its sender may be answered. */
static bool taken(struct ib_relay_dir *d, struct sockaddr_storage *sa, socklen_t len)
{
	if (len < sizeof(sa_family_t)) { /* an unbound UNIX sender: no address at all */
		sa->ss_family = AF_UNIX;
		len = sizeof(sa_family_t);
	}
	if (d->only_from && (len != d->only_from_len || memcmp(sa, d->only_from, len) != 0))
		return false;
	if (d->admit && !d->admit(d->admit_arg, (const struct sockaddr *)sa, len))
		return false;
	if (d->from && len > sizeof(sa_family_t) && len <= sizeof(d->from->ss)) {
		memcpy(&d->from->ss, sa, len);
		d->from->len = len;
	}
	return true;
}

/* Takes more from IN. */
static enum step fill(struct state *s, size_t chunk)
{
	struct ib_relay_dir *d = s->d;
	for (;;) {
		ssize_t n;
		if (s->mode == SPLICE) {
			n = splice(d->in, NULL, s->pipe[1], NULL, s->cap - s->pending,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
				if (to_copy_mode(s, chunk) != 0)
					return FAIL;
				if (!s->in_ready)
					return AGAIN;
				continue;
			}
		} else {
			size_t max = s->bufsize;
			if (d->message && d->max_message && d->max_message < max)
				max = d->max_message;
			struct sockaddr_storage from;
			socklen_t fromlen = sizeof(from);
			if (s->in_sock && (d->only_from || d->admit || d->from)) {
				n = recvfrom(d->in, s->buf, max, MSG_TRUNC, (struct sockaddr *)&from,
					     &fromlen);
				if (n >= 0 && !taken(d, &from, fromlen))
					continue; /* not from the peer, or refused: dropped */
			} else if (s->in_sock)
				n = recv(d->in, s->buf, max, d->message ? MSG_TRUNC : 0);
			else
				n = read(d->in, s->buf, max);
			if (n > 0 && (size_t)n > max) {
				ib_warn("%s: a message of %zd bytes was cut to %zu (see --buffer)",
					d->in_name, n, max);
				n = (ssize_t)max;
			}
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return AGAIN;
			if (errno != EIO || !d->pty) {
				ib_warn_sys(errno, "read from %s", d->in_name);
				return FAIL;
			}
			n = 0; /* every process has closed the terminal: its end of file */
		}
		if (n == 0 && !(d->in_dgram && s->mode == COPY)) {
			if (d->at_eof && s->mode == COPY) {
				s->off = 0;
				s->len = d->at_eof(d->at_eof_arg, s->buf, s->bufsize);
			}
			return END;
		}
		if (s->mode == SPLICE) {
			s->pending += (size_t)n;
		} else {
			s->off = 0;
			s->len = (size_t)n;
			observe(s, s->buf, (size_t)n);
			if (n == 0)
				return DONE_SOME; /* an empty datagram: nothing to pass on */
		}
		return DONE_SOME;
	}
}

static bool has_data(const struct state *s)
{
	return s->mode == SPLICE ? s->pending > 0 : s->len > s->off;
}

static bool can_fill(const struct state *s)
{
	if (s->eof)
		return false;
	return s->mode == SPLICE ? s->pending < s->cap : s->len == 0;
}

/* Whether advance would try a read or a write now. */
static bool can_try(const struct state *s)
{
	return !s->done && ((has_data(s) && s->out_ready) ||
			    (can_fill(s) && s->in_ready && !s->in_blocked));
}

/* Runs one direction as far as it goes without waiting (blocking: one read and one
 * write, then back to the caller's loop). Returns -1 on failure, else whether
 * anything moved. */
static int advance(struct state *s, size_t chunk)
{
	int moved = 0;
	while (!s->done) {
		bool any = false;
		if (has_data(s) && s->out_ready) {
			enum step r = drain(s, chunk);
			if (r == FAIL)
				return -1;
			if (r == AGAIN) {
				s->out_ready = false;
			} else {
				any = true;
				s->in_blocked = false;
				if (s->in_nb)
					s->in_ready = true;
			}
		}
		if (can_fill(s) && s->in_ready && !s->in_blocked) {
			enum step r = fill(s, chunk);
			if (r == FAIL)
				return -1;
			if (r == AGAIN) {
				s->in_ready = false;
				if (has_data(s) && s->mode == SPLICE)
					s->in_blocked = true; /* IN empty or our pipe full: drain first */
			} else if (r == END) {
				s->eof = true;
				any = has_data(s); /* AT_EOF's bytes: drain them now */
			} else {
				any = true;
				if (!s->in_nb)
					s->in_ready = false;
			}
		}
		if (s->eof && !has_data(s)) {
			s->done = true;
			s->d->eof = true;
			if (s->d->shutdown_out && s->out_sock && !s->shut) {
				s->shut = true;
				if (shutdown(s->d->out, SHUT_WR) != 0 && errno != ENOTCONN) {
					ib_warn_sys(errno, "shut down sending to %s", s->d->out_name);
					return -1;
				}
			}
		}
		if (!any)
			break;
		moved = 1;
		if (s->blocking)
			break;
	}
	return moved;
}

/* How each kind of end is moved fastest, as tests/bench/sockcat.sh measures it
 * (Linux 6.x, loopback): splicing INTO a TCP socket is the slow part (the pages go
 * out in small fragments: about half the speed of plain writes), writing it from the
 * 1 MiB chunk is the fastest (with 256 KiB writes the receiving relay woke three
 * times as often, and the pair took 1.4x the CPU); splicing OUT of one is the
 * fastest; UNIX stream sockets splice best both ways. An end not listed (a pipe,
 * a file, another socket) splices. A direction splices only if both its ends do;
 * else it copies. */
static const struct {
	int family, type;
	bool splice_into, splice_out_of;
} ends[] = {
	{ AF_INET, SOCK_STREAM, false, true },
	{ AF_INET6, SOCK_STREAM, false, true },
	{ AF_UNIX, SOCK_STREAM, true, true },
};

/* FD's line in ENDS, or -1 (no socket, or none listed). */
static int end_kind(int fd)
{
	int family, type;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &(socklen_t){ sizeof(family) }) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &(socklen_t){ sizeof(type) }) != 0)
		return -1;
	for (int i = 0; i < (int)(sizeof(ends) / sizeof(ends[0])); i++)
		if (ends[i].family == family && ends[i].type == type)
			return i;
	return -1;
}

/* Sets up direction D; CHUNK is the buffer and pipe size. */
static int setup(struct state *s, struct ib_relay_dir *d, size_t chunk)
{
	int in = end_kind(d->in), out = end_kind(d->out);
	bool splices = (in < 0 || ends[in].splice_out_of) && (out < 0 || ends[out].splice_into);
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->pipe[0] = s->pipe[1] = -1;
	s->in_sock = is_socket(d->in);
	s->out_sock = is_socket(d->out);
	s->out_ready = true;
	d->bytes = 0;
	d->eof = false;
	if (d->message || d->copy_only || !splices) {
		s->mode = COPY;
		s->buf = malloc(chunk);
		if (!s->buf) {
			ib_warn_sys(ENOMEM, "relay buffer");
			return -1;
		}
		s->bufsize = chunk;
		s->in_nb = nonblocking(d->in, false);
	} else {
		s->mode = SPLICE;
		if (pipe2(s->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
			ib_warn_sys(errno, "relay pipe");
			return -1;
		}
		int got = fcntl(s->pipe[1], F_SETPIPE_SZ, (int)chunk);
		if (got < 0)
			got = fcntl(s->pipe[1], F_GETPIPE_SZ);
		s->cap = got > 0 ? (size_t)got : 65536;
		s->in_nb = nonblocking(d->in, true);
	}
	s->in_ready = s->in_nb;
	return 0;
}

static void teardown(struct state *s)
{
	if (s->pipe[0] >= 0)
		close(s->pipe[0]);
	if (s->pipe[1] >= 0)
		close(s->pipe[1]);
	free(s->buf);
}

/* Once only one stream direction is left and no timer runs, the caller's own sockets
 * in it (OWN_IN, OWN_OUT) are made blocking: a bulk transfer then waits in the kernel
 * rather than in a poll round trip per chunk (in the bench, on a loaded machine,
 * sockcat over TCP took 15% longer with the round trips). The timeouts bound every
 * call, so that a stalled peer still brings the loop to its ppoll, where a pending
 * SIGUSR1 is taken within BLOCK_TIMEOUT_US (a flowing one passes there every chunk).
 * Splices keep SPLICE_F_NONBLOCK: it is about our pipe, which nobody else drains (a
 * TCP socket waits for data by its own flag; a UNIX one does not wait). */
#define BLOCK_TIMEOUT_US 100000

static bool make_blocking(int fd, int timeout_opt)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = BLOCK_TIMEOUT_US };
	int fl = fcntl(fd, F_GETFL);
	return is_socket(fd) && fl >= 0 &&
	       setsockopt(fd, SOL_SOCKET, timeout_opt, &tv, sizeof(tv)) == 0 &&
	       fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0;
}

static void go_blocking(const struct ib_relay *r, struct state *st, int n)
{
	struct state *s = NULL;
	for (int i = 0; i < n; i++) {
		if (st[i].done)
			continue;
		if (s)
			return; /* two directions: each waits in poll for the other */
		s = &st[i];
	}
	if (!s || s->blocking || s->d->message || r->idle_ns || r->report_ns ||
	    r->quit_ns != UINT64_MAX)
		return;
	s->blocking = true;
	if (s->d->own_in && make_blocking(s->d->in, SO_RCVTIMEO))
		s->in_nb = s->in_ready = true;
	if (s->d->own_out)
		make_blocking(s->d->out, SO_SNDTIMEO);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum ib_relay_result ib_relay_run(struct ib_relay *r)
{
	size_t chunk = r->chunk ? r->chunk : IB_RELAY_CHUNK;
	struct state st[2];
	enum ib_relay_result result = IB_RELAY_FAILED;
	int n = r->ndirs;
	int ok = 0;
	for (; ok < n; ok++)
		if (setup(&st[ok], &r->dir[ok], chunk) != 0)
			goto out;
	uint64_t last = now_ns(), eof_at = 0, start = last, reported = last;
	for (;;) {
		bool all = true, nap = false, dest = false;
		for (int i = 0; i < n; i++) {
			int m = advance(&st[i], chunk);
			if (m < 0)
				goto out;
			if (m > 0)
				last = now_ns();
			all = all && st[i].done;
		}
		if (all || (r->stop_on_dir1_eof && n > 1 && st[1].done)) {
			result = IB_RELAY_OK;
			goto out;
		}
		if (st[0].done && eof_at == 0)
			eof_at = now_ns();
		for (int i = 0; i < n; i++) { /* the other direction may have found a peer */
			if (st[i].no_dest && st[i].d->to->len) {
				st[i].no_dest = false;
				st[i].out_ready = dest = true;
			}
			nap = nap || st[i].nap;
		}
		if (dest)
			continue;
		go_blocking(r, st, n);

		struct pollfd pfd[4];
		struct state *owner[4];
		bool for_in[4];
		nfds_t np = 0;
		for (int i = 0; i < n; i++) {
			struct state *s = &st[i];
			if (s->done)
				continue;
			if (can_fill(s) && !s->in_ready && !s->in_blocked) {
				pfd[np] = (struct pollfd){ .fd = s->d->in, .events = POLLIN };
				owner[np] = s;
				for_in[np++] = true;
			}
			if (has_data(s) && !s->out_ready && !s->no_dest && !s->nap) {
				pfd[np] = (struct pollfd){ .fd = s->d->out, .events = POLLOUT };
				owner[np] = s;
				for_in[np++] = false;
			}
		}
		uint64_t now = now_ns(), wait = UINT64_MAX;
		for (int i = 0; i < n; i++)
			if (st[i].blocking && can_try(&st[i]))
				wait = 0; /* only to take a pending SIGUSR1 */
		if (r->report && r->report_now && *r->report_now) {
			*r->report_now = 0;
			r->report(r->report_arg, r, now - start);
		}
		if (r->report && r->report_ns) {
			if (now - reported >= r->report_ns) {
				r->report(r->report_arg, r, now - start);
				reported = now;
			}
			wait = r->report_ns - (now - reported);
		}
		if (r->idle_ns) {
			if (now - last >= r->idle_ns) {
				result = IB_RELAY_IDLE;
				goto out;
			}
			if (r->idle_ns - (now - last) < wait)
				wait = r->idle_ns - (now - last);
		}
		if (r->quit_ns != UINT64_MAX && st[0].done) {
			if (now - eof_at >= r->quit_ns) {
				result = IB_RELAY_OK;
				goto out;
			}
			if (r->quit_ns - (now - eof_at) < wait)
				wait = r->quit_ns - (now - eof_at);
		}
		if (nap && wait > 1000000)
			wait = 1000000;
		struct timespec ts = ib_ns_to_timespec(wait);
		int k = ppoll(pfd, np, wait == UINT64_MAX ? NULL : &ts, r->poll_mask);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			ib_warn_sys(errno, "poll");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (st[i].nap)
				st[i].out_ready = true;
			st[i].nap = false;
		}
		for (nfds_t i = 0; i < np; i++) {
			if (!pfd[i].revents)
				continue;
			if (for_in[i])
				owner[i]->in_ready = true;
			else
				owner[i]->out_ready = true;
		}
	}
out:
	for (int i = 0; i < ok; i++)
		teardown(&st[i]);
	return result;
}
