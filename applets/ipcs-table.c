/* lsipc's output controls (ipcs-table.h): the columns, and tables of them
 * printed through libsmartcols. */
#include "ipcs-table.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/opt.h"
#include "ipc/io.h"
#include "ipc/posixlist.h"
#include "ipc/sysvlist.h"
#include "ipcs-humanfmt.h"
#include "ipcs-print.h"
#include "ipcs-scols.h"

/* The listings a column applies to: a bit per kind of System V and of POSIX
 * object (as -q -m -s and -Q -M -S name them), and the -g table. */
#define SYSV(k) (1u << (k))
#define PSX(k) (1u << (IB_NKINDS + (k)))
#define GLOBAL (1u << (2 * IB_NKINDS))
#define ALL_SYSV (SYSV(IB_MSGQ) | SYSV(IB_SHM) | SYSV(IB_SEM))
#define ALL_PSX (PSX(IB_MSGQ) | PSX(IB_SHM) | PSX(IB_SEM))
#define MSGQS (SYSV(IB_MSGQ) | PSX(IB_MSGQ))

/* What a getter gives, and so how a cell is written: text as is; numbers
 * (JSON numbers); bytes (with --human, 4.9K); a time (short, full or ISO 8601
 * text; epoch seconds in JSON unless --time-format iso); permission bits
 * (rw-r----- or, with -P, 0640); a percentage (12.50%; 12.50 in JSON). */
enum vtype { V_TEXT, V_UINT, V_INT, V_SIZE, V_TIME, V_PERMS, V_PERCENT };

struct val {
	uint64_t u;      /* V_UINT, V_SIZE, V_PERMS */
	int64_t i;       /* V_INT, V_TIME */
	double d;        /* V_PERCENT */
	bool count;      /* a V_SIZE that counts things, not bytes (-g's LIMIT) */
	const char *s;   /* V_TEXT: the text, often in buf */
	char buf[4096];
};

/* A row: a record, with what every kind has in common found once. */
struct row {
	struct ib_table *t;
	const void *rec;
	const struct ib_sysv_perm *perm; /* System V, else NULL */
	const struct ib_posix_info *px;  /* POSIX, else NULL */
	uid_t uid, cuid;
	gid_t gid, cgid;
	unsigned mode;
	int64_t ctime;
};

/* One of -g's rows. */
struct global_row {
	const char *resource, *desc;
	uint64_t limit, used;
	bool limit_known, has_used, bytes;
};

/* A getter: false when the value is unknown or there is none (an empty cell,
 * or "-" for a DASH column; null in JSON). */
typedef bool getter(const struct row *r, struct val *v);

struct column {
	const char *name;  /* -o's name and the heading; lower case in JSON */
	const char *label; /* its line under -i (lsipc's "Key:", "Bytes used:") */
	unsigned in;       /* the listings it applies to */
	enum vtype type;
	int flags;         /* IB_SCOLS_FL_* */
	getter *get;
	const char *help;
	bool dash;         /* empty shown as "-" (as lsipc -g) */
	bool blank;        /* under -i, its line is there even when empty (lsipc's
	                    * STATUS, which it always sets, to "" if no flag) */
	bool extra;        /* ours, not lsipc's: under -i, only if -o asks for it */
};

struct ib_table {
	struct ib_table_opts o;
	const struct kind *k;
	struct ib_names *names;
	const struct ib_scols *sc;     /* loaded: for JSON, or to fit a terminal */
	struct ib_cells cells;
	const struct column *cols[64];
	size_t ncols;
	time_t now;
	bool vertical;     /* one object, a line per column (ib_table_print_one) */
};

/* ---- getters ---- */

#define SYSV_REC(type, r) ((const struct type *)(r)->rec)

static bool text(struct val *v, const char *s)
{
	v->s = s;
	return s != NULL;
}

static bool number(struct val *v, uint64_t u)
{
	v->u = u;
	return true;
}

static bool signed_number(struct val *v, int64_t i)
{
	v->i = i;
	return true;
}

static bool time_value(struct val *v, int64_t t)
{
	v->i = t;
	return t != 0;
}

static bool get_key(const struct row *r, struct val *v)
{
	snprintf(v->buf, sizeof v->buf, "0x%08x", (unsigned)r->perm->key);
	return text(v, v->buf);
}

static bool get_id(const struct row *r, struct val *v) { return signed_number(v, r->perm->id); }
static bool get_perms(const struct row *r, struct val *v) { return number(v, r->mode & 0777); }
static bool get_cuid(const struct row *r, struct val *v) { return number(v, r->cuid); }
static bool get_cgid(const struct row *r, struct val *v) { return number(v, r->cgid); }
static bool get_uid(const struct row *r, struct val *v) { return number(v, r->uid); }
static bool get_gid(const struct row *r, struct val *v) { return number(v, r->gid); }
static bool get_ctime(const struct row *r, struct val *v) { return time_value(v, r->ctime); }

static bool get_owner(const struct row *r, struct val *v)
{
	const char *s = ib_user_name(r->t->names, r->uid);
	if (!s)
		snprintf(v->buf, sizeof v->buf, "%u", (unsigned)r->uid);
	return text(v, s ? s : v->buf);
}

static bool get_cuser(const struct row *r, struct val *v)
{
	return text(v, ib_user_name(r->t->names, r->cuid));
}

static bool get_user(const struct row *r, struct val *v)
{
	return text(v, ib_user_name(r->t->names, r->uid));
}

static bool get_cgroup(const struct row *r, struct val *v)
{
	return text(v, ib_group_name(r->t->names, r->cgid));
}

static bool get_group(const struct row *r, struct val *v)
{
	return text(v, ib_group_name(r->t->names, r->gid));
}

static bool get_users(const struct row *r, struct val *v)
{
	const struct ib_table_opts *o = &r->t->o;
	return o->users && text(v, o->users(o->arg, r->t->k, r->rec, v->buf, sizeof v->buf));
}

static bool get_ftok(const struct row *r, struct val *v)
{
	const struct ib_table_opts *o = &r->t->o;
	return o->ftok && text(v, o->ftok(o->arg, r->t->k, r->rec, v->buf, sizeof v->buf));
}

static bool get_name(const struct row *r, struct val *v) { return text(v, r->px->name); }
static bool get_mtime(const struct row *r, struct val *v) { return time_value(v, r->px->mtime); }

static bool get_usedbytes(const struct row *r, struct val *v)
{
	return number(v, r->px ? r->px->size : SYSV_REC(ib_msgq_info, r)->cbytes);
}

static bool get_msgs(const struct row *r, struct val *v)
{
	if (r->px)
		return r->px->msgs_known && number(v, (uint64_t)r->px->msgs);
	return number(v, SYSV_REC(ib_msgq_info, r)->qnum);
}

static bool get_send(const struct row *r, struct val *v)
{
	return time_value(v, SYSV_REC(ib_msgq_info, r)->stime);
}

static bool get_recv(const struct row *r, struct val *v)
{
	return time_value(v, SYSV_REC(ib_msgq_info, r)->rtime);
}

static bool get_lspid(const struct row *r, struct val *v)
{
	return signed_number(v, SYSV_REC(ib_msgq_info, r)->lspid);
}

static bool get_lrpid(const struct row *r, struct val *v)
{
	return signed_number(v, SYSV_REC(ib_msgq_info, r)->lrpid);
}

static bool get_size(const struct row *r, struct val *v)
{
	return number(v, r->px ? r->px->size : SYSV_REC(ib_shm_info, r)->segsz);
}

static bool get_nattch(const struct row *r, struct val *v)
{
	return number(v, SYSV_REC(ib_shm_info, r)->nattch);
}

static bool get_status(const struct row *r, struct val *v)
{
	snprintf(v->buf, sizeof v->buf, "%s%s%s", r->mode & SHM_DEST ? "dest" : "",
		 (r->mode & SHM_DEST) && (r->mode & SHM_LOCKED) ? "," : "",
		 r->mode & SHM_LOCKED ? "locked" : "");
	return v->buf[0] && text(v, v->buf);
}

static bool get_attach(const struct row *r, struct val *v)
{
	return time_value(v, SYSV_REC(ib_shm_info, r)->atime);
}

static bool get_detach(const struct row *r, struct val *v)
{
	return time_value(v, SYSV_REC(ib_shm_info, r)->dtime);
}

static bool get_cpid(const struct row *r, struct val *v)
{
	return signed_number(v, SYSV_REC(ib_shm_info, r)->cpid);
}

static bool get_lpid(const struct row *r, struct val *v)
{
	return signed_number(v, SYSV_REC(ib_shm_info, r)->lpid);
}

/* PID's command line (/proc/PID/cmdline, arguments joined by spaces) into BUF,
 * if it is still running and readable. */
static bool cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64];
	if (pid <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = ib_read_full(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n > 0;
}

/* The creator's command line. */
static bool get_command(const struct row *r, struct val *v)
{
	return cmdline(SYSV_REC(ib_shm_info, r)->cpid, v->buf, sizeof v->buf) && text(v, v->buf);
}

static bool get_rss(const struct row *r, struct val *v)
{
	const struct ib_shm_info *s = SYSV_REC(ib_shm_info, r);
	return s->rss_known && number(v, s->rss);
}

static bool get_swap(const struct row *r, struct val *v)
{
	const struct ib_shm_info *s = SYSV_REC(ib_shm_info, r);
	return s->rss_known && number(v, s->swap);
}

static bool get_nsems(const struct row *r, struct val *v)
{
	return number(v, SYSV_REC(ib_sem_info, r)->nsems);
}

static bool get_otime(const struct row *r, struct val *v)
{
	return time_value(v, SYSV_REC(ib_sem_info, r)->otime);
}

static bool get_sval(const struct row *r, struct val *v)
{
	return r->px->value_known && signed_number(v, r->px->value);
}

#define GLOBAL_ROW(r) ((const struct global_row *)(r)->rec)

static bool get_resource(const struct row *r, struct val *v) { return text(v, GLOBAL_ROW(r)->resource); }
static bool get_desc(const struct row *r, struct val *v) { return text(v, GLOBAL_ROW(r)->desc); }

static bool get_limit(const struct row *r, struct val *v)
{
	v->count = !GLOBAL_ROW(r)->bytes;
	return GLOBAL_ROW(r)->limit_known && number(v, GLOBAL_ROW(r)->limit);
}

static bool get_used(const struct row *r, struct val *v)
{
	v->count = !GLOBAL_ROW(r)->bytes;
	return GLOBAL_ROW(r)->has_used && number(v, GLOBAL_ROW(r)->used);
}

static bool get_use_pct(const struct row *r, struct val *v)
{
	const struct global_row *g = GLOBAL_ROW(r);
	if (!g->has_used || !g->limit_known || !g->limit)
		return false;
	v->d = (double)g->used / (double)g->limit * 100;
	return true;
}

/* ---- the columns: one line each ---- */

#define R IB_SCOLS_FL_RIGHT
#define COL(name_, label_, in_, type_, flags_, get_, help_, ...) \
	{ .name = (name_), .label = (label_), .in = (in_), .type = (type_), .flags = (flags_), \
	  .get = (get_), .help = (help_), __VA_ARGS__ }
static const struct column columns[] = {
	/*  name       -i's label            in                  type       flags getter  help */
	COL("KEY",       "Key",               ALL_SYSV,           V_TEXT,    0, get_key, "Resource key"),
	COL("ID",        "ID",                ALL_SYSV,           V_INT,     0, get_id, "Resource ID"),
	COL("NAME",      "Name",              ALL_PSX,            V_TEXT,    0, get_name, "POSIX resource name"),
	COL("OWNER",     "Owner",             ALL_SYSV | ALL_PSX, V_TEXT,    R, get_owner, "Owner's username or UID"),
	COL("PERMS",     "Permissions",       ALL_SYSV | ALL_PSX, V_PERMS,   R, get_perms, "Permissions"),
	COL("CUID",      "Creator UID",       ALL_SYSV | ALL_PSX, V_UINT,    R, get_cuid, "Creator UID"),
	COL("CUSER",     "Creator user",      ALL_SYSV | ALL_PSX, V_TEXT,    0, get_cuser, "Creator user"),
	COL("CGID",      "Creator GID",       ALL_SYSV | ALL_PSX, V_UINT,    R, get_cgid, "Creator GID"),
	COL("CGROUP",    "Creator group",     ALL_SYSV | ALL_PSX, V_TEXT,    0, get_cgroup, "Creator group"),
	COL("UID",       "UID",               ALL_SYSV | ALL_PSX, V_UINT,    R, get_uid, "User ID"),
	COL("USER",      "User name",         ALL_SYSV | ALL_PSX, V_TEXT,    0, get_user, "User name"),
	COL("GID",       "GID",               ALL_SYSV | ALL_PSX, V_UINT,    R, get_gid, "Group ID"),
	COL("GROUP",     "Group name",        ALL_SYSV | ALL_PSX, V_TEXT,    0, get_group, "Group name"),
	COL("CTIME",     "Last change",       ALL_SYSV | ALL_PSX, V_TIME,    R, get_ctime, "Time of the last change"),
	COL("MTIME",     "Last action",       ALL_PSX,            V_TIME,    R, get_mtime, "Time of last action"),
	COL("USEDBYTES", "Bytes used",        MSGQS,              V_SIZE,    R, get_usedbytes, "Bytes used"),
	COL("MSGS",      "Messages",          MSGQS,              V_UINT,    0, get_msgs, "Number of messages"),
	COL("SEND",      "Msg sent",          SYSV(IB_MSGQ),      V_TIME,    R, get_send, "Time of last msg sent"),
	COL("RECV",      "Msg received",      SYSV(IB_MSGQ),      V_TIME,    R, get_recv, "Time of last msg received"),
	COL("LSPID",     "Msg sender",        SYSV(IB_MSGQ),      V_INT,     R, get_lspid, "PID of the last msg sender"),
	COL("LRPID",     "Msg receiver",      SYSV(IB_MSGQ),      V_INT,     R, get_lrpid, "PID of the last msg receiver"),
	COL("SIZE",      "Segment size",      SYSV(IB_SHM) | PSX(IB_SHM), V_SIZE, R, get_size, "Segment size"),
	COL("NATTCH",    "Attached processes", SYSV(IB_SHM),      V_UINT,    R, get_nattch, "Number of attached processes"),
	COL("STATUS",    "Status",            SYSV(IB_SHM),       V_TEXT,    0, get_status, "Status",
	    .blank = true),
	COL("ATTACH",    "Attach time",       SYSV(IB_SHM),       V_TIME,    R, get_attach, "Attach time"),
	COL("DETACH",    "Detach time",       SYSV(IB_SHM),       V_TIME,    R, get_detach, "Detach time"),
	COL("COMMAND",   "Creator command",   SYSV(IB_SHM),       V_TEXT,    IB_SCOLS_FL_TRUNC, get_command,
	    "Creator command line"),
	COL("CPID",      "Creator PID",       SYSV(IB_SHM),       V_INT,     R, get_cpid, "PID of the creator"),
	COL("LPID",      "Last user PID",     SYSV(IB_SHM),       V_INT,     R, get_lpid, "PID of last user"),
	COL("RSS",       "Resident size",     SYSV(IB_SHM),       V_SIZE,    R, get_rss, "Resident shared memory",
	    .extra = true),
	COL("SWAP",      "Swapped size",      SYSV(IB_SHM),       V_SIZE,    R, get_swap, "Swapped shared memory",
	    .extra = true),
	COL("NSEMS",     "Semaphores",        SYSV(IB_SEM),       V_UINT,    R, get_nsems, "Number of semaphores"),
	COL("OTIME",     "Last operation",    SYSV(IB_SEM),       V_TIME,    R, get_otime, "Time of the last operation"),
	COL("SVAL",      "Value",             PSX(IB_SEM),        V_INT,     R, get_sval, "Semaphore value"),
	COL("USERS",     "Users",             ALL_SYSV | ALL_PSX, V_TEXT,    IB_SCOLS_FL_TRUNC, get_users,
	    "Processes using it: PID(COMMAND),... (as --users)", .extra = true),
	COL("FTOK",      "ftok file",         ALL_SYSV,           V_TEXT,    0, get_ftok,
	    "PATH:PROJ its key was made from (--ftok-scan)", .extra = true),
	COL("RESOURCE",  "Resource",          GLOBAL,             V_TEXT,    0, get_resource, "Resource name"),
	COL("DESCRIPTION", "Description",     GLOBAL,             V_TEXT,    0, get_desc, "Resource description"),
	COL("LIMIT",     "Limit",             GLOBAL,             V_SIZE,    R, get_limit, "System-wide limit"),
	COL("USED",      "Used",              GLOBAL,             V_SIZE,    R, get_used, "Currently used", .dash = true),
	COL("USE%",      "Use",               GLOBAL,             V_PERCENT, R, get_use_pct, "Currently use percentage",
	    .dash = true),
};
#undef R

/* The default columns of each listing (lsipc's), and what -c and -t add. */
static const char *const defaults[2 * IB_NKINDS + 1] = {
	[IB_MSGQ] = "KEY,ID,PERMS,OWNER,USEDBYTES,MSGS,LSPID,LRPID",
	[IB_SHM] = "KEY,ID,PERMS,OWNER,SIZE,NATTCH,STATUS,CTIME,CPID,LPID,COMMAND",
	[IB_SEM] = "KEY,ID,PERMS,OWNER,NSEMS",
	[IB_NKINDS + IB_MSGQ] = "NAME,PERMS,OWNER,MTIME,USEDBYTES,MSGS",
	[IB_NKINDS + IB_SHM] = "NAME,PERMS,OWNER,SIZE,MTIME",
	[IB_NKINDS + IB_SEM] = "NAME,PERMS,OWNER,MTIME,SVAL",
	[2 * IB_NKINDS] = "RESOURCE,DESCRIPTION,LIMIT,USED,USE%",
};
static const char *const with_times[IB_NKINDS] = {
	[IB_MSGQ] = "SEND,RECV,CTIME", [IB_SHM] = "ATTACH,DETACH", [IB_SEM] = "OTIME,CTIME",
};

/* ---- choosing the columns ---- */

static unsigned listing_bit(const struct kind *k)
{
	return !k ? GLOBAL : k->posix ? PSX(k->kind) : SYSV(k->kind);
}

static void add_column(struct ib_table *t, const char *name, size_t len)
{
	const struct column *c = NULL;
	for (size_t i = 0; i < IB_NELEM(columns) && !c; i++)
		if (strlen(columns[i].name) == len && !strncasecmp(columns[i].name, name, len))
			c = &columns[i];
	if (!c)
		ib_die(IB_EXIT_FAIL, "unknown column: %.*s", (int)len, name);
	if (!(c->in & listing_bit(t->k)))
		ib_die(IB_EXIT_FAIL, "column %s does not apply to the specified IPC", c->name);
	if (t->ncols == IB_NELEM(t->cols))
		ib_die(IB_EXIT_FAIL, "too many columns specified, the limit is %zu columns",
		       IB_NELEM(t->cols));
	t->cols[t->ncols++] = c;
}

static void add_columns(struct ib_table *t, const char *list)
{
	while (*list) {
		size_t len = strcspn(list, ",");
		if (!len)
			ib_die(IB_EXIT_FAIL, "unknown column: ");
		add_column(t, list, len);
		list += len + (list[len] == ',');
	}
}

/* lsipc -i's lines, without -c, -t or -o LIST: every column of the kind that
 * lsipc has, in its order (lsipc leaves out those with no value). */
static void all_columns(struct ib_table *t)
{
	for (size_t i = 0; i < IB_NELEM(columns); i++)
		if ((columns[i].in & listing_bit(t->k)) && !columns[i].extra)
			add_column(t, columns[i].name, strlen(columns[i].name));
}

/* lsipc's choice: the default, with -c's and -t's columns, unless -o replaces
 * it ("+LIST" appends to it instead); under -i, every column is the default. */
static void choose_columns(struct ib_table *t)
{
	const struct kind *k = t->k;
	const char *out = t->o.output;
	if ((!out || out[0] == '+') && t->vertical && !t->o.creator && !t->o.times) {
		all_columns(t);
	} else if (!out || out[0] == '+') {
		add_columns(t, defaults[!k ? 2 * IB_NKINDS : k->kind + (k->posix ? IB_NKINDS : 0)]);
		bool command = t->ncols && !strcmp(t->cols[t->ncols - 1]->name, "COMMAND");
		if (k && t->o.creator)
			add_columns(t, k->posix ? "CUID,CGID" : "CUID,CGID,UID,GID");
		if (k && !k->posix && t->o.times) {
			t->ncols -= command; /* COMMAND stays last */
			add_columns(t, with_times[k->kind]);
			if (command)
				add_columns(t, "COMMAND");
		}
	}
	if (out)
		add_columns(t, out + (out[0] == '+'));
}

/* ---- the cells ---- */

/* Times as lsipc writes them: "14:05" today, "Nov21" this year, else
 * "2025-Nov21"; ctime's form; or ISO 8601 with the zone, "2026-11-30T14:05:09+01:00". */
static void format_time(const struct ib_table *t, enum ib_time_format f, int64_t when,
			char *buf, size_t len)
{
	time_t tt = (time_t)when;
	struct tm tm, now;
	if (f == IB_TIME_FULL || !localtime_r(&tt, &tm)) {
		ib_ctime(when, buf, len);
		return;
	}
	if (f == IB_TIME_ISO) {
		long off = tm.tm_gmtoff / 60;
		size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf + n, len - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 60,
			 labs(off) % 60);
		return;
	}
	localtime_r(&t->now, &now);
	const char *fmt = tm.tm_year != now.tm_year ? "%Y-%b%d"
			  : tm.tm_yday != now.tm_yday ? "%b%d" : "%H:%M";
	if (!strftime(buf, len, fmt, &tm))
		buf[0] = '\0';
}

/* A count or size in JSON: a number, or above 2^53 (where a double, as jq
 * reads numbers, rounds) its decimal digits as a string. */
static void json_uint(uint64_t u, char *buf, size_t len)
{
	snprintf(buf, len, u > (UINT64_C(1) << 53) ? "\"%" PRIu64 "\"" : "%" PRIu64, u);
}

/* The text of column C's cell from V, into BUF (or V's own text). */
static const char *cell_text(const struct ib_table *t, const struct column *c, struct val *v,
			     char *buf, size_t len)
{
	bool json = t->o.mode == IB_TABLE_JSON;
	switch (c->type) {
	case V_TEXT: return v->s;
	case V_UINT: json ? json_uint(v->u, buf, len) : (void)snprintf(buf, len, "%" PRIu64, v->u); break;
	case V_INT: snprintf(buf, len, "%" PRId64, v->i); break;
	case V_SIZE:
		if (json)
			json_uint(v->u, buf, len);
		else if (t->o.human && !v->count)
			return ib_human_size(v->u, buf, len);
		else
			snprintf(buf, len, "%" PRIu64, v->u);
		break;
	case V_TIME:
		if (json && t->o.time_format != IB_TIME_ISO)
			snprintf(buf, len, "%" PRId64, v->i);
		else
			format_time(t, t->o.time_format, v->i, buf, len);
		break;
	case V_PERMS:
		if (t->o.numeric_perms) {
			snprintf(buf, len, "%#o", (unsigned)v->u);
		} else {
			for (int i = 0; i < 9; i++)
				buf[i] = v->u & (0400u >> i) ? "rwxrwxrwx"[i] : '-';
			buf[9] = '\0';
		}
		break;
	case V_PERCENT: snprintf(buf, len, json ? "%.2f" : "%.2f%%", v->d); break;
	}
	return buf;
}

static void scols_failed(const char *what)
{
	ib_die_sys(IB_EXIT_FAIL, errno ? errno : ENOMEM, "%s", what);
}

/* ---- tables ---- */

struct ib_table *ib_table_new(const struct ib_table_opts *o, const struct kind *k,
			      struct ib_names *names)
{
	const char *why;
	struct ib_table *t = calloc(1, sizeof *t);
	if (!t)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "cannot make the output table");
	*t = (struct ib_table){ .o = *o, .k = k, .names = names, .now = time(NULL),
				.vertical = o->one && k && o->mode == IB_TABLE_COLUMNS };
	if (t->vertical && o->time_format == IB_TIME_DEFAULT)
		t->o.time_format = IB_TIME_FULL; /* as lsipc -i */
	choose_columns(t); /* before loading: a bad -o is said without the library */
	/* libsmartcols writes JSON, and fits a table to a terminal's width */
	if (o->mode == IB_TABLE_JSON && !(t->sc = ib_scols(&why)))
		ib_die(IB_EXIT_FAIL, "%s (needed for JSON in lsipc's columns)", why);
	if (o->mode == IB_TABLE_COLUMNS && isatty(STDOUT_FILENO))
		t->sc = ib_scols(&why);
	return t;
}

bool ib_table_wants_rss(const struct ib_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i]->get == get_rss || t->cols[i]->get == get_swap)
			return true;
	return false;
}

static void add_row(struct ib_table *t, const struct row *r)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const struct column *c = t->cols[i];
		struct val v;
		char buf[64];
		v.count = false;
		const char *s = c->get(r, &v) ? cell_text(t, c, &v, buf, sizeof buf)
			        : c->dash && t->o.mode != IB_TABLE_JSON ? "-" : NULL;
		ib_cells_add(&t->cells, s);
	}
}

/* The row of REC, a record of the table's kind. */
static struct row make_row(struct ib_table *t, const void *rec)
{
	struct row r = { .t = t, .rec = rec };
	if (t->k->posix) {
		r.px = rec;
		r.uid = r.cuid = r.px->uid;
		r.gid = r.cgid = r.px->gid;
		r.mode = r.px->mode;
		r.ctime = r.px->ctime;
	} else {
		r.perm = rec;
		r.uid = r.perm->uid;
		r.cuid = r.perm->cuid;
		r.gid = r.perm->gid;
		r.cgid = r.perm->cgid;
		r.mode = r.perm->mode;
		r.ctime = t->k->kind == IB_MSGQ ? SYSV_REC(ib_msgq_info, &r)->ctime
			  : t->k->kind == IB_SHM ? SYSV_REC(ib_shm_info, &r)->ctime
						 : SYSV_REC(ib_sem_info, &r)->ctime;
	}
	return r;
}

void ib_table_add(struct ib_table *t, const void *rec)
{
	struct row r = make_row(t, rec);
	add_row(t, &r);
}

static void global_row(struct ib_table *t, const char *resource, const char *desc, long long limit,
		       long long used, bool bytes)
{
	struct global_row g = { resource, desc, (uint64_t)limit, (uint64_t)used, limit >= 0,
				used >= 0, bytes };
	struct row r = { .t = t, .rec = &g };
	add_row(t, &r);
}

#define NO_USE (-1LL)

static void global_kind(struct ib_table *t, enum ib_kind kind, bool posix)
{
	union {
		struct ib_msgq_limits m;
		struct ib_shm_limits s;
		struct ib_sem_limits e;
	} l;
	union {
		struct ib_msgq_status m;
		struct ib_shm_status s;
		struct ib_sem_status e;
	} u;
	if (posix) {
		struct ib_posix_msgq_limits p;
		struct ib_posix_summary sum;
		if (ib_posix_msgq_limits(&p) != 0)
			return;
		bool counted = ib_posix_summary(IB_MSGQ, &sum) == 0;
		global_row(t, "MQUMNI", "Number of POSIX message queues", p.queues_max,
			   counted ? (long long)sum.objects : NO_USE, false);
		global_row(t, "MQUMAX", "Max size of POSIX message (bytes)", p.msgsize_max, NO_USE, true);
		global_row(t, "MQUMNB", "Number of messages in POSIX message queue", p.msg_max, NO_USE,
			   false);
		return;
	}
	if (ib_sysv_limits(kind, &l) != 0) {
		ib_warn_sys(errno, "cannot read the System V limits");
		return;
	}
	bool known = ib_sysv_status(kind, &u) == 0;
	if (kind == IB_MSGQ) {
		global_row(t, "MSGMNI", "Number of message queues", l.m.msgmni,
			   known ? u.m.pool : NO_USE, false);
		global_row(t, "MSGMAX", "Max size of message (bytes)", (long long)l.m.msgmax, NO_USE, true);
		global_row(t, "MSGMNB", "Default max size of queue (bytes)", l.m.msgmnb, NO_USE, true);
	} else if (kind == IB_SHM) {
		/* the limits may be ULONG_MAX-ish: past long long they are given whole */
		struct global_row rows[] = {
			{ "SHMMNI", "Shared memory segments", l.s.shmmni, known ? (uint64_t)u.s.used_ids : 0,
			  true, known, false },
			{ "SHMALL", "Shared memory pages", l.s.shmall, known ? u.s.tot : 0, true, known, false },
			{ "SHMMAX", "Max size of shared memory segment (bytes)", l.s.shmmax, 0, true, false, true },
			{ "SHMMIN", "Min size of shared memory segment (bytes)", l.s.shmmin, 0, true, false, true },
		};
		for (size_t i = 0; i < IB_NELEM(rows); i++)
			add_row(t, &(struct row){ .t = t, .rec = &rows[i] });
	} else {
		global_row(t, "SEMMNI", "Number of semaphore identifiers", l.e.semmni,
			   known ? u.e.usz : NO_USE, false);
		global_row(t, "SEMMNS", "Total number of semaphores", l.e.semmns,
			   known ? u.e.aem : NO_USE, false);
		global_row(t, "SEMMSL", "Max semaphores per semaphore set.", l.e.semmsl, NO_USE, false);
		global_row(t, "SEMOPM", "Max number of operations per semop(2)", l.e.semopm, NO_USE, false);
		global_row(t, "SEMVMX", "Semaphore max value", l.e.semvmx, NO_USE, false);
	}
}

void ib_table_add_global(struct ib_table *t, const bool want[3], bool sysv, bool posix)
{
	/* lsipc's order: System V queues, POSIX queues, segments, sets */
	if (sysv && want[IB_MSGQ])
		global_kind(t, IB_MSGQ, false);
	if (posix && want[IB_MSGQ])
		global_kind(t, IB_MSGQ, true);
	if (sysv && want[IB_SHM])
		global_kind(t, IB_SHM, false);
	if (sysv && want[IB_SEM])
		global_kind(t, IB_SEM, false);
}

/* The rows of the cells C (NCOLS a row) into TB, whose columns are made; prints
 * TB and frees it. */
static void scols_rows_print(const struct ib_scols *sc, struct libscols_table *tb,
			     const struct ib_cells *c, size_t ncols)
{
	for (size_t at = 0; at < c->n; at += ncols) {
		struct libscols_line *ln = sc->table_new_line(tb, NULL);
		if (!ln)
			scols_failed("cannot add a row");
		for (size_t i = 0; i < ncols; i++) {
			const char *s = ib_cell(c, at + i);
			if (s && sc->line_set_data(ln, i, s) != 0)
				scols_failed("cannot add a row");
		}
	}
	if (sc->print_table(tb) != 0)
		ib_warn("cannot print the table");
	sc->unref_table(tb);
}

/* The table through libsmartcols. */
static void scols_print(const struct ib_table *t)
{
	const struct ib_scols *sc = t->sc;
	const struct ib_table_opts *o = &t->o;
	struct libscols_table *tb = sc->new_table();
	if (!tb)
		scols_failed("cannot make the output table");
	if (o->noheadings)
		sc->table_enable_noheadings(tb, 1);
	if (o->shell)
		sc->table_enable_shellvar(tb, 1);
	if (o->mode == IB_TABLE_NEWLINE)
		sc->table_set_column_separator(tb, "\n");
	if (o->mode == IB_TABLE_EXPORT || o->mode == IB_TABLE_NEWLINE)
		sc->table_enable_export(tb, 1);
	else if (o->mode == IB_TABLE_RAW)
		sc->table_enable_raw(tb, 1);
	else if (o->mode == IB_TABLE_JSON)
		sc->table_enable_json(tb, 1);
	sc->table_set_name(tb, t->k ? t->k->json : "ipclimits");
	for (size_t i = 0; i < t->ncols; i++) {
		const struct column *c = t->cols[i];
		int flags = c->flags & ~(o->notruncate ? IB_SCOLS_FL_TRUNC : 0);
		struct libscols_column *cl = sc->table_new_column(tb, c->name, 1, flags);
		if (!cl)
			scols_failed("cannot make the output table");
		bool string = c->type == V_TEXT || c->type == V_PERMS ||
			      (c->type == V_TIME && o->time_format == IB_TIME_ISO);
		sc->column_set_json_type(cl, string ? IB_SCOLS_JSON_STRING : IB_SCOLS_JSON_NUMBER);
	}
	scols_rows_print(sc, tb, &t->cells, t->ncols);
}

/* By hand where that gives what libsmartcols would (ipcs-print.h), through
 * libsmartcols where it is loaded (JSON, a terminal) or a cell needs its
 * locale-aware width; by hand also when the library cannot be loaded, as a
 * table that is not fitted to the terminal. */
void ib_table_print(struct ib_table *t)
{
	const char *why;
	bool hand = !t->sc && ib_print_can(t->o.mode, t->o.shell, &t->cells);
	if (!hand && !t->sc)
		hand = !(t->sc = ib_scols(&why));
	if (hand) {
		struct ib_print_col cols[IB_NELEM(t->cols)];
		for (size_t i = 0; i < t->ncols; i++)
			cols[i] = (struct ib_print_col){ t->cols[i]->name,
							 t->cols[i]->flags & IB_SCOLS_FL_RIGHT };
		ib_print(t->o.mode, t->o.noheadings, t->o.shell, cols, t->ncols, &t->cells);
	} else {
		scols_print(t);
	}
	ib_cells_free(&t->cells);
	free(t);
}

/* ---- one object (-i): lsipc's layout ---- */

bool ib_table_vertical(const struct ib_table *t)
{
	return t->vertical;
}

/* A line per column: its label and value, as lsipc -i prints them (with printf,
 * not through libsmartcols); a column without a value has no line. */
static void print_lines(struct ib_table *t, const void *rec)
{
	struct row r = make_row(t, rec);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct column *c = t->cols[i];
		struct val v;
		char buf[64];
		v.count = false;
		const char *s = c->get(&r, &v) ? cell_text(t, c, &v, buf, sizeof buf)
			        : c->blank ? "" : NULL;
		if (s)
			printf("%s:%*c%-36s\n", c->label, 35 - (int)strlen(c->label), ' ', s);
	}
}

/* A set's semaphores under its lines: lsipc's "Elements:" table, which it
 * prints through libsmartcols with headings whatever --noheadings says; here
 * by hand where that gives the same (ib_table_print). */
static void print_elements(struct ib_table *t, const struct ib_sem_info *s,
			   const struct ib_sem_elem *e)
{
	static const struct ib_print_col cols[] = { { "SEMNUM", true }, { "VALUE", true },
		{ "NCOUNT", true }, { "ZCOUNT", true }, { "PID", true }, { "COMMAND", true } };
	struct ib_cells cells = { 0 };
	for (uint64_t i = 0; i < s->nsems; i++) {
		char cell[5][24], cmd[4096];
		snprintf(cell[0], sizeof cell[0], "%" PRIu64, i);
		snprintf(cell[1], sizeof cell[1], "%d", e[i].val);
		snprintf(cell[2], sizeof cell[2], "%d", e[i].ncount);
		snprintf(cell[3], sizeof cell[3], "%d", e[i].zcount);
		snprintf(cell[4], sizeof cell[4], "%d", e[i].pid);
		for (size_t k = 0; k < 5; k++)
			ib_cells_add(&cells, cell[k]);
		ib_cells_add(&cells, cmdline(e[i].pid, cmd, sizeof cmd) ? cmd : NULL);
	}
	fputs("Elements:\n\n", stdout);
	const char *why;
	bool hand = !t->sc && ib_print_can(IB_TABLE_COLUMNS, false, &cells);
	if (!hand && !t->sc)
		hand = !(t->sc = ib_scols(&why));
	if (hand) {
		ib_print(IB_TABLE_COLUMNS, false, false, cols, IB_NELEM(cols), &cells);
		ib_cells_free(&cells);
		return;
	}
	const struct ib_scols *sc = t->sc;
	struct libscols_table *tb = sc->new_table();
	if (!tb)
		scols_failed("cannot make the output table");
	sc->table_set_name(tb, "elements");
	for (size_t i = 0; i < IB_NELEM(cols); i++)
		if (!sc->table_new_column(tb, cols[i].name, 0, IB_SCOLS_FL_RIGHT))
			scols_failed("cannot make the output table");
	scols_rows_print(sc, tb, &cells, IB_NELEM(cols));
	ib_cells_free(&cells);
}

void ib_table_print_one(struct ib_table *t, const void *rec, const struct ib_sem_elem *elems)
{
	if (!t->vertical) {
		if (rec)
			ib_table_add(t, rec);
		ib_table_print(t);
		return;
	}
	if (rec)
		print_lines(t, rec);
	if (rec && elems && !t->k->posix && t->k->kind == IB_SEM && ((const struct ib_sem_info *)rec)->nsems)
		print_elements(t, rec, elems);
	ib_cells_free(&t->cells);
	free(t);
}

const char *ib_table_column_name(size_t i)
{
	return i < IB_NELEM(columns) ? columns[i].name : NULL;
}

void ib_table_list_columns(FILE *f)
{
	static const char letters[] = "qmsQMSg";
	for (size_t i = 0; i < IB_NELEM(columns); i++) {
		char in[32] = "";
		for (int b = 0; letters[b]; b++)
			if (columns[i].in & (1u << b))
				snprintf(in + strlen(in), sizeof in - strlen(in), "%s-%c", in[0] ? " " : "",
					 letters[b]);
		fprintf(f, "%-12s %-20s %s\n", columns[i].name, in, columns[i].help);
	}
}
