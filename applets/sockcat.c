/* sockcat: netcat/socat for UNIX and Internet sockets. Moves bytes between stdin/stdout
 * (or a command) and a socket with splice(2), half-closing correctly: at stdin's EOF the
 * sending side is shut down and the reply is read to its end. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

#include "sockcat-relay.h"
#include "sockcat-sockaddr.h"
#include "sockcat-sockopen.h"

enum {
	OPT_FORK = 0x100, OPT_MAX, OPT_NOSHUT, OPT_IDLE, OPT_REUSE, OPT_KEEPALIVE, OPT_BUFFER,
	OPT_AUID, OPT_AGID,
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
	IB_OPT('x', "hexdump", PATH, "FILE", "append a hex dump of the traffic to FILE"),
};

const struct ib_cmd sockcat_cmd = {
	.usage = "Usage: sockcat [OPTION]... ADDRESS [-e -- COMMAND [ARG]...]\n"
		 "  or:  sockcat [OPTION]... -l ADDRESS [-e -- COMMAND [ARG]...]\n"
		 "  or:  sockcat [OPTION]... [-l] HOST PORT\n"
		 "  or:  sockcat [OPTION]... [-l] -U PATH\n"
		 "Connect stdin/stdout or a command to a UNIX or Internet socket, or listen on\n"
		 "one. ADDRESS is tcp:HOST:PORT, tcp4:, tcp6:, udp:HOST:PORT, udp4:, udp6:,\n"
		 "unix:PATH, unix:@NAME (abstract), unix-dgram:PATH or unix-seqpacket:PATH;\n"
		 "IPv6 literals go in brackets (tcp:[::1]:80). At stdin's end of file the\n"
		 "sending side is shut down and the peer's reply is still read to its end.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "DURATION is seconds with an optional fraction and a unit (250ms, 1.5s).\n"
		  "With -e, the operands after ADDRESS are COMMAND and its arguments; write them\n"
		  "after -- so that COMMAND's options are not taken for sockcat's.\n"
		  "Exit status: 0 when both directions are done, 1 on failure, 2 on a usage error,\n"
		  "3 when a timeout expired; with -e, COMMAND's status (126/127 if it cannot run).\n",
	.operands = IB_ARG_ADDR,
	.dashdash = IB_ARG_COMMAND,
};

#define MAX_IDS 64

struct opts {
	bool listen, keep, fork, exec, verbose, udp, unixp, numeric, no_shutdown;
	int family;
	unsigned long max_clients;
	uint64_t quit_ns, idle_ns;
	size_t buffer;
	const char *hexdump;
	FILE *hex;
	struct ib_sockopen so;
	unsigned uids[MAX_IDS], gids[MAX_IDS];
	int nuids, ngids;
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

/* Serves one client on SOCK: a command (forked unless FORKED already) or the relay. */
static int serve(const struct opts *o, int sock, const char *peer, bool forked, bool recv_only)
{
	if (!o->exec)
		return relay(o, sock, peer, recv_only);
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

/* Logs a client and checks its credentials. Returns false to drop it. */
static bool admit(const struct opts *o, int c, const char *peer)
{
	if (o->spec.family != AF_UNIX) {
		if (o->verbose)
			ib_warn("connection from %s", peer);
		return true;
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
	while (recvfrom(fd, &c, 1, MSG_PEEK | MSG_TRUNC, (struct sockaddr *)&ss, &len) < 0)
		if (errno != EINTR)
			ib_die_sys(IB_EXIT_FAIL, errno, "receive on %s", o->name);
	ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
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

static int serve_listening(struct opts *o)
{
	/* Ours from the moment it is bound: a failure or a signal after bind() (before
	 * listen() is done) must not leave the path behind. */
	unix_owner = getpid();
	int fd = ib_sock_listen(&o->spec, &o->so, &unix_made);
	if (fd < 0)
		return -fd;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char here[IB_SOCKADDR_STRLEN], peer[IB_SOCKADDR_STRLEN];
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, here, sizeof(here));
	else
		strcpy(here, o->name);
	if (o->spec.family == AF_UNIX)
		strcpy(here, o->name);
	if (o->verbose)
		ib_warn("listening on %s", here);
	if (o->spec.type == SOCK_DGRAM)
		return serve_datagrams(o, fd);

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
		len = sizeof(ss);
		int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO ||
			    accept_backoff(errno, here, &burst))
				continue;
			ib_warn_sys(errno, "accept on %s", here);
			return IB_EXIT_FAIL;
		}
		burst = 0;
		ib_sockaddr_format((struct sockaddr *)&ss, len, o->spec.type, peer, sizeof(peer));
		if (!admit(o, c, peer)) {
			close(c);
			continue;
		}
		if (o->fork) {
			pid_t pid = fork();
			if (pid == 0) {
				close(fd);
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
			close(fd);
		}
		status = serve(o, c, peer, false, false);
		close(c);
		if (!o->keep)
			return status == 0 && left ? IB_EXIT_FAIL : status;
	}
}

static int run_connect(struct opts *o)
{
	int fd = ib_sock_connect(&o->spec, &o->so);
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
	if (o->exec)
		exec_command(o, fd);
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
		}
	}
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
	parse_options(&o, &args);
	/* With -e, what follows the address is the command (its options after "--") */
	int used = parse_address(&o, args.nops, args.ops);
	if (o.exec) {
		o.cmd = args.ops + used;
		if (!o.cmd[0])
			ib_usage_error("-e needs a COMMAND after --");
	} else if (used < args.nops) {
		ib_usage_error("extra operand %s", ib_quote(args.ops[used]));
	}
	if (!o.listen && (o.keep || o.fork || o.max_clients || o.nuids || o.ngids || o.so.mode_set))
		ib_usage_error("-k, --fork, --max-clients, --allow-uid/gid and -m need -l");
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
