/* Listing and inspecting System V IPC objects (shared by ipcs and ipcrm).
 *
 * A listing is one *_STAT_ANY call per index in use (MSG_INFO/SHM_INFO/SEM_INFO give
 * the highest), into an array of records with every field the kernel gives; where
 * that misses objects (no *_STAT_ANY before Linux 4.17 and no read permission) it
 * reads /proc/sysvipc/{msg,shm,sem} once instead.
 * A single object by id is one direct call (*_STAT_ANY on its index, else IPC_STAT),
 * never a scan, so `ipcs -i ID` costs the same with 10 objects or 10,000.
 *
 * Every function returns 0 on success, -1 with errno set on failure; none prints.
 * The stat-by-id functions fail with EINVAL when no object has that id. */
#ifndef IPCBOX_SYSVLIST_H
#define IPCBOX_SYSVLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/kind.h"

/* The ipc_perm part every kind shares. MODE keeps the kernel's flag bits too
 * (SHM_DEST 01000, SHM_LOCKED 02000): mask with 0777 for the permissions. */
struct ib_sysv_perm {
	key_t key;
	int id;
	unsigned mode;
	uid_t uid, cuid;
	gid_t gid, cgid;
};

struct ib_msgq_info {
	struct ib_sysv_perm perm;
	uint64_t cbytes;     /* bytes queued */
	uint64_t qnum;       /* messages queued */
	uint64_t qbytes;     /* queue capacity; only if qbytes_known */
	bool qbytes_known;   /* /proc does not give it: only the stat calls do */
	pid_t lspid, lrpid;  /* last msgsnd / msgrcv */
	int64_t stime, rtime, ctime;
};

struct ib_shm_info {
	struct ib_sysv_perm perm;
	uint64_t segsz;
	uint64_t nattch;
	pid_t cpid, lpid;    /* creator / last shmat or shmdt */
	int64_t atime, dtime, ctime;
	uint64_t rss, swap;  /* bytes; only if rss_known (from /proc) */
	bool rss_known;
};

struct ib_sem_info {
	struct ib_sysv_perm perm;
	uint64_t nsems;
	int64_t otime, ctime;
};

/* One semaphore of a set: GETVAL, GETNCNT, GETZCNT, GETPID. */
struct ib_sem_elem {
	int val, ncount, zcount, pid;
};

/* The record of KIND: struct ib_msgq_info, ib_shm_info or ib_sem_info. Each begins
 * with its struct ib_sysv_perm. */
size_t ib_sysv_size(enum ib_kind kind);

/* Every object of KIND: calls EACH(ARG, record) for each, in index order, until
 * one returns non-zero, which is then returned; 0 at the end; -1 with errno set
 * when the objects cannot be listed. From /proc/sysvipc (one read per page, not
 * a call per index), or by index with *_STAT_ANY where /proc cannot be read.
 * FULL: every field there is, which for queues means by index first (only the
 * stat calls give qbytes: qbytes_known); segments from /proc have rss and swap
 * (rss_known). A record is only valid during its call. */
int ib_sysv_each(enum ib_kind kind, bool full, int (*each)(void *arg, const void *rec), void *arg);

/* The same listing into *OUT, malloc'd (free it): *N records. */
int ib_sysv_list(enum ib_kind kind, bool full, void **out, size_t *n);

/* One object of KIND by id into OUT: a direct call, no scan. Works without read
 * permission where the kernel has *_STAT_ANY (4.17+). EINVAL: no such id. */
int ib_sysv_stat(enum ib_kind kind, int id, void *out);

/* The NSEMS semaphores of set ID into OUT[0..NSEMS-1] (needs read permission).
 * On failure *WHAT names the semctl command that failed ("semctl(GETVAL)"). */
int ib_sem_elems(int id, size_t nsems, struct ib_sem_elem *out, const char **what);

/* The distinct non-zero last-operator pids of set S (GETPID of each semaphore),
 * at most MAX into PIDS. Returns how many, or -1 if they cannot be read. */
int ib_sem_last_pids(const struct ib_sem_info *s, pid_t *pids, int max);

/* System limits, as /proc/sys/kernel gives them (falling back to *_INFO). */
struct ib_msgq_limits { int msgmni, msgmnb; uint64_t msgmax; };
struct ib_shm_limits { uint64_t shmmni, shmmax, shmall, shmmin; };
struct ib_sem_limits { int semmsl, semmns, semopm, semmni; unsigned semvmx; };
/* Into OUT, the struct ib_KIND_limits of KIND. */
int ib_sysv_limits(enum ib_kind kind, void *out);
/* ib_sysv_limits(IB_SEM): on failure L holds the kernel's defaults (semop). */
int ib_sem_limits(struct ib_sem_limits *l);

/* Usage summaries (MSG_INFO, SHM_INFO, SEM_INFO). */
struct ib_msgq_status { int pool, map, tql; };    /* queues, headers, bytes */
struct ib_shm_status {
	int used_ids;
	unsigned long tot, rss, swp, swap_attempts, swap_successes; /* pages */
};
struct ib_sem_status { int usz, aem; };          /* sets, semaphores */
/* Into OUT, the struct ib_KIND_status of KIND. */
int ib_sysv_status(enum ib_kind kind, void *out);

#endif
