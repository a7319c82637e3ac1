/* ipcrm: remove System V and POSIX IPC objects. A drop-in for util-linux ipcrm:
 * the same options, messages, output and exit codes (1 for every failure, usage
 * errors included), with the POSIX options of util-linux 2.41, and -n/--dry-run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "ipc/posixlist.h"
#include "ipc/quote.h"
#include "ipc/sysvlist.h"

static const char usage[] =
	"Usage: ipcrm [OPTION]...\n"
	"   or: ipcrm shm|msg|sem ID...\n"
	"   or: ipcrm FILTER... [-q] [-m] [-s] [-a[=KIND]] [-n] [-v]\n"
	"Remove System V and POSIX IPC objects.\n"
	"\n"
	"  -m, --shmem-id ID          remove the shared memory segment with id ID\n"
	"  -M, --shmem-key KEY        remove the shared memory segment with key KEY\n"
	"      --posix-shmem NAME     remove the POSIX shared memory object NAME\n"
	"  -q, --queue-id ID          remove the message queue with id ID\n"
	"  -Q, --queue-key KEY        remove the message queue with key KEY\n"
	"      --posix-mqueue NAME    remove the POSIX message queue NAME\n"
	"  -s, --semaphore-id ID      remove the semaphore set with id ID\n"
	"  -S, --semaphore-key KEY    remove the semaphore set with key KEY\n"
	"      --posix-semaphore NAME  remove the POSIX named semaphore NAME\n"
	"  -a, --all[=KIND]           remove every object (of KIND: shm, msg, sem,\n"
	"                               pshm, pmsg or psem)\n"
	"  -n, --dry-run              print what would be removed, remove nothing\n"
	"  -v, --verbose              explain what is being done\n"
	"  -h, --help                 display this help and exit\n"
	"  -V, --version              output version information and exit\n"
	"\n"
	"Filters: remove only the objects that pass every filter given. With a filter,\n"
	"-m, -q and -s take no ID: they choose the kinds to look at (default: all,\n"
	"System V and POSIX, as -a).\n"
	IB_FILTER_HELP
	"\n"
	"KEY is decimal, 0x hex or 0 octal; ID is decimal. Exit status is 0 if every\n"
	"object was removed, 1 otherwise (and for a bad command line); 2 for a\n"
	"malformed filter argument.\n";

/* What can be removed; the order is the order of a sweep (as util-linux). */
enum kind { SHM, PSHM, SEM, PSEM, MSG, PMSG, NKINDS };
#define KIND_BIT(k) (1u << (k))
#define ALL_KINDS (KIND_BIT(NKINDS) - 1)

static const char *const kind_word[NKINDS] = { "shm", "pshm", "sem", "psem", "msg", "pmsg" };
static const char *const kind_text[NKINDS] = {
	"shared memory segment", "POSIX shared memory", "semaphore",
	"POSIX semaphore", "message queue", "POSIX message queue",
};

enum { OPT_PSHM = 0x100, OPT_PMSG, OPT_PSEM };

static const struct option longopts[] = {
	{ "shmem-id", required_argument, NULL, 'm' },
	{ "shmem-key", required_argument, NULL, 'M' },
	{ "posix-shmem", required_argument, NULL, OPT_PSHM },
	{ "queue-id", required_argument, NULL, 'q' },
	{ "queue-key", required_argument, NULL, 'Q' },
	{ "posix-mqueue", required_argument, NULL, OPT_PMSG },
	{ "semaphore-id", required_argument, NULL, 's' },
	{ "semaphore-key", required_argument, NULL, 'S' },
	{ "posix-semaphore", required_argument, NULL, OPT_PSEM },
	{ "all", optional_argument, NULL, 'a' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	IB_FILTER_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};
static const char shortopts[] = "m:M:q:Q:s:S:a::nvhV";
/* With a filter, -m, -q and -s choose kinds and take no argument. */
static const char filter_shortopts[] = "mqsM:Q:S:a::nvhV";

struct run {
	bool verbose;
	bool dry_run;
	int failures;
	struct ib_filter *filter;
	struct ib_names names;
	const char *detail; /* appended to a -v/-n line: who the object is */
	char uid_buf[16];
};

/* The fresh record of id ID and whether it passes the filters; 0, or the errno of
 * the lookup (EINVAL: gone). Checked right before the removal, so an object that
 * changed since it was listed (attached, used, given away) is left alone. */
static int recheck(struct run *run, enum kind k, int id, struct ib_sysv_perm *perm, bool *match)
{
	struct ib_msq_info q = { 0 };
	struct ib_shm_info s = { 0 };
	struct ib_sem_info m = { 0 };
	int r;
	if (k == MSG) {
		r = ib_msq_stat(id, &q);
		*match = r == 0 && ib_filter_msq(run->filter, &q);
		*perm = q.perm;
	} else if (k == SHM) {
		r = ib_shm_stat(id, &s);
		*match = r == 0 && ib_filter_shm(run->filter, &s);
		*perm = s.perm;
	} else {
		r = ib_sem_stat(id, &m);
		*match = r == 0 && ib_filter_sem(run->filter, &m);
		*perm = m.perm;
	}
	return r < 0 ? errno : 0;
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
	else if (k == MSG)
		r = msgctl(id, IPC_RMID, NULL);
	else
		r = semctl(id, 0, IPC_RMID);
	return r < 0 ? errno : 0;
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
	if (sweep && (err == EINVAL || err == EIDRM)) {
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

/* An id option's argument, as util-linux reads it: a decimal int32 or exit 1. */
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
	int id = k == SHM ? shmget(key, 0, 0) : k == MSG ? msgget(key, 0) : semget(key, 0, 0);
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
	if (k == PMSG && !ib_mqueue_mounted()) {
		mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
		if (q == (mqd_t)-1)
			return errno == EACCES ? 0 : errno;
		mq_close(q);
		return 0;
	}
	snprintf(path, sizeof path, "%s/%s%s", k == PMSG ? IB_MQUEUE_DIR : IB_SHM_DIR,
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
	else if ((k == PSHM ? shm_unlink(name) : k == PMSG ? mq_unlink(name) : ib_sem_unlink(name)) < 0)
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
	struct ib_msq_info *q = NULL;
	struct ib_shm_info *s = NULL;
	struct ib_sem_info *m = NULL;
	size_t all;
	int r = k == MSG ? ib_msq_list(&q, &all) : k == SHM ? ib_shm_list(&s, &all) : ib_sem_list(&m, &all);
	if (r < 0)
		return -1;
	*n = 0;
	*ids = malloc((all + 1) * sizeof **ids);
	for (size_t i = 0; *ids && i < all; i++) {
		if (k == MSG ? ib_filter_msq(f, &q[i]) : k == SHM ? ib_filter_shm(f, &s[i]) :
		    ib_filter_sem(f, &m[i]))
			(*ids)[(*n)++] = k == MSG ? q[i].perm.id : k == SHM ? s[i].perm.id : m[i].perm.id;
	}
	free(q);
	free(s);
	free(m);
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
	enum ib_posix_kind pk = k == PMSG ? IB_PMQ : k == PSHM ? IB_PSHM : IB_PSEM;
	struct ib_posix_info *objs;
	size_t n;
	if (ib_posix_list(pk, &objs, &n) < 0) {
		if (!explicit && errno == ENOENT)
			return;
		if (errno == ENOENT && pk == IB_PMQ)
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
		if (i == SHM || i == MSG || i == SEM)
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
	bool options = true;
	for (int i = 0; i < argc; i++) {
		if (options && strcmp(argv[i], "--") == 0)
			options = false;
		else if (options && is_dry_run_word(argv[i]))
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

/* With a filter: sweep the chosen kinds (all by default), removing what passes. */
static int filter_main(struct run *run, int argc, char **argv)
{
	unsigned kinds = 0;
	enum kind k;
	int c;
	while ((c = getopt_long(argc, argv, filter_shortopts, longopts, NULL)) != -1) {
		if (ib_filter_option(run->filter, c, optarg))
			continue;
		switch (c) {
		case 'm':
		case 'q':
		case 's':
			kinds |= KIND_BIT(c == 'm' ? SHM : c == 'q' ? MSG : SEM);
			break;
		case 'a':
			if (!optarg)
				kinds |= ALL_KINDS;
			else if (kind_of_word(optarg, &k))
				kinds |= KIND_BIT(k);
			else
				ib_die(IB_EXIT_FAIL, "unknown argument: %s", optarg);
			break;
		case 'M':
		case 'Q':
		case 'S':
			ib_usage_error_code(IB_EXIT_FAIL, "-%c cannot be combined with a filter", c);
		case OPT_PSHM:
		case OPT_PMSG:
		case OPT_PSEM:
			ib_usage_error_code(IB_EXIT_FAIL, "--%s cannot be combined with a filter",
					    c == OPT_PSHM ? "posix-shmem" :
					    c == OPT_PMSG ? "posix-mqueue" : "posix-semaphore");
		case 'n':
			break;
		case 'v':
			run->verbose = true;
			break;
		case 'h':
			ib_help_exit(usage);
		case 'V':
			ib_version_exit();
		default:
			ib_bad_option(IB_EXIT_FAIL);
		}
	}
	if (optind < argc)
		ib_usage_error_code(IB_EXIT_FAIL, "unknown argument: %s", argv[optind]);
	sweep_kinds(run, kinds ? kinds : ALL_KINDS);
	return run->failures ? IB_EXIT_FAIL : IB_EXIT_OK;
}

/* Without a filter: each option acts in command-line order, as util-linux's do. */
static int plain_main(struct run *run, int argc, char **argv)
{
	unsigned kinds = 0;
	enum kind k;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id;
		switch (c) {
		case 'M':
		case 'Q':
		case 'S':
			k = c == 'M' ? SHM : c == 'Q' ? MSG : SEM;
			if ((id = key_to_id(run, k, optarg)) >= 0)
				remove_id(run, k, true, id, false);
			break;
		case 'm':
		case 'q':
		case 's':
			k = c == 'm' ? SHM : c == 'q' ? MSG : SEM;
			remove_id(run, k, false, parse_id_or_die(optarg), false);
			break;
		case OPT_PSHM:
		case OPT_PMSG:
		case OPT_PSEM:
			k = c == OPT_PSHM ? PSHM : c == OPT_PMSG ? PMSG : PSEM;
			remove_name(run, k, optarg, false);
			break;
		case 'a':
			if (!optarg)
				kinds = ALL_KINDS;
			else if (kind_of_word(optarg, &k))
				kinds = KIND_BIT(k);
			else
				ib_die(IB_EXIT_FAIL, "unknown argument: %s", optarg);
			break;
		case 'n':
			break;
		case 'v':
			run->verbose = true;
			break;
		case 'h':
			ib_help_exit(usage);
		case 'V':
			ib_version_exit();
		default:
			ib_bad_option(IB_EXIT_FAIL);
		}
	}
	sweep_kinds(run, kinds);
	if (optind < argc) {
		ib_warn("unknown argument: %s", argv[optind]);
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
	if (kind_of_word(argv[word], &k) && (k == SHM || k == MSG || k == SEM)) {
		run.dry_run = word > 1;
		return legacy_main(&run, k, argc - word - 1, argv + word + 1);
	}

	/* First pass, quiet: --dry-run holds wherever it is written, and any filter
	 * turns -q, -m and -s into choices of kind, without an argument.
	 * getopt_long permutes what it parses, so this pass reads a copy of ARGV. */
	bool filtering = false;
	int c;
	char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
	if (!copy)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "reading the command line");
	memcpy(copy, argv, ((size_t)argc + 1) * sizeof *copy);
	opterr = 0;
	while ((c = getopt_long(argc, copy, filter_shortopts, longopts, NULL)) != -1) {
		if (c == 'n')
			run.dry_run = true;
		else if (c >= IB_OPT_STALE && c <= IB_OPT_IDS)
			filtering = true;
	}
	free(copy);
	opterr = 1;
	optind = 0;
	int status = filtering ? filter_main(&run, argc, argv) : plain_main(&run, argc, argv);
	ib_names_free(&run.names);
	ib_filter_free(&filter);
	return status;
}
