/* JSON records of IPC objects: the fields ipcs(1) documents under JSON OUTPUT,
 * one function per kind writing one object into an open array (ipcs --json; any
 * applet that reports objects in JSON uses the same names). */
#include "ipc/ipcjson.h"

#include <stdio.h>
#include <sys/shm.h>

static void json_proc(const struct ib_ipcjson *c, const char *role, pid_t pid)
{
	char comm[64];
	if (pid <= 0)
		return;
	bool alive = ib_pid_alive(&c->filter->pids, pid);
	ib_json_open(c->j, NULL);
	ib_json_str(c->j, "role", role);
	ib_json_int(c->j, "pid", pid);
	ib_json_bool(c->j, "alive", alive);
	ib_json_str(c->j, "command", alive && ib_pid_comm(pid, comm, sizeof comm) ? comm : NULL);
	ib_json_close(c->j);
}

static void json_perm(const struct ib_ipcjson *c, const struct ib_sysv_perm *p)
{
	char buf[16];
	snprintf(buf, sizeof buf, "0x%08x", (unsigned)p->key);
	ib_json_str(c->j, "key", buf);
	ib_json_int(c->j, "id", p->id);
	ib_json_str(c->j, "owner", ib_user_name(c->names, p->uid));
	ib_json_uint(c->j, "uid", p->uid);
	ib_json_str(c->j, "group", ib_group_name(c->names, p->gid));
	ib_json_uint(c->j, "gid", p->gid);
	ib_json_str(c->j, "creator", ib_user_name(c->names, p->cuid));
	ib_json_uint(c->j, "cuid", p->cuid);
	ib_json_str(c->j, "cgroup", ib_group_name(c->names, p->cgid));
	ib_json_uint(c->j, "cgid", p->cgid);
	snprintf(buf, sizeof buf, "%04o", p->mode & 0777);
	ib_json_str(c->j, "perms", buf);
	snprintf(buf, sizeof buf, "%#o", p->mode);
	ib_json_str(c->j, "mode", buf);
}

static void json_time(const struct ib_ipcjson *c, const char *key, int64_t t)
{
	if (t)
		ib_json_int(c->j, key, t);
	else
		ib_json_null(c->j, key);
}

/* With --processes: "stale" (null if STALE is -1) and the N processes PIDS, in
 * the role ROLE, or the I-th of ROLES for each. */
static void json_processes(const struct ib_ipcjson *c, int stale, const pid_t *pids, int n,
			   const char *role, const char *const *roles)
{
	if (stale < 0)
		ib_json_null(c->j, "stale");
	else
		ib_json_bool(c->j, "stale", stale == 1);
	ib_json_open_array(c->j, "processes");
	for (int i = 0; i < n; i++)
		json_proc(c, roles ? roles[i] : role, pids[i]);
	ib_json_close_array(c->j);
}

/* The fields of a queue, a segment or a set that are not in its ipc_perm. */
static void msgq_fields(const struct ib_ipcjson *c, const struct ib_msgq_info *q)
{
	ib_json_uint(c->j, "used_bytes", q->cbytes);
	ib_json_uint(c->j, "messages", q->qnum);
	if (q->qbytes_known)
		ib_json_uint(c->j, "max_bytes", q->qbytes);
	ib_json_int(c->j, "lspid", q->lspid);
	ib_json_int(c->j, "lrpid", q->lrpid);
	json_time(c, "send_time", q->stime);
	json_time(c, "recv_time", q->rtime);
	json_time(c, "change_time", q->ctime);
}

static void shm_fields(const struct ib_ipcjson *c, const struct ib_shm_info *s)
{
	ib_json_uint(c->j, "size", s->segsz);
	ib_json_uint(c->j, "nattch", s->nattch);
	ib_json_bool(c->j, "dest", (s->perm.mode & SHM_DEST) != 0);
	ib_json_bool(c->j, "locked", (s->perm.mode & SHM_LOCKED) != 0);
	ib_json_int(c->j, "cpid", s->cpid);
	ib_json_int(c->j, "lpid", s->lpid);
	json_time(c, "attach_time", s->atime);
	json_time(c, "detach_time", s->dtime);
	json_time(c, "change_time", s->ctime);
	if (s->rss_known) {
		ib_json_uint(c->j, "rss", s->rss);
		ib_json_uint(c->j, "swap", s->swap);
	}
}

static void sem_fields(const struct ib_ipcjson *c, const struct ib_sem_info *s,
		       const struct ib_sem_elem *elems)
{
	ib_json_uint(c->j, "nsems", s->nsems);
	json_time(c, "op_time", s->otime);
	json_time(c, "change_time", s->ctime);
	if (!elems)
		return;
	ib_json_open_array(c->j, "semaphores");
	for (uint64_t i = 0; i < s->nsems; i++) {
		ib_json_open(c->j, NULL);
		ib_json_uint(c->j, "semnum", i);
		ib_json_int(c->j, "value", elems[i].val);
		ib_json_int(c->j, "ncount", elems[i].ncount);
		ib_json_int(c->j, "zcount", elems[i].zcount);
		ib_json_int(c->j, "pid", elems[i].pid);
		ib_json_close(c->j);
	}
	ib_json_close_array(c->j);
}

void ib_ipcjson_sysv(const struct ib_ipcjson *c, enum ib_kind kind, const void *rec,
		     const struct ib_sem_elem *elems)
{
	static const char *const msgq_roles[] = { "last-sender", "last-receiver" };
	static const char *const shm_roles[] = { "creator", "last-operator" };
	const struct ib_msgq_info *q = rec;
	const struct ib_shm_info *s = rec;
	ib_json_open(c->j, NULL);
	json_perm(c, rec);
	if (kind == IB_MSGQ)
		msgq_fields(c, q);
	else if (kind == IB_SHM)
		shm_fields(c, s);
	else
		sem_fields(c, rec, elems);
	if (c->processes) {
		int stale = ib_sysv_stale(&c->filter->pids, kind, rec);
		if (kind == IB_MSGQ)
			json_processes(c, stale, (pid_t[]){ q->lspid, q->lrpid }, 2, NULL, msgq_roles);
		else if (kind == IB_SHM)
			json_processes(c, stale, (pid_t[]){ s->cpid, s->lpid }, 2, NULL, shm_roles);
		else {
			pid_t pids[32];
			int n = ib_sem_last_pids(rec, pids, 32);
			json_processes(c, stale, pids, n, "last-operator", NULL);
		}
	}
	if (c->more)
		c->more(c, kind, false, rec);
	ib_json_close(c->j);
}

void ib_ipcjson_posix(const struct ib_ipcjson *c, const struct ib_posix_info *o)
{
	char buf[16];
	ib_json_open(c->j, NULL);
	ib_json_str(c->j, "name", o->name);
	ib_json_str(c->j, "owner", ib_user_name(c->names, o->uid));
	ib_json_uint(c->j, "uid", o->uid);
	ib_json_str(c->j, "group", ib_group_name(c->names, o->gid));
	ib_json_uint(c->j, "gid", o->gid);
	snprintf(buf, sizeof buf, "%04o", (unsigned)o->mode & 0777);
	ib_json_str(c->j, "perms", buf);
	if (o->kind == IB_MSGQ) {
		ib_json_uint(c->j, "used_bytes", o->size);
		if (o->msgs_known) {
			ib_json_int(c->j, "messages", o->msgs);
			ib_json_int(c->j, "max_messages", o->maxmsg);
			ib_json_int(c->j, "max_message_size", o->msgsize);
		} else {
			ib_json_null(c->j, "messages");
		}
		ib_json_int(c->j, "notify_pid", o->notify_pid);
	} else if (o->kind == IB_SHM) {
		ib_json_uint(c->j, "size", o->size);
	} else if (o->value_known) {
		ib_json_int(c->j, "value", o->value);
	} else {
		ib_json_null(c->j, "value");
	}
	ib_json_int(c->j, "mtime", o->mtime);
	ib_json_int(c->j, "ctime", o->ctime);
	if (c->processes) {
		pid_t pids[32];
		int n = ib_filter_posix_users_of(c->filter, o, pids, 32);
		json_processes(c, n < 0 ? -1 : n == 0, pids, n, "user", NULL);
	}
	if (c->more)
		c->more(c, o->kind, true, o);
	ib_json_close(c->j);
}
