/* Message queues for msgsnd and msgrcv. */
#include "ipc/msgq.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ipc/compat.h"
#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/parse.h"

/* ---- limits ---- */

static long read_proc_long(const char *path, long fallback)
{
	uint64_t v;
	return ib_read_numbers(path, &v, 1) == 1 && v > 0 && v <= LONG_MAX ? (long)v : fallback;
}

size_t ib_msgmax(void)
{
	return (size_t)read_proc_long("/proc/sys/kernel/msgmax", 8192);
}

/* ---- signals and timers ---- */

static volatile sig_atomic_t stop_sig;
static bool alarm_installed;

static void arm_timer(uint64_t ns)
{
	if (ns < 1000)
		ns = 1000;
	struct itimerval it = {
		.it_interval = { 0, 10000 },
		.it_value = { (time_t)(ns / 1000000000u), (suseconds_t)(ns % 1000000000u / 1000u) },
	};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timer(void)
{
	if (stop_sig)
		return; /* keep interrupting: the caller is on its way out */
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void on_alarm(int sig)
{
	(void)sig; /* only here to interrupt a blocked syscall */
}

static void on_stop(int sig)
{
	int e = errno;
	if (!stop_sig)
		stop_sig = sig;
	/* A signal that lands just before a blocking syscall would be missed:
	 * keep interrupting until the applet notices. */
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	errno = e;
}

static void install(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocked calls return EINTR */
	sigaction(sig, &sa, NULL);
}

static void install_alarm(void)
{
	if (!alarm_installed) {
		install(SIGALRM, on_alarm);
		alarm_installed = true;
	}
}

void ib_msgq_catch_stop_signals(void)
{
	/* SIGALRM is the timers' (it interrupts, nothing more); the crash signals
	 * (SIGSEGV, SIGBUS, ...) stay fatal */
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2 };
	install_alarm();
	for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
		struct sigaction old;
		/* one ignored from the start (nohup's SIGHUP) stays ignored */
		if (sigaction(stop[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			install(stop[i], on_stop);
	}
}

int ib_msgq_stop_signal(void)
{
	return stop_sig;
}

/* ---- opening ---- */

static int posix_open(struct ib_msgq *q, const struct ib_object *o, int access, long maxmsg,
		      long msgsize)
{
	/* a receiver also asks for write access, to put a message back */
	int flags = (access & 0200) ? O_WRONLY : O_RDWR;
	q->mqd = (mqd_t)-1;
	if (o->create) {
		struct mq_attr attr, *ap = NULL;
		if (maxmsg > 0 || msgsize > 0) {
			memset(&attr, 0, sizeof attr);
			attr.mq_maxmsg = maxmsg > 0 ? maxmsg
				: read_proc_long("/proc/sys/fs/mqueue/msg_default", 10);
			attr.mq_msgsize = msgsize > 0 ? msgsize
				: read_proc_long("/proc/sys/fs/mqueue/msgsize_default", 8192);
			ap = &attr;
		}
		q->mqd = mq_open(o->name, flags | O_CREAT | O_EXCL, o->mode, ap);
		if (q->mqd != (mqd_t)-1) {
			/* exactly -m's mode, as for System V objects: no umask */
			if (fchmod((int)q->mqd, o->mode) != 0) {
				ib_warn_sys(errno, "set the mode of message queue %s", q->label);
				mq_close(q->mqd);
				return -1;
			}
		} else if (errno != EEXIST || o->exclusive) {
			if (errno == EINVAL && ap)
				ib_warn("create message queue %s: Invalid argument "
					"(--maxmsg %ld --msgsize %ld beyond /proc/sys/fs/mqueue limits?)",
					q->label, attr.mq_maxmsg, attr.mq_msgsize);
			else
				ib_warn_sys(errno, "create message queue %s", q->label);
			return -1;
		}
	}
	if (q->mqd == (mqd_t)-1) {
		q->mqd = mq_open(o->name, flags);
		if (q->mqd == (mqd_t)-1 && errno == EACCES && flags == O_RDWR)
			q->mqd = mq_open(o->name, O_RDONLY);
	}
	if (q->mqd == (mqd_t)-1) {
		if (errno == ENOENT)
			ib_warn("no message queue %s", q->label);
		else
			ib_warn_sys(errno, "open message queue %s", q->label);
		return -1;
	}
	struct mq_attr a;
	if (mq_getattr(q->mqd, &a) != 0) {
		ib_warn_sys(errno, "message queue %s", q->label);
		mq_close(q->mqd);
		return -1;
	}
	q->maxsize = (size_t)a.mq_msgsize;
	return 0;
}

int ib_msgq_open(struct ib_msgq *q, const struct ib_object *o, int access, long maxmsg,
		 long msgsize)
{
	memset(q, 0, sizeof *q);
	q->id = -1;
	ib_object_label(o, q->label, sizeof q->label);
	if (o->sel == IB_SEL_POSIX) {
		q->posix = true;
		return posix_open(q, o, access, maxmsg, msgsize);
	}
	q->id = ib_sysv_open(o, IB_MSGQ, 0, access, NULL);
	if (q->id < 0)
		return -1;
	q->maxsize = ib_msgmax();
	struct msqid_ds ds;
	/* a message larger than msg_qbytes would wait for room for ever */
	if ((access & 0200) && msgctl(q->id, IPC_STAT, &ds) == 0 && ds.msg_qbytes < q->maxsize)
		q->maxsize = ds.msg_qbytes;
	return 0;
}

void ib_msgq_close(struct ib_msgq *q)
{
	if (q->posix && q->mqd != (mqd_t)-1)
		mq_close(q->mqd);
	q->mqd = (mqd_t)-1;
	free(q->sbuf);
	q->sbuf = NULL;
}

/* ---- buffers ---- */

int ib_msgbuf_init(struct ib_msgbuf *b, size_t cap)
{
	b->cap = cap;
	b->mem = malloc(sizeof(long) + cap + 1);
	return b->mem ? 0 : -1;
}

void ib_msgbuf_free(struct ib_msgbuf *b)
{
	free(b->mem);
	b->mem = NULL;
}

/* ---- waiting ---- */

/* One attempt at a blocking operation: returns >= 0 on success, -1 with errno. */
typedef ssize_t (*attempt_fn)(void *ctx);

/* Repeats ATTEMPT (blocking) until it succeeds, fails other than by EINTR, a stop
 * signal comes, or NS nanoseconds pass (then EAGAIN). */
static ssize_t wait_for(attempt_fn attempt, void *ctx, uint64_t ns)
{
	install_alarm();
	struct timespec deadline = ib_deadline_after(ns);
	ssize_t r;
	for (;;) {
		uint64_t left = ib_ns_until(deadline);
		if (left == 0) {
			errno = EAGAIN;
			r = -1;
			break;
		}
		arm_timer(left);
		r = attempt(ctx);
		if (r >= 0 || errno != EINTR || stop_sig)
			break;
	}
	int e = errno;
	disarm_timer();
	errno = e;
	return r;
}

/* ---- sending ---- */

struct send_ctx {
	int id;
	void *buf;
	size_t len;
};

static ssize_t sysv_send_blocking(void *p)
{
	struct send_ctx *c = p;
	return msgsnd(c->id, c->buf, c->len, 0);
}

/* After a POSIX send or receive failed: whether to try again (EINTR, no stop signal);
 * if not, errno says why, a timeout as EAGAIN. */
static bool posix_again(void)
{
	if (errno == EINTR && !stop_sig)
		return true;
	if (errno == ETIMEDOUT)
		errno = EAGAIN;
	return false;
}

static int posix_send(struct ib_msgq *q, long prio, const void *data, size_t len,
		      const struct ib_wait *w)
{
	struct timespec ts = ib_clock_after(CLOCK_REALTIME, w->mode == IB_WAIT_FOR ? w->ns : 0);
	for (;;) {
		int r = w->mode == IB_WAIT_FOREVER
			? mq_send(q->mqd, data, len, (unsigned)prio)
			: mq_timedsend(q->mqd, data, len, (unsigned)prio, &ts);
		if (r == 0)
			return 0;
		if (!posix_again())
			return -1;
	}
}

int ib_msgq_send(struct ib_msgq *q, long type, const void *data, size_t len,
		 const struct ib_wait *w)
{
	if (len > q->maxsize) {
		errno = EMSGSIZE;
		return -1;
	}
	if (q->posix)
		return posix_send(q, type, data, len, w);
	if (q->scap < len || !q->sbuf) {
		char *n = realloc(q->sbuf, sizeof(long) + len + 1);
		if (!n)
			return -1;
		q->sbuf = n;
		q->scap = len;
	}
	char *sbuf = q->sbuf;
	memcpy(sbuf, &type, sizeof type);
	memcpy(sbuf + sizeof(long), data, len);
	int flags = w->mode == IB_WAIT_FOREVER ? 0 : IPC_NOWAIT;
	for (;;) {
		if (msgsnd(q->id, sbuf, len, flags) == 0)
			return 0;
		if (errno == EINTR && !stop_sig)
			continue;
		if (errno == EAGAIN && w->mode == IB_WAIT_FOR) {
			struct send_ctx c = { q->id, sbuf, len };
			return wait_for(sysv_send_blocking, &c, w->ns) < 0 ? -1 : 0;
		}
		return -1;
	}
}

/* ---- receiving ---- */

struct recv_ctx {
	int id;
	struct ib_msgbuf *b;
	long type;
	int flags;
};

static ssize_t sysv_recv_once(void *p)
{
	struct recv_ctx *c = p;
	ssize_t n = msgrcv(c->id, c->b->mem, c->b->cap, c->type, c->flags);
	if (n < 0 && errno == ENOMSG)
		errno = EAGAIN;
	return n;
}

static int posix_recv(struct ib_msgq *q, struct ib_msgbuf *b, const struct ib_wait *w,
		      struct ib_msg *m)
{
	struct timespec ts = ib_clock_after(CLOCK_REALTIME, w->mode == IB_WAIT_FOR ? w->ns : 0);
	char *text = b->mem + sizeof(long);
	for (;;) {
		unsigned prio = 0;
		ssize_t n = w->mode == IB_WAIT_FOREVER
			? mq_receive(q->mqd, text, b->cap, &prio)
			: mq_timedreceive(q->mqd, text, b->cap, &prio, &ts);
		if (n >= 0) {
			m->type = (long)prio;
			m->data = text;
			m->len = (size_t)n;
			return 0;
		}
		if (!posix_again())
			return -1;
	}
}

/* Fills *M from a System V receive of N bytes of text into B (N < 0: failed). */
static int sysv_result(const struct ib_msgbuf *b, ssize_t n, struct ib_msg *m)
{
	if (n < 0)
		return -1;
	memcpy(&m->type, b->mem, sizeof m->type);
	m->data = b->mem + sizeof(long);
	m->len = (size_t)n;
	return 0;
}

int ib_msgq_recv(struct ib_msgq *q, struct ib_msgbuf *b, long type, int flags,
		 const struct ib_wait *w, struct ib_msg *m)
{
	if (q->posix)
		return posix_recv(q, b, w, m);
	int kflags = ((flags & IB_RCV_EXCEPT) ? MSG_EXCEPT : 0) |
		     ((flags & IB_RCV_NOERROR) ? MSG_NOERROR : 0);
	struct recv_ctx c = { q->id, b, type, kflags };
	ssize_t n;
	if (w->mode != IB_WAIT_FOREVER)
		c.flags |= IPC_NOWAIT;
	for (;;) {
		n = sysv_recv_once(&c);
		if (n >= 0 || errno != EINTR || stop_sig)
			break;
	}
	if (n < 0 && errno == EAGAIN && w->mode == IB_WAIT_FOR) {
		c.flags = kflags;
		n = wait_for(sysv_recv_once, &c, w->ns);
	}
	return sysv_result(b, n, m);
}

int ib_msgq_peek(struct ib_msgq *q, struct ib_msgbuf *b, long index, int flags,
		 struct ib_msg *m)
{
	if (q->posix) {
		errno = ENOSYS;
		return -1;
	}
	int kflags = MSG_COPY | IPC_NOWAIT | ((flags & IB_RCV_NOERROR) ? MSG_NOERROR : 0);
	ssize_t n = msgrcv(q->id, b->mem, b->cap, index, kflags);
	return sysv_result(b, n, m);
}

size_t ib_msgq_size_of_next(struct ib_msgq *q)
{
	/* MSG_COPY copies at most msgmax bytes and fails on a larger message, so copy
	 * every message: E2BIG says the one a receive selects is too large, so if just
	 * one cannot be copied it is that one, and its size is what the others leave
	 * of msg_cbytes. */
	struct msqid_ds ds;
	if (q->posix || msgctl(q->id, IPC_STAT, &ds) != 0 || ds.msg_qnum == 0)
		return 0;
	struct ib_msgbuf b;
	if (ib_msgbuf_init(&b, q->maxsize) != 0)
		return 0;
	size_t small = 0, nbig = 0;
	for (long i = 0; i < (long)ds.msg_qnum && nbig < 2; i++) {
		struct ib_msg m;
		if (ib_msgq_peek(q, &b, i, 0, &m) == 0)
			small += m.len;
		else if (errno == E2BIG || errno == EINVAL)
			nbig++;
		else
			nbig = 2; /* changed under us, or no MSG_COPY: give up */
	}
	ib_msgbuf_free(&b);
	if (nbig != 1 || ds.msg_cbytes < small)
		return 0;
	return ds.msg_cbytes - small;
}

/* ---- records ---- */

int ib_recreader_init(struct ib_recreader *r, int fd, char delim, size_t max)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->delim = delim;
	r->max = max;
	r->cap = 65536;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -1;
}

void ib_recreader_free(struct ib_recreader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int ib_recreader_next(struct ib_recreader *r, const char **data, size_t *len)
{
	size_t scanned = r->pos;
	for (;;) {
		char *d = memchr(r->buf + scanned, r->delim, r->end - scanned);
		if (d) {
			size_t n = (size_t)(d - (r->buf + r->pos));
			if (n > r->max) {
				*len = n;
				r->exact = true;
				return -2;
			}
			*data = r->buf + r->pos;
			*len = n;
			r->pos += n + 1;
			return 1;
		}
		size_t have = r->end - r->pos;
		if (have > r->max) {
			*len = have;
			r->exact = r->eof;
			return -2;
		}
		if (r->eof) {
			if (have == 0)
				return 0;
			*data = r->buf + r->pos;
			*len = have;
			r->pos = r->end;
			return 1;
		}
		/* make room: move the partial record to the front, grow if full */
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, have);
			r->pos = 0;
			r->end = have;
		}
		if (r->end == r->cap) {
			char *n = realloc(r->buf, r->cap * 2);
			if (!n)
				return -1;
			r->buf = n;
			r->cap *= 2;
		}
		scanned = r->end;
		ssize_t got = ib_read_some(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
	}
}

bool ib_typed_split(const char *rec, size_t len, long min, long max, long *type,
		    const char **data, size_t *dlen)
{
	const char *tab = memchr(rec, '\t', len);
	if (!tab || tab == rec || (size_t)(tab - rec) > 20)
		return false;
	char num[24];
	memcpy(num, rec, (size_t)(tab - rec));
	num[tab - rec] = '\0';
	int64_t v;
	if (ib_parse_i64(num, min, max, &v) != IB_PARSE_OK)
		return false;
	*type = (long)v;
	*data = tab + 1;
	*dlen = len - (size_t)(tab - rec) - 1;
	return true;
}
