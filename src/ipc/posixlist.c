/* Listing POSIX message queues, shared memory and named semaphores. */
#include "ipc/posixlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ipc/io.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

const char *ib_posix_kind_name(enum ib_kind kind)
{
	switch (kind) {
	case IB_MSGQ: return "message queue";
	case IB_SHM: return "shared memory";
	case IB_SEM: return "semaphore";
	}
	return "object";
}

bool ib_mqueue_mounted(void)
{
	struct statfs sf;
	return statfs(IB_MQUEUE_DIR, &sf) == 0 && sf.f_type == MQUEUE_MAGIC;
}

/* "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0" */
static void read_msgq_status(int dirfd, const char *file, struct ib_posix_info *o)
{
	char buf[256];
	if (ib_read_small_file(dirfd, file, buf, sizeof buf) <= 0)
		return;
	const char *p;
	if ((p = strstr(buf, "QSIZE:")))
		o->size = strtoull(p + 6, NULL, 10);
	if ((p = strstr(buf, "NOTIFY:")))
		o->notify = (int)strtol(p + 7, NULL, 10);
	if ((p = strstr(buf, "SIGNO:")))
		o->signo = (int)strtol(p + 6, NULL, 10);
	if ((p = strstr(buf, "NOTIFY_PID:")))
		o->notify_pid = (pid_t)strtol(p + 11, NULL, 10);
}

static void read_msgq_attr(struct ib_posix_info *o)
{
	mqd_t q = mq_open(o->name, O_RDONLY | O_NONBLOCK);
	if (q == (mqd_t)-1)
		return;
	struct mq_attr a;
	if (mq_getattr(q, &a) == 0) {
		o->msgs_known = true;
		o->msgs = a.mq_curmsgs;
		o->maxmsg = a.mq_maxmsg;
		o->msgsize = a.mq_msgsize;
	}
	mq_close(q);
}

/* The value of a named semaphore, read from a copy of its file's first bytes: no
 * sem_open, so nothing is created and nothing is left open; and no mapping, so a
 * file another user truncates meanwhile cannot kill us with SIGBUS. O_NONBLOCK: a
 * FIFO swapped in after the listing's fstatat must not hang us. */
static void read_sem_value(int dirfd, const char *file, struct ib_posix_info *o)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	union {
		sem_t sem;
		unsigned char bytes[sizeof(sem_t)];
	} copy;
	ssize_t n;
	while ((n = pread(fd, copy.bytes, sizeof copy.bytes, 0)) < 0 && errno == EINTR)
		;
	int v;
	if (n == (ssize_t)sizeof copy.bytes && sem_getvalue(&copy.sem, &v) == 0) {
		o->value = v;
		o->value_known = true;
	}
	close(fd);
}

static void fill_stat(struct ib_posix_info *o, const struct stat *st)
{
	o->uid = st->st_uid;
	o->gid = st->st_gid;
	o->mode = st->st_mode & 07777;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->size = (uint64_t)st->st_size;
	o->mtime = st->st_mtim.tv_sec;
	o->ctime = st->st_ctim.tv_sec;
	o->atime = st->st_atim.tv_sec;
	o->blocks = (uint64_t)st->st_blocks;
}

/* Fills O for the directory entry FILE of DIRFD; false if it is not one of KIND. */
static bool load(enum ib_kind kind, int dirfd, const char *file, struct ib_posix_info *o)
{
	struct stat st;
	bool is_sem = strncmp(file, "sem.", 4) == 0 && file[4] != '\0';
	if (file[0] == '.' && (file[1] == '\0' || (file[1] == '.' && file[2] == '\0')))
		return false;
	if (kind == IB_SHM && is_sem)
		return false;
	if (kind == IB_SEM && !is_sem)
		return false;
	if (fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return false;
	memset(o, 0, sizeof *o);
	o->kind = kind;
	const char *base = kind == IB_SEM ? file + 4 : file;
	if (strlen(base) + 1 >= sizeof o->name)
		return false;
	o->name[0] = '/';
	strcpy(o->name + 1, base);
	fill_stat(o, &st);
	if (kind == IB_MSGQ) {
		o->size = 0;
		read_msgq_status(dirfd, file, o);
		read_msgq_attr(o);
	} else if (kind == IB_SEM) {
		read_sem_value(dirfd, file, o);
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ib_posix_info *)a)->name, ((const struct ib_posix_info *)b)->name);
}

static const char *dir_of(enum ib_kind kind)
{
	return kind == IB_MSGQ ? IB_MQUEUE_DIR : IB_SHM_DIR;
}

int ib_posix_list(enum ib_kind kind, struct ib_posix_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (kind == IB_MSGQ && !ib_mqueue_mounted()) {
		errno = ENOENT;
		return -1;
	}
	DIR *d = opendir(dir_of(kind));
	if (!d)
		return -1;
	struct ib_posix_info *arr = NULL;
	size_t cap = 0, cnt = 0;
	struct dirent *e;
	for (;;) {
		errno = 0;
		if (!(e = readdir(d)))
			break;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct ib_posix_info *p = realloc(arr, ncap * sizeof *arr);
			if (!p) {
				free(arr);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			arr = p;
			cap = ncap;
		}
		if (load(kind, dirfd(d), e->d_name, &arr[cnt]))
			cnt++;
	}
	int e2 = errno;
	closedir(d);
	if (e2) {
		free(arr);
		errno = e2;
		return -1;
	}
	if (cnt > 1)
		qsort(arr, cnt, sizeof *arr, by_name);
	*out = arr;
	*n = cnt;
	return 0;
}

int ib_posix_stat(enum ib_kind kind, const char *name, struct ib_posix_info *out)
{
	char file[NAME_MAX + 8];
	if (name[0] != '/' || strchr(name + 1, '/') || name[1] == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (kind == IB_MSGQ && !ib_mqueue_mounted()) {
		errno = ENOENT;
		return -1;
	}
	snprintf(file, sizeof file, "%s%s", kind == IB_SEM ? "sem." : "", name + 1);
	int dfd = open(dir_of(kind), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	errno = 0; /* load says nothing of why for a file that is not one of KIND */
	bool ok = load(kind, dfd, file, out);
	int e = errno;
	close(dfd);
	if (!ok) {
		errno = e == 0 || e == EINVAL ? ENOENT : e;
		return -1;
	}
	return 0;
}

uint64_t ib_posix_pages_used(const struct ib_posix_info *o)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	return (o->blocks * 512 + page - 1) / page;
}

int ib_posix_summary(enum ib_kind kind, struct ib_posix_summary *s)
{
	struct ib_posix_info *os;
	size_t n;
	memset(s, 0, sizeof *s);
	if (ib_posix_list(kind, &os, &n) != 0)
		return -1;
	s->objects = n;
	for (size_t i = 0; i < n; i++) {
		if (kind == IB_MSGQ && !os[i].msgs_known) {
			s->unreadable++;
		} else if (kind == IB_MSGQ) {
			s->messages += (uint64_t)os[i].msgs;
			s->bytes += os[i].size;
		} else if (kind == IB_SHM) {
			s->bytes += os[i].size;
			s->pages += ib_posix_pages_used(&os[i]);
		}
	}
	free(os);
	return 0;
}

/* ---- limits ---- */

static long read_long(const char *path)
{
	uint64_t v;
	return ib_read_numbers(path, &v, 1) == 1 && v <= LONG_MAX ? (long)v : -1;
}

int ib_posix_msgq_limits(struct ib_posix_msgq_limits *l)
{
	l->queues_max = read_long("/proc/sys/fs/mqueue/queues_max");
	l->msg_max = read_long("/proc/sys/fs/mqueue/msg_max");
	l->msgsize_max = read_long("/proc/sys/fs/mqueue/msgsize_max");
	l->msg_default = read_long("/proc/sys/fs/mqueue/msg_default");
	l->msgsize_default = read_long("/proc/sys/fs/mqueue/msgsize_default");
	if (l->queues_max < 0 && l->msg_max < 0 && l->msgsize_max < 0) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}
