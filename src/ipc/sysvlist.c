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

/* A /proc/sysvipc file is at most a few MB even with 32000 objects. */
#define PROC_MAX ((size_t)256 << 20)

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

static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

static void perm_from_proc(struct ib_sysv_perm *p, const int64_t *v, int uidcol)
{
	p->key = (key_t)(int32_t)v[0];
	p->id = (int)v[1];
	p->mode = octal_of(v[2]);
	p->uid = (uid_t)v[uidcol];
	p->gid = (gid_t)v[uidcol + 1];
	p->cuid = (uid_t)v[uidcol + 2];
	p->cgid = (gid_t)v[uidcol + 3];
}

static void perm_from_kernel(struct ib_sysv_perm *p, const struct ipc_perm *k, int id)
{
	p->key = k->__key;
	p->id = id;
	p->mode = k->mode;
	p->uid = k->uid;
	p->gid = k->gid;
	p->cuid = k->cuid;
	p->cgid = k->cgid;
}

/* ---- message queues ---- */

static void msgq_from_kernel(struct ib_msgq_info *q, const struct msqid_ds *ds, int id)
{
	memset(q, 0, sizeof *q);
	perm_from_kernel(&q->perm, &ds->msg_perm, id);
	q->cbytes = ds->__msg_cbytes;
	q->qnum = ds->msg_qnum;
	q->qbytes = ds->msg_qbytes;
	q->qbytes_known = true;
	q->lspid = ds->msg_lspid;
	q->lrpid = ds->msg_lrpid;
	q->stime = ds->msg_stime;
	q->rtime = ds->msg_rtime;
	q->ctime = ds->msg_ctime;
}

/* Every queue by index with MSG_STAT_ANY (MSG_STAT where that is refused). Sets
 * *COMPLETE when it found as many queues as MSG_INFO says are in use. */
static int msgq_by_index(struct ib_msgq_info **out, size_t *n, bool *complete)
{
	struct msginfo mi;
	int max = msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&mi);
	*complete = false;
	if (max < 0)
		return -1;
	struct ib_msgq_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	for (int i = 0; i <= max; i++) {
		struct msqid_ds ds;
		memset(&ds, 0, sizeof ds); /* see ib_msgq_stat */
		int id = msgctl(i, MSG_STAT_ANY, &ds);
		if (id < 0)
			id = msgctl(i, MSG_STAT, &ds);
		if (id < 0)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			return -1;
		}
		msgq_from_kernel(&arr[cnt++], &ds, id);
	}
	*out = arr;
	*n = cnt;
	*complete = cnt >= (size_t)mi.msgpool;
	return 0;
}

static int msgq_from_proc(struct ib_msgq_info **out, size_t *n)
{
	char *buf;
	size_t len;
	if (ib_read_file(AT_FDCWD, "/proc/sysvipc/msg", PROC_MAX, &buf, &len) != 0)
		return -1;
	struct ib_msgq_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	const char *p = strchr(buf, '\n');
	p = p ? p + 1 : buf + len;
	while (*p) {
		int64_t v[14];
		if (parse_line(&p, v, 14) < 14)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			free(buf);
			return -1;
		}
		struct ib_msgq_info *q = &arr[cnt++];
		memset(q, 0, sizeof *q);
		perm_from_proc(&q->perm, v, 7);
		q->cbytes = (uint64_t)v[3];
		q->qnum = (uint64_t)v[4];
		q->lspid = (pid_t)v[5];
		q->lrpid = (pid_t)v[6];
		q->stime = v[11];
		q->rtime = v[12];
		q->ctime = v[13];
	}
	free(buf);
	*out = arr;
	*n = cnt;
	return 0;
}

/* Objects are listed by index first: for 10,000 queues the
 * MSG_STAT_ANY loop takes a quarter of the time the kernel needs to format
 * /proc/sysvipc/msg (measured: ~5 ms against ~19 ms), and gives qbytes too.
 * /proc is the fallback when the loop misses objects (kernels before 4.17 have no
 * *_STAT_ANY, and MSG_STAT needs read permission). */
int ib_msgq_list(struct ib_msgq_info **out, size_t *n)
{
	bool complete;
	*out = NULL;
	*n = 0;
	if (msgq_by_index(out, n, &complete) == 0) {
		if (complete)
			return 0;
		free(*out);
		*out = NULL;
		*n = 0;
	}
	if (msgq_from_proc(out, n) == 0)
		return 0;
	bool ignored;
	return msgq_by_index(out, n, &ignored);
}

/* Index candidates for an id: the kernel's id is seq * IPCMNI + index, with IPCMNI
 * 32768, or 16M when ipcmni_extend is on. */
static int index_candidates(int id, int idx[2])
{
	idx[0] = id & 0x7fff;
	idx[1] = id & 0xffffff;
	return idx[1] != idx[0] ? 2 : 1;
}

int ib_msgq_stat(int id, struct ib_msgq_info *out)
{
	struct msqid_ds ds;
	/* valgrind does not know the *_STAT_ANY commands: without this it takes what
	 * the kernel fills in for uninitialised (here and in every *_STAT_ANY call) */
	memset(&ds, 0, sizeof ds);
	int idx[2], k = index_candidates(id, idx);
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < k; i++)
		if (msgctl(idx[i], MSG_STAT_ANY, &ds) == id) {
			msgq_from_kernel(out, &ds, id);
			return 0;
		}
	if (msgctl(id, IPC_STAT, &ds) != 0) {
		if (errno == EIDRM)
			errno = EINVAL;
		return -1;
	}
	msgq_from_kernel(out, &ds, id);
	return 0;
}

/* ---- shared memory ---- */

static void shm_from_kernel(struct ib_shm_info *s, const struct shmid_ds *ds, int id)
{
	memset(s, 0, sizeof *s);
	perm_from_kernel(&s->perm, &ds->shm_perm, id);
	s->segsz = ds->shm_segsz;
	s->nattch = ds->shm_nattch;
	s->cpid = ds->shm_cpid;
	s->lpid = ds->shm_lpid;
	s->atime = ds->shm_atime;
	s->dtime = ds->shm_dtime;
	s->ctime = ds->shm_ctime;
}

/* Every segment by index, as msgq_by_index. */
static int shm_by_index(struct ib_shm_info **out, size_t *n, bool *complete)
{
	struct shm_info si;
	int max = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si);
	*complete = false;
	if (max < 0)
		return -1;
	struct ib_shm_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	for (int i = 0; i <= max; i++) {
		struct shmid_ds ds;
		memset(&ds, 0, sizeof ds); /* see ib_msgq_stat */
		int id = shmctl(i, SHM_STAT_ANY, &ds);
		if (id < 0)
			id = shmctl(i, SHM_STAT, &ds);
		if (id < 0)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			return -1;
		}
		shm_from_kernel(&arr[cnt++], &ds, id);
	}
	*out = arr;
	*n = cnt;
	*complete = cnt >= (size_t)si.used_ids;
	return 0;
}

int ib_shm_list(struct ib_shm_info **out, size_t *n)
{
	bool complete;
	*out = NULL;
	*n = 0;
	if (shm_by_index(out, n, &complete) == 0) {
		if (complete)
			return 0;
		free(*out);
		*out = NULL;
		*n = 0;
	}
	if (ib_shm_list_rss(out, n) == 0)
		return 0;
	bool ignored;
	return shm_by_index(out, n, &ignored);
}

int ib_shm_list_rss(struct ib_shm_info **out, size_t *n)
{
	char *buf;
	size_t len;
	*out = NULL;
	*n = 0;
	if (ib_read_file(AT_FDCWD, "/proc/sysvipc/shm", PROC_MAX, &buf, &len) != 0) {
		bool ignored;
		return shm_by_index(out, n, &ignored);
	}
	struct ib_shm_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	const char *p = strchr(buf, '\n');
	p = p ? p + 1 : buf + len;
	while (*p) {
		int64_t v[16];
		size_t got = parse_line(&p, v, 16);
		if (got < 14)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			free(buf);
			return -1;
		}
		struct ib_shm_info *s = &arr[cnt++];
		memset(s, 0, sizeof *s);
		perm_from_proc(&s->perm, v, 7);
		s->segsz = (uint64_t)v[3];
		s->cpid = (pid_t)v[4];
		s->lpid = (pid_t)v[5];
		s->nattch = (uint64_t)v[6];
		s->atime = v[11];
		s->dtime = v[12];
		s->ctime = v[13];
		if (got >= 16) {
			s->rss = (uint64_t)v[14];
			s->swap = (uint64_t)v[15];
			s->rss_known = true;
		}
	}
	free(buf);
	*out = arr;
	*n = cnt;
	return 0;
}

int ib_shm_stat(int id, struct ib_shm_info *out)
{
	struct shmid_ds ds;
	memset(&ds, 0, sizeof ds); /* see ib_msgq_stat */
	int idx[2], k = index_candidates(id, idx);
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < k; i++)
		if (shmctl(idx[i], SHM_STAT_ANY, &ds) == id) {
			shm_from_kernel(out, &ds, id);
			return 0;
		}
	if (shmctl(id, IPC_STAT, &ds) != 0) {
		if (errno == EIDRM)
			errno = EINVAL;
		return -1;
	}
	shm_from_kernel(out, &ds, id);
	return 0;
}

/* ---- semaphore sets ---- */

static void sem_from_kernel(struct ib_sem_info *s, const struct semid_ds *ds, int id)
{
	memset(s, 0, sizeof *s);
	perm_from_kernel(&s->perm, &ds->sem_perm, id);
	s->nsems = ds->sem_nsems;
	s->otime = ds->sem_otime;
	s->ctime = ds->sem_ctime;
}

/* Every set by index, as msgq_by_index. */
static int sem_by_index(struct ib_sem_info **out, size_t *n, bool *complete)
{
	struct seminfo si;
	union ib_semun arg = { .__buf = &si };
	int max = semctl(0, 0, SEM_INFO, arg);
	*complete = false;
	if (max < 0)
		return -1;
	struct ib_sem_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	for (int i = 0; i <= max; i++) {
		struct semid_ds ds;
		memset(&ds, 0, sizeof ds); /* see ib_msgq_stat */
		arg.buf = &ds;
		int id = semctl(i, 0, SEM_STAT_ANY, arg);
		if (id < 0)
			id = semctl(i, 0, SEM_STAT, arg);
		if (id < 0)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			return -1;
		}
		sem_from_kernel(&arr[cnt++], &ds, id);
	}
	*out = arr;
	*n = cnt;
	*complete = cnt >= (size_t)si.semusz;
	return 0;
}

static int sem_from_proc(struct ib_sem_info **out, size_t *n)
{
	char *buf;
	size_t len;
	if (ib_read_file(AT_FDCWD, "/proc/sysvipc/sem", PROC_MAX, &buf, &len) != 0)
		return -1;
	struct ib_sem_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	const char *p = strchr(buf, '\n');
	p = p ? p + 1 : buf + len;
	while (*p) {
		int64_t v[10];
		if (parse_line(&p, v, 10) < 10)
			continue;
		if (!grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			free(arr);
			free(buf);
			return -1;
		}
		struct ib_sem_info *s = &arr[cnt++];
		memset(s, 0, sizeof *s);
		perm_from_proc(&s->perm, v, 4);
		s->nsems = (uint64_t)v[3];
		s->otime = v[8];
		s->ctime = v[9];
	}
	free(buf);
	*out = arr;
	*n = cnt;
	return 0;
}

int ib_sem_list(struct ib_sem_info **out, size_t *n)
{
	bool complete;
	*out = NULL;
	*n = 0;
	if (sem_by_index(out, n, &complete) == 0) {
		if (complete)
			return 0;
		free(*out);
		*out = NULL;
		*n = 0;
	}
	if (sem_from_proc(out, n) == 0)
		return 0;
	bool ignored;
	return sem_by_index(out, n, &ignored);
}

int ib_sem_stat(int id, struct ib_sem_info *out)
{
	struct semid_ds ds;
	memset(&ds, 0, sizeof ds); /* see ib_msgq_stat */
	union ib_semun arg = { .buf = &ds };
	int idx[2], k = index_candidates(id, idx);
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < k; i++)
		if (semctl(idx[i], 0, SEM_STAT_ANY, arg) == id) {
			sem_from_kernel(out, &ds, id);
			return 0;
		}
	if (semctl(id, 0, IPC_STAT, arg) != 0) {
		if (errno == EIDRM)
			errno = EINVAL;
		return -1;
	}
	sem_from_kernel(out, &ds, id);
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

int ib_msgq_limits(struct ib_msgq_limits *l)
{
	uint64_t a, b, c;
	if (ib_read_numbers("/proc/sys/kernel/msgmni", &a, 1) == 1 &&
	    ib_read_numbers("/proc/sys/kernel/msgmnb", &b, 1) == 1 &&
	    ib_read_numbers("/proc/sys/kernel/msgmax", &c, 1) == 1) {
		l->msgmni = (int)a;
		l->msgmnb = (int)b;
		l->msgmax = c;
		return 0;
	}
	struct msginfo mi;
	if (msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&mi) < 0)
		return -1;
	l->msgmni = mi.msgmni;
	l->msgmnb = mi.msgmnb;
	l->msgmax = (uint64_t)mi.msgmax;
	return 0;
}

int ib_shm_limits(struct ib_shm_limits *l)
{
	uint64_t a, b, c;
	l->shmmin = 1;
	if (ib_read_numbers("/proc/sys/kernel/shmall", &a, 1) == 1 &&
	    ib_read_numbers("/proc/sys/kernel/shmmax", &b, 1) == 1 &&
	    ib_read_numbers("/proc/sys/kernel/shmmni", &c, 1) == 1) {
		l->shmall = a;
		l->shmmax = b;
		l->shmmni = c;
		return 0;
	}
	struct shminfo si;
	if (shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&si) < 0)
		return -1;
	l->shmmni = si.shmmni;
	l->shmall = si.shmall;
	l->shmmax = si.shmmax;
	return 0;
}

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

int ib_msgq_status(struct ib_msgq_status *s)
{
	struct msginfo mi;
	if (msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&mi) < 0)
		return -1;
	s->pool = mi.msgpool;
	s->map = mi.msgmap;
	s->tql = mi.msgtql;
	return 0;
}

int ib_shm_status(struct ib_shm_status *s)
{
	struct shm_info si;
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) < 0)
		return -1;
	s->used_ids = si.used_ids;
	s->tot = si.shm_tot;
	s->rss = si.shm_rss;
	s->swp = si.shm_swp;
	s->swap_attempts = si.swap_attempts;
	s->swap_successes = si.swap_successes;
	return 0;
}

int ib_sem_status(struct ib_sem_status *s)
{
	struct seminfo si;
	union ib_semun arg = { .__buf = &si };
	if (semctl(0, 0, SEM_INFO, arg) < 0)
		return -1;
	s->usz = si.semusz;
	s->aem = si.semaem;
	return 0;
}
