/* Running a command for an applet, the way flock(1) and env(1) do: fork, restore the
 * signal dispositions the applet changed, exec with a PATH lookup, forward
 * SIGINT/SIGTERM/SIGHUP to the child, and turn its end into an exit status
 * (its own code, 128+N if killed by signal N, 126/127 if it could not run). */
#ifndef IPCBOX_RUNCMD_H
#define IPCBOX_RUNCMD_H

#include <sys/types.h>

/* Starts ARGV (ARGV[0] looked up in PATH). In the child, with default signal
 * handling back, PREPARE(ARG) runs first if not NULL: it returns -1 to go on, or the exit
 * status (0-255) the child ends with instead of running the command (PREPARE prints
 * why).
 * While the child lives, SIGINT, SIGTERM and SIGHUP sent to this process go to it
 * (those the caller ignored stay ignored).
 * Returns 0 with *PID set once the command runs; else *PID is -1 and it returns the
 * exit status to end with, the reason printed: PREPARE's status, 126 (cannot execute), 127 (not found) or
 * 1 (fork failed). */
int ib_runcmd_start(char *const argv[], int (*prepare)(void *), void *arg, pid_t *pid);

/* Waits for PID (started by ib_runcmd_start), stops forwarding signals, and returns
 * its exit status or 128+N if signal N killed it. */
int ib_runcmd_wait(pid_t pid);

#endif
