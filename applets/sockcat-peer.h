/* What sockcat knows about a peer: whether --allow-addr/--deny-addr admit its Internet
 * address, and the SOCKCAT_* variables a command started for it (-e) gets. */
#ifndef IPCBOX_SOCKCAT_PEER_H
#define IPCBOX_SOCKCAT_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* An address block: 16 bytes (IPv4 as IPv4-mapped IPv6) and how many leading bits count. */
struct ib_cidr {
	uint8_t addr[16];
	unsigned bits;
};

#define IB_CIDR_MAX 64

struct ib_cidr_list {
	struct ib_cidr c[IB_CIDR_MAX];
	int n;
};

/* Adds the blocks of TEXT ("10.0.0.0/8,::1,192.168.1.7") to L. Returns NULL, or why
 * TEXT is malformed (a static string; L may then hold some of it). */
const char *ib_cidr_list_add(struct ib_cidr_list *l, const char *text);

/* Whether the Internet address SA is in one of L's blocks (an IPv4 client of a dual-stack
 * listener, ::ffff:a.b.c.d, is its IPv4 address). False for any other family. */
bool ib_cidr_list_has(const struct ib_cidr_list *l, const struct sockaddr *sa);

/* Sets SOCKCAT_PEER_ADDR, _PEER_PORT, _LOCAL_ADDR, _LOCAL_PORT (Internet) or
 * SOCKCAT_PEER_PID, _PEER_UID, _PEER_GID (UNIX, from SO_PEERCRED) for socket FD in
 * this process's environment, and unsets those that do not apply. Returns 0, or -1
 * with errno (out of memory). */
int ib_peer_setenv(int fd);

/* The same for a datagram from PEER on the unconnected socket FD. */
int ib_peer_setenv_from(int fd, const struct sockaddr *peer);

#endif
