/* msgrcv: receive messages from a System V or POSIX message queue and write them to
 * stdout. Nothing is lost: a message taken from the queue that cannot be written
 * (a broken pipe, a full disk, a signal while writing) goes back on the queue. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/msgq.h"
#include "ipc/object.h"
#include "ipc/parse.h"

static const char usage[] =
	"Usage: msgrcv OBJECT [-t TYPE] [--except] [-n | -w DURATION] [-C COUNT | -F] [-l | -0 | --typed] [--peek[=INDEX]] [--truncate]\n"
	"Receive messages from a System V or POSIX message queue and write them to stdout.\n"
	"\n"
	"The queue (OBJECT):\n"
	"  -k, --key KEY          System V queue with this key (decimal, 0x hex, 0 octal)\n"
	"  -i, --id ID            System V queue with this identifier\n"
	"  -f, --ftok PATH[:PROJ] System V queue with the key ftok(3) makes of PATH\n"
	"  -P, --posix /NAME      POSIX message queue\n"
	"  -c, --create           create the queue if it does not exist\n"
	"  -x, --exclusive        with -c: fail if it exists\n"
	"  -m, --mode MODE        permissions of a created queue (default 0600)\n"
	"\n"
	"Receiving:\n"
	"  -t, --type TYPE        0: the first message (default); N: the first of type N;\n"
	"                           a negative TYPE: the first of the lowest type\n"
	"                           <= |TYPE| (System V)\n"
	"      --except           the first message not of type N (-t N, System V)\n"
	"  -n, --no-wait          fail with status 3 if there is no message\n"
	"  -w, --wait DURATION    wait at most DURATION (2, 1.5s, 250ms) for a message\n"
	"  -C, --count COUNT      receive COUNT messages\n"
	"  -F, --follow           receive until the queue is removed or a signal comes\n"
	"  -l, --lines            end each message with a newline\n"
	"  -0, --null             end each message with a NUL\n"
	"      --typed            write TYPE<TAB>payload lines (NUL-terminated with -0)\n"
	"      --peek[=INDEX]     copy the INDEXth message (default 0) without removing it\n"
	"      --truncate         cut a message longer than the buffer (msgmax) short\n"
	"      --help             display this help and exit\n"
	"      --version          output version information and exit\n"
	"\n"
	"A message that cannot be written to stdout is put back on the queue.\n"
	"Exit status: 0 received, 1 failed, 2 usage error, 3 no message (-n, -w).\n";

enum { OPT_EXCEPT = 0x100, OPT_TYPED, OPT_PEEK, OPT_TRUNCATE };

static const struct option longopts[] = {
	IB_OBJECT_LONGOPTS,
	{ "type", required_argument, NULL, 't' },
	{ "except", no_argument, NULL, OPT_EXCEPT },
	{ "no-wait", no_argument, NULL, 'n' },
	{ "wait", required_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'C' },
	{ "follow", no_argument, NULL, 'F' },
	{ "lines", no_argument, NULL, 'l' },
	{ "null", no_argument, NULL, '0' },
	{ "typed", no_argument, NULL, OPT_TYPED },
	{ "peek", optional_argument, NULL, OPT_PEEK },
	{ "truncate", no_argument, NULL, OPT_TRUNCATE },
	IB_STD_LONGOPTS,
	{ NULL, 0, NULL, 0 },
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
	bool nul, peek;
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
		ib_msgq_die_of_signal(sig);
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
	ib_msgq_die_of_signal(sig);
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

int msgrcv_main(int argc, char **argv)
{
	struct ib_object o;
	struct ib_wait wait = { IB_WAIT_FOREVER, 0 };
	const char *wait_arg = NULL, *type_arg = NULL, *peek_arg = NULL;
	bool except = false, follow = false, truncate = false, lines = false, nul = false;
	bool typed = false, peeking = false, waiting = false;
	size_t count = 1;
	bool count_given = false;
	uint64_t v;
	int opt;

	ib_object_init(&o);
	while ((opt = getopt_long(argc, argv, IB_OBJECT_SHORTOPTS "t:nw:C:Fl0", longopts, NULL)) != -1) {
		if (ib_object_option(&o, opt, optarg))
			continue;
		switch (opt) {
		case 't':
			type_arg = optarg;
			break;
		case OPT_EXCEPT:
			except = true;
			break;
		case 'n':
			wait.mode = IB_WAIT_NOT;
			break;
		case 'w':
			if (ib_parse_duration(optarg, &wait.ns) != IB_PARSE_OK)
				ib_usage_error("invalid duration '%s': expected seconds like 2, 1.5s or 250ms",
					       optarg);
			wait.mode = IB_WAIT_FOR;
			wait_arg = optarg;
			waiting = true;
			break;
		case 'C':
			if (ib_parse_u64(optarg, 10, 1, SIZE_MAX, &v) != IB_PARSE_OK)
				ib_usage_error("invalid count '%s': expected a number > 0", optarg);
			count = (size_t)v;
			count_given = true;
			break;
		case 'F':
			follow = true;
			break;
		case 'l':
			lines = true;
			break;
		case '0':
			nul = true;
			break;
		case OPT_TYPED:
			typed = true;
			break;
		case OPT_PEEK:
			peeking = true;
			peek_arg = optarg;
			break;
		case OPT_TRUNCATE:
			truncate = true;
			break;
		case IB_OPT_HELP:
			ib_help_exit(usage);
		case IB_OPT_VERSION:
			ib_version_exit();
		default:
			ib_bad_option(IB_EXIT_USAGE);
		}
	}
	ib_object_check(&o, true);
	if (optind < argc)
		ib_usage_error("unexpected argument '%s'", argv[optind]);
	bool posix = o.sel == IB_SEL_POSIX;
	if (count_given && follow)
		ib_usage_error("-C and -F exclude each other");
	if (lines && nul)
		ib_usage_error("-l and -0 exclude each other");
	if (posix && (type_arg || except || peeking || truncate))
		ib_usage_error("-t, --except, --peek and --truncate are for System V queues");
	long type = 0, index = 0;
	if (type_arg) {
		int64_t t;
		if (ib_parse_i64(type_arg, LONG_MIN + 1, LONG_MAX, &t) != IB_PARSE_OK)
			ib_usage_error("invalid type '%s': expected %ld to %ld", type_arg, LONG_MIN + 1,
				       LONG_MAX);
		type = (long)t;
	}
	if (except && type <= 0)
		ib_usage_error("--except needs -t with a type > 0");
	if (peeking) {
		if (type_arg || except || waiting)
			ib_usage_error("--peek takes no -t, --except or -w");
		if (peek_arg && ib_parse_u64(peek_arg, 10, 0, LONG_MAX, &v) != IB_PARSE_OK)
			ib_usage_error("invalid --peek index '%s': expected a number >= 0", peek_arg);
		index = peek_arg ? (long)v : 0;
	}

	struct receiver *r = calloc(1, sizeof *r);
	if (!r)
		ib_die_sys(IB_EXIT_FAIL, errno, "allocate buffers");
	r->fmt = typed ? IB_REC_TYPED : lines ? IB_REC_LINE : nul ? IB_REC_NUL : IB_REC_RAW;
	r->nul = nul;
	r->peek = peeking;
	if (ib_msgq_open(&r->q, &o, 0400, 0, 0) != 0) {
		free(r);
		return IB_EXIT_FAIL;
	}
	r->cap = r->q.maxsize + 64 > 65536 ? r->q.maxsize + 64 : 65536;
	r->out = malloc(r->cap);
	if (!r->out || ib_msgbuf_init(&r->mb, r->q.maxsize) != 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "allocate buffers");
	ib_msgq_catch_stop_signals();
	int flags = (except ? IB_RCV_EXCEPT : 0) | (truncate ? IB_RCV_NOERROR : 0);
	int status = peeking ? peek(r, index, flags, count, follow)
			     : receive(r, type, flags, &wait, wait_arg, count, follow);
	ib_msgq_close(&r->q);
	ib_msgbuf_free(&r->mb);
	free(r->out);
	free(r);
	return status;
}
