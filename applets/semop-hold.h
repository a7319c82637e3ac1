/* semop's holds of a System V semaphore: the operations each kind of holder does
 * (plain, --shared, --writer), running COMMAND in the foreground or --background,
 * --hold-for a process until it ends, --release-for, --wait-idle; and the one way
 * semop says it gave up waiting. */
#ifndef IPCBOX_SEMOP_HOLD_H
#define IPCBOX_SEMOP_HOLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/sem.h>
#include <sys/types.h>
#include <time.h>

/* How long semop may wait, and whether it says so when it gives up. */
struct sem_wait {
	bool nowait, quiet;
	const struct timespec *until; /* -w's deadline, or NULL */
	uint64_t wait_ns;             /* -w's DURATION, for the message */
};

/* Prints (unless W->quiet) that taking from the semaphore KIND LABEL ("semaphore
 * set key 0x..." or "semaphore /NAME") would block or timed out after W's DURATION. */
void ib_sem_gave_up(const char *label, const struct sem_wait *w);

/* Reports a failed semop on the set LABEL with error ERR and returns the exit status
 * for it: BLOCKED for EAGAIN (would block, timed out), else 1 (2 for EFBIG). */
int ib_sem_failed(const char *label, const struct sem_wait *w, int err, int blocked);

enum hold_mode {
	HOLD_PLAIN,  /* take COUNT */
	HOLD_SHARED, /* need the value >= 1 and raise it by one while held */
	HOLD_WRITER, /* take COUNT when that is the whole value (no --shared holder) */
};

struct sem_hold {
	const char *label;
	int id;
	unsigned short semnum, count;
	enum hold_mode mode;
	struct sem_wait wait;
	int conflict;      /* exit status when it cannot take in time (-E) */
	char **argv;       /* COMMAND, for --hold */
	bool background;
};

/* Runs H's COMMAND holding the semaphore: the process that runs it takes it (with
 * SEM_UNDO) just before it executes COMMAND. In the foreground, waits and returns
 * COMMAND's status; with H->background, returns 0 once COMMAND runs holding it,
 * having printed its pid. Returns H->conflict when it could not take in time,
 * 126/127 when COMMAND could not run. */
int ib_hold_run(struct sem_hold *h);

/* Takes the semaphore for process PID, in a holder process that gives it back when
 * PID ends (a pidfd says when), when --release-for PID asks, or when it is killed.
 * Returns 0 once it is taken, else the exit status (messages printed). */
int ib_hold_for(struct sem_hold *h, pid_t pid);

/* Asks the holder --hold-for PID started for this semaphore to give it back, and
 * waits until it has. Returns the exit status. */
int ib_release_for(struct sem_hold *h, pid_t pid);

/* Waits (as H->wait says) until the value is exactly H->count: no holder left.
 * Returns the exit status. */
int ib_wait_idle(struct sem_hold *h);

#endif
