/* pipeline's fan-out copier: the process in front of a group of branches that gives
 * each branch its own full copy of the group's input. */
#ifndef IPCBOX_PIPELINE_FANOUT_H
#define IPCBOX_PIPELINE_FANOUT_H

#include <stddef.h>

struct ib_fanout {
	int src;        /* the group's input: a pipe, or pipeline's stdin */
	size_t n;       /* branches */
	int *out;       /* each branch's pipe (write end) */
	int *drop;      /* fds to close first: the branch pipes' read ends */
	size_t after;   /* the stage before the group, for messages (0: none) */
};

/* Runs in the copier's own process (struct ib_spawn's PREPARE, ARG a struct
 * ib_fanout): copies SRC to every branch until SRC ends or no branch reads any more,
 * with tee(2) into all but the last and splice(2) into the last while SRC is a pipe,
 * with read and write otherwise. A full branch pipe makes it (and so the producer)
 * wait; a branch that has gone (its pipe has no reader) is left out, as a pipe
 * leaves its writer. Returns the exit status: 0, or 1 after a line on stderr. */
int ib_fanout_run(void *arg);

#endif
