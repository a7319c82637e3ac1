/* Shared memory segments: open, attach, stat. */
#include "shmcat-shm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipc/compat.h"
#include "ipc/err.h"
#include "ipc/ipcjson.h"
#include "ipc/json.h"
#include "ipc/names.h"
#include "ipc/posixlist.h"
#include "ipc/sysvlist.h"

static int posix_open(const struct ib_object *o, size_t size, int access, struct ib_shm *s)
{
	if (o->create) {
		/* Made and sized with every signal held off, so none can leave an object
		 * half made (empty) behind: it is whole, or removed again. */
		sigset_t all, old;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &old);
		int fd = shm_open(o->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, o->mode);
		int e = errno;
		/* shm_open applies the umask; the mode asked for is the mode given. */
		if (fd >= 0 && (fchmod(fd, o->mode) != 0 || ftruncate(fd, (off_t)size) != 0)) {
			e = errno;
			shm_unlink(o->name);
			close(fd);
			sigprocmask(SIG_SETMASK, &old, NULL);
			ib_warn_sys(e, "create shared memory segment %s", s->label);
			return -1;
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = e;
		if (fd >= 0) {
			s->fd = fd;
			s->created = true;
			return 0;
		}
		if (errno != EEXIST || o->exclusive) {
			ib_warn_sys(errno, "create shared memory segment %s", s->label);
			return -1;
		}
	}
	int fd = shm_open(o->name, ((access & 0200) ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
	if (fd < 0) {
		if (errno == ENOENT) {
			ib_warn("no shared memory segment named %s", s->label);
			return -1;
		}
		if (errno == EACCES && access == 0)
			return 0; /* stat only: ib_sysv_stat looks at the file instead */
		ib_warn_sys(errno, "open shared memory segment %s", s->label);
		return -1;
	}
	s->fd = fd;
	return 0;
}

int ib_shm_open(const struct ib_object *o, size_t size, int access, struct ib_shm *s)
{
	memset(s, 0, sizeof *s);
	s->id = -1;
	s->fd = -1;
	ib_object_label(o, s->label, sizeof s->label);
	if (o->sel == IB_SEL_POSIX) {
		s->posix = true;
		s->name = o->name;
		return posix_open(o, size, access, s);
	}
	s->id = ib_sysv_open(o, IB_SHM, size, access, &s->created);
	return s->id < 0 ? -1 : 0;
}

int ib_shm_attach(struct ib_shm *s, bool writable)
{
	s->writable = writable;
	if (s->posix) {
		struct stat st;
		if (fstat(s->fd, &st) != 0) {
			ib_warn_sys(errno, "stat shared memory segment %s", s->label);
			return -1;
		}
		if ((uint64_t)st.st_size > SIZE_MAX) {
			ib_warn_sys(EFBIG, "map shared memory segment %s", s->label);
			return -1;
		}
		s->size = (size_t)st.st_size;
		if (s->size == 0)
			return 0; /* nothing to map; mmap would refuse a zero length */
		void *p = mmap(NULL, s->size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
			       MAP_SHARED, s->fd, 0);
		if (p == MAP_FAILED) {
			ib_warn_sys(errno, "map shared memory segment %s", s->label);
			return -1;
		}
		s->addr = p;
		return 0;
	}
	void *p = shmat(s->id, NULL, writable ? 0 : SHM_RDONLY);
	if (p == (void *)-1) {
		if (errno == EINVAL || errno == EIDRM)
			ib_warn("no shared memory segment with %s", s->label);
		else
			ib_warn_sys(errno, "attach shared memory segment %s", s->label);
		return -1;
	}
	s->addr = p;
	struct shmid_ds ds;
	if (shmctl(s->id, IPC_STAT, &ds) != 0) {
		ib_warn_sys(errno, "stat shared memory segment %s", s->label);
		return -1;
	}
	s->size = ds.shm_segsz;
	return 0;
}

int ib_shm_reserve(const struct ib_shm *s, size_t off, size_t len)
{
	if (!s->posix || len == 0)
		return 0;
	/* KEEP_SIZE: a file truncated meanwhile is not grown back. Not posix_fallocate,
	 * which where fallocate is missing writes zeros: a change. */
	if (fallocate(s->fd, FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	/* No fallocate here: fault the pages in for writing (which changes nothing);
	 * failing to is the same error the copy would die of. */
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)(s->addr + off) & ~(page - 1);
	if (madvise((void *)a, len + ((uintptr_t)(s->addr + off) - a), MADV_POPULATE_WRITE) == 0 ||
	    errno == EINVAL)
		return 0; /* EINVAL: a kernel before 5.14, nothing to check with */
	if (errno == EFAULT)
		errno = ENOSPC; /* no page could be had; a truncation shows by itself */
	return -1;
}

bool ib_shm_shrank(const struct ib_shm *s, size_t *now)
{
	struct stat st;
	if (!s->posix || fstat(s->fd, &st) != 0 || (uint64_t)st.st_size >= s->size)
		return false;
	*now = (size_t)st.st_size;
	return true;
}

void ib_shm_close(struct ib_shm *s)
{
	if (s->addr) {
		if (s->posix)
			munmap(s->addr, s->size);
		else
			shmdt(s->addr);
		s->addr = NULL;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

/* "user root (0), group root (0)"; a number without a name: "user 1234, group 1234". */
static void print_owner(FILE *f, struct ib_names *names, const char *label, uid_t uid,
			gid_t gid)
{
	const char *u = ib_user_name(names, uid), *g = ib_group_name(names, gid);
	fprintf(f, "%-13s ", label);
	if (u)
		fprintf(f, "user %s (%u), ", u, (unsigned)uid);
	else
		fprintf(f, "user %u, ", (unsigned)uid);
	if (g)
		fprintf(f, "group %s (%u)\n", g, (unsigned)gid);
	else
		fprintf(f, "group %u\n", (unsigned)gid);
}

static void print_time(FILE *f, const char *label, int64_t when)
{
	/* The locale's date and time format (what %c means), as date(1) prints it. */
	const char *fmt = nl_langinfo(D_T_FMT);
	char buf[128];
	struct tm tm;
	time_t t = (time_t)when;
	if (when == 0)
		snprintf(buf, sizeof buf, "never");
	else if (!localtime_r(&t, &tm) || strftime(buf, sizeof buf, fmt, &tm) == 0)
		snprintf(buf, sizeof buf, "%lld", (long long)when);
	fprintf(f, "%-13s %s\n", label, buf);
}

static void print_posix(FILE *f, struct ib_names *names, const struct ib_posix_info *in)
{
	fprintf(f, "%-13s %s\n", "name:", in->name);
	fprintf(f, "%-13s %" PRIu64 "\n", "size:", in->size);
	print_owner(f, names, "owner:", in->uid, in->gid);
	fprintf(f, "%-13s %04o\n", "mode:", (unsigned)in->mode & 0777);
	print_time(f, "last access:", in->atime);
	print_time(f, "last modify:", in->mtime);
	print_time(f, "last change:", in->ctime);
}

static void print_sysv(FILE *f, struct ib_names *names, const struct ib_shm_info *in)
{
	bool dest = (in->perm.mode & SHM_DEST) != 0, locked = (in->perm.mode & SHM_LOCKED) != 0;
	fprintf(f, "%-13s 0x%08x\n", "key:", (unsigned)in->perm.key);
	fprintf(f, "%-13s %d\n", "id:", in->perm.id);
	fprintf(f, "%-13s %" PRIu64 "\n", "size:", in->segsz);
	print_owner(f, names, "owner:", in->perm.uid, in->perm.gid);
	print_owner(f, names, "creator:", in->perm.cuid, in->perm.cgid);
	fprintf(f, "%-13s %04o\n", "mode:", in->perm.mode & 0777);
	fprintf(f, "%-13s %s%s%s\n", "status:", dest ? "marked for removal" : "",
		dest && locked ? ", " : "", locked ? "locked" : !dest ? "-" : "");
	fprintf(f, "%-13s %" PRIu64 "\n", "attaches:", in->nattch);
	fprintf(f, "%-13s %d\n", "creator pid:", (int)in->cpid);
	fprintf(f, "%-13s %d\n", "last pid:", (int)in->lpid);
	print_time(f, "last attach:", in->atime);
	print_time(f, "last detach:", in->dtime);
	print_time(f, "last change:", in->ctime);
}

int ib_shm_print_status(const struct ib_shm *s, FILE *f, bool json)
{
	struct ib_names names = IB_NAMES_INIT;
	struct ib_json j;
	struct ib_ipcjson c = { .j = &j, .names = &names, .filter = NULL, .processes = false };
	struct ib_posix_info pin;
	struct ib_shm_info sin;
	if (s->posix ? ib_posix_stat(IB_SHM, s->name, &pin) : ib_sysv_stat(IB_SHM, s->id, &sin)) {
		if (errno == ENOENT || errno == EINVAL || errno == EIDRM)
			ib_warn(s->posix ? "no shared memory segment named %s"
					 : "no shared memory segment with %s", s->label);
		else
			ib_warn_sys(errno, "stat shared memory segment %s", s->label);
		return -1;
	}
	if (json) {
		ib_json_init(&j, f);
		if (s->posix)
			ib_ipcjson_posix(&c, &pin);
		else
			ib_ipcjson_sysv(&c, IB_SHM, &sin, NULL);
		ib_json_end(&j);
	} else if (s->posix) {
		print_posix(f, &names, &pin);
	} else {
		print_sysv(f, &names, &sin);
	}
	ib_names_free(&names);
	return 0;
}
