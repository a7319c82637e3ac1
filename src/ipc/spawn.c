#include "ipc/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/rawsys.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() false
#endif

extern char **environ;

/* Code that runs in a child on its parent's memory. Its frames get no AddressSanitizer
 * redzones: they would stay poisoned on a stack the parent frees, the child gone. */
#if defined(__SANITIZE_ADDRESS__) || defined(__clang__)
#define IB_CHILD_CODE __attribute__((no_sanitize_address))
#else
#define IB_CHILD_CODE
#endif

/* In a loop of child code: keeps the compiler from turning the loop into a call to
 * strlen or memcpy, which could go through the dynamic linker's lazy binding. */
#define CHILD_LOOP_BARRIER() __asm__ volatile("" ::: "memory")

/* The stack of a child that shares our memory: the exec path buffer and a few frames. */
#define CHILD_STACK (64 * 1024)
/* glibc's execvp searches this when PATH is unset. */
#define DEFAULT_PATH "/bin:/usr/bin"

void ib_sigplan_make(struct ib_sigplan *plan, const sigset_t *keep)
{
	plan->to_default = plan->to_ignore = 0;
	for (int sig = 1; sig < NSIG && sig <= 64; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) != 0)
			continue;
		bool ignore = keep && sigismember(keep, sig) == 1;
		if (old.sa_handler != (ignore ? SIG_IGN : SIG_DFL))
			*(ignore ? &plan->to_ignore : &plan->to_default) |= 1ULL << (sig - 1);
	}
}

/* ---- the child's side: system calls only (see rawsys.h), no errno, no locks ---- */

IB_CHILD_CODE static size_t child_strlen(const char *s)
{
	size_t n = 0;
	while (s[n]) {
		CHILD_LOOP_BARRIER();
		n++;
	}
	return n;
}

/* After an exec failed with ENOEXEC: runs FILE with /bin/sh, as execvp does. */
IB_CHILD_CODE static int exec_script(char *file, const struct ib_child *c)
{
	char *const *argv = c->spec.argv;
	size_t i = 1;
	c->shargv[0] = (char *)"/bin/sh";
	c->shargv[1] = file;
	for (; argv[i]; i++) {
		CHILD_LOOP_BARRIER();
		c->shargv[i + 1] = argv[i];
	}
	c->shargv[i + 1] = NULL;
	return ib_sys_execve("/bin/sh", c->shargv, c->envp);
}

/* execvp's search: ARGV[0] as it is if it has a '/', else in each directory of PATH
 * (an empty one is the current directory). Returns only on failure, with -errno:
 * EACCES if some file was found but not executable, else the last error. */
IB_CHILD_CODE static int exec_search(const struct ib_child *c)
{
	char *file = c->spec.argv[0];
	size_t flen = child_strlen(file);
	int e;
	if (flen == 0)
		return -ENOENT;
	for (size_t i = 0; i < flen; i++)
		if (file[i] == '/') {
			e = ib_sys_execve(file, c->spec.argv, c->envp);
			return e == -ENOEXEC ? exec_script(file, c) : e;
		}
	if (flen > NAME_MAX)
		return -ENAMETOOLONG;
	char buf[PATH_MAX + NAME_MAX + 2];
	bool eacces = false;
	e = -ENOENT;
	for (const char *p = c->path;;) {
		const char *end = p;
		while (*end && *end != ':') {
			CHILD_LOOP_BARRIER();
			end++;
		}
		size_t dlen = (size_t)(end - p);
		if (dlen < PATH_MAX) {
			for (size_t i = 0; i < dlen; i++) {
				CHILD_LOOP_BARRIER();
				buf[i] = p[i];
			}
			if (dlen)
				buf[dlen++] = '/';
			for (size_t i = 0; i <= flen; i++) {
				CHILD_LOOP_BARRIER();
				buf[dlen + i] = file[i];
			}
			e = ib_sys_execve(buf, c->spec.argv, c->envp);
			if (e == -ENOEXEC)
				e = exec_script(buf, c);
			if (e == -EACCES)
				eacces = true;
			else if (e != -ENOENT && e != -ESTALE && e != -ENOTDIR && e != -ENODEV &&
				 e != -ETIMEDOUT)
				return e;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return eacces ? -EACCES : e;
}

/* Sets this process up as C says and execs its command; returns -errno if it cannot.
 * All signals are blocked on entry. */
IB_CHILD_CODE static int become(const struct ib_child *c)
{
	const struct ib_spawn *s = &c->spec;
	int e;
	if (s->pgroup >= 0 && (e = ib_sys_setpgid(0, s->pgroup)) < 0)
		return e;
	if (s->death_signal > 0) {
		if ((e = ib_sys_prctl(PR_SET_PDEATHSIG, (unsigned long)s->death_signal)) < 0)
			return e;
		if (ib_sys_getppid() != c->parent) /* it already died: too late for the signal */
			ib_sys_exit(128 + s->death_signal);
	}
	for (int i = 0; i < 3; i++) {
		if (s->fd[i] < 0)
			continue;
		e = s->fd[i] == i ? ib_sys_clear_cloexec(i) : ib_sys_dup2(s->fd[i], i);
		if (e < 0)
			return e;
	}
	if (s->stderr_to_stdout && (e = ib_sys_dup2(1, 2)) < 0)
		return e;
	/* A handler of ours must not run here, nor stay for the command to inherit as
	 * "ignored": the plan resets those (and ignores what the caller keeps ignored). */
	for (int sig = 1; sig <= 64; sig++) {
		unsigned long long bit = 1ULL << (sig - 1);
		if (c->sigs.to_default & bit)
			ib_sys_signal(sig, SIG_DFL);
		else if (c->sigs.to_ignore & bit)
			ib_sys_signal(sig, SIG_IGN);
	}
	ib_sys_unblock_all();
	if (s->prepare) { /* a fork child: its own memory, libc allowed */
		int st = s->prepare(s->prepare_arg);
		if (st >= 0)
			ib_sys_exit(st);
	}
	return exec_search(c);
}

IB_CHILD_CODE __attribute__((noreturn)) static void child_main(struct ib_child *c)
{
	int err = -become(c);
	if (c->report_fd >= 0)
		(void)ib_write_all(c->report_fd, &err, sizeof err, NULL);
	else
		c->err = err;
	ib_sys_exit(ib_spawn_error_code(err));
}

#if IB_RAWSYS_NATIVE
IB_CHILD_CODE static int clone_main(void *c)
{
	child_main(c);
}
#endif

/* ---- the parent's side ---- */

/* A vfork (or with PREPARE a fork) child for C; in a function of its own, where the
 * child's use of the frame cannot clobber its caller's variables. */
__attribute__((noinline)) static pid_t vfork_child(struct ib_child *c)
{
	pid_t pid = c->spec.prepare ? fork() : vfork();
	if (pid == 0)
		child_main(c);
	return pid;
}

/* Fills C for starting S. Returns 0 or an error number. */
static int child_init(struct ib_child *c, const struct ib_spawn *s)
{
	memset(c, 0, sizeof *c);
	c->spec = *s;
	if (s->sigplan)
		c->sigs = *s->sigplan;
	else
		ib_sigplan_make(&c->sigs, s->keep);
	c->parent = getpid();
	c->envp = environ;
	c->path = getenv("PATH");
	if (!c->path)
		c->path = DEFAULT_PATH;
	size_t argc = 0;
	while (s->argv[argc])
		argc++;
	c->shargv = malloc((argc + 2) * sizeof *c->shargv);
	c->report_fd = -1;
	return c->shargv ? 0 : ENOMEM;
}

/* Makes C's child with every signal blocked: if C has a stack, a clone that shares our
 * memory and runs on that stack alongside us; else (or if refused) a fork with
 * PREPARE, a vfork without. Stores its pid in *EARLY (if not NULL) as soon as it exists, then sets the
 * signal mask to MASK (NULL: the one it found). Returns the pid, or -1 with errno. */
static pid_t start(struct ib_child *c, volatile pid_t *early, const sigset_t *mask)
{
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = -1;
#if IB_RAWSYS_NATIVE
	if (c->stack)
		pid = clone(clone_main, c->stack + c->stack_len, CLONE_VM | SIGCHLD, c);
#endif
	if (pid < 0)
		pid = vfork_child(c);
	int e = errno;
	if (pid > 0 && early)
		*early = pid;
	sigprocmask(SIG_SETMASK, mask ? mask : &old, NULL);
	errno = e;
	return pid;
}

static void child_free(struct ib_child *c)
{
	if (c->stack)
		munmap(c->stack - getpagesize(), c->stack_len + (size_t)getpagesize());
	c->stack = NULL;
	free(c->shargv);
	c->shargv = NULL;
}

int ib_spawn_start(const struct ib_spawn *s, struct ib_child *c)
{
	if (s->prepare)
		return EINVAL; /* its fork child needs ib_spawn's report pipe */
	int e = child_init(c, s);
	if (e)
		return e;
#if IB_RAWSYS_NATIVE
	/* valgrind cannot run such a child: it stops the program */
	if (!UNDER_VALGRIND()) { /* its stack, over a guard page */
		size_t page = (size_t)getpagesize();
		char *m = mmap(NULL, CHILD_STACK + page, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (m != MAP_FAILED && mprotect(m + page, CHILD_STACK, PROT_READ | PROT_WRITE) != 0) {
			munmap(m, CHILD_STACK + page);
			m = MAP_FAILED;
		}
		if (m != MAP_FAILED) { /* else the vfork below */
			c->stack = m + page;
			c->stack_len = CHILD_STACK;
		}
	}
#endif
	c->pid = start(c, NULL, NULL);
	if (c->pid < 0) {
		e = errno;
		child_free(c);
		return e;
	}
	return 0;
}

int ib_child_done(struct ib_child *c)
{
	child_free(c);
	return c->err;
}

/* ib_spawn, that also stores the child's pid in *EARLY (if not NULL) as soon as it is
 * forked, for a signal handler to forward to; then sets the signal mask to MASK (NULL:
 * the one it found). */
static pid_t spawn(const struct ib_spawn *s, int *err, volatile pid_t *early,
		   const sigset_t *mask)
{
	struct ib_child c;
	int e = child_init(&c, s);
	if (e) {
		*err = e;
		return -1;
	}
	/* PREPARE may wait long (semop --hold takes a semaphore there, with SEM_UNDO so
	 * that the command's process owns the undo) and prints why it fails: a vfork
	 * parent would stay suspended, unable to forward a signal, and the child would
	 * write to the parent's stdio and errno. So fork, and let the child report a
	 * failed exec through a close-on-exec pipe, which closes unread when it works. */
	int pfd[2] = { -1, -1 };
	if (s->prepare) {
		if (pipe2(pfd, O_CLOEXEC) != 0) {
			*err = errno;
			child_free(&c);
			return -1;
		}
		c.report_fd = pfd[1];
		fflush(NULL); /* or the child would write our buffered output again */
	}
	pid_t pid = start(&c, early, mask);
	e = pid < 0 ? errno : c.err;
	if (s->prepare) {
		close(pfd[1]);
		if (pid > 0 && ib_read_full(pfd[0], &e, sizeof e) != (ssize_t)sizeof e)
			e = 0;
		close(pfd[0]);
	}
	child_free(&c);
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
	struct ib_child c;
	int e = child_init(&c, s);
	if (e)
		return e;
	c.parent = getppid();
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	e = -become(&c);
	sigprocmask(SIG_SETMASK, &old, NULL);
	child_free(&c);
	return e;
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
static volatile bool forward_in_group; /* it is in our process group */
static struct sigaction saved[NFORWARDED], saved_chld;
static bool installed[NFORWARDED];

bool ib_signal_reached_group(const siginfo_t *si)
{
	return si->si_code == SI_KERNEL && !(si->si_signo == SIGHUP && getsid(0) == getpid());
}

static void forward(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	int saved_errno = errno;
	if (forward_to > 0 && !(forward_in_group && ib_signal_reached_group(si)))
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
	sa.sa_sigaction = forward;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
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
	forward_in_group = s->pgroup == -1;
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
