/* The object filters ipcs and ipcrm share, spelled once here:
 *   --stale              nothing is behind it any more: no process recorded on it is
 *                        alive (shm: creator and last attach/detach; queue: last sender
 *                        and receiver; semaphore set: the last operator of every
 *                        semaphore), and for a segment also nothing is attached
 *   --dead               every process recorded on it is gone (attaches not counted)
 *   --unattached         a shared memory segment with no attaches (other kinds never match)
 *   --older-than DUR     last change or operation at least DUR ago (1h, 30m, 90s, 2d)
 *   --owner USER         owned by USER (name or uid)
 *   --keys RANGE         System V key in RANGE: K, K1-K2, K1- or -K2 (hex, octal, decimal);
 *                        with keys_not_private, never key 0 (IPC_PRIVATE)
 *   --ids RANGE          System V id in RANGE, same syntax
 * Several filters together must all match. A pid of 0 (never set, or not visible in
 * this pid namespace) counts as no process. --stale also leaves out a queue or set a
 * live process is seen blocked on (one scan of /proc, ipc/users.h).
 * POSIX objects carry no pids: for them --stale, --dead and --unattached all mean
 * "no process has it open or mapped", from the same scan.
 * Where --stale or --dead cannot be decided the object does not match, and the
 * filter counts why (ib_filter_undecided words it for the user): a set or queue
 * with no pid recorded at all (never used, or by processes of another PID
 * namespace), a set whose pids may not be read, a POSIX object when not every
 * process could be inspected (not root).
 * --owner and --older-than (by mtime) apply as to System V objects; --keys and
 * --ids never match POSIX objects.
 *
 * An applet puts IB_FILTER_OPTS in its option table, hands each option to
 * ib_filter_arg() (before its own switch), and tests each object with
 * ib_filter_{msgq,shm,sem,posix}. */
#ifndef IPCBOX_FILTER_H
#define IPCBOX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/opt.h"
#include "ipc/posixlist.h"
#include "ipc/sysvlist.h"
#include "ipc/users.h"

enum {
	IB_OPT_STALE = 0x1200,
	IB_OPT_DEAD,
	IB_OPT_UNATTACHED,
	IB_OPT_OLDER_THAN,
	IB_OPT_OWNER,
	IB_OPT_KEYS,
	IB_OPT_IDS,
};

/* The filters' entries of an option table (src/ipc/opt.h). */
#define IB_FILTER_OPTS \
	IB_OPT(IB_OPT_STALE, "stale", NONE, NULL, \
	       "only objects no live process is behind (and, for segments, with nothing " \
	       "attached)"), \
	IB_OPT(IB_OPT_DEAD, "dead", NONE, NULL, "only objects whose recorded processes are all gone"), \
	IB_OPT(IB_OPT_UNATTACHED, "unattached", NONE, NULL, \
	       "only shared memory segments with no attaches"), \
	IB_OPT(IB_OPT_OLDER_THAN, "older-than", DURATION, "DURATION", \
	       "only objects unchanged and unused for DURATION (90s, 30m, 1h, 2d)"), \
	IB_OPT(IB_OPT_OWNER, "owner", USER, "USER", "only objects owned by USER (name or uid)"), \
	IB_OPT(IB_OPT_KEYS, "keys", TEXT, "RANGE", \
	       "only keys in RANGE: KEY or LOW-HIGH (an end may be left out)"), \
	IB_OPT(IB_OPT_IDS, "ids", TEXT, "RANGE", "only ids in RANGE: ID or LOW-HIGH (likewise)")

/* Liveness of pids, each checked once (kill(pid, 0): ESRCH means gone). */
struct ib_pid_ent;
struct ib_pidcache {
	struct ib_pid_ent *tab;
	size_t cap, count;
};
#define IB_PIDCACHE_INIT { NULL, 0, 0 }
bool ib_pid_alive(struct ib_pidcache *c, pid_t pid);
/* The command name of a live pid (/proc/PID/comm) into BUF; false if unknown. */
bool ib_pid_comm(pid_t pid, char *buf, size_t len);

struct ib_filter {
	bool active;              /* any filter given */
	bool stale, dead, unattached;
	bool older;
	uint64_t older_ns;
	bool owner;
	uid_t owner_uid;
	bool keys;
	uint32_t key_lo, key_hi;
	bool keys_not_private;    /* set before the options (ipcrm): --keys never selects
				   * key 0 (IPC_PRIVATE), and "--keys 0" is a usage error */
	bool ids;
	int id_lo, id_hi;
	int64_t now;              /* seconds; set by ib_filter_init */
	struct ib_pidcache pids;
	struct ib_users *users;   /* the /proc scan, made on first need */
	unsigned users_want;      /* IB_SCAN_* it is to read (0: all); set before it is made */
	bool users_failed;        /* the scan could not be made */
	/* objects left out because --stale or --dead could not be decided, by reason */
	size_t undecided_nopid, undecided_unreadable, undecided_unseen;
};

/* The processes that have O open or mapped (up to MAX into PIDS): how many, or -1
 * when the scan could not see every process. */
int ib_filter_posix_users_of(struct ib_filter *f, const struct ib_posix_info *o, pid_t *pids,
			     size_t max);

/* The /proc scan (ipc/users.h), made once with f->users_want and WHAT; NULL with
 * errno if it could not be made. */
struct ib_users *ib_filter_users(struct ib_filter *f, unsigned what);

/* When objects were left out because --stale or --dead could not be decided: one
 * line for the user into BUF (what could not be known, what to use instead), and
 * true. */
bool ib_filter_undecided(const struct ib_filter *f, char *buf, size_t len);

void ib_filter_init(struct ib_filter *f);
void ib_filter_free(struct ib_filter *f);

/* Takes the option ib_args_next has just returned if it is a filter and returns
 * true; false for any other option. A malformed argument is a usage error. */
bool ib_filter_arg(struct ib_filter *f, const struct ib_args *a);

/* True if the object passes every filter given (always true with none). */
/* REC is a System V record of KIND (ipc/sysvlist.h). For a set, reads its
 * semaphores' pids (GETPID) when --stale/--dead needs them; a set they cannot be
 * read from does not match those filters. */
bool ib_filter_sysv(struct ib_filter *f, enum ib_kind kind, const void *rec);
bool ib_filter_posix(struct ib_filter *f, const struct ib_posix_info *o);

/* Whether no live process is behind System V record REC of KIND (--stale): it
 * has a recorded pid and all its recorded pids are gone, and for a segment nothing
 * is attached. 1 or 0; -1 when a set's pids cannot be read. */
int ib_sysv_stale(struct ib_pidcache *c, enum ib_kind kind, const void *rec);

#endif
