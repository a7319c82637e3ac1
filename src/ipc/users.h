/* Who is using IPC objects, from one pass over /proc (shared by ipcs --users and
 * the --stale filters of ipcs and ipcrm):
 *   attached         a System V segment in /proc/PID/maps: "/SYSVkkkkkkkk (deleted)",
 *                    the key in hex in the name and the shmid as the inode
 *   mapped           a POSIX shared memory object or named semaphore (sem.NAME) in
 *                    /proc/PID/maps: a file on the /dev/shm file system
 *   open             a POSIX queue or shared memory object in /proc/PID/fd
 *   waiting-receive  a thread blocked in msgrcv or mq_timedreceive,
 *   waiting-send     in msgsnd or mq_timedsend, or
 *   waiting-semop    in semop or semtimedop, read from /proc/PID/task/TID/syscall:
 *                    the System V id is the first argument; a queue descriptor is
 *                    looked up in /proc/PID/fd
 * Every process is read once whatever the number of objects; a lookup is a binary
 * search. System V users count only in our own IPC namespace (/proc/PID/ns/ipc),
 * as ids repeat in every namespace; POSIX objects are matched by device and inode.
 *
 * Nothing is guessed: a process whose maps, descriptors or syscall cannot be read
 * (another user's process, as /proc requires ptrace access to them; or processes
 * hidden by hidepid) makes the lists that could include it incomplete. A segment's
 * list is complete anyway once the mappings found account for its nattch. The
 * system calls of 32-bit processes on a 64-bit kernel are not recognised. */
#ifndef IPCBOX_USERS_H
#define IPCBOX_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/kind.h"
#include "ipc/posixlist.h"

enum ib_use {
	IB_USE_ATTACHED,
	IB_USE_MAPPED,
	IB_USE_OPEN,
	IB_USE_WAIT_RECV,
	IB_USE_WAIT_SEND,
	IB_USE_WAIT_SEMOP,
};
/* "attached", "mapped", "open", "waiting-receive", "waiting-send", "waiting-semop" */
const char *ib_use_name(enum ib_use how);

/* What a scan reads of each process; each costs system calls per process. */
enum {
	IB_SCAN_MAPS = 1,  /* /proc/PID/maps: segments attached, POSIX objects mapped */
	IB_SCAN_FDS = 2,   /* /proc/PID/fd: POSIX objects open */
	IB_SCAN_WAITS = 4, /* /proc/PID/task/TID/syscall: threads blocked in an IPC call */
	IB_SCAN_ALL = 7,
};
/* What must be scanned to know the users of objects of KIND (POSIX or System V). */
unsigned ib_scan_needs(enum ib_kind kind, bool posix);

/* One process using one object in one way. */
struct ib_user {
	pid_t pid;           /* the process (thread group), as this PID namespace sees it */
	enum ib_use how;
	char command[16];    /* /proc/PID/comm; "?" if it could not be read */
};

/* The users of one object, by pid then how (a process may use it several ways). */
struct ib_users_of {
	const struct ib_user *v;
	size_t n;
	bool incomplete;     /* some process could not be inspected: there may be more */
};

struct ib_users;
/* Reads every process in /proc for WHAT (IB_SCAN_*). NULL with errno on failure
 * (ENOMEM; /proc not readable at all). */
struct ib_users *ib_users_scan(unsigned what);
/* What the scan read (IB_SCAN_*). */
unsigned ib_users_scanned(const struct ib_users *u);
/* How many processes could not be inspected (for what was scanned), and whether
 * /proc hides other users' processes altogether (hidepid=2). */
size_t ib_users_uninspected(const struct ib_users *u);
bool ib_users_hidden(const struct ib_users *u);

/* The users of System V record REC of KIND (ipc/sysvlist.h: it starts with its
 * struct ib_sysv_perm), or of POSIX object O. */
struct ib_users_of ib_users_sysv(const struct ib_users *u, enum ib_kind kind, const void *rec);
struct ib_users_of ib_users_posix(const struct ib_users *u, const struct ib_posix_info *o);

void ib_users_free(struct ib_users *u);

#endif
