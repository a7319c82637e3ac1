/* ipcs: show IPC facilities. A drop-in for util-linux ipcs 2.38: the same options,
 * output layouts, messages and exit codes (1 for usage errors, and `id N not found`
 * still exits 0). Added: POSIX objects (--posix), the processes behind each object
 * (--processes), one JSON document (--json), and the filters shared with ipcrm.
 * Listing reads /proc/sysvipc once; -i is one direct stat call. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/filter.h"
#include "ipc/humanfmt.h"
#include "ipc/ipcjson.h"
#include "ipc/json.h"
#include "ipc/names.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/posixlist.h"
#include "ipc/quote.h"
#include "ipc/sysvlist.h"

enum format { F_DEFAULT, F_LIMITS, F_STATUS, F_CREATOR, F_TIME, F_PID, F_PROCESSES };
enum unit { U_DEFAULT, U_BYTES, U_KB, U_HUMAN };
enum { OPT_HUMAN = 0x1300, OPT_POSIX, OPT_JSON, OPT_PROCESSES };

static const struct ib_opt options[] = {
	/* util-linux's words for a bad id, and with --posix a name: parsed here */
	IB_OPT('i', "id", ID, "ID", "print details on resource identified by ID",
	       .kinds = IB_ALL_KINDS, .flags = IB_OPT_RAW),
	IB_STD_OPTS,
	IB_HEADING("Resource options:"),
	IB_OPT('m', "shmems", NONE, NULL, "shared memory segments"),
	IB_OPT('q', "queues", NONE, NULL, "message queues"),
	IB_OPT('s', "semaphores", NONE, NULL, "semaphores"),
	IB_OPT('a', "all", NONE, NULL, "all (default; with --posix: System V and POSIX)"),
	IB_OPT(OPT_POSIX, "posix", NONE, NULL,
	       "POSIX message queues, shared memory and named semaphores"),
	IB_HEADING("Output options:"),
	IB_OPT('t', "time", NONE, NULL, "show attach, detach and change times"),
	IB_OPT('p', "pid", NONE, NULL, "show PIDs of creator and last operator"),
	IB_OPT(OPT_PROCESSES, "processes", NONE, NULL,
	       "name the creator and last-operator processes, say if alive"),
	IB_OPT('c', "creator", NONE, NULL, "show creator and owner"),
	IB_OPT('l', "limits", NONE, NULL, "show resource limits"),
	IB_OPT('u', "summary", NONE, NULL, "show status summary"),
	IB_OPT(OPT_HUMAN, "human", NONE, NULL, "show sizes in human-readable format"),
	IB_OPT('b', "bytes", NONE, NULL, "show sizes in bytes"),
	IB_OPT(OPT_JSON, "json", NONE, NULL, "print one JSON document (fields in ipcs(1))"),
	IB_HEADING("Filters (all given must match; shared with ipcrm):"),
	IB_FILTER_OPTS,
};

const struct ib_cmd ipcs_cmd = {
	.usage = "Usage: ipcs [resource-option...] [output-option] [filter...]\n"
		 "   or: ipcs -m|-q|-s -i <id> [--json]\n"
		 "   or: ipcs --posix -m|-q|-s -i </name> [--json]\n"
		 "\n"
		 "Show information on IPC facilities.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "For more details see ipcs(1).\n",
	.usage_status = IB_EXIT_FAIL,
	.kinds = IB_ALL_KINDS,
	.help_short = 'h',
	.version_short = 'V',
};

struct ctx {
	enum format format;
	enum unit unit;
	bool json;
	struct ib_json j;
	struct ib_names names;
	struct ib_filter filter;
	struct ib_ipcjson jc;     /* JSON records: points at j, names, filter */
};

/* ---- text helpers, in util-linux's exact formats ---- */

static void put_user(struct ctx *c, uid_t uid, const char *fmt_name, const char *fmt_id)
{
	const char *n = ib_user_name(&c->names, uid);
	if (n)
		printf(fmt_name, n);
	else
		printf(fmt_id, (unsigned)uid);
}

static void put_group(struct ctx *c, gid_t gid)
{
	const char *n = ib_group_name(&c->names, gid);
	if (n)
		printf(" %-10s", n);
	else
		printf(" %-10u", (unsigned)gid);
}

/* "%-10d %-10.10s": id and owner, or with the id WIDTH (8 in some layouts). */
static void put_id_owner(struct ctx *c, int id, int width, uid_t uid)
{
	printf("%-*d ", width, id);
	put_user(c, uid, "%-10.10s", "%-10u");
}

static void put_creator_row(struct ctx *c, const struct ib_sysv_perm *p)
{
	printf("%-10d %-10o", p->id, p->mode & 0777);
	put_user(c, p->cuid, " %-10s", " %-10u");
	put_group(c, p->cgid);
	put_user(c, p->uid, " %-10s", " %-10u");
	put_group(c, p->gid);
	putchar('\n');
}

/* util-linux ipc_print_size: an optional "LABEL (bytes) = " prefix, the value in
 * UNIT with a printf width, then END. */
static void put_size(enum unit unit, const char *label, uint64_t size, const char *end, int width)
{
	char h[32];
	if (!label)
		;
	else if (label[strlen(label) - 1] == '=')
		fputs(label, stdout);
	else if (unit == U_BYTES)
		printf("%s (bytes) = ", label);
	else if (unit == U_KB)
		printf("%s (kbytes) = ", label);
	else
		printf("%s = ", label);
	if (unit == U_HUMAN)
		printf("%*s", width, ib_human_size(size, h, sizeof h));
	else
		printf("%*" PRIu64, width, unit == U_KB ? size / 1024 : size);
	if (end)
		fputs(end, stdout);
}

/* A time column: " %-20.16s" of ctime+4, or "%-26.24s" of the whole ctime. */
static const char *when(int64_t t, char *buf, size_t len, bool short_form)
{
	if (!t)
		return "Not set";
	ib_ctime(t, buf, len);
	return short_form ? buf + 4 : buf;
}

/* ---- the processes behind an object ---- */

static const char *proc_cell(struct ctx *c, pid_t pid, char *buf, size_t len)
{
	if (pid <= 0)
		return "-";
	if (!ib_pid_alive(&c->filter.pids, pid))
		return "(dead)";
	if (!ib_pid_comm(pid, buf, len))
		snprintf(buf, len, "?");
	return buf;
}


/* ---- JSON pieces ---- */



/* ---- message queues ---- */


static void msg_header(struct ctx *c)
{
	switch (c->format) {
	case F_CREATOR:
		printf("------ Message Queues Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n", "msqid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case F_TIME:
		printf("------ Message Queues Send/Recv/Change Times --------\n");
		printf("%-8s %-10s %-20s %-20s %-20s\n", "msqid", "owner", "send", "recv", "change");
		break;
	case F_PID:
		printf("------ Message Queues PIDs --------\n");
		printf("%-10s %-10s %-10s %-10s\n", "msqid", "owner", "lspid", "lrpid");
		break;
	case F_PROCESSES:
		printf("------ Message Queues Processes --------\n");
		printf("%-10s %-10s %-10s %-16s %-10s %-16s %s\n", "msqid", "owner", "lspid",
		       "last-sender", "lrpid", "last-receiver", "stale");
		break;
	default:
		printf("------ Message Queues --------\n");
		printf("%-10s %-10s %-10s %-10s %-12s %-12s\n", "key", "msqid", "owner", "perms",
		       c->unit == U_HUMAN ? "size" : "used-bytes", "messages");
	}
}

static void msg_row(struct ctx *c, const struct ib_msgq_info *q)
{
	char t1[64], t2[64], t3[64];
	switch (c->format) {
	case F_CREATOR:
		put_creator_row(c, &q->perm);
		break;
	case F_TIME:
		put_id_owner(c, q->perm.id, 8, q->perm.uid);
		printf(" %-20.16s %-20.16s %-20.16s\n", when(q->stime, t1, sizeof t1, true),
		       when(q->rtime, t2, sizeof t2, true), when(q->ctime, t3, sizeof t3, true));
		break;
	case F_PID:
		put_id_owner(c, q->perm.id, 8, q->perm.uid);
		printf("  %5d     %5d\n", q->lspid, q->lrpid);
		break;
	case F_PROCESSES:
		put_id_owner(c, q->perm.id, 10, q->perm.uid);
		printf(" %-10d %-16s %-10d %-16s %s\n", q->lspid, proc_cell(c, q->lspid, t1, sizeof t1),
		       q->lrpid, proc_cell(c, q->lrpid, t2, sizeof t2),
		       ib_msgq_dead(&c->filter.pids, q) ? "yes" : "no");
		break;
	default:
		printf("0x%08x ", (unsigned)q->perm.key);
		put_id_owner(c, q->perm.id, 10, q->perm.uid);
		printf(" %-10o ", q->perm.mode & 0777);
		if (c->unit == U_HUMAN)
			put_size(c->unit, NULL, q->cbytes, "      ", 6);
		else
			put_size(c->unit, NULL, q->cbytes, NULL, -12);
		printf(" %-12" PRIu64 "\n", q->qnum);
	}
}

static void do_msg(struct ctx *c)
{
	struct ib_msgq_info *qs;
	size_t n;
	if (!c->json)
		msg_header(c);
	if (ib_msgq_list(&qs, &n) != 0) {
		if (c->json)
			ib_json_null(&c->j, "messages");
		return;
	}
	if (c->json)
		ib_json_open_array(&c->j, "messages");
	for (size_t i = 0; i < n; i++) {
		if (!ib_filter_msgq(&c->filter, &qs[i]))
			continue;
		if (c->json)
			ib_ipcjson_msgq(&c->jc, &qs[i]);
		else
			msg_row(c, &qs[i]);
	}
	if (c->json)
		ib_json_close_array(&c->j);
	free(qs);
}

/* ---- shared memory ---- */



static void shm_header(struct ctx *c)
{
	switch (c->format) {
	case F_CREATOR:
		printf("------ Shared Memory Segment Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n", "shmid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case F_TIME:
		printf("------ Shared Memory Attach/Detach/Change Times --------\n");
		printf("%-10s %-10s %-20s %-20s %-20s\n", "shmid", "owner", "attached", "detached", "changed");
		break;
	case F_PID:
		printf("------ Shared Memory Creator/Last-op PIDs --------\n");
		printf("%-10s %-10s %-10s %-10s\n", "shmid", "owner", "cpid", "lpid");
		break;
	case F_PROCESSES:
		printf("------ Shared Memory Processes --------\n");
		printf("%-10s %-10s %-10s %-10s %-16s %-10s %-16s %s\n", "shmid", "owner", "nattch",
		       "cpid", "creator", "lpid", "last-op", "stale");
		break;
	default:
		printf("------ Shared Memory Segments --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n", "key", "shmid", "owner", "perms",
		       c->unit == U_HUMAN ? "size" : "bytes", "nattch", "status");
	}
}

static void shm_row(struct ctx *c, const struct ib_shm_info *s)
{
	char t1[64], t2[64], t3[64];
	switch (c->format) {
	case F_CREATOR:
		put_creator_row(c, &s->perm);
		break;
	case F_TIME:
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-20.16s %-20.16s %-20.16s\n", when(s->atime, t1, sizeof t1, true),
		       when(s->dtime, t2, sizeof t2, true), when(s->ctime, t3, sizeof t3, true));
		break;
	case F_PID:
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-10u %-10u\n", (unsigned)s->cpid, (unsigned)s->lpid);
		break;
	case F_PROCESSES:
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-10" PRIu64 " %-10d %-16s %-10d %-16s %s\n", s->nattch, s->cpid,
		       proc_cell(c, s->cpid, t1, sizeof t1), s->lpid, proc_cell(c, s->lpid, t2, sizeof t2),
		       ib_shm_stale(&c->filter.pids, s) ? "yes" : "no");
		break;
	default:
		printf("0x%08x ", (unsigned)s->perm.key);
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-10o ", s->perm.mode & 0777);
		if (c->unit == U_HUMAN)
			put_size(c->unit, NULL, s->segsz, "    ", 6);
		else
			put_size(c->unit, NULL, s->segsz, NULL, -10);
		printf(" %-10" PRIu64 " %-6s %-6s\n", s->nattch, s->perm.mode & SHM_DEST ? "dest" : " ",
		       s->perm.mode & SHM_LOCKED ? "locked" : " ");
	}
}

static void do_shm(struct ctx *c)
{
	struct ib_shm_info *ss;
	size_t n;
	if (!c->json)
		shm_header(c);
	if ((c->json ? ib_shm_list_rss(&ss, &n) : ib_shm_list(&ss, &n)) != 0) {
		if (c->json)
			ib_json_null(&c->j, "sharedmemory");
		return;
	}
	if (c->json)
		ib_json_open_array(&c->j, "sharedmemory");
	for (size_t i = 0; i < n; i++) {
		if (!ib_filter_shm(&c->filter, &ss[i]))
			continue;
		if (c->json)
			ib_ipcjson_shm(&c->jc, &ss[i]);
		else
			shm_row(c, &ss[i]);
	}
	if (c->json)
		ib_json_close_array(&c->j);
	free(ss);
}

/* ---- semaphore sets ---- */



static void sem_header(struct ctx *c)
{
	switch (c->format) {
	case F_CREATOR:
		printf("------ Semaphore Arrays Creators/Owners --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s %-10s\n", "semid", "perms", "cuid", "cgid", "uid", "gid");
		break;
	case F_TIME:
		printf("------ Semaphore Operation/Change Times --------\n");
		printf("%-8s %-10s %-26.24s %-26.24s\n", "semid", "owner", "last-op", "last-changed");
		break;
	case F_PID:
		break; /* util-linux prints no semaphore section for -p */
	case F_PROCESSES:
		printf("------ Semaphore Arrays Processes --------\n");
		printf("%-10s %-10s %-10s %-6s %s\n", "semid", "owner", "nsems", "stale", "last-operators");
		break;
	default:
		printf("------ Semaphore Arrays --------\n");
		printf("%-10s %-10s %-10s %-10s %-10s\n", "key", "semid", "owner", "perms", "nsems");
	}
}

static void sem_row(struct ctx *c, const struct ib_sem_info *s)
{
	char t1[64], t2[64];
	switch (c->format) {
	case F_CREATOR:
		put_creator_row(c, &s->perm);
		break;
	case F_TIME:
		put_id_owner(c, s->perm.id, 8, s->perm.uid);
		printf("  %-26.24s %-26.24s\n", when(s->otime, t1, sizeof t1, false),
		       when(s->ctime, t2, sizeof t2, false));
		break;
	case F_PID:
		break;
	case F_PROCESSES: {
		pid_t pids[32];
		int n = ib_sem_last_pids(s, pids, 32);
		int dead = ib_sem_dead(&c->filter.pids, s);
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-10" PRIu64 " %-6s", s->nsems, dead < 0 ? "?" : dead ? "yes" : "no");
		if (n < 0)
			printf(" ?");
		for (int i = 0; i < n; i++)
			printf(" %d:%s", pids[i], proc_cell(c, pids[i], t1, sizeof t1));
		if (n == 0)
			printf(" -");
		putchar('\n');
		break;
	}
	default:
		printf("0x%08x ", (unsigned)s->perm.key);
		put_id_owner(c, s->perm.id, 10, s->perm.uid);
		printf(" %-10o %-10" PRIu64 "\n", s->perm.mode & 0777, s->nsems);
	}
}

static void do_sem(struct ctx *c)
{
	struct ib_sem_info *ss;
	size_t n;
	if (!c->json)
		sem_header(c);
	if (ib_sem_list(&ss, &n) != 0) {
		if (c->json)
			ib_json_null(&c->j, "semaphores");
		return;
	}
	if (c->json)
		ib_json_open_array(&c->j, "semaphores");
	for (size_t i = 0; i < n; i++) {
		if (!ib_filter_sem(&c->filter, &ss[i]))
			continue;
		if (c->json)
			ib_ipcjson_sem(&c->jc, &ss[i], NULL);
		else
			sem_row(c, &ss[i]);
	}
	if (c->json)
		ib_json_close_array(&c->j);
	free(ss);
}

/* ---- limits (-l) and summaries (-u) ---- */

static void limits_text(struct ctx *c, enum ib_kind kind)
{
	enum unit u = c->unit;
	if (kind == IB_MSGQ) {
		struct ib_msgq_limits l;
		if (ib_msgq_limits(&l) != 0) {
			printf("unable to fetch message limits\n");
			return;
		}
		printf("------ Messages Limits --------\n");
		printf("max queues system wide = %d\n", l.msgmni);
		put_size(u == U_DEFAULT ? U_BYTES : u, "max size of message", l.msgmax, "\n", 0);
		put_size(u == U_DEFAULT ? U_BYTES : u, "default max size of queue", (uint64_t)l.msgmnb, "\n", 0);
	} else if (kind == IB_SHM) {
		struct ib_shm_limits l;
		uint64_t pg = (uint64_t)getpagesize(), tmp;
		if (ib_shm_limits(&l) != 0) {
			printf("unable to fetch shared memory limits\n");
			return;
		}
		printf("------ Shared Memory Limits --------\n");
		printf("max number of segments = %" PRIu64 "\n", l.shmmni);
		put_size(u == U_DEFAULT ? U_KB : u, "max seg size", l.shmmax, "\n", 0);
		if (u == U_KB || u == U_DEFAULT) {
			tmp = l.shmall * (pg / 1024);
			if (l.shmall != 0 && tmp / l.shmall != pg / 1024)
				tmp = UINT64_MAX - (UINT64_MAX % (pg / 1024));
			put_size(U_DEFAULT, "max total shared memory (kbytes)", tmp, "\n", 0);
		} else {
			tmp = l.shmall * pg;
			if (l.shmall != 0 && tmp / l.shmall != pg)
				tmp = UINT64_MAX - (UINT64_MAX % pg);
			put_size(u, "max total shared memory", tmp, "\n", 0);
		}
		put_size(u == U_DEFAULT ? U_BYTES : u, "min seg size", l.shmmin, "\n", 0);
	} else {
		struct ib_sem_limits l;
		if (ib_sem_limits(&l) != 0) {
			printf("unable to fetch semaphore limits\n");
			return;
		}
		printf("------ Semaphore Limits --------\n");
		printf("max number of arrays = %d\n", l.semmni);
		printf("max semaphores per array = %d\n", l.semmsl);
		printf("max semaphores system wide = %d\n", l.semmns);
		printf("max ops per semop call = %d\n", l.semopm);
		printf("semaphore max value = %u\n", l.semvmx);
	}
}

static void status_text(struct ctx *c, enum ib_kind kind)
{
	if (kind == IB_MSGQ) {
		struct ib_msgq_status s;
		if (ib_msgq_status(&s) != 0) {
			printf("kernel not configured for message queues\n");
			return;
		}
		printf("------ Messages Status --------\n");
		printf("allocated queues = %d\n", s.pool);
		printf("used headers = %d\n", s.map);
		put_size(c->unit, "used space", (uint64_t)s.tql, c->unit == U_DEFAULT ? " bytes\n" : "\n", 0);
	} else if (kind == IB_SHM) {
		struct ib_shm_status s;
		if (ib_shm_status(&s) != 0) {
			printf("kernel not configured for shared memory\n");
			return;
		}
		printf("------ Shared Memory Status --------\n");
		printf("segments allocated %d\npages allocated %lu\npages resident  %lu\n"
		       "pages swapped   %lu\nSwap performance: %lu attempts\t %lu successes\n",
		       s.used_ids, s.tot, s.rss, s.swp, s.swap_attempts, s.swap_successes);
	} else {
		struct ib_sem_status s;
		if (ib_sem_status(&s) != 0) {
			printf("kernel not configured for semaphores\n");
			return;
		}
		printf("------ Semaphore Status --------\n");
		printf("used arrays = %d\n", s.usz);
		printf("allocated semaphores = %d\n", s.aem);
	}
}



static void posix_msgq_limits_text(void)
{
	struct ib_posix_msgq_limits l;
	if (ib_posix_msgq_limits(&l) != 0) {
		printf("unable to fetch POSIX message queue limits\n\n");
		return;
	}
	printf("------ POSIX Message Queues Limits --------\n");
	printf("max queues system wide = %ld\n", l.queues_max);
	printf("max messages per queue = %ld\n", l.msg_max);
	printf("max size of message (bytes) = %ld\n", l.msgsize_max);
	printf("default max messages per queue = %ld\n", l.msg_default);
	printf("default max size of message (bytes) = %ld\n\n", l.msgsize_default);
}

/* ---- one object (-i) ---- */

/* util-linux reads -i from /proc: a negative id matches the first object. */
static int first_or_stat(enum ib_kind kind, int id, void *out)
{
	void *arr = NULL;
	size_t n = 0;
	int rc = -1;
	if (id >= 0) {
		rc = kind == IB_MSGQ ? ib_msgq_stat(id, out)
		   : kind == IB_SHM ? ib_shm_stat(id, out) : ib_sem_stat(id, out);
		if (rc == 0 || errno != EACCES)
			return rc;
	}
	/* No *_STAT_ANY and no read permission, or a negative id: scan the list. */
	size_t size = kind == IB_MSGQ ? sizeof(struct ib_msgq_info)
		    : kind == IB_SHM ? sizeof(struct ib_shm_info) : sizeof(struct ib_sem_info);
	if ((kind == IB_MSGQ ? ib_msgq_list((struct ib_msgq_info **)&arr, &n)
	     : kind == IB_SHM ? ib_shm_list((struct ib_shm_info **)&arr, &n)
			      : ib_sem_list((struct ib_sem_info **)&arr, &n)) != 0)
		return -1;
	for (size_t i = 0; i < n && rc != 0; i++) {
		const struct ib_sysv_perm *p = (const void *)((char *)arr + i * size);
		if (id < 0 || p->id == id) {
			memcpy(out, (char *)arr + i * size, size);
			rc = 0;
		}
	}
	if (rc == 0 && id < 0 && kind == IB_MSGQ) {
		/* util-linux only stats the queue for a real id: -i -1 shows qbytes=0 */
		((struct ib_msgq_info *)out)->qbytes = 0;
	}
	free(arr);
	if (rc != 0)
		errno = EINVAL;
	return rc;
}

static int print_one(struct ctx *c, enum ib_kind kind, int id)
{
	union {
		struct ib_msgq_info q;
		struct ib_shm_info s;
		struct ib_sem_info e;
	} u;
	char t1[64], t2[64], t3[64];
	static const char *const table[] = { "messages", "sharedmemory", "semaphores" };
	if (first_or_stat(kind, id, &u) != 0) {
		if (errno != EINVAL && errno != ENOENT)
			ib_die_sys(IB_EXIT_FAIL, errno, "id %d", id);
		ib_warn("id %d not found", id);
		if (c->json) {
			ib_json_open(&c->j, NULL);
			ib_json_open_array(&c->j, table[kind]);
			ib_json_close_array(&c->j);
			ib_json_close(&c->j);
			ib_json_end(&c->j);
		}
		return IB_EXIT_OK;
	}
	struct ib_sem_elem *elems = NULL;
	if (kind == IB_SEM) {
		const char *what;
		elems = calloc(u.e.nsems ? u.e.nsems : 1, sizeof *elems);
		if (!elems)
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "semctl");
		if (ib_sem_elems(u.e.perm.id, u.e.nsems, elems, &what) != 0) {
			int e = errno;
			free(elems);
			ib_die_sys(IB_EXIT_FAIL, e, "%s failed", what);
		}
	}
	if (c->json) {
		ib_json_open(&c->j, NULL);
		ib_json_open_array(&c->j, table[kind]);
		if (kind == IB_MSGQ)
			ib_ipcjson_msgq(&c->jc, &u.q);
		else if (kind == IB_SHM)
			ib_ipcjson_shm(&c->jc, &u.s);
		else
			ib_ipcjson_sem(&c->jc, &u.e, elems);
		ib_json_close_array(&c->j);
		ib_json_close(&c->j);
		ib_json_end(&c->j);
		free(elems);
		return IB_EXIT_OK;
	}
	if (kind == IB_MSGQ) {
		const struct ib_msgq_info *q = &u.q;
		printf("\nMessage Queue msqid=%d\n", id);
		printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\tmode=%#o\n", (unsigned)q->perm.uid,
		       (unsigned)q->perm.gid, (unsigned)q->perm.cuid, (unsigned)q->perm.cgid, q->perm.mode);
		put_size(c->unit, c->unit == U_HUMAN ? "csize=" : "cbytes=", q->cbytes, "\t", 0);
		put_size(c->unit, c->unit == U_HUMAN ? "qsize=" : "qbytes=", q->qbytes, "\t", 0);
		printf("qnum=%" PRIu64 "\tlspid=%d\tlrpid=%d\n", q->qnum, q->lspid, q->lrpid);
		printf("send_time=%-26.24s\n", when(q->stime, t1, sizeof t1, false));
		printf("rcv_time=%-26.24s\n", when(q->rtime, t2, sizeof t2, false));
		printf("change_time=%-26.24s\n", when(q->ctime, t3, sizeof t3, false));
	} else if (kind == IB_SHM) {
		const struct ib_shm_info *s = &u.s;
		printf("\nShared memory Segment shmid=%d\n", id);
		printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\n", (unsigned)s->perm.uid, (unsigned)s->perm.gid,
		       (unsigned)s->perm.cuid, (unsigned)s->perm.cgid);
		printf("mode=%#o\taccess_perms=%#o\n", s->perm.mode, s->perm.mode & 0777);
		put_size(c->unit, c->unit == U_HUMAN ? "size=" : "bytes=", s->segsz, "\t", 0);
		printf("lpid=%u\tcpid=%u\tnattch=%" PRIu64 "\n", (unsigned)s->lpid, (unsigned)s->cpid,
		       s->nattch);
		printf("att_time=%-26.24s\n", when(s->atime, t1, sizeof t1, false));
		printf("det_time=%-26.24s\n", when(s->dtime, t2, sizeof t2, false));
		printf("change_time=%-26.24s\n", ib_ctime(s->ctime, t3, sizeof t3));
	} else {
		const struct ib_sem_info *e = &u.e;
		printf("\nSemaphore Array semid=%d\n", id);
		printf("uid=%u\t gid=%u\t cuid=%u\t cgid=%u\n", (unsigned)e->perm.uid,
		       (unsigned)e->perm.gid, (unsigned)e->perm.cuid, (unsigned)e->perm.cgid);
		printf("mode=%#o, access_perms=%#o\n", e->perm.mode, e->perm.mode & 0777);
		printf("nsems = %" PRIu64 "\n", e->nsems);
		printf("otime = %-26.24s\n", when(e->otime, t1, sizeof t1, false));
		printf("ctime = %-26.24s\n", ib_ctime(e->ctime, t2, sizeof t2));
		printf("%-10s %-10s %-10s %-10s %-10s\n", "semnum", "value", "ncount", "zcount", "pid");
		for (uint64_t i = 0; i < e->nsems; i++)
			printf("%-10" PRIu64 " %-10d %-10d %-10d %-10d\n", i, elems[i].val,
			       elems[i].ncount, elems[i].zcount, elems[i].pid);
	}
	printf("\n");
	free(elems);
	return IB_EXIT_OK;
}

/* ---- POSIX objects ---- */

static const char *const posix_table[] = { "posix-messages", "posix-sharedmemory",
					   "posix-semaphores" };
static const char *const posix_title[] = { "POSIX Message Queues", "POSIX Shared Memory",
					   "POSIX Semaphores" };



static void posix_row(struct ctx *c, const struct ib_posix_info *o)
{
	char t[64], h[32];
	char name[sizeof o->name];
	/* a name is any bytes but '/': keep control characters out of the table */
	for (size_t i = 0; i < sizeof name && (name[i] = o->name[i]); i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			name[i] = '?';
	printf("%-20s ", name);
	put_user(c, o->uid, "%-10.10s", "%-10u");
	if (c->format == F_PROCESSES) {
		pid_t pids[32];
		int n = ib_filter_posix_users_of(&c->filter, o, pids, 32);
		printf(" %-6s", n < 0 ? "?" : n == 0 ? "yes" : "no");
		for (int i = 0; i < n; i++)
			printf(" %d:%s", pids[i], proc_cell(c, pids[i], t, sizeof t));
		printf(n < 0 ? " ?\n" : n == 0 ? " -\n" : "\n");
		return;
	}
	printf(" %-10o ", (unsigned)o->mode & 0777);
	if (o->kind == IB_SEM) {
		if (o->value_known)
			printf("%-10d\n", o->value);
		else
			printf("%-10s\n", "?");
		return;
	}
	if (c->unit == U_HUMAN)
		printf("%-12s", ib_human_size(o->size, h, sizeof h));
	else
		printf("%-12" PRIu64, o->size);
	if (o->kind == IB_MSGQ) {
		if (o->msgs_known)
			printf(" %-12ld\n", o->msgs);
		else
			printf(" %-12s\n", "?");
	} else {
		/* ctime less the weekday and the year; a time beyond the calendar is
		 * ib_ctime's plain number, shown whole */
		const char *m = ib_ctime(o->mtime, t, sizeof t);
		if (m[0] >= 'A' && m[0] <= 'Z')
			printf(" %-20.16s\n", m + 4);
		else
			printf(" %-20s\n", m);
	}
}

static void do_posix(struct ctx *c, enum ib_kind kind)
{
	struct ib_posix_info *os;
	size_t n;
	static const char *const headers[] = {
		"%-20s %-10s %-10s %-12s %-12s\n", "%-20s %-10s %-10s %-12s %-20s\n",
		"%-20s %-10s %-10s %-10s\n",
	};
	if (!c->json) {
		printf("------ %s --------\n", posix_title[kind]);
		if (c->format == F_PROCESSES)
			printf("%-20s %-10s %-6s %s\n", "name", "owner", "stale", "users");
		else if (kind == IB_MSGQ)
			printf(headers[0], "name", "owner", "perms", c->unit == U_HUMAN ? "size" : "used-bytes", "messages");
		else if (kind == IB_SHM)
			printf(headers[1], "name", "owner", "perms", c->unit == U_HUMAN ? "size" : "bytes", "modified");
		else
			printf(headers[2], "name", "owner", "perms", "value");
	}
	if (ib_posix_list(kind, &os, &n) != 0) {
		int e = errno;
		if (kind == IB_MSGQ && e == ENOENT) {
			if (c->json)
				ib_warn(IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be listed");
			else
				printf(IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be listed\n"
				       "(mount -t mqueue none " IB_MQUEUE_DIR ")\n");
		} else {
			ib_warn_sys(e, "cannot list %s", kind == IB_MSGQ ? IB_MQUEUE_DIR : IB_SHM_DIR);
		}
		if (c->json)
			ib_json_null(&c->j, posix_table[kind]);
		return;
	}
	if (c->json)
		ib_json_open_array(&c->j, posix_table[kind]);
	for (size_t i = 0; i < n; i++) {
		if (!ib_filter_posix(&c->filter, &os[i]))
			continue;
		if (c->json)
			ib_ipcjson_posix(&c->jc, &os[i]);
		else
			posix_row(c, &os[i]);
	}
	if (c->json)
		ib_json_close_array(&c->j);
	free(os);
}

/* -u --posix: totals, in the style of the System V summaries. */
static void posix_status(struct ctx *c, enum ib_kind kind)
{
	static const char *const title[] = { "POSIX Messages Status", "POSIX Shared Memory Status",
					     "POSIX Semaphore Status" };
	struct ib_posix_summary s;
	if (ib_posix_summary(kind, &s) != 0) {
		int e = errno;
		if (kind == IB_MSGQ && e == ENOENT && !c->json)
			printf(IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be listed\n");
		else if (kind == IB_MSGQ && e == ENOENT)
			ib_warn(IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be listed");
		else
			ib_warn_sys(e, "cannot list %s", kind == IB_MSGQ ? IB_MQUEUE_DIR : IB_SHM_DIR);
		if (c->json)
			ib_json_null(&c->j, posix_table[kind]);
		else
			printf("\n");
		return;
	}
	if (c->json) {
		ib_json_open(&c->j, posix_table[kind]);
		if (kind == IB_MSGQ) {
			ib_json_uint(&c->j, "queues", s.objects);
			ib_json_uint(&c->j, "messages", s.messages);
			ib_json_uint(&c->j, "used_bytes", s.bytes);
			ib_json_uint(&c->j, "unreadable", s.unreadable);
		} else if (kind == IB_SHM) {
			ib_json_uint(&c->j, "objects", s.objects);
			ib_json_uint(&c->j, "bytes", s.bytes);
			ib_json_uint(&c->j, "pages_used", s.pages);
		} else {
			ib_json_uint(&c->j, "semaphores", s.objects);
		}
		ib_json_close(&c->j);
		return;
	}
	printf("------ %s --------\n", title[kind]);
	if (kind == IB_MSGQ) {
		printf("allocated queues = %zu\n", s.objects);
		printf("queued messages = %" PRIu64 "\n", s.messages);
		put_size(c->unit, "used space", s.bytes, c->unit == U_DEFAULT ? " bytes\n" : "\n", 0);
		if (s.unreadable)
			printf("unreadable queues = %zu\n", s.unreadable);
	} else if (kind == IB_SHM) {
		char h[32];
		printf("objects allocated %zu\n", s.objects);
		if (c->unit == U_HUMAN)
			printf("size allocated  %s\n", ib_human_size(s.bytes, h, sizeof h));
		else
			printf("bytes allocated %" PRIu64 "\n", s.bytes);
		printf("pages used      %" PRIu64 "\n", s.pages);
	} else {
		printf("allocated semaphores = %zu\n", s.objects);
	}
	printf("\n");
}

/* -i /NAME with --posix: one object's details, in the style of -i for System V.
 * Unlike a missing System V id, a missing name exits 1. */
static int posix_one(struct ctx *c, enum ib_kind kind, const char *name)
{
	static const char *const title[] = { "POSIX Message Queue", "POSIX Shared Memory",
					     "POSIX Semaphore" };
	struct ib_posix_info o;
	char t[64];
	const char *why = ib_posix_name_error(name);
	if (why)
		ib_die(IB_EXIT_FAIL, "invalid POSIX name %s: %s", ib_quote(name), why);
	bool found = false;
	if (kind == IB_MSGQ && !ib_mqueue_mounted())
		ib_warn(IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be read");
	else if (ib_posix_stat(kind, name, &o) == 0)
		found = true;
	else if (errno == ENOENT)
		ib_warn("POSIX %s %s not found", ib_posix_kind_name(kind), ib_quote(name));
	else
		ib_warn_sys(errno, "POSIX %s %s", ib_posix_kind_name(kind), ib_quote(name));
	if (!found) {
		if (c->json) {
			ib_json_open(&c->j, NULL);
			ib_json_open_array(&c->j, posix_table[kind]);
			ib_json_close_array(&c->j);
			ib_json_close(&c->j);
			ib_json_end(&c->j);
		}
		return IB_EXIT_FAIL;
	}
	if (c->json) {
		ib_json_open(&c->j, NULL);
		ib_json_open_array(&c->j, posix_table[kind]);
		ib_ipcjson_posix(&c->jc, &o);
		ib_json_close_array(&c->j);
		ib_json_close(&c->j);
		ib_json_end(&c->j);
		return IB_EXIT_OK;
	}
	/* the name as posix_row shows it: no control characters on the terminal */
	for (char *p = o.name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	printf("\n%s name=%s\n", title[kind], o.name);
	printf("uid=%u\tgid=%u\t", (unsigned)o.uid, (unsigned)o.gid);
	put_user(c, o.uid, "owner=%s\t", "owner=%u\t");
	const char *g = ib_group_name(&c->names, o.gid);
	if (g)
		printf("group=%s\t", g);
	else
		printf("group=%u\t", (unsigned)o.gid);
	printf("mode=%#o\n", (unsigned)o.mode);
	if (kind == IB_MSGQ) {
		put_size(c->unit, c->unit == U_HUMAN ? "used_size=" : "used_bytes=", o.size, "\t", 0);
		if (o.msgs_known)
			printf("messages=%ld\tmq_maxmsg=%ld\tmq_msgsize=%ld\n", o.msgs, o.maxmsg, o.msgsize);
		else
			printf("messages=?\tmq_maxmsg=?\tmq_msgsize=?\n");
		printf("notify=%d\tsigno=%d\tnotify_pid=%d\n", o.notify, o.signo, (int)o.notify_pid);
	} else if (kind == IB_SHM) {
		put_size(c->unit, c->unit == U_HUMAN ? "size=" : "bytes=", o.size, "\t", 0);
		printf("pages_used=%" PRIu64 "\n", ib_posix_pages_used(&o));
	} else if (o.value_known) {
		printf("value=%d\n", o.value);
	} else {
		printf("value=?\n");
	}
	printf("access_time=%s\n", ib_ctime(o.atime, t, sizeof t));
	printf("modify_time=%s\n", ib_ctime(o.mtime, t, sizeof t));
	printf("change_time=%s\n", ib_ctime(o.ctime, t, sizeof t));
	printf("\n");
	return IB_EXIT_OK;
}

/* ---- main ---- */

/* util-linux strtos32_or_err: a decimal int32, leading blanks and a sign allowed. */
static int parse_id(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == 0 && (v < INT_MIN || v > INT_MAX))
		errno = ERANGE;
	if (errno == ERANGE)
		ib_die_sys(IB_EXIT_FAIL, ERANGE, "failed to parse id argument: '%s'", s);
	if (end == s || *end != '\0' || errno)
		ib_die(IB_EXIT_FAIL, "failed to parse id argument: '%s'", s);
	return (int)v;
}

/* Whether -i's argument is meant as a number (util-linux's id, even with --posix). */
static bool id_like(const char *s)
{
	return strspn(s, " \t+-0123456789") == strlen(s);
}

static void section(struct ctx *c, enum ib_kind kind)
{
	if (c->format == F_LIMITS || c->format == F_STATUS) {
		if (!c->json)
			(c->format == F_LIMITS ? limits_text : status_text)(c, kind);
		else
			(c->format == F_LIMITS ? ib_ipcjson_limits : ib_ipcjson_status)(&c->j, kind);
	} else if (kind == IB_MSGQ) {
		do_msg(c);
	} else if (kind == IB_SHM) {
		do_shm(c);
	} else {
		do_sem(c);
	}
	if (!c->json)
		printf("\n");
}

int ipcs_main(int argc, char **argv)
{
	struct ctx c = { .format = F_DEFAULT, .unit = U_DEFAULT, .names = IB_NAMES_INIT };
	bool want[3] = { false, false, false }, all = false, posix = false, specific = false;
	int opt, id = 0;
	const char *pname = NULL; /* -i /NAME: a POSIX object, with --posix */
	static char outbuf[1 << 16]; /* stdout's buffer: lives until ib_finish flushes it */

	setlocale(LC_ALL, "");
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	ib_filter_init(&c.filter);
	struct ib_args args;
	ib_args_init(&args, &ipcs_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_filter_arg(&c.filter, &args))
			continue;
		switch (opt) {
		case 'i':
			/* util-linux stops at once on a bad id; with --posix (given
			 * before or after) what is not a number is a POSIX name */
			pname = (posix || ib_args_ahead(&args, OPT_POSIX)) && !id_like(args.arg) ?
					args.arg : NULL;
			if (!pname)
				id = parse_id(args.arg);
			specific = true;
			break;
		case 'a':
			all = want[IB_MSGQ] = want[IB_SHM] = want[IB_SEM] = true;
			break;
		case 'q': want[IB_MSGQ] = true; break;
		case 'm': want[IB_SHM] = true; break;
		case 's': want[IB_SEM] = true; break;
		case 't': c.format = F_TIME; break;
		case 'c': c.format = F_CREATOR; break;
		case 'p': c.format = F_PID; break;
		case 'l': c.format = F_LIMITS; break;
		case 'u': c.format = F_STATUS; break;
		case OPT_PROCESSES: c.format = F_PROCESSES; break;
		case OPT_HUMAN: c.unit = U_HUMAN; break;
		case 'b': c.unit = U_BYTES; break;
		case OPT_POSIX: posix = true; break;
		case OPT_JSON: c.json = true; break;
		}
	}
	/* Operands: util-linux ignores them, and so do we (scripts pass them). */
	free(args.ops);
	int nwant = want[0] + want[1] + want[2];
	if (specific && nwant != 1)
		ib_die(IB_EXIT_FAIL, "when using an ID, a single resource must be specified");
	if (c.json)
		ib_json_init(&c.j, stdout);
	c.jc = (struct ib_ipcjson){ &c.j, &c.names, &c.filter, c.format == F_PROCESSES };
	int rc = IB_EXIT_OK;
	if (specific && pname) {
		rc = posix_one(&c, want[IB_MSGQ] ? IB_MSGQ : want[IB_SHM] ? IB_SHM : IB_SEM, pname);
		goto out;
	}
	if (specific) {
		rc = print_one(&c, want[IB_MSGQ] ? IB_MSGQ : want[IB_SHM] ? IB_SHM : IB_SEM, id);
		goto out;
	}
	bool sysv = !posix || all;
	if (nwant == 0)
		want[IB_MSGQ] = want[IB_SHM] = want[IB_SEM] = true;
	if (c.json) {
		ib_json_open(&c.j, NULL);
		if (c.format == F_LIMITS || c.format == F_STATUS)
			ib_json_open(&c.j, c.format == F_LIMITS ? "limits" : "summary");
	} else {
		printf("\n");
	}
	if (sysv)
		for (int k = IB_MSGQ; k <= IB_SEM; k++)
			if (want[k])
				section(&c, (enum ib_kind)k);
	if (posix && c.format == F_LIMITS && want[IB_MSGQ]) {
		if (c.json)
			ib_ipcjson_posix_msgq_limits(&c.j);
		else
			posix_msgq_limits_text();
	}
	if (posix && c.format != F_LIMITS) {
		static const enum ib_kind of[] = { IB_MSGQ, IB_SHM, IB_SEM };
		for (int k = IB_MSGQ; k <= IB_SEM; k++) {
			if (!want[of[k]])
				continue;
			if (c.format == F_STATUS) {
				posix_status(&c, (enum ib_kind)k);
				continue;
			}
			do_posix(&c, (enum ib_kind)k);
			if (!c.json)
				printf("\n");
		}
	}
	if (c.json) {
		if (c.format == F_LIMITS || c.format == F_STATUS)
			ib_json_close(&c.j);
		ib_json_close(&c.j);
		ib_json_end(&c.j);
	}
out:
	ib_filter_free(&c.filter);
	ib_names_free(&c.names);
	return rc;
}
