/* msgrcv --exec: a pool of at most N handler processes, one per message, the payload
 * on the handler's stdin. Exit 0 acknowledges the message; anything else puts it back
 * for another try, up to a number of attempts, then moves it to a dead-letter queue or
 * keeps it aside until the run ends. With an in-flight queue, every message being
 * handled (or kept aside) is parked there too, so that a msgrcv killed with SIGKILL
 * loses nothing: the next run returns what it finds parked to the work queue. */
#ifndef IPCBOX_MSGRCV_EXEC_H
#define IPCBOX_MSGRCV_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipc/msgq.h"
#include "ipc/object.h"

struct ib_exec_opts {
	char **argv;              /* COMMAND and its arguments */
	unsigned jobs;            /* -j: handlers at once */
	unsigned max_attempts;    /* --max-attempts */
	struct ib_object dead;    /* --dead-letter (sel IB_SEL_NONE: none) */
	struct ib_object inflight; /* --inflight (sel IB_SEL_NONE: none) */
	bool quiet;               /* -q */
	long type;                /* -t */
	int flags;                /* IB_RCV_EXCEPT */
	struct ib_wait wait;      /* -n, -w */
	const char *wait_arg;
	size_t count;             /* -C (without -F) */
	bool follow;              /* -F */
	const sigset_t *keep;     /* the signals ignored when msgrcv started */
};

/* Handles messages from Q as O says. Q is open for receiving and putting back, and
 * the stop signals are caught (ib_msgq_catch_stop_signals). Returns the exit status:
 * 0 done; 1 a failure (reported); 3 -n or -w ended -C early; 126/127 COMMAND could
 * not run. A stop signal ends the process by that signal, once every handler has
 * ended and what was not acknowledged is back on Q. */
int ib_msgrcv_exec(struct ib_msgq *q, const struct ib_exec_opts *o);

#endif
