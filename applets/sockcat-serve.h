/* sockcat's serving side: a client's bytes relayed, or a command run for it with the
 * peer in its environment; and the listening loop, on a socket of its own or on those a
 * supervisor passed (--fd, systemd's LISTEN_FDS), admitting clients by credentials or
 * address, one at a time, keep-open or forked. sockcat.c parses the command line into
 * struct sockcat_opts and connects; everything after a peer is found is here. */
#ifndef IPCBOX_SOCKCAT_SERVE_H
#define IPCBOX_SOCKCAT_SERVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sockcat-peer.h"
#include "sockcat-sockaddr.h"
#include "sockcat-sockopen.h"

#define SOCKCAT_MAX_IDS 64
#define SOCKCAT_MAX_LISTEN 16

/* What the command line asked for (sockcat.c fills it in). */
struct sockcat_opts {
	bool listen, keep, fork, exec, verbose, udp, unixp, numeric, no_shutdown, zero, progress;
	int family;
	unsigned long max_clients;
	uint64_t quit_ns, idle_ns;
	size_t buffer;
	const char *hexdump;
	FILE *hex;
	struct ib_sockopen so;
	unsigned uids[SOCKCAT_MAX_IDS], gids[SOCKCAT_MAX_IDS];
	int nuids, ngids;
	struct ib_cidr_list allow, deny;
	unsigned long retries;   /* --retry: tries after the first (ULONG_MAX: --retry-for's) */
	uint64_t retry_for_ns, interval_ns;
	int fd;                  /* --fd N, or -1 */
	int lfd[SOCKCAT_MAX_LISTEN];     /* the listening sockets inherited (--fd, LISTEN_FDS) */
	int nlfd;
	char **cmd;
	bool pty;                /* --pty: COMMAND on a new terminal */
	const char *pty_link;    /* the pty:LINK address's LINK, or NULL */
	sigset_t cmd_keep; /* for COMMAND: ignored when we started, but those we take over */
	struct ib_sockspec spec;
	char name[IB_SOCKADDR_STRLEN];
};

/* Relays stdin/stdout with SOCK; RECV_ONLY when the peer has no address to answer.
 * Returns the exit status. */
int ib_sockcat_relay(const struct sockcat_opts *o, int sock, const char *peer, bool recv_only);

/* Becomes O's COMMAND with SOCK as its stdin and stdout and the peer in SOCKCAT_*. */
_Noreturn void ib_sockcat_exec(const struct sockcat_opts *o, int sock);

/* Adds the socket a supervisor left on descriptor FD to O's inherited ones (FROM names
 * the option, for messages); a usage error ends the process. */
void ib_sockcat_inherit(struct sockcat_opts *o, int fd, const char *from);

/* Inherits systemd's LISTEN_FDS sockets if LISTEN_PID is this process, and unsets them. */
void ib_sockcat_inherit_systemd(struct sockcat_opts *o);

/* From now on SIGUSR1 asks a relay for a progress line (at its next wait) and ends
 * nothing, whatever sockcat is doing. */
void ib_sockcat_catch_usr1(void);

/* Listens as O says, or serves its inherited sockets. Returns the exit status. */
int ib_sockcat_listen(struct sockcat_opts *o);

/* Removes the UNIX socket path the listener made, if it is still that socket.
 * Async-signal-safe: for atexit and the SIGTERM handler. */
void ib_sockcat_remove_path(void);

/* The same, saying so when it cannot be removed. Returns 0, or -1 if it stayed. */
int ib_sockcat_remove_path_loud(void);

#endif
