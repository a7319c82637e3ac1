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
				  command (PREPARE says why). It makes ib_spawn fork, not vfork */
	void *prepare_arg;
};

/* A child started by ib_spawn_start. PID is the caller's; the rest is ib_spawn_start's
 * own, kept until ib_child_done (the child may still be running on it). */
struct ib_child {
	pid_t pid;
	struct ib_spawn spec;   /* a copy of the ib_spawn */
	struct ib_sigplan sigs;
	pid_t parent;
	char **envp;            /* the environment it gets, and the PATH it searches */
	const char *path;
	char **shargv;          /* room for /bin/sh's argv, for a file without #! */
	char *stack;            /* the stack of a child sharing our memory, and its size */
	size_t stack_len;
	int report_fd;          /* a fork child writes its exec error here */
	volatile int err;       /* or stores it here (vfork, clone) */
};

/* Works out into PLAN what a child changes so that the signals in KEEP (NULL: none) are
 * ignored and every other one is at its default. */
void ib_sigplan_make(struct ib_sigplan *plan, const sigset_t *keep);

/* Fills SET with the signals ignored right now: call it first thing, before changing any
 * disposition, to get ib_spawn's KEEP. */
void ib_ignored_signals(sigset_t *set);

/* Starts S's command with vfork and an exec that searches PATH as execvp does (and
 * runs /bin/sh for a file without #!), with the signals in S->keep ignored, every other
 * at its default disposition, and an empty signal mask, whatever ours are. With
 * S->prepare it uses fork, and returns once the command runs or PREPARE has ended the
 * child (its wait status then carries PREPARE's status). Returns the pid; on failure
 * returns -1 with *ERR set (ENOENT when the command is not found, the exec or fork error
 * otherwise), the child already reaped. */
pid_t ib_spawn(const struct ib_spawn *s, int *err);

/* Starts S's command like ib_spawn, but without waiting for it to exec: where the system
 * allows, the child shares our memory until it execs (clone without CLONE_VFORK), so
 * several commands start at once. S's argv, keep and sigplan, and the environment, must
 * stay as they are until ib_child_done. S->prepare is not supported (EINVAL). Returns 0 with C->pid set, or the error number if no child could be
 * made. A command that cannot be executed shows only when its child is reaped: it has
 * exited 126 or 127, and ib_child_done returns why. */
int ib_spawn_start(const struct ib_spawn *s, struct ib_child *c);

/* Call once C's child has been reaped (or was never made): frees what ib_spawn_start
 * kept, and returns the error number of its failed exec, or 0. */
int ib_child_done(struct ib_child *c);

/* Does in this process what ib_spawn does in its child (process group, descriptors,
 * signals, PREPARE), then execs S's command in place. Returns only if that fails,
 * with the error number. */
int ib_spawn_exec(const struct ib_spawn *s);

/* Runs S's command in the foreground, as flock(1) and env(1) do: starts it with
 * ib_spawn; while it runs, SIGINT, SIGTERM and SIGHUP sent to this process go to it
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
