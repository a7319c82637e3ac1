/* pipeline's graph: the command line split into stages, straight chains, fan-out
 * groups of branches in braces and two-way links, and the starting of it all, with a
 * fan-out copier (pipeline-fanout.h) in front of each group. */
#ifndef IPCBOX_PIPELINE_GRAPH_H
#define IPCBOX_PIPELINE_GRAPH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ipc/spawn.h"

struct ib_stage {
	char **argv;       /* NULL-terminated in place */
	bool err_to_pipe;  /* its output link is |&: stderr goes there too */
	bool branch_start; /* the first stage of a branch in braces */
	pid_t pid;         /* > 0 while running */
	int wstatus;       /* its wait status, once ended */
	int code;          /* its exit code: status, 128+N, 126/127 */
	bool killed;       /* terminated by -k, not failing on its own */
	bool stopped;      /* signalled by pipeline (-k, -t, a signal passed on) */
	struct timespec start;
	uint64_t wall_ns, cpu_ns; /* once ended */
	struct ib_child child;
};

/* A run of stages, [first, first + count): a chain joined by pipes, or a group whose
 * branches (chains each) start at the stages marked branch_start. */
struct ib_segment {
	size_t first, count;
	bool group;
};

/* A fan-out copier: the process that copies a group's input to each branch. */
struct ib_copier {
	size_t after;    /* the stage number before the group (0: pipeline's stdin) */
	pid_t pid;       /* > 0 while running */
	int wstatus;
	bool ended;
	struct ib_child child;
};

struct ib_graph {
	struct ib_stage *st;
	size_t n;
	struct ib_segment *seg;
	size_t nseg;
	bool two_way;    /* A <> B: the whole pipeline is two stages joined both ways */
	struct ib_copier *cp;
	size_t ncp;
};

/* The special words: DELIM joins stages (| by default), DELIM& also sends stderr;
 * braces and the two-way link are {, } and <> by default, DELIM{, DELIM} and DELIM<>
 * when -d gives a DELIM. */
struct ib_words {
	const char *delim;
	size_t dlen;
	bool custom;
};

/* Splits ARGV[0..ARGC) into G's stages and segments, in place; a usage error (the
 * process ends) for a malformed line: nothing, an empty stage or branch, a separator
 * at either end, unbalanced braces, a '<>' that does not join exactly two commands. */
void ib_graph_parse(struct ib_graph *g, int argc, char **argv, const struct ib_words *w);

void ib_graph_free(struct ib_graph *g);

struct ib_start {
	uint64_t pipe_size;   /* 0: the kernel's default */
	bool socketpair;      /* a two-way link is one socketpair, not two pipes */
	const sigset_t *keep;
	const struct ib_sigplan *plan;
};

/* Starts every stage and copier of G. A stage that cannot be started gets status
 * 126/127 (with its line on stderr) and the others run on, as in a shell. Returns 0,
 * or an error number when a pipe or a copier could not be made: then *WHAT says
 * which, and what runs already is running. */
int ib_graph_start(struct ib_graph *g, const struct ib_start *s, const char **what,
		   size_t *where);

/* "cmd arg arg..." shortened to fit BUF. */
const char *ib_command_line(char **argv, char *buf, size_t len);

#endif
