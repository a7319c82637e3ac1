/* Serving clients and listening. See sockcat-serve.h. */
#include "sockcat-serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "sockcat-pty.h"
#include "sockcat-relay.h"

/* The UNIX path this process made, removed when it stops listening (a one-shot
 * listener once it has its client), at exit and on SIGINT/SIGTERM/SIGHUP: only if the
 * path still is the socket it bound. */
static struct ib_unix_made unix_made;
static pid_t unix_owner;
static volatile sig_atomic_t child_exited;

void ib_sockcat_remove_path(void)
{
	if (getpid() == unix_owner)
		ib_unix_remove_made(&unix_made);
}

/* ib_sockcat_remove_path outside a signal handler: says so if the path cannot be removed
 * (a listener that leaves its path behind must not exit 0). Returns 0 or -1. */
int ib_sockcat_remove_path_loud(void)
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

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

static bool listed(const unsigned *ids, int n, unsigned id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* COMMAND with SOCK (blocking again) as its stdin and stdout; the signals sockcat takes
 * over back at their defaults, any other it was started with ignored kept ignored. */
static struct ib_spawn command(const struct sockcat_opts *o, int sock)
{
	int fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl & ~O_NONBLOCK);
	return (struct ib_spawn){
		.argv = o->cmd, .fd = { sock, sock, -1 }, .pgroup = -1, .keep = &o->cmd_keep,
	};
}

/* Sets the peer's SOCKCAT_* variables for a command about to run on SOCK. */
static void peer_env(int sock)
{
	if (ib_peer_setenv(sock) != 0)
		ib_warn_sys(errno, "set SOCKCAT_PEER_* for the command");
}

_Noreturn void ib_sockcat_exec(const struct sockcat_opts *o, int sock)
{
	peer_env(sock);
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
/* A datagram listener's peer, when --allow-addr/--deny-addr chose it: what others sent
 * before the socket was connected to it is dropped, not relayed. */
static struct sockaddr_storage dgram_peer;
static socklen_t dgram_peer_len;

/* A keep-open datagram listener (-l -k -u) stays unconnected: stdin's datagrams go to
 * the most recent sender that has an address (LATEST), when ANSWER_LATEST is set. */
static struct ib_relay_peer latest;
static bool answer_latest;
static char dgram_here[IB_SOCKADDR_STRLEN]; /* its address, for messages */
static bool admit_datagram(const void *arg, const struct sockaddr *sa, socklen_t len);

static volatile sig_atomic_t progress_asked;

static void on_usr1(int sig)
{
	(void)sig;
	progress_asked = 1;
}

struct progress {
	const char *peer;
	bool recv_only;
};

/* "PEER: 3.0s: sent N bytes (R MiB/s), received M bytes (R MiB/s)" on stderr. */
static void progress(void *arg, const struct ib_relay *r, uint64_t elapsed_ns)
{
	const struct progress *p = arg;
	double s = (double)elapsed_ns / 1e9, mib = 1024.0 * 1024.0;
	uint64_t sent = p->recv_only ? 0 : r->dir[0].bytes, got = r->dir[r->ndirs - 1].bytes;
	ib_warn("%s: %.1fs: sent %llu bytes (%.1f MiB/s), received %llu bytes (%.1f MiB/s)",
		p->peer, s, (unsigned long long)sent, s > 0 ? (double)sent / mib / s : 0.0,
		(unsigned long long)got, s > 0 ? (double)got / mib / s : 0.0);
}

void ib_sockcat_catch_usr1(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
}

/* Runs R with the progress report: every second with --progress, and at SIGUSR1 (as
 * dd does), which is blocked but while the relay waits, so that none is missed. */
static enum ib_relay_result run_reporting(const struct sockcat_opts *o, struct ib_relay *r,
					  struct progress *p)
{
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	sigset_t during = old;
	sigdelset(&during, SIGUSR1);
	r->report = progress;
	r->report_arg = p;
	r->report_ns = o->progress ? 1000000000 : 0;
	r->report_now = &progress_asked;
	r->poll_mask = &during;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum ib_relay_result res = ib_relay_run(r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (o->progress) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		progress(p, r, (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
					  (t1.tv_nsec - t0.tv_nsec)));
	}
	return res;
}

int ib_sockcat_relay(const struct sockcat_opts *o, int sock, const char *peer, bool recv_only)
{
	struct ib_relay r;
	struct progress p = { peer, recv_only };
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
		.observe = o->hex ? hexdump : NULL, .observe_arg = &hs, .own_out = true,
	};
	r.dir[1] = (struct ib_relay_dir){
		.in = sock, .out = 1, .in_name = peer, .out_name = "stdout", .message = msg,
		.in_dgram = o->spec.type == SOCK_DGRAM, .copy_only = o->hex != NULL || dgram_peer_len,
		.observe = o->hex ? hexdump : NULL, .observe_arg = &hr,
		.only_from = dgram_peer_len ? &dgram_peer : NULL, .only_from_len = dgram_peer_len,
		.own_in = true,
	};
	if (o->buffer && o->buffer > 65536)
		r.dir[0].max_message = o->spec.family != AF_UNIX && msg ? 65507 : o->buffer;
	r.ndirs = 2;
	if (answer_latest) {
		r.dir[0].to = r.dir[1].from = &latest;
		r.dir[1].admit = admit_datagram;
		r.dir[1].admit_arg = o;
	}
	if (recv_only) {
		r.dir[0] = r.dir[1];
		r.ndirs = 1;
		r.quit_ns = UINT64_MAX;
	}
	int fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	enum ib_relay_result res = run_reporting(o, &r, &p);
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
static int serve(const struct sockcat_opts *o, int sock, const char *peer, bool forked, bool recv_only)
{
	if (!o->exec)
		return ib_sockcat_relay(o, sock, peer, recv_only);
	if (o->pty)
		return ib_sockcat_pty_command(o, sock, peer);
	if (forked)
		ib_sockcat_exec(o, sock);
	peer_env(sock);
	struct ib_spawn s = command(o, sock);
	int err, st = ib_spawn_run(&s, &err);
	if (st >= 0)
		return st;
	ib_warn_sys(err, "exec %s", ib_quote(o->cmd[0]));
	return ib_spawn_error_code(err);
}

/* Whether one of the client C's supplementary groups (SO_PEERGROUPS, as they were when
 * it connected) is in the --allow-gid list. */
static bool peer_group_listed(const struct sockcat_opts *o, int c)
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
static const char *local_name(const struct sockcat_opts *o, int fd, char *buf, size_t len)
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
static bool addr_allowed(const struct sockcat_opts *o, const struct sockaddr *sa)
{
	if (o->deny.n && ib_cidr_list_has(&o->deny, sa))
		return false;
	return o->allow.n == 0 || ib_cidr_list_has(&o->allow, sa);
}

/* Logs a client at SA and checks its address or credentials. Returns false to drop it. */
static bool admit(const struct sockcat_opts *o, int c, const struct sockaddr *sa, const char *peer)
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

/* Reaps the children that ended; with --fork and --max-clients, waits while as many
 * as that still run. */
static void reap_to_limit(const struct sockcat_opts *o, unsigned long *children)
{
	for (;;) {
		if (child_exited)
			reap(children);
		if (!o->fork || !o->max_clients || *children < o->max_clients)
			return;
		if (wait(NULL) > 0)
			(*children)--;
	}
}

/* Waits for the first datagram on FD. With -q, stdin is watched meanwhile, so that
 * -q's promise holds before there is a peer: at stdin's end of file the wait is cut to
 * the -q duration. A first chunk read from stdin is kept in HELD (*HELDLEN bytes, -1
 * for none) for the peer. Returns 1 when a datagram waits, 0 when -q ran out, -1 on
 * an error (reported). */
static int wait_first_datagram(const struct sockcat_opts *o, int fd, char *held, size_t cap,
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

/* Whether --allow-addr and --deny-addr let a datagram from SA in (said if not); -v names
 * each sender whose datagrams follow another's. */
static bool admit_datagram(const void *arg, const struct sockaddr *sa, socklen_t len)
{
	const struct sockcat_opts *o = arg;
	static struct ib_relay_peer logged;
	char peer[IB_SOCKADDR_STRLEN];
	bool ok = o->spec.family == AF_UNIX || addr_allowed(o, sa);
	bool news = len != logged.len || memcmp(sa, &logged.ss, len) != 0;
	if (ok && !(o->verbose && news))
		return true;
	ib_sockaddr_format(sa, len, SOCK_DGRAM, peer, sizeof(peer));
	if (!ok) {
		ib_warn("refused a datagram to %s: %s is not allowed", dgram_here, peer);
		return false;
	}
	ib_warn("datagram from %s", peer);
	if (len <= sizeof(logged.ss)) {
		memcpy(&logged.ss, sa, len);
		logged.len = len;
	}
	return true;
}

/* -l -k -e on a datagram socket: COMMAND for the datagram MSG (N bytes) from TO, with
 * the datagram as its stdin (a memory file: the datagram, then end of file) and each
 * read of its stdout sent back to TO as one datagram. Returns COMMAND's status. */
static int answer_datagram(const struct sockcat_opts *o, int sock, const char *msg, size_t n,
			   const struct ib_relay_peer *to)
{
	char peer[IB_SOCKADDR_STRLEN];
	ib_sockaddr_format((const struct sockaddr *)&to->ss, to->len, SOCK_DGRAM, peer,
			   sizeof(peer));
	int in = memfd_create("sockcat-datagram", MFD_CLOEXEC), out[2] = { -1, -1 };
	if (in < 0 || ib_write_all(in, msg, n, NULL) != 0 || lseek(in, 0, SEEK_SET) != 0 ||
	    pipe2(out, O_CLOEXEC) != 0) {
		ib_warn_sys(errno, "%s: a datagram of %zu bytes for %s dropped", dgram_here, n,
			    ib_quote(o->cmd[0]));
		if (in >= 0)
			close(in);
		return IB_EXIT_FAIL;
	}
	if (ib_peer_setenv_from(sock, (const struct sockaddr *)&to->ss) != 0)
		ib_warn_sys(errno, "set SOCKCAT_PEER_* for the command");
	struct ib_spawn s = {
		.argv = o->cmd, .fd = { in, out[1], -1 }, .pgroup = -1, .keep = &o->cmd_keep,
	};
	struct ib_child c;
	int err = ib_spawn_start(&s, &c);
	close(in);
	close(out[1]);
	if (err) {
		close(out[0]);
		ib_spawn_warn(NULL, o->cmd[0], err);
		return ib_spawn_error_code(err);
	}
	struct ib_relay r;
	memset(&r, 0, sizeof(r));
	r.chunk = o->buffer;
	r.quit_ns = UINT64_MAX;
	r.ndirs = 1;
	r.dir[0] = (struct ib_relay_dir){
		.in = out[0], .out = sock, .in_name = o->cmd[0], .out_name = dgram_here,
		.message = true, .to = to,
		.max_message = o->spec.family != AF_UNIX ? 65507 : o->buffer > 65536 ? o->buffer : 65536,
	};
	ib_relay_run(&r);
	close(out[0]); /* a relay that failed: the command's next write fails */
	int st = ib_wait_pid(c.pid);
	if ((err = ib_child_done(&c)) != 0) {
		ib_spawn_warn(NULL, o->cmd[0], err);
		st = ib_spawn_error_code(err);
	}
	if (o->verbose)
		ib_warn("%s: answered %llu bytes, status %d", peer,
			(unsigned long long)r.dir[0].bytes, st);
	return st;
}

/* -l -k -e on a datagram socket FD: COMMAND runs for each datagram an allowed sender
 * sends (answer_datagram): one at a time, or with --fork in a process each, at most
 * --max-clients at once. Returns only on a failure of FD. */
static int serve_each_datagram(const struct sockcat_opts *o, int fd)
{
	size_t max = o->spec.family != AF_UNIX ? 65507 : o->buffer > 65536 ? o->buffer : 65536;
	char *buf = malloc(max);
	unsigned long children = 0;
	if (!buf)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "datagram buffer");
	for (;;) {
		reap_to_limit(o, &children);
		struct ib_relay_peer from;
		from.len = sizeof(from.ss);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = poll(&p, 1, -1);
		if (n > 0)
			n = recvfrom(fd, buf, max, MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from.ss, &from.len);
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			ib_warn_sys(errno, "receive on %s", dgram_here);
			free(buf);
			return IB_EXIT_FAIL;
		}
		if (n >= 0 && from.len < sizeof(sa_family_t)) { /* an unbound UNIX sender */
			from.ss.ss_family = AF_UNIX;
			from.len = sizeof(sa_family_t);
		}
		if (n < 0 || !admit_datagram(o, (struct sockaddr *)&from.ss, from.len))
			continue;
		if ((size_t)n > max) {
			ib_warn("%s: a datagram of %zd bytes was cut to %zu (see --buffer)", dgram_here,
				n, max);
			n = (ssize_t)max;
		}
		if (!o->fork) {
			answer_datagram(o, fd, buf, (size_t)n, &from);
			continue;
		}
		pid_t pid = fork();
		if (pid == 0) {
			signal(SIGCHLD, SIG_DFL);
			exit(answer_datagram(o, fd, buf, (size_t)n, &from));
		}
		if (pid < 0)
			ib_warn_sys(errno, "fork");
		else
			children++;
	}
}

/* Datagram listening: the first datagram's sender becomes the peer; with -k the socket
 * takes every sender's, and stdin's datagrams answer the latest (or -e answers each). */
static int serve_datagrams(const struct sockcat_opts *o, int fd)
{
	local_name(o, fd, dgram_here, sizeof(dgram_here));
	if (o->keep && o->exec)
		return serve_each_datagram(o, fd);
	if (o->keep) {
		answer_latest = true;
		return ib_sockcat_relay(o, fd, dgram_here, false);
	}

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
	if (!unnamed && (o->allow.n || o->deny.n)) {
		memcpy(&dgram_peer, &ss, len);
		dgram_peer_len = len;
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
void ib_sockcat_inherit(struct sockcat_opts *o, int fd, const char *from)
{
	int type = 0, family = 0;
	socklen_t len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &(socklen_t){ sizeof(family) }) != 0)
		ib_usage_error("%s: descriptor %d is not a socket", from, fd);
	if (o->nlfd == SOCKCAT_MAX_LISTEN)
		ib_usage_error("%s: at most %d sockets", from, SOCKCAT_MAX_LISTEN);
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
void ib_sockcat_inherit_systemd(struct sockcat_opts *o)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	uint64_t p, k;
	if (!pid || !n || ib_parse_u64(pid, 10, 1, INT32_MAX, &p) != IB_PARSE_OK ||
	    (pid_t)p != getpid())
		return;
	if (ib_parse_u64(n, 10, 0, SOCKCAT_MAX_LISTEN, &k) != IB_PARSE_OK)
		ib_usage_error("LISTEN_FDS=%s: a number of sockets 0-%d", ib_quote(n), SOCKCAT_MAX_LISTEN);
	for (int fd = 3; fd < 3 + (int)k; fd++)
		ib_sockcat_inherit(o, fd, "LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

/* The first of FDS (N of them) with a client waiting, or -1 when a signal came first. */
static int next_ready(const int *fds, int n)
{
	struct pollfd p[SOCKCAT_MAX_LISTEN];
	if (n <= 1 || n > SOCKCAT_MAX_LISTEN)
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
static int serve_connected(struct sockcat_opts *o, int c)
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

int ib_sockcat_listen(struct sockcat_opts *o)
{
	if (o->fork) { /* no SA_RESTART: accept returns to reap */
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_child;
		sigaction(SIGCHLD, &sa, NULL);
	}
	int fds[SOCKCAT_MAX_LISTEN], nfds = o->nlfd, one = 0;
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
		reap_to_limit(o, &children);
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
			left = ib_sockcat_remove_path_loud() != 0;
			for (int i = 0; i < nfds; i++)
				close(fds[i]);
		}
		status = serve(o, c, peer, false, false);
		close(c);
		if (!o->keep)
			return status == 0 && left ? IB_EXIT_FAIL : status;
	}
}
