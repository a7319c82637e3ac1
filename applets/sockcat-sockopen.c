/* Connecting and listening. See sockopen.h. */
#include "sockcat-sockopen.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ipc/compat.h"
#include "ipc/err.h"
#include "ipc/parse.h"
#include "ipc/pathmode.h"
#include "ipc/quote.h"

static int fail_code(int err)
{
	return err == ETIMEDOUT ? -IB_EXIT_TIMEOUT : -IB_EXIT_FAIL;
}

/* An error of ib_sock_connect (or of the resolving both do): into O->errbuf when the
 * caller asked for it, else on stderr. ERR 0: no strerror part. */
__attribute__((format(printf, 3, 4))) static void report(const struct ib_sockopen *o, int err,
							  const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o->errbuf && err)
		snprintf(o->errbuf, o->errlen, "%s: %s", msg, strerror(err));
	else if (o->errbuf)
		snprintf(o->errbuf, o->errlen, "%s", msg);
	else if (err)
		ib_warn_sys(err, "%s", msg);
	else
		ib_warn("%s", msg);
}

static void set_options(int fd, const struct ib_sockopen *o)
{
	int one = 1;
	if (o->keepalive)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (o->sockbuf) {
		int v = o->sockbuf > 1 << 30 ? 1 << 30 : (int)o->sockbuf;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
}

/* connect(2) on a non-blocking socket, waiting at most TIMEOUT_NS (0 = no limit). */
static int connect_wait(int fd, const struct sockaddr *sa, socklen_t len, uint64_t timeout_ns)
{
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -1;
	struct timespec deadline = ib_deadline_after(timeout_ns);
	for (;;) {
		int ms = -1;
		if (timeout_ns) {
			uint64_t left = ib_ns_until(deadline);
			if (left == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			uint64_t m = (left + 999999) / 1000000;
			ms = m > 1000000000 ? 1000000000 : (int)m;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int k = poll(&p, 1, ms);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0)
			break;
	}
	int err = 0;
	socklen_t el = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int resolve(const struct ib_sockspec *spec, bool passive, const struct ib_sockopen *o,
		   struct addrinfo **res, const char *what, const char *name)
{
	int rc = ib_sockspec_resolve(spec, passive, o->numeric, res);
	if (rc == 0)
		return 0;
	if (rc == EAI_SYSTEM)
		report(o, errno, "%s %s", what, name);
	else if (rc == EAI_SERVICE) /* "Servname not supported for ai_socktype" says little */
		report(o, 0, "%s %s: unknown port '%s' (a number 0-65535 or a service name)", what,
		       name, spec->port);
	else
		report(o, 0, "%s %s: %s", what, name, gai_strerror(rc));
	return -IB_EXIT_FAIL;
}

static int bind_source(int fd, int family, int type, const struct ib_sockopen *o)
{
	struct ib_sockspec src;
	char name[IB_SOCKADDR_STRLEN];
	const char *why = ib_sockspec_inet(o->source, o->source_port ? o->source_port : "0",
					   family, type, &src);
	if (why) {
		report(o, 0, "source %s: %s", o->source ? o->source : "", why);
		return -IB_EXIT_USAGE;
	}
	ib_sockspec_format(&src, name, sizeof(name));
	struct addrinfo *res;
	int rc = resolve(&src, true, o, &res, "resolve source", name);
	if (rc)
		return rc;
	if (o->reuseaddr || o->source_port) {
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	int err = EADDRNOTAVAIL;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			freeaddrinfo(res);
			return 0;
		}
		err = errno;
	}
	freeaddrinfo(res);
	report(o, err, "bind to source %s", name);
	return -IB_EXIT_FAIL;
}

int ib_sock_connect(const struct ib_sockspec *spec, const struct ib_sockopen *o)
{
	char name[IB_SOCKADDR_STRLEN];
	ib_sockspec_format(spec, name, sizeof(name));
	if (spec->family == AF_UNIX) {
		int fd = socket(AF_UNIX, spec->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			report(o, errno, "socket for %s", name);
			return -IB_EXIT_FAIL;
		}
		set_options(fd, o);
		if (spec->type == SOCK_DGRAM) {
			/* An autobound abstract address, so the server can answer. */
			sa_family_t fam = AF_UNIX;
			if (bind(fd, (const struct sockaddr *)(const void *)&fam, sizeof(fam)) != 0) {
				report(o, errno, "bind a reply address for %s", name);
				close(fd);
				return -IB_EXIT_FAIL;
			}
		}
		if (connect_wait(fd, (const struct sockaddr *)(const void *)&spec->un, spec->unlen,
				 o->timeout_ns) != 0) {
			int err = errno;
			report(o, err, "connect %s", name);
			close(fd);
			return fail_code(err);
		}
		return fd;
	}
	struct addrinfo *res;
	int rc = resolve(spec, false, o, &res, "resolve", name);
	if (rc)
		return rc;
	int err = EADDRNOTAVAIL;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		set_options(fd, o);
		if (o->source || o->source_port) {
			rc = bind_source(fd, ai->ai_family, spec->type, o);
			if (rc) {
				close(fd);
				freeaddrinfo(res);
				return rc;
			}
		}
		if (connect_wait(fd, ai->ai_addr, ai->ai_addrlen, o->timeout_ns) == 0) {
			freeaddrinfo(res);
			return fd;
		}
		err = errno;
		close(fd);
	}
	freeaddrinfo(res);
	report(o, err, "connect %s", name);
	return fail_code(err);
}

/* Whether a UNIX socket in one of STATES (bit N for TCP state N) in this network
 * namespace is bound to the file ST, asked of sock_diag so that no probe connection
 * disturbs it: 1 yes, 0 no, -1 unknown. */
static int unix_path_bound(const struct stat *st, unsigned states)
{
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = states;
	req.r.udiag_show = UDIAG_SHOW_VFS;
	if (send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req)) {
		close(nl);
		return -1;
	}
	unsigned kdev = (major(st->st_dev) << 20) | minor(st->st_dev);
	long buf[8192 / sizeof(long)];
	int found = -1;
	for (;;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				close(nl);
				return found < 0 ? 0 : found;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				goto out;
			struct unix_diag_msg *m = NLMSG_DATA(h);
			int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				if (a->rta_type != UNIX_DIAG_VFS)
					continue;
				struct unix_diag_vfs *v = RTA_DATA(a);
				if (v->udiag_vfs_ino == st->st_ino && v->udiag_vfs_dev == kdev)
					found = 1;
			}
		}
	}
out:
	close(nl);
	return -1;
}

/* The states of a socket that holds its path: listening (TCP_LISTEN), and bound but not
 * listening yet, or an unconnected datagram socket (TCP_CLOSE); a datagram socket
 * connected to its peer too (TCP_ESTABLISHED). Not the sockets a listener accepted,
 * which carry its path but stop nobody from listening there. */
#define HOLD_STREAM ((1u << 10) | (1u << 7))
#define HOLD_DGRAM (HOLD_STREAM | (1u << 1))

int ib_unlink_same(const char *path, dev_t dev, ino_t ino)
{
	struct stat now;
	if (lstat(path, &now) != 0)
		return errno == ENOENT ? 0 : -1;
	if (now.st_dev != dev || now.st_ino != ino)
		return 0;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* The UNIX path rules before binding: a non-socket is refused, a socket nobody holds
 * is removed, a live one is refused. A socket that is bound but not listening yet is
 * live: its owner is about to listen (two listeners started together: the second
 * must fail, not take the first one's path for stale). sock_diag sees every socket of
 * this network namespace in any state; only where it cannot answer (no unix_diag) or
 * the socket belongs to another namespace does a probe connect decide, and there a
 * refused connect is taken for stale. */
static int clear_unix_path(const struct ib_sockspec *spec, const char *name)
{
	struct stat st;
	const char *path = spec->un.sun_path;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : (ib_warn_sys(errno, "listen %s", name), -IB_EXIT_FAIL);
	if (!S_ISSOCK(st.st_mode)) {
		ib_warn("listen %s: %s exists and is not a socket", name, ib_quote(path));
		return -IB_EXIT_FAIL;
	}
	if (unix_path_bound(&st, spec->type == SOCK_DGRAM ? HOLD_DGRAM : HOLD_STREAM) == 1) {
		ib_warn_sys(EADDRINUSE, "listen %s", name);
		return -IB_EXIT_FAIL;
	}
	/* Not seen held here (or another namespace's): a stale socket refuses. */
	int probe = socket(AF_UNIX, spec->type | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		ib_warn_sys(errno, "socket for %s", name);
		return -IB_EXIT_FAIL;
	}
	int rc = connect(probe, (const struct sockaddr *)(const void *)&spec->un, spec->unlen);
	int err = errno;
	close(probe);
	if (rc != 0 && err == ECONNREFUSED) {
		if (ib_unlink_same(path, st.st_dev, st.st_ino) != 0) {
			ib_warn_sys(errno, "remove stale socket %s", ib_quote(path));
			return -IB_EXIT_FAIL;
		}
		return 0;
	}
	if (rc != 0 && err == ENOENT)
		return 0;
	ib_warn_sys(rc == 0 || err == EPROTOTYPE ? EADDRINUSE : err, "listen %s", name);
	return -IB_EXIT_FAIL;
}

/* Binds FD to SPEC's path, born with MODE when one is given: under a umask that gives
 * exactly MODE, so nothing is done to the path by name afterwards (a chmod there would
 * follow a symbolic link planted in the meantime). Records what was bound in MADE. */
static int bind_unix_path(int fd, const struct ib_sockspec *spec, const struct ib_sockopen *o,
			  struct ib_unix_made *made, const char *name)
{
	const char *path = spec->un.sun_path;
	mode_t old = 0;
	if (o->mode_set)
		old = umask(ib_umask_for(o->mode));
	int rc = bind(fd, (const struct sockaddr *)(const void *)&spec->un, spec->unlen);
	int err = errno;
	if (o->mode_set)
		umask(old);
	if (rc != 0) {
		ib_warn_sys(err, "listen %s", name);
		return -IB_EXIT_FAIL;
	}
	/* Only a default ACL in the directory can have made the mode differ; mended on
	 * the socket file itself. lstat otherwise, for its identity. */
	struct stat st;
	rc = o->mode_set ? ib_settle_mode(path, S_IFSOCK, o->mode, &st)
			 : lstat(path, &st) != 0 ? -1 : !S_ISSOCK(st.st_mode);
	if (rc != 0) {
		if (rc > 0)
			ib_warn("listen %s: %s was replaced as it was made", name, ib_quote(path));
		else
			ib_warn_sys(errno, "set the mode of %s", ib_quote(path));
		return -IB_EXIT_FAIL;
	}
	if (made) {
		strcpy(made->path, path);
		made->dev = st.st_dev;
		made->ino = st.st_ino;
	}
	return 0;
}

static int listen_unix(const struct ib_sockspec *spec, const struct ib_sockopen *o,
		       struct ib_unix_made *made, const char *name)
{
	if (!spec->abstract) {
		int rc = clear_unix_path(spec, name);
		if (rc)
			return rc;
	}
	int fd = socket(AF_UNIX, spec->type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ib_warn_sys(errno, "socket for %s", name);
		return -IB_EXIT_FAIL;
	}
	set_options(fd, o);
	int rc;
	if (!spec->abstract) {
		/* Every signal held off from bind until MADE records the path, so a
		 * handler that removes MADE never misses a path just bound. */
		sigset_t all, old;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &old);
		rc = bind_unix_path(fd, spec, o, made, name);
		sigprocmask(SIG_SETMASK, &old, NULL);
	} else if ((rc = bind(fd, (const struct sockaddr *)(const void *)&spec->un,
			      spec->unlen)) != 0) {
		ib_warn_sys(errno, "listen %s", name);
		rc = -IB_EXIT_FAIL;
	}
	if (rc != 0) {
		close(fd);
		return rc;
	}
	if (spec->type != SOCK_DGRAM && listen(fd, o->backlog ? o->backlog : SOMAXCONN) != 0) {
		ib_warn_sys(errno, "listen %s", name);
		if (made)
			ib_unix_remove_made(made);
		close(fd);
		return -IB_EXIT_FAIL;
	}
	return fd;
}

int ib_unix_remove_made(struct ib_unix_made *made)
{
	if (!made->path[0])
		return 0;
	int rc = ib_unlink_same(made->path, made->dev, made->ino);
	made->path[0] = '\0';
	return rc;
}

static int bind_inet(const struct addrinfo *ai, int type, bool v6only, const struct ib_sockopen *o,
		     int *err)
{
	int fd = socket(ai->ai_family, type | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	int one = 1, v6 = v6only;
	set_options(fd, o);
	if (type == SOCK_STREAM || o->reuseaddr)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    (type == SOCK_STREAM && listen(fd, o->backlog ? o->backlog : SOMAXCONN) != 0)) {
		*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

int ib_sock_listen(const struct ib_sockspec *spec, const struct ib_sockopen *o,
		   struct ib_unix_made *made)
{
	char name[IB_SOCKADDR_STRLEN];
	ib_sockspec_format(spec, name, sizeof(name));
	if (made)
		made->path[0] = '\0';
	if (spec->family == AF_UNIX)
		return listen_unix(spec, o, made, name);

	struct ib_sockspec any = *spec;
	bool wildcard = spec->host[0] == '\0';
	if (wildcard && spec->family != AF_INET)
		any.family = AF_INET6; /* dual-stack [::] first */
	struct addrinfo *res;
	int rc = resolve(&any, true, o, &res, "resolve", name);
	if (rc && wildcard && spec->family == AF_UNSPEC) {
		any.family = AF_INET;
		rc = resolve(&any, true, o, &res, "resolve", name);
	}
	if (rc)
		return rc;
	int err = EADDRNOTAVAIL, fd = -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = bind_inet(ai, spec->type, spec->family == AF_INET6, o, &err);
	freeaddrinfo(res);
	if (fd < 0 && wildcard && spec->family == AF_UNSPEC && err == EAFNOSUPPORT) {
		any.family = AF_INET;
		if ((rc = resolve(&any, true, o, &res, "resolve", name)) != 0)
			return rc;
		for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
			fd = bind_inet(ai, spec->type, false, o, &err);
		freeaddrinfo(res);
	}
	if (fd < 0) {
		ib_warn_sys(err, "listen %s", name);
		return -IB_EXIT_FAIL;
	}
	return fd;
}
