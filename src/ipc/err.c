/* Error reporting and the end-of-run stdout check. */
#include "ipc/err.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "ipc/compat.h"

static const char *prog = "ipcbox";

void ib_set_prog(const char *name) { prog = name; }
const char *ib_prog(void) { return prog; }

static void vreport(int err, const char *fmt, va_list ap)
{
	/* One fprintf per line keeps lines whole when several processes share stderr. */
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	fflush(stdout);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", prog, msg, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", prog, msg);
}

void ib_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
}

void ib_warn_sys(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(err, fmt, ap);
	va_end(ap);
}

void ib_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	exit(code);
}

void ib_die_sys(int code, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(err, fmt, ap);
	va_end(ap);
	exit(code);
}

void ib_try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

void ib_usage_error_code(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	ib_try_help();
	exit(code);
}

void ib_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	ib_try_help();
	exit(IB_EXIT_USAGE);
}

void ib_version_exit(void)
{
	printf("%s (ipcbox) %s\n"
	       "Copyright (c) 2026 the ipcbox authors.\n"
	       "License MIT: <https://opensource.org/licenses/MIT>.\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n",
	       prog, IPCBOX_VERSION);
	exit(ib_finish(IB_EXIT_OK));
}

int ib_finish(int status)
{
	bool failed = ferror(stdout) != 0;
	int err = failed ? EIO : 0;
	if (fflush(stdout) != 0) {
		failed = true;
		err = errno;
	}
	if (fclose(stdout) != 0 && errno != EBADF && !failed) {
		failed = true;
		err = errno;
	}
	if (!failed)
		return status;
	fprintf(stderr, "%s: write error: %s\n", prog, strerror(err));
	return status ? status : IB_EXIT_FAIL;
}

_Noreturn void ib_die_of_signal(int sig)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

const char *ib_signal_name(int sig, char *buf, size_t len)
{
	const char *name = ib_sigabbrev(sig);
	if (name)
		snprintf(buf, len, "SIG%s", name);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}
