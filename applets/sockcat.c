/* sockcat: netcat/socat for UNIX and Internet sockets. Moves bytes between stdin/stdout
 * (or a command) and a socket with splice(2), half-closing correctly: at stdin's EOF the
 * sending side is shut down and the reply is read to its end. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "sockcat-peer.h"
#include "sockcat-relay.h"
#include "sockcat-sockaddr.h"
#include "sockcat-sockopen.h"

enum {
	OPT_FORK = 0x100, OPT_MAX, OPT_NOSHUT, OPT_IDLE, OPT_REUSE, OPT_KEEPALIVE, OPT_BUFFER,
	OPT_AUID, OPT_AGID, OPT_RETRY, OPT_RETRY_FOR, OPT_INTERVAL, OPT_ALLOW_ADDR, OPT_DENY_ADDR,
	OPT_FD,
};

static const struct ib_opt options[] = {
	IB_OPT('l', "listen", NONE, NULL, "listen on ADDRESS and serve one client (port 0: any)"),
	IB_OPT('k', "keep-open", NONE, NULL, "after a client leaves, serve the next one"),
	IB_OPT(OPT_FORK, "fork", NONE, NULL, "serve clients concurrently, one process each"),
	IB_OPT(OPT_MAX, "max-clients", COUNT, "N", "with --fork, at most N clients at once",
	       .min = 1, .max = 1000000),
	IB_OPT('e', "exec", NONE, NULL, "run COMMAND with the socket as its stdin and stdout"),
	IB_OPT('v', "verbose", NONE, NULL, "report listening, connections and peer credentials"),
	IB_OPT('u', "udp", NONE, NULL, "nc style: UDP (with -U: a UNIX datagram socket)"),
	IB_OPT('U', "unix", NONE, NULL, "nc style: the operand is a UNIX socket PATH"),
	IB_OPT('4', NULL, NONE, NULL, "IPv4 only"),
	IB_OPT('6', NULL, NONE, NULL, "IPv6 only"),
	IB_OPT('n', "numeric", NONE, NULL, "do not resolve host names"),
	IB_OPT('q', "quit-after", DURATION, "DURATION", "stop DURATION after stdin's end of file"),
	IB_OPT(OPT_NOSHUT, "no-shutdown", NONE, NULL,
	       "do not shut down the sending side at stdin's EOF"),
	IB_OPT('N', NULL, NONE, NULL, "accepted for nc users (shutting down is the default)"),
	IB_OPT('w', "connect-timeout", DURATION, "DURATION",
	       "give up connecting after DURATION (exit 3)"),
	IB_OPT(OPT_IDLE, "idle-timeout", DURATION, "DURATION",
	       "stop when nothing moved for DURATION (exit 3)"),
	IB_OPT('s', "source", TEXT, "HOST", "connect from this local address"),
	IB_OPT('p', "source-port", TEXT, "PORT",
	       "connect from this local port (with -l: listen on PORT)"),
	IB_OPT(OPT_REUSE, "reuseaddr", NONE, NULL, "set SO_REUSEADDR (always on for TCP listening)"),
	IB_OPT(OPT_KEEPALIVE, "keepalive", NONE, NULL, "set SO_KEEPALIVE"),
	IB_OPT(OPT_BUFFER, "buffer", SIZE, "SIZE", "relay chunk size (default 1MiB) and socket buffers",
	       .min = 4096, .max = 1 << 30),
	IB_OPT('m', "mode", MODE, "MODE", "permissions of a UNIX socket path being listened on"),
	IB_OPT(OPT_AUID, "allow-uid", TEXT, "UID[,UID]...",
	       "accept only UNIX clients with one of these uids"),
	IB_OPT(OPT_AGID, "allow-gid", TEXT, "GID[,GID]...", "or one of these gids (SO_PEERCRED)"),
	IB_OPT(OPT_ALLOW_ADDR, "allow-addr", TEXT, "CIDR[,CIDR]...",
	       "accept only TCP/UDP clients from these addresses"),
	IB_OPT(OPT_DENY_ADDR, "deny-addr", TEXT, "CIDR[,CIDR]...",
	       "refuse TCP/UDP clients from these addresses"),
	IB_OPT(OPT_FD, "fd", COUNT, "N", "with -l: serve the socket inherited on descriptor N",
	       .max = 65535),
	IB_OPT('x', "hexdump", PATH, "FILE", "append a hex dump of the traffic to FILE"),
	IB_OPT('z', "zero-io", NONE, NULL,
	       "check that each ADDRESS answers (connect, close): exit 0 if all do"),
	IB_OPT(OPT_RETRY, "retry", COUNT, "N", "if connecting fails, try N more times",
	       .min = 1, .max = 1000000000),
	IB_OPT(OPT_RETRY_FOR, "retry-for", DURATION, "DURATION",
	       "keep trying to connect for DURATION (exit 3 when it runs out)"),
	IB_OPT(OPT_INTERVAL, "interval", DURATION, "DURATION",
	       "wait DURATION between tries (default 100ms, doubling up to 1s)"),
};

const struct ib_cmd sockcat_cmd = {
	.usage = "Usage: sockcat [OPTION]... ADDRESS [-e -- COMMAND [ARG]...]\n"
		 "  or:  sockcat [OPTION]... -l ADDRESS [-e -- COMMAND [ARG]...]\n"
		 "  or:  sockcat [OPTION]... [-l] HOST PORT\n"
		 "  or:  sockcat [OPTION]... [-l] -U PATH\n"
		 "  or:  sockcat -z [OPTION]... ADDRESS...\n"
		 "  or:  sockcat [OPTION]... -l [--fd N] [-e -- COMMAND [ARG]...]\n"
		 "Connect stdin/stdout or a command to a UNIX or Internet socket, or listen on\n"
		 "one. ADDRESS is tcp:HOST:PORT, tcp4:, tcp6:, udp:HOST:PORT, udp4:, udp6:,\n"
		 "unix:PATH, unix:@NAME (abstract), unix-dgram:PATH or unix-seqpacket:PATH;\n"
		 "IPv6 literals go in brackets (tcp:[::1]:80). At stdin's end of file the\n"
		 "sending side is shut down and the peer's reply is still read to its end.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "DURATION is seconds with an optional fraction and a unit (250ms, 1.5s).\n"
		  "With -e, the operands after ADDRESS are COMMAND and its arguments; write them\n"
		  "after -- so that COMMAND's options are not taken for sockcat's. COMMAND finds\n"
		  "the peer in SOCKCAT_PEER_ADDR, SOCKCAT_PEER_PORT, SOCKCAT_LOCAL_ADDR and\n"
		  "SOCKCAT_LOCAL_PORT, or SOCKCAT_PEER_PID, _UID and _GID on UNIX sockets.\n"
		  "-l with no address serves the sockets systemd passes (LISTEN_FDS).\n"
		  "Exit status: 0 when both directions are done, 1 on failure, 2 on a usage error,\n"
		  "3 when a timeout expired; with -e, COMMAND's status (126/127 if it cannot run).\n",
	.operands = IB_ARG_ADDR,
	.dashdash = IB_ARG_COMMAND,
};

#define MAX_IDS 64
#define MAX_LISTEN 16

struct opts {
	bool listen, keep, fork, exec, verbose, udp, unixp, numeric, no_shutdown, zero;
	int family;
	unsigned long max_clients;
	uint64_t quit_ns, idle_ns;
	size_t buffer;
	const char *hexdump;
	FILE *hex;
	struct ib_sockopen so;
	unsigned uids[MAX_IDS], gids[MAX_IDS];
	int nuids, ngids;
	struct ib_cidr_list allow, deny;
	unsigned long retries;   /* --retry: tries after the first (ULONG_MAX: --retry-for's) */
	uint64_t retry_for_ns, interval_ns;
	int fd;                  /* --fd N, or -1 */
	int lfd[MAX_LISTEN];     /* the listening sockets inherited (--fd, LISTEN_FDS) */
	int nlfd;
	char **cmd;
	sigset_t cmd_keep; /* for COMMAND: ignored when we started, but those we take over */
	struct ib_sockspec spec;
	char name[IB_SOCKADDR_STRLEN];
};

/* The UNIX path this process made, removed when it stops listening (a one-shot
 * listener once it has its client), at exit and on SIGINT/SIGTERM/SIGHUP: only if the
 * path still is the socket it bound. */
static struct ib_unix_made unix_made;
static pid_t unix_owner;
static volatile sig_atomic_t child_exited;

static void remove_path(void)
{
	if (getpid() == unix_owner)
		ib_unix_remove_made(&unix_made);
}

/* remove_path outside a signal handler: says so if the path cannot be removed
 * (a listener that leaves its path behind must not exit 0). Returns 0 or -1. */
static int remove_path_loud(void)
{
	if (getpid() != unix_owner || !unix_made.path[0])
		return 0;
	char path[sizeof unix_made.path];
	memcpy(path, unix_made.path, sizeof path);
	if (ib_unix_remove_made(&unix_made) == 0)
		return 0;
	ib_warn_sys(errno, "remove %s", ib_quote(path));
	return -1;
}

static void on_term(int sig)
{
	remove_path();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

/* --allow-uid/--allow-gid's UID[,UID]... (numbers or names) into IDS. */
static int id_list(const struct ib_args *a, unsigned *ids, bool group)
{
	const char *what = group ? "group" : "user";
	char *copy = strdup(a->arg), *next = copy;
	int n = 0;
	if (!copy)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "allow list");
	/* Every item must be there: an empty list or item ("", "1,,2") is malformed,
	 * not a list that allows fewer (or, empty, every) client. */
	while (next) {
		char *t = next, *comma = strchr(t, ',');
		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = '\0';
		if (!*t)
			ib_args_invalid(a, "%s names or numbers separated by commas (an empty item)",
					what);
		uint64_t v;
		if (n == MAX_IDS)
			ib_args_invalid(a, "at most %d %ss", MAX_IDS, what);
		if (ib_parse_u64(t, 10, 0, 0xfffffffe, &v) == IB_PARSE_OK) {
			ids[n++] = (unsigned)v;
		} else if (!group && getpwnam(t)) {
			ids[n++] = getpwnam(t)->pw_uid;
		} else if (group && getgrnam(t)) {
			ids[n++] = getgrnam(t)->gr_gid;
		} else {
			ib_args_invalid(a, "%s names or numbers separated by commas (no %s %s)", what,
					what, ib_quote(t));
		}
	}
	free(copy);
	return n;
}

static bool listed(const unsigned *ids, int n, unsigned id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The operands name the address: ADDRESS, HOST PORT, PORT (-l), or PATH (-U). Returns
 * how many were used. */
static int parse_address(struct opts *o, int n, char **ops)
{
	const char *why;
	int used;
	int type = o->udp ? SOCK_DGRAM : SOCK_STREAM;
	if (o->unixp) {
		if (n < 1)
			ib_usage_error("missing socket path");
		why = ib_sockspec_unix(ops[0], type, &o->spec);
		used = 1;
	} else if (n >= 1 && ib_sockspec_is_address(ops[0])) {
		why = ib_sockspec_parse(ops[0], &o->spec);
		used = 1;
	} else if (o->listen && o->so.source_port) {
		why = ib_sockspec_inet(o->so.source, o->so.source_port, o->family, type, &o->spec);
		o->so.source = o->so.source_port = NULL;
		used = 0;
	} else if (o->listen && n >= 1 && strspn(ops[0], "0123456789") == strlen(ops[0])) {
		why = ib_sockspec_inet(o->so.source, ops[0], o->family, type, &o->spec);
		o->so.source = NULL;
		used = 1;
	} else if (n >= 2) {
		why = ib_sockspec_inet(ops[0], ops[1], o->family, type, &o->spec);
		used = 2;
	} else if (n == 1) {
		why = ib_sockspec_parse(ops[0], &o->spec);
		used = 1;
	} else {
		ib_usage_error("missing address");
	}
	if (why)
		ib_usage_error("invalid address %s: %s", ib_quote(used ? ops[0] : "-p"), why);
	if (o->spec.family == AF_UNSPEC)
		o->spec.family = o->family;
	ib_sockspec_format(&o->spec, o->name, sizeof(o->name));
	return used;
}

/* COMMAND with SOCK (blocking again) as its stdin and stdout; the signals sockcat takes
 * over back at their defaults, any other it was started with ignored kept ignored. */
static struct ib_spawn command(const struct opts *o, int sock)
{
	int fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl & ~O_NONBLOCK);
	return (struct ib_spawn){
		.argv = o->cmd, .fd = { sock, sock, -1 }, .pgroup = -1, .keep = &o->cmd_keep,
	};
}

/* Becomes COMMAND with the socket as stdin and stdout. */
static _Noreturn void exec_command(const struct opts *o, int sock)
{
	struct ib_spawn s = command(o, sock);
	int err = ib_spawn_exec(&s);
	ib_die_sys(ib_spawn_error_code(err), err, "exec %s", ib_quote(o->cmd[0]));
}

struct hex {
	FILE *f;
	char mark;
	unsigned long long off;
};

static void hexdump(void *arg, const char *buf, size_t len)
{
	struct hex *h = arg;
	for (size_t i = 0; i < len; i += 16) {
		fprintf(h->f, "%c %08llx ", h->mark, h->off + i);
		for (size_t j = i; j < i + 16; j++)
			j < len ? fprintf(h->f, " %02x", (unsigned char)buf[j]) : fputs("   ", h->f);
		fputs("  |", h->f);
		for (size_t j = i; j < i + 16 && j < len; j++)
			fputc(buf[j] >= 32 && buf[j] < 127 ? buf[j] : '.', h->f);
		fputs("|\n", h->f);
	}
	h->off += len;
	fflush(h->f);
}

/* Relays stdin/stdout with SOCK; RECV_ONLY when the peer has no address to answer. */
static int relay(const struct opts *o, int sock, const char *peer, bool recv_only)
{
	struct ib_relay r;
	bool msg = o->spec.type != SOCK_STREAM;
	struct hex hs = { o->hex, '>', 0 }, hr = { o->hex, '<', 0 };
	memset(&r, 0, sizeof(r));
	r.chunk = o->buffer;
	r.idle_ns = o->idle_ns;
	r.quit_ns = o->quit_ns;
	r.stop_on_dir1_eof = isatty(0) == 1;
	r.dir[0] = (struct ib_relay_dir){
		.in = 0, .out = sock, .in_name = "stdin", .out_name = peer, .message = msg,
		.copy_only = o->hex != NULL, .shutdown_out = !o->no_shutdown && o->spec.type != SOCK_DGRAM,
		.max_message = o->spec.family != AF_UNIX && msg ? 65507 : 65536,
		.observe = o->hex ? hexdump : NULL, .observe_arg = &hs,
	};
	r.dir[1] = (struct ib_relay_dir){
		.in = sock, .out = 1, .in_name = peer, .out_name = "stdout", .message = msg,
		.in_dgram = o->spec.type == SOCK_DGRAM, .copy_only = o->hex != NULL,
		.observe = o->hex ? hexdump : NULL, .observe_arg = &hr,
	};
	if (o->buffer && o->buffer > 65536)
		r.dir[0].max_message = o->spec.family != AF_UNIX && msg ? 65507 : o->buffer;
	r.ndirs = 2;
	if (recv_only) {
		r.dir[0] = r.dir[1];
		r.ndirs = 1;
		r.quit_ns = UINT64_MAX;
	}
	int fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	enum ib_relay_result res = ib_relay_run(&r);
	if (o->verbose)
		ib_warn("%s: sent %llu bytes, received %llu bytes", peer,
			(unsigned long long)(recv_only ? 0 : r.dir[0].bytes),
			(unsigned long long)r.dir[r.ndirs - 1].bytes);
	if (res == IB_RELAY_IDLE) {
		ib_warn("%s: nothing moved for %.3gs: idle timeout", peer, (double)o->idle_ns / 1e9);
		return IB_EXIT_TIMEOUT;
	}
	return res == IB_RELAY_OK ? IB_EXIT_OK : IB_EXIT_FAIL;
}

/* Sets the peer's SOCKCAT_* variables for a command about to run on SOCK. */
static void peer_env(int sock)
{
	if (ib_peer_setenv(sock) != 0)
		ib_warn_sys(errno, "set SOCKCAT_PEER_* for the command");
}

/* Serves one client on SOCK: a command (forked unless FORKED already) or the relay. */
static int serve(const struct opts *o, int sock, const char *peer, bool forked, bool recv_only)
{
	if (!o->exec)
		return relay(o, sock, peer, recv_only);
	peer_env(sock);
	if (forked)
		exec_command(o, sock);
	struct ib_spawn s = command(o, sock);
	int err, st = ib_spawn_run(&s, &err);
	if (st >= 0)
		return st;
	ib_warn_sys(err, "exec %s", ib_quote(o->cmd[0]));
	return ib_spawn_error_code(err);
}

/* Whether one of the client C's supplementary groups (SO_PEERGROUPS, as they were when
 * it connected) is in the --allow-gid list. */
static bool peer_group_listed(const struct opts *o, int c)
{
	gid_t small[64], *groups = small;
	socklen_t len = sizeof(small);
	if (getsockopt(c, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0) {
		if (errno != ERANGE || !(groups = malloc(len)))
			return false;
		if (getsockopt(c, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
			len = 0;
	}
	bool ok = false;
	for (size_t i = 0; i < len / sizeof(gid_t) && !ok; i++)
		ok = listed(o->gids, o->ngids, groups[i]);
	if (groups != small)
		free(groups);
	return ok;
}

/* FD's own address as text, for messages. */
static const char *local_name(const struct opts *o, int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (o->nlfd == 0 && o->spec.family == AF_UNIX)
		snprintf(buf, len, "%s", o->name); /* the path as given */
	else if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		ib_sockaddr_format((struct sockaddr *)&ss, sl, o->spec.type, buf, len);
	else
		snprintf(buf, len, "%s", o->name);
	return buf;
}

/* Whether --allow-addr and --deny-addr let an Internet client at SA in. */
static bool addr_allowed(const struct opts *o, const struct sockaddr *sa)
{
	if (o->deny.n && ib_cidr_list_has(&o->deny, sa))
		return false;
	return o->allow.n == 0 || ib_cidr_list_has(&o->allow, sa);
}

/* Logs a client at SA and checks its address or credentials. Returns false to drop it. */
static bool admit(const struct opts *o, int c, const struct sockaddr *sa, const char *peer)
{
	if (o->spec.family != AF_UNIX) {
		bool ok = addr_allowed(o, sa);
		char here[IB_SOCKADDR_STRLEN];
		if (!ok)
			ib_warn("refused a client of %s: %s is not allowed",
				local_name(o, c, here, sizeof(here)), peer);
		else if (o->verbose)
			ib_warn("connection from %s", peer);
		return ok;
	}
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
		ib_warn_sys(errno, "credentials of a client of %s", o->name);
		return false;
	}
	bool ok = (o->nuids == 0 && o->ngids == 0) || listed(o->uids, o->nuids, cr.uid) ||
		  listed(o->gids, o->ngids, cr.gid) || (o->ngids && peer_group_listed(o, c));
	if (!ok)
		ib_warn("refused a client of %s: pid %ld uid %u gid %u is not allowed", o->name,
			(long)cr.pid, cr.uid, cr.gid);
	else if (o->verbose)
		ib_warn("connection from %s pid %ld uid %u gid %u", peer, (long)cr.pid, cr.uid,
			cr.gid);
	return ok;
}

static void reap(unsigned long *children)
{
	child_exited = 0;
	while (*children > 0 && waitpid(-1, NULL, WNOHANG) > 0)
		(*children)--;
}

/* Waits for the first datagram on FD. With -q, stdin is watched meanwhile, so that
 * -q's promise holds before there is a peer: at stdin's end of file the wait is cut to
 * the -q duration. A first chunk read from stdin is kept in HELD (*HELDLEN bytes, -1
 * for none) for the peer. Returns 1 when a datagram waits, 0 when -q ran out, -1 on
 * an error (reported). */
static int wait_first_datagram(const struct opts *o, int fd, char *held, size_t cap,
			       ssize_t *heldlen)
{
	bool watch_in = o->quit_ns != UINT64_MAX, at_eof = false;
	struct timespec deadline = { 0, 0 };
	*heldlen = -1;
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
		int ms = -1;
		if (at_eof) {
			uint64_t left = ib_ns_until(deadline), m = (left + 999999) / 1000000;
			if (left == 0)
				return 0;
			ms = m > 1000000000 ? 1000000000 : (int)m;
		}
		int k = poll(p, watch_in ? 2 : 1, ms);
		if (k < 0 && errno != EINTR) {
			ib_warn_sys(errno, "poll");
			return -1;
		}
		if (k > 0 && p[0].revents)
			return 1;
		if (k <= 0 || !watch_in || !p[1].revents)
			continue;
		ssize_t n = read(0, held, cap);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			ib_warn_sys(errno, "read from stdin");
			return -1;
		}
		watch_in = false;
		if (n > 0) {
			*heldlen = n;
		} else {
			at_eof = true;
			deadline = ib_deadline_after(o->quit_ns);
		}
	}
}

/* Datagram listening: the first datagram's sender becomes the peer. */
static int serve_datagrams(const struct opts *o, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[IB_SOCKADDR_STRLEN], c;
	static char held[65536];
	ssize_t heldlen;
	int w = wait_first_datagram(o, fd, held, o->spec.family == AF_UNIX ? 65536 : 65507,
				    &heldlen);
	if (w <= 0)
		return w == 0 ? IB_EXIT_OK : IB_EXIT_FAIL;
	for (;;) { /* the first datagram from a sender --allow-addr/--deny-addr let in */
		len = sizeof(ss);
		while (recvfrom(fd, &c, 1, MSG_PEEK | MSG_TRUNC, (struct sockaddr *)&ss, &len) < 0)
			if (errno != EINTR)
				ib_die_sys(IB_EXIT_FAIL, errno, "receive on %s", o->name);
		ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
		if (ss.ss_family == AF_UNIX || addr_allowed(o, (struct sockaddr *)&ss))
			break;
		ib_warn("refused a datagram to %s: %s is not allowed", o->name, peer);
		while (recv(fd, &c, 1, 0) < 0) /* drops the whole datagram */
			if (errno != EINTR)
				ib_die_sys(IB_EXIT_FAIL, errno, "receive on %s", o->name);
	}
	bool unnamed = ss.ss_family == AF_UNIX && len <= sizeof(sa_family_t);
	if (!unnamed && connect(fd, (struct sockaddr *)&ss, len) != 0) {
		if (errno != ECONNREFUSED && errno != ENOENT)
			ib_die_sys(IB_EXIT_FAIL, errno, "connect to %s", peer);
		/* The sender is gone already: what it sent is queued here and still
		 * written out; there is no one to answer. */
		ib_warn_sys(errno, "connect to %s (what it sent is still read; nothing goes back)",
			    peer);
		unnamed = true;
	}
	if (o->verbose)
		ib_warn("connection from %s", unnamed ? o->name : peer);
	if (heldlen >= 0 && unnamed)
		ib_die(IB_EXIT_FAIL, "%s has no address to answer: %zd bytes of stdin not sent",
		       o->name, heldlen);
	if (heldlen >= 0 && send(fd, held, (size_t)heldlen, 0) != heldlen)
		ib_die_sys(IB_EXIT_FAIL, errno, "write to %s", peer);
	return serve(o, fd, unnamed ? o->name : peer, false, unnamed);
}

/* accept(2) failures that pass: out of descriptors or memory. The pending client
 * stays queued; the server says so once per burst, waits a little longer each time
 * (10 ms doubling up to 1 s: nothing to gain by spinning on a full table) and tries
 * again, as nc -k and socat do. Returns false for any other error. */
static bool accept_backoff(int err, const char *here, unsigned *burst)
{
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return false;
	if ((*burst)++ == 0)
		ib_warn_sys(err, "accept on %s (waiting to try again)", here);
	unsigned ms = *burst < 8 ? 10u << (*burst - 1) : 1000;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL); /* cut short by a signal: fine, the loop goes on */
	return true;
}

/* The socket on descriptor FD, inherited from a supervisor, into O's list: it must be
 * a socket of the same type as any before it. Exits on a usage error. */
static void inherit(struct opts *o, int fd, const char *from)
{
	int type = 0, family = 0;
	socklen_t len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &(socklen_t){ sizeof(family) }) != 0)
		ib_usage_error("%s: descriptor %d is not a socket", from, fd);
	if (o->nlfd == MAX_LISTEN)
		ib_usage_error("%s: at most %d sockets", from, MAX_LISTEN);
	if (o->nlfd && (type == SOCK_DGRAM) != (o->spec.type == SOCK_DGRAM))
		ib_usage_error("%s: stream and datagram sockets mixed", from);
	if (type == SOCK_DGRAM && o->nlfd)
		ib_usage_error("%s: one datagram socket at most", from);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	o->lfd[o->nlfd++] = fd;
	o->spec.type = type;
	o->spec.family = family;
}

/* systemd's socket activation: LISTEN_FDS sockets from descriptor 3 on, when LISTEN_PID
 * is this process. The variables are unset so that COMMAND does not take them too. */
static void inherit_systemd(struct opts *o)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	uint64_t p, k;
	if (!pid || !n || ib_parse_u64(pid, 10, 1, INT32_MAX, &p) != IB_PARSE_OK ||
	    (pid_t)p != getpid())
		return;
	if (ib_parse_u64(n, 10, 0, MAX_LISTEN, &k) != IB_PARSE_OK)
		ib_usage_error("LISTEN_FDS=%s: a number of sockets 0-%d", ib_quote(n), MAX_LISTEN);
	for (int fd = 3; fd < 3 + (int)k; fd++)
		inherit(o, fd, "LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}


/* The first of FDS (N of them) with a client waiting, or -1 when a signal came first. */
static int next_ready(const int *fds, int n)
{
	struct pollfd p[MAX_LISTEN];
	if (n <= 1 || n > MAX_LISTEN)
		return fds[0];
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	if (poll(p, (nfds_t)n, -1) > 0)
		for (int i = 0; i < n; i++)
			if (p[i].revents)
				return fds[i];
	return -1;
}

/* An inherited socket that is already connected (systemd's Accept=yes, inetd's nowait):
 * its peer is the one client. */
static int serve_connected(struct opts *o, int c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[IB_SOCKADDR_STRLEN];
	if (getpeername(c, (struct sockaddr *)&ss, &len) != 0) {
		ib_warn_sys(errno, "peer of descriptor %d", c);
		return IB_EXIT_FAIL;
	}
	ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
	if (!admit(o, c, (struct sockaddr *)&ss, peer))
		return IB_EXIT_FAIL;
	return serve(o, c, peer, false, false);
}

static int serve_listening(struct opts *o)
{
	int fds[MAX_LISTEN], nfds = o->nlfd, one = 0;
	memcpy(fds, o->lfd, sizeof(fds));
	if (nfds == 0) {
		/* Ours from the moment it is bound: a failure or a signal after bind()
		 * (before listen() is done) must not leave the path behind. */
		unix_owner = getpid();
		if ((fds[0] = ib_sock_listen(&o->spec, &o->so, &unix_made)) < 0)
			return -fds[0];
		nfds = 1;
	}
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char here[IB_SOCKADDR_STRLEN], peer[IB_SOCKADDR_STRLEN];
	for (int i = 0; i < nfds && o->verbose; i++) {
		local_name(o, fds[i], here, sizeof(here));
		ib_warn("listening on %s", here);
	}
	if (o->spec.type == SOCK_DGRAM)
		return serve_datagrams(o, fds[0]);
	if (o->nlfd == 1 && getsockopt(fds[0], SOL_SOCKET, SO_ACCEPTCONN, &one,
				       &(socklen_t){ sizeof(one) }) == 0 && !one)
		return serve_connected(o, fds[0]);
	for (int i = 0; i < nfds && nfds > 1; i++) /* poll says ready; another may take it */
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);

	unsigned long children = 0;
	unsigned burst = 0;
	int status = IB_EXIT_OK;
	for (;;) {
		if (child_exited)
			reap(&children);
		if (o->fork && o->max_clients && children >= o->max_clients) {
			if (wait(NULL) > 0)
				children--;
			continue;
		}
		int fd = next_ready(fds, nfds);
		if (fd < 0)
			continue;
		len = sizeof(ss);
		int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (c < 0) {
			int err = errno;
			local_name(o, fd, here, sizeof(here));
			if (err == EINTR || err == EAGAIN || err == ECONNABORTED || err == EPROTO ||
			    accept_backoff(err, here, &burst))
				continue;
			ib_warn_sys(err, "accept on %s", here);
			return IB_EXIT_FAIL;
		}
		burst = 0;
		if (ss.ss_family != AF_UNSPEC) /* several inherited sockets: this one's */
			o->spec.family = ss.ss_family;
		ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
		if (!admit(o, c, (struct sockaddr *)&ss, peer)) {
			close(c);
			continue;
		}
		if (o->fork) {
			pid_t pid = fork();
			if (pid == 0) {
				for (int i = 0; i < nfds; i++)
					close(fds[i]);
				signal(SIGCHLD, SIG_DFL);
				exit(serve(o, c, peer, true, false));
			}
			if (pid < 0)
				ib_warn_sys(errno, "fork");
			else
				children++;
			close(c);
			continue;
		}
		bool left = false;
		if (!o->keep) { /* no longer listening: the path is free for a new listener */
			left = remove_path_loud() != 0;
			for (int i = 0; i < nfds; i++)
				close(fds[i]);
		}
		status = serve(o, c, peer, false, false);
		close(c);
		if (!o->keep)
			return status == 0 && left ? IB_EXIT_FAIL : status;
	}
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Connects to O's address. With --retry or --retry-for a failed try is followed by
 * another after the interval (--interval, else 100ms doubling up to 1s) and only the
 * last failure is reported, with what was tried (-v: every one). QUIET: a single try's
 * failure is not reported without -v (-z's answer is its exit status). Returns the
 * socket or a negative exit code, -IB_EXIT_TIMEOUT when --retry-for's time ran out. */
static int connect_retrying(const struct opts *o, bool quiet)
{
	char why[768];
	struct ib_sockopen so = o->so;
	so.errbuf = why;
	so.errlen = sizeof(why);
	bool timed = o->retry_for_ns != 0;
	struct timespec deadline = ib_deadline_after(o->retry_for_ns);
	uint64_t start = now_ns(), wait = o->interval_ns ? o->interval_ns : 100000000;
	for (unsigned long tries = 1;; tries++) {
		if (timed) { /* a try never outlasts the time left (at least 1ms of it) */
			uint64_t left = ib_ns_until(deadline);
			left = left < 1000000 ? 1000000 : left;
			if (so.timeout_ns == 0 || so.timeout_ns > left)
				so.timeout_ns = left;
		}
		int fd = ib_sock_connect(&o->spec, &so);
		if (fd >= 0)
			return fd;
		uint64_t left = timed ? ib_ns_until(deadline) : UINT64_MAX;
		if (o->retries == 0 || fd == -IB_EXIT_USAGE) {
			if (!quiet || o->verbose || fd == -IB_EXIT_USAGE)
				ib_warn("%s", why);
			return fd;
		}
		if (tries > o->retries || left == 0) {
			ib_warn("%s (gave up after %lu %s in %.3gs)", why, tries,
				tries == 1 ? "try" : "tries", (double)(now_ns() - start) / 1e9);
			return left == 0 ? -IB_EXIT_TIMEOUT : fd;
		}
		uint64_t nap = wait < left ? wait : left;
		if (o->verbose)
			ib_warn("%s (trying again in %.3gs)", why, (double)nap / 1e9);
		struct timespec ts = ib_ns_to_timespec(nap);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		if (!o->interval_ns)
			wait = wait >= 500000000 ? 1000000000 : wait * 2;
		so.timeout_ns = o->so.timeout_ns;
	}
}

/* -z: whether each address in SPECS answers. Exit 0 if all do, else the first failure's
 * code (3: --retry-for ran out). */
static int probe_all(struct opts *o, const struct ib_sockspec *specs, int n)
{
	int status = IB_EXIT_OK;
	for (int i = 0; i < n; i++) {
		o->spec = specs[i];
		ib_sockspec_format(&o->spec, o->name, sizeof(o->name));
		int fd = connect_retrying(o, true);
		if (fd >= 0) {
			close(fd);
			if (o->verbose)
				ib_warn("%s answered", o->name);
		} else if (status == IB_EXIT_OK) {
			status = -fd;
		}
	}
	return status;
}

static int run_connect(struct opts *o)
{
	int fd = connect_retrying(o, false);
	if (fd < 0)
		return -fd;
	char peer[IB_SOCKADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (o->spec.family != AF_UNIX && getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
	else
		strcpy(peer, o->name);
	if (o->verbose)
		ib_warn("connected to %s", peer);
	if (o->exec) {
		peer_env(fd);
		exec_command(o, fd);
	}
	int status = relay(o, fd, peer, false);
	close(fd);
	return status;
}

/* The options into O; the operands are left in ARGS. */
static void parse_options(struct opts *o, struct ib_args *args)
{
	int opt;
	while ((opt = ib_args_next(args)) != -1) {
		switch (opt) {
		case 'l': o->listen = true; break;
		case 'k': o->keep = true; break;
		case OPT_FORK: o->fork = true; break;
		case OPT_MAX: o->max_clients = (unsigned long)args->u; break;
		case 'e': o->exec = true; break;
		case 'v': o->verbose = true; break;
		case 'u': o->udp = true; break;
		case 'U': o->unixp = true; break;
		case '4': o->family = AF_INET; break;
		case '6': o->family = AF_INET6; break;
		case 'n': o->so.numeric = true; break;
		case 'q': o->quit_ns = args->u; break;
		case OPT_NOSHUT: o->no_shutdown = true; break;
		case 'N': break;
		case 'w': o->so.timeout_ns = args->u; break;
		case OPT_IDLE: o->idle_ns = args->u; break;
		case 's': o->so.source = args->arg; break;
		case 'p': o->so.source_port = args->arg; break;
		case OPT_REUSE: o->so.reuseaddr = true; break;
		case OPT_KEEPALIVE: o->so.keepalive = true; break;
		case OPT_BUFFER: o->buffer = o->so.sockbuf = (size_t)args->u; break;
		case 'm': {
			/* the syntax is checked; symbolic modes count from a file's 0666
			 * less the umask, as for a socket bind makes */
			mode_t mask = umask(0);
			umask(mask);
			if (!ib_parse_mode(args->arg, 0666, mask, &o->so.mode) || o->so.mode > 0777)
				ib_args_invalid(args, "a mode of at most 0777");
			o->so.mode_set = true;
			break;
		}
		case OPT_AUID: o->nuids = id_list(args, o->uids, false); break;
		case OPT_AGID: o->ngids = id_list(args, o->gids, true); break;
		case 'x': o->hexdump = args->arg; break;
		case 'z': o->zero = true; break;
		case OPT_RETRY: o->retries = (unsigned long)args->u; break;
		case OPT_RETRY_FOR: o->retry_for_ns = args->u ? args->u : 1; break;
		case OPT_INTERVAL: o->interval_ns = args->u; break;
		case OPT_FD: o->fd = (int)args->u; break;
		case OPT_ALLOW_ADDR:
		case OPT_DENY_ADDR: {
			const char *why = ib_cidr_list_add(opt == OPT_ALLOW_ADDR ? &o->allow : &o->deny,
							   args->arg);
			if (why)
				ib_args_invalid(args, "%s", why);
			break;
		}
		}
	}
}

/* -z: every operand an address (or HOST PORT), all parsed before any is tried. */
static int probe_operands(struct opts *o, struct ib_args *args)
{
	if (o->listen || o->exec || o->hexdump || o->fd >= 0)
		ib_usage_error("-z does not go with -l, -e, -x or --fd");
	if (args->nops == 0)
		ib_usage_error("missing address");
	struct ib_sockspec *specs = calloc((size_t)args->nops, sizeof(*specs));
	if (!specs)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "-z");
	int n = 0;
	for (int i = 0; i < args->nops; n++) {
		i += parse_address(o, args->nops - i, args->ops + i);
		if (o->spec.type == SOCK_DGRAM && o->spec.family != AF_UNIX)
			ib_usage_error("-z needs a stream address: %s has no connection to check",
				       o->name);
		specs[n] = o->spec;
	}
	int status = probe_all(o, specs, n);
	free(specs);
	return status;
}

int sockcat_main(int argc, char **argv)
{
	static struct opts o;
	memset(&o, 0, sizeof(o));
	o.quit_ns = UINT64_MAX;
	ib_ignored_signals(&o.cmd_keep);
	for (int i = 0; i < 5; i++)
		sigdelset(&o.cmd_keep, (int[]){ SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP }[i]);
	struct ib_args args;
	ib_args_init(&args, &sockcat_cmd, argc, argv);
	o.fd = -1;
	parse_options(&o, &args);
	if (o.retry_for_ns && !o.retries)
		o.retries = ULONG_MAX;
	if (o.zero)
		return probe_operands(&o, &args);
	if (o.fd >= 0 && !o.listen)
		ib_usage_error("--fd needs -l");
	if (o.fd >= 0)
		inherit(&o, o.fd, "--fd");
	else if (o.listen)
		inherit_systemd(&o);
	/* With -e, what follows the address is the command (its options after "--");
	 * an inherited socket stands for the address */
	int used = o.nlfd ? 0 : parse_address(&o, args.nops, args.ops);
	if (o.exec) {
		o.cmd = args.ops + used;
		if (!o.cmd[0])
			ib_usage_error("-e needs a COMMAND after --");
	} else if (used < args.nops) {
		ib_usage_error("extra operand %s", ib_quote(args.ops[used]));
	}
	if (!o.listen && (o.keep || o.fork || o.max_clients || o.nuids || o.ngids || o.so.mode_set ||
			  o.allow.n || o.deny.n))
		ib_usage_error("-k, --fork, --max-clients, --allow-uid/gid, --allow-addr, "
			       "--deny-addr and -m need -l");
	if (o.listen && (o.retries || o.interval_ns))
		ib_usage_error("--retry, --retry-for and --interval are for connecting, not -l");
	if ((o.allow.n || o.deny.n) && o.spec.family == AF_UNIX)
		ib_usage_error("--allow-addr and --deny-addr need a TCP or UDP address");
	if (o.nlfd && (o.so.mode_set || o.so.source || o.so.source_port || o.so.reuseaddr))
		ib_usage_error("-m, -s, -p and --reuseaddr do not apply to an inherited socket");
	if (o.listen && o.spec.type == SOCK_DGRAM && (o.keep || o.fork))
		ib_usage_error("-k and --fork need a stream or seqpacket address");
	if ((o.nuids || o.ngids) && o.spec.family != AF_UNIX)
		ib_usage_error("--allow-uid and --allow-gid need a UNIX stream or seqpacket address");
	if ((o.nuids || o.ngids) && o.spec.type == SOCK_DGRAM)
		ib_usage_error("--allow-uid and --allow-gid need a UNIX stream or seqpacket address");
	if (o.spec.family == AF_UNIX && (o.so.source || o.so.source_port))
		ib_usage_error("-s and -p are for Internet addresses");
	if (o.listen && (o.so.source || o.so.source_port))
		ib_usage_error("with -l, -s and -p stand for ADDRESS: give one or the other");
	if (o.so.mode_set && (o.spec.family != AF_UNIX || o.spec.abstract))
		ib_usage_error("-m needs a UNIX socket path");
	if (o.hexdump && !(o.hex = fopen(o.hexdump, "ae")))
		ib_die_sys(IB_EXIT_FAIL, errno, "open %s", ib_quote(o.hexdump));
	o.fork = o.fork || o.max_clients;
	o.keep = o.keep || o.fork;

	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child; /* no SA_RESTART: accept returns to reap */
	if (o.fork)
		sigaction(SIGCHLD, &sa, NULL);
	atexit(remove_path);

	int status = o.listen ? serve_listening(&o) : run_connect(&o);
	if (remove_path_loud() != 0 && status == 0)
		status = IB_EXIT_FAIL;
	if (o.hex)
		fclose(o.hex);
	return status;
}
