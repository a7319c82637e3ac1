/* Object selection and System V opening. */
#include "ipc/object.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "ipc/err.h"
#include "ipc/opt.h"
#include "ipc/parse.h"

void ib_object_init(struct ib_object *o)
{
	memset(o, 0, sizeof *o);
	o->sel = IB_SEL_NONE;
	o->mode = IB_DEFAULT_MODE;
}

bool ib_parse_key(const char *s, key_t *key)
{
	uint64_t v;
	if (ib_parse_u64(s, 0, 0, UINT32_MAX, &v) != IB_PARSE_OK)
		return false;
	*key = (key_t)(int32_t)(uint32_t)v;
	return true;
}

bool ib_parse_id(const char *s, int *id)
{
	uint64_t v;
	if (ib_parse_u64(s, 10, 0, INT_MAX, &v) != IB_PARSE_OK)
		return false;
	*id = (int)v;
	return true;
}

const char *ib_posix_name_error(const char *name)
{
	if (name[0] != '/')
		return "must start with '/'";
	if (strchr(name + 1, '/'))
		return "must not contain another '/'";
	size_t len = strlen(name + 1);
	if (len == 0)
		return "must have a name after '/'";
	if (len > NAME_MAX)
		return "is too long";
	if (strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0)
		return "must not be '.' or '..'";
	return NULL;
}

static void select_once(struct ib_object *o, enum ib_select sel)
{
	if (o->sel != IB_SEL_NONE)
		ib_usage_error("only one of -k, -i, -f and -P may select the object");
	o->sel = sel;
}

/* -f PATH[:PROJ]. After the last ':', digits are a project number (1-255) and a
 * single other character is a project character; otherwise the whole argument is
 * the path and the project is 1. The key is made by ib_object_check. */
static void parse_ftok(struct ib_object *o, const char *arg)
{
	int proj = 1;
	const char *colon = strrchr(arg, ':');
	size_t plen = strlen(arg);
	if (colon && colon[1] >= '0' && colon[1] <= '9') {
		uint64_t v;
		if (ib_parse_u64(colon + 1, 10, 1, 255, &v) != IB_PARSE_OK)
			ib_usage_error("invalid ftok project '%s': must be 1-255 or one character",
				       colon + 1);
		proj = (int)v;
		plen = (size_t)(colon - arg);
	} else if (colon && colon[1] != '\0' && colon[2] == '\0') {
		proj = (unsigned char)colon[1];
		plen = (size_t)(colon - arg);
	}
	if (plen == 0)
		ib_usage_error("invalid ftok argument '%s': empty path", arg);
	if (plen >= PATH_MAX)
		ib_usage_error("invalid ftok path: too long");
	o->ftok_arg = arg;
	o->ftok_len = plen;
	o->ftok_proj = proj;
}

/* The key of -f; false after saying why there is none. */
static bool make_ftok_key(struct ib_object *o)
{
	char path[PATH_MAX];
	memcpy(path, o->ftok_arg, o->ftok_len);
	path[o->ftok_len] = '\0';
	struct stat st;
	key_t k = stat(path, &st) == 0 ? ftok(path, o->ftok_proj) : (key_t)-1;
	if (k == (key_t)-1) {
		ib_warn_sys(errno, "ftok %s", path);
		return false;
	}
	o->key = k;
	o->ftok_arg = NULL;
	return true;
}

bool ib_object_arg(struct ib_object *o, const struct ib_args *a)
{
	switch (a->opt->id) {
	case 'k':
		select_once(o, IB_SEL_KEY);
		o->key = a->key;
		return true;
	case 'i':
		select_once(o, IB_SEL_ID);
		o->id = a->id;
		return true;
	case 'f':
		select_once(o, IB_SEL_KEY);
		parse_ftok(o, a->arg);
		return true;
	case 'P':
		select_once(o, IB_SEL_POSIX);
		o->name = a->arg;
		return true;
	case 'm':
		o->mode = a->mode;
		o->mode_given = true;
		return true;
	case 'c':
		o->create = true;
		return true;
	case 'x':
		o->exclusive = true;
		return true;
	case IB_OPT_CREATE_ONLY:
		o->create = o->create_only = true;
		return true;
	default:
		return false;
	}
}

bool ib_object_announce(const struct ib_object *o, int id, bool json)
{
	bool private_made = o->sel == IB_SEL_KEY && o->key == IPC_PRIVATE && o->create;
	if (id >= 0 && o->sel != IB_SEL_POSIX && (o->create_only || private_made)) {
		printf(json ? "{\"id\": %d}\n" : "%d\n", id);
		fflush(stdout);
	}
	return o->create_only;
}

bool ib_object_check(struct ib_object *o, bool posix_ok)
{
	if (o->sel == IB_SEL_NONE)
		ib_usage_error(posix_ok ? "no object given: use -k KEY, -i ID, -f PATH or -P /NAME"
					: "no object given: use -k KEY, -i ID or -f PATH");
	if (o->sel == IB_SEL_POSIX && !posix_ok)
		ib_usage_error("-P is not supported here");
	if (o->exclusive && !o->create)
		ib_usage_error("-x needs -c");
	if (o->mode_given && !o->create)
		ib_usage_error("-m needs -c");
	if (o->create && o->sel == IB_SEL_ID)
		ib_usage_error("-c needs a key (-k or -f) or a name (-P), not an id");
	return !o->ftok_arg || make_ftok_key(o);
}

/* "message queue", "shared memory segment", "semaphore set". */
static const char *kind_name(enum ib_kind kind)
{
	switch (kind) {
	case IB_MSGQ: return "message queue";
	case IB_SHM: return "shared memory segment";
	case IB_SEM: return "semaphore set";
	}
	return "object";
}

const char *ib_object_label(const struct ib_object *o, char *buf, size_t len)
{
	switch (o->sel) {
	case IB_SEL_KEY:
		snprintf(buf, len, "key 0x%08x", (unsigned)o->key);
		break;
	case IB_SEL_ID:
		snprintf(buf, len, "id %d", o->id);
		break;
	case IB_SEL_POSIX:
		snprintf(buf, len, "%s", o->name);
		break;
	default:
		snprintf(buf, len, "(none)");
	}
	return buf;
}

static int sysv_get(enum ib_kind kind, key_t key, size_t size, int flags)
{
	switch (kind) {
	case IB_MSGQ:
		return msgget(key, flags);
	case IB_SHM:
		return shmget(key, size, flags);
	case IB_SEM:
		return semget(key, (int)size, flags);
	}
	errno = EINVAL;
	return -1;
}

static int sysv_stat(enum ib_kind kind, int id)
{
	union {
		struct msqid_ds m;
		struct shmid_ds s;
		struct semid_ds e;
	} ds;
	switch (kind) {
	case IB_MSGQ:
		return msgctl(id, IPC_STAT, &ds.m);
	case IB_SHM:
		return shmctl(id, IPC_STAT, &ds.s);
	case IB_SEM:
		return semctl(id, 0, IPC_STAT, &ds.e);
	}
	errno = EINVAL;
	return -1;
}

int ib_sysv_open(const struct ib_object *o, enum ib_kind kind, size_t size, int access,
		 bool *created)
{
	char label[64];
	ib_object_label(o, label, sizeof label);
	if (created)
		*created = false;
	if (o->sel == IB_SEL_ID) {
		if (sysv_stat(kind, o->id) != 0 && errno != EACCES) {
			if (errno == EINVAL || errno == EIDRM)
				ib_warn("no %s with %s", kind_name(kind), label);
			else
				ib_warn_sys(errno, "%s %s", kind_name(kind), label);
			return -1;
		}
		return o->id;
	}
	if (o->sel != IB_SEL_KEY) {
		ib_warn("%s needs a System V key or id", kind_name(kind));
		return -1;
	}
	int id;
	if (o->create) {
		int flags = IPC_CREAT | IPC_EXCL | (int)o->mode;
		id = sysv_get(kind, o->key, size, flags);
		if (id >= 0) {
			if (created)
				*created = true;
			return id;
		}
		if (errno != EEXIST || o->exclusive || o->key == IPC_PRIVATE) {
			ib_warn_sys(errno, "create %s %s", kind_name(kind), label);
			return -1;
		}
	}
	if (o->key == IPC_PRIVATE) {
		ib_warn("key 0 is IPC_PRIVATE and names no existing %s: use -i ID", kind_name(kind));
		return -1;
	}
	id = sysv_get(kind, o->key, 0, access & 0666);
	if (id < 0) {
		if (errno == ENOENT)
			ib_warn("no %s with %s", kind_name(kind), label);
		else
			ib_warn_sys(errno, "open %s %s", kind_name(kind), label);
		return -1;
	}
	return id;
}
