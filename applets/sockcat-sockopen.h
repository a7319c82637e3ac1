/* Opening sockets from an ib_sockspec: connecting with a timeout and an optional source
 * address, and listening, with the UNIX path rules (refuse a non-socket, replace a stale
 * socket, refuse a live one, set the mode without a window). Errors are reported here
 * ("connect tcp:127.0.0.1:1: Connection refused"); the functions then return
 * -IB_EXIT_FAIL, or -IB_EXIT_TIMEOUT when a timeout expired. */
#ifndef IPCBOX_SOCKCAT_SOCKOPEN_H
#define IPCBOX_SOCKCAT_SOCKOPEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "sockcat-sockaddr.h"

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
	char *errbuf;            /* connect: when set, the error goes here, not to stderr */
	size_t errlen;           /* (the caller may try again and report only the last) */
};

/* A connected socket (O_NONBLOCK, O_CLOEXEC) or a negative exit code. */
int ib_sock_connect(const struct ib_sockspec *spec, const struct ib_sockopen *o);

/* A UNIX socket path this process made, so that it removes that socket and nothing
 * else: PATH ("" for none) and the file it bound (st_dev, st_ino). */
struct ib_unix_made {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	dev_t dev;
	ino_t ino;
};

/* A bound socket, listening if it is a stream or seqpacket one (O_CLOEXEC), or a negative
 * exit code. A UNIX path that was made is recorded in MADE (when not NULL) so the caller
 * can remove it. TCP and UDP with no host listen on [::] for both IPv4 and IPv6 (0.0.0.0
 * where there is no IPv6). */
int ib_sock_listen(const struct ib_sockspec *spec, const struct ib_sockopen *o,
		   struct ib_unix_made *made);

/* Removes MADE's path if it still is the socket bound there (the same file, checked
 * with lstat just before unlink), and forgets it. A newer listener's socket at that
 * path is left alone. Async-signal-safe. Returns 0, or -1 with errno if unlink failed. */
int ib_unix_remove_made(struct ib_unix_made *made);

/* Removes PATH if it still is the file DEV, INO (checked with lstat just before unlink):
 * a stale socket or a link we made, never what another has put there since. Returns 0
 * (also when PATH is gone or another file), or -1 with errno. Async-signal-safe. */
int ib_unlink_same(const char *path, dev_t dev, ino_t ino);

#endif
