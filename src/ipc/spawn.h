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

struct ib_spawn {
	char *const *argv;     /* the command: argv[0] is looked up in PATH unless it has a '/' */
	int fd[3];             /* the child's stdin, stdout, stderr; -1 keeps ours. They are
				  set in order: fd[i] must not be a lower one that fd[]
				  replaces by another (fd[0] = 5, fd[1] = 0 is wrong) */
	bool stderr_to_stdout; /* 2>&1, after the fd[] redirections */
	pid_t pgroup;          /* -1: stay in our process group; 0: a new group; >0: join it */
	const sigset_t *keep;  /* signals the child gets ignored (NULL: none), such as those
				  ignored when the program started (nohup, sh's &) */
	int death_signal;      /* sent to the child if we die first (PR_SET_PDEATHSIG); 0: none */
	int (*prepare)(void *arg); /* NULL, or run in the child last, just before exec, with
				  its descriptors and signals set up: returns -1 to go on, or
				  the status (0-255) the child exits with instead of running the
				  command (PREPARE says why). It makes ib_spawn fork, not vfork */
	void *prepare_arg;
};

/* Fills SET with the signals ignored right now: call it first thing, before changing any
 * disposition, to get ib_spawn's KEEP. */
void ib_ignored_signals(sigset_t *set);

/* Starts S's command with vfork + execvp (so PATH lookup, and /bin/sh for a file
 * without #!), with the signals in S->keep ignored, every other at its default
 * disposition, and an empty signal mask, whatever ours are. With S->prepare it uses fork,
 * and returns once the command runs or PREPARE has ended the child (its wait status
 * then carries PREPARE's status). Returns the pid; on failure returns -1 with *ERR set
 * (ENOENT when the command is not found, the exec or fork error otherwise), the child
 * already reaped. */
pid_t ib_spawn(const struct ib_spawn *s, int *err);

/* Does in this process what ib_spawn does in its child (process group, descriptors,
 * signals, PREPARE), then execs S's command in place. Returns only if that fails,
 * with the error number. */
int ib_spawn_exec(const struct ib_spawn *s);

/* Runs S's command in the foreground, as flock(1) and env(1) do: starts it with
 * ib_spawn; while it runs, SIGINT, SIGTERM and SIGHUP sent to this process go to it
 * (those we ignore stay ignored); waits for it and returns ib_wait_code (a status
 * PREPARE ended the child with included). Returns -1 with *ERR set if it could not
 * start (nothing printed: see ib_spawn_error_code). For nohup to work, S->keep should
 * hold the signals ignored before (ib_ignored_signals). */
int ib_spawn_foreground(const struct ib_spawn *s, int *err);

/* Waits for PID (EINTR retried) and returns its ib_wait_code; 1 if it cannot. */
int ib_spawn_wait(pid_t pid);

/* The exit code for a failed ib_spawn: 127 when not found, 126 when not executable. */
int ib_spawn_error_code(int err);

/* Warns about a failed ib_spawn, prefixed by WHERE (may be NULL):
 * "PROG: WHERE: CMD: command not found" or "PROG: WHERE: cannot execute CMD: REASON". */
void ib_spawn_warn(const char *where, const char *cmd, int err);

/* The exit code for a wait(2) status: the exit status, or 128+N after signal N. */
int ib_wait_code(int wstatus);

/* Describes a wait(2) status in words into BUF: "exit 3", "killed by SIGTERM". */
const char *ib_wait_describe(int wstatus, char *buf, size_t len);

/* Sends SIG to every current child of this process (found in /proc). Returns how many
 * it signalled, or -1 if the children cannot be listed. */
int ib_signal_children(int sig);

/* Terminates and reaps every remaining child, orphans adopted as a subreaper included:
 * SIGTERM, then SIGKILL once GRACE_NS has passed (at once if 0). Returns when there is
 * no child left. SIGCHLD must be blocked by the caller. */
void ib_reap_all_children(unsigned long long grace_ns);

#endif
