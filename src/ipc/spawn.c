#include "ipc/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/parse.h"
#include "ipc/quote.h"

/* What the child does between fork and exec, all decided beforehand. */
struct plan {
	const struct ib_spawn *s;
	pid_t parent;
	int report_fd;    /* fork: where the child writes its errno if it cannot exec */
	volatile int err; /* vfork (report_fd -1): set by the child when it cannot exec */
};

/* Sets this process up as S says and execs its command; returns the error number if it
 * cannot. In a vfork child it runs on the parent's memory with every signal blocked:
 * only system calls then (S->prepare implies fork). */
static int become(const struct ib_spawn *s, pid_t parent)
{
	if (s->pgroup >= 0 && setpgid(0, s->pgroup) != 0)
		goto fail;
	if (s->death_signal > 0) {
		if (prctl(PR_SET_PDEATHSIG, s->death_signal, 0, 0, 0) != 0)
			goto fail;
		if (getppid() != parent) /* it already died: too late for the signal */
			_exit(128 + s->death_signal);
	}
	for (int i = 0; i < 3; i++) {
		if (s->fd[i] < 0)
			continue;
		if (s->fd[i] == i ? fcntl(i, F_SETFD, 0) != 0 : dup2(s->fd[i], i) != i)
			goto fail;
	}
	if (s->stderr_to_stdout && dup2(1, 2) != 2)
		goto fail;
	/* exec resets caught signals, but a handler must not run in this child: reset them
	 * now; and the ignored ones, but those the caller keeps, which are ignored even if
	 * we have taken one over meanwhile (SIGCHLD, to wait). */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) != 0)
			continue;
		sa.sa_handler = s->keep && sigismember(s->keep, sig) == 1 ? SIG_IGN : SIG_DFL;
		if (old.sa_handler != sa.sa_handler)
			sigaction(sig, &sa, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (s->prepare) {
		int st = s->prepare(s->prepare_arg);
		if (st >= 0)
			_exit(st);
	}
	execvp(s->argv[0], s->argv);
fail:
	return errno ? errno : EINVAL;
}

__attribute__((noreturn)) static void child(struct plan *p)
{
	int err = become(p->s, p->parent);
	if (p->report_fd >= 0)
		(void)ib_write_all(p->report_fd, &err, sizeof err, NULL);
	else
		p->err = err;
	_exit(ib_spawn_error_code(err));
}

/* ib_spawn, that also stores the child's pid in *EARLY (if not NULL) as soon as it is
 * forked, with every signal blocked, for a signal handler to forward to; then sets the
 * signal mask to MASK (NULL: the one it found). */
static pid_t spawn(const struct ib_spawn *s, int *err, volatile pid_t *early,
		   const sigset_t *mask)
{
	struct plan p = { .s = s, .parent = getpid(), .report_fd = -1, .err = 0 };
	/* PREPARE may wait long (semop --hold takes a semaphore there, with SEM_UNDO so
	 * that the command's process owns the undo) and prints why it fails: a vfork
	 * parent would stay suspended, unable to forward a signal, and the child would
	 * write to the parent's stdio and errno. So fork, and let the child report a
	 * failed exec through a close-on-exec pipe, which closes unread when it works. */
	int pfd[2] = { -1, -1 };
	if (s->prepare) {
		if (pipe2(pfd, O_CLOEXEC) != 0) {
			*err = errno;
			return -1;
		}
		p.report_fd = pfd[1];
		fflush(NULL); /* or the child would write our buffered output again */
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = s->prepare ? fork() : vfork();
	if (pid == 0)
		child(&p);
	int e = pid < 0 ? errno : p.err;
	if (pid > 0 && early)
		*early = pid;
	sigprocmask(SIG_SETMASK, mask ? mask : &old, NULL);
	if (s->prepare) {
		close(pfd[1]);
		if (pid > 0 && ib_read_full(pfd[0], &e, sizeof e) != (ssize_t)sizeof e)
			e = 0;
		close(pfd[0]);
	}
	if (pid > 0 && e) {
		int ws;
		if (early)
			*early = 0; /* no signal to it once it may be reaped */
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	if (e) {
		*err = e;
		return -1;
	}
	return pid;
}

pid_t ib_spawn(const struct ib_spawn *s, int *err)
{
	return spawn(s, err, NULL, NULL);
}

int ib_spawn_exec(const struct ib_spawn *s)
{
	return become(s, getppid());
}

int ib_spawn_wait(pid_t pid)
{
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return IB_EXIT_FAIL;
	return ib_wait_code(ws);
}

/* ---- running in the foreground, signals forwarded ---- */

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

/* The child signals go to; 0 when none. Written with the signals blocked. */
static volatile pid_t forward_to;
static struct sigaction saved[NFORWARDED], saved_chld;
static bool installed[NFORWARDED];

static void forward(int sig)
{
	int saved_errno = errno;
	if (forward_to > 0)
		kill(forward_to, sig);
	errno = saved_errno;
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(set, forwarded[i]);
}

static void install_forwarding(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < NFORWARDED; i++) {
		sigaction(forwarded[i], NULL, &saved[i]);
		installed[i] = saved[i].sa_handler != SIG_IGN;
		if (installed[i])
			sigaction(forwarded[i], &sa, NULL);
	}
	/* An inherited SIGCHLD "ignore" would reap the child before we can wait. */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, &saved_chld);
}

/* Stops forwarding: no signal goes to a pid that may be reused from now on. */
static void stop_forwarding(void)
{
	sigset_t set, oldmask;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	forward_to = 0;
	for (size_t i = 0; i < NFORWARDED; i++)
		if (installed[i]) {
			sigaction(forwarded[i], &saved[i], NULL);
			installed[i] = false;
		}
	sigaction(SIGCHLD, &saved_chld, NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
}

int ib_spawn_foreground(const struct ib_spawn *s, int *err)
{
	/* A signal that comes before the child exists waits for it: blocked until then. */
	sigset_t set, oldmask;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	install_forwarding();
	pid_t pid = spawn(s, err, &forward_to, &oldmask);
	if (pid < 0) {
		stop_forwarding();
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		return -1;
	}
	/* Wait without reaping, so the pid cannot be reused while a forwarded signal
	 * may still be on its way to it; stop forwarding; then reap. */
	siginfo_t info;
	memset(&info, 0, sizeof info);
	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0) {
		if (errno != EINTR) {
			ib_warn_sys(errno, "waiting for process %d", (int)pid);
			break;
		}
	}
	stop_forwarding();
	return ib_spawn_wait(pid);
}

void ib_ignored_signals(sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		struct sigaction sa;
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN)
			sigaddset(set, sig);
	}
}

int ib_spawn_error_code(int err)
{
	return err == ENOENT ? IB_EXIT_NOTFOUND : IB_EXIT_NOEXEC;
}

void ib_spawn_warn(const char *where, const char *cmd, int err)
{
	const char *sep = where ? ": " : "";
	if (!where)
		where = "";
	if (err == ENOENT && !strchr(cmd, '/'))
		ib_warn("%s%s%s: command not found", where, sep, ib_quote(cmd));
	else
		ib_warn_sys(err, "%s%scannot execute %s", where, sep, ib_quote(cmd));
}

int ib_wait_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return IB_EXIT_FAIL;
}

const char *ib_wait_describe(int wstatus, char *buf, size_t len)
{
	if (WIFSIGNALED(wstatus)) {
		char name[32];
		ib_signal_name(WTERMSIG(wstatus), name, sizeof name);
		snprintf(buf, len, "killed by %s%s", name, WCOREDUMP(wstatus) ? " (core dumped)" : "");
	} else {
		snprintf(buf, len, "exit %d", ib_wait_code(wstatus));
	}
	return buf;
}

/* Signals the pids listed (space-separated) in the file at PATH. -1 if it cannot be read. */
static int signal_listed(const char *path, int sig)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int n = 0;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0 && kill((pid_t)pid, sig) == 0)
			n++;
	fclose(f);
	return n;
}

/* The same by scanning /proc/PID/stat for our pid as the parent (no CONFIG_PROC_CHILDREN). */
static int signal_by_scan(int sig)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	pid_t self = getpid();
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char path[64], buf[512];
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		long pid = atol(de->d_name);
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		if (ib_read_small_file(AT_FDCWD, path, buf, sizeof buf) <= 0)
			continue;
		char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
		long ppid;
		char state;
		if (p && sscanf(p + 1, " %c %ld", &state, &ppid) == 2 && ppid == self &&
		    kill((pid_t)pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int ib_signal_children(int sig)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)getpid());
	int n = signal_listed(path, sig);
	return n >= 0 ? n : signal_by_scan(sig);
}

void ib_reap_all_children(unsigned long long grace_ns)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	struct timespec deadline = ib_deadline_after(grace_ns);
	bool killing = grace_ns == 0;
	for (;;) {
		int ws;
		pid_t p;
		while ((p = waitpid(-1, &ws, WNOHANG)) > 0)
			;
		if (p < 0 && errno == ECHILD)
			return;
		if (p < 0 && errno != EINTR)
			return;
		if (!killing && ib_ns_until(deadline) == 0)
			killing = true;
		if (ib_signal_children(killing ? SIGKILL : SIGTERM) < 0) {
			/* Cannot list them: wait for them, they are ours. */
			while (waitpid(-1, &ws, 0) > 0 || errno == EINTR)
				;
			return;
		}
		struct timespec ts = ib_ns_to_timespec(killing ? 100000000ULL : ib_ns_until(deadline));
		sigtimedwait(&chld, NULL, &ts);
	}
}
