/* Opening sockets from an ib_sockspec: connecting with a timeout and an optional source
 * address, and listening, with the UNIX path rules (refuse a non-socket, replace a stale
 * socket, refuse a live one, set the mode without a window). Errors are reported here
 * ("connect tcp:127.0.0.1:1: Connection refused"); the functions then return
 * -IB_EXIT_FAIL, or -IB_EXIT_TIMEOUT when a timeout expired. */
#ifndef IPCBOX_SOCKOPEN_H
#define IPCBOX_SOCKOPEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/sockaddr.h"

struct ib_sockopen {
	uint64_t timeout_ns;     /* connect: 0 = the kernel's own */
	const char *source;      /* connect: bind to this host first (NULL = any) */
	const char *source_port; /* connect: and this port (NULL = any) */
	bool numeric;            /* no name resolution */
	bool keepalive;          /* SO_KEEPALIVE */
	bool reuseaddr;          /* SO_REUSEADDR (listening TCP: always) */
	size_t sockbuf;          /* SO_SNDBUF/SO_RCVBUF; 0 = the kernel's */
	bool mode_set;           /* listen on a UNIX path: chmod it to MODE */
	mode_t mode;
	int backlog;             /* listen: 0 = SOMAXCONN */
};

/* A connected socket (O_NONBLOCK, O_CLOEXEC) or a negative exit code. */
int ib_sock_connect(const struct ib_sockspec *spec, const struct ib_sockopen *o);

/* A bound socket, listening if it is a stream or seqpacket one (O_CLOEXEC), or a negative
 * exit code. A UNIX path that was made is copied to CREATED (when not NULL, of size
 * sizeof(sun_path) + 1; "" for none) so the caller can remove it. TCP and UDP with no
 * host listen on [::] for both IPv4 and IPv6 (0.0.0.0 where there is no IPv6). */
int ib_sock_listen(const struct ib_sockspec *spec, const struct ib_sockopen *o, char *created);

#endif
