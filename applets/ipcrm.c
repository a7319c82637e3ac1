/* ipcrm: remove System V and POSIX IPC objects. A drop-in for util-linux ipcrm:
 * the same options, messages, output and exit codes (1 for every failure, usage
 * errors included), with the POSIX options of util-linux 2.41, and -n/--dry-run. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/compat.h"
#include "ipc/err.h"
#include "ipc/filter.h"
#include "ipc/names.h"
#include "ipc/opt.h"
#include "ipc/posixlist.h"
#include "ipc/quote.h"
#include "ipc/sysvlist.h"

/* What can be removed; the order is the order of a sweep (as util-linux). */
enum kind { SHM, PSHM, SEM, PSEM, MSGQ, PMSGQ, NKINDS };
#define KIND_BIT(k) (1u << (k))
#define ALL_KINDS (KIND_BIT(NKINDS) - 1)

static const char *const kind_word[NKINDS] = { "shm", "pshm", "sem", "psem", "msg", "pmsg" };
static const char *const kind_text[NKINDS] = {
	"shared memory segment", "POSIX shared memory", "semaphore",
	"POSIX semaphore", "message queue", "POSIX message queue",
};

enum { OPT_PSHM = 0x100, OPT_PMSGQ, OPT_PSEM };

/* The ids, keys, names and kinds are read when their option acts, in util-linux's
 * words (IB_OPT_RAW); with a filter, -m, -q and -s take no ID (IB_OPT_DROPS_ARG). */
static const struct ib_opt options[] = {
	IB_OPT('m', "shmem-id", ID, "ID", "remove the shared memory segment with id ID",
	       .kinds = IB_KIND_BIT(IB_SHM), .flags = IB_OPT_RAW | IB_OPT_DROPS_ARG),
	IB_OPT('M', "shmem-key", KEY, "KEY", "remove the shared memory segment with key KEY",
	       .kinds = IB_KIND_BIT(IB_SHM), .flags = IB_OPT_RAW),
	IB_OPT(OPT_PSHM, "posix-shmem", POSIX, "NAME", "remove the POSIX shared memory object NAME",
	       .kinds = IB_KIND_BIT(IB_SHM), .flags = IB_OPT_RAW),
	IB_OPT('q', "queue-id", ID, "ID", "remove the message queue with id ID",
	       .kinds = IB_KIND_BIT(IB_MSGQ), .flags = IB_OPT_RAW | IB_OPT_DROPS_ARG),
	IB_OPT('Q', "queue-key", KEY, "KEY", "remove the message queue with key KEY",
	       .kinds = IB_KIND_BIT(IB_MSGQ), .flags = IB_OPT_RAW),
	IB_OPT(OPT_PMSGQ, "posix-mqueue", POSIX, "NAME", "remove the POSIX message queue NAME",
	       .kinds = IB_KIND_BIT(IB_MSGQ), .flags = IB_OPT_RAW),
	IB_OPT('s', "semaphore-id", ID, "ID", "remove the semaphore set with id ID",
	       .kinds = IB_KIND_BIT(IB_SEM), .flags = IB_OPT_RAW | IB_OPT_DROPS_ARG),
	IB_OPT('S', "semaphore-key", KEY, "KEY", "remove the semaphore set with key KEY",
	       .kinds = IB_KIND_BIT(IB_SEM), .flags = IB_OPT_RAW),
	IB_OPT(OPT_PSEM, "posix-semaphore", POSIX, "NAME", "remove the POSIX named semaphore NAME",
	       .kinds = IB_KIND_BIT(IB_SEM), .flags = IB_OPT_RAW),
	IB_OPT('a', "all", CHOICE, "KIND",
	       "remove every object (of KIND: shm, msg, sem, pshm, pmsg or psem)",
	       .choices = "shm|pshm|sem|psem|msg|pmsg", .flags = IB_OPT_OPTARG | IB_OPT_RAW),
	IB_OPT('n', "dry-run", NONE, NULL, "print what would be removed, remove nothing"),
	IB_OPT('v', "verbose", NONE, NULL, "explain what is being done"),
	IB_STD_OPTS,
	IB_HEADING("Filters: remove only the objects that pass every filter given. With a filter,\n"
		   "-m, -q and -s take no ID: they choose the kinds to look at (default: all,\n"
		   "System V and POSIX, as -a)."),
	IB_FILTER_OPTS,
};

const struct ib_cmd ipcrm_cmd = {
	.usage = "Usage: ipcrm [OPTION]...\n"
		 "   or: ipcrm shm|msg|sem ID...\n"
		 "   or: ipcrm FILTER... [-q] [-m] [-s] [-a[=KIND]] [-n] [-v]\n"
		 "Remove System V and POSIX IPC objects.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "KEY is decimal, 0x hex or 0 octal; ID is decimal. Exit status is 0 if every\n"
		  "object was removed, 1 otherwise (and for a bad command line).\n",
	.usage_status = IB_EXIT_FAIL,
	.kinds = IB_ALL_KINDS,
	.help_short = 'h',
	.version_short = 'V',
};

/* An option as given, acted on once the whole command line has been read. */
struct act {
	const struct ib_opt *opt;
	const char *arg;
};

struct run {
	bool verbose;
	bool dry_run;
	int failures;
	struct ib_filter *filter;
	struct ib_names names;
	const char *detail; /* appended to a -v/-n line: who the object is */
	char uid_buf[16];
};

/* The kind of object K (SHM, SEM or MSGQ) in the core's words. */
static enum ib_kind sysv_kind(enum kind k)
{
	return k == MSGQ ? IB_MSGQ : k == SHM ? IB_SHM : IB_SEM;
}

/* The fresh record of id ID and whether it passes the filters; 0, or the errno of
 * the lookup (EINVAL: gone). Checked right before the removal, so an object that
 * changed since it was listed (attached, used, given away) is left alone. */
static int recheck(struct run *run, enum kind k, int id, struct ib_sysv_perm *perm, bool *match)
{
	union {
		struct ib_msgq_info q;
		struct ib_shm_info s;
		struct ib_sem_info m;
	} r = { .q = { .perm = { 0 } } };
	int rc = ib_sysv_stat(sysv_kind(k), id, &r);
	*match = rc == 0 && ib_filter_sysv(run->filter, sysv_kind(k), &r);
	*perm = r.q.perm; /* every record begins with it */
	return rc < 0 ? errno : 0;
}

/* IPC_RMID, or with --dry-run what IPC_RMID would do: 0 or an errno. */
static int rmid(struct run *run, enum kind k, int id)
{
	if (run->dry_run) {
		struct ib_sysv_perm perm;
		bool match;
		int err = recheck(run, k, id, &perm, &match);
		if (err == EACCES)
			return 0;
		if (err == 0 && geteuid() != 0 && geteuid() != perm.uid && geteuid() != perm.cuid)
			return EPERM;
		return err;
	}
	int r;
	if (k == SHM)
		r = shmctl(id, IPC_RMID, NULL);
	else if (k == MSGQ)
		r = msgctl(id, IPC_RMID, NULL);
	else
		r = semctl(id, 0, IPC_RMID);
	return r < 0 ? errno : 0;
}

/* Whether object ID of kind K is gone, as an IPC_RMID that failed with EINVAL or
 * EIDRM says: asked again, so that "already removed" is never said of an object
 * that is still there. */
static bool gone(enum kind k, int id)
{
	union {
		struct ib_msgq_info q;
		struct ib_shm_info s;
		struct ib_sem_info m;
	} r;
	return ib_sysv_stat(sysv_kind(k), id, &r) < 0 && (errno == EINVAL || errno == EIDRM);
}

/* Removes one System V object by id. ISKEY picks util-linux's wording for an id
 * found from a key. In a sweep (SWEEP), an object that went away after it was
 * listed is not a failure: it is gone, which is what was asked. */
static void remove_id(struct run *run, enum kind k, bool iskey, int id, bool sweep)
{
	if (run->verbose || run->dry_run)
		printf("%s %s id `%d'%s\n", run->dry_run ? "would remove" : "removing",
		       kind_text[k], id, run->detail);
	int err = rmid(run, k, id);
	if (!err)
		return;
	if (sweep && (err == EINVAL || err == EIDRM) && gone(k, id)) {
		if (run->verbose)
			printf("%s id `%d' was already removed\n", kind_text[k], id);
		return;
	}
	const char *what;
	switch (err) {
	case EACCES:
	case EPERM:
		what = iskey ? "permission denied for key" : "permission denied for id";
		break;
	case EINVAL:
		what = iskey ? "invalid key" : "invalid id";
		break;
	case EIDRM:
		what = iskey ? "already removed key" : "already removed id";
		break;
	default:
		ib_die_sys(IB_EXIT_FAIL, err, "%s", iskey ? "key failed" : "id failed");
	}
	ib_warn("%s (%d)", what, id);
	run->failures++;
}

/* util-linux reads ids and keys with the C library's strtoimax and strtoul: leading
 * blanks, a sign, a negative key wrapping to 0xffffffff, an overflow worded with
 * strerror. The core's parsers (parse.c, ib_parse_key) refuse all of these by design,
 * so the drop-in, their only user, keeps these two here.
 * An id option's argument, as util-linux reads it: a decimal int32 or exit 1. */
static int parse_id_or_die(const char *s)
{
	char *end;
	errno = 0;
	intmax_t v = *s ? strtoimax(s, &end, 10) : 0;
	if (!*s || end == s || (errno == 0 && *end)) /* no digits: EINVAL on musl */
		ib_die(IB_EXIT_FAIL, "failed to parse argument: '%s'", s);
	if (errno || v < INT32_MIN || v > INT32_MAX)
		ib_die_sys(IB_EXIT_FAIL, errno ? errno : ERANGE, "failed to parse argument: '%s'", s);
	return (int)v;
}

/* A key option's argument: strtoul(3) with base 0, truncated to key_t (as util-linux). */
static key_t parse_key_or_die(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = *s ? strtoul(s, &end, 0) : 0;
	if (!*s || end == s) /* no digits: EINVAL on musl, no errno on glibc */
		ib_die(IB_EXIT_FAIL, "failed to parse argument: '%s'", s);
	if (errno)
		ib_die_sys(IB_EXIT_FAIL, errno, "failed to parse argument: '%s'", s);
	if (*end)
		ib_die(IB_EXIT_FAIL, "failed to parse argument: '%s'", s);
	return (key_t)(uint32_t)v;
}

/* The id of the object with key S, or -1 after saying why not. */
static int key_to_id(struct run *run, enum kind k, const char *s)
{
	key_t key = parse_key_or_die(s);
	if (key == IPC_PRIVATE) {
		ib_warn("illegal key (%s)", s);
		run->failures++;
		return -1;
	}
	int id = k == SHM ? shmget(key, 0, 0) : k == MSGQ ? msgget(key, 0) : semget(key, 0, 0);
	if (id >= 0)
		return id;
	const char *what;
	switch (errno) {
	case EACCES:
		what = "permission denied for key";
		break;
	case EIDRM:
		what = "already removed key";
		break;
	case ENOENT:
		what = "invalid key";
		break;
	default:
		ib_die_sys(IB_EXIT_FAIL, errno, "key failed");
	}
	ib_warn("%s (%s)", what, s);
	run->failures++;
	return -1;
}

/* What unlinking the POSIX object NAME would do, for --dry-run: 0 or an errno.
 * /dev/shm and the mqueue fs are sticky: only the owner (or root) may unlink. */
static int posix_check(enum kind k, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	if (k == PMSGQ && !ib_mqueue_mounted()) {
		mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
		if (q == (mqd_t)-1)
			return errno == EACCES ? 0 : errno;
		mq_close(q);
		return 0;
	}
	snprintf(path, sizeof path, "%s/%s%s", k == PMSGQ ? IB_MQUEUE_DIR : IB_SHM_DIR,
		 k == PSEM ? "sem." : "", name + 1);
	if (stat(path, &st) < 0)
		return errno;
	return geteuid() == 0 || geteuid() == st.st_uid ? 0 : EACCES;
}

/* A POSIX name as -v, -n and the messages show it: `NAME' as util-linux prints it,
 * or, when it holds bytes a terminal would act on (a newline, an escape), quoted as
 * a shell reads it back ('a'$'\n''b'; see ib_quote). Valid until the next call. */
static const char *shown_name(const char *name)
{
	static char *buf;
	static bool locale;
	for (const char *p = name; *p && !locale; p++) {
		if ((unsigned char)*p >= 0x80) { /* judge multibyte names in the user's charset */
			setlocale(LC_CTYPE, "");
			locale = true;
		}
	}
	if (ib_has_unprintable(name))
		return ib_quote(name);
	free(buf);
	if (asprintf(&buf, "`%s'", name) < 0) {
		buf = NULL;
		return ib_quote(name);
	}
	return buf;
}

/* Removes the POSIX object NAME (with or without its leading slash). In a sweep,
 * an object that went away after it was listed is not a failure. */
static void remove_name(struct run *run, enum kind k, const char *arg, bool sweep)
{
	char name[NAME_MAX + 3];
	int r = snprintf(name, sizeof name, "%s%s", arg[0] == '/' ? "" : "/", arg);
	int err = 0;
	if (run->verbose || run->dry_run)
		printf("%s %s %s%s\n", run->dry_run ? "would remove" : "removing", kind_text[k],
		       shown_name(arg), run->detail);
	if (r < 0 || (size_t)r >= sizeof name)
		err = ENAMETOOLONG;
	else if (strchr(name + 1, '/') || !name[1])
		err = EINVAL;
	else if (run->dry_run)
		err = posix_check(k, name);
	else if ((k == PSHM ? shm_unlink(name) : k == PMSGQ ? mq_unlink(name) : ib_sem_unlink(name)) < 0)
		err = errno;
	if (!err)
		return;
	if (sweep && err == ENOENT) {
		if (run->verbose)
			printf("%s %s was already removed\n", kind_text[k], shown_name(arg));
		return;
	}
	switch (err) {
	case EACCES:
	case EPERM:
		ib_warn("permission denied for name %s", shown_name(arg));
		break;
	case ENOENT:
		ib_warn("name %s not found", shown_name(arg));
		break;
	case ENAMETOOLONG:
		ib_warn("name %s too long", shown_name(arg));
		break;
	default:
		ib_warn_sys(err, "name %s", shown_name(arg));
		break;
	}
	run->failures++;
}

/* Lists into *IDS (malloc'd) the ids of the System V objects of kind K that pass
 * the filters as listed. */
static int list_ids(struct ib_filter *f, enum kind k, int **ids, size_t *n)
{
	void *all;
	size_t count, size = ib_sysv_size(sysv_kind(k));
	if (ib_sysv_list(sysv_kind(k), false, &all, &count) < 0)
		return -1;
	*n = 0;
	*ids = malloc((count + 1) * sizeof **ids);
	for (size_t i = 0; *ids && i < count; i++) {
		const struct ib_sysv_perm *p = (const void *)((char *)all + i * size);
		if (ib_filter_sysv(f, sysv_kind(k), p))
			(*ids)[(*n)++] = p->id;
	}
	free(all);
	if (!*ids)
		errno = ENOMEM;
	return *ids ? 0 : -1;
}

/* The user name of UID for -v/-n lines, or the number when it has none. */
static const char *owner_name(struct run *run, uid_t uid)
{
	const char *name = ib_user_name(&run->names, uid);
	if (name)
		return name;
	snprintf(run->uid_buf, sizeof run->uid_buf, "%u", (unsigned)uid);
	return run->uid_buf;
}

/* Removes every System V object of kind K (that passes the filters, if any). */
static void sweep_sysv(struct run *run, enum kind k)
{
	int *ids;
	size_t n;
	if (list_ids(run->filter, k, &ids, &n) < 0) {
		ib_warn_sys(errno, "cannot list %ss", kind_text[k]);
		run->failures++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct ib_sysv_perm perm;
		bool match;
		if (!run->filter->active) {
			remove_id(run, k, false, ids[i], true);
			continue;
		}
		int err = recheck(run, k, ids[i], &perm, &match);
		if (err == EINVAL || err == EIDRM) {
			if (run->verbose)
				printf("%s id `%d' was already removed\n", kind_text[k], ids[i]);
		} else if (err) {
			ib_warn_sys(err, "%s id `%d'", kind_text[k], ids[i]);
			run->failures++;
		} else if (match) {
			char detail[128];
			snprintf(detail, sizeof detail, " (key 0x%08x, owner %s)", (unsigned)perm.key,
				 owner_name(run, perm.uid));
			run->detail = detail;
			remove_id(run, k, false, ids[i], true);
			run->detail = "";
		} else if (run->verbose || run->dry_run) {
			printf("%s id `%d' changed since it was listed: left alone\n", kind_text[k],
			       ids[i]);
		}
	}
	free(ids);
}

/* Removes every POSIX object of kind K (that passes the filters, if any). EXPLICIT:
 * the user named this kind, so a queue file system that is not mounted is an error. */
static void sweep_posix(struct run *run, enum kind k, bool explicit)
{
	enum ib_kind pk = k == PMSGQ ? IB_MSGQ : k == PSHM ? IB_SHM : IB_SEM;
	struct ib_posix_info *objs;
	size_t n;
	if (ib_posix_list(pk, &objs, &n) < 0) {
		if (!explicit && errno == ENOENT)
			return;
		if (errno == ENOENT && pk == IB_MSGQ)
			ib_warn("cannot list POSIX message queues: no mqueue file system on %s",
				IB_MQUEUE_DIR);
		else
			ib_warn_sys(errno, "cannot list %s objects", kind_text[k]);
		run->failures++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ib_filter_posix(run->filter, &objs[i]))
			continue;
		char detail[128] = "";
		if (run->filter->active) {
			snprintf(detail, sizeof detail, " (owner %s)", owner_name(run, objs[i].uid));
		}
		run->detail = detail;
		remove_name(run, k, objs[i].name, true);
		run->detail = "";
	}
	free(objs);
}

/* Removes every object of the KINDS (bits), in util-linux's order. A POSIX kind
 * asked for alone must be listable; within "all", one that is not is skipped. */
static void sweep_kinds(struct run *run, unsigned kinds)
{
	for (int i = 0; i < NKINDS; i++) {
		if (!(kinds & KIND_BIT(i)))
			continue;
		if (i == SHM || i == MSGQ || i == SEM)
			sweep_sysv(run, (enum kind)i);
		else
			sweep_posix(run, (enum kind)i, kinds != ALL_KINDS);
	}
}

/* Whether WORD is -n or --dry-run (or an abbreviation getopt_long would take). */
static bool is_dry_run_word(const char *word)
{
	size_t len = strlen(word);
	return strcmp(word, "-n") == 0 ||
	       (len >= 4 && strncmp(word, "--dry-run", len) == 0);
}

/* ipcrm shm|msg|sem ID...: the historical syntax; "resource(s) deleted" on success.
 * -n/--dry-run holds here too, wherever it is written before a "--": all the words
 * are read before the first id is acted on. */
static int legacy_main(struct run *run, enum kind k, int argc, char **argv)
{
	int ids = 0;
	bool opts_done = false;
	for (int i = 0; i < argc; i++) {
		if (!opts_done && strcmp(argv[i], "--") == 0)
			opts_done = true;
		else if (!opts_done && is_dry_run_word(argv[i]))
			run->dry_run = true;
		else
			argv[ids++] = argv[i];
	}
	argc = ids;
	if (argc < 1) {
		ib_warn("not enough arguments");
		ib_try_help();
		return IB_EXIT_FAIL;
	}
	for (int i = 0; i < argc; i++) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(argv[i], &end, 10);
		if (errno || !*argv[i] || *end) {
			ib_warn("invalid id: %s", argv[i]);
			run->failures++;
		} else {
			remove_id(run, k, false, (int)(unsigned)v, false);
		}
	}
	if (run->failures)
		return IB_EXIT_FAIL;
	if (!run->dry_run)
		printf("resource(s) deleted\n");
	return IB_EXIT_OK;
}

static bool kind_of_word(const char *w, enum kind *k)
{
	for (int i = 0; i < NKINDS; i++) {
		if (strcmp(w, kind_word[i]) == 0) {
			*k = (enum kind)i;
			return true;
		}
	}
	return false;
}

/* -a's KIND (all kinds without one) as kind bits; a word that is no kind stops
 * ipcrm, as in util-linux. */
static unsigned all_arg(const char *arg)
{
	enum kind k;
	if (!arg)
		return ALL_KINDS;
	if (!kind_of_word(arg, &k))
		ib_die(IB_EXIT_FAIL, "unknown argument: %s", arg);
	return KIND_BIT(k);
}

static enum kind kind_of_letter(int c)
{
	return c == 'm' || c == 'M' ? SHM : c == 'q' || c == 'Q' ? MSGQ : SEM;
}

/* With a filter: sweep the chosen kinds (all by default), removing what passes. */
static int filter_main(struct run *run, const struct act *acts, int nacts, char **ops, int nops)
{
	unsigned kinds = 0;
	for (int i = 0; i < nacts; i++) {
		int c = acts[i].opt->id;
		switch (c) {
		case 'm':
		case 'q':
		case 's':
			/* "-m ID" written before the first filter */
			if (acts[i].arg)
				ib_usage_error_code(IB_EXIT_FAIL, "unknown argument: %s", acts[i].arg);
			kinds |= KIND_BIT(kind_of_letter(c));
			break;
		case 'a':
			kinds |= all_arg(acts[i].arg);
			break;
		case 'M':
		case 'Q':
		case 'S':
			ib_usage_error_code(IB_EXIT_FAIL, "-%c cannot be combined with a filter", c);
		case OPT_PSHM:
		case OPT_PMSGQ:
		case OPT_PSEM:
			ib_usage_error_code(IB_EXIT_FAIL, "--%s cannot be combined with a filter",
					    acts[i].opt->name);
		case 'v':
			run->verbose = true;
			break;
		}
	}
	if (nops > 0)
		ib_usage_error_code(IB_EXIT_FAIL, "unknown argument: %s", ops[0]);
	sweep_kinds(run, kinds ? kinds : ALL_KINDS);
	return run->failures ? IB_EXIT_FAIL : IB_EXIT_OK;
}

/* Without a filter: each option acts in command-line order, as util-linux's do. */
static int plain_main(struct run *run, const struct act *acts, int nacts, char **ops, int nops)
{
	unsigned kinds = 0;
	for (int i = 0; i < nacts; i++) {
		int c = acts[i].opt->id, id;
		const char *arg = acts[i].arg;
		switch (c) {
		case 'M':
		case 'Q':
		case 'S':
			if ((id = key_to_id(run, kind_of_letter(c), arg)) >= 0)
				remove_id(run, kind_of_letter(c), true, id, false);
			break;
		case 'm':
		case 'q':
		case 's':
			remove_id(run, kind_of_letter(c), false, parse_id_or_die(arg), false);
			break;
		case OPT_PSHM:
		case OPT_PMSGQ:
		case OPT_PSEM:
			remove_name(run, c == OPT_PSHM ? PSHM : c == OPT_PMSGQ ? PMSGQ : PSEM, arg, false);
			break;
		case 'a':
			kinds = all_arg(arg);
			break;
		case 'v':
			run->verbose = true;
			break;
		}
	}
	sweep_kinds(run, kinds);
	if (nops > 0) {
		ib_warn("unknown argument: %s", ops[0]);
		ib_try_help();
		return IB_EXIT_FAIL;
	}
	return run->failures ? IB_EXIT_FAIL : IB_EXIT_OK;
}

int ipcrm_main(int argc, char **argv)
{
	struct ib_filter filter;
	ib_filter_init(&filter);
	filter.keys_not_private = true; /* as -M 0: key 0 is refused */
	struct run run = { .filter = &filter, .names = IB_NAMES_INIT, .detail = "" };
	enum kind k;
	if (argc < 2) {
		ib_warn("bad usage");
		ib_try_help();
		return IB_EXIT_FAIL;
	}
	/* The historical syntax, perhaps after -n: "ipcrm -n shm 5" is a dry run of it. */
	int word = 1;
	while (word < argc - 1 && is_dry_run_word(argv[word]))
		word++;
	if (kind_of_word(argv[word], &k) && (k == SHM || k == MSGQ || k == SEM)) {
		run.dry_run = word > 1;
		return legacy_main(&run, k, argc - word - 1, argv + word + 1);
	}

	/* The whole command line is read before anything is removed: -n holds
	 * wherever it is written, and from the first filter on -q, -m and -s choose
	 * kinds instead of taking an ID. */
	struct act *acts = calloc((size_t)argc, sizeof *acts);
	if (!acts)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "reading the command line");
	struct ib_args args;
	int nacts = 0, opt;
	ib_args_init(&args, &ipcrm_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_filter_arg(&filter, &args))
			args.drop_args = true;
		else if (opt == 'n')
			run.dry_run = true;
		else
			acts[nacts++] = (struct act){ args.opt, args.arg };
	}
	int status = filter.active ? filter_main(&run, acts, nacts, args.ops, args.nops) :
				     plain_main(&run, acts, nacts, args.ops, args.nops);
	char why[512];
	if (ib_filter_undecided(&filter, why, sizeof why))
		ib_warn("%s", why);
	free(acts);
	free(args.ops);
	ib_names_free(&run.names);
	ib_filter_free(&filter);
	return status;
}
