/* msgrcv: receive messages from a System V or POSIX message queue and write them to
 * stdout. Nothing is lost: a message taken from the queue that cannot be written
 * (a broken pipe, a full disk, a signal while writing) goes back on the queue. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "applet.h"
#include "msgrcv-exec.h"
#include "ipc/err.h"
#include "ipc/msgq.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/spawn.h"

enum {
	OPT_EXCEPT = 0x100, OPT_TYPED, OPT_PEEK, OPT_TRUNCATE, OPT_EXEC, OPT_MAX_ATTEMPTS,
	OPT_DEAD_LETTER, OPT_INFLIGHT
};
enum { EXCL_WAIT = 1, EXCL_COUNT = 2, EXCL_FORMAT = 4 };

static const struct ib_opt options[] = {
	IB_HEADING("The queue (OBJECT):"),
	IB_OBJECT_OPTS("queue"),
	IB_HEADING("Receiving:"),
	IB_OPT('t', "type", INT, "TYPE",
	       "0: the first message (default); N: the first of type N; "
	       "below 0: the first of the lowest type <= |TYPE|",
	       .min = LONG_MIN + 1, .max = LONG_MAX),
	IB_OPT(OPT_EXCEPT, "except", NONE, NULL, "the first message not of type N (-t N, System V)"),
	IB_OPT('n', "no-wait", NONE, NULL, "fail with status 3 if there is no message",
	       .alias = "nowait", .excl = EXCL_WAIT),
	IB_OPT('w', "wait", DURATION, "DURATION",
	       "wait at most DURATION (2, 1.5s, 250ms) for a message", .excl = EXCL_WAIT),
	IB_OPT('C', "count", COUNT, "COUNT", "receive COUNT messages", .min = 1,
	       .excl = EXCL_COUNT),
	IB_OPT('F', "follow", NONE, NULL, "receive until the queue is removed or a signal comes",
	       .excl = EXCL_COUNT),
	IB_OPT('l', "lines", NONE, NULL, "end each message with a newline", .excl = EXCL_FORMAT),
	IB_OPT('0', "null", NONE, NULL, "end each message with a NUL", .excl = EXCL_FORMAT),
	IB_OPT(OPT_TYPED, "typed", NONE, NULL,
	       "write TYPE<TAB>payload lines (NUL-terminated with -0)"),
	IB_OPT(OPT_PEEK, "peek", COUNT, "INDEX",
	       "copy the INDEXth message (default 0) without removing it", .max = LONG_MAX,
	       .flags = IB_OPT_OPTARG),
	IB_OPT(OPT_TRUNCATE, "truncate", NONE, NULL,
	       "cut a message longer than the buffer (msgmax) short"),
	IB_OPT('q', "quiet", NONE, NULL, "no \"no message\" line when -n or -w ends (exit 3 stays)"),
	IB_HEADING("Running a command for each message:"),
	IB_OPT(OPT_EXEC, "exec", NONE, NULL,
	       "run COMMAND with each message on its stdin; exit 0 acknowledges it, "
	       "a failure puts it back"),
	IB_OPT('j', "jobs", COUNT, "N", "with --exec: run COMMAND at most N times at once "
	       "(default 1)", .min = 1, .max = 4096),
	IB_OPT(OPT_MAX_ATTEMPTS, "max-attempts", COUNT, "N",
	       "with --exec: try a message at most N times in this run (default 3)", .min = 1,
	       .max = 1000000),
	IB_OPT(OPT_DEAD_LETTER, "dead-letter", KEY, "KEY|/NAME",
	       "with --exec: move a message that used up its attempts to this queue "
	       "(created if missing)", .flags = IB_OPT_RAW),
	IB_OPT(OPT_INFLIGHT, "inflight", KEY, "KEY|/NAME",
	       "with --exec: park each message being handled in this queue (created if "
	       "missing); first return what a killed run left there", .flags = IB_OPT_RAW),
};

const struct ib_cmd msgrcv_cmd = {
	.usage = "Usage: msgrcv OBJECT [-t TYPE] [--except] [-n | -w DURATION] [-C COUNT | -F]\n"
		 "              [-l | -0 | --typed] [--peek[=INDEX]] [--truncate] [-q]\n"
		 "       msgrcv OBJECT [-t TYPE] [-n | -w DURATION] [-C COUNT | -F] [-q] --exec\n"
		 "              [-j N] [--max-attempts N] [--dead-letter KEY|/NAME]\n"
		 "              [--inflight KEY|/NAME] -- COMMAND [ARG]...\n"
		 "Receive messages from a System V or POSIX message queue; write them to stdout,\n"
		 "or run COMMAND for each.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "A message that cannot be written to stdout is put back on the queue.\n"
		  "Exit status: 0 received, 1 failed, 2 usage error, 3 no message (-n, -w);\n"
		  "with --exec, 1 also when a message used up its attempts and there is no\n"
		  "dead-letter queue, 126/127 when COMMAND could not run.\n",
	.kinds = IB_KIND_BIT(IB_MSGQ),
	.dashdash = IB_ARG_COMMAND,
};

/* A message taken from the queue and formatted in the output buffer, not yet
 * known to be written: what it takes to put it back. */
struct held {
	long type;
	size_t data, len, end; /* payload offset and length, end of the record */
};

enum { MAX_HELD = 4096 };

struct receiver {
	struct ib_msgq q;
	struct ib_msgbuf mb;
	enum ib_rec_format fmt;
	bool nul, peek, quiet;
	char *out;
	size_t cap, used;
	struct held held[MAX_HELD];
	size_t nheld;
	size_t received;
};

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Puts one message back on the queue, waiting for room. Returns 0 or -1 (errno). */
static int put_back(struct receiver *r, long type, const char *data, size_t len)
{
	struct ib_wait forever = { IB_WAIT_FOREVER, 0 };
	int rc;
	do
		rc = ib_msgq_send(&r->q, type, data, len, &forever);
	while (rc != 0 && errno == EINTR);
	return rc;
}

/* Puts back, in order, the held messages from index FIRST on and then IN_HAND (a
 * message received but not yet held; NULL: none); says what happened; exits 1, or for
 * a stop signal other than SIGPIPE dies of it (128+N). DONE is how much of the output buffer
 * went out; WHY says what went wrong; SIG is the stop signal that interrupted, or 0. */
static _Noreturn void put_back_and_die(struct receiver *r, size_t first, size_t done,
				       const struct ib_msg *in_hand, const char *why, int sig)
{
	size_t back = 0, lost = 0;
	int err = 0;
	for (size_t i = first; i <= r->nheld; i++) {
		const struct held *h = i < r->nheld ? &r->held[i] : NULL;
		if (!h && !in_hand)
			break;
		if (h ? put_back(r, h->type, r->out + h->data, h->len)
		      : put_back(r, in_hand->type, in_hand->data, in_hand->len)) {
			err = errno;
			lost++;
		} else {
			back++;
		}
	}
	bool partly = first < r->nheld && done > (first ? r->held[first - 1].end : 0);
	if (lost)
		ib_warn_sys(err, "%s; put %zu message%s back on %s, could not put back %zu", why,
			    back, plural(back), r->q.label, lost);
	else
		ib_warn("%s; put %zu message%s back on %s (at the end of the queue)%s", why, back,
			plural(back), r->q.label,
			partly ? "; the first of them was partly written" : "");
	if (sig && sig != SIGPIPE) /* SIGPIPE says the reader went away: a failed write */
		ib_die_of_signal(sig);
	exit(IB_EXIT_FAIL);
}

/* Writes the output buffer. On failure or a stop signal, puts back whatever was not
 * completely written, and then IN_HAND (NULL: none), and ends (put_back_and_die). */
static void flush(struct receiver *r, const struct ib_msg *in_hand)
{
	size_t done = 0;
	int err = 0;
	while (done < r->used) {
		ssize_t n = write(STDOUT_FILENO, r->out + done, r->used - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR && !ib_msgq_stop_signal())
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
			if (poll(&p, 1, -1) >= 0 || (errno == EINTR && !ib_msgq_stop_signal()))
				continue;
		}
		err = n == 0 ? ENOSPC : errno;
		break;
	}
	if (done == r->used) {
		r->used = 0;
		r->nheld = 0;
		return;
	}
	if (r->peek)
		ib_die_sys(IB_EXIT_FAIL, err, "write to stdout");
	size_t first = 0;
	while (first < r->nheld && r->held[first].end <= done)
		first++;
	char why[160], name[32];
	int sig = err == EINTR ? ib_msgq_stop_signal() : 0;
	if (sig)
		snprintf(why, sizeof why, "interrupted by %s while writing to stdout",
			 ib_signal_name(sig, name, sizeof name));
	else
		snprintf(why, sizeof why, "write to stdout: %s", strerror(err));
	put_back_and_die(r, first, done, in_hand, why, sig);
}

/* A typed record whose payload holds the delimiter could not be read back: writes
 * what came before, keeps this one on the queue (or, peeking, just stops). */
static _Noreturn void undelimitable(struct receiver *r, const struct ib_msg *m)
{
	char why[120];
	snprintf(why, sizeof why, "message %zu contains a %s, which --typed%s cannot delimit",
		 r->received + 1, r->nul ? "NUL" : "newline", r->nul ? " -0" : "");
	flush(r, r->peek ? NULL : m);
	if (r->peek)
		ib_die(IB_EXIT_FAIL, "%s", why);
	put_back_and_die(r, 0, 0, m, why, 0);
}

/* Formats M into the output buffer (flushing first if it might not fit). */
static void hold(struct receiver *r, const struct ib_msg *m)
{
	char delim = r->nul ? '\0' : '\n';
	if (r->fmt == IB_REC_TYPED && memchr(m->data, delim, m->len))
		undelimitable(r, m);
	if (r->cap - r->used < m->len + 32 || r->nheld == MAX_HELD)
		flush(r, m);
	struct held *h = &r->held[r->nheld++];
	h->type = m->type;
	if (r->fmt == IB_REC_TYPED)
		r->used += (size_t)snprintf(r->out + r->used, 24, "%ld\t", m->type);
	h->data = r->used;
	h->len = m->len;
	memcpy(r->out + r->used, m->data, m->len);
	r->used += m->len;
	if (r->fmt != IB_REC_RAW)
		r->out[r->used++] = delim;
	h->end = r->used;
	r->received++;
}

/* Exits for a stop signal: what is held is written first (or put back). */
static void check_stop(struct receiver *r)
{
	int sig = ib_msgq_stop_signal();
	if (!sig)
		return;
	flush(r, NULL);
	ib_die_of_signal(sig);
}

static int receive(struct receiver *r, long type, int flags, const struct ib_wait *wait,
		   const char *wait_arg, size_t count, bool follow)
{
	struct ib_wait now = { IB_WAIT_NOT, 0 };
	while (follow || r->received < count) {
		struct ib_msg m;
		int rc;
		check_stop(r);
		if (r->nheld > 0 && wait->mode != IB_WAIT_NOT) {
			/* deliver what we hold before we wait */
			rc = ib_msgq_recv(&r->q, &r->mb, type, flags, &now, &m);
			if (rc != 0 && errno == EAGAIN) {
				flush(r, NULL);
				rc = ib_msgq_recv(&r->q, &r->mb, type, flags, wait, &m);
			}
		} else {
			rc = ib_msgq_recv(&r->q, &r->mb, type, flags, wait, &m);
		}
		if (rc == 0) {
			hold(r, &m);
			continue;
		}
		int e = errno;
		if (e == EINTR && ib_msgq_stop_signal())
			continue;
		flush(r, NULL);
		if (e == EAGAIN && r->quiet)
			return IB_EXIT_TIMEOUT;
		if (e == EAGAIN && wait->mode == IB_WAIT_NOT)
			ib_die(IB_EXIT_TIMEOUT, "no message on %s; %zu received", r->q.label, r->received);
		if (e == EAGAIN)
			ib_die(IB_EXIT_TIMEOUT, "no message on %s within %s; %zu received", r->q.label,
			       wait_arg, r->received);
		if ((e == EIDRM || e == EINVAL) && follow && !r->q.posix)
			return IB_EXIT_OK; /* the queue was removed: the end of the stream */
		if (e == EIDRM || (e == EINVAL && r->received > 0 && !r->q.posix))
			ib_die(IB_EXIT_FAIL, "receive from %s: the queue was removed; %zu received",
			       r->q.label, r->received);
		if (e == E2BIG) {
			size_t size = ib_msgq_size_of_next(&r->q);
			char sz[64] = "";
			if (size)
				snprintf(sz, sizeof sz, " of %zu bytes", size);
			ib_die(IB_EXIT_FAIL, "receive from %s: the message%s is larger than the %zu-byte "
			       "buffer (msgmax); it stays on the queue (--truncate cuts it short)",
			       r->q.label, sz, r->mb.cap);
		}
		ib_die_sys(IB_EXIT_FAIL, e, "receive from %s", r->q.label);
	}
	flush(r, NULL);
	return IB_EXIT_OK;
}

static int peek(struct receiver *r, long index, int flags, size_t count, bool follow)
{
	for (long i = index; follow || r->received < count; i++) {
		struct ib_msg m;
		if (ib_msgq_peek(&r->q, &r->mb, i, flags, &m) == 0) {
			hold(r, &m);
			continue;
		}
		int e = errno;
		struct msqid_ds ds;
		if (e == EINVAL && msgctl(r->q.id, IPC_STAT, &ds) == 0)
			e = E2BIG; /* MSG_COPY's way to say the message does not fit */
		flush(r, NULL);
		if (e == ENOMSG && follow)
			break;
		if (e == ENOMSG && r->quiet)
			return IB_EXIT_TIMEOUT;
		if (e == ENOMSG)
			ib_die(IB_EXIT_TIMEOUT, "no message at index %ld of %s", i, r->q.label);
		if (e == ENOSYS)
			ib_die(IB_EXIT_FAIL, "--peek: this kernel cannot copy messages (MSG_COPY needs "
			       "CONFIG_CHECKPOINT_RESTORE)");
		if (e == E2BIG)
			ib_die(IB_EXIT_FAIL, "peek at %s: message %ld is larger than the %zu-byte buffer "
			       "(msgmax)", r->q.label, i, r->mb.cap);
		ib_die_sys(IB_EXIT_FAIL, e, "peek at %s", r->q.label);
	}
	flush(r, NULL);
	return IB_EXIT_OK;
}

/* --dead-letter and --inflight: a System V KEY or a POSIX /NAME, into *O. */
static void queue_arg(const struct ib_args *a, struct ib_object *o)
{
	ib_object_init(o);
	if (a->arg[0] == '/') {
		const char *why = ib_posix_name_error(a->arg);
		if (why)
			ib_args_invalid(a, "a key or a POSIX name /NAME (%s)", why);
		o->sel = IB_SEL_POSIX;
		o->name = a->arg;
	} else if (ib_parse_key(a->arg, &o->key) && o->key != 0) {
		o->sel = IB_SEL_KEY;
	} else {
		ib_args_invalid(a, "a key other than 0 (decimal, 0x hex or 0 octal) or /NAME");
	}
}

/* What --exec excludes, checked after parsing. */
static void check_exec(const struct ib_exec_opts *x, bool exec, bool formatted, bool extra)
{
	if (!exec) {
		if (extra)
			ib_usage_error("-j, --max-attempts, --dead-letter and --inflight need --exec");
		return;
	}
	if (formatted)
		ib_usage_error("--exec takes no -l, -0, --typed, --peek or --truncate");
	if (!x->argv[0])
		ib_usage_error("--exec needs a COMMAND to run");
}

int msgrcv_main(int argc, char **argv)
{
	struct ib_object o;
	struct ib_wait wait = { IB_WAIT_FOREVER, 0 };
	const char *wait_arg = NULL;
	bool except = false, follow = false, truncate = false, lines = false, nul = false;
	bool typed = false, peeking = false, type_given = false, quiet = false;
	bool exec = false, exec_extra = false;
	long type = 0, index = 0;
	size_t count = 1;
	int opt;
	struct ib_exec_opts x = { .jobs = 1, .max_attempts = 3 };
	ib_object_init(&x.dead);
	ib_object_init(&x.inflight);
	sigset_t keep;
	ib_ignored_signals(&keep); /* before any disposition changes: the handlers keep them */

	ib_object_init(&o);
	struct ib_args args;
	ib_args_init(&args, &msgrcv_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_object_arg(&o, &args))
			continue;
		switch (opt) {
		case 't':
			type = (long)args.i;
			type_given = true;
			break;
		case OPT_EXCEPT: except = true; break;
		case 'n': wait.mode = IB_WAIT_NOT; break;
		case 'w':
			wait.mode = IB_WAIT_FOR;
			wait.ns = args.u;
			wait_arg = args.arg;
			break;
		case 'C': count = (size_t)args.u; break;
		case 'F': follow = true; break;
		case 'l': lines = true; break;
		case '0': nul = true; break;
		case OPT_TYPED: typed = true; break;
		case OPT_PEEK:
			peeking = true;
			index = args.arg ? (long)args.u : 0;
			break;
		case OPT_TRUNCATE: truncate = true; break;
		case 'q': quiet = true; break;
		case OPT_EXEC:
			exec = true;
			args.stop = true; /* the first operand starts COMMAND */
			break;
		case 'j': x.jobs = (unsigned)args.u; exec_extra = true; break;
		case OPT_MAX_ATTEMPTS: x.max_attempts = (unsigned)args.u; exec_extra = true; break;
		case OPT_DEAD_LETTER: queue_arg(&args, &x.dead); exec_extra = true; break;
		case OPT_INFLIGHT: queue_arg(&args, &x.inflight); exec_extra = true; break;
		}
	}
	if (!ib_object_check(&o, true))
		return IB_EXIT_FAIL;
	x.argv = args.ops;
	if (args.nops > 0 && !exec)
		ib_usage_error("unexpected argument '%s'", args.ops[0]);
	check_exec(&x, exec, lines || nul || typed || peeking || truncate, exec_extra);
	bool posix = o.sel == IB_SEL_POSIX;
	if (posix && (type_given || except || peeking || truncate))
		ib_usage_error("-t, --except, --peek and --truncate are for System V queues");
	if (except && type <= 0)
		ib_usage_error("--except needs -t with a type > 0");
	if (peeking && (type_given || except || wait.mode == IB_WAIT_FOR))
		ib_usage_error("--peek takes no -t, --except or -w");

	int flags = (except ? IB_RCV_EXCEPT : 0) | (truncate ? IB_RCV_NOERROR : 0);
	if (exec) {
		struct ib_msgq q;
		if (ib_msgq_open(&q, &o, 0400, 0, 0) != 0)
			return IB_EXIT_FAIL;
		x.dead.mode = x.inflight.mode = o.mode;
		x.quiet = quiet;
		x.type = type;
		x.flags = flags;
		x.wait = wait;
		x.wait_arg = wait_arg;
		x.count = count;
		x.follow = follow;
		x.keep = &keep;
		ib_msgq_catch_stop_signals();
		int status = ib_msgrcv_exec(&q, &x);
		ib_msgq_close(&q);
		return status;
	}

	struct receiver *r = calloc(1, sizeof *r);
	if (!r)
		ib_die_sys(IB_EXIT_FAIL, errno, "allocate buffers");
	r->fmt = typed ? IB_REC_TYPED : lines ? IB_REC_LINE : nul ? IB_REC_NUL : IB_REC_RAW;
	r->nul = nul;
	r->peek = peeking;
	r->quiet = quiet;
	if (ib_msgq_open(&r->q, &o, 0400, 0, 0) != 0) {
		free(r);
		return IB_EXIT_FAIL;
	}
	r->cap = r->q.maxsize + 64 > 65536 ? r->q.maxsize + 64 : 65536;
	r->out = malloc(r->cap);
	if (!r->out || ib_msgbuf_init(&r->mb, r->q.maxsize) != 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "allocate buffers");
	ib_msgq_catch_stop_signals();
	int status = peeking ? peek(r, index, flags, count, follow)
			     : receive(r, type, flags, &wait, wait_arg, count, follow);
	ib_msgq_close(&r->q);
	ib_msgbuf_free(&r->mb);
	free(r->out);
	free(r);
	return status;
}
