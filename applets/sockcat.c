/* sockcat: netcat/socat for UNIX and Internet sockets. Moves bytes between stdin/stdout
 * (or a command) and a socket with splice(2), half-closing correctly: at stdin's EOF the
 * sending side is shut down and the reply is read to its end. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "sockcat-pty.h"
#include "sockcat-serve.h"

enum {
	OPT_FORK = 0x100, OPT_MAX, OPT_NOSHUT, OPT_IDLE, OPT_REUSE, OPT_KEEPALIVE, OPT_BUFFER,
	OPT_AUID, OPT_AGID, OPT_RETRY, OPT_RETRY_FOR, OPT_INTERVAL, OPT_ALLOW_ADDR, OPT_DENY_ADDR,
	OPT_FD, OPT_PROGRESS, OPT_PTY,
};

static const struct ib_opt options[] = {
	IB_OPT('l', "listen", NONE, NULL, "listen on ADDRESS and serve one client (port 0: any)"),
	IB_OPT('k', "keep-open", NONE, NULL,
	       "after a client leaves, serve the next one (-u: take every sender's)"),
	IB_OPT(OPT_FORK, "fork", NONE, NULL, "serve clients concurrently, one process each"),
	IB_OPT(OPT_MAX, "max-clients", COUNT, "N", "with --fork, at most N clients at once",
	       .min = 1, .max = 1000000),
	IB_OPT('e', "exec", NONE, NULL, "run COMMAND with the socket as its stdin and stdout"),
	IB_OPT(OPT_PTY, "pty", NONE, NULL, "with -e: run COMMAND on a new pseudoterminal"),
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
	IB_OPT(OPT_PROGRESS, "progress", NONE, NULL,
	       "every second, bytes each way and the rate on stderr (SIGUSR1: at once)"),
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
		 "unix:PATH, unix:@NAME (abstract), unix-dgram:PATH, unix-seqpacket:PATH, or\n"
		 "pty:LINK (a new raw pseudoterminal, its slave linked at LINK); IPv6\n"
		 "literals go in brackets (tcp:[::1]:80). At stdin's end of file the\n"
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

static void on_term(int sig)
{
	ib_sockcat_remove_path();
	ib_sockcat_pty_unlink();
	signal(sig, SIG_DFL);
	raise(sig);
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
		if (n == SOCKCAT_MAX_IDS)
			ib_args_invalid(a, "at most %d %ss", SOCKCAT_MAX_IDS, what);
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

/* The operands name the address: ADDRESS, HOST PORT, PORT (-l), or PATH (-U). Returns
 * how many were used. */
static int parse_address(struct sockcat_opts *o, int n, char **ops)
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
static int connect_retrying(const struct sockcat_opts *o, bool quiet)
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
static int probe_all(struct sockcat_opts *o, const struct ib_sockspec *specs, int n)
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

static int run_connect(struct sockcat_opts *o)
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
	if (o->exec && o->pty) {
		int st = ib_sockcat_pty_command(o, fd, peer);
		close(fd);
		return st;
	}
	if (o->exec)
		ib_sockcat_exec(o, fd);
	int status = ib_sockcat_relay(o, fd, peer, false);
	close(fd);
	return status;
}

/* The options into O; the operands are left in ARGS. */
static void parse_options(struct sockcat_opts *o, struct ib_args *args)
{
	int opt;
	while ((opt = ib_args_next(args)) != -1) {
		switch (opt) {
		case 'l': o->listen = true; break;
		case 'k': o->keep = true; break;
		case OPT_FORK: o->fork = true; break;
		case OPT_MAX: o->max_clients = (unsigned long)args->u; break;
		case 'e': o->exec = true; break;
		case OPT_PTY: o->pty = true; break;
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
		case OPT_PROGRESS: o->progress = true; break;
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
static int probe_operands(struct sockcat_opts *o, struct ib_args *args)
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
	static struct sockcat_opts o;
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
	ib_sockcat_catch_usr1();
	if (o.zero)
		return probe_operands(&o, &args);
	if (o.fd >= 0 && !o.listen)
		ib_usage_error("--fd needs -l");
	if (o.fd >= 0)
		ib_sockcat_inherit(&o, o.fd, "--fd");
	else if (o.listen)
		ib_sockcat_inherit_systemd(&o);
	/* With -e, what follows the address is the command (its options after "--");
	 * an inherited socket stands for the address */
	if (o.nlfd && args.nops > 0 && ib_sockspec_is_address(args.ops[0]))
		ib_usage_error("%s: an inherited socket (--fd, LISTEN_FDS) takes no ADDRESS",
			       ib_quote(args.ops[0]));
	int used = o.nlfd ? 0 : 1;
	if (!o.nlfd && args.nops > 0 && ib_pty_is_address(args.ops[0]))
		ib_sockcat_pty_address(&o, args.ops[0]);
	else if (!o.nlfd)
		used = parse_address(&o, args.nops, args.ops);
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
	if (o.listen && o.spec.type == SOCK_DGRAM && (o.fork || o.max_clients) && !o.exec)
		ib_usage_error("--fork and --max-clients on a datagram address need -e");
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
	if (o.pty && !o.exec)
		ib_usage_error("--pty needs -e");
	if (o.pty && (o.spec.type == SOCK_DGRAM || o.hexdump || o.progress))
		ib_usage_error("--pty needs a stream or seqpacket address, and does not go with -x "
			       "or --progress");
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
	atexit(ib_sockcat_remove_path);
	atexit(ib_sockcat_pty_unlink);

	int status = o.pty_link ? ib_sockcat_pty_link(&o)
		   : o.listen	? ib_sockcat_listen(&o)
				: run_connect(&o);
	if (ib_sockcat_remove_path_loud() != 0 && status == 0)
		status = IB_EXIT_FAIL;
	if (o.hex)
		fclose(o.hex);
	return status;
}
