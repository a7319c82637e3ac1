/* Shared memory segments: open, attach, stat. */
#include "ipc/shm.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/json.h"

/* Where glibc keeps POSIX shared memory objects. */
#define SHM_DIR "/dev/shm"

static int posix_open(const struct ib_object *o, size_t size, int access, struct ib_shm *s)
{
	if (o->create) {
		int fd = shm_open(o->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, o->mode);
		if (fd >= 0) {
			/* shm_open applies the umask; the mode asked for is the mode given. */
			if (fchmod(fd, o->mode) != 0 || ftruncate(fd, (off_t)size) != 0) {
				int e = errno;
				shm_unlink(o->name);
				close(fd);
				ib_warn_sys(e, "create shared memory segment %s", s->label);
				return -1;
			}
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
			return 0; /* stat only: ib_shm_stat looks at the file instead */
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

/* The segment's line in /proc/sysvipc/shm, for a caller without read permission:
 * key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime ... */
static int sysv_stat_proc(int id, struct ib_shm_info *in)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	if (!f)
		return -1;
	char line[512];
	int found = -1;
	while (fgets(line, sizeof line, f)) {
		long long key, size, atime, dtime, ctime;
		int shmid, cpid, lpid;
		unsigned perms, uid, gid, cuid, cgid;
		unsigned long long nattch;
		if (sscanf(line, "%lld %d %o %lld %d %d %llu %u %u %u %u %lld %lld %lld", &key,
			   &shmid, &perms, &size, &cpid, &lpid, &nattch, &uid, &gid, &cuid, &cgid,
			   &atime, &dtime, &ctime) != 14 || shmid != id)
			continue;
		in->key = (key_t)key;
		in->size = (uint64_t)size;
		in->mode = perms & 0777;
		in->dest = (perms & SHM_DEST) != 0;
		in->locked = (perms & SHM_LOCKED) != 0;
		in->cpid = cpid;
		in->lpid = lpid;
		in->nattch = nattch;
		in->uid = uid;
		in->gid = gid;
		in->cuid = cuid;
		in->cgid = cgid;
		in->atime = (time_t)atime;
		in->dtime = (time_t)dtime;
		in->ctime = (time_t)ctime;
		found = 0;
		break;
	}
	fclose(f);
	if (found != 0)
		errno = EACCES;
	return found;
}

int ib_shm_stat(const struct ib_shm *s, struct ib_shm_info *in)
{
	memset(in, 0, sizeof *in);
	in->posix = s->posix;
	if (s->posix) {
		struct stat st;
		char path[sizeof SHM_DIR + NAME_MAX + 1];
		snprintf(path, sizeof path, "%s%s", SHM_DIR, s->name);
		if ((s->fd >= 0 ? fstat(s->fd, &st) : stat(path, &st)) != 0) {
			ib_warn_sys(errno, "stat shared memory segment %s", s->label);
			return -1;
		}
		in->name = s->name;
		in->size = (uint64_t)st.st_size;
		in->uid = in->cuid = st.st_uid;
		in->gid = in->cgid = st.st_gid;
		in->mode = st.st_mode & 07777;
		in->atime = st.st_atime;
		in->mtime = st.st_mtime;
		in->ctime = st.st_ctime;
		return 0;
	}
	in->id = s->id;
	struct shmid_ds ds;
	if (shmctl(s->id, IPC_STAT, &ds) != 0) {
		int e = errno;
		if (e == EACCES && sysv_stat_proc(s->id, in) == 0)
			return 0;
		if (e == EINVAL || e == EIDRM)
			ib_warn("no shared memory segment with %s", s->label);
		else
			ib_warn_sys(e, "stat shared memory segment %s", s->label);
		return -1;
	}
	in->key = ds.shm_perm.__key;
	in->size = ds.shm_segsz;
	in->mode = ds.shm_perm.mode & 0777;
	in->dest = (ds.shm_perm.mode & SHM_DEST) != 0;
	in->locked = (ds.shm_perm.mode & SHM_LOCKED) != 0;
	in->uid = ds.shm_perm.uid;
	in->gid = ds.shm_perm.gid;
	in->cuid = ds.shm_perm.cuid;
	in->cgid = ds.shm_perm.cgid;
	in->nattch = ds.shm_nattch;
	in->cpid = ds.shm_cpid;
	in->lpid = ds.shm_lpid;
	in->atime = ds.shm_atime;
	in->dtime = ds.shm_dtime;
	in->ctime = ds.shm_ctime;
	return 0;
}

static const char *user_name(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	return pw ? pw->pw_name : NULL;
}

static const char *group_name(gid_t gid)
{
	struct group *gr = getgrgid(gid);
	return gr ? gr->gr_name : NULL;
}

/* "user root (0), group root (0)"; a number without a name: "user 1234, group 1234". */
static void print_owner(FILE *f, const char *label, uid_t uid, gid_t gid)
{
	const char *u = user_name(uid), *g = group_name(gid);
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

static void print_time(FILE *f, const char *label, time_t t)
{
	/* The locale's date and time format (what %c means), as date(1) prints it. */
	const char *fmt = nl_langinfo(D_T_FMT);
	char buf[128];
	struct tm tm;
	if (t == 0)
		snprintf(buf, sizeof buf, "never");
	else if (!localtime_r(&t, &tm) || strftime(buf, sizeof buf, fmt, &tm) == 0)
		snprintf(buf, sizeof buf, "%lld", (long long)t);
	fprintf(f, "%-13s %s\n", label, buf);
}

void ib_shm_info_print(FILE *f, const struct ib_shm_info *in)
{
	if (in->posix) {
		fprintf(f, "%-13s %s\n", "name:", in->name);
		fprintf(f, "%-13s %" PRIu64 "\n", "size:", in->size);
		print_owner(f, "owner:", in->uid, in->gid);
		fprintf(f, "%-13s %04o\n", "mode:", (unsigned)in->mode);
		print_time(f, "last access:", in->atime);
		print_time(f, "last modify:", in->mtime);
		print_time(f, "last change:", in->ctime);
		return;
	}
	fprintf(f, "%-13s 0x%08x\n", "key:", (unsigned)in->key);
	fprintf(f, "%-13s %d\n", "id:", in->id);
	fprintf(f, "%-13s %" PRIu64 "\n", "size:", in->size);
	print_owner(f, "owner:", in->uid, in->gid);
	print_owner(f, "creator:", in->cuid, in->cgid);
	fprintf(f, "%-13s %04o\n", "mode:", (unsigned)in->mode);
	fprintf(f, "%-13s %s%s%s\n", "status:",
		in->dest ? "marked for removal" : "",
		in->dest && in->locked ? ", " : "",
		in->locked ? "locked" : !in->dest ? "-" : "");
	fprintf(f, "%-13s %" PRIu64 "\n", "attaches:", in->nattch);
	fprintf(f, "%-13s %d\n", "creator pid:", (int)in->cpid);
	fprintf(f, "%-13s %d\n", "last pid:", (int)in->lpid);
	print_time(f, "last attach:", in->atime);
	print_time(f, "last detach:", in->dtime);
	print_time(f, "last change:", in->ctime);
}

static void json_name_or_null(struct ib_json *j, const char *key, const char *name)
{
	ib_json_key(j, key);
	if (name)
		ib_json_string(j, name);
	else
		ib_json_null(j);
}

static void json_time(struct ib_json *j, const char *key, time_t t)
{
	ib_json_key(j, key);
	if (t == 0)
		ib_json_null(j);
	else
		ib_json_i64(j, (int64_t)t);
}

void ib_shm_info_json(FILE *f, const struct ib_shm_info *in)
{
	struct ib_json j;
	char buf[16];
	ib_json_init(&j, f);
	ib_json_begin_object(&j);
	ib_json_key(&j, "type");
	ib_json_string(&j, in->posix ? "posix" : "sysv");
	if (in->posix) {
		ib_json_key(&j, "name");
		ib_json_string(&j, in->name);
	} else {
		snprintf(buf, sizeof buf, "0x%08x", (unsigned)in->key);
		ib_json_key(&j, "key");
		ib_json_string(&j, buf);
		ib_json_key(&j, "id");
		ib_json_i64(&j, in->id);
	}
	ib_json_key(&j, "size");
	ib_json_u64(&j, in->size);
	ib_json_key(&j, "uid");
	ib_json_u64(&j, in->uid);
	json_name_or_null(&j, "user", user_name(in->uid));
	ib_json_key(&j, "gid");
	ib_json_u64(&j, in->gid);
	json_name_or_null(&j, "group", group_name(in->gid));
	snprintf(buf, sizeof buf, "%04o", (unsigned)in->mode);
	if (!in->posix) {
		ib_json_key(&j, "cuid");
		ib_json_u64(&j, in->cuid);
		json_name_or_null(&j, "cuser", user_name(in->cuid));
		ib_json_key(&j, "cgid");
		ib_json_u64(&j, in->cgid);
		json_name_or_null(&j, "cgroup", group_name(in->cgid));
	}
	ib_json_key(&j, "mode");
	ib_json_string(&j, buf);
	if (in->posix) {
		json_time(&j, "atime", in->atime);
		json_time(&j, "mtime", in->mtime);
		json_time(&j, "ctime", in->ctime);
	} else {
		ib_json_key(&j, "dest");
		ib_json_bool(&j, in->dest);
		ib_json_key(&j, "locked");
		ib_json_bool(&j, in->locked);
		ib_json_key(&j, "attaches");
		ib_json_u64(&j, in->nattch);
		ib_json_key(&j, "cpid");
		ib_json_i64(&j, in->cpid);
		ib_json_key(&j, "lpid");
		ib_json_i64(&j, in->lpid);
		json_time(&j, "atime", in->atime);
		json_time(&j, "dtime", in->dtime);
		json_time(&j, "ctime", in->ctime);
	}
	ib_json_end_object(&j);
	ib_json_finish(&j);
}
