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
#include "ipc/parse.h"
#include "ipc/quote.h"

/* What the child does between vfork and exec, all decided beforehand. */
struct plan {
	const struct ib_spawn *s;
	pid_t parent;
	volatile int err; /* set by the child when it cannot exec */
};

/* Runs in the vfork child, on the parent's memory and with every signal blocked: only
 * system calls here, and the parent's data is touched only to report an error. */
__attribute__((noreturn)) static void child(struct plan *p)
{
	const struct ib_spawn *s = p->s;
	if (s->pgroup >= 0 && setpgid(0, s->pgroup) != 0)
		goto fail;
	if (s->death_signal > 0) {
		if (prctl(PR_SET_PDEATHSIG, s->death_signal, 0, 0, 0) != 0)
			goto fail;
		if (getppid() != p->parent) /* we already died: too late for the signal */
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
	 * now; and reset the ignored ones, but those the caller keeps. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) != 0 ||
		    old.sa_handler == SIG_DFL)
			continue;
		if (old.sa_handler == SIG_IGN && s->keep && sigismember(s->keep, sig) == 1)
			continue;
		sigaction(sig, &dfl, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(s->argv[0], s->argv);
fail:
	p->err = errno ? errno : EINVAL;
	_exit(IB_EXIT_NOTFOUND);
}

static pid_t start_child(struct plan *p)
{
	pid_t pid = vfork();
	if (pid == 0)
		child(p);
	return pid;
}

pid_t ib_spawn(const struct ib_spawn *s, int *err)
{
	struct plan p = { .s = s, .parent = getpid(), .err = 0 };
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = start_child(&p);
	int e = pid < 0 ? errno : p.err;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid > 0 && e) {
		int ws;
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	if (e) {
		*err = e;
		return -1;
	}
	return pid;
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
		const char *name = sigabbrev_np(WTERMSIG(wstatus));
		if (name)
			snprintf(buf, len, "killed by SIG%s%s", name,
				 WCOREDUMP(wstatus) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "killed by signal %d", WTERMSIG(wstatus));
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
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
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
