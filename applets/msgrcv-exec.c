/* msgrcv --exec: see msgrcv-exec.h.
 *
 * A message is in exactly one of these places at any time, so none is lost or
 * handled twice after its handler succeeded: on the work queue; in a job (being
 * handled; with --inflight also parked there); kept aside (it used up its attempts
 * and there is no dead-letter queue; with --inflight also parked); on the dead-letter
 * queue. A message is only taken out of the place it was in after it is in the next
 * one, so a failure between two steps leaves a copy in both (at least once), never in
 * none. Receiving from the work queue and parking cannot be one step; for a System V
 * work queue read without a type, the message is first copied (MSG_COPY), the copy
 * parked, and only then taken, so it is on one queue or the other at every instant.
 * Elsewhere (POSIX, a type given, a kernel without MSG_COPY) the instant between
 * receiving and parking remains.
 *
 * Putting a message back never waits for room while the run goes on: a full work
 * queue (whose only reader may be this run) keeps it in a list of messages to put
 * back (parked, with --inflight), retried as the loop goes round.
 *
 * Attempts are counted by this run: a message put back for another try is known again
 * by a 64-bit hash of its type and payload (nothing is added to it, so other readers of
 * the queue see what was sent). Identical messages are not told apart: a taken copy
 * carries on the count of a copy put back earlier. A message returned from the
 * in-flight queue carries on the count it was parked with. */
#include "msgrcv-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/spawn.h"

extern char **environ;

/* The record parked in the in-flight queue: this header, then the payload. A System
 * V in-flight queue also uses TAG as the message type, to take back exactly that one. */
struct park_header {
	char magic[4];    /* "ibP1" */
	uint32_t attempt; /* the attempt being made when it was parked */
	int64_t type;     /* the message's type (POSIX: priority) */
	int64_t tag;      /* unique in this run */
};
static const char park_magic[4] = { 'i', 'b', 'P', '1' };

/* A message out of the work queue: in a job, or kept aside. */
struct held {
	long type;
	char *data;
	size_t len, cap;
	uint64_t hash;
	unsigned attempt;
	long tag; /* its parked copy's tag; 0: not parked */
};

struct job {
	struct ib_child child; /* child.pid 0: a free slot */
	struct held m;
};

/* A message put back for another try: its hash and the attempts made. */
struct tried {
	uint64_t hash;
	unsigned attempts;
};

struct pool {
	const struct ib_exec_opts *o;
	struct ib_msgq *q;
	struct ib_msgq dead, inflight;
	bool has_dead, has_inflight;
	struct ib_msgbuf mb, pb; /* receive buffers: work queue, in-flight queue */
	char *park;              /* a record being parked */
	size_t park_cap;
	struct job *jobs;
	unsigned running;
	struct held *aside;
	size_t naside, aside_cap;
	struct held *back; /* waiting for room to go back on the work queue */
	size_t nback, back_cap;
	bool copy_first; /* take a System V message by copying and parking it first */
	bool copied;     /* the message just received is a copy, still on the queue */
	struct tried *tried;
	size_t ntried, tried_cap;
	long next_tag;
	/* what happened */
	size_t handled, settled, dead_lettered;
	int status;    /* IB_EXIT_FAIL after a reported failure, 126/127: COMMAND */
	bool stopping; /* take no more messages */
	bool empty;    /* -n or -w found no message */
	/* the handlers' environment: ours, then the MSGRCV_ variables */
	char **envp;
	char env_type[48], env_attempt[40], env_queue[320], env_max[40], env_id[40];
	struct ib_spawn spawn;
	struct ib_sigplan plan;
};

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static uint64_t hash_of(long type, const char *data, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < sizeof type; i++)
		h = (h ^ (unsigned char)(type >> (8 * i))) * 1099511628211ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
	return h;
}

/* ---- attempts ---- */

/* The attempts already made at a message of hash H (0 if none), forgetting them:
 * the caller now holds it. */
static unsigned attempts_made(struct pool *p, uint64_t h)
{
	for (size_t i = 0; i < p->ntried; i++)
		if (p->tried[i].hash == h) {
			unsigned n = p->tried[i].attempts;
			p->tried[i] = p->tried[--p->ntried];
			return n;
		}
	return 0;
}

/* Remembers that a message of hash H is back on the queue after N attempts. Without
 * memory, it is forgotten (it will count from 1 again): false. */
static bool remember_attempts(struct pool *p, uint64_t h, unsigned n)
{
	if (p->ntried == p->tried_cap) {
		size_t cap = p->tried_cap ? 2 * p->tried_cap : 64;
		struct tried *t = realloc(p->tried, cap * sizeof *t);
		if (!t)
			return false;
		p->tried = t;
		p->tried_cap = cap;
	}
	p->tried[p->ntried++] = (struct tried){ h, n };
	return true;
}

/* ---- holding a message ---- */

static int held_set(struct held *m, long type, const char *data, size_t len)
{
	if (m->cap < len || !m->data) {
		char *d = realloc(m->data, len ? len : 1);
		if (!d)
			return -1;
		m->data = d;
		m->cap = len;
	}
	memcpy(m->data, data, len);
	m->type = type;
	m->len = len;
	m->hash = hash_of(type, data, len);
	m->tag = 0;
	return 0;
}

/* Sends LEN bytes to Q, waiting for room (EINTR retried: what is in hand must get
 * somewhere). Returns 0 or -1 (errno). */
static int send_all(struct ib_msgq *q, long type, const void *data, size_t len)
{
	struct ib_wait forever = { IB_WAIT_FOREVER, 0 };
	int rc;
	do
		rc = ib_msgq_send(q, type, data, len, &forever);
	while (rc != 0 && errno == EINTR);
	return rc;
}

static int list_add(struct held **l, size_t *n, size_t *cap, struct held *m);
static void retry_back(struct pool *p);

/* ---- the in-flight queue ---- */

/* Parks a copy of M in the in-flight queue under a new tag, without waiting. Returns
 * 0, or -1 with errno (EAGAIN: the in-flight queue is full). */
static int park(struct pool *p, struct held *m)
{
	if (!p->has_inflight)
		return 0;
	size_t need = sizeof(struct park_header) + m->len;
	if (need > p->inflight.maxsize) {
		errno = EMSGSIZE;
		return -1;
	}
	if (p->park_cap < need) {
		char *b = realloc(p->park, need);
		if (!b)
			return -1;
		p->park = b;
		p->park_cap = need;
	}
	long tag = p->next_tag == LONG_MAX ? 1 : p->next_tag + 1;
	struct park_header h = { .attempt = m->attempt, .type = m->type, .tag = tag };
	memcpy(h.magic, park_magic, sizeof h.magic);
	memcpy(p->park, &h, sizeof h);
	memcpy(p->park + sizeof h, m->data, m->len);
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	/* System V: the tag is the type, to take exactly this one back; POSIX: one priority */
	int rc;
	do
		rc = ib_msgq_send(&p->inflight, p->inflight.posix ? 0 : tag, p->park, need, &now);
	while (rc != 0 && errno == EINTR);
	if (rc != 0)
		return -1;
	p->next_tag = tag;
	m->tag = tag;
	return 0;
}

/* The tag before this run's first: tags count on from the time in microseconds, so a
 * run's tags differ from those an earlier run left parked (unless the clock went
 * back; recover also starts above every tag it finds). */
static long first_tag(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	if (sizeof(long) < 8)
		return (long)((unsigned long)t.tv_sec % 1000000u * 1000u);
	return (long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Reads a parked record's header; false if it is not one. */
static bool park_header_of(const struct ib_msg *r, struct park_header *h)
{
	if (r->len < sizeof *h)
		return false;
	memcpy(h, r->data, sizeof *h);
	return memcmp(h->magic, park_magic, sizeof h->magic) == 0 && h->tag > 0;
}

/* The job or kept-aside message whose parked copy has TAG, or NULL. */
static struct held *parked_by(struct pool *p, long tag)
{
	for (unsigned i = 0; i < p->o->jobs; i++)
		if (p->jobs[i].child.pid && p->jobs[i].m.tag == tag)
			return &p->jobs[i].m;
	for (size_t i = 0; i < p->naside; i++)
		if (p->aside[i].tag == tag)
			return &p->aside[i];
	for (size_t i = 0; i < p->nback; i++)
		if (p->back[i].tag == tag)
			return &p->back[i];
	return NULL;
}

/* POSIX: takes the parked record with TAG out of the in-flight queue. A POSIX queue
 * cannot be asked for one message, so the records before it are taken and sent
 * straight back (each is out of the queue only between those two calls). */
static int unpark_posix(struct pool *p, long tag)
{
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	for (size_t seen = 0; seen <= p->o->jobs + p->naside + p->nback; seen++) {
		struct ib_msg r;
		struct park_header h;
		int rc;
		do
			rc = ib_msgq_recv(&p->inflight, &p->pb, 0, 0, &now, &r);
		while (rc != 0 && errno == EINTR);
		if (rc != 0)
			return -1;
		if (park_header_of(&r, &h) && h.tag == tag)
			return 0;
		if (send_all(&p->inflight, (long)r.type, r.data, r.len) != 0) {
			int e = errno;
			struct held *other = park_header_of(&r, &h) ? parked_by(p, (long)h.tag) : NULL;
			if (other)
				other->tag = 0; /* it is no longer parked */
			ib_warn_sys(e, "put a parked message back in %s", p->inflight.label);
			p->status = IB_EXIT_FAIL;
			errno = e;
			return -1;
		}
	}
	errno = ENOMSG;
	return -1;
}

/* Takes M's parked copy out of the in-flight queue: M is now settled elsewhere. A
 * failure leaves the copy there (the next run returns it: at least once) and says so. */
static void unpark(struct pool *p, struct held *m)
{
	if (!m->tag)
		return;
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	struct ib_msg r;
	int rc;
	if (p->inflight.posix) {
		rc = unpark_posix(p, m->tag);
	} else {
		do
			rc = ib_msgq_recv(&p->inflight, &p->pb, m->tag, 0, &now, &r);
		while (rc != 0 && errno == EINTR);
	}
	if (rc != 0) {
		ib_warn_sys(errno == EAGAIN ? ENOMSG : errno,
			    "take a settled message out of %s (a later run may handle it again)",
			    p->inflight.label);
		p->status = IB_EXIT_FAIL;
	}
	m->tag = 0;
}

/* Takes every record parked in the in-flight queue (by a run that was killed) into
 * the list of messages to put back on the work queue, each with the attempts it was
 * parked with; they stay parked until they are back (System V: copied where they are;
 * POSIX: received and parked again at once). Then returns what fits now; the rest go
 * back as room comes, so a full work queue does not stop the run. Returns 0, or -1
 * after saying why (a record this run did not park). */
static int recover(struct pool *p)
{
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	bool copy = !p->inflight.posix;
	for (long i = 0;; i++) {
		struct ib_msg r;
		struct park_header h;
		int rc = -1;
		if (copy) {
			rc = ib_msgq_peek(&p->inflight, &p->pb, i, 0, &r);
			if (rc != 0 && errno == ENOSYS)
				copy = false; /* this kernel cannot copy: receive and park again */
		}
		if (!copy) {
			do
				rc = ib_msgq_recv(&p->inflight, &p->pb, 0, 0, &now, &r);
			while (rc != 0 && errno == EINTR && !ib_msgq_stop_signal());
		}
		if (rc != 0 && (errno == EAGAIN || errno == ENOMSG))
			break;
		if (rc != 0) {
			ib_warn_sys(errno, "return parked messages from %s", p->inflight.label);
			return -1;
		}
		bool ours = park_header_of(&r, &h);
		bool again = ours && parked_by(p, (long)h.tag); /* went round once */
		if (!copy && send_all(&p->inflight, r.type, r.data, r.len) != 0) {
			ib_warn_sys(errno, "a message taken from %s could not be put back "
				    "there; it is lost", p->inflight.label);
			return -1;
		}
		if (!ours) {
			ib_warn("%s holds a message that msgrcv did not park; left there "
				"(is it the in-flight queue of another work queue?)",
				p->inflight.label);
			return -1;
		}
		if (again)
			break;
		struct held m = { 0 };
		if (held_set(&m, (long)h.type, r.data + sizeof h, r.len - sizeof h) != 0) {
			ib_warn_sys(errno, "return parked messages from %s", p->inflight.label);
			return -1;
		}
		m.attempt = h.attempt;
		m.tag = (long)h.tag;
		if (m.tag > p->next_tag)
			p->next_tag = m.tag;
		remember_attempts(p, m.hash, m.attempt);
		if (list_add(&p->back, &p->nback, &p->back_cap, &m) != 0) {
			free(m.data);
			break; /* no memory: the rest stay parked */
		}
	}
	size_t found = p->nback;
	retry_back(p);
	if (found)
		ib_warn("returned %zu parked message%s from %s to %s%s", found - p->nback,
			plural(found - p->nback), p->inflight.label, p->q->label,
			p->nback ? "; the rest wait for room there" : "");
	return 0;
}

/* ---- settling a message ---- */

/* Moves M to the end of the list L (N entries, room for CAP): the data is the list's
 * now. Returns 0, or -1 (no memory; M unchanged). */
static int list_add(struct held **l, size_t *n, size_t *cap, struct held *m)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		struct held *a = realloc(*l, c * sizeof *a);
		if (!a)
			return -1;
		*l = a;
		*cap = c;
	}
	(*l)[(*n)++] = *m;
	memset(m, 0, sizeof *m);
	return 0;
}

/* Sends M to the work queue without waiting: 0, or -1 with errno (EAGAIN: full). */
static int send_back(struct pool *p, const struct held *m)
{
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	int rc;
	do
		rc = ib_msgq_send(p->q, m->type, m->data, m->len, &now);
	while (rc != 0 && errno == EINTR && !ib_msgq_stop_signal());
	return rc;
}

/* Puts M back on the work queue for another try (or another run). A full queue does
 * not make it wait: M goes to the list of messages to put back (retry_back). Returns
 * 0, or -1 after saying why: M stays parked if it was, else it is lost. */
static int put_back(struct pool *p, struct held *m)
{
	int rc = send_back(p, m);
	if (rc == 0) {
		unpark(p, m);
		return 0;
	}
	if (errno == EAGAIN && list_add(&p->back, &p->nback, &p->back_cap, m) == 0)
		return 0;
	if (errno == EAGAIN || errno == EINTR) /* (no memory to wait with it) */
		rc = send_all(p->q, m->type, m->data, m->len);
	if (rc == 0) {
		unpark(p, m);
		return 0;
	}
	int e = errno;
	if (m->tag)
		ib_warn_sys(e, "put a message back on %s; it stays in %s", p->q->label,
			    p->inflight.label);
	else
		ib_warn_sys(e, "put a message back on %s; it is lost", p->q->label);
	p->status = IB_EXIT_FAIL;
	return -1;
}

/* Puts back what is waiting for room on the work queue, as much as fits now. */
static void retry_back(struct pool *p)
{
	size_t keep = 0;
	for (size_t i = 0; i < p->nback; i++) {
		struct held *m = &p->back[i];
		if (send_back(p, m) == 0) {
			unpark(p, m);
			free(m->data);
		} else if (errno == EAGAIN || errno == EINTR) {
			p->back[keep++] = *m;
		} else {
			if (m->tag)
				ib_warn_sys(errno, "put a message back on %s; it stays in %s",
					    p->q->label, p->inflight.label);
			else
				ib_warn_sys(errno, "put a message back on %s; it is lost",
					    p->q->label);
			p->status = IB_EXIT_FAIL;
			free(m->data);
		}
	}
	p->nback = keep;
}

/* At the end: waits for room for every message still to put back. A stop signal ends
 * the wait for those parked in the in-flight queue (the next run returns them);
 * the others have nowhere else to go, so msgrcv waits on, and says so once. */
static void flush_back(struct pool *p)
{
	bool said = false;
	for (;;) {
		retry_back(p);
		if (!p->nback)
			return;
		size_t unparked = 0;
		for (size_t i = 0; i < p->nback; i++)
			unparked += !p->back[i].tag;
		if (ib_msgq_stop_signal() && !unparked) {
			ib_warn("%s is full: %zu message%s stay%s parked in %s for the next run",
				p->q->label, p->nback, plural(p->nback), p->nback == 1 ? "s" : "",
				p->inflight.label);
			p->status = IB_EXIT_FAIL;
			for (size_t i = 0; i < p->nback; i++)
				free(p->back[i].data);
			p->nback = 0;
			return;
		}
		if (!said) {
			ib_warn("%s is full: waiting for room to put back %zu message%s%s",
				p->q->label, p->nback, plural(p->nback),
				unparked ? " (SIGKILL would lose them; --inflight keeps them)" : "");
			said = true;
		}
		struct timespec tick = { 0, 20000000 };
		nanosleep(&tick, NULL);
	}
}

/* Keeps M aside until the run ends (it used up its attempts). */
static void keep_aside(struct pool *p, struct held *m)
{
	if (list_add(&p->aside, &p->naside, &p->aside_cap, m) != 0)
		put_back(p, m); /* no memory to keep it: back on the queue now */
}

/* M used up its attempts: to the dead-letter queue, or kept aside. */
static void give_up(struct pool *p, struct held *m, const char *how)
{
	p->settled++;
	if (p->has_dead) {
		struct ib_wait now = { IB_WAIT_NOT, 0 };
		int rc;
		do
			rc = ib_msgq_send(&p->dead, m->type, m->data, m->len, &now);
		while (rc != 0 && errno == EINTR);
		if (rc == 0) {
			unpark(p, m);
			p->dead_lettered++;
			ib_warn("a message of %s %ld failed %u attempt%s (last: %s); moved to %s",
				p->q->posix ? "priority" : "type", m->type, m->attempt,
				plural(m->attempt), how, p->dead.label);
			return;
		}
		ib_warn_sys(errno, "move a message to %s; it is kept for %s", p->dead.label,
			    p->q->label);
	}
	keep_aside(p, m);
}

/* The handler of job J ended with wait status WS. */
static void job_ended(struct pool *p, struct job *j, int ws)
{
	int e = ib_child_done(&j->child);
	j->child.pid = 0;
	p->running--;
	struct held *m = &j->m;
	if (e) {
		/* COMMAND cannot run at all: no attempt was made; stop */
		if (p->status < IB_EXIT_NOEXEC) /* once */
			ib_spawn_warn(NULL, p->o->argv[0], e);
		p->status = ib_spawn_error_code(e);
		p->stopping = true;
		remember_attempts(p, m->hash, m->attempt - 1);
		put_back(p, m);
		return;
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
		unpark(p, m);
		p->handled++;
		p->settled++;
		return;
	}
	if (m->attempt < p->o->max_attempts) {
		remember_attempts(p, m->hash, m->attempt);
		put_back(p, m);
		return;
	}
	char how[64];
	give_up(p, m, ib_wait_describe(ws, how, sizeof how));
}

/* Reaps ended handlers: one at least if WAIT (unless a stop signal comes), else only
 * those already ended. */
static void reap(struct pool *p, bool wait)
{
	while (p->running > 0) {
		int ws;
		pid_t pid = waitpid(-1, &ws, wait ? 0 : WNOHANG);
		if (pid <= 0) {
			if (pid < 0 && errno != EINTR && errno != ECHILD)
				ib_warn_sys(errno, "wait for a handler");
			return;
		}
		for (unsigned i = 0; i < p->o->jobs; i++)
			if (p->jobs[i].child.pid == pid) {
				job_ended(p, &p->jobs[i], ws);
				break;
			}
		wait = false;
	}
}

/* ---- starting a handler ---- */

/* A descriptor to read the payload from: a memory file holding it (any size, and the
 * handler may read it when it likes), else a pipe if it fits. -1 with errno. */
static int payload_fd(const char *data, size_t len)
{
	int fd = memfd_create("msgrcv", MFD_CLOEXEC);
	if (fd < 0 && errno == ENOSYS) {
		int pfd[2];
		if (len > 4096) {
			errno = EMSGSIZE;
			return -1;
		}
		if (pipe2(pfd, O_CLOEXEC) != 0)
			return -1;
		ssize_t n;
		do
			n = write(pfd[1], data, len);
		while (n < 0 && errno == EINTR);
		int e = errno;
		close(pfd[1]);
		if (n != (ssize_t)len) {
			close(pfd[0]);
			errno = n < 0 ? e : EIO;
			return -1;
		}
		return pfd[0];
	}
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < len;) {
		/* pwrite leaves the offset at 0, where the handler starts reading */
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
		if (n > 0) {
			done += (size_t)n;
		} else if (n == 0 || errno != EINTR) {
			int e = n == 0 ? ENOSPC : errno;
			close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

/* Starts a handler for the message in J. Returns 0, or -1 after saying why (the
 * message is back on the queue). */
static int job_start(struct pool *p, struct job *j)
{
	struct held *m = &j->m;
	int fd = payload_fd(m->data, m->len);
	if (fd < 0) {
		ib_warn_sys(errno, "pass a message to %s", p->o->argv[0]);
		return -1;
	}
	snprintf(p->env_type, sizeof p->env_type, "%s=%ld",
		 p->q->posix ? "MSGRCV_PRIORITY" : "MSGRCV_TYPE", m->type);
	snprintf(p->env_attempt, sizeof p->env_attempt, "MSGRCV_ATTEMPT=%u", m->attempt);
	p->spawn.fd[0] = fd;
	int e = ib_spawn_start(&p->spawn, &j->child);
	close(fd);
	if (e) {
		ib_warn_sys(e, "start %s", p->o->argv[0]);
		return -1;
	}
	p->running++;
	return 0;
}

static bool receive_failed(struct pool *p, int e);

/* M, parked, is a copy of the message at the head of the work queue: takes that
 * message. If another reader took it first, M is unparked and dropped (-1, nothing
 * to do), and if the head is now another message, M becomes that one. Returns 0: M
 * is taken and parked; -1: no message (or a failure, said). */
static int confirm(struct pool *p, struct held *m)
{
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	struct ib_msg r;
	int rc;
	do
		rc = ib_msgq_recv(p->q, &p->mb, 0, 0, &now, &r);
	while (rc != 0 && errno == EINTR && !ib_msgq_stop_signal());
	if (rc == 0 && (long)r.type == m->type && r.len == m->len &&
	    memcmp(r.data, m->data, r.len) == 0)
		return 0;
	remember_attempts(p, m->hash, m->attempt - 1);
	struct held copy = *m; /* its parked record, to take out */
	if (rc != 0) {
		if (errno != EAGAIN && receive_failed(p, errno))
			p->stopping = true;
		unpark(p, &copy);
		m->tag = 0;
		return -1;
	}
	/* another message: hold and park it, then take the copy's record out */
	m->tag = 0;
	if (held_set(m, (long)r.type, r.data, r.len) != 0) {
		ib_warn_sys(errno, "hold a message");
		if (send_all(p->q, (long)r.type, r.data, r.len) != 0)
			ib_warn_sys(errno, "put a message back on %s; it is lost", p->q->label);
		p->status = IB_EXIT_FAIL;
		p->stopping = true;
		unpark(p, &copy);
		return -1;
	}
	m->attempt = attempts_made(p, m->hash) + 1;
	int parked = park(p, m);
	unpark(p, &copy);
	if (parked != 0) {
		ib_warn_sys(errno == EAGAIN ? ENOSPC : errno, "park a message in %s",
			    p->inflight.label);
		remember_attempts(p, m->hash, m->attempt - 1);
		put_back(p, m);
		p->status = IB_EXIT_FAIL;
		p->stopping = true;
		return -1;
	}
	return 0;
}

/* Undoes taking M when its handler cannot start: puts it back, or, while it is
 * still on the work queue (a copy not yet confirmed), takes its parked copy out. */
static void untake(struct pool *p, struct held *m)
{
	remember_attempts(p, m->hash, m->attempt - 1);
	if (p->copied)
		unpark(p, m);
	else
		put_back(p, m);
}

/* Handles message R, just received from the work queue (or copied from it:
 * p->copied), in the free slot J. On any failure it goes back on the queue and no
 * more are taken. */
static void take(struct pool *p, struct job *j, const struct ib_msg *r)
{
	struct held *m = &j->m;
	if (held_set(m, r->type, r->data, r->len) != 0) {
		ib_warn_sys(errno, "hold a message");
		if (!p->copied && send_all(p->q, r->type, r->data, r->len) != 0)
			ib_warn_sys(errno, "put a message back on %s; it is lost", p->q->label);
		p->status = IB_EXIT_FAIL;
		p->stopping = true;
		return;
	}
	m->attempt = attempts_made(p, m->hash) + 1;
	while (park(p, m) != 0) {
		if (errno == EAGAIN && p->running > 0) {
			if (ib_msgq_stop_signal()) {
				untake(p, m);
				return;
			}
			reap(p, true); /* a handler's end makes room */
			continue;
		}
		ib_warn_sys(errno == EAGAIN ? ENOSPC : errno, "park a message in %s",
			    p->inflight.label);
		goto fail;
	}
	if (p->copied) {
		if (confirm(p, m) != 0)
			return;
		p->copied = false; /* taken now */
	}
	if (job_start(p, j) == 0)
		return;
fail:
	untake(p, m);
	p->status = IB_EXIT_FAIL;
	p->stopping = true;
}

/* ---- the loop ---- */

static struct job *free_slot(struct pool *p)
{
	for (unsigned i = 0; i < p->o->jobs; i++)
		if (!p->jobs[i].child.pid)
			return &p->jobs[i];
	return NULL;
}

/* Whether a receive error E ends the run (after saying why); false: go on. */
static bool receive_failed(struct pool *p, int e)
{
	if (e == EINTR)
		return false; /* a stop signal: the loop sees it */
	if ((e == EIDRM || e == EINVAL) && !p->q->posix) {
		if (!p->o->follow) {
			ib_warn("receive from %s: the queue was removed; %zu handled", p->q->label,
				p->handled);
			p->status = IB_EXIT_FAIL;
		}
		return true; /* with -F, the end of the stream */
	}
	if (e == E2BIG)
		ib_warn("receive from %s: a message is larger than the %zu-byte buffer (msgmax); "
			"it stays on the queue", p->q->label, p->mb.cap);
	else
		ib_warn_sys(e, "receive from %s", p->q->label);
	p->status = IB_EXIT_FAIL;
	return true;
}

/* How long to wait for a message while handlers run and the queue is empty, before
 * looking at the handlers again: 10 ms, doubling to 160 ms while nothing happens. A
 * System V queue cannot wake us when a child ends. */
static uint64_t idle_step(unsigned idle)
{
	return 10000000ULL << (idle < 4 ? idle : 4);
}

/* Receives the next message as W says, as ib_msgq_recv. With copy_first, R is a copy
 * of the message at the head of the queue, still on it (p->copied); the wait for one
 * is a receive into no room, which a message ends with E2BIG without being taken
 * (one of 0 bytes fits, and is taken). */
static int receive(struct pool *p, const struct ib_wait *w, struct ib_msg *r)
{
	const struct ib_exec_opts *o = p->o;
	p->copied = false;
	while (p->copy_first) {
		if (ib_msgq_peek(p->q, &p->mb, 0, 0, r) == 0) {
			p->copied = true;
			return 0;
		}
		if (errno == ENOSYS) {
			p->copy_first = false; /* this kernel cannot copy: take as usual */
			break;
		}
		if (errno != ENOMSG)
			break; /* too large, removed, ...: the receive says so */
		struct ib_msgbuf none = { 0, p->mb.mem };
		if (ib_msgq_recv(p->q, &none, o->type, o->flags, w, r) == 0)
			return 0; /* an empty message, taken */
		if (errno != E2BIG)
			return -1;
	}
	return ib_msgq_recv(p->q, &p->mb, o->type, o->flags, w, r);
}

static void run(struct pool *p)
{
	const struct ib_exec_opts *o = p->o;
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	unsigned idle = 0, last_running = 0;
	for (;;) {
		reap(p, false);
		retry_back(p);
		if (p->running != last_running)
			idle = 0;
		last_running = p->running;
		if (ib_msgq_stop_signal())
			p->stopping = true;
		if (p->stopping)
			return;
		if ((!o->follow && p->settled + p->running >= o->count) || p->running == o->jobs) {
			if (!p->running)
				return;
			reap(p, true);
			continue;
		}
		struct ib_msg r;
		/* while handlers run or messages wait to go back, look at them now and then */
		bool busy = p->running || p->nback;
		const struct ib_wait *w = busy ? &now : &o->wait;
		int rc = receive(p, w, &r);
		if (rc != 0 && errno == EAGAIN && busy && o->wait.mode != IB_WAIT_NOT) {
			struct ib_wait step = { IB_WAIT_FOR, idle_step(idle++) };
			rc = receive(p, &step, &r);
		}
		if (rc == 0) {
			idle = 0;
			take(p, free_slot(p), &r);
			continue;
		}
		int e = errno;
		if (e == EAGAIN && p->running) {
			if (o->wait.mode == IB_WAIT_NOT)
				reap(p, true);
			continue;
		}
		if (e == EAGAIN && p->nback && o->wait.mode != IB_WAIT_NOT)
			continue;
		if (e == EAGAIN) {
			p->empty = true;
			return;
		}
		if (receive_failed(p, e))
			return;
	}
}

/* ---- setting up and ending ---- */

/* Opens the queue of --dead-letter or --inflight, creating it if missing, for a
 * message (and, for --inflight, a header) as large as the work queue's. */
static int open_aux(struct pool *p, struct ib_msgq *aux, const struct ib_object *sel,
		    size_t extra)
{
	struct ib_object o = *sel;
	o.create = true;
	/* (to receive is to open a POSIX queue for both: the in-flight queue needs that) */
	int access = extra ? 0400 : 0200;
	long msgsize = 0;
	uint64_t max;
	if (o.sel == IB_SEL_POSIX) {
		msgsize = (long)(p->q->maxsize + extra);
		if (ib_read_numbers("/proc/sys/fs/mqueue/msgsize_max", &max, 1) == 1 &&
		    max < (uint64_t)msgsize)
			msgsize = (long)max; /* as large as it may be */
	}
	if (ib_msgq_open(aux, &o, access, 0, msgsize))
		return -1;
	if (!aux->posix && extra) {
		/* room for a parked record per handler, where we may raise it (root) */
		struct msqid_ds ds;
		size_t want = (p->q->maxsize + extra) * (p->o->jobs + 1);
		if (msgctl(aux->id, IPC_STAT, &ds) == 0 && ds.msg_qbytes < want) {
			ds.msg_qbytes = want;
			msgctl(aux->id, IPC_SET, &ds);
		}
	}
	return 0;
}

/* The handlers' environment: ours without MSGRCV_ variables, then this run's. */
static int make_env(struct pool *p)
{
	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	p->envp = calloc(n + 8, sizeof *p->envp);
	if (!p->envp)
		return -1;
	size_t k = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "MSGRCV_", 7) != 0)
			p->envp[k++] = *e;
	snprintf(p->env_queue, sizeof p->env_queue, "MSGRCV_QUEUE=%s", p->q->label);
	snprintf(p->env_max, sizeof p->env_max, "MSGRCV_MAX_ATTEMPTS=%u", p->o->max_attempts);
	snprintf(p->env_id, sizeof p->env_id, "MSGRCV_ID=%d", p->q->id);
	p->envp[k++] = p->env_type;
	p->envp[k++] = p->env_attempt;
	p->envp[k++] = p->env_queue;
	p->envp[k++] = p->env_max;
	if (!p->q->posix)
		p->envp[k++] = p->env_id;
	p->envp[k] = NULL;
	return 0;
}

static int setup(struct pool *p)
{
	const struct ib_exec_opts *o = p->o;
	/* an inherited SIGCHLD "ignore" would reap the handlers before we see how they ended */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &dfl, NULL);
	ib_sigplan_make(&p->plan, o->keep);
	p->spawn = (struct ib_spawn){
		.argv = o->argv, .fd = { -1, -1, -1 }, .pgroup = -1, .keep = o->keep,
		.sigplan = &p->plan, .death_signal = SIGTERM,
	};
	p->jobs = calloc(o->jobs, sizeof *p->jobs);
	if (!p->jobs || ib_msgbuf_init(&p->mb, p->q->maxsize) != 0 || make_env(p) != 0) {
		ib_warn_sys(errno, "allocate buffers");
		return -1;
	}
	p->spawn.envp = p->envp;
	if (o->dead.sel != IB_SEL_NONE) {
		if (open_aux(p, &p->dead, &o->dead, 0) != 0)
			return -1;
		p->has_dead = true;
	}
	if (o->inflight.sel != IB_SEL_NONE) {
		if (open_aux(p, &p->inflight, &o->inflight, sizeof(struct park_header)) != 0)
			return -1;
		p->has_inflight = true;
		/* (a type, or -t with EXCEPT, selects what MSG_COPY cannot) */
		p->copy_first = !p->q->posix && o->type == 0 && o->flags == 0;
		if (ib_msgbuf_init(&p->pb, p->inflight.maxsize > p->q->maxsize + 64
						   ? p->inflight.maxsize : p->q->maxsize + 64) != 0) {
			ib_warn_sys(errno, "allocate buffers");
			return -1;
		}
		p->next_tag = first_tag();
		if (recover(p) != 0)
			return -1;
	}
	return 0;
}

/* After the loop: waits for every handler, puts back what was kept aside, and says
 * how the run ended. Returns the exit status (or dies of the stop signal). */
static int finish(struct pool *p)
{
	/* the stop signal's timer would interrupt every wait from now on */
	if (ib_msgq_stop_signal()) {
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		setitimer(ITIMER_REAL, &off, NULL);
	}
	p->stopping = true;
	while (p->running > 0)
		reap(p, true);
	size_t back = 0;
	for (size_t i = 0; i < p->naside; i++)
		if (put_back(p, &p->aside[i]) == 0)
			back++;
	flush_back(p);
	if (p->naside) {
		ib_warn("%zu message%s failed %u attempt%s; %zu put back on %s for another run",
			p->naside, plural(p->naside), p->o->max_attempts, plural(p->o->max_attempts),
			back, p->q->label);
		p->status = p->status ? p->status : IB_EXIT_FAIL;
	}
	int sig = ib_msgq_stop_signal();
	if (sig) {
		char name[32];
		ib_warn("interrupted by %s; %zu handled, the rest left on %s",
			ib_signal_name(sig, name, sizeof name), p->handled, p->q->label);
		ib_die_of_signal(sig);
	}
	if (p->status)
		return p->status;
	if (p->empty && !p->o->follow) {
		if (!p->o->quiet) {
			if (p->o->wait.mode == IB_WAIT_FOR)
				ib_warn("no message on %s within %s; %zu handled", p->q->label,
					p->o->wait_arg, p->handled);
			else
				ib_warn("no message on %s; %zu handled", p->q->label, p->handled);
		}
		return IB_EXIT_TIMEOUT;
	}
	return IB_EXIT_OK;
}

int ib_msgrcv_exec(struct ib_msgq *q, const struct ib_exec_opts *o)
{
	struct pool *p = calloc(1, sizeof *p);
	if (!p) {
		ib_warn_sys(errno, "allocate buffers");
		return IB_EXIT_FAIL;
	}
	p->o = o;
	p->q = q;
	int status = IB_EXIT_FAIL;
	if (setup(p) == 0) {
		run(p);
		status = finish(p);
	}
	if (p->has_dead)
		ib_msgq_close(&p->dead);
	if (p->has_inflight)
		ib_msgq_close(&p->inflight);
	for (unsigned i = 0; p->jobs && i < o->jobs; i++)
		free(p->jobs[i].m.data);
	for (size_t i = 0; i < p->naside; i++)
		free(p->aside[i].data);
	for (size_t i = 0; i < p->nback; i++)
		free(p->back[i].data);
	free(p->back);
	ib_msgbuf_free(&p->mb);
	ib_msgbuf_free(&p->pb);
	free(p->aside);
	free(p->tried);
	free(p->park);
	free(p->jobs);
	free(p->envp);
	free(p);
	return status;
}
