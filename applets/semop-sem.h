/* System V semaphore sets: race-free creation (the sem_otime protocol), waiting for a
 * fresh set to be initialised, kernel limits, and semop with a deadline. */
#ifndef IPCBOX_SEMOP_SEM_H
#define IPCBOX_SEMOP_SEM_H

#include "ipc/sysvlist.h" /* ib_sem_limits */

#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/sem.h>
#include <time.h>

/* The largest value a System V semaphore holds (ERANGE above it). */
#define IB_SEMVMX 32767

/* How long an opener waits, at most, for the creator of a fresh set to initialise it. */
#define IB_SEM_READY_SECONDS 3

/* Initialises a set this process has just created with IPC_CREAT|IPC_EXCL: SETALL to
 * VALUES (NSEMS of them; NULL for zeros), then one semop that changes nothing, so
 * sem_otime becomes non-zero and openers know the set is ready.
 * Returns 0, or -1 with errno set. */
int ib_sem_init_created(int id, int nsems, const unsigned short *values);

/* For a set this process did not create: waits until its sem_otime is non-zero (it
 * has been initialised), polling IPC_STAT for at most IB_SEM_READY_SECONDS after its
 * sem_ctime. A set whose creator never operated on it (ipcmk -S) is used once that
 * time has passed. Stores the number of semaphores in *NSEMS.
 * Returns 0, or -1 with errno set (EACCES: no read permission; *NSEMS is then 0). */
int ib_sem_wait_ready(int id, int *nsems);

/* semop(2) on ID, retried after EINTR (a stop and continue interrupts it even without
 * a handler). DEADLINE is an absolute CLOCK_MONOTONIC time, or NULL to wait forever;
 * once it has passed the call fails with EAGAIN, as semtimedop does.
 * Returns 0, or -1 with errno set. */
int ib_semop_until(int id, struct sembuf *ops, size_t nops, const struct timespec *deadline);

/* Parses one operation as semop(1) spells it: [SEMNUM:]+N, [SEMNUM:]-N or
 * [SEMNUM:]0, N 1..IB_SEMVMX, then any of the letters u (SEM_UNDO) and n (IPC_NOWAIT).
 * SEMNUM defaults to 0. Returns NULL, or why S is malformed. */
const char *ib_sem_parse_op(const char *s, struct sembuf *op);

/* POSIX named semaphores. Takes N from S one at a time (there is no atomic take of
 * more than one), not waiting with NOWAIT, else until DEADLINE (absolute
 * CLOCK_MONOTONIC; NULL: forever), retrying after EINTR unless *STOP (if STOP is not
 * NULL: a signal handler's flag) is set. If it stops part of the way it gives back
 * what it took. Returns 0, or -1 with errno set (EAGAIN: it would have to wait, or the
 * deadline passed; EINTR: *STOP was set). */
int ib_psem_take(sem_t *s, unsigned n, bool nowait, const struct timespec *deadline,
		 const volatile sig_atomic_t *stop);
/* Posts S N times. Returns 0, or -1 with errno set and *GIVEN how many went. */
int ib_psem_give(sem_t *s, unsigned n, unsigned *given);

#endif
