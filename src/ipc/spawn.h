/* Running commands, the one way every applet does it: start one with PATH lookup and
 * clean signal state (or become it), run one in the foreground with signals forwarded,
 * turn a wait status into a shell-style exit code, and find, signal and reap child
 * processes (including orphans adopted as a child subreaper). */
#ifndef IPCBOX_SPAWN_H
#define IPCBOX_SPAWN_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* The signal dispositions a child changes (bit N-1 for signal N), worked out once in
 * the parent by ib_sigplan_make, so that the child only makes those changes. */
struct ib_sigplan {
	unsigned long long to_default, to_ignore;
};

struct ib_spawn {
	char *const *argv;     /* the command: argv[0] is looked up in PATH unless it has a '/' */
	char *const *envp;     /* the command's environment; NULL: ours (environ) */
	int fd[3];             /* the child's stdin, stdout, stderr; -1 keeps ours. They are
				  set in order: fd[i] must not be a lower one that fd[]
				  replaces by another (fd[0] = 5, fd[1] = 0 is wrong) */
	bool stderr_to_stdout; /* 2>&1, after the fd[] redirections */
	pid_t pgroup;          /* -1: stay in our process group; 0: a new group; >0: join it */
	const sigset_t *keep;  /* signals the child gets ignored (NULL: none), such as those
				  ignored when the program started (nohup, sh's &) */
	const struct ib_sigplan *sigplan; /* NULL, or ib_sigplan_make(KEEP) made beforehand
				  (it looks at every disposition: do it once for many) */
	int death_signal;      /* sent to the child if we die first (PR_SET_PDEATHSIG); 0: none */
	int (*prepare)(void *arg); /* NULL, or run in the child last, just before exec, with
				  its descriptors and signals set up: returns -1 to go on, or
				  the status (0-255) the child exits with instead of running the
				  command (PREPARE says why). It makes the child a fork, not
				  a vfork: it may block and print */
	void *prepare_arg;
	bool prepare_in_vfork; /* PREPARE only makes system calls that do not block and
				  writes no memory but through pointers it is given: the
				  child may stay a vfork, which is faster */
};

/* A child started by ib_spawn_start: PID is the caller's; REPORT is where the child
 * says why its exec failed, read by ib_child_done. */
struct ib_child {
	pid_t pid;
	int *report;
};

/* Works out into PLAN what a child changes so that the signals in KEEP (NULL: none) are
 * ignored and every other one is at its default. */
void ib_sigplan_make(struct ib_sigplan *plan, const sigset_t *keep);

/* Fills SET with the signals ignored right now: call it first thing, before changing any
 * disposition, to get struct ib_spawn's KEEP. */
void ib_ignored_signals(sigset_t *set);

/* Starts S's command in a child: with vfork, or with fork when S->prepare must run
 * first. The child searches PATH as execvp does (an unset PATH is /bin:/usr/bin; a file
 * without #! runs with /bin/sh), ignores the signals in S->keep, has every other at its
 * default disposition and an empty signal mask, whatever ours are. Returns 0 with C->pid
 * set, or the error number if no child could be made. A command that cannot be
 * executed shows when its child is reaped: it has exited 126 or 127, and ib_child_done
 * returns why. */
int ib_spawn_start(const struct ib_spawn *s, struct ib_child *c);

/* Call once C's child has been reaped: returns the error number of its failed exec, or
 * 0 (it ran the command, or PREPARE ended it). Frees what ib_spawn_start kept. */
int ib_child_done(struct ib_child *c);

/* Runs S's command and waits for it (EINTR retried): returns its ib_wait_code (a status
 * PREPARE ended the child with included), or -1 with *ERR set when it could not be
 * started or executed (nothing printed: see ib_spawn_error_code). */
int ib_spawn_run(const struct ib_spawn *s, int *err);

/* Does in this process what ib_spawn_start does in its child (process group, descriptors,
 * signals, PREPARE), then execs S's command in place. Returns only if that fails,
 * with the error number. */
int ib_spawn_exec(const struct ib_spawn *s);

/* Runs S's command in the foreground, as flock(1) and env(1) do: starts it with
 * ib_spawn_start; while it runs, SIGINT, SIGTERM and SIGHUP sent to this process go to it
 * (those we ignore stay ignored; and, when it is in our process group, not those it
 * got itself, see ib_signal_reached_group); waits for it and returns ib_wait_code (a status
 * PREPARE ended the child with included). Returns -1 with *ERR set if it could not
 * start (nothing printed: see ib_spawn_error_code). For nohup to work, S->keep should
 * hold the signals ignored before (ib_ignored_signals). */
int ib_spawn_foreground(const struct ib_spawn *s, int *err);

/* Whether the signal SI describes went to our whole process group, not to us alone:
 * the kernel's SIGINT/SIGQUIT from a terminal (^C, ^\) and SIGHUP after a hangup
 * (si_code SI_KERNEL; a session leader's own SIGHUP excepted). Children in our group
 * got it too: forwarding it would make them see it twice. */
bool ib_signal_reached_group(const siginfo_t *si);

/* The exit code for a command that could not run: 127 when not found, 126 when not
 * executable. */
int ib_spawn_error_code(int err);

/* Warns about a command that could not run, prefixed by WHERE (may be NULL):
 * "PROG: WHERE: CMD: command not found" or "PROG: WHERE: cannot execute CMD: REASON". */
void ib_spawn_warn(const char *where, const char *cmd, int err);

/* The exit code for a wait(2) status: the exit status, or 128+N after signal N. */
int ib_wait_code(int wstatus);

/* Waits for the child PID (EINTR retried) and returns its ib_wait_code; 1 if it
 * cannot be waited for. */
int ib_wait_pid(pid_t pid);

/* Describes a wait(2) status in words into BUF: "exit 3", "killed by SIGTERM". */
const char *ib_wait_describe(int wstatus, char *buf, size_t len);

/* Terminates and reaps every remaining child, orphans adopted as a subreaper included:
 * SIGTERM, then SIGKILL once GRACE_NS has passed (at once if 0). Returns when there is
 * no child left. SIGCHLD must be blocked by the caller. */
void ib_reap_all_children(unsigned long long grace_ns);

#endif
