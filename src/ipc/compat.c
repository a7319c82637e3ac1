/* Stand-ins for what not every C library has. See compat.h. */
#include "ipc/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

int ib_sem_wait_until(sem_t *s, const struct timespec *deadline)
{
#ifdef HAVE_SEM_CLOCKWAIT
	return sem_clockwait(s, CLOCK_MONOTONIC, deadline);
#else
	/* Recomputed on every call, so a caller retrying after EINTR keeps the deadline. */
	struct timespec now, real;
	clock_gettime(CLOCK_MONOTONIC, &now);
	clock_gettime(CLOCK_REALTIME, &real);
	real.tv_sec += deadline->tv_sec - now.tv_sec;
	real.tv_nsec += deadline->tv_nsec - now.tv_nsec;
	if (real.tv_nsec < 0) {
		real.tv_nsec += 1000000000L;
		real.tv_sec--;
	} else if (real.tv_nsec >= 1000000000L) {
		real.tv_nsec -= 1000000000L;
		real.tv_sec++;
	}
	return sem_timedwait(s, &real);
#endif
}

#ifdef __GLIBC__
sem_t *ib_sem_open(const char *name, int flags, mode_t mode, unsigned value)
{
	return sem_open(name, flags, mode, value);
}

int ib_sem_unlink(const char *name)
{
	return sem_unlink(name);
}
#else
/* "/sem.NAME" for "/NAME": the C library puts it in /dev/shm as it is. */
static const char *sem_file_name(const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/sem.%s", name + (name[0] == '/'));
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return buf;
}

sem_t *ib_sem_open(const char *name, int flags, mode_t mode, unsigned value)
{
	char buf[NAME_MAX + 8];
	name = sem_file_name(name, buf, sizeof buf);
	return name ? sem_open(name, flags, mode, value) : SEM_FAILED;
}

int ib_sem_unlink(const char *name)
{
	char buf[NAME_MAX + 8];
	name = sem_file_name(name, buf, sizeof buf);
	return name ? sem_unlink(name) : -1;
}
#endif

void ib_stdout_setup(void)
{
	static char buf[4096];
	setvbuf(stdout, buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof buf);
}

/* The names glibc's sigabbrev_np gives (SIGIOT, SIGCLD and SIGIO are the same signals
 * as SIGABRT, SIGCHLD and SIGPOLL). */
static const struct {
	int sig;
	const char *name;
} signames[] = {
	{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGQUIT, "QUIT"}, {SIGILL, "ILL"},
	{SIGTRAP, "TRAP"}, {SIGABRT, "ABRT"}, {SIGBUS, "BUS"}, {SIGFPE, "FPE"},
	{SIGKILL, "KILL"}, {SIGUSR1, "USR1"}, {SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"},
	{SIGPIPE, "PIPE"}, {SIGALRM, "ALRM"}, {SIGTERM, "TERM"},
#ifdef SIGSTKFLT
	{SIGSTKFLT, "STKFLT"},
#endif
	{SIGCHLD, "CHLD"}, {SIGCONT, "CONT"}, {SIGSTOP, "STOP"}, {SIGTSTP, "TSTP"},
	{SIGTTIN, "TTIN"}, {SIGTTOU, "TTOU"}, {SIGURG, "URG"}, {SIGXCPU, "XCPU"},
	{SIGXFSZ, "XFSZ"}, {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGWINCH, "WINCH"},
	{SIGPOLL, "POLL"},
#ifdef SIGPWR
	{SIGPWR, "PWR"},
#endif
	{SIGSYS, "SYS"},
};

const char *ib_sigabbrev(int sig)
{
	for (size_t i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return NULL;
}
