/* Address blocks and a peer's environment. See sockcat-peer.h. */
#include "sockcat-peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/parse.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* One ADDRESS[/BITS] into C. */
static const char *parse_block(const char *item, struct ib_cidr *c)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(item, '/');
	size_t len = slash ? (size_t)(slash - item) : strlen(item);
	if (len == 0)
		return "an empty address (CIDR lists are ADDRESS[/BITS] separated by commas)";
	if (len >= sizeof(addr))
		return "not an IPv4 or IPv6 address";
	memcpy(addr, item, len);
	addr[len] = '\0';
	unsigned max;
	if (inet_pton(AF_INET, addr, c->addr + 12) == 1) {
		memcpy(c->addr, v4mapped, sizeof(v4mapped));
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c->addr) == 1) {
		max = 128;
	} else {
		return "not an IPv4 or IPv6 address (host names are not taken)";
	}
	uint64_t bits = max;
	if (slash && ib_parse_u64(slash + 1, 10, 0, max, &bits) != IB_PARSE_OK)
		return max == 32 ? "bits after '/' must be 0-32" : "bits after '/' must be 0-128";
	c->bits = (unsigned)bits + (128 - max);
	return NULL;
}

const char *ib_cidr_list_add(struct ib_cidr_list *l, const char *text)
{
	const char *p = text;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[INET6_ADDRSTRLEN + 8];
		if (len >= sizeof(item))
			return "not an IPv4 or IPv6 address";
		memcpy(item, p, len);
		item[len] = '\0';
		if (l->n == IB_CIDR_MAX)
			return "too many addresses (at most 64)";
		const char *why = parse_block(item, &l->c[l->n]);
		if (why)
			return why;
		l->n++;
		if (!comma)
			return NULL;
		p = comma + 1;
	}
}

static bool in_block(const struct ib_cidr *c, const uint8_t a[16])
{
	unsigned whole = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr, a, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (c->addr[whole] & mask) == (a[whole] & mask);
}

/* SA's address as 16 bytes (IPv4 mapped). False if it is no Internet address. */
static bool as16(const struct sockaddr *sa, uint8_t a[16])
{
	if (sa->sa_family == AF_INET) {
		memcpy(a, v4mapped, sizeof(v4mapped));
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

bool ib_cidr_list_has(const struct ib_cidr_list *l, const struct sockaddr *sa)
{
	uint8_t a[16];
	if (!as16(sa, a))
		return false;
	for (int i = 0; i < l->n; i++)
		if (in_block(&l->c[i], a))
			return true;
	return false;
}

/* ADDR_VAR and PORT_VAR set to SA's address and port, or unset if SA is no Internet one. */
static int set_inet(const char *addr_var, const char *port_var, const struct sockaddr *sa)
{
	uint8_t a[16];
	char text[INET6_ADDRSTRLEN], port[8];
	if (!as16(sa, a))
		return unsetenv(addr_var) | unsetenv(port_var);
	if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0)
		inet_ntop(AF_INET, a + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, a, text, sizeof(text));
	in_port_t p = sa->sa_family == AF_INET
			      ? ((const struct sockaddr_in *)(const void *)sa)->sin_port
			      : ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port;
	snprintf(port, sizeof(port), "%u", (unsigned)ntohs(p));
	return setenv(addr_var, text, 1) | setenv(port_var, port, 1);
}

int ib_peer_setenv(int fd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) != 0)
		peer.ss_family = AF_UNSPEC;
	return ib_peer_setenv_from(fd, (struct sockaddr *)&peer);
}

int ib_peer_setenv_from(int fd, const struct sockaddr *peer)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &llen) != 0)
		local.ss_family = AF_UNSPEC;
	int rc = set_inet("SOCKCAT_PEER_ADDR", "SOCKCAT_PEER_PORT", peer) |
		 set_inet("SOCKCAT_LOCAL_ADDR", "SOCKCAT_LOCAL_PORT", (struct sockaddr *)&local);
	struct ucred cr = { 0, 0, 0 };
	socklen_t clen = sizeof(cr);
	const char *vars[3] = { "SOCKCAT_PEER_PID", "SOCKCAT_PEER_UID", "SOCKCAT_PEER_GID" };
	bool unix_cred = local.ss_family == AF_UNIX &&
			 getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &clen) == 0 && cr.pid > 0;
	for (int i = 0; i < 3; i++) {
		char v[24];
		long long n = i == 0 ? (long long)cr.pid : i == 1 ? (long long)cr.uid : (long long)cr.gid;
		snprintf(v, sizeof(v), "%lld", n);
		rc |= unix_cred ? setenv(vars[i], v, 1) : unsetenv(vars[i]);
	}
	return rc ? -1 : 0;
}
