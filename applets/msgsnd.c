/* msgsnd: send messages to a System V or POSIX message queue, from arguments or
 * from stdin (all of it, or one message per line, NUL record or typed record). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/msgq.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"

enum { OPT_TYPED = 0x100, OPT_MAXMSG, OPT_MSGSIZE };
enum { EXCL_WAIT = 1, EXCL_FORMAT = 2 };

static const struct ib_opt options[] = {
	IB_HEADING("The queue (OBJECT):"),
	IB_OBJECT_OPTS("queue"),
	IB_OBJECT_CREATE_ONLY("queue"),
	IB_OPT(OPT_MAXMSG, "maxmsg", COUNT, "N",
	       "with -P -c: capacity of the new queue in messages", .min = 1, .max = LONG_MAX),
	IB_OPT(OPT_MSGSIZE, "msgsize", SIZE, "SIZE",
	       "with -P -c: largest message of the new queue", .min = 1, .max = LONG_MAX),
	IB_HEADING("Sending:"),
	IB_OPT('t', "type", TEXT, "TYPE",
	       "message type, > 0 (default 1); POSIX: the priority (default 0)"),
	IB_OPT('n', "no-wait", NONE, NULL, "fail with status 3 if the queue is full",
	       .alias = "nowait", .excl = EXCL_WAIT),
	IB_OPT('w', "wait", DURATION, "DURATION",
	       "wait at most DURATION (2, 1.5s, 250ms) for room", .excl = EXCL_WAIT),
	IB_OPT('l', "lines", NONE, NULL, "stdin: one message per line, the newline removed",
	       .excl = EXCL_FORMAT),
	IB_OPT('0', "null", NONE, NULL, "stdin: one message per NUL-terminated record",
	       .excl = EXCL_FORMAT),
	IB_OPT(OPT_TYPED, "typed", NONE, NULL,
	       "stdin: TYPE<TAB>payload lines (NUL records with -0)"),
	IB_OPT('v', "verbose", NONE, NULL, "say how many messages were sent"),
};

const struct ib_cmd msgsnd_cmd = {
	.usage = "Usage: msgsnd OBJECT [-t TYPE] [-n | -w DURATION] [-l | -0 | --typed] [-v]\n"
		 "              [MESSAGE]...\n"
		 "Send each MESSAGE, or what stdin holds, to a System V or POSIX message queue.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "Without MESSAGE and without -l, -0 or --typed, all of stdin is one message.\n"
		  "Exit status: 0 sent, 1 failed, 2 usage error, 3 queue full (-n, -w).\n",
	.kinds = IB_KIND_BIT(IB_MSGQ),
};

struct sender {
	struct ib_msgq q;
	struct ib_wait wait;
	const char *wait_arg;
	size_t sent;
};

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* What limits the size of a message on this queue. */
static const char *limit_name(const struct ib_msgq *q)
{
	if (q->posix)
		return "mq_msgsize";
	return q->maxsize < ib_msgmax() ? "msg_qbytes" : "msgmax";
}

/* LEN 0: the size is not known, only that it is too large. */
static _Noreturn void too_large(const struct sender *s, size_t recno, size_t len)
{
	char size[48] = "";
	if (len)
		snprintf(size, sizeof size, " of %zu bytes", len);
	ib_die(IB_EXIT_FAIL, "message %zu%s is larger than the limit of %zu bytes (%s) of %s; "
	       "%zu message%s sent before it", recno, size, s->q.maxsize, limit_name(&s->q),
	       s->q.label, s->sent, plural(s->sent));
}

static void send_one(struct sender *s, size_t recno, long type, const char *data, size_t len)
{
	if (len > s->q.maxsize)
		too_large(s, recno, len);
	if (ib_msgq_send(&s->q, type, data, len, &s->wait) == 0) {
		s->sent++;
		return;
	}
	int e = errno;
	if (e == EAGAIN && s->wait.mode == IB_WAIT_NOT)
		ib_die(IB_EXIT_TIMEOUT, "queue %s is full; %zu message%s sent before", s->q.label,
		       s->sent, plural(s->sent));
	if (e == EAGAIN && s->wait.mode == IB_WAIT_FOR)
		ib_die(IB_EXIT_TIMEOUT, "queue %s still full after %s; %zu message%s sent before",
		       s->q.label, s->wait_arg, s->sent, plural(s->sent));
	if (e == EIDRM || (e == EINVAL && !s->q.posix && s->sent > 0))
		ib_die(IB_EXIT_FAIL, "send to %s: the queue was removed; %zu message%s sent before",
		       s->q.label, s->sent, plural(s->sent));
	if (s->sent > 0)
		ib_die_sys(IB_EXIT_FAIL, e, "send to %s (%zu message%s sent before)", s->q.label,
			   s->sent, plural(s->sent));
	ib_die_sys(IB_EXIT_FAIL, e, "send to %s", s->q.label);
}

static void send_records(struct sender *s, enum ib_rec_format fmt, bool nul, long type,
			 long tmin, long tmax)
{
	char delim = nul ? '\0' : '\n';
	size_t extra = fmt == IB_REC_TYPED ? 21 : 0; /* "TYPE<TAB>" */
	struct ib_recreader r;
	if (ib_recreader_init(&r, STDIN_FILENO, delim, s->q.maxsize + extra) != 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "allocate a buffer");
	const char *rec;
	size_t len, recno = 0;
	int got;
	while ((got = ib_recreader_next(&r, &rec, &len)) == 1) {
		recno++;
		if (fmt != IB_REC_TYPED) {
			send_one(s, recno, type, rec, len);
			continue;
		}
		long t;
		const char *data;
		size_t dlen;
		if (!ib_typed_split(rec, len, tmin, tmax, &t, &data, &dlen))
			ib_die(IB_EXIT_FAIL, "record %zu is not TYPE<TAB>payload with TYPE %ld-%ld; "
			       "%zu message%s sent before it", recno, tmin, tmax, s->sent,
			       plural(s->sent));
		send_one(s, recno, t, data, dlen);
	}
	if (got == -2)
		too_large(s, recno + 1, r.exact && fmt != IB_REC_TYPED ? len : 0);
	if (got < 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "read stdin (%zu message%s sent)", s->sent,
			   plural(s->sent));
	ib_recreader_free(&r);
}

int msgsnd_main(int argc, char **argv)
{
	struct ib_object o;
	struct sender s;
	enum ib_rec_format fmt = IB_REC_RAW;
	const char *type_arg = NULL;
	bool verbose = false, lines = false, nul = false, typed = false;
	long maxmsg = 0, msgsize = 0;
	int opt;

	ib_object_init(&o);
	memset(&s, 0, sizeof s);
	s.wait.mode = IB_WAIT_FOREVER;
	struct ib_args args;
	ib_args_init(&args, &msgsnd_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_object_arg(&o, &args))
			continue;
		switch (opt) {
		case 't': type_arg = args.arg; break;
		case 'n': s.wait.mode = IB_WAIT_NOT; break;
		case 'w':
			s.wait.mode = IB_WAIT_FOR;
			s.wait.ns = args.u;
			s.wait_arg = args.arg;
			break;
		case 'l': lines = true; break;
		case '0': nul = true; break;
		case OPT_TYPED: typed = true; break;
		case 'v': verbose = true; break;
		case OPT_MAXMSG: maxmsg = (long)args.u; break;
		case OPT_MSGSIZE: msgsize = (long)args.u; break;
		}
	}
	if (!ib_object_check(&o, true))
		return IB_EXIT_FAIL;
	bool posix = o.sel == IB_SEL_POSIX;
	if ((maxmsg || msgsize) && !(posix && o.create))
		ib_usage_error("--maxmsg and --msgsize need -P and -c");
	fmt = typed ? IB_REC_TYPED : lines ? IB_REC_LINE : nul ? IB_REC_NUL : IB_REC_RAW;
	if (fmt != IB_REC_RAW && args.nops > 0)
		ib_usage_error("-l, -0 and --typed read stdin: give no MESSAGE");
	long tmin = posix ? 0 : 1;
	long tmax = posix ? sysconf(_SC_MQ_PRIO_MAX) - 1 : LONG_MAX;
	long type = posix ? 0 : 1;
	if (type_arg) {
		if (fmt == IB_REC_TYPED)
			ib_usage_error("-t and --typed exclude each other");
		int64_t t;
		if (ib_parse_i64(type_arg, tmin, tmax, &t) != IB_PARSE_OK)
			ib_usage_error("invalid %s '%s': expected %ld to %ld", posix ? "priority" : "type",
				       type_arg, tmin, tmax);
		type = (long)t;
	}

	if (o.create_only && (args.nops > 0 || fmt != IB_REC_RAW))
		ib_usage_error("--create-only sends nothing: give no MESSAGE, -l, -0 or --typed");
	if (ib_msgq_open(&s.q, &o, 0200, maxmsg, msgsize) != 0)
		return IB_EXIT_FAIL;
	if (ib_object_announce(&o, s.q.posix ? -1 : s.q.id, false)) {
		ib_msgq_close(&s.q);
		return IB_EXIT_OK;
	}
	if (args.nops > 0) {
		for (int i = 0; i < args.nops; i++)
			send_one(&s, (size_t)i + 1, type, args.ops[i], strlen(args.ops[i]));
	} else if (fmt == IB_REC_RAW) {
		char *buf;
		size_t len;
		if (ib_read_to_end(STDIN_FILENO, s.q.maxsize, &buf, &len) != 0) {
			if (errno == EFBIG)
				too_large(&s, 1, 0);
			ib_die_sys(IB_EXIT_FAIL, errno, "read stdin");
		}
		send_one(&s, 1, type, buf, len);
		free(buf);
	} else {
		send_records(&s, fmt, nul, type, tmin, tmax);
	}
	if (verbose)
		ib_warn("sent %zu message%s to %s", s.sent, plural(s.sent), s.q.label);
	ib_msgq_close(&s.q);
	return IB_EXIT_OK;
}
