/* ipcrm: remove System V and POSIX IPC objects. A drop-in for util-linux ipcrm:
 * the same options, messages, output and exit codes (1 for every failure, usage
 * errors included), with the POSIX options of util-linux 2.41, and -n/--dry-run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
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
#include "ipc/err.h"

static const char usage[] =
	"Usage: ipcrm [OPTION]...\n"
	"   or: ipcrm shm|msg|sem ID...\n"
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
	"KEY is decimal, 0x hex or 0 octal; ID is decimal. Exit status is 0 if every\n"
	"object was removed, 1 otherwise.\n";

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
	{ NULL, 0, NULL, 0 },
};
static const char shortopts[] = "m:M:q:Q:s:S:a::nvhV";

struct run {
	bool verbose;
	bool dry_run;
	int failures;
};

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* The id's kernel record, without needing read permission where the kernel allows
 * (*_STAT_ANY, Linux 4.17+). Returns 0, or the errno of the lookup. */
static int stat_id(enum kind k, int id, struct ipc_perm *perm)
{
	int idx = id & 0x7fff, r;
	struct shmid_ds shm;
	struct msqid_ds msg;
	struct semid_ds sem;
	union semun arg = { .buf = &sem };
	switch (k) {
	case SHM:
		r = shmctl(idx, SHM_STAT_ANY, &shm);
		if (r != id)
			r = shmctl(id, IPC_STAT, &shm);
		*perm = shm.shm_perm;
		break;
	case MSG:
		r = msgctl(idx, MSG_STAT_ANY, &msg);
		if (r != id)
			r = msgctl(id, IPC_STAT, &msg);
		*perm = msg.msg_perm;
		break;
	default:
		r = semctl(idx, 0, SEM_STAT_ANY, arg);
		if (r != id)
			r = semctl(id, 0, IPC_STAT, arg);
		*perm = sem.sem_perm;
		break;
	}
	return r < 0 ? errno : 0;
}

/* IPC_RMID, or with --dry-run what IPC_RMID would do: 0 or an errno. */
static int rmid(const struct run *run, enum kind k, int id)
{
	if (run->dry_run) {
		struct ipc_perm perm;
		int err = stat_id(k, id, &perm);
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
		r = semctl(id, 0, IPC_RMID, (union semun){ .val = 0 });
	return r < 0 ? errno : 0;
}

/* Removes one System V object by id. ISKEY picks util-linux's wording for an id
 * found from a key. In a sweep (SWEEP), an object that went away after it was
 * listed is not a failure: it is gone, which is what was asked. */
static void remove_id(struct run *run, enum kind k, bool iskey, int id, bool sweep)
{
	if (run->verbose || run->dry_run)
		printf("%s %s id `%d'\n", run->dry_run ? "would remove" : "removing",
		       kind_text[k], id);
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
	if (!*s || (errno == 0 && (end == s || *end)))
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
	if (*s && errno)
		ib_die_sys(IB_EXIT_FAIL, errno, "failed to parse argument: '%s'", s);
	if (!*s || end == s || *end)
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

/* Where the POSIX object NAME lives in the file system, for --dry-run. */
static int posix_exists(enum kind k, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	if (k == PMSG) {
		mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
		if (q != (mqd_t)-1) {
			mq_close(q);
			return 0;
		}
		return errno == EACCES ? 0 : errno;
	}
	snprintf(path, sizeof path, "/dev/shm/%s%s", k == PSEM ? "sem." : "", name + 1);
	return stat(path, &st) == 0 ? 0 : errno;
}

/* Removes the POSIX object NAME (with or without its leading slash). */
static void remove_name(struct run *run, enum kind k, const char *arg)
{
	char name[NAME_MAX + 3];
	int r = snprintf(name, sizeof name, "%s%s", arg[0] == '/' ? "" : "/", arg);
	int err = 0;
	if (run->verbose || run->dry_run)
		printf("%s %s `%s'\n", run->dry_run ? "would remove" : "removing", kind_text[k], arg);
	if (r < 0 || (size_t)r >= sizeof name)
		err = ENAMETOOLONG;
	else if (strchr(name + 1, '/') || !name[1])
		err = EINVAL;
	else if (run->dry_run)
		err = posix_exists(k, name);
	else if ((k == PSHM ? shm_unlink(name) : k == PMSG ? mq_unlink(name) : sem_unlink(name)) < 0)
		err = errno;
	if (!err)
		return;
	switch (err) {
	case EACCES:
	case EPERM:
		ib_warn("permission denied for name `%s'", arg);
		break;
	case ENOENT:
		ib_warn("name `%s' not found", arg);
		break;
	case ENAMETOOLONG:
		ib_warn("name `%s' too long", arg);
		break;
	default:
		ib_warn_sys(err, "name `%s'", arg);
		break;
	}
	run->failures++;
}

/* Every System V object of kind K, by index, as util-linux's -a walks them. */
static void sweep_sysv(struct run *run, enum kind k)
{
	struct shmid_ds shm;
	struct msqid_ds msg;
	struct semid_ds sem;
	struct seminfo si;
	int maxid;
	if (k == SHM)
		maxid = shmctl(0, SHM_INFO, &shm);
	else if (k == MSG)
		maxid = msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&si);
	else
		maxid = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &si });
	if (maxid < 0)
		ib_die(IB_EXIT_FAIL, "kernel not configured for %s",
		       k == SHM ? "shared memory" : k == MSG ? "message queues" : "semaphores");
	for (int idx = 0; idx <= maxid; idx++) {
		int id;
		if (k == SHM)
			id = shmctl(idx, SHM_STAT, &shm);
		else if (k == MSG)
			id = msgctl(idx, MSG_STAT, &msg);
		else
			id = semctl(idx, 0, SEM_STAT, (union semun){ .buf = &sem });
		if (id >= 0)
			remove_id(run, k, false, id, true);
	}
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every POSIX object of kind K: the files of /dev/shm or /dev/mqueue, sorted. */
static void sweep_posix(struct run *run, enum kind k)
{
	const char *dir = k == PMSG ? "/dev/mqueue" : "/dev/shm";
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			ib_warn_sys(errno, "cannot read %s", dir);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		bool is_sem = strncmp(nm, "sem.", 4) == 0;
		if (nm[0] == '.' || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
			continue;
		if ((k == PSEM) != is_sem && k != PMSG)
			continue;
		if (n == cap && !(names = realloc(names, (cap = cap * 2 + 16) * sizeof *names)))
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "listing %s", dir);
		if (!(names[n++] = strdup(k == PSEM ? nm + 4 : nm)))
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "listing %s", dir);
	}
	closedir(d);
	qsort(names, n, sizeof *names, names_cmp);
	for (size_t i = 0; i < n; i++) {
		remove_name(run, k, names[i]);
		free(names[i]);
	}
	free(names);
}

/* ipcrm shm|msg|sem ID...: the historical syntax; "resource(s) deleted" on success. */
static int legacy_main(struct run *run, enum kind k, int argc, char **argv)
{
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

int ipcrm_main(int argc, char **argv)
{
	struct run run = { 0 };
	enum kind k;
	if (argc < 2) {
		ib_warn("bad usage");
		ib_try_help();
		return IB_EXIT_FAIL;
	}
	if (kind_of_word(argv[1], &k) && (k == SHM || k == MSG || k == SEM))
		return legacy_main(&run, k, argc - 2, argv + 2);

	/* First pass: only --dry-run, which must hold wherever it is on the line. */
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (c == 'n')
			run.dry_run = true;
	opterr = 1;
	optind = 0;

	/* Second pass: each option acts in order, as util-linux's do. */
	unsigned sweep = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id;
		switch (c) {
		case 'M':
		case 'Q':
		case 'S':
			k = c == 'M' ? SHM : c == 'Q' ? MSG : SEM;
			if ((id = key_to_id(&run, k, optarg)) >= 0)
				remove_id(&run, k, true, id, false);
			break;
		case 'm':
		case 'q':
		case 's':
			k = c == 'm' ? SHM : c == 'q' ? MSG : SEM;
			remove_id(&run, k, false, parse_id_or_die(optarg), false);
			break;
		case OPT_PSHM:
		case OPT_PMSG:
		case OPT_PSEM:
			remove_name(&run, c == OPT_PSHM ? PSHM : c == OPT_PMSG ? PMSG : PSEM, optarg);
			break;
		case 'a':
			if (!optarg)
				sweep = ALL_KINDS;
			else if (kind_of_word(optarg, &k))
				sweep = KIND_BIT(k);
			else
				ib_die(IB_EXIT_FAIL, "unknown argument: %s", optarg);
			break;
		case 'n':
			break;
		case 'v':
			run.verbose = true;
			break;
		case 'h':
			ib_help_exit(usage);
		case 'V':
			ib_version_exit();
		default:
			ib_bad_option(IB_EXIT_FAIL);
		}
	}
	for (int i = 0; i < NKINDS; i++) {
		if (!(sweep & KIND_BIT(i)))
			continue;
		if (i == SHM || i == MSG || i == SEM)
			sweep_sysv(&run, (enum kind)i);
		else
			sweep_posix(&run, (enum kind)i);
	}
	if (optind < argc) {
		ib_warn("unknown argument: %s", argv[optind]);
		ib_try_help();
		return IB_EXIT_FAIL;
	}
	return run.failures ? IB_EXIT_FAIL : IB_EXIT_OK;
}
