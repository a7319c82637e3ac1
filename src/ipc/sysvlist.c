/* Listing and inspecting System V IPC objects: /proc/sysvipc once, or the stat calls. */
#include "ipc/sysvlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "ipc/io.h"

#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

union ib_semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};


/* Parses up to MAX whitespace-separated signed decimal numbers from *P to the end
 * of its line, moving *P past the newline. Returns how many were read; a field that
 * is not a number stops the line (the caller rejects short lines). */
static size_t parse_line(const char **p, int64_t *v, size_t max)
{
	const char *s = *p;
	size_t n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '\0')
			break;
		bool neg = false;
		if (*s == '-') {
			neg = true;
			s++;
		}
		if (*s < '0' || *s > '9')
			break;
		uint64_t x = 0;
		while (*s >= '0' && *s <= '9')
			x = x * 10 + (uint64_t)(*s++ - '0');
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\0')
			break;
		if (n < max)
			v[n++] = neg ? -(int64_t)x : (int64_t)x;
	}
	while (*s && *s != '\n')
		s++;
	if (*s == '\n')
		s++;
	*p = s;
	return n;
}

/* Octal: the perms column. */
static unsigned octal_of(int64_t decimal_digits)
{
	unsigned r = 0, mul = 1;
	uint64_t d = (uint64_t)decimal_digits;
	while (d) {
		r += (unsigned)(d % 10) * mul;
		mul *= 8;
		d /= 10;
	}
	return r;
}

/* The kernel's record of an object of any kind, and its usage summary (*_INFO)
 * or limits (IPC_INFO; a segment's are a struct shminfo). */
union ds {
	struct msqid_ds q;
	struct shmid_ds s;
	struct semid_ds e;
};
union info {
	struct msginfo q;
	struct shm_info s;
	struct seminfo e;
	struct shminfo limits;
};

/* What tells the kinds apart: their commands, record and /proc file. */
static const struct {
	int info, stat, stat_any; /* MSG_INFO, MSG_STAT, MSG_STAT_ANY, ... */
	size_t size;              /* of the record */
	const char *proc;
	size_t fields;            /* numbers a line of PROC has at least */
} kinds[IB_NKINDS] = {
	[IB_MSGQ] = { MSG_INFO, MSG_STAT, MSG_STAT_ANY, sizeof(struct ib_msgq_info),
		      "/proc/sysvipc/msg", 14 },
	[IB_SHM] = { SHM_INFO, SHM_STAT, SHM_STAT_ANY, sizeof(struct ib_shm_info),
		     "/proc/sysvipc/shm", 14 },
	[IB_SEM] = { SEM_INFO, SEM_STAT, SEM_STAT_ANY, sizeof(struct ib_sem_info),
		     "/proc/sysvipc/sem", 10 },
};

size_t ib_sysv_size(enum ib_kind kind)
{
	return kinds[kind].size;
}

/* msgctl, shmctl or semctl (on the whole set) of KIND, with BUF as its argument. */
static int ctl(enum ib_kind kind, int id, int cmd, void *buf)
{
	union ib_semun arg = { .buf = buf };
	if (kind == IB_MSGQ)
		return msgctl(id, cmd, buf);
	if (kind == IB_SHM)
		return shmctl(id, cmd, buf);
	return semctl(id, 0, cmd, arg);
}

/* Room for one more record of SIZE bytes at the end of *ARR (*N records, room for
 * *CAP), or NULL when out of memory. */
static void *append(void **arr, size_t *cap, size_t *n, size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *p = realloc(*arr, ncap * size);
		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	return (char *)*arr + (*n)++ * size;
}

static struct ib_sysv_perm perm_from_proc(const int64_t *v, int uidcol)
{
	return (struct ib_sysv_perm){
		.key = (key_t)(int32_t)v[0], .id = (int)v[1], .mode = octal_of(v[2]),
		.uid = (uid_t)v[uidcol], .gid = (gid_t)v[uidcol + 1],
		.cuid = (uid_t)v[uidcol + 2], .cgid = (gid_t)v[uidcol + 3],
	};
}

/* The record of KIND at OUT from a line of /proc/sysvipc of GOT numbers V. */
static void from_proc(enum ib_kind kind, void *out, const int64_t *v, size_t got)
{
	struct ib_msgq_info *q = out;
	struct ib_shm_info *s = out;
	struct ib_sem_info *e = out;
	if (kind == IB_MSGQ)
		*q = (struct ib_msgq_info){ .perm = perm_from_proc(v, 7),
			.cbytes = (uint64_t)v[3], .qnum = (uint64_t)v[4],
			.lspid = (pid_t)v[5], .lrpid = (pid_t)v[6],
			.stime = v[11], .rtime = v[12], .ctime = v[13] };
	else if (kind == IB_SHM)
		*s = (struct ib_shm_info){ .perm = perm_from_proc(v, 7),
			.segsz = (uint64_t)v[3], .cpid = (pid_t)v[4], .lpid = (pid_t)v[5],
			.nattch = (uint64_t)v[6], .atime = v[11], .dtime = v[12], .ctime = v[13],
			.rss_known = got >= 16, /* kernels before 3.1 have no rss and swap */
			.rss = got >= 16 ? (uint64_t)v[14] : 0, .swap = got >= 16 ? (uint64_t)v[15] : 0 };
	else
		*e = (struct ib_sem_info){ .perm = perm_from_proc(v, 4),
			.nsems = (uint64_t)v[3], .otime = v[8], .ctime = v[9] };
}

/* The record of KIND at OUT from the kernel's DS of object ID. */
static void from_kernel(enum ib_kind kind, void *out, const union ds *ds, int id)
{
	const struct ipc_perm *k = kind == IB_MSGQ ? &ds->q.msg_perm
				 : kind == IB_SHM ? &ds->s.shm_perm : &ds->e.sem_perm;
	struct ib_sysv_perm p = { .key = k->__key, .id = id, .mode = k->mode,
				  .uid = k->uid, .gid = k->gid, .cuid = k->cuid, .cgid = k->cgid };
	struct ib_msgq_info *q = out;
	struct ib_shm_info *s = out;
	struct ib_sem_info *e = out;
	if (kind == IB_MSGQ)
		*q = (struct ib_msgq_info){ .perm = p, .cbytes = ds->q.__msg_cbytes,
			.qnum = ds->q.msg_qnum, .qbytes = ds->q.msg_qbytes, .qbytes_known = true,
			.lspid = ds->q.msg_lspid, .lrpid = ds->q.msg_lrpid,
			.stime = ds->q.msg_stime, .rtime = ds->q.msg_rtime, .ctime = ds->q.msg_ctime };
	else if (kind == IB_SHM)
		*s = (struct ib_shm_info){ .perm = p, .segsz = ds->s.shm_segsz,
			.nattch = ds->s.shm_nattch, .cpid = ds->s.shm_cpid, .lpid = ds->s.shm_lpid,
			.atime = ds->s.shm_atime, .dtime = ds->s.shm_dtime, .ctime = ds->s.shm_ctime };
	else
		*e = (struct ib_sem_info){ .perm = p, .nsems = ds->e.sem_nsems,
			.otime = ds->e.sem_otime, .ctime = ds->e.sem_ctime };
}

/* Every object of KIND by index with *_STAT_ANY (*_STAT where that is refused). Sets
 * *COMPLETE when it found as many as *_INFO says are in use. */
static int by_index(enum ib_kind kind, void **out, size_t *n, bool *complete)
{
	union info in;
	int max = ctl(kind, 0, kinds[kind].info, &in);
	*complete = false;
	if (max < 0)
		return -1;
	void *arr = NULL, *rec;
	size_t cap = 0, cnt = 0;
	for (int i = 0; i <= max; i++) {
		union ds ds;
		memset(&ds, 0, sizeof ds); /* see ib_sysv_stat */
		int id = ctl(kind, i, kinds[kind].stat_any, &ds);
		if (id < 0)
			id = ctl(kind, i, kinds[kind].stat, &ds);
		if (id < 0)
			continue;
		if (!(rec = append(&arr, &cap, &cnt, kinds[kind].size))) {
			free(arr);
			return -1;
		}
		from_kernel(kind, rec, &ds, id);
	}
	*out = arr;
	*n = cnt;
	*complete = cnt >= (size_t)(kind == IB_MSGQ ? in.q.msgpool
				   : kind == IB_SHM ? in.s.used_ids : in.e.semusz);
	return 0;
}

/* The records of a listing, as ib_sysv_each hands them on. */
struct listing {
	enum ib_kind kind;
	int (*each)(void *arg, const void *rec);
	void *arg;
	bool header_seen;
	size_t handed;
};

union rec {
	struct ib_msgq_info q;
	struct ib_shm_info s;
	struct ib_sem_info e;
};

/* A line of /proc/sysvipc: the header first, then an object per line. */
static int proc_line(void *arg, char *text)
{
	struct listing *l = arg;
	if (!l->header_seen) {
		l->header_seen = true;
		return 0;
	}
	int64_t v[16];
	const char *p = text;
	size_t got = parse_line(&p, v, 16);
	if (got < kinds[l->kind].fields)
		return 0;
	union rec r;
	from_proc(l->kind, &r, v, got);
	l->handed++;
	return l->each(l->arg, &r);
}

/* Hands on the N records of ARR, and frees them. */
static int hand_on(const struct listing *l, void *arr, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = l->each(l->arg, (char *)arr + i * kinds[l->kind].size);
	free(arr);
	return rc;
}

/* /proc/sysvipc first: one read per page of lines, where the index loop makes
 * a system call per possible index, and system calls are what costs on this
 * kind of machine (10,000 queues on Linux 6.18 under a hypervisor: 5.3 ms to
 * read /proc/sysvipc/msg, 12.3 ms for the MSG_STAT_ANY loop). util-linux and
 * lsipc read /proc too. By index when /proc cannot be read, and when FULL asks
 * for a queue's qbytes, which only the stat calls give; a segment's rss and
 * swap come only from /proc. Records are handed on as they are read, never
 * held all at once: fresh memory costs a page fault per 4 KiB. */
int ib_sysv_each(enum ib_kind kind, bool full, int (*each)(void *arg, const void *rec), void *arg)
{
	struct listing l = { .kind = kind, .each = each, .arg = arg };
	void *arr;
	size_t n;
	bool complete;
	if (full && kind == IB_MSGQ && by_index(kind, &arr, &n, &complete) == 0) {
		if (complete)
			return hand_on(&l, arr, n);
		free(arr);
	}
	int rc = ib_read_lines(AT_FDCWD, kinds[kind].proc, proc_line, &l);
	if (rc == 0 || l.handed > 0)
		return rc;
	if (by_index(kind, &arr, &n, &complete) != 0)
		return -1;
	return hand_on(&l, arr, n);
}

struct collect {
	enum ib_kind kind;
	void *arr;
	size_t cap, n;
};

static int collect(void *arg, const void *rec)
{
	struct collect *c = arg;
	void *to = append(&c->arr, &c->cap, &c->n, kinds[c->kind].size);
	if (!to)
		return -1;
	memcpy(to, rec, kinds[c->kind].size);
	return 0;
}

int ib_sysv_list(enum ib_kind kind, bool full, void **out, size_t *n)
{
	struct collect c = { .kind = kind };
	*out = NULL;
	*n = 0;
	if (ib_sysv_each(kind, full, collect, &c) != 0) {
		free(c.arr);
		return -1;
	}
	*out = c.arr;
	*n = c.n;
	return 0;
}

/* Index candidates for an id: the kernel's id is seq * IPCMNI + index, with IPCMNI
 * 32768, or 16M when ipcmni_extend is on. */
static int index_candidates(int id, int idx[2])
{
	idx[0] = id & 0x7fff;
	idx[1] = id & 0xffffff;
	return idx[1] != idx[0] ? 2 : 1;
}

int ib_sysv_stat(enum ib_kind kind, int id, void *out)
{
	union ds ds;
	/* valgrind does not know the *_STAT_ANY commands: without this it takes what
	 * the kernel fills in for uninitialised (here and in every *_STAT_ANY call) */
	memset(&ds, 0, sizeof ds);
	int idx[2], k = index_candidates(id, idx);
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < k; i++)
		if (ctl(kind, idx[i], kinds[kind].stat_any, &ds) == id) {
			from_kernel(kind, out, &ds, id);
			return 0;
		}
	if (ctl(kind, id, IPC_STAT, &ds) != 0) {
		if (errno == EIDRM)
			errno = EINVAL;
		return -1;
	}
	from_kernel(kind, out, &ds, id);
	return 0;
}

int ib_sem_elems(int id, size_t nsems, struct ib_sem_elem *out, const char **what)
{
	union ib_semun arg = { .val = 0 };
	for (size_t i = 0; i < nsems; i++) {
		int semnum = (int)i;
		if ((out[i].val = semctl(id, semnum, GETVAL, arg)) < 0) {
			*what = "semctl(GETVAL)";
			return -1;
		}
		if ((out[i].ncount = semctl(id, semnum, GETNCNT, arg)) < 0) {
			*what = "semctl(GETNCNT)";
			return -1;
		}
		if ((out[i].zcount = semctl(id, semnum, GETZCNT, arg)) < 0) {
			*what = "semctl(GETZCNT)";
			return -1;
		}
		if ((out[i].pid = semctl(id, semnum, GETPID, arg)) < 0) {
			*what = "semctl(GETPID)";
			return -1;
		}
	}
	return 0;
}

int ib_sem_last_pids(const struct ib_sem_info *s, pid_t *pids, int max)
{
	struct ib_sem_elem *e = calloc(s->nsems ? s->nsems : 1, sizeof *e);
	const char *what;
	int n = 0;
	if (!e || ib_sem_elems(s->perm.id, s->nsems, e, &what) != 0) {
		free(e);
		return -1;
	}
	for (uint64_t i = 0; i < s->nsems; i++) {
		bool seen = e[i].pid == 0;
		for (int k = 0; k < n && !seen; k++)
			seen = pids[k] == e[i].pid;
		if (!seen && n < max)
			pids[n++] = e[i].pid;
	}
	free(e);
	return n;
}

/* ---- limits and status ---- */

int ib_sem_limits(struct ib_sem_limits *l)
{
	uint64_t v[4];
	/* The kernel's defaults, for a caller that carries on when both sources fail. */
	l->semmsl = 32000;
	l->semmns = 1024000000;
	l->semopm = 500;
	l->semmni = 32000;
	l->semvmx = 32767;
	if (ib_read_numbers("/proc/sys/kernel/sem", v, 4) == 4) {
		l->semmsl = (int)v[0];
		l->semmns = (int)v[1];
		l->semopm = (int)v[2];
		l->semmni = (int)v[3];
		return 0;
	}
	struct seminfo si;
	union ib_semun arg = { .__buf = &si };
	if (semctl(0, 0, IPC_INFO, arg) < 0)
		return -1;
	l->semmni = si.semmni;
	l->semmsl = si.semmsl;
	l->semmns = si.semmns;
	l->semopm = si.semopm;
	return 0;
}

/* Whether each of /proc/sys/kernel/NAMES[0..2] holds a number, read into V. */
static bool kernel_numbers(const char *const names[3], uint64_t v[3])
{
	char path[64];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/proc/sys/kernel/%s", names[i]);
		if (ib_read_numbers(path, &v[i], 1) != 1)
			return false;
	}
	return true;
}

int ib_sysv_limits(enum ib_kind kind, void *out)
{
	static const char *const msgq_names[3] = { "msgmni", "msgmnb", "msgmax" };
	static const char *const shm_names[3] = { "shmall", "shmmax", "shmmni" };
	struct ib_msgq_limits *q = out;
	struct ib_shm_limits *s = out;
	uint64_t v[3];
	union info in;
	if (kind == IB_SEM)
		return ib_sem_limits(out);
	if (kernel_numbers(kind == IB_MSGQ ? msgq_names : shm_names, v)) {
		if (kind == IB_MSGQ)
			*q = (struct ib_msgq_limits){ .msgmni = (int)v[0], .msgmnb = (int)v[1],
						      .msgmax = v[2] };
		else
			*s = (struct ib_shm_limits){ .shmall = v[0], .shmmax = v[1], .shmmni = v[2],
						     .shmmin = 1 };
		return 0;
	}
	if (ctl(kind, 0, IPC_INFO, &in) < 0)
		return -1;
	if (kind == IB_MSGQ)
		*q = (struct ib_msgq_limits){ .msgmni = in.q.msgmni, .msgmnb = in.q.msgmnb,
					      .msgmax = (uint64_t)in.q.msgmax };
	else
		*s = (struct ib_shm_limits){ .shmall = in.limits.shmall, .shmmax = in.limits.shmmax,
					     .shmmni = in.limits.shmmni, .shmmin = 1 };
	return 0;
}

int ib_sysv_status(enum ib_kind kind, void *out)
{
	union info in;
	if (ctl(kind, 0, kinds[kind].info, &in) < 0)
		return -1;
	if (kind == IB_MSGQ)
		*(struct ib_msgq_status *)out = (struct ib_msgq_status){
			.pool = in.q.msgpool, .map = in.q.msgmap, .tql = in.q.msgtql };
	else if (kind == IB_SHM)
		*(struct ib_shm_status *)out = (struct ib_shm_status){
			.used_ids = in.s.used_ids, .tot = in.s.shm_tot, .rss = in.s.shm_rss,
			.swp = in.s.shm_swp, .swap_attempts = in.s.swap_attempts,
			.swap_successes = in.s.swap_successes };
	else
		*(struct ib_sem_status *)out = (struct ib_sem_status){
			.usz = in.e.semusz, .aem = in.e.semaem };
	return 0;
}
