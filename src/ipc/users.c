/* Who is using IPC objects: one pass over /proc (users.h). */
#include "ipc/users.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ipc/io.h"
#include "ipc/sysvlist.h"

static const char *const use_names[] = {
	[IB_USE_ATTACHED] = "attached",
	[IB_USE_MAPPED] = "mapped",
	[IB_USE_OPEN] = "open",
	[IB_USE_WAIT_RECV] = "waiting-receive",
	[IB_USE_WAIT_SEND] = "waiting-send",
	[IB_USE_WAIT_SEMOP] = "waiting-semop",
};

const char *ib_use_name(enum ib_use how)
{
	return use_names[how];
}

unsigned ib_scan_needs(enum ib_kind kind, bool posix)
{
	if (!posix)
		return kind == IB_SHM ? IB_SCAN_MAPS : IB_SCAN_WAITS;
	if (kind == IB_MSGQ)
		return IB_SCAN_FDS | IB_SCAN_WAITS;
	return IB_SCAN_MAPS | IB_SCAN_FDS; /* sem_open keeps no descriptor, but one may */
}

/* What an entry is about: a System V object by id, or a POSIX file. */
enum { T_MSGQ = IB_MSGQ, T_SHM = IB_SHM, T_SEM = IB_SEM, T_FILE };

struct ent {
	int type;
	dev_t dev;        /* T_FILE */
	uint64_t ino;     /* T_FILE: the inode; System V: the id */
	uint32_t key;     /* T_SHM: the key in the mapping's name */
	unsigned vmas;    /* T_SHM: how many mappings (nattch counts each) */
	struct ib_user user;
};

struct ib_users {
	struct ent *e;
	size_t n, cap;
	struct ib_user *users; /* e[i].user for each i, once sorted: what lookups return */
	unsigned what, failed; /* IB_SCAN_* read, and those some process could not be read for */
	size_t uninspected;
	bool hidden;
	dev_t shm_dev, msgq_dev;
	bool have_shm, have_msgq;
	dev_t ns_dev;          /* our IPC namespace (/proc/self/ns/ipc) */
	ino_t ns_ino;
	char *buf;             /* for maps files, reused */
	size_t buflen;
};

/* The process being read. */
struct proc {
	int procfd;
	pid_t pid;
	int ns;            /* -1: not read yet; 1: our IPC namespace; 0: another, or gone;
			    * -2: cannot tell */
	bool have_comm;
	char comm[16];
	unsigned failed;   /* IB_SCAN_* it could not be read for */
};

/* ---- collecting ---- */

static bool our_ns(struct ib_users *u, struct proc *p, unsigned flag)
{
	if (p->ns < 0) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof path, "%d/ns/ipc", (int)p->pid);
		if (fstatat(p->procfd, path, &st, 0) == 0)
			p->ns = st.st_dev == u->ns_dev && st.st_ino == u->ns_ino;
		else if (errno == ENOENT || errno == ESRCH)
			p->ns = 0; /* gone */
		else
			p->ns = -2; /* cannot tell: the use is unknown */
	}
	if (p->ns == -2)
		p->failed |= flag;
	return p->ns == 1;
}

static void read_comm(struct proc *p)
{
	char path[64];
	snprintf(path, sizeof path, "%d/comm", (int)p->pid);
	ssize_t n = ib_read_small_file(p->procfd, path, p->comm, sizeof p->comm);
	if (n > 0 && p->comm[n - 1] == '\n')
		p->comm[--n] = '\0';
	if (n <= 0)
		strcpy(p->comm, "?");
	p->have_comm = true;
}

/* Adds P's use HOW of an object; merges it with one already there. */
static void add(struct ib_users *u, struct proc *p, int type, dev_t dev, uint64_t ino,
		uint32_t key, enum ib_use how)
{
	for (size_t i = u->n; i > 0 && u->e[i - 1].user.pid == p->pid; i--) {
		struct ent *x = &u->e[i - 1];
		if (x->type == type && x->dev == dev && x->ino == ino && x->key == key &&
		    x->user.how == how) {
			x->vmas++;
			return;
		}
	}
	if (u->n == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 256;
		struct ent *ne = realloc(u->e, ncap * sizeof *ne);
		if (!ne) {
			p->failed |= IB_SCAN_ALL; /* out of memory: say the lists are incomplete */
			return;
		}
		u->e = ne;
		u->cap = ncap;
	}
	if (!p->have_comm)
		read_comm(p);
	struct ent *x = &u->e[u->n++];
	*x = (struct ent){ .type = type, .dev = dev, .ino = ino, .key = key, .vmas = 1 };
	x->user.pid = p->pid;
	x->user.how = how;
	memcpy(x->user.command, p->comm, sizeof p->comm);
}

/* Whether a failure to read a process's file means it could not be inspected: not
 * when the process has gone, nor for a kernel thread (which uses no IPC object). */
static bool denied(struct proc *p)
{
	if (errno == ENOENT || errno == ESRCH)
		return false;
	char path[64], buf[512];
	snprintf(path, sizeof path, "%d/stat", (int)p->pid);
	if (ib_read_small_file(p->procfd, path, buf, sizeof buf) <= 0)
		return true;
	/* "pid (comm) state ppid pgrp session tty tpgid flags ...": PF_KTHREAD */
	const char *s = strrchr(buf, ')');
	unsigned long flags = 0;
	return !s || sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1 ||
	       !(flags & 0x00200000);
}

/* Reads P's file PATH into u->buf (its length into *LEN); false if it could not
 * be, with FLAG in p->failed unless the process has gone. */
static bool slurp(struct ib_users *u, struct proc *p, const char *path, size_t *len, unsigned flag)
{
	int fd = openat(p->procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (denied(p))
			p->failed |= flag;
		return false;
	}
	size_t n = 0;
	for (;;) {
		if (u->buflen - n < 4096) {
			size_t nlen = u->buflen ? u->buflen * 2 : 65536;
			char *nb = realloc(u->buf, nlen);
			if (!nb) {
				p->failed |= flag;
				close(fd);
				return false;
			}
			u->buf = nb;
			u->buflen = nlen;
		}
		ssize_t r = ib_read_some(fd, u->buf + n, u->buflen - n - 1);
		if (r < 0) {
			if (errno != ESRCH && errno != ENOENT)
				p->failed |= flag;
			close(fd);
			return false;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	u->buf[n] = '\0';
	*len = n;
	return true;
}

static const char *skip_field(const char *s)
{
	while (*s && *s != ' ' && *s != '\n')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

/* "/SYSVkkkkkkkk" (then nothing or " (deleted)"): a System V segment; its key. */
static bool sysv_name(const char *s, uint32_t *key)
{
	if (strncmp(s, "/SYSV", 5) != 0)
		return false;
	char *end;
	unsigned long k = strtoul(s + 5, &end, 16);
	if (end != s + 13 || (*end != '\n' && *end != '\0' && *end != ' '))
		return false;
	*key = (uint32_t)k;
	return true;
}

/* "start-end perms offset MAJ:MIN INODE [PATH]" for each mapping. */
static void scan_maps(struct ib_users *u, struct proc *p)
{
	char path[64];
	size_t len;
	snprintf(path, sizeof path, "%d/maps", (int)p->pid);
	if (!slurp(u, p, path, &len, IB_SCAN_MAPS))
		return;
	for (const char *l = u->buf; *l;) {
		const char *s = skip_field(skip_field(skip_field(l)));
		char *end;
		unsigned long maj = strtoul(s, &end, 16), min = 0;
		unsigned long long ino = 0;
		if (*end == ':') {
			min = strtoul(end + 1, &end, 16);
			ino = strtoull(end, &end, 10);
			s = end;
			while (*s == ' ')
				s++;
			uint32_t key;
			dev_t dev = makedev((unsigned)maj, (unsigned)min);
			if (sysv_name(s, &key)) {
				if (our_ns(u, p, IB_SCAN_MAPS))
					add(u, p, T_SHM, 0, ino, key, IB_USE_ATTACHED);
			} else if (u->have_shm && dev == u->shm_dev && *s == '/') {
				add(u, p, T_FILE, dev, ino, 0, IB_USE_MAPPED);
			}
		}
		const char *nl = strchr(l, '\n');
		l = nl ? nl + 1 : l + strlen(l);
	}
}

/* The POSIX object behind P's descriptor NAME (a decimal fd), if it is one. */
static bool posix_fd(const struct ib_users *u, int dirfd, const char *name, struct stat *st)
{
	if (fstatat(dirfd, name, st, 0) != 0)
		return false;
	return (u->have_shm && st->st_dev == u->shm_dev) ||
	       (u->have_msgq && st->st_dev == u->msgq_dev);
}

/* Opens P's directory SUB (fd, task); NULL when it cannot, and when that is for
 * want of permission, FAILED (what could not be read) is marked in P. */
static DIR *proc_dir(struct proc *p, const char *sub, unsigned failed)
{
	char path[64];
	snprintf(path, sizeof path, "%d/%s", (int)p->pid, sub);
	int dfd = openat(p->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		else if (denied(p))
			p->failed |= failed;
	}
	return d;
}

static void scan_fds(struct ib_users *u, struct proc *p)
{
	DIR *d = proc_dir(p, "fd", IB_SCAN_FDS);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] != '.' && posix_fd(u, dirfd(d), e->d_name, &st))
			add(u, p, T_FILE, st.st_dev, st.st_ino, 0, IB_USE_OPEN);
	}
	closedir(d);
}

/* The object a thread blocked in system call NR with arguments A waits on: a
 * System V id (*TYPE T_MSGQ or T_SEM, *ID) or a queue descriptor (T_FILE, *ID). */
static bool waiting(long nr, const unsigned long long *a, int *type, enum ib_use *how, int *id)
{
	int t = -1;
	enum ib_use h = IB_USE_WAIT_RECV;
	unsigned long long arg = a[0];
#define IS(name) (nr == (long)(name))
	if (0) {
	}
#ifdef SYS_msgrcv
	else if (IS(SYS_msgrcv)) t = T_MSGQ;
#endif
#ifdef SYS_msgsnd
	else if (IS(SYS_msgsnd)) t = T_MSGQ, h = IB_USE_WAIT_SEND;
#endif
#ifdef SYS_semop
	else if (IS(SYS_semop)) t = T_SEM, h = IB_USE_WAIT_SEMOP;
#endif
#ifdef SYS_semtimedop
	else if (IS(SYS_semtimedop)) t = T_SEM, h = IB_USE_WAIT_SEMOP;
#endif
#ifdef SYS_semtimedop_time64
	else if (IS(SYS_semtimedop_time64)) t = T_SEM, h = IB_USE_WAIT_SEMOP;
#endif
#ifdef SYS_mq_timedreceive
	else if (IS(SYS_mq_timedreceive)) t = T_FILE;
#endif
#ifdef SYS_mq_timedsend
	else if (IS(SYS_mq_timedsend)) t = T_FILE, h = IB_USE_WAIT_SEND;
#endif
#ifdef SYS_mq_timedreceive_time64
	else if (IS(SYS_mq_timedreceive_time64)) t = T_FILE;
#endif
#ifdef SYS_mq_timedsend_time64
	else if (IS(SYS_mq_timedsend_time64)) t = T_FILE, h = IB_USE_WAIT_SEND;
#endif
#ifdef SYS_ipc
	else if (IS(SYS_ipc)) {
		/* the multiplexer (i386, s390...): the call, then the id */
		unsigned call = (unsigned)(a[0] & 0xffff);
		arg = a[1];
		if (call == 1 || call == 4) /* SEMOP, SEMTIMEDOP */
			t = T_SEM, h = IB_USE_WAIT_SEMOP;
		else if (call == 11 || call == 12) /* MSGSND, MSGRCV */
			t = T_MSGQ, h = call == 11 ? IB_USE_WAIT_SEND : IB_USE_WAIT_RECV;
	}
#endif
#undef IS
	if (t < 0)
		return false;
	*type = t;
	*how = h;
	*id = (int)(uint32_t)arg; /* an int argument: the register's low half */
	return true;
}

/* Thread TID's system call, if it is blocked in one that waits on an object. */
static void scan_thread(struct ib_users *u, struct proc *p, const char *tid)
{
	char path[320], buf[256];
	snprintf(path, sizeof path, "%d/task/%s/syscall", (int)p->pid, tid);
	ssize_t n = ib_read_small_file(p->procfd, path, buf, sizeof buf);
	if (n < 0) {
		if (denied(p))
			p->failed |= IB_SCAN_WAITS;
		return;
	}
	/* "NR ARG1 ... ARG6 SP PC", or "running", or "-1 SP PC" */
	char *s = buf, *end;
	long nr = strtol(s, &end, 10);
	unsigned long long a[2];
	if (end == s || nr < 0)
		return;
	for (int i = 0; i < 2; i++) {
		a[i] = strtoull(end, &s, 16);
		if (s == end)
			return;
		end = s;
	}
	int type, id;
	enum ib_use how;
	if (!waiting(nr, a, &type, &how, &id))
		return;
	if (type != T_FILE) {
		if (our_ns(u, p, IB_SCAN_WAITS))
			add(u, p, type, 0, (uint64_t)id, 0, how);
		return;
	}
	struct stat st;
	snprintf(path, sizeof path, "%d/fd/%d", (int)p->pid, id);
	if (u->have_msgq && fstatat(p->procfd, path, &st, 0) == 0 && st.st_dev == u->msgq_dev)
		add(u, p, T_FILE, st.st_dev, st.st_ino, 0, how);
}

static void scan_waits(struct ib_users *u, struct proc *p)
{
	DIR *d = proc_dir(p, "task", IB_SCAN_WAITS);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			scan_thread(u, p, e->d_name);
	closedir(d);
}

/* Whether /proc hides other users' processes from us (hidepid=2 or invisible,
 * unless we are root or in its gid= group): then we cannot even count them. */
static bool procs_hidden(void)
{
	char *buf;
	size_t len;
	if (geteuid() == 0 || ib_read_file(AT_FDCWD, "/proc/self/mountinfo", (size_t)16 << 20, &buf,
					   &len) != 0)
		return false;
	bool hidden = false;
	for (char *l = buf; l && *l;) {
		char *next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - TYPE SOURCE SUPER-OPTIONS" */
		char mnt[16];
		const char *sep = strstr(l, " - proc ");
		if (sep && sscanf(l, "%*s %*s %*s %*s %15s", mnt) == 1 && strcmp(mnt, "/proc") == 0) {
			const char *h = strstr(sep, "hidepid=");
			long gid = -1;
			const char *g = strstr(sep, ",gid=");
			if (g)
				gid = strtol(g + 5, NULL, 10);
			/* the last mount on /proc is the one we see */
			hidden = h && (h[8] == '2' || strncmp(h + 8, "invisible", 9) == 0);
			if (hidden && gid >= 0) {
				gid_t groups[256];
				int n = getgroups(256, groups);
				hidden = getegid() != (gid_t)gid;
				for (int i = 0; hidden && i < n; i++)
					hidden = groups[i] != (gid_t)gid;
			}
		}
		l = next;
	}
	free(buf);
	return hidden;
}

/* ---- the scan and its lookups ---- */

static int by_object(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->type != y->type)
		return x->type - y->type;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->user.pid != y->user.pid)
		return x->user.pid < y->user.pid ? -1 : 1;
	return (int)x->user.how - (int)y->user.how;
}

static void watch_devices(struct ib_users *u)
{
	struct stat st;
	if (stat(IB_SHM_DIR, &st) == 0) {
		u->shm_dev = st.st_dev;
		u->have_shm = true;
	}
	if (ib_mqueue_mounted() && stat(IB_MQUEUE_DIR, &st) == 0) {
		u->msgq_dev = st.st_dev;
		u->have_msgq = true;
	}
	if (stat("/proc/self/ns/ipc", &st) == 0) {
		u->ns_dev = st.st_dev;
		u->ns_ino = st.st_ino;
	}
}

struct ib_users *ib_users_scan(unsigned what)
{
	struct ib_users *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->what = what;
	watch_devices(u);
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = procfd >= 0 ? fdopendir(procfd) : NULL;
	if (!d) {
		int e = errno;
		if (procfd >= 0)
			close(procfd);
		free(u);
		errno = e;
		return NULL;
	}
	u->hidden = procs_hidden();
	pid_t self = getpid();
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		struct proc p = { .procfd = dirfd(d), .pid = (pid_t)pid, .ns = -1 };
		if (what & IB_SCAN_MAPS)
			scan_maps(u, &p);
		if (what & IB_SCAN_FDS)
			scan_fds(u, &p);
		if (what & IB_SCAN_WAITS)
			scan_waits(u, &p);
		u->failed |= p.failed;
		u->uninspected += p.failed != 0;
	}
	closedir(d);
	free(u->buf);
	u->buf = NULL;
	if (u->n > 1)
		qsort(u->e, u->n, sizeof *u->e, by_object);
	u->users = malloc((u->n ? u->n : 1) * sizeof *u->users);
	if (!u->users) {
		ib_users_free(u);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < u->n; i++)
		u->users[i] = u->e[i].user;
	return u;
}

unsigned ib_users_scanned(const struct ib_users *u)
{
	return u->what;
}

size_t ib_users_uninspected(const struct ib_users *u)
{
	return u->uninspected;
}

bool ib_users_hidden(const struct ib_users *u)
{
	return u->hidden;
}

/* The entries about one object: type, dev, ino and (unless ANY_KEY) key. */
static struct ib_users_of find(const struct ib_users *u, int type, dev_t dev, uint64_t ino,
			       uint32_t key, bool any_key)
{
	struct ent k = { .type = type, .dev = dev, .ino = ino, .key = any_key ? 0 : key };
	size_t lo = 0, hi = u->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (by_object(&u->e[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < u->n && u->e[end].type == type && u->e[end].dev == dev &&
	       u->e[end].ino == ino && (any_key || u->e[end].key == key))
		end++;
	return (struct ib_users_of){ u->users + lo, end - lo, false };
}

/* Whether lists of objects that need NEEDS may miss users. */
static bool unsure(const struct ib_users *u, unsigned needs)
{
	return u->hidden || (u->failed & needs) || (needs & ~u->what);
}

struct ib_users_of ib_users_sysv(const struct ib_users *u, enum ib_kind kind, const void *rec)
{
	const struct ib_sysv_perm *perm = rec;
	if (kind != IB_SHM) {
		struct ib_users_of r = find(u, kind, 0, (uint64_t)perm->id, 0, true);
		r.incomplete = unsure(u, IB_SCAN_WAITS);
		return r;
	}
	/* A removed segment is listed with key 0, its mappings keep the key they had. */
	bool any = perm->key == 0 || (perm->mode & SHM_DEST);
	struct ib_users_of r = find(u, T_SHM, 0, (uint64_t)perm->id, (uint32_t)perm->key, any);
	uint64_t vmas = 0;
	for (size_t i = 0; i < r.n; i++)
		vmas += u->e[r.v - u->users + i].vmas;
	/* nattch counts every mapping: when ours account for it, none is missing */
	r.incomplete = !(u->what & IB_SCAN_MAPS) ||
		       vmas < ((const struct ib_shm_info *)rec)->nattch;
	return r;
}

struct ib_users_of ib_users_posix(const struct ib_users *u, const struct ib_posix_info *o)
{
	struct ib_users_of r = find(u, T_FILE, o->dev, (uint64_t)o->ino, 0, false);
	r.incomplete = unsure(u, ib_scan_needs(o->kind, true));
	return r;
}

void ib_users_free(struct ib_users *u)
{
	if (u) {
		free(u->e);
		free(u->users);
		free(u->buf);
		free(u);
	}
}
