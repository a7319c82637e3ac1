/* Children are made with the plain primitives: vfork for one that only sets itself up
 * and execs (we are suspended until it has), fork when PREPARE must run code in it
 * first. Either way the child reports a failed exec one way: it stores the error in a
 * word shared with us (a MAP_SHARED page, so that it also holds where vfork is a fork,
 * as under valgrind) and exits 126 or 127; the parent reads the word once it has reaped
 * the child (ib_child_done). */
#include "ipc/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

extern char **environ;

/* glibc's execvp searches this when PATH is unset (musl's starts with /usr/local/bin). */
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

/* What a child needs, made ready by the parent: the child allocates nothing (a vfork
 * child would allocate from our heap). */
struct recipe {
	const struct ib_spawn *s;
	struct ib_sigplan sigs;
	pid_t parent;
	const char *path; /* PATH, or execvp's default */
	char **shargv;    /* room for /bin/sh's argv, for a file without #! */
};

/* ---- the child's side ---- */

/* Execs FILE with S's argv, and a file the kernel cannot execute (a script without #!)
 * with /bin/sh, as execvp does. Returns the error number. */
static int exec_file(char *file, const struct recipe *r)
{
	char *const *argv = r->s->argv;
	char *const *envp = r->s->envp ? r->s->envp : environ;
	execve(file, argv, envp);
	if (errno != ENOEXEC)
		return errno;
	size_t i = 1;
	r->shargv[0] = (char *)"/bin/sh";
	r->shargv[1] = file;
	for (; argv[i]; i++)
		r->shargv[i + 1] = argv[i];
	r->shargv[i + 1] = NULL;
	execve("/bin/sh", r->shargv, envp);
	return errno;
}

/* execvp's search, done here because musl's execvp runs no /bin/sh for a file without
 * #! (that needs the path the search found) and has another default PATH: ARGV[0] as
 * it is if it has a '/', else in each directory of PATH (an empty one is the current
 * directory). Returns the error number: EACCES if some file was found but not
 * executable, else the last error. */
static int exec_search(const struct recipe *r)
{
	char *file = r->s->argv[0];
	if (!*file)
		return ENOENT;
	if (strchr(file, '/'))
		return exec_file(file, r);
	size_t flen = strlen(file);
	if (flen > NAME_MAX)
		return ENAMETOOLONG;
	char buf[PATH_MAX + NAME_MAX + 2];
	bool eacces = false;
	int e = ENOENT;
	for (const char *p = r->path, *end;; p = end + 1) {
		end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		if (dlen < PATH_MAX) {
			memcpy(buf, p, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + (dlen > 0), file, flen + 1);
			e = exec_file(buf, r);
			if (e == EACCES)
				eacces = true;
			else if (e != ENOENT && e != ESTALE && e != ENOTDIR && e != ENODEV &&
				 e != ETIMEDOUT)
				return e;
		}
		if (!*end)
			break;
	}
	return eacces ? EACCES : e;
}

/* Sets this process up as R says and execs its command; returns the error number if it
 * cannot. All signals are blocked on entry. */
static int become(const struct recipe *r)
{
	const struct ib_spawn *s = r->s;
	if (s->pgroup >= 0 && setpgid(0, s->pgroup) != 0)
		return errno;
	if (s->death_signal > 0) {
		if (prctl(PR_SET_PDEATHSIG, (unsigned long)s->death_signal, 0, 0, 0) != 0)
			return errno;
		if (getppid() != r->parent) /* it already died: too late for the signal */
			_exit(128 + s->death_signal);
	}
	for (int i = 0; i < 3; i++)
		if (s->fd[i] >= 0 &&
		    (s->fd[i] == i ? fcntl(i, F_SETFD, 0) : dup2(s->fd[i], i)) < 0)
			return errno;
	if (s->stderr_to_stdout && dup2(1, 2) < 0)
		return errno;
	/* A handler of ours must not run here, nor stay for the command to inherit as
	 * "ignored": the plan resets those (and ignores what the caller keeps ignored). */
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	for (int sig = 1; sig <= 64; sig++) {
		unsigned long long bit = 1ULL << (sig - 1);
		if (r->sigs.to_default & bit)
			sigaction(sig, &dfl, NULL);
		else if (r->sigs.to_ignore & bit)
			sigaction(sig, &ign, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (s->prepare) { /* a fork child (own memory, libc allowed), or as it says */
		int st = s->prepare(s->prepare_arg);
		if (st >= 0)
			_exit(st);
	}
	return exec_search(r);
}

/* The child of vfork or fork; in a function of its own, where the child's use of the
 * frame cannot clobber its caller's variables. */
__attribute__((noinline)) static pid_t make_child(const struct recipe *r, int *report)
{
	pid_t pid = r->s->prepare && !r->s->prepare_in_vfork ? fork() : vfork();
	if (pid == 0) {
		int e = become(r);
		*report = e;
		_exit(ib_spawn_error_code(e));
	}
	return pid;
}

/* ---- the parent's side ---- */

/* Fills R for starting S; PARENT is the pid the child's death signal watches. Returns 0
 * or an error number. */
static int recipe_init(struct recipe *r, const struct ib_spawn *s, pid_t parent)
{
	r->s = s;
	if (s->sigplan)
		r->sigs = *s->sigplan;
	else
		ib_sigplan_make(&r->sigs, s->keep);
	r->parent = parent;
	r->path = getenv("PATH");
	if (!r->path)
		r->path = DEFAULT_PATH;
	size_t argc = 0;
	while (s->argv[argc])
		argc++;
	r->shargv = malloc((argc + 2) * sizeof *r->shargv);
	return r->shargv ? 0 : ENOMEM;
}

/* ib_spawn_start, that also stores the child's pid in *EARLY (if not NULL) as soon as
 * it exists, for a signal handler to forward to; then sets the signal mask to MASK
 * (NULL: the one it found). */
static int start(const struct ib_spawn *s, struct ib_child *c, volatile pid_t *early,
		 const sigset_t *mask)
{
	struct recipe r;
	int e = recipe_init(&r, s, getpid());
	if (e)
		return e;
	void *m = mmap(NULL, sizeof *c->report, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		e = errno;
		free(r.shargv);
		return e;
	}
	c->report = m;
	if (s->prepare && !s->prepare_in_vfork)
		fflush(NULL); /* or the fork child would write our buffered output again */
	/* Every signal blocked: no handler of ours may run in the child. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	c->pid = make_child(&r, c->report);
	e = errno;
	if (c->pid > 0 && early)
		*early = c->pid;
	sigprocmask(SIG_SETMASK, mask ? mask : &old, NULL);
	free(r.shargv); /* the child has exec'd, exited or (fork) has its own copy */
	if (c->pid < 0) {
		ib_child_done(c);
		return e;
	}
	return 0;
}

int ib_spawn_start(const struct ib_spawn *s, struct ib_child *c)
{
	return start(s, c, NULL, NULL);
}

int ib_child_done(struct ib_child *c)
{
	int e = 0;
	if (c->report) {
		e = *c->report;
		munmap(c->report, sizeof *c->report);
		c->report = NULL;
	}
	return e;
}

int ib_wait_pid(pid_t pid)
{
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return IB_EXIT_FAIL;
	return ib_wait_code(ws);
}

/* The end of ib_spawn_run and ib_spawn_foreground: reaps C's child and returns its
 * code, or -1 with *ERR set if its exec failed. */
static int reap(struct ib_child *c, int *err)
{
	int code = ib_wait_pid(c->pid);
	int e = ib_child_done(c);
	if (e) {
		*err = e;
		return -1;
	}
	return code;
}

int ib_spawn_run(const struct ib_spawn *s, int *err)
{
	struct ib_child c;
	int e = ib_spawn_start(s, &c);
	if (e) {
		*err = e;
		return -1;
	}
	return reap(&c, err);
}

int ib_spawn_exec(const struct ib_spawn *s)
{
	struct recipe r;
	int e = recipe_init(&r, s, getppid());
	if (e)
		return e;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	e = become(&r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(r.shargv);
	return e;
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
	struct ib_child c;
	int e = start(s, &c, &forward_to, &oldmask);
	if (e) {
		stop_forwarding();
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		*err = e;
		return -1;
	}
	/* Wait without reaping, so the pid cannot be reused while a forwarded signal
	 * may still be on its way to it; stop forwarding; then reap. */
	siginfo_t info;
	memset(&info, 0, sizeof info);
	while (waitid(P_PID, (id_t)c.pid, &info, WEXITED | WNOWAIT) != 0) {
		if (errno != EINTR) {
			ib_warn_sys(errno, "waiting for process %d", (int)c.pid);
			break;
		}
	}
	stop_forwarding();
	return reap(&c, err);
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

/* Sends SIG to every current child of this process (found in /proc). Returns how many
 * it signalled, or -1 if the children cannot be listed. */
static int signal_children(int sig)
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
		if (signal_children(killing ? SIGKILL : SIGTERM) < 0) {
			/* Cannot list them: wait for them, they are ours. */
			while (waitpid(-1, &ws, 0) > 0 || errno == EINTR)
				;
			return;
		}
		struct timespec ts = ib_ns_to_timespec(killing ? 100000000ULL : ib_ns_until(deadline));
		sigtimedwait(&chld, NULL, &ts);
	}
}
