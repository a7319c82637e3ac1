/* Moving bytes between descriptors as fast as the kernel allows: splice(2) through an
 * internal pipe (enlarged with F_SETPIPE_SZ) where both ends support it, read/write with
 * a large buffer where they do not, message by message for datagram and seqpacket
 * sockets. One or two directions run at once in a single poll loop, so a socket can be
 * relayed both ways with a correct half-close: each direction ends at its own EOF. */
#ifndef IPCBOX_SOCKCAT_RELAY_H
#define IPCBOX_SOCKCAT_RELAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The default chunk: the internal pipe's size and the copy buffer's. */
#define IB_RELAY_CHUNK ((size_t)1 << 20)

/* A datagram peer of an unconnected socket; LEN 0: none yet. */
struct ib_relay_peer {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct ib_relay_dir {
	int in, out;            /* copy from IN to OUT until IN's end of file */
	const char *in_name, *out_name; /* for messages: "stdin", "tcp:127.0.0.1:80" */
	bool message;           /* keep message boundaries: one read = one send (datagram/
				   seqpacket sockets); an empty datagram is not an EOF
				   unless IN is a stream or seqpacket */
	bool in_dgram;          /* IN is a datagram socket: a 0-byte read is a message */
	bool copy_only;         /* never splice */
	bool shutdown_out;      /* at IN's EOF, shutdown(OUT, SHUT_WR) */
	bool own_in, own_out;   /* IN / OUT is the caller's own socket: the relay may make
				   it blocking (see ib_relay_run) */
	size_t max_message;     /* message mode: the largest read from IN (0 = chunk) */
	const void *only_from;  /* NULL, or drop datagrams from any other address than this
				   (ONLY_FROM_LEN bytes): those queued before IN was connected */
	unsigned only_from_len;
	/* IN is an unconnected datagram socket: ADMIT (NULL: all) says whether a datagram
	   from SA is relayed (one it refuses is dropped; it says why), and the sender of
	   each one relayed that has an address (not an unbound UNIX socket) is stored in
	   FROM (NULL: nowhere): the most recent one stays there. */
	bool (*admit)(const void *arg, const struct sockaddr *sa, socklen_t len);
	const void *admit_arg;
	struct ib_relay_peer *from;
	/* OUT is an unconnected datagram socket: each message goes to TO. While TO has no
	   address (LEN 0) what was read waits; a message it cannot take (the peer is gone,
	   or is an unbound UNIX socket) is dropped with a warning, and the relay goes on. */
	const struct ib_relay_peer *to;
	/* Called with every chunk copied in copy mode (hexdump and the like); may be NULL. */
	void (*observe)(void *arg, const char *buf, size_t len);
	void *observe_arg;
	bool pty;               /* IN or OUT is a pty master: EIO there means no process has
				   the terminal open any more, an end of file (OUT: what
				   was not taken is dropped, as by a command that exits
				   without reading its input) */
	/* Called at IN's end of file in copy mode (may be NULL): may put up to CAP bytes
	   in BUF for OUT before this direction ends (the pty's end-of-file character);
	   returns how many. */
	size_t (*at_eof)(void *arg, char *buf, size_t cap);
	void *at_eof_arg;
	uint64_t bytes;         /* out: bytes moved */
	bool eof;               /* out: IN reached its end and everything was written */
};

struct ib_relay {
	struct ib_relay_dir dir[2];
	int ndirs;              /* 1 or 2 */
	size_t chunk;           /* 0 = IB_RELAY_CHUNK */
	uint64_t idle_ns;       /* 0 = none; else give up when nothing moved this long */
	uint64_t quit_ns;       /* UINT64_MAX = never; else stop this long after dir[0]'s
				   EOF even if dir[1] still runs (nc -q) */
	bool stop_on_dir1_eof;  /* stop as soon as dir[1] is done */
	/* Progress: REPORT (NULL: none) is called every REPORT_NS (0: not by time), and
	 * at once when *REPORT_NOW (NULL: none) was set, by a handler of a signal the
	 * caller blocks: the wait unblocks it atomically (ppoll with POLL_MASK). */
	void (*report)(void *arg, const struct ib_relay *r, uint64_t elapsed_ns);
	void *report_arg;
	uint64_t report_ns;
	volatile sig_atomic_t *report_now;
	const sigset_t *poll_mask;
};

enum ib_relay_result {
	IB_RELAY_OK = 0,        /* every direction done (or -q / stop_on_dir1_eof) */
	IB_RELAY_FAILED,        /* an I/O error, already reported with ib_warn_sys */
	IB_RELAY_IDLE,          /* the idle timeout expired (not reported) */
};

/* Runs the relay. Descriptors are used as they are (a non-blocking descriptor speeds it
 * up; a blocking one is read only when poll says so), but for the sockets marked
 * OWN_IN / OWN_OUT: once their stream direction is the only one left, and no idle,
 * -q or --progress timer runs, they are made blocking, with SO_RCVTIMEO/SO_SNDTIMEO
 * of 100 ms, and stay so. SIGPIPE should be ignored. */
enum ib_relay_result ib_relay_run(struct ib_relay *r);

#endif
