/* Socket addresses as users spell them: tcp:HOST:PORT, tcp4:, tcp6:, udp:, udp4:, udp6:,
 * unix:PATH, unix:@NAME (abstract), unix-dgram:PATH, unix-seqpacket:PATH; IPv6 literals
 * in brackets ([::1]). Parsing, resolving and printing them back. */
#ifndef IPCBOX_SOCKCAT_SOCKADDR_H
#define IPCBOX_SOCKCAT_SOCKADDR_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

struct ib_sockspec {
	int family;   /* AF_UNIX, AF_INET, AF_INET6, or AF_UNSPEC (tcp:/udp: either) */
	int type;     /* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	char host[256]; /* Internet: host name or literal, without brackets; "" = any */
	char port[32];  /* Internet: port number or service name */
	struct sockaddr_un un; /* UNIX: the address */
	socklen_t unlen;
	bool abstract;  /* UNIX: in the abstract namespace (unix:@NAME) */
};

/* Parses TEXT. Returns NULL on success, else why it is malformed (a static string). */
const char *ib_sockspec_parse(const char *text, struct ib_sockspec *out);

/* Whether TEXT starts with a known address type and a colon ("tcp:", "unix:"). */
bool ib_sockspec_is_address(const char *text);

/* Fills a UNIX spec from PATH ("@NAME" is abstract). Returns NULL or why it is bad. */
const char *ib_sockspec_unix(const char *path, int type, struct ib_sockspec *out);

/* Fills an Internet spec. FAMILY is AF_UNSPEC, AF_INET or AF_INET6; HOST may be "" or
 * NULL (any address when listening). Returns NULL or why it is bad. */
const char *ib_sockspec_inet(const char *host, const char *port, int family, int type,
			     struct ib_sockspec *out);

/* The spec spelled canonically ("tcp:[::1]:80", "unix:@name") into BUF. */
const char *ib_sockspec_format(const struct ib_sockspec *spec, char *buf, size_t len);

/* A kernel address spelled the same way, for TYPE sockets ("tcp:127.0.0.1:4242",
 * "unix:/run/x.sock", "unix:@name", "unix:(unnamed)"). IPv4-mapped IPv6 addresses
 * print as IPv4. */
const char *ib_sockaddr_format(const struct sockaddr *sa, socklen_t len, int type,
			       char *buf, size_t buflen);

/* Resolves an Internet spec with getaddrinfo (PASSIVE for listening: "" means any).
 * Returns getaddrinfo's code; free *RES with freeaddrinfo. */
int ib_sockspec_resolve(const struct ib_sockspec *spec, bool passive, bool numeric,
			struct addrinfo **res);

/* Longest string ib_sockspec_format / ib_sockaddr_format can produce, NUL included. */
#define IB_SOCKADDR_STRLEN 320

#endif
