/* Pseudoterminals. See sockcat-pty.h. posix_openpt, grantpt, unlockpt and ptsname_r,
 * which glibc and musl both have in libc proper (openpty is in libutil or missing). */
#include "sockcat-pty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "sockcat-peer.h"
#include "sockcat-relay.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#define PREFIX "pty:"

/* The link pty:LINK made: removed at exit and on SIGINT/SIGTERM/SIGHUP only if it
 * still is that link (the same inode, pointing at our slave). */
static struct {
	char path[PATH_MAX];
	char target[64];
	dev_t dev;
	ino_t ino;
	pid_t owner;
} made;

bool ib_pty_is_address(const char *text)
{
	return strncmp(text, PREFIX, strlen(PREFIX)) == 0;
}

/* A new terminal: its master into *MASTER and its slave, both O_CLOEXEC and neither our
 * controlling terminal; the slave's name into NAME. Returns the slave, or -1 (reported). */
static int open_pty(int *master, char *name, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0) {
		ib_warn_sys(errno, "open a pseudoterminal (/dev/ptmx)");
		return -1;
	}
	int s = -1, e = 0;
	if (grantpt(m) != 0 || unlockpt(m) != 0)
		e = errno;
	else
		e = ptsname_r(m, name, len);
	if (!e) {
		/* The slave by its master (Linux 4.13+), not by a path; else by its name. */
		s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0 && (errno == EINVAL || errno == ENOTTY))
			s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		e = s < 0 ? errno : 0;
	}
	if (e) {
		ib_warn_sys(e, "open a pseudoterminal");
		close(m);
		return -1;
	}
	*master = m;
	return s;
}

static void set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- -e --pty: a command on a terminal ---- */

/* In the child, whose stdin, stdout and stderr are the slave already: a session of its
 * own with the slave as its controlling terminal. Only system calls that do not block,
 * so the child stays a vfork. Returns -1 to go on to exec. */
static int take_terminal(void *arg)
{
	(void)arg;
	static const char msg[] = "sockcat: cannot make the terminal the command's own\n";
	if (setsid() >= 0 && ioctl(0, TIOCSCTTY, 0) == 0)
		return -1;
	if (write(2, msg, sizeof msg - 1) < 0) { /* the peer reads it */
	}
	return IB_EXIT_NOEXEC;
}

/* At the peer's end of file: the terminal's end-of-file character (VEOF, ^D), as a user
 * types it, when the terminal is in canonical mode; nothing in raw mode. */
static size_t type_eof(void *arg, char *buf, size_t cap)
{
	struct termios t;
	if (cap == 0 || tcgetattr(*(const int *)arg, &t) != 0 || !(t.c_lflag & ICANON) ||
	    t.c_cc[VEOF] == _POSIX_VDISABLE)
		return 0;
	buf[0] = (char)t.c_cc[VEOF];
	return 1;
}

/* Relays SOCK with the terminal's MASTER until no process has the terminal open (its
 * output all read): the peer's end of file is typed as VEOF, and the command's end
 * shuts down the sending side of SOCK. */
static enum ib_relay_result relay_terminal(const struct sockcat_opts *o, int sock, int master,
					   const char *peer)
{
	bool msg = o->spec.type == SOCK_SEQPACKET;
	int m = master;
	struct ib_relay r;
	memset(&r, 0, sizeof(r));
	r.chunk = o->buffer;
	r.idle_ns = o->idle_ns;
	r.quit_ns = UINT64_MAX;
	r.stop_on_dir1_eof = true; /* the command's output ended: what the peer sends no
				      longer has a reader */
	r.dir[0] = (struct ib_relay_dir){
		.in = sock, .out = master, .in_name = peer, .out_name = "the terminal",
		.message = msg, .copy_only = true, .pty = true, .at_eof = type_eof,
		.at_eof_arg = &m,
	};
	r.dir[1] = (struct ib_relay_dir){
		.in = master, .out = sock, .in_name = "the terminal", .out_name = peer,
		.message = msg, .copy_only = true, .pty = true, .shutdown_out = !o->no_shutdown,
	};
	r.ndirs = 2;
	set_nonblocking(sock);
	set_nonblocking(master);
	return ib_relay_run(&r);
}

int ib_sockcat_pty_command(const struct sockcat_opts *o, int sock, const char *peer)
{
	char name[64];
	int master, slave = open_pty(&master, name, sizeof(name));
	if (slave < 0)
		return IB_EXIT_FAIL;
	/* Programs lay out their screen by the size: 0x0 (a new terminal's) confuses them. */
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	ioctl(master, TIOCSWINSZ, &ws);
	if (ib_peer_setenv(sock) != 0)
		ib_warn_sys(errno, "set SOCKCAT_PEER_* for the command");
	struct ib_spawn s = {
		.argv = o->cmd, .fd = { slave, slave, slave }, .pgroup = -1, .keep = &o->cmd_keep,
		.prepare = take_terminal, .prepare_in_vfork = true,
	};
	struct ib_child c;
	int err = ib_spawn_start(&s, &c);
	close(slave); /* the command's now: its last close is the master's end of file */
	if (err) {
		close(master);
		ib_warn_sys(err, "exec %s", ib_quote(o->cmd[0]));
		return ib_spawn_error_code(err);
	}
	enum ib_relay_result res = relay_terminal(o, sock, master, peer);
	close(master); /* a command still on the terminal gets SIGHUP, as at a hangup */
	int code = ib_wait_pid(c.pid);
	if ((err = ib_child_done(&c)) != 0) {
		ib_warn_sys(err, "exec %s", ib_quote(o->cmd[0]));
		return ib_spawn_error_code(err);
	}
	if (res == IB_RELAY_IDLE) {
		ib_warn("%s: nothing moved for %.3gs: idle timeout", peer, (double)o->idle_ns / 1e9);
		return IB_EXIT_TIMEOUT;
	}
	return res == IB_RELAY_FAILED && code == 0 ? IB_EXIT_FAIL : code;
}

/* ---- pty:LINK ---- */

void ib_sockcat_pty_address(struct sockcat_opts *o, const char *text)
{
	const char *link = text + strlen(PREFIX);
	if (!*link)
		ib_usage_error("invalid address %s: expected pty:LINK, the path of a link to make",
			       ib_quote(text));
	if (strlen(link) >= sizeof(made.path))
		ib_usage_error("invalid address %s: the path is too long", ib_quote(text));
	if (o->listen || o->udp || o->unixp || o->family || o->so.source || o->so.source_port ||
	    o->so.timeout_ns || o->retries || o->retry_for_ns || o->interval_ns ||
	    o->so.reuseaddr || o->so.keepalive || o->pty)
		ib_usage_error("pty:LINK does not go with -l, -u, -U, -4, -6, -s, -p, -w, --retry, "
			       "--retry-for, --interval, --reuseaddr, --keepalive or --pty");
	o->pty_link = link;
	o->spec.family = AF_UNSPEC;
	o->spec.type = SOCK_STREAM;
	snprintf(o->name, sizeof(o->name), "%s", text);
}

/* Links PATH to the slave TARGET: symlink(2) makes it or fails, never following nor
 * replacing what is there. Records it for removal, with the signals that remove it
 * blocked meanwhile. Returns 0 or -1 (reported). */
static int make_link(const char *path, const char *target)
{
	sigset_t stop, old;
	sigemptyset(&stop);
	for (int i = 0; i < 3; i++)
		sigaddset(&stop, (int[]){ SIGINT, SIGTERM, SIGHUP }[i]);
	sigprocmask(SIG_BLOCK, &stop, &old);
	int rc = symlink(target, path);
	struct stat st;
	if (rc != 0) {
		ib_warn_sys(errno, "make the link %s to %s", ib_quote(path), target);
	} else if (lstat(path, &st) != 0) { /* unlikely: then it cannot be told from another */
		ib_warn_sys(errno, "made the link %s, then lost it", ib_quote(path));
		rc = -1;
	} else {
		snprintf(made.target, sizeof(made.target), "%s", target);
		snprintf(made.path, sizeof(made.path), "%s", path);
		made.dev = st.st_dev;
		made.ino = st.st_ino;
		made.owner = getpid();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Removes the link if it still is ours: the same inode, pointing at our slave. */
static int remove_made(void)
{
	char buf[sizeof(made.target)];
	ssize_t n = readlink(made.path, buf, sizeof(buf));
	int rc = 0;
	if (n >= 0 && (size_t)n == strlen(made.target) && memcmp(buf, made.target, (size_t)n) == 0)
		rc = ib_unlink_same(made.path, made.dev, made.ino);
	else if (n < 0 && errno != ENOENT && errno != EINVAL)
		rc = -1; /* EINVAL: no longer a link, another's file */
	made.path[0] = '\0';
	return rc;
}

void ib_sockcat_pty_unlink(void)
{
	if (made.path[0] && getpid() == made.owner)
		remove_made();
}

int ib_sockcat_pty_unlink_loud(void)
{
	if (!made.path[0] || getpid() != made.owner)
		return 0;
	char path[sizeof(made.path)];
	memcpy(path, made.path, sizeof(path));
	if (remove_made() == 0)
		return 0;
	ib_warn_sys(errno, "remove %s", ib_quote(path));
	return -1;
}

/* -e with pty:LINK: COMMAND with the master as its stdin and stdout, in the foreground
 * (SIGINT, SIGTERM and SIGHUP go to it). */
static int run_on_master(const struct sockcat_opts *o, int master)
{
	struct ib_spawn s = {
		.argv = o->cmd, .fd = { master, master, -1 }, .pgroup = -1, .keep = &o->cmd_keep,
	};
	int err, st = ib_spawn_foreground(&s, &err);
	if (st >= 0)
		return st;
	ib_warn_sys(err, "exec %s", ib_quote(o->cmd[0]));
	return ib_spawn_error_code(err);
}

int ib_sockcat_pty_link(struct sockcat_opts *o)
{
	char name[64];
	int master, slave = open_pty(&master, name, sizeof(name));
	if (slave < 0)
		return IB_EXIT_FAIL;
	/* Raw, as a serial line: bytes pass as they are, no echo, no line editing, no
	 * signals. We keep the slave open, so that the master never reads an end of
	 * file (EIO) while no program has LINK open, and programs may come and go. */
	struct termios t;
	int status = IB_EXIT_FAIL;
	if (tcgetattr(slave, &t) == 0) {
		cfmakeraw(&t);
		if (tcsetattr(slave, TCSANOW, &t) != 0)
			ib_warn_sys(errno, "set %s raw", name);
		else if (make_link(o->pty_link, name) == 0)
			status = IB_EXIT_OK;
	} else {
		ib_warn_sys(errno, "settings of %s", name);
	}
	if (status == IB_EXIT_OK) {
		if (o->verbose)
			ib_warn("%s is %s", o->name, name);
		status = o->exec ? run_on_master(o, master) : ib_sockcat_relay(o, master, o->name, false);
	}
	close(slave);
	close(master);
	if (ib_sockcat_pty_unlink_loud() != 0 && status == IB_EXIT_OK)
		status = IB_EXIT_FAIL;
	return status;
}
