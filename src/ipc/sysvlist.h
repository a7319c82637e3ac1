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

/* A listing: *OUT is malloc'd (free it), *N records, in index order (as /proc).
 * These use *_STAT_ANY by index, which is several times faster than having the
 * kernel format /proc/sysvipc, and read /proc only when that misses objects. */
int ib_msgq_list(struct ib_msgq_info **out, size_t *n);
int ib_shm_list(struct ib_shm_info **out, size_t *n);
int ib_sem_list(struct ib_sem_info **out, size_t *n);
/* Segments from /proc/sysvipc/shm, which alone gives rss and swap (rss_known);
 * the stat calls when /proc cannot be read. */
int ib_shm_list_rss(struct ib_shm_info **out, size_t *n);

/* One object by id: a direct call, no scan. Works without read permission where
 * the kernel has *_STAT_ANY (4.17+). EINVAL: no such id. */
int ib_msgq_stat(int id, struct ib_msgq_info *out);
int ib_shm_stat(int id, struct ib_shm_info *out);
int ib_sem_stat(int id, struct ib_sem_info *out);

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
int ib_msgq_limits(struct ib_msgq_limits *l);
int ib_shm_limits(struct ib_shm_limits *l);
int ib_sem_limits(struct ib_sem_limits *l);

/* Usage summaries (MSG_INFO, SHM_INFO, SEM_INFO). */
struct ib_msgq_status { int pool, map, tql; };    /* queues, headers, bytes */
struct ib_shm_status {
	int used_ids;
	unsigned long tot, rss, swp, swap_attempts, swap_successes; /* pages */
};
struct ib_sem_status { int usz, aem; };          /* sets, semaphores */
int ib_msgq_status(struct ib_msgq_status *s);
int ib_shm_status(struct ib_shm_status *s);
int ib_sem_status(struct ib_sem_status *s);

#endif
