#include "ipc/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/parse.h"
#include "ipc/quote.h"

extern char **environ;

/* The file execvp would have found for NAME: NAME itself if it has a '/', else the first
 * executable regular file NAME in PATH. Into BUF; false if there is none. */
static bool find_in_path(const char *name, char *buf, size_t len)
{
	if (strchr(name, '/'))
		return snprintf(buf, len, "%s", name) < (int)len;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int dl = (int)(end - p);
		struct stat st;
		if (snprintf(buf, len, "%.*s%s%s", dl, p, dl ? "/" : "", name) < (int)len &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
		if (!*end)
			return false;
		p = end;
	}
}

/* execvp runs a file the kernel cannot (no #!, not a binary) with /bin/sh; so do we. */
static pid_t spawn_with_sh(char *path, char *const *argv, posix_spawn_file_actions_t *fa,
			   posix_spawnattr_t *at, int *err)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **av = malloc((n + 2) * sizeof *av);
	if (!av) {
		*err = ENOMEM;
		return -1;
	}
	static char sh[] = "sh";
	av[0] = sh;
	av[1] = path;
	for (size_t i = 1; i <= n; i++)
		av[i + 1] = argv[i];
	pid_t pid = -1;
	*err = posix_spawn(&pid, "/bin/sh", fa, at, av, environ);
	free(av);
	return *err ? -1 : pid;
}

pid_t ib_spawn(const struct ib_spawn *s, int *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	pid_t pid = -1;
	int e;

	sigfillset(&all);
	sigemptyset(&none);
	if ((e = posix_spawn_file_actions_init(&fa)) != 0) {
		*err = e;
		return -1;
	}
	if ((e = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		*err = e;
		return -1;
	}
	short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
	if (s->pgroup >= 0)
		flags |= POSIX_SPAWN_SETPGROUP;
	e = posix_spawnattr_setflags(&at, flags);
	if (!e)
		e = posix_spawnattr_setsigdefault(&at, &all);
	if (!e)
		e = posix_spawnattr_setsigmask(&at, &none);
	if (!e && s->pgroup >= 0)
		e = posix_spawnattr_setpgroup(&at, s->pgroup);
	for (int i = 0; i < 3 && !e; i++)
		if (s->fd[i] >= 0 && s->fd[i] != i)
			e = posix_spawn_file_actions_adddup2(&fa, s->fd[i], i);
	if (!e && s->stderr_to_stdout)
		e = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (!e)
		e = posix_spawnp(&pid, s->argv[0], &fa, &at, s->argv, environ);
	if (e == ENOEXEC) {
		char path[4096];
		if (find_in_path(s->argv[0], path, sizeof path))
			pid = spawn_with_sh(path, s->argv, &fa, &at, &e);
	}
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		*err = e;
		return -1;
	}
	return pid;
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
