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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ipc/io.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

const char *ib_posix_kind_name(enum ib_posix_kind kind)
{
	switch (kind) {
	case IB_PMQ: return "message queue";
	case IB_PSHM: return "shared memory";
	case IB_PSEM: return "semaphore";
	}
	return "object";
}

bool ib_mqueue_mounted(void)
{
	struct statfs sf;
	return statfs(IB_MQUEUE_DIR, &sf) == 0 && sf.f_type == MQUEUE_MAGIC;
}

/* "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0" */
static void read_mq_status(int dirfd, const char *file, struct ib_posix_info *o)
{
	char buf[256];
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	ssize_t len = ib_read_full(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return;
	buf[len] = '\0';
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

static void read_mq_attr(struct ib_posix_info *o)
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

/* The value of a named semaphore, read from a read-only mapping of its file:
 * no sem_open, so nothing is created and nothing is left open. */
static void read_sem_value(int dirfd, const char *file, struct ib_posix_info *o)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(sem_t)) {
		void *p = mmap(NULL, sizeof(sem_t), PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			int v;
			if (sem_getvalue((sem_t *)p, &v) == 0) {
				o->value = v;
				o->value_known = true;
			}
			munmap(p, sizeof(sem_t));
		}
	}
	close(fd);
}

static void fill_stat(struct ib_posix_info *o, const struct stat *st)
{
	o->uid = st->st_uid;
	o->gid = st->st_gid;
	o->mode = st->st_mode & 07777;
	o->size = (uint64_t)st->st_size;
	o->mtime = st->st_mtim.tv_sec;
	o->ctime = st->st_ctim.tv_sec;
	o->atime = st->st_atim.tv_sec;
}

/* Fills O for the directory entry FILE of DIRFD; false if it is not one of KIND. */
static bool load(enum ib_posix_kind kind, int dirfd, const char *file, struct ib_posix_info *o)
{
	struct stat st;
	bool is_sem = strncmp(file, "sem.", 4) == 0 && file[4] != '\0';
	if (file[0] == '.' && (file[1] == '\0' || (file[1] == '.' && file[2] == '\0')))
		return false;
	if (kind == IB_PSHM && is_sem)
		return false;
	if (kind == IB_PSEM && !is_sem)
		return false;
	if (fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return false;
	memset(o, 0, sizeof *o);
	o->kind = kind;
	const char *base = kind == IB_PSEM ? file + 4 : file;
	if (strlen(base) + 1 >= sizeof o->name)
		return false;
	o->name[0] = '/';
	strcpy(o->name + 1, base);
	fill_stat(o, &st);
	if (kind == IB_PMQ) {
		o->size = 0;
		read_mq_status(dirfd, file, o);
		read_mq_attr(o);
	} else if (kind == IB_PSEM) {
		read_sem_value(dirfd, file, o);
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ib_posix_info *)a)->name, ((const struct ib_posix_info *)b)->name);
}

static const char *dir_of(enum ib_posix_kind kind)
{
	return kind == IB_PMQ ? IB_MQUEUE_DIR : IB_SHM_DIR;
}

int ib_posix_list(enum ib_posix_kind kind, struct ib_posix_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (kind == IB_PMQ && !ib_mqueue_mounted()) {
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

int ib_posix_stat(enum ib_posix_kind kind, const char *name, struct ib_posix_info *out)
{
	char file[NAME_MAX + 8];
	if (name[0] != '/' || strchr(name + 1, '/') || name[1] == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (kind == IB_PMQ && !ib_mqueue_mounted()) {
		errno = ENOENT;
		return -1;
	}
	snprintf(file, sizeof file, "%s%s", kind == IB_PSEM ? "sem." : "", name + 1);
	int dfd = open(dir_of(kind), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	bool ok = load(kind, dfd, file, out);
	int e = errno;
	close(dfd);
	if (!ok) {
		errno = e == 0 || e == EINVAL ? ENOENT : e;
		return -1;
	}
	return 0;
}
