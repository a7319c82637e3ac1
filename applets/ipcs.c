/* ipcs: show IPC facilities. A drop-in for util-linux ipcs 2.38: the same options,
 * output layouts, messages and exit codes (1 for usage errors, and `id N not found`
 * still exits 0). Added: POSIX objects (--posix), the processes behind each object
 * (--processes), one JSON document (--json), and the filters shared with ipcrm.
 * Listing reads /proc/sysvipc once; -i is one direct stat call.
 *
 * Every table is described once, as data (ipcs-desc.c): per kind of object, the
 * cells of each view (columns of a listing, lines of -i), and the routines here
 * print any of them. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/filter.h"
#include "ipc/ipcjson.h"
#include "ipc/json.h"
#include "ipc/names.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/posixlist.h"
#include "ipc/quote.h"
#include "ipc/sysvlist.h"
#include "ipcs-desc.h"
#include "ipcs-ftok.h"
#include "ipcs-humanfmt.h"
#include "ipcs-table.h"
#include "ipcs-users.h"

enum { OPT_HUMAN = 0x1300, OPT_POSIX, OPT_PROCESSES, OPT_USERS, OPT_FTOK_SCAN, OPT_LIST_COLUMNS,
       OPT_NOHEADINGS, OPT_NOTRUNCATE, OPT_TIME_FORMAT };
enum { EXCL_FORM = 1 << 0 }; /* lsipc's -J, -e, -n, -r */

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
	IB_OPT('Q', "posix-mqueues", NONE, NULL, "POSIX message queues, as lsipc -Q"),
	IB_OPT('M', "posix-shmems", NONE, NULL, "POSIX shared memory, as lsipc -M"),
	IB_OPT('S', "posix-semaphores", NONE, NULL, "POSIX named semaphores, as lsipc -S"),
	IB_OPT('g', "global", NONE, NULL,
	       "system-wide limits and use (RESOURCE DESCRIPTION LIMIT USED USE%)"),
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
	IB_OPT('J', "json", NONE, NULL, "print one JSON document (fields in ipcs(1))",
	       .excl = EXCL_FORM),
	IB_OPT(OPT_USERS, "users", NONE, NULL,
	       "name the processes using each object, and how (read from /proc)"),
	IB_OPT(OPT_FTOK_SCAN, "ftok-scan", PATH, "DIR",
	       "show the PATH:PROJ in DIR each key's ftok(3) came from (more DIRs may "
	       "follow as operands)"),
	IB_OPT('R', "recursive", NONE, NULL, "with --ftok-scan: in subdirectories too"),
	IB_HEADING("lsipc's output options (need libsmartcols.so.1):"),
	IB_OPT('o', "output", LIST, "LIST",
	       "print the columns of LIST (--list-columns); +LIST adds them to the default",
	       .words = ib_table_column_name),
	IB_OPT(OPT_LIST_COLUMNS, "list-columns", NONE, NULL, "list the columns -o takes"),
	IB_OPT(OPT_NOHEADINGS, "noheadings", NONE, NULL, "don't print headings"),
	IB_OPT(OPT_NOTRUNCATE, "notruncate", NONE, NULL, "don't truncate output"),
	IB_OPT('r', "raw", NONE, NULL, "display in raw mode", .excl = EXCL_FORM),
	IB_OPT('e', "export", NONE, NULL, "display in an export-able output format (KEY=\"...\")",
	       .excl = EXCL_FORM),
	IB_OPT('n', "newline", NONE, NULL, "display each piece of information on a new line",
	       .excl = EXCL_FORM),
	IB_OPT('y', "shell", NONE, NULL, "use column names usable as shell variable names"),
	IB_OPT(OPT_TIME_FORMAT, "time-format", CHOICE, "FORMAT",
	       "display dates in short, full or iso format", .choices = "short|full|iso"),
	IB_OPT('P', "numeric-perms", NONE, NULL, "print numeric permissions (PERMS column)"),
	IB_HEADING("Filters (all given must match; shared with ipcrm):"),
	IB_FILTER_OPTS,
};

const struct ib_cmd ipcs_cmd = {
	.usage = "Usage: ipcs [resource-option...] [output-option] [filter...]\n"
		 "   or: ipcs -m|-q|-s -i <id> [--json]\n"
		 "   or: ipcs --posix -m|-q|-s -i </name> [--json]\n"
		 "   or: ipcs -q|-m|-s|-Q|-M|-S [-i <id>|</name>] [lsipc-option...]\n"
		 "   or: ipcs -g [-q|-m|-s|-Q] [lsipc-option...]\n"
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
	bool users;               /* --users */
	bool users_said;          /* that some lists are incomplete, on stderr */
	struct ib_ftok *ftok;     /* --ftok-scan's files, or NULL */
	bool table;               /* an lsipc output option: ipcs-table.c prints */
	struct ib_table_opts tab;
};

/* ---- the generic routines: a cell's text, a header, a row, a list ---- */

/* A time: ctime, or without the weekday, or "Not set" for none. */
static const char *when(int64_t t, char *buf, size_t len, bool short_form)
{
	if (!t)
		return "Not set";
	ib_ctime(t, buf, len);
	return short_form ? buf + 4 : buf;
}

/* A process column: PID's command, "(dead)", or "-" when none is recorded. */
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

/* The processes behind record R: a set's last operators, or who has a POSIX
 * object open or mapped. At most MAX into PIDS; -1 if they cannot be known. */
static int users_of(struct ctx *c, const struct kind *k, const void *r, pid_t *pids, int max)
{
	if (k->posix)
		return ib_filter_posix_users_of(&c->filter, r, pids, (size_t)max);
	return ib_sem_last_pids(r, pids, max);
}

/* --processes' stale column: whether no live process is behind R. */
static const char *stale(struct ctx *c, const struct kind *k, const void *r)
{
	pid_t pid;
	int dead;
	if (k->posix) {
		int n = users_of(c, k, r, &pid, 1);
		dead = n < 0 ? -1 : n == 0;
	} else {
		dead = ib_sysv_stale(&c->filter.pids, k->kind, r);
	}
	return dead < 0 ? "?" : dead ? "yes" : "no";
}

static const char *users(struct ctx *c, const struct kind *k, const void *r, char *buf, size_t len)
{
	pid_t pids[32];
	char comm[64];
	int n = users_of(c, k, r, pids, 32);
	if (n <= 0)
		return n < 0 ? " ?" : " -";
	buf[0] = '\0';
	for (size_t i = 0, used = 0; i < (size_t)n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %d:%s", pids[i],
					 proc_cell(c, pids[i], comm, sizeof comm));
	return buf;
}

/* ---- --users and --ftok-scan: a column, lines under -i, JSON members ---- */

/* The processes using record R of K; the first time a list is incomplete, says
 * once on stderr why. */
static struct ib_users_of using(struct ctx *c, const struct kind *k, const void *r)
{
	struct ib_users *u = ib_filter_users(&c->filter, ib_scan_needs(k->kind, k->posix));
	struct ib_users_of uo = { .incomplete = true };
	if (u)
		uo = k->posix ? ib_users_posix(u, r) : ib_users_sysv(u, k->kind, r);
	if (!uo.incomplete || c->users_said)
		return uo;
	c->users_said = true;
	if (!u)
		ib_warn_sys(errno, "--users: cannot read /proc");
	else if (ib_users_hidden(u))
		ib_warn("--users: /proc hides other users' processes (hidepid): lists marked "
			"incomplete may miss users");
	else if (ib_users_uninspected(u))
		ib_warn("--users: %zu process%s could not be inspected (/proc/PID/maps, fd or "
			"syscall not readable: not ours; try as root): lists marked incomplete may "
			"miss users", ib_users_uninspected(u), ib_users_uninspected(u) == 1 ? "" : "es");
	else
		ib_warn("--users: some attachments are by processes not visible here (another "
			"PID namespace): lists marked incomplete miss them");
	return uo;
}

static struct ib_ftok_match ftok_of(struct ctx *c, const struct kind *k, const void *r)
{
	if (k->posix)
		return (struct ib_ftok_match){ NULL, 0, 0 };
	return ib_ftok_find(c->ftok, ((const struct ib_sysv_perm *)r)->key);
}

/* The titles of the columns --users and --ftok-scan add to a listing. */
static void more_titles(const struct ctx *c, const struct kind *k)
{
	if (c->users)
		printf(" %-20s", "users");
	if (c->ftok && !k->posix)
		printf(" %s", "ftok");
}

static void more_cells(struct ctx *c, const struct kind *k, const void *r)
{
	char buf[4096];
	if (c->users) {
		struct ib_users_of uo = using(c, k, r);
		printf(" %-20s", ib_users_text(&uo, buf, sizeof buf));
	}
	if (c->ftok && !k->posix) {
		struct ib_ftok_match m = ftok_of(c, k, r);
		printf(" %s", ib_ftok_text(&m, buf, sizeof buf));
	}
}

/* -i: the lines they add. */
static void more_lines(struct ctx *c, const struct kind *k, const void *r)
{
	char buf[4096];
	if (c->ftok && !k->posix) {
		struct ib_ftok_match m = ftok_of(c, k, r);
		printf("ftok=%s\n", ib_ftok_text(&m, buf, sizeof buf));
	}
	if (c->users) {
		struct ib_users_of uo = using(c, k, r);
		ib_users_lines(stdout, &uo);
	}
}

/* The JSON members they add to each object (ib_ipcjson's hook). */
static void more_json(const struct ib_ipcjson *jc, enum ib_kind kind, bool posix, const void *r)
{
	struct ctx *c = jc->arg;
	const struct kind *k = posix ? &ib_ipcs_posix[kind] : &ib_ipcs_sysv[kind];
	if (c->users) {
		struct ib_users_of uo = using(c, k, r);
		ib_users_json(&c->j, &uo);
	}
	if (c->ftok && !posix) {
		struct ib_ftok_match m = ftok_of(c, k, r);
		ib_ftok_json(&c->j, &m);
	}
}

/* The text of cell L of record R, in BUF or a constant. */
static const char *text(struct ctx *c, const struct kind *k, const struct cell *l, const void *r,
			char *buf, size_t len)
{
	const void *v = (const char *)r + l->at;
	const char *s;
	if (l->known && !*(const bool *)((const char *)r + l->known))
		return "?";
	switch (l->type) {
	case C_KEY: snprintf(buf, len, "0x%08x", *(const unsigned *)v); break;
	case C_INT: snprintf(buf, len, "%d", *(const int *)v); break;
	case C_UINT: snprintf(buf, len, "%u", *(const unsigned *)v); break;
	case C_U64: snprintf(buf, len, "%" PRIu64, *(const uint64_t *)v); break;
	case C_LONG: snprintf(buf, len, "%ld", *(const long *)v); break;
	case C_PERMS: snprintf(buf, len, "%o", *(const unsigned *)v & 0777); break;
	case C_MODE: snprintf(buf, len, "%#o", *(const unsigned *)v); break;
	case C_ACCESS: snprintf(buf, len, "%#o", *(const unsigned *)v & 0777); break;
	case C_USER:
	case C_GROUP:
		s = l->type == C_USER ? ib_user_name(&c->names, *(const uid_t *)v)
				      : ib_group_name(&c->names, *(const gid_t *)v);
		if (s)
			return s;
		snprintf(buf, len, "%u", *(const unsigned *)v);
		break;
	case C_SIZE:
		if (c->unit == U_HUMAN)
			return ib_human_size(*(const uint64_t *)v, buf, len);
		snprintf(buf, len, "%" PRIu64, *(const uint64_t *)v);
		break;
	case C_TIME: return when(*(const int64_t *)v, buf, len, true);
	case C_LTIME: return when(*(const int64_t *)v, buf, len, false);
	case C_CTIME: return ib_ctime(*(const int64_t *)v, buf, len);
	case C_MTIME: {
		char t[64];
		s = ib_ctime(*(const int64_t *)v, t, sizeof t);
		/* less the weekday and the year; ib_ctime's plain number whole */
		bool date = s[0] >= 'A' && s[0] <= 'Z';
		snprintf(buf, len, "%.*s", date ? 16 : 63, date ? s + 4 : s);
		break;
	}
	case C_PROC: return proc_cell(c, *(const pid_t *)v, buf, len);
	case C_FLAG: return *(const unsigned *)v & l->bit ? l->word : " ";
	case C_STALE: return stale(c, k, r);
	case C_USERS: return users(c, k, r, buf, len);
	case C_NAME:
		/* a name is any bytes but '/': keep control characters off the terminal */
		for (size_t i = 0; i < len && (buf[i] = ((const char *)v)[i]); i++)
			if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
				buf[i] = '?';
		break;
	case C_PAGES: snprintf(buf, len, "%" PRIu64, ib_posix_pages_used(r)); break;
	case C_ULONG: snprintf(buf, len, "%lu", *(const unsigned long *)v); break;
	case C_SIZET: snprintf(buf, len, "%zu", *(const size_t *)v); break;
	default: /* the sizes of -l and -u: see stats() */
		buf[0] = '\0';
	}
	return buf;
}

/* Whether cell L belongs to the unit asked for (--human or not). */
static bool shown(const struct ctx *c, const struct cell *l)
{
	return l->when == ALWAYS || (l->when == HUMAN) == (c->unit == U_HUMAN);
}

static void header(const struct ctx *c, const struct kind *k, const struct view *v)
{
	if (!v->title)
		return;
	printf("------ %s --------\n", v->title);
	for (const struct cell *l = v->cells; l->fmt; l++)
		if (l->title && shown(c, l))
			printf(l->head ? l->head : l->fmt, l->title);
	more_titles(c, k);
	putchar('\n');
}

/* The cells of V for record R: a row of a listing, or the lines of -i. */
static void cells(struct ctx *c, const struct kind *k, const struct view *v, const void *r)
{
	char buf[4096];
	for (const struct cell *l = v->cells; l->fmt; l++)
		if (shown(c, l))
			printf(l->fmt, text(c, k, l, r, buf, sizeof buf));
}

/* A listing: System V records of any kind, or POSIX ones. */
union records {
	void *any;
	struct ib_posix_info *o;
};

/* FULL: every field there is (JSON's queue max_bytes: ib_sysv_list). */
static int records(const struct kind *k, bool full, union records *r, size_t *n)
{
	if (k->posix)
		return ib_posix_list(k->kind, &r->o, n);
	return ib_sysv_list(k->kind, full, &r->any, n);
}

static bool passes(struct ctx *c, const struct kind *k, const void *r)
{
	if (k->posix)
		return ib_filter_posix(&c->filter, r);
	return ib_filter_sysv(&c->filter, k->kind, r);
}

static void json_record(struct ctx *c, const struct kind *k, const void *r,
			const struct ib_sem_elem *elems)
{
	if (k->posix)
		ib_ipcjson_posix(&c->jc, r);
	else
		ib_ipcjson_sysv(&c->jc, k->kind, r, elems);
}

#define NOT_MOUNTED IB_MQUEUE_DIR " is not mounted: POSIX message queues cannot be"

/* Why K's POSIX objects cannot be listed: a missing mqueue mount is said in the
 * table (then HINT), or on stderr with --json; any other error on stderr. */
static void unlisted(struct ctx *c, const struct kind *k, int e, const char *hint)
{
	if (k->kind != IB_MSGQ || e != ENOENT)
		ib_warn_sys(e, "cannot list %s", k->kind == IB_MSGQ ? IB_MQUEUE_DIR : IB_SHM_DIR);
	else if (c->json)
		ib_warn(NOT_MOUNTED " listed");
	else
		printf(NOT_MOUNTED " listed\n%s", hint);
}

/* One section of a listing: its header, then a row (or JSON record) for each
 * object the filters let through. */
static void list(struct ctx *c, const struct kind *k)
{
	const struct view *v = &k->views[k->posix && c->format != F_PROCESSES ? F_DEFAULT : c->format];
	union records r;
	size_t n;
	if (!c->json)
		header(c, k, v);
	if (records(k, c->json, &r, &n) != 0) {
		if (k->posix)
			unlisted(c, k, errno, "(mount -t mqueue none " IB_MQUEUE_DIR ")\n");
		if (c->json)
			ib_json_null(&c->j, k->json);
		return;
	}
	if (c->json)
		ib_json_open_array(&c->j, k->json);
	for (size_t i = 0; i < n; i++) {
		const void *o = (const char *)r.any + i * k->size;
		if (!passes(c, k, o))
			continue;
		if (c->json) {
			json_record(c, k, o, NULL);
		} else if (v->cells) {
			cells(c, k, v, o);
			more_cells(c, k, o);
			putchar('\n');
		}
	}
	if (c->json)
		ib_json_close_array(&c->j);
	free(r.any);
}

/* ---- limits (-l) and summaries (-u) ---- */

/* The kernel's limits (-l) or usage summary (-u) for K's kind, into OUT. */
static int fetch(const struct kind *k, enum format f, void *out)
{
	if (k->posix)
		return f == F_LIMITS ? ib_posix_msgq_limits(out)
				     : ib_posix_summary(k->kind, out);
	return f == F_LIMITS ? ib_sysv_limits(k->kind, out) : ib_sysv_status(k->kind, out);
}

/* A line of -l or -u as a JSON member named by its title. */
static void json_value(struct ctx *c, const struct cell *l, const void *r)
{
	const void *v = (const char *)r + l->at;
	switch (l->type) {
	case C_INT:
	case C_IBYTES: ib_json_int(&c->j, l->title, *(const int *)v); break;
	case C_UINT: ib_json_uint(&c->j, l->title, *(const unsigned *)v); break;
	case C_ULONG: ib_json_uint(&c->j, l->title, *(const unsigned long *)v); break;
	case C_SIZET: ib_json_uint(&c->j, l->title, *(const size_t *)v); break;
	case C_PAGE_BYTES: ib_json_uint(&c->j, l->title, (uint64_t)getpagesize()); break;
	case C_LONG: /* a limit, -1 if it could not be read */
		if (*(const long *)v >= 0)
			ib_json_int(&c->j, l->title, *(const long *)v);
		else
			ib_json_null(&c->j, l->title);
		break;
	default: ib_json_uint(&c->j, l->title, *(const uint64_t *)v);
	}
}

/* util-linux ipc_print_size: "LABEL (bytes) = N", "LABEL (kbytes) = N/1024",
 * "LABEL = 4.9K", or in U_DEFAULT "LABEL = N" and END. */
static void put_size(enum unit u, const char *label, uint64_t n, const char *end)
{
	char h[32];
	if (u == U_HUMAN)
		printf("%s = %s%s", label, ib_human_size(n, h, sizeof h), end);
	else
		printf("%s%s = %" PRIu64 "%s", label,
		       u == U_BYTES ? " (bytes)" : u == U_KB ? " (kbytes)" : "", u == U_KB ? n / 1024 : n, end);
}

/* A size line of -l or -u (C_BYTES, C_IBYTES, C_SHMALL). */
static void size_line(const struct ctx *c, const struct cell *l, const void *r)
{
	const void *v = (const char *)r + l->at;
	uint64_t n = l->type == C_IBYTES ? (uint64_t)*(const int *)v : *(const uint64_t *)v;
	if (l->type != C_SHMALL) {
		put_size(c->unit == U_DEFAULT ? l->unit : c->unit, l->fmt, n,
			 c->unit == U_DEFAULT && l->unit == U_DEFAULT ? " bytes\n" : "\n");
		return;
	}
	/* pages times the page size, in kbytes by default, saturating as util-linux */
	uint64_t per = (uint64_t)getpagesize() / (c->unit == U_DEFAULT ? 1024 : 1), total = n * per;
	if (n != 0 && total / n != per)
		total = UINT64_MAX - (UINT64_MAX % per);
	if (c->unit == U_DEFAULT)
		printf("%s (kbytes) = %" PRIu64 "\n", l->fmt, total);
	else
		put_size(c->unit, l->fmt, total, "\n");
}

/* -l or -u for K: its lines of text, or its JSON member. */
static void stats(struct ctx *c, const struct kind *k)
{
	const struct view *v = &k->views[c->format];
	union {
		struct ib_msgq_limits ml;
		struct ib_shm_limits sl;
		struct ib_sem_limits el;
		struct ib_msgq_status ms;
		struct ib_shm_status ss;
		struct ib_sem_status es;
		struct ib_posix_msgq_limits pl;
		struct ib_posix_summary ps;
	} r;
	char buf[64];
	if (fetch(k, c->format, &r) != 0) {
		if (!v->fail)
			unlisted(c, k, errno, "");
		else if (!c->json)
			printf("%s\n", v->fail);
		if (c->json)
			ib_json_null(&c->j, k->json);
		return;
	}
	if (c->json)
		ib_json_open(&c->j, k->json);
	else
		printf("------ %s --------\n", v->title);
	for (const struct cell *l = v->cells; l->fmt; l++) {
		if (c->json && l->title)
			json_value(c, l, &r);
		else if (c->json || !shown(c, l) || (l->if_set && !*(const size_t *)((char *)&r + l->at)))
			continue;
		else if (l->type == C_BYTES || l->type == C_IBYTES || l->type == C_SHMALL)
			size_line(c, l, &r);
		else
			printf(l->fmt, text(c, k, l, &r, buf, sizeof buf));
	}
	if (c->json)
		ib_json_close(&c->j);
}

/* ---- one object (-i) ---- */

/* -i with --json: a document whose K member holds R, or nothing if R is NULL. */
static void json_one(struct ctx *c, const struct kind *k, const void *r,
		     const struct ib_sem_elem *elems)
{
	ib_json_open(&c->j, NULL);
	ib_json_open_array(&c->j, k->json);
	if (r)
		json_record(c, k, r, elems);
	ib_json_close_array(&c->j);
	ib_json_close(&c->j);
	ib_json_end(&c->j);
}

/* util-linux reads -i from /proc: a negative id matches the first object. With
 * RSS, from /proc's listing, which alone has a segment's rss and swap. */
static int first_or_stat(const struct kind *k, int id, bool rss, void *out)
{
	union records r;
	size_t n = 0;
	int rc = -1;
	if (id >= 0 && !rss) {
		rc = ib_sysv_stat(k->kind, id, out);
		if (rc == 0 || errno != EACCES)
			return rc;
	}
	/* No *_STAT_ANY and no read permission, or a negative id: scan the list
	 * (a full one: a queue's qbytes as a stat gives it) */
	if (records(k, true, &r, &n) != 0)
		return -1;
	for (size_t i = 0; i < n && rc != 0; i++) {
		const struct ib_sysv_perm *p = (const void *)((char *)r.any + i * k->size);
		if (id < 0 || p->id == id) {
			memcpy(out, p, k->size);
			rc = 0;
		}
	}
	if (rc == 0 && id < 0 && k->kind == IB_MSGQ) {
		/* util-linux only stats the queue for a real id: -i -1 shows qbytes=0 */
		((struct ib_msgq_info *)out)->qbytes = 0;
	}
	free(r.any);
	if (rc != 0)
		errno = EINVAL;
	return rc;
}

/* Set S's semaphores (malloc'd), or the end with util-linux's message. */
static struct ib_sem_elem *sem_elems(const struct ib_sem_info *s)
{
	const char *what;
	struct ib_sem_elem *elems = calloc(s->nsems ? s->nsems : 1, sizeof *elems);
	if (!elems)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "semctl");
	if (ib_sem_elems(s->perm.id, s->nsems, elems, &what) != 0) {
		int e = errno;
		free(elems);
		ib_die_sys(IB_EXIT_FAIL, e, "%s failed", what);
	}
	return elems;
}

static int print_one(struct ctx *c, const struct kind *k, int id)
{
	union {
		struct ib_msgq_info q;
		struct ib_shm_info s;
		struct ib_sem_info e;
	} u;
	struct ib_sem_elem *elems = NULL;
	if (first_or_stat(k, id, false, &u) != 0) {
		if (errno != EINVAL && errno != ENOENT)
			ib_die_sys(IB_EXIT_FAIL, errno, "id %d", id);
		ib_warn("id %d not found", id);
		if (c->json)
			json_one(c, k, NULL, NULL);
		return IB_EXIT_OK;
	}
	if (k->kind == IB_SEM)
		elems = sem_elems(&u.e);
	if (c->json) {
		json_one(c, k, &u, elems);
		free(elems);
		return IB_EXIT_OK;
	}
	struct ib_sysv_perm *perm = (void *)&u;
	int real_id = perm->id;
	perm->id = id; /* shown as asked: -1 too */
	cells(c, k, &k->detail, &u);
	perm->id = real_id;
	if (elems)
		printf("%-10s %-10s %-10s %-10s %-10s\n", "semnum", "value", "ncount", "zcount", "pid");
	for (uint64_t i = 0; elems && i < u.e.nsems; i++)
		printf("%-10" PRIu64 " %-10d %-10d %-10d %-10d\n", i, elems[i].val, elems[i].ncount,
		       elems[i].zcount, elems[i].pid);
	more_lines(c, k, &u);
	printf("\n");
	free(elems);
	return IB_EXIT_OK;
}

/* -i /NAME with --posix: one object's details, in the style of -i for System V.
 * Unlike a missing System V id, a missing name exits 1. */
static int posix_one(struct ctx *c, const struct kind *k, const char *name)
{
	enum ib_kind kind = k->kind;
	struct ib_posix_info o;
	const char *why = ib_posix_name_error(name);
	if (why)
		ib_die(IB_EXIT_FAIL, "invalid POSIX name %s: %s", ib_quote(name), why);
	bool found = false;
	if (kind == IB_MSGQ && !ib_mqueue_mounted())
		ib_warn(NOT_MOUNTED " read");
	else if (ib_posix_stat(kind, name, &o) == 0)
		found = true;
	else if (errno == ENOENT)
		ib_warn("POSIX %s %s not found", ib_posix_kind_name(kind), ib_quote(name));
	else
		ib_warn_sys(errno, "POSIX %s %s", ib_posix_kind_name(kind), ib_quote(name));
	if (c->json) {
		json_one(c, k, found ? &o : NULL, NULL);
	} else if (found) {
		cells(c, k, &k->detail, &o);
		more_lines(c, k, &o);
		printf("\n");
	}
	return found ? IB_EXIT_OK : IB_EXIT_FAIL;
}

/* ---- main ---- */

/* Whether the digits at P (after an optional '-') overflow int64, as strtoimax
 * finds before it looks at what follows them. */
static bool too_big(const char *p)
{
	bool neg = *p == '-';
	const char *d = p + neg + strspn(p + neg, "0");
	size_t n = strspn(d, "0123456789");
	char num[32] = "-";
	int64_t v;
	if (n > 20)
		return true;
	memcpy(num + 1, d, n);
	num[n + 1] = '\0';
	return ib_parse_i64(neg ? num : num + 1, INT64_MIN, INT64_MAX, &v) == IB_PARSE_RANGE;
}

/* -i's id, read as util-linux's strtos32_or_err reads it (leading blanks and a
 * sign allowed; a negative id means the first object) and with its words. */
static int parse_id(const char *s)
{
	const char *p = s + strspn(s, " \t\n\v\f\r");
	int64_t v;
	if (p[0] == '+' && p[1] != '-')
		p++;
	enum ib_parse_err e = ib_parse_i64(p, INT_MIN, INT_MAX, &v);
	if (e == IB_PARSE_RANGE || (e != IB_PARSE_OK && too_big(p)))
		ib_die_sys(IB_EXIT_FAIL, ERANGE, "failed to parse id argument: '%s'", s);
	if (e != IB_PARSE_OK)
		ib_die(IB_EXIT_FAIL, "failed to parse id argument: '%s'", s);
	return (int)v;
}

/* Whether -i's argument is meant as a number (util-linux's id, even with --posix). */
static bool id_like(const char *s)
{
	return strspn(s, " \t+-0123456789") == strlen(s);
}

/* ---- lsipc's output options (ipcs-table.c prints) ---- */

/* An lsipc output option: it makes ipcs print a table of columns. */
static void table_option(struct ctx *c, const struct ib_args *a, int opt)
{
	static const enum ib_time_format formats[] = { IB_TIME_SHORT, IB_TIME_FULL, IB_TIME_ISO };
	struct ib_table_opts *t = &c->tab;
	switch (opt) {
	case 'o': t->output = a->arg; break;
	case OPT_LIST_COLUMNS:
		ib_table_list_columns(stdout);
		exit(ib_finish(IB_EXIT_OK));
	case OPT_NOHEADINGS: t->noheadings = true; break;
	case OPT_NOTRUNCATE: t->notruncate = true; break;
	case 'r': t->mode = IB_TABLE_RAW; break;
	case 'e': t->mode = IB_TABLE_EXPORT; break;
	case 'n': t->mode = IB_TABLE_NEWLINE; break;
	case 'y': t->shell = true; break;
	case OPT_TIME_FORMAT: t->time_format = formats[a->u]; break;
	case 'P': t->numeric_perms = true; break;
	case 'g': c->format = F_LIMITS; break;
	}
	c->table = true;
}

/* -i with lsipc's output options: the one object NAME (POSIX) or ID (System V),
 * in lsipc -i's layout or as a table's row (ipcs-table.c chooses). */
static int table_one(struct ctx *c, const struct kind *k, const char *name, int id)
{
	struct ib_table *t = ib_table_new(&c->tab, k, &c->names);
	union {
		struct ib_msgq_info q;
		struct ib_shm_info s;
		struct ib_sem_info e;
		struct ib_posix_info o;
	} u;
	const void *found = NULL;
	int rc = IB_EXIT_OK;
	if (k->posix) {
		const char *why = ib_posix_name_error(name);
		if (why)
			ib_die(IB_EXIT_FAIL, "invalid POSIX name %s: %s", ib_quote(name), why);
		if (ib_posix_stat(k->kind, name, &u.o) == 0)
			found = &u.o;
		else if ((rc = IB_EXIT_FAIL), errno == ENOENT)
			ib_warn("POSIX %s %s not found", ib_posix_kind_name(k->kind), ib_quote(name));
		else
			ib_warn_sys(errno, "POSIX %s %s", ib_posix_kind_name(k->kind), ib_quote(name));
	} else if (first_or_stat(k, id, ib_table_wants_rss(t), &u) == 0) {
		found = &u;
	} else if (errno != EINVAL && errno != ENOENT) {
		ib_die_sys(IB_EXIT_FAIL, errno, "id %d", id);
	} else {
		ib_warn("id %d not found", id); /* as ipcs -i: not a failure */
	}
	/* lsipc -i lists a set's semaphores under its lines */
	struct ib_sem_elem *elems = found && !k->posix && k->kind == IB_SEM &&
					    ib_table_vertical(t) ? sem_elems(&u.e) : NULL;
	ib_table_print_one(t, found, elems);
	free(elems);
	return rc;
}

/* System V objects as they are listed, into a table (ib_sysv_each). */
struct table_rows {
	struct ctx *c;
	const struct kind *k;
	struct ib_table *t;
};

static int table_row(void *arg, const void *rec)
{
	struct table_rows *tr = arg;
	if (passes(tr->c, tr->k, rec))
		ib_table_add(tr->t, rec);
	return 0;
}

/* The table of one kind's objects. */
static int table_listing(struct ctx *c, const struct kind *k)
{
	struct ib_table *t = ib_table_new(&c->tab, k, &c->names);
	union records r;
	size_t n = 0;
	int rc = IB_EXIT_OK;
	if (!k->posix) {
		struct table_rows tr = { c, k, t };
		if (ib_sysv_each(k->kind, false, table_row, &tr) != 0) {
			ib_warn_sys(errno, "cannot list %s", k->json);
			rc = IB_EXIT_FAIL;
		}
	} else if (records(k, false, &r, &n) != 0) {
		if (k->kind == IB_MSGQ && errno == ENOENT)
			ib_warn(NOT_MOUNTED " listed");
		else
			ib_warn_sys(errno, "cannot list %s", k->json);
		rc = IB_EXIT_FAIL;
	} else {
		for (size_t i = 0; i < n; i++) {
			const void *o = (const char *)r.any + i * k->size;
			if (passes(c, k, o))
				ib_table_add(t, o);
		}
		free(r.any);
	}
	ib_table_print(t);
	return rc;
}

/* The USERS and FTOK cells of lsipc-style tables (ipcs-table.c asks for them). */
static const char *users_cell(void *arg, const struct kind *k, const void *rec, char *buf,
			      size_t len)
{
	struct ib_users_of uo = using(arg, k, rec);
	return ib_users_text(&uo, buf, len);
}

static const char *ftok_cell(void *arg, const struct kind *k, const void *rec, char *buf,
			     size_t len)
{
	struct ctx *c = arg;
	if (!c->ftok)
		return NULL;
	struct ib_ftok_match m = ftok_of(c, k, rec);
	return ib_ftok_text(&m, buf, len);
}

/* ipcs with lsipc's output options: -g's table, or one kind's (lsipc shows one
 * kind at a time, and so does ipcs then). ONE: -i's argument, or NULL. */
static int table_main(struct ctx *c, const bool want[3], int nwant, bool all, bool posix,
		      const char *one, int id)
{
	if (c->json)
		c->tab.mode = IB_TABLE_JSON;
	c->tab.human = c->unit == U_HUMAN;
	c->tab.creator = c->format == F_CREATOR;
	c->tab.times = c->format == F_TIME;
	c->tab.one = one != NULL;
	c->tab.users = users_cell;
	c->tab.ftok = ftok_cell;
	c->tab.arg = c;
	if (c->format == F_LIMITS) {
		if (one)
			ib_die(IB_EXIT_FAIL, "--global is mutually exclusive with --id");
		struct ib_table *t = ib_table_new(&c->tab, NULL, &c->names);
		ib_table_add_global(t, nwant ? want : (const bool[3]){ true, true, true },
				    !posix || all || !nwant, posix || !nwant);
		ib_table_print(t);
		return IB_EXIT_OK;
	}
	if (nwant != 1 || all)
		ib_die(IB_EXIT_FAIL, "lsipc's output options show one kind: give one of -q, -m, -s, "
				     "-Q, -M, -S (or -g)");
	if (c->format != F_DEFAULT && c->format != F_CREATOR && c->format != F_TIME)
		ib_die(IB_EXIT_FAIL, "lsipc's output options take -c and -t, not -p, -u, -l "
				     "or --processes");
	int k = want[IB_MSGQ] ? IB_MSGQ : want[IB_SHM] ? IB_SHM : IB_SEM;
	const struct kind *kd = posix ? &ib_ipcs_posix[k] : &ib_ipcs_sysv[k];
	if (one && kd->posix && id_like(one))
		ib_die(IB_EXIT_FAIL, "-i with -Q, -M or -S takes a /NAME");
	return one ? table_one(c, kd, one, id) : table_listing(c, kd);
}

/* One section: a kind's limits, summary or listing, and a blank line after it. */
static void section(struct ctx *c, const struct kind *k)
{
	if (c->format == F_LIMITS || c->format == F_STATUS)
		stats(c, k);
	else
		list(c, k);
	if (!c->json)
		printf("\n");
}

/* Every section asked for: the System V kinds, then the POSIX ones (of which
 * only queues have limits), in one JSON document with --json. */
static void sections(struct ctx *c, const bool want[3], bool sysv, bool posix)
{
	bool stat = c->format == F_LIMITS || c->format == F_STATUS;
	if (c->json) {
		ib_json_open(&c->j, NULL);
		if (stat)
			ib_json_open(&c->j, c->format == F_LIMITS ? "limits" : "summary");
	} else {
		printf("\n");
	}
	for (int k = IB_MSGQ; k <= IB_SEM; k++)
		if (sysv && want[k])
			section(c, &ib_ipcs_sysv[k]);
	for (int k = IB_MSGQ; k <= IB_SEM; k++)
		if (posix && want[k] && (c->format != F_LIMITS || k == IB_MSGQ))
			section(c, &ib_ipcs_posix[k]);
	if (c->json) {
		if (stat)
			ib_json_close(&c->j);
		ib_json_close(&c->j);
		ib_json_end(&c->j);
	}
}

int ipcs_main(int argc, char **argv)
{
	struct ctx c = { .format = F_DEFAULT, .unit = U_DEFAULT, .names = IB_NAMES_INIT };
	bool want[3] = { false, false, false }, all = false, posix = false, specific = false;
	int opt, id = 0;
	const char *pname = NULL; /* -i /NAME: a POSIX object, with --posix */
	const char **dirs = NULL; /* --ftok-scan's */
	size_t ndirs = 0;
	bool recursive = false;
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
			pname = (posix || ib_args_ahead(&args, OPT_POSIX) || ib_args_ahead(&args, 'Q') ||
				 ib_args_ahead(&args, 'M') || ib_args_ahead(&args, 'S')) &&
						!id_like(args.arg) ? args.arg : NULL;
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
		case 'J': c.json = true; break;
		case OPT_USERS: c.users = true; break;
		case 'R': recursive = true; break;
		case OPT_FTOK_SCAN:
			dirs = realloc(dirs, (ndirs + 1) * sizeof *dirs);
			if (!dirs)
				ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
			dirs[ndirs++] = args.arg;
			break;
		case 'Q': case 'M': case 'S':
			/* lsipc's POSIX letters: ipcs's -q, -m, -s with --posix, as a table */
			want[opt == 'Q' ? IB_MSGQ : opt == 'M' ? IB_SHM : IB_SEM] = true;
			posix = c.table = true;
			break;
		default: table_option(&c, &args, opt);
		}
	}
	/* Operands: util-linux ignores them, and so do we (scripts pass them); after
	 * --ftok-scan they are more directories. */
	int rc = IB_EXIT_OK;
	if (ndirs) {
		if (!(c.ftok = ib_ftok_new()))
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
		for (size_t i = 0; i < ndirs + args.nops; i++)
			if (!ib_ftok_add(c.ftok, i < ndirs ? dirs[i] : args.ops[i - ndirs], recursive))
				rc = IB_EXIT_FAIL;
	}
	free(dirs);
	free(args.ops);
	int nwant = want[0] + want[1] + want[2];
	if (specific && nwant != 1)
		ib_die(IB_EXIT_FAIL, "when using an ID, a single resource must be specified");
	if (c.json)
		ib_json_init(&c.j, stdout);
	c.jc = (struct ib_ipcjson){ .j = &c.j, .names = &c.names, .filter = &c.filter,
				    .processes = c.format == F_PROCESSES,
				    .more = c.users || c.ftok ? more_json : NULL, .arg = &c };
	int one = want[IB_MSGQ] ? IB_MSGQ : want[IB_SHM] ? IB_SHM : IB_SEM;
	if (!nwant)
		want[IB_MSGQ] = want[IB_SHM] = want[IB_SEM] = true;
	/* the /proc scan, made at most once, reads what the kinds listed need */
	for (int k = IB_MSGQ; k <= IB_SEM; k++) {
		if (!want[k] || (specific && k != one))
			continue;
		if (!posix || all || (specific && !pname))
			c.filter.users_want |= ib_scan_needs((enum ib_kind)k, false);
		if (posix)
			c.filter.users_want |= ib_scan_needs((enum ib_kind)k, true);
	}
	if (c.table)
		rc = rc ? rc : table_main(&c, want, nwant, all, posix,
					  specific ? (pname ? pname : "") : NULL, id);
	else if (specific && pname)
		rc = rc ? rc : posix_one(&c, &ib_ipcs_posix[one], pname);
	else if (specific)
		rc = rc ? rc : print_one(&c, &ib_ipcs_sysv[one], id);
	else
		sections(&c, want, !posix || all, posix);
	char why[512];
	if (ib_filter_undecided(&c.filter, why, sizeof why))
		ib_warn("%s", why);
	ib_filter_free(&c.filter);
	ib_ftok_free(c.ftok);
	ib_names_free(&c.names);
	return rc;
}
