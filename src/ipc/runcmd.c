/* Starting a command in a child and waiting for it. */
#include "ipc/runcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/quote.h"

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

static void restore_signals(void)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		if (installed[i]) {
			sigaction(forwarded[i], &saved[i], NULL);
			installed[i] = false;
		}
	sigaction(SIGCHLD, &saved_chld, NULL);
}

/* What the child tells the parent through the close-on-exec pipe when it does not
 * get as far as running the command. */
struct child_report {
	int status; /* PREPARE's status, or -1 when exec failed */
	int err;    /* exec's errno */
};

static _Noreturn void child(char *const argv[], int (*prepare)(void *), void *arg, int fd,
			    const sigset_t *oldmask)
{
	restore_signals();
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	struct child_report r = { -1, 0 };
	if (prepare && (r.status = prepare(arg)) >= 0) {
		(void)ib_write_all(fd, &r, sizeof r, NULL);
		_exit(r.status);
	}
	execvp(argv[0], argv);
	r.status = -1;
	r.err = errno;
	(void)ib_write_all(fd, &r, sizeof r, NULL);
	_exit(r.err == ENOENT ? IB_EXIT_NOTFOUND : IB_EXIT_NOEXEC);
}

int ib_runcmd_start(char *const argv[], int (*prepare)(void *), void *arg, pid_t *pid)
{
	*pid = -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		ib_warn_sys(errno, "cannot make a pipe");
		return IB_EXIT_FAIL;
	}
	sigset_t set, oldmask;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	install_forwarding();
	fflush(NULL);
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		child(argv, prepare, arg, p[1], &oldmask);
	}
	int fork_err = errno;
	close(p[1]);
	forward_to = c > 0 ? c : 0;
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (c < 0) {
		close(p[0]);
		restore_signals();
		ib_warn_sys(fork_err, "cannot fork");
		return IB_EXIT_FAIL;
	}
	/* The pipe closes at exec (nothing read) or carries the child's report. */
	struct child_report r;
	ssize_t n = ib_read_full(p[0], &r, sizeof r);
	close(p[0]);
	if (n != (ssize_t)sizeof r) {
		*pid = c;
		return 0;
	}
	(void)ib_runcmd_wait(c);
	if (r.status >= 0)
		return r.status;
	ib_warn_sys(r.err, "cannot run %s", ib_quote(argv[0]));
	return r.err == ENOENT ? IB_EXIT_NOTFOUND : IB_EXIT_NOEXEC;
}

int ib_runcmd_wait(pid_t pid)
{
	/* Wait without reaping, so the pid cannot be reused while a forwarded signal
	 * may still be on its way to it; stop forwarding; then reap. */
	siginfo_t info;
	int st = IB_EXIT_FAIL << 8;
	memset(&info, 0, sizeof info);
	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0) {
		if (errno != EINTR) {
			ib_warn_sys(errno, "waiting for process %d", (int)pid);
			break;
		}
	}
	sigset_t set, oldmask;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	forward_to = 0;
	restore_signals();
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
