/* semop's holds of a System V semaphore. Whoever holds it has taken it with SEM_UNDO,
 * so the kernel gives it back when that process ends, however it ends: the process
 * that runs COMMAND (--hold, --background), or a small holder process that watches
 * another one through a pidfd (--hold-for). */
#include "semop-hold.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#ifdef HAVE_PIDFD_OPEN
#include <sys/pidfd.h>
#endif
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "semop-sem.h"

#define NS_PER_S 1000000000ULL

/* NS as -w would take it, in the largest unit it is a whole number of: 250ms, 1s,
 * 1.5s, 2m, 1h. */
static const char *duration_text(uint64_t ns, char *buf, size_t len)
{
	static const struct { uint64_t ns; const char *unit; } whole[] = {
		{ 86400 * NS_PER_S, "d" }, { 3600 * NS_PER_S, "h" }, { 60 * NS_PER_S, "m" },
	};
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
		if (ns >= whole[i].ns && ns % whole[i].ns == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ns / whole[i].ns), whole[i].unit);
			return buf;
		}
	if (ns > 0 && ns < NS_PER_S && ns % 1000000 == 0) {
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000));
		return buf;
	}
	int n = snprintf(buf, len, "%llu.%09llu", (unsigned long long)(ns / NS_PER_S),
			 (unsigned long long)(ns % NS_PER_S));
	while (n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	snprintf(buf + n, len - (size_t)n, "s");
	return buf;
}

void ib_sem_gave_up(const char *label, const struct sem_wait *w)
{
	char d[48];
	if (w->quiet)
		return;
	if (w->until)
		ib_warn("%s: timed out after %s", label, duration_text(w->wait_ns, d, sizeof d));
	else
		ib_warn("%s: would block", label);
}

int ib_sem_failed(const char *label, const struct sem_wait *w, int err, int blocked)
{
	if (err == EAGAIN) {
		ib_sem_gave_up(label, w);
		return blocked;
	}
	if (err == EIDRM || err == EINVAL)
		ib_warn("%s: removed while in use", label);
	else if (err == ERANGE)
		ib_warn("%s: a value would go above %d", label, IB_SEMVMX);
	else
		ib_warn_sys(err, "%s", label);
	return err == EFBIG ? IB_EXIT_USAGE : IB_EXIT_FAIL;
}

/* The operations that take H's semaphore, into OPS; returns how many. Several on one
 * semaphore in one call apply in order, each seeing the value the one before left,
 * and all at once or not at all. */
static size_t hold_ops(const struct sem_hold *h, struct sembuf ops[2])
{
	short flg = (short)(SEM_UNDO | (h->wait.nowait ? IPC_NOWAIT : 0));
	unsigned short n = h->semnum;
	short count = (short)h->count;
	switch (h->mode) {
	case HOLD_SHARED:
		/* Wait while a writer has it (0), then leave one more than before: the
		 * undo takes that one back. */
		ops[0] = (struct sembuf){ n, -1, flg };
		ops[1] = (struct sembuf){ n, 2, flg };
		return 2;
	case HOLD_WRITER:
		/* Take COUNT, and nothing may be left: no shared holder raised it. */
		ops[0] = (struct sembuf){ n, (short)-count, flg };
		ops[1] = (struct sembuf){ n, 0, flg };
		return 2;
	case HOLD_PLAIN:
		break;
	}
	ops[0] = (struct sembuf){ n, (short)-count, flg };
	return 1;
}

/* Takes H's semaphore, waiting as H says; 0, or -1 with errno set. */
static int take(const struct sem_hold *h)
{
	struct sembuf ops[2];
	size_t n = hold_ops(h, ops);
	return ib_semop_until(h->id, ops, n, h->wait.until);
}

/* The byte a child writes once it holds the semaphore. */
static const char HELD = 'h';

/* Writes HELD to FD, EINTR retried: 0, or -1 with errno set. */
static int write_byte(int fd)
{
	ssize_t r;
	while ((r = write(fd, &HELD, 1)) < 0 && errno == EINTR)
		;
	if (r == 0)
		errno = EIO;
	return r == 1 ? 0 : -1;
}

/* The write end of the pipe a --background child says "taken" on; -1 in the
 * foreground. */
static int ready_fd = -1;

/* Runs in the child before it executes COMMAND: the undo entry then belongs to the
 * process that runs COMMAND, so its end, however it ends, gives the semaphore back. */
static int acquire(void *arg)
{
	struct sem_hold *h = arg;
	if (take(h) != 0)
		return ib_sem_failed(h->label, &h->wait, errno, h->conflict);
	/* semop exits as soon as it reads this: its death must not kill us now. */
	if (ready_fd >= 0 && (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0 || write_byte(ready_fd) != 0)) {
		ib_warn_sys(errno, "%s: cannot report it held", h->label);
		return IB_EXIT_FAIL;
	}
	return -1; /* go on: run COMMAND */
}

static int cannot_run(const struct sem_hold *h, int err)
{
	ib_warn_sys(err, "cannot run %s", ib_quote(h->argv[0]));
	return ib_spawn_error_code(err);
}

/* Reads one byte from FD, EINTR retried: 1 (it is HELD), 0 at end of file, -1 on
 * error (EIO: another byte). */
static ssize_t read_byte(int fd)
{
	char b = 0;
	ssize_t r;
	while ((r = read(fd, &b, 1)) < 0 && errno == EINTR)
		;
	if (r == 1 && b != HELD) {
		errno = EIO;
		r = -1;
	}
	return r;
}

/* After a failed read of the pipe the child says "taken" on: we cannot know what it
 * does, so it is killed (its undo gives back what it took) and reaped. Returns 1. */
static int lost_child(pid_t pid, const char *label, int err)
{
	int ws;
	ib_warn_sys(err, "%s: waiting for the holder", label);
	kill(pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	return IB_EXIT_FAIL;
}

/* --background: the child takes the semaphore and says so on a pipe, which closes
 * when it executes COMMAND (or exits); semop prints its pid and returns. Until it has
 * taken it, semop's death kills it (PR_SET_PDEATHSIG), so nothing runs late. */
static int run_background(struct sem_hold *h, const sigset_t *ignored)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		ib_warn_sys(errno, "pipe");
		return IB_EXIT_FAIL;
	}
	ready_fd = p[1];
	struct ib_spawn s = {
		.argv = h->argv, .fd = { -1, -1, -1 }, .pgroup = -1, .keep = ignored,
		.death_signal = SIGKILL, .prepare = acquire, .prepare_arg = h,
	};
	struct ib_child c;
	int e = ib_spawn_start(&s, &c);
	close(p[1]);
	ready_fd = -1;
	if (e) {
		close(p[0]);
		return cannot_run(h, e);
	}
	ssize_t r = read_byte(p[0]);
	bool taken = r == 1;
	if (taken) /* then end of file: COMMAND runs, or its exec failed */
		r = read_byte(p[0]) == 0 ? 1 : -1;
	int err = errno;
	close(p[0]);
	if (r < 0) {
		ib_child_done(&c);
		return lost_child(c.pid, h->label, err);
	}
	if (!taken) { /* it could not take it in time (and said so), or was killed */
		int code = ib_wait_pid(c.pid);
		ib_child_done(&c);
		return code;
	}
	e = ib_child_done(&c); /* the child wrote its exec's error before it exited */
	if (e) {
		(void)ib_wait_pid(c.pid);
		return cannot_run(h, e);
	}
	printf("%d\n", (int)c.pid);
	return IB_EXIT_OK;
}

/* Where a vfork child that could not take the semaphore at once puts semop(2)'s error:
 * a MAP_SHARED word, which the child shares with us even where vfork is a fork. */
static int *busy;

/* The first try, in a vfork child: take without waiting, system calls only. */
static int try_acquire(void *arg)
{
	struct sem_hold *h = arg;
	struct sembuf ops[2];
	size_t n = hold_ops(h, ops);
	for (size_t i = 0; i < n; i++)
		ops[i].sem_flg |= IPC_NOWAIT;
	if (semop(h->id, ops, n) == 0)
		return -1;
	*busy = errno;
	return IB_EXIT_FAIL;
}

/* In the foreground: a vfork child takes the semaphore if it can at once (the common
 * case, and the fast one); if it would have to wait, a fork child waits for it, while
 * semop passes signals on to it, as it does to COMMAND. */
static int run_foreground(struct sem_hold *h, const sigset_t *ignored)
{
	struct ib_spawn s = {
		.argv = h->argv, .fd = { -1, -1, -1 }, .pgroup = -1, .keep = ignored,
		.prepare = try_acquire, .prepare_arg = h, .prepare_in_vfork = true,
	};
	busy = mmap(NULL, sizeof *busy, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (busy == MAP_FAILED) {
		ib_warn_sys(errno, "mmap");
		return IB_EXIT_FAIL;
	}
	*busy = 0;
	int err, st = ib_spawn_foreground(&s, &err);
	int e = *busy;
	munmap(busy, sizeof *busy);
	if (st < 0)
		return cannot_run(h, err);
	if (!e)
		return st;
	if ((e != EAGAIN && e != EINTR) || h->wait.nowait)
		return ib_sem_failed(h->label, &h->wait, e, h->conflict);
	s.prepare = acquire;
	s.prepare_in_vfork = false;
	st = ib_spawn_foreground(&s, &err);
	return st >= 0 ? st : cannot_run(h, err);
}

int ib_hold_run(struct sem_hold *h)
{
	sigset_t ignored;
	ib_ignored_signals(&ignored);
	return h->background ? run_background(h, &ignored) : run_foreground(h, &ignored);
}

/* ---- --hold-for and --release-for ---- */

/* The holder for PID listens on an abstract UNIX socket named after the set's id, the
 * semaphore and PID: --release-for finds it there, and a second --hold-for of the same
 * semaphore for the same process finds the name taken. */
static socklen_t holder_addr(const struct sem_hold *h, pid_t pid, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "ipcbox-semop/%d/%u/%d",
			 h->id, h->semnum, (int)pid);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* Whether the process at the other end of socket FD is ours to deal with: our user or
 * root. */
static bool peer_trusted(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
	       (cr.uid == 0 || cr.uid == getuid());
}

/* Closes every descriptor above 2 but KEEP1 and KEEP2: the holder outlives the script
 * that started it and must not keep its pipes open. */
static void close_others(int keep1, int keep2)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	int self = dirfd(d);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);
		if (fd > 2 && fd != self && fd != keep1 && fd != keep2)
			close(fd);
	}
	closedir(d);
}

/* The holder process: takes the semaphore, says so on READY, then waits until PID
 * ends (PIDFD readable) or a trusted --release-for connects to SOCK, and exits: the
 * kernel's undo gives the semaphore back before the connection closes, so
 * --release-for returns only once it is back. */
static _Noreturn void holder(struct sem_hold *h, pid_t pid, pid_t parent, int pidfd, int sock,
			     int ready)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
		_exit(IB_EXIT_FAIL);
	/* No terminal's signals, and none of those a stray kill sends by mistake: it ends
	 * with PID (or SIGTERM), not with a ^C to the shell. */
	setsid();
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (take(h) != 0)
		_exit(ib_sem_failed(h->label, &h->wait, errno, h->conflict));
	/* Until semop has read the byte, failures are told on its stderr. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || chdir("/") != 0 ||
	    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0 || write_byte(ready) != 0) {
		ib_warn_sys(errno, "%s: holder for process %d", h->label, (int)pid);
		_exit(IB_EXIT_FAIL);
	}
	(void)dup2(null, 2); /* if it fails, it still holds, with the caller's stderr */
	close_others(pidfd, sock);
	for (;;) {
		struct pollfd f[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sock, .events = POLLIN } };
		if (poll(f, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(IB_EXIT_FAIL);
		}
		if (f[0].revents)
			_exit(IB_EXIT_OK);
		if (!f[1].revents)
			continue;
		int cl = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
		if (cl < 0)
			continue;
		if (peer_trusted(cl))
			_exit(IB_EXIT_OK);
		(void)send(cl, "n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(cl);
	}
}

/* pidfd_open (Linux 5.3), which glibc wraps since 2.36 and musl not at all. */
static int open_pidfd(pid_t pid)
{
#ifdef HAVE_PIDFD_OPEN
	return pidfd_open(pid, 0);
#else
	return (int)syscall(SYS_pidfd_open, pid, 0);
#endif
}

int ib_hold_for(struct sem_hold *h, pid_t pid)
{
	/* Opened here, before the holder exists: it watches this very process, never a
	 * later one given its pid. */
	int pidfd = open_pidfd(pid);
	if (pidfd < 0) {
		if (errno == ESRCH)
			ib_warn("no process %d", (int)pid);
		else
			ib_warn_sys(errno, "watch process %d", (int)pid);
		return IB_EXIT_FAIL;
	}
	struct sockaddr_un a;
	socklen_t alen = holder_addr(h, pid, &a);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), p[2] = { -1, -1 };
	int st = IB_EXIT_FAIL;
	if (sock < 0 || bind(sock, (struct sockaddr *)&a, alen) != 0 || listen(sock, 8) != 0) {
		if (errno == EADDRINUSE)
			ib_warn("%s: already held for process %d", h->label, (int)pid);
		else
			ib_warn_sys(errno, "%s: holder for process %d", h->label, (int)pid);
		goto out;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		ib_warn_sys(errno, "pipe");
		goto out;
	}
	fflush(NULL);
	pid_t parent = getpid(), child = fork();
	if (child < 0) {
		ib_warn_sys(errno, "%s: holder for process %d", h->label, (int)pid);
		goto out;
	}
	if (child == 0) {
		close(p[0]);
		holder(h, pid, parent, pidfd, sock, p[1]);
	}
	close(p[1]);
	p[1] = -1;
	/* Taken: the holder goes on alone. Else it said why and exited. */
	ssize_t r = read_byte(p[0]);
	st = r == 1 ? IB_EXIT_OK : r == 0 ? ib_wait_pid(child) : lost_child(child, h->label, errno);
out:
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	if (sock >= 0)
		close(sock);
	close(pidfd);
	return st;
}

int ib_release_for(struct sem_hold *h, pid_t pid)
{
	struct sockaddr_un a;
	socklen_t alen = holder_addr(h, pid, &a);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		ib_warn_sys(errno, "socket");
		return IB_EXIT_FAIL;
	}
	int st = IB_EXIT_FAIL;
	char b;
	ssize_t r;
	if (connect(sock, (struct sockaddr *)&a, alen) != 0) {
		if (errno == ECONNREFUSED || errno == ENOENT)
			ib_warn("%s: not held for process %d", h->label, (int)pid);
		else
			ib_warn_sys(errno, "%s: holder for process %d", h->label, (int)pid);
	} else if (!peer_trusted(sock)) {
		ib_warn("%s: the holder for process %d is another user's", h->label, (int)pid);
	} else {
		while ((r = read(sock, &b, 1)) < 0 && errno == EINTR)
			;
		if (r == 0)
			st = IB_EXIT_OK; /* it has exited: the semaphore is back */
		else if (r == 1)
			ib_warn("%s: held for process %d by another user", h->label, (int)pid);
		else
			ib_warn_sys(errno, "%s: holder for process %d", h->label, (int)pid);
	}
	close(sock);
	return st;
}

/* --wait-idle with read permission only (taking, even for an instant, needs write
 * permission): looks at the value, every 10 ms doubling to 160 ms, until it is
 * COUNT. */
static int watch_idle(struct sem_hold *h)
{
	for (unsigned idle = 0;; idle++) {
		int v = semctl(h->id, h->semnum, GETVAL);
		if (v < 0)
			return ib_sem_failed(h->label, &h->wait, errno, h->conflict);
		if (v == h->count)
			return IB_EXIT_OK;
		uint64_t step = 10000000ULL << (idle < 4 ? idle : 4);
		if (h->wait.until) {
			uint64_t left = ib_ns_until(*h->wait.until);
			if (left < step)
				step = left;
		}
		if (h->wait.nowait || step == 0)
			return ib_sem_failed(h->label, &h->wait, EAGAIN, h->conflict);
		struct timespec ts = ib_ns_to_timespec(step);
		nanosleep(&ts, NULL);
	}
}

int ib_wait_idle(struct sem_hold *h)
{
	/* COUNT, and nothing more: take it, see nothing left, give it back, at once. */
	short flg = h->wait.nowait ? IPC_NOWAIT : 0, count = (short)h->count;
	struct sembuf ops[3] = {
		{ h->semnum, (short)-count, flg },
		{ h->semnum, 0, flg },
		{ h->semnum, count, flg },
	};
	if (ib_semop_until(h->id, ops, 3, h->wait.until) == 0)
		return IB_EXIT_OK;
	if (errno == EACCES)
		return watch_idle(h);
	return ib_sem_failed(h->label, &h->wait, errno, h->conflict);
}
