/* Errors, exit codes and the standard --help/--version answers, shared by every applet. */
#ifndef IPCBOX_ERR_H
#define IPCBOX_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes (HACKING.md). */
enum {
	IB_EXIT_OK = 0,
	IB_EXIT_FAIL = 1,     /* the operation failed */
	IB_EXIT_USAGE = 2,    /* unknown option, malformed argument */
	IB_EXIT_TIMEOUT = 3,  /* would block with a no-wait option, or a timeout expired */
	IB_EXIT_NOEXEC = 126, /* a command could not be executed */
	IB_EXIT_NOTFOUND = 127, /* a command (or an applet) was not found */
};

/* The name messages start with: the applet's name, set by the dispatcher.
 * A drop-in applet that must print argv[0] as given (mkfifo) sets it itself. */
void ib_set_prog(const char *name);
const char *ib_prog(void);

/* "PROG: MESSAGE\n" on stderr; carry on. */
void ib_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: MESSAGE: strerror(err)\n" on stderr; carry on. */
void ib_warn_sys(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, then exit with CODE. */
_Noreturn void ib_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void ib_die_sys(int code, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A usage error: the message, then "Try 'PROG --help' for more information.",
 * then exit IB_EXIT_USAGE. */
_Noreturn void ib_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with another exit code (drop-ins keep their peer's code). */
_Noreturn void ib_usage_error_code(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Just the "Try 'PROG --help' ..." line. */
void ib_try_help(void);

/* A signal's name for messages, into BUF: "SIGTERM", or "signal 40" when it has none. */
const char *ib_signal_name(int sig, char *buf, size_t len);

/* Ends the process by SIG with its default action (after a handler caught it and the
 * applet cleaned up), so the parent sees the signal: stops the interval timer, resets
 * the disposition, unblocks SIG, raises it; exits 128+SIG if that did not end it. */
_Noreturn void ib_die_of_signal(int sig);

/* The standard --version answer (--help comes from the option tables). */
_Noreturn void ib_version_exit(void);

/* Flushes and closes stdout; if any write to it failed, says so and returns
 * IB_EXIT_FAIL, else STATUS. The dispatcher calls it after every applet. */
int ib_finish(int status);

#endif
