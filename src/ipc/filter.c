/* Object filters shared by ipcs and ipcrm, and the pid liveness cache. */
#include "ipc/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/names.h"
#include "ipc/object.h"
#include "ipc/parse.h"

/* ---- pid liveness ---- */

struct ib_pid_ent {
	pid_t pid; /* 0: empty slot */
	bool alive;
};

static bool check_alive(pid_t pid)
{
	if (pid <= 0)
		return false;
	if (kill(pid, 0) == 0)
		return true;
	return errno != ESRCH;
}

bool ib_pid_alive(struct ib_pidcache *c, pid_t pid)
{
	if (pid <= 0)
		return false;
	if (c->count * 2 >= c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct ib_pid_ent *nt = calloc(ncap, sizeof *nt);
		if (!nt)
			return check_alive(pid);
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->tab[i].pid)
				continue;
			size_t j = ((size_t)c->tab[i].pid * 2654435761u) & (ncap - 1);
			while (nt[j].pid)
				j = (j + 1) & (ncap - 1);
			nt[j] = c->tab[i];
		}
		free(c->tab);
		c->tab = nt;
		c->cap = ncap;
	}
	size_t j = ((size_t)pid * 2654435761u) & (c->cap - 1);
	while (c->tab[j].pid) {
		if (c->tab[j].pid == pid)
			return c->tab[j].alive;
		j = (j + 1) & (c->cap - 1);
	}
	c->tab[j].pid = pid;
	c->tab[j].alive = check_alive(pid);
	c->count++;
	return c->tab[j].alive;
}

static void pidcache_free(struct ib_pidcache *c)
{
	free(c->tab);
	c->tab = NULL;
	c->cap = c->count = 0;
}

bool ib_pid_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	if (pid <= 0 || len < 2)
		return false;
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	ssize_t n = ib_read_small_file(AT_FDCWD, path, buf, len);
	if (n <= 0)
		return false;
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n > 0;
}

/* ---- options ---- */

void ib_filter_init(struct ib_filter *f)
{
	memset(f, 0, sizeof *f);
	f->now = (int64_t)time(NULL);
}

void ib_filter_free(struct ib_filter *f)
{
	pidcache_free(&f->pids);
	ib_users_free(f->users);
	f->users = NULL;
}

struct ib_users *ib_filter_users(struct ib_filter *f, unsigned what)
{
	if (f->users && (ib_users_scanned(f->users) & what) == what)
		return f->users;
	if (f->users_failed)
		return NULL;
	/* what the applet said it needs, all if it did not; a second scan only if
	 * something else is asked for after all */
	unsigned want = (f->users_want ? f->users_want : IB_SCAN_ALL) | what;
	if (f->users)
		want |= ib_users_scanned(f->users);
	ib_users_free(f->users);
	f->users = ib_users_scan(want);
	f->users_failed = !f->users;
	return f->users;
}

bool ib_filter_undecided(const struct ib_filter *f, char *buf, size_t len)
{
	size_t total = f->undecided_nopid + f->undecided_unreadable + f->undecided_unseen;
	if (!total)
		return false;
	const char *why[3] = {
		"with no process recorded (never used, or used from another PID namespace)",
		"whose semaphores' pids may not be read",
		"POSIX, while not every process could be inspected (try as root)",
	};
	size_t count[3] = { f->undecided_nopid, f->undecided_unreadable, f->undecided_unseen };
	size_t used = (size_t)snprintf(buf, len, "%s cannot tell whether %zu object%s stale:",
				       f->stale ? "--stale" : f->dead ? "--dead" : "--unattached",
				       total, total == 1 ? " is" : "s are");
	for (int i = 0, first = 1; i < 3; i++) {
		if (!count[i] || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s %zu %s", first ? "" : ";",
					 count[i], why[i]);
		first = 0;
	}
	if (used < len)
		snprintf(buf + used, len - used,
			 "; left out: select such objects with --older-than or --keys");
	return true;
}

/* "A", "A-B", "A-", "-B" with PARSE for each end. */
static bool parse_range(const char *arg, bool is_key, uint64_t *lo, uint64_t *hi)
{
	char buf[64];
	uint64_t max = is_key ? UINT32_MAX : INT_MAX;
	if (!*arg || strlen(arg) >= sizeof buf)
		return false;
	strcpy(buf, arg);
	char *dash = strchr(buf, '-');
	const char *a = buf, *b = NULL;
	if (dash) {
		*dash = '\0';
		b = dash + 1;
		if (!*a && !*b)
			return false;
	}
	*lo = 0;
	*hi = max;
	if (*a && ib_parse_u64(a, is_key ? 0 : 10, 0, max, lo) != IB_PARSE_OK)
		return false;
	if (!dash)
		*hi = *lo;
	else if (*b && ib_parse_u64(b, is_key ? 0 : 10, 0, max, hi) != IB_PARSE_OK)
		return false;
	return *lo <= *hi;
}

bool ib_filter_arg(struct ib_filter *f, const struct ib_args *a)
{
	uint64_t lo, hi;
	switch (a->opt->id) {
	case IB_OPT_STALE:
		f->stale = true;
		break;
	case IB_OPT_DEAD:
		f->dead = true;
		break;
	case IB_OPT_UNATTACHED:
		f->unattached = true;
		break;
	case IB_OPT_OLDER_THAN:
		f->older_ns = a->u;
		f->older = true;
		break;
	case IB_OPT_OWNER:
		if (!ib_parse_user(a->arg, &f->owner_uid))
			ib_args_invalid(a, "a user name or uid");
		f->owner = true;
		break;
	case IB_OPT_KEYS:
		if (!parse_range(a->arg, true, &lo, &hi))
			ib_args_invalid(a, "a key range: KEY, LOW-HIGH, LOW- or -HIGH");
		/* Key 0 names no object: every private one has it, unrelated to each other. */
		if (f->keys_not_private && hi == 0)
			ib_args_invalid(a, "a key range other than 0: key 0 is IPC_PRIVATE, which "
					"names no object; select private objects with --ids");
		f->keys = true;
		f->key_lo = (uint32_t)lo;
		f->key_hi = (uint32_t)hi;
		break;
	case IB_OPT_IDS:
		if (!parse_range(a->arg, false, &lo, &hi))
			ib_args_invalid(a, "an id range: ID, LOW-HIGH, LOW- or -HIGH");
		f->ids = true;
		f->id_lo = (int)lo;
		f->id_hi = (int)hi;
		break;
	default:
		return false;
	}
	f->active = true;
	return true;
}

/* ---- matching ---- */

enum { NOPID = 2 }; /* dead(): no process is recorded on the object */

/* Dead: at least one pid is recorded and none of them is alive. */
static int all_dead(struct ib_pidcache *c, pid_t a, pid_t b)
{
	if (a <= 0 && b <= 0)
		return NOPID;
	return !ib_pid_alive(c, a) && !ib_pid_alive(c, b);
}

/* Whether the processes recorded for REC of KIND are all gone (1) or not (0); NOPID
 * when none is recorded; for a set, -1 when its pids cannot be read. */
static int dead(struct ib_pidcache *c, enum ib_kind kind, const void *rec)
{
	const struct ib_msgq_info *q = rec;
	const struct ib_shm_info *s = rec;
	const struct ib_sem_info *e = rec;
	if (kind == IB_MSGQ)
		return all_dead(c, q->lspid, q->lrpid);
	if (kind == IB_SHM)
		return all_dead(c, s->cpid, s->lpid);
	bool any = false;
	for (uint64_t i = 0; i < e->nsems; i++) {
		int pid = semctl(e->perm.id, (int)i, GETPID);
		if (pid < 0)
			return -1;
		if (pid > 0)
			any = true;
		if (ib_pid_alive(c, pid))
			return 0;
	}
	return any ? 1 : NOPID;
}

int ib_sysv_stale(struct ib_pidcache *c, enum ib_kind kind, const void *rec)
{
	if (kind == IB_SHM && ((const struct ib_shm_info *)rec)->nattch != 0)
		return 0;
	int d = dead(c, kind, rec);
	return d == NOPID ? 0 : d;
}

/* --older-than: whether LAST (seconds) is at least older_ns ago. The age saturates,
 * so a time far in the past (or a file's mtime set to any value) neither overflows
 * nor wraps; a time in the future is never old. */
static bool old_enough(const struct ib_filter *f, int64_t last)
{
	int64_t age;
	if (__builtin_sub_overflow(f->now, last, &age))
		age = last < 0 ? INT64_MAX : -1;
	if (age < 0)
		return false;
	uint64_t need = f->older_ns / 1000000000u + (f->older_ns % 1000000000u != 0);
	return (uint64_t)age >= need;
}

static bool common(const struct ib_filter *f, const struct ib_sysv_perm *p, int64_t last)
{
	if (f->owner && p->uid != f->owner_uid)
		return false;
	if (f->keys && ((uint32_t)p->key < f->key_lo || (uint32_t)p->key > f->key_hi ||
			(p->key == 0 && f->keys_not_private)))
		return false;
	if (f->ids && (p->id < f->id_lo || p->id > f->id_hi))
		return false;
	if (f->older && !old_enough(f, last))
		return false;
	return true;
}

/* When REC of KIND was last used or changed. */
static int64_t last_used(enum ib_kind kind, const void *rec)
{
	const struct ib_msgq_info *q = rec;
	const struct ib_shm_info *s = rec;
	const struct ib_sem_info *e = rec;
	int64_t a = kind == IB_MSGQ ? q->stime : kind == IB_SHM ? s->atime : e->otime;
	int64_t b = kind == IB_MSGQ ? q->rtime : kind == IB_SHM ? s->dtime : e->ctime;
	int64_t c = kind == IB_MSGQ ? q->ctime : kind == IB_SHM ? s->ctime : e->ctime;
	int64_t m = a > b ? a : b;
	return m > c ? m : c;
}

bool ib_filter_sysv(struct ib_filter *f, enum ib_kind kind, const void *rec)
{
	const struct ib_shm_info *s = rec;
	if (!f->active)
		return true;
	/* --unattached: only segments; --stale: nothing attached */
	if (kind == IB_SHM ? (f->unattached || f->stale) && s->nattch != 0 : f->unattached)
		return false;
	if (!common(f, rec, last_used(kind, rec)))
		return false;
	if (!(f->stale || f->dead))
		return true;
	int d = dead(&f->pids, kind, rec);
	if (d == NOPID)
		f->undecided_nopid++;
	else if (d < 0)
		f->undecided_unreadable++;
	if (d != 1)
		return false;
	/* a queue or set a live process is blocked on is in use (a segment attached
	 * has a non-zero nattch). A waiter in a process that cannot be inspected is not
	 * seen: a queue has no other trace of one. */
	if (f->stale && kind != IB_SHM) {
		struct ib_users *u = ib_filter_users(f, IB_SCAN_WAITS);
		if (u && ib_users_sysv(u, kind, rec).n > 0)
			return false;
	}
	return true;
}

bool ib_filter_posix(struct ib_filter *f, const struct ib_posix_info *o)
{
	if (!f->active)
		return true;
	if (f->keys || f->ids)
		return false;
	if (f->owner && o->uid != f->owner_uid)
		return false;
	if (f->older && !old_enough(f, o->mtime))
		return false;
	if (f->stale || f->dead || f->unattached) {
		struct ib_users *u = ib_filter_users(f, ib_scan_needs(o->kind, true));
		struct ib_users_of uo = u ? ib_users_posix(u, o) : (struct ib_users_of){ .incomplete = true };
		if (uo.n)
			return false;
		if (uo.incomplete) {
			f->undecided_unseen++;
			return false;
		}
	}
	return true;
}

int ib_filter_posix_users_of(struct ib_filter *f, const struct ib_posix_info *o, pid_t *pids,
			     size_t max)
{
	struct ib_users *u = ib_filter_users(f, ib_scan_needs(o->kind, true));
	if (!u)
		return -1;
	struct ib_users_of uo = ib_users_posix(u, o);
	if (uo.incomplete)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < uo.n; i++)
		if (n < max && (n == 0 || pids[n - 1] != uo.v[i].pid))
			pids[n++] = uo.v[i].pid; /* one process open and mapping it: once */
	return (int)n;
}
