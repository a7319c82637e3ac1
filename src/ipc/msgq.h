/* Message queues for msgsnd and msgrcv: one handle over a System V queue or a POSIX
 * queue, sends and receives that wait, do not wait, or wait until a timeout, the
 * record formats of the command line, and a buffered record reader for stdin. */
#ifndef IPCBOX_MSGQ_H
#define IPCBOX_MSGQ_H

#include <mqueue.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/object.h"

/* The largest System V message payload: /proc/sys/kernel/msgmax (8192 if unreadable). */
size_t ib_msgmax(void);

struct ib_msgq {
	bool posix;
	int id;          /* System V */
	mqd_t mqd;       /* POSIX */
	size_t maxsize;  /* the largest payload this queue takes or gives: System V
			    min(msgmax, msg_qbytes), POSIX mq_msgsize */
	char label[300]; /* "key 0x0000162e", "id 5" or "/NAME", for messages */
	char *sbuf;      /* System V send buffer: long mtype, then the text */
	size_t scap;
};

/* Opens (with -c creates) the queue O selects, for ACCESS (0200 send, 0400 receive;
 * a POSIX queue opened to receive is also opened to send where permitted, so a
 * receiver can put a message back).
 * MAXMSG and MSGSIZE (0: the system default) shape a POSIX queue this call creates.
 * A created POSIX queue gets exactly O's mode, whatever the umask.
 * On failure prints one line and returns -1. */
int ib_msgq_open(struct ib_msgq *q, const struct ib_object *o, int access, long maxmsg,
		 long msgsize);
void ib_msgq_close(struct ib_msgq *q);

/* How long a send or receive may wait when it cannot go ahead at once. */
enum ib_wait_mode { IB_WAIT_FOREVER, IB_WAIT_NOT, IB_WAIT_FOR };
struct ib_wait {
	enum ib_wait_mode mode;
	uint64_t ns; /* IB_WAIT_FOR */
};

/* Catches SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1 and SIGUSR2 (those not
 * ignored now: nohup's SIGHUP stays ignored): the handler records the signal and
 * makes sure a send, receive or write that is blocked, or about to block, returns
 * EINTR soon (a repeating 10 ms timer closes the race with a blocking syscall).
 * Also installs the SIGALRM handler the timeouts use; ib_msgq_send/recv call it
 * themselves if needed. */
void ib_msgq_catch_stop_signals(void);
/* The signal caught since, or 0. */
int ib_msgq_stop_signal(void);

/* A received message. DATA points into the receive buffer. */
struct ib_msg {
	long type;
	const char *data;
	size_t len;
};

/* Sends one message. Returns 0, or -1 with errno: EAGAIN when it would have blocked
 * or the wait timed out, EINTR when a stop signal came, else the system error. */
int ib_msgq_send(struct ib_msgq *q, long type, const void *data, size_t len,
		 const struct ib_wait *w);

/* The receive buffer: sized for q->maxsize. */
struct ib_msgbuf {
	size_t cap;
	char *mem; /* long mtype, then cap bytes of text */
};
int ib_msgbuf_init(struct ib_msgbuf *b, size_t cap);
void ib_msgbuf_free(struct ib_msgbuf *b);

/* Receive flags beyond the kernel's (System V only; POSIX has none of them). */
enum { IB_RCV_EXCEPT = 1, IB_RCV_NOERROR = 2 };
/* Receives one message selected by TYPE (System V msgrcv(2) rules; ignored by
 * POSIX). Returns 0 and fills *M, or -1 with errno: EAGAIN (would block / timed out),
 * EINTR (stop signal), E2BIG (too large, left on the queue), EIDRM (queue removed)... */
int ib_msgq_recv(struct ib_msgq *q, struct ib_msgbuf *b, long type, int flags,
		 const struct ib_wait *w, struct ib_msg *m);
/* Copies the INDEXth message (0-based) without removing it (MSG_COPY, System V).
 * -1 with errno ENOMSG past the end, ENOSYS where the kernel cannot. */
int ib_msgq_peek(struct ib_msgq *q, struct ib_msgbuf *b, long index, int flags,
		 struct ib_msg *m);
/* After a receive failed with E2BIG: the size of the message it selected, found by
 * copying the queue's messages with MSG_COPY. 0 if it cannot be told. */
size_t ib_msgq_size_of_next(struct ib_msgq *q);

/* Record formats on stdin and stdout. */
enum ib_rec_format {
	IB_REC_RAW,   /* stdin: all of it, one message; stdout: payloads back to back */
	IB_REC_LINE,  /* one message per line, newline removed / added */
	IB_REC_NUL,   /* one per NUL-terminated record */
	IB_REC_TYPED, /* TYPE<TAB>payload, newline (or, with -0, NUL) terminated */
};

/* Buffered reading of delimited records from a descriptor. */
struct ib_recreader {
	int fd;
	char delim;
	bool eof;
	char *buf;
	size_t cap, pos, end;
	size_t max; /* longest record accepted, delimiter not counted */
	bool exact; /* after -2: *LEN is the record's whole length */
};
int ib_recreader_init(struct ib_recreader *r, int fd, char delim, size_t max);
void ib_recreader_free(struct ib_recreader *r);
/* The next record (without its delimiter; the last one may lack it). Returns 1 and
 * sets *DATA and *LEN (valid until the next call), 0 at end of input, -1 on a read
 * error (errno), -2 when a record is longer than MAX (*LEN: its length if EXACT, else the bytes
 * seen so far). */
int ib_recreader_next(struct ib_recreader *r, const char **data, size_t *len);

/* Splits a typed record "TYPE<TAB>payload". TYPE is decimal in [MIN, MAX].
 * Returns false if the record is malformed. */
bool ib_typed_split(const char *rec, size_t len, long min, long max, long *type,
		    const char **data, size_t *dlen);

#endif
