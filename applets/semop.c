/* semop: operate on System V semaphore sets and POSIX named semaphores from the shell:
 * atomic operations, values, creation, and --hold, flock(1) for semaphores. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "applet.h"
#include "ipc/compat.h"
#include "ipc/err.h"
#include "ipc/json.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

#include "semop-hold.h"
#include "semop-sem.h"

enum action { ACT_OPS, ACT_GET, ACT_SET, ACT_SETALL, ACT_HOLD, ACT_CREATE, ACT_HOLD_FOR,
	      ACT_RELEASE_FOR, ACT_WAIT_IDLE };
enum {
	OPT_GET = 0x100, OPT_SET, OPT_SETALL, OPT_HOLD, OPT_JSON, OPT_INIT, OPT_SHARED, OPT_WRITER,
	OPT_BACKGROUND, OPT_HOLD_FOR, OPT_RELEASE_FOR, OPT_WAIT_IDLE,
};
enum { EXCL_WAIT = 1, EXCL_ACTION = 2, EXCL_MODE = 4 };
#define PID_MAX 4194304 /* the kernel's PID_MAX_LIMIT */

static const struct ib_opt options[] = {
	IB_HEADING("The semaphore set or POSIX semaphore (OBJECT):"),
	IB_OBJECT_OPTS("semaphore"),
	IB_OBJECT_CREATE_ONLY("semaphore set"),
	IB_OPT('N', "nsems", COUNT, "NSEMS",
	       "semaphores in a created set (default: as many as --init gives, else 1)",
	       .min = 1, .max = 32000),
	IB_OPT(OPT_INIT, "init", TEXT, "V,V,...", "initial values of a created object (default 0)"),
	IB_HEADING("OP is SEMNUM:+N (add N), SEMNUM:-N (take N, waiting until possible) or SEMNUM:0\n"
		   "(wait until zero), each followed by u (undo at exit) and/or n (do not wait).\n"
		   "All OPs happen at once or not at all. For -P, OP is +N (post) or -N (wait)."),
	IB_OPT('n', "no-wait", NONE, NULL, "exit 3 instead of waiting", .alias = "nowait",
	       .excl = EXCL_WAIT),
	IB_OPT('w', "wait", DURATION, "DURATION", "wait at most DURATION (e.g. 1.5, 250ms), then exit 3",
	       .excl = EXCL_WAIT),
	IB_OPT(OPT_GET, "get", NONE, NULL, "print the values, one a line (all, or those SEMNUMs)",
	       .excl = EXCL_ACTION),
	IB_OPT(OPT_JSON, "json", NONE, NULL, "with --get: print values, waiters and last pid as JSON"),
	IB_OPT(OPT_SET, "set", NONE, NULL, "set each SEMNUM to VALUE", .excl = EXCL_ACTION),
	IB_OPT(OPT_SETALL, "setall", TEXT, "V,V,...", "set every semaphore of the set",
	       .excl = EXCL_ACTION),
	IB_OPT(OPT_HOLD, "hold", NONE, NULL,
	       "take COUNT from SEMNUM, run COMMAND, give them back; exit with COMMAND's status",
	       .excl = EXCL_ACTION),
	IB_OPT(OPT_BACKGROUND, "background", NONE, NULL,
	       "with --hold: start COMMAND holding them, print its pid, exit 0 at once"),
	IB_OPT(OPT_HOLD_FOR, "hold-for", COUNT, "PID",
	       "take COUNT from SEMNUM for process PID: given back when it ends",
	       .min = 1, .max = PID_MAX, .excl = EXCL_ACTION),
	IB_OPT(OPT_RELEASE_FOR, "release-for", COUNT, "PID", "give back what --hold-for PID took",
	       .min = 1, .max = PID_MAX, .excl = EXCL_ACTION),
	IB_OPT(OPT_SHARED, "shared", NONE, NULL,
	       "hold shared: with other --shared holders, not with a --writer", .excl = EXCL_MODE),
	IB_OPT(OPT_WRITER, "writer", NONE, NULL,
	       "hold alone: take COUNT only when no --shared holder is left", .excl = EXCL_MODE),
	IB_OPT(OPT_WAIT_IDLE, "wait-idle", NONE, NULL,
	       "wait until SEMNUM is COUNT again: no holder left", .excl = EXCL_ACTION),
	IB_OPT('s', "semnum", COUNT, "SEMNUM", "the semaphore to hold (default 0)", .max = IB_SEMVMX),
	IB_OPT('C', "count", COUNT, "COUNT", "how much to take (default 1)", .min = 1,
	       .max = IB_SEMVMX),
	IB_OPT('E', "conflict-exit-code", COUNT, "CODE",
	       "exit status when it cannot take them in time (default 3)", .max = 255),
	IB_OPT('q', "quiet", NONE, NULL, "say nothing when it cannot take them in time"),
};

const struct ib_cmd semop_cmd = {
	.usage = "Usage: semop OBJECT [-n | -w DURATION] OP...\n"
		 "   or: semop OBJECT --get [SEMNUM]... [--json]\n"
		 "   or: semop OBJECT --set SEMNUM=VALUE...\n"
		 "   or: semop OBJECT --setall V,V,...\n"
		 "   or: semop OBJECT -c [-N NSEMS] [--init V,V,...] [-x] [-m MODE]\n"
		 "   or: semop OBJECT --hold [--background] [--shared | --writer] [-s SEMNUM]\n"
		 "               [-C COUNT] [-n | -w DURATION] [-E CODE] [-q] -- COMMAND [ARG]...\n"
		 "   or: semop OBJECT --hold-for PID [--shared | --writer] [-s SEMNUM] [-C COUNT]\n"
		 "               [-n | -w DURATION] [-E CODE] [-q]\n"
		 "   or: semop OBJECT --release-for PID [-s SEMNUM]\n"
		 "   or: semop OBJECT --wait-idle [-s SEMNUM] [-C COUNT] [-n | -w DURATION] [-q]\n"
		 "Operate on a System V semaphore set or a POSIX named semaphore.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "Exit status: 0 done, 1 failed, 2 usage error, 3 would block or timed out;\n"
		  "with --hold, COMMAND's status (126/127 if it could not run, 128+N if killed\n"
		  "by signal N); with --background or --hold-for, 0 once held.\n",
	.flags = IB_CMD_NEGATIVE_OPERANDS,
	.kinds = IB_KIND_BIT(IB_SEM),
	.operands = IB_ARG_TEXT,
	.dashdash = IB_ARG_COMMAND,
};

struct semop_cmd {
	struct ib_object o;
	char label[300];
	char what[320]; /* "semaphore set LABEL" or "semaphore LABEL", for messages */
	enum action act;
	bool json, nowait;
	struct sem_wait wait; /* -n, -w, -q */
	struct timespec deadline;
	const struct timespec *until; /* &deadline with -w, else NULL */
	enum hold_mode mode;
	bool background;
	pid_t for_pid; /* --hold-for, --release-for */
	struct sembuf *ops;
	size_t nops;
	unsigned short *init;
	size_t ninit;
	long nsems;  /* -N, 0 if not given */
	unsigned short hold_semnum, hold_count;
	int conflict;
	char **args;  /* operands, NULL-terminated */
	int nargs;
	int *setv;   /* --set: SEMNUM, VALUE pairs, parsed from args */
};

static uint64_t parse_num(const char *what, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;
	enum ib_parse_err e = ib_parse_u64(s, 10, min, max, &v);
	if (e == IB_PARSE_RANGE)
		ib_usage_error("invalid %s '%s': must be %llu-%llu", what, s,
			       (unsigned long long)min, (unsigned long long)max);
	if (e != IB_PARSE_OK)
		ib_usage_error("invalid %s '%s': %s", what, s, ib_parse_strerror(e));
	return v;
}

/* --init's or --setall's "V,V,..." into a malloc'd array of values. */
static unsigned short *parse_values(const struct ib_args *a, size_t *n)
{
	const char *s = a->arg;
	char *copy = strdup(s), *save = NULL;
	unsigned short *v = calloc(strlen(s) / 2 + 1, sizeof *v);
	uint64_t x;
	if (!copy || !v)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "values");
	*n = 0;
	if (*s == '\0' || *s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		ib_args_invalid(a, "values V,V,... from 0 to %d", IB_SEMVMX);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (ib_parse_u64(t, 10, 0, IB_SEMVMX, &x) != IB_PARSE_OK)
			ib_args_invalid(a, "values V,V,... from 0 to %d", IB_SEMVMX);
		v[(*n)++] = (unsigned short)x;
	}
	free(copy);
	return v;
}

static void parse_op(const struct semop_cmd *c, const char *s, struct sembuf *op)
{
	const char *why = ib_sem_parse_op(s, op);
	if (why)
		ib_usage_error("invalid operation '%s': %s", s, why);
	if (c->nowait)
		op->sem_flg |= IPC_NOWAIT;
	if (c->o.sel == IB_SEL_POSIX && (op->sem_num != 0 || op->sem_op == 0 || (op->sem_flg & SEM_UNDO)))
		ib_usage_error("invalid operation '%s' for a POSIX semaphore: expected +N or -N, "
			       "optionally with n", s);
}

enum {
	HOPT_SEMNUM = 1, HOPT_COUNT = 2, HOPT_CONFLICT = 4, HOPT_QUIET = 8, HOPT_BACKGROUND = 16,
	HOPT_MODE = 32,
};

/* Which of -s, -C, -E, -q, --background and --shared/--writer (HOPT_*) go with which
 * action; -n and -w go where -q does. */
static void check_hold_opts(const struct semop_cmd *c, unsigned given)
{
	static const struct {
		enum action act;
		unsigned allowed;
	} allow[] = {
		{ ACT_OPS, HOPT_QUIET },
		{ ACT_HOLD, HOPT_SEMNUM | HOPT_COUNT | HOPT_CONFLICT | HOPT_QUIET | HOPT_BACKGROUND |
				    HOPT_MODE },
		{ ACT_HOLD_FOR, HOPT_SEMNUM | HOPT_COUNT | HOPT_CONFLICT | HOPT_QUIET | HOPT_MODE },
		{ ACT_WAIT_IDLE, HOPT_SEMNUM | HOPT_COUNT | HOPT_CONFLICT | HOPT_QUIET },
		{ ACT_RELEASE_FOR, HOPT_SEMNUM },
	};
	unsigned ok = 0;
	for (size_t i = 0; i < sizeof allow / sizeof allow[0]; i++)
		if (allow[i].act == c->act)
			ok = allow[i].allowed;
	if ((c->nowait || c->until) && !(ok & HOPT_QUIET))
		ib_usage_error("-n and -w go with OPs, --hold, --hold-for or --wait-idle");
	if (given & HOPT_QUIET & ~ok)
		ib_usage_error("-q goes with OPs, --hold, --hold-for or --wait-idle");
	if (given & (HOPT_SEMNUM | HOPT_COUNT | HOPT_CONFLICT) & ~ok)
		ib_usage_error("-s, -C and -E go with --hold, --hold-for, --wait-idle "
			       "(and -s with --release-for)");
	if (given & HOPT_BACKGROUND & ~ok)
		ib_usage_error("--background goes with --hold");
	if (given & HOPT_MODE & ~ok)
		ib_usage_error("--shared and --writer go with --hold or --hold-for");
	if (c->mode == HOLD_SHARED && (given & HOPT_COUNT))
		ib_usage_error("-C does not go with --shared: a shared holder raises the value by one");
	if (c->o.sel == IB_SEL_POSIX && (c->mode != HOLD_PLAIN || c->background ||
					 c->act == ACT_HOLD_FOR || c->act == ACT_RELEASE_FOR ||
					 c->act == ACT_WAIT_IDLE))
		ib_usage_error("--shared, --writer, --background, --hold-for, --release-for and "
			       "--wait-idle need a System V semaphore (a POSIX one has no undo)");
}

/* -c without --init for a hold: a created object is a free lock, each semaphore at
 * the value one holder takes (COUNT), or 1 for --shared holders. */
static void free_lock(struct semop_cmd *c)
{
	c->ninit = c->nsems ? (size_t)c->nsems : 1;
	c->init = calloc(c->ninit, sizeof *c->init);
	if (!c->init)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "values");
	for (size_t i = 0; i < c->ninit; i++)
		c->init[i] = c->mode == HOLD_SHARED ? 1 : c->hold_count;
}

static void parse_args(struct semop_cmd *c, int argc, char **argv)
{
	unsigned hold_opts = 0; /* which of -s, -C, -E, -q, --background, --shared, --writer */
	unsigned short *setall = NULL; /* --setall's values, kept apart from --init's */
	size_t nsetall = 0;
	struct ib_args args;
	int opt;
	ib_object_init(&c->o);
	c->conflict = IB_EXIT_TIMEOUT;
	c->hold_count = 1;
	ib_args_init(&args, &semop_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_object_arg(&c->o, &args))
			continue;
		switch (opt) {
		case 'N': c->nsems = (long)args.u; break;
		case OPT_INIT: free(c->init); c->init = parse_values(&args, &c->ninit); break;
		case 'n': c->nowait = true; break;
		case 'w':
			c->wait.wait_ns = args.u;
			c->deadline = ib_deadline_after(args.u);
			c->until = &c->deadline;
			break;
		case OPT_GET: c->act = ACT_GET; break;
		case OPT_JSON: c->json = true; break;
		case OPT_SET: c->act = ACT_SET; break;
		case OPT_SETALL:
			c->act = ACT_SETALL;
			free(setall);
			setall = parse_values(&args, &nsetall);
			break;
		case OPT_HOLD:
			c->act = ACT_HOLD;
			args.stop = true; /* the first operand starts COMMAND */
			break;
		case OPT_HOLD_FOR:
		case OPT_RELEASE_FOR:
			c->act = opt == OPT_HOLD_FOR ? ACT_HOLD_FOR : ACT_RELEASE_FOR;
			c->for_pid = (pid_t)args.u;
			break;
		case OPT_WAIT_IDLE: c->act = ACT_WAIT_IDLE; break;
		case OPT_SHARED: c->mode = HOLD_SHARED; hold_opts |= HOPT_MODE; break;
		case OPT_WRITER: c->mode = HOLD_WRITER; hold_opts |= HOPT_MODE; break;
		case OPT_BACKGROUND: c->background = true; hold_opts |= HOPT_BACKGROUND; break;
		case 's': c->hold_semnum = (unsigned short)args.u; hold_opts |= HOPT_SEMNUM; break;
		case 'C': c->hold_count = (unsigned short)args.u; hold_opts |= HOPT_COUNT; break;
		case 'E': c->conflict = (int)args.u; hold_opts |= HOPT_CONFLICT; break;
		case 'q': c->wait.quiet = true; hold_opts |= HOPT_QUIET; break;
		}
	}
	c->wait.nowait = c->nowait;
	c->wait.until = c->until;
	if (!ib_object_check(&c->o, true))
		exit(IB_EXIT_FAIL);
	ib_object_label(&c->o, c->label, sizeof c->label);
	snprintf(c->what, sizeof c->what, "semaphore%s %s", c->o.sel == IB_SEL_POSIX ? "" : " set",
		 c->label);
	c->args = args.ops;
	c->nargs = args.nops;
	bool posix = c->o.sel == IB_SEL_POSIX;
	if (c->o.create_only && (c->act != ACT_OPS || c->nargs > 0))
		ib_usage_error("--create-only does nothing else: give no OP, --get, --set, --setall "
			       "or --hold");
	if (c->act == ACT_OPS && c->nargs == 0) {
		if (!c->o.create)
			ib_usage_error("no operation given: give OPs, --get, --set, --setall, --hold or -c");
		c->act = ACT_CREATE;
	}
	if ((c->nsems || c->init) && !c->o.create)
		ib_usage_error("-N and --init need -c");
	check_hold_opts(c, hold_opts);
	if (c->json && c->act != ACT_GET)
		ib_usage_error("--json goes with --get");
	if (c->act == ACT_HOLD && c->nargs == 0)
		ib_usage_error("--hold needs a COMMAND to run");
	if ((c->act == ACT_SETALL || c->act == ACT_CREATE || c->act == ACT_HOLD_FOR ||
	     c->act == ACT_RELEASE_FOR || c->act == ACT_WAIT_IDLE) && c->nargs > 0)
		ib_usage_error("unexpected operand '%s'", c->args[0]);
	if (c->act == ACT_SET && c->nargs == 0)
		ib_usage_error("--set needs SEMNUM=VALUE operands");
	if (posix) {
		/* sem_open makes "sem.NAME" in /dev/shm: 4 characters fewer than NAME_MAX. */
		if (strlen(c->o.name + 1) > NAME_MAX - 4)
			ib_usage_error("invalid POSIX name '%s': is too long (a semaphore name has at most %d characters)",
				       c->o.name, NAME_MAX - 4);
		if (c->act == ACT_SET || c->act == ACT_SETALL)
			ib_usage_error("--set and --setall are for System V sets; use -P with OPs");
		if (c->nsems > 1 || c->ninit > 1)
			ib_usage_error("a POSIX semaphore is one semaphore: -N 1 and one --init value");
		if (c->hold_semnum != 0)
			ib_usage_error("a POSIX semaphore is one semaphore: -s must be 0");
		if (c->act == ACT_OPS && c->nargs > 1)
			ib_usage_error("a POSIX semaphore takes one OP (+N or -N)");
	}
	if (c->o.create && !c->init && c->act != ACT_OPS && c->act != ACT_CREATE &&
	    c->act != ACT_SETALL)
		free_lock(c);
	if (c->act == ACT_SETALL) {
		free(c->init);
		c->init = setall;
		c->ninit = nsetall;
	}
	struct ib_sem_limits lim;
	(void)ib_sem_limits(&lim); /* on failure it leaves the kernel's defaults */
	if (c->nsems > lim.semmsl)
		ib_usage_error("too many semaphores (%ld): the kernel allows %d in a set (SEMMSL)",
			       c->nsems, lim.semmsl);
	/* Without -N, --init's values say how many (then semget would only say EINVAL). */
	if (c->act != ACT_SETALL && !c->nsems && c->ninit > (size_t)lim.semmsl)
		ib_usage_error("too many --init values (%zu): the kernel allows %d in a set (SEMMSL)",
			       c->ninit, lim.semmsl);
	if (c->act == ACT_OPS) {
		if (c->nargs > lim.semopm)
			ib_usage_error("too many operations (%d): the kernel allows %d in one call (SEMOPM)",
				       c->nargs, lim.semopm);
		c->nops = (size_t)c->nargs;
		c->ops = calloc(c->nops, sizeof *c->ops);
		if (!c->ops)
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "operations");
		for (size_t i = 0; i < c->nops; i++)
			parse_op(c, c->args[i], &c->ops[i]);
	}
	/* Malformed SEMNUMs and VALUEs are usage errors before the object is touched
	 * (a missing set must not hide them); the range is checked once it is open. */
	if (c->act == ACT_GET)
		for (int i = 0; i < c->nargs; i++)
			(void)parse_num("semaphore number", c->args[i], 0, IB_SEMVMX);
	if (c->act == ACT_SET) {
		c->setv = calloc((size_t)c->nargs, 2 * sizeof *c->setv);
		if (!c->setv)
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--set");
		for (int i = 0; i < c->nargs; i++) {
			char *eq = strchr(c->args[i], '=');
			if (!eq || eq == c->args[i])
				ib_usage_error("invalid assignment '%s': expected SEMNUM=VALUE", c->args[i]);
			*eq = '\0';
			c->setv[2 * i] = (int)parse_num("semaphore number", c->args[i], 0, IB_SEMVMX);
			c->setv[2 * i + 1] = (int)parse_num("value", eq + 1, 0, IB_SEMVMX);
			*eq = '=';
		}
	}
}

static void check_semnum(const struct semop_cmd *c, unsigned long semnum, int nsems)
{
	if (nsems > 0 && semnum >= (unsigned long)nsems)
		ib_usage_error("semaphore number %lu out of range: semaphore set %s has %d (0-%d)",
			       semnum, c->label, nsems, nsems - 1);
}

/* Reports a failed semop and returns the exit status for it. */
static int semop_failed(const struct semop_cmd *c, int err, int would_block_status)
{
	return ib_sem_failed(c->what, &c->wait, err, would_block_status);
}

/* Runs COMMAND in the foreground and returns its status, or 126/127 when it cannot
 * run (for a POSIX semaphore, which semop holds itself around it). Signals ignored
 * now stay ignored in it. */
static int run_command(struct semop_cmd *c)
{
	sigset_t ignored;
	ib_ignored_signals(&ignored);
	struct ib_spawn s = {
		.argv = c->args, .fd = { -1, -1, -1 }, .pgroup = -1, .keep = &ignored,
	};
	int err, st = ib_spawn_foreground(&s, &err);
	if (st >= 0)
		return st;
	ib_warn_sys(err, "cannot run %s", ib_quote(c->args[0]));
	return ib_spawn_error_code(err);
}

static int sysv_get(const struct semop_cmd *c, int id, int nsems)
{
	unsigned short *v = calloc((size_t)nsems, sizeof *v);
	if (!v || semctl(id, 0, GETALL, v) != 0)
		ib_die_sys(IB_EXIT_FAIL, v ? errno : ENOMEM, "read semaphore set %s", c->label);
	int n = c->nargs ? c->nargs : nsems;
	for (int i = 0; i < c->nargs; i++)
		check_semnum(c, parse_num("semaphore number", c->args[i], 0, IB_SEMVMX), nsems);
	struct ib_json j;
	if (c->json) {
		ib_json_init(&j, stdout);
		ib_json_open_line(&j, NULL);
		ib_json_int(&j, "id", id);
		ib_json_int(&j, "nsems", nsems);
		ib_json_open_array(&j, "semaphores");
	}
	for (int i = 0; i < n; i++) {
		int s = c->nargs ? (int)parse_num("semaphore number", c->args[i], 0, IB_SEMVMX) : i;
		if (!c->json) {
			printf("%u\n", v[s]);
			continue;
		}
		ib_json_open_line(&j, NULL);
		ib_json_int(&j, "semnum", s);
		ib_json_uint(&j, "value", v[s]);
		ib_json_int(&j, "ncount", semctl(id, s, GETNCNT));
		ib_json_int(&j, "zcount", semctl(id, s, GETZCNT));
		ib_json_int(&j, "pid", semctl(id, s, GETPID));
		ib_json_close(&j);
	}
	if (c->json) {
		ib_json_close_array(&j);
		ib_json_close(&j);
		ib_json_end(&j);
	}
	free(v);
	return IB_EXIT_OK;
}

/* --hold, --hold-for, --release-for and --wait-idle (semop-hold.c). */
static int sysv_hold(struct semop_cmd *c, int id)
{
	struct sem_hold h = {
		.label = c->what, .id = id, .semnum = c->hold_semnum, .count = c->hold_count,
		.mode = c->mode, .wait = c->wait, .conflict = c->conflict, .argv = c->args,
		.background = c->background,
	};
	switch (c->act) {
	case ACT_HOLD_FOR:
		return ib_hold_for(&h, c->for_pid);
	case ACT_RELEASE_FOR:
		return ib_release_for(&h, c->for_pid);
	case ACT_WAIT_IDLE:
		return ib_wait_idle(&h);
	default:
		return ib_hold_run(&h);
	}
}

static int sysv_main(struct semop_cmd *c)
{
	/* --release-for touches the set only to learn its id: its holder gives back. */
	int access = c->act == ACT_GET || c->act == ACT_WAIT_IDLE ? 0400
		   : c->act == ACT_CREATE || c->act == ACT_RELEASE_FOR ? 0 : 0200;
	for (size_t i = 0; i < c->nops; i++)
		access |= c->ops[i].sem_op ? 0200 : 0400;
	int nsems = (int)(c->nsems ? c->nsems : c->ninit ? (long)c->ninit : 1);
	if (c->init && c->ninit != (size_t)nsems)
		ib_usage_error("--init gives %zu values for %d semaphores", c->ninit, nsems);
	bool created;
	int id = ib_sysv_open(&c->o, IB_SEM, (size_t)nsems, access, &created);
	if (id < 0)
		return IB_EXIT_FAIL;
	c->o.id = id;
	if (c->act != ACT_CREATE)
		ib_object_announce(&c->o, id, false);
	if (created) {
		if (ib_sem_init_created(id, nsems, c->init) != 0) {
			int err = errno;
			semctl(id, 0, IPC_RMID);
			ib_die_sys(IB_EXIT_FAIL, err, "initialise semaphore set %s", c->label);
		}
	} else {
		int want = c->nsems ? nsems : 0;
		if (ib_sem_wait_ready(id, &nsems) != 0 && errno != EACCES)
			return semop_failed(c, errno, IB_EXIT_FAIL);
		if (want && nsems && nsems < want)
			ib_die(IB_EXIT_FAIL, "semaphore set %s has %d semaphores, not %d", c->label,
			       nsems, want);
	}
	for (size_t i = 0; i < c->nops; i++)
		check_semnum(c, c->ops[i].sem_num, nsems);

	switch (c->act) {
	case ACT_CREATE:
		printf("%d\n", id);
		return IB_EXIT_OK;
	case ACT_OPS:
		if (ib_semop_until(id, c->ops, c->nops, c->until) != 0)
			return semop_failed(c, errno, IB_EXIT_TIMEOUT);
		return IB_EXIT_OK;
	case ACT_GET:
		return sysv_get(c, id, nsems);
	case ACT_SETALL:
		if (nsems && c->ninit != (size_t)nsems)
			ib_usage_error("--setall gives %zu values for %d semaphores", c->ninit, nsems);
		if (semctl(id, 0, SETALL, c->init) != 0)
			return semop_failed(c, errno, IB_EXIT_FAIL);
		return IB_EXIT_OK;
	case ACT_SET: {
		const int *num = c->setv;
		for (int i = 0; i < c->nargs; i++)
			check_semnum(c, (unsigned long)num[2 * i], nsems);
		int st = IB_EXIT_OK;
		for (int i = 0; i < c->nargs && st == IB_EXIT_OK; i++)
			if (semctl(id, num[2 * i], SETVAL, num[2 * i + 1]) != 0)
				st = semop_failed(c, errno, IB_EXIT_FAIL);
		return st;
	}
	case ACT_HOLD:
	case ACT_HOLD_FOR:
	case ACT_RELEASE_FOR:
	case ACT_WAIT_IDLE:
		check_semnum(c, c->hold_semnum, nsems);
		return sysv_hold(c, id);
	}
	return IB_EXIT_FAIL;
}

/* A POSIX semaphore has no undo: what semop takes it must give back itself, so every
 * signal that would end semop and that it can catch is caught while it works on one
 * (crash signals and SIGKILL excepted). The handler records the first; while semop
 * waits to take, a 10 ms timer (SIGALRM, caught here too) keeps interrupting the wait
 * so that one that came just before sem_wait is not missed. */
static const int stop_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
	SIGPWR,
#endif
};

static volatile sig_atomic_t stop_sig, taking;

static void on_stop(int sig)
{
	int e = errno;
	if (!stop_sig)
		stop_sig = sig; /* later SIGALRMs are the timer's */
	if (taking) {
		struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
		setitimer(ITIMER_REAL, &it, NULL);
	}
	errno = e;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
		struct sigaction old;
		/* one ignored from the start (nohup's SIGHUP) stays ignored */
		if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

/* After a stop signal, with nothing of the semaphore held any more: says so and ends
 * by the signal. */
static _Noreturn void die_stopped(const struct semop_cmd *c, const char *what)
{
	char name[32];
	ib_warn("semaphore %s: %s by %s; what was taken was given back", c->label, what,
		ib_signal_name(stop_sig, name, sizeof name));
	ib_die_of_signal(stop_sig);
}

/* Takes N from a POSIX semaphore; returns -1 when it has them, else the exit status
 * (FAIL when it would have to wait or timed out). A stop signal while it waits gives
 * back what it took and ends semop by that signal. */
static int posix_take(const struct semop_cmd *c, sem_t *s, unsigned n, bool nowait, int fail)
{
	taking = 1;
	int rc = ib_psem_take(s, n, nowait, c->until, &stop_sig);
	int e = errno;
	taking = 0;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	errno = e;
	if (rc == 0)
		return -1;
	if (errno == EINTR && stop_sig)
		die_stopped(c, "interrupted while waiting");
	if (errno != EAGAIN) {
		ib_warn_sys(errno, "semaphore %s", c->label);
		return IB_EXIT_FAIL;
	}
	ib_sem_gave_up(c->what, &c->wait);
	return fail;
}

static int posix_give(const struct semop_cmd *c, sem_t *s, unsigned n)
{
	unsigned given;
	if (ib_psem_give(s, n, &given) == 0)
		return IB_EXIT_OK;
	ib_warn_sys(errno, "post semaphore %s (%u of %u given)", c->label, given, n);
	return IB_EXIT_FAIL;
}

static int posix_act(struct semop_cmd *c, sem_t *s);

/* sem_open maps /dev/shm/sem.NAME, which anyone who may write it can truncate (or
 * squat empty): touching the semaphore then raises SIGBUS. It is caught and
 * reported instead; the fault comes on the first access of an operation, before
 * it changes anything. */
static sigjmp_buf sem_fault;

static void on_sem_fault(int sig)
{
	(void)sig;
	siglongjmp(sem_fault, 1);
}

static int posix_main(struct semop_cmd *c)
{
	struct sigaction sa, old_bus;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sem_fault;
	sigemptyset(&sa.sa_mask);
	if (sigsetjmp(sem_fault, 1))
		ib_die(IB_EXIT_FAIL, "semaphore %s is truncated or corrupt", c->label);
	sigaction(SIGBUS, &sa, &old_bus);
	int flags = c->o.create ? O_CREAT | (c->o.exclusive ? O_EXCL : 0) : 0;
	mode_t mask = umask(0); /* -m is the mode, as for System V objects */
	sem_t *s = ib_sem_open(c->o.name, flags, c->o.mode, c->init ? (unsigned)c->init[0] : 0u);
	umask(mask);
	if (s == SEM_FAILED) {
		if (errno == ENOENT)
			ib_die(IB_EXIT_FAIL, "no semaphore %s", c->label);
		ib_die_sys(IB_EXIT_FAIL, errno, "%s semaphore %s", c->o.create ? "create" : "open",
			   c->label);
	}
	catch_stop_signals();
	int st = posix_act(c, s);
	sem_close(s);
	sigaction(SIGBUS, &old_bus, NULL);
	return st;
}

static int posix_act(struct semop_cmd *c, sem_t *s)
{
	int v, st;
	switch (c->act) {
	case ACT_CREATE:
		return IB_EXIT_OK;
	case ACT_OPS: {
		unsigned n = (unsigned)abs(c->ops[0].sem_op);
		if (c->ops[0].sem_op > 0)
			return posix_give(c, s, n);
		st = posix_take(c, s, n, c->ops[0].sem_flg & IPC_NOWAIT, IB_EXIT_TIMEOUT);
		return st < 0 ? IB_EXIT_OK : st;
	}
	case ACT_GET:
		for (int i = 0; i < c->nargs; i++)
			if (parse_num("semaphore number", c->args[i], 0, IB_SEMVMX) != 0)
				ib_usage_error("semaphore number %s out of range: a POSIX semaphore has only 0",
					       c->args[i]);
		if (sem_getvalue(s, &v) != 0)
			ib_die_sys(IB_EXIT_FAIL, errno, "read semaphore %s", c->label);
		if (c->json) {
			struct ib_json j;
			ib_json_init(&j, stdout);
			ib_json_open_line(&j, NULL);
			ib_json_str(&j, "name", c->o.name);
			ib_json_int(&j, "value", v);
			ib_json_close(&j);
			ib_json_end(&j);
		} else {
			printf("%d\n", v);
		}
		return IB_EXIT_OK;
	case ACT_HOLD: {
		/* No undo for POSIX semaphores: semop holds them itself and gives them back
		 * when COMMAND ends, however it ends. A stop signal that semop does not pass
		 * on to COMMAND ends semop once it has given them back. */
		if ((st = posix_take(c, s, c->hold_count, c->nowait, c->conflict)) >= 0)
			return st;
		bool ran = !stop_sig;
		if (ran)
			st = run_command(c);
		if (posix_give(c, s, c->hold_count))
			return IB_EXIT_FAIL;
		if (stop_sig)
			die_stopped(c, ran ? "stopped while COMMAND ran" : "stopped before COMMAND ran");
		return st;
	}
	default:
		return IB_EXIT_FAIL;
	}
}

int semop_main(int argc, char **argv)
{
	struct semop_cmd c;
	memset(&c, 0, sizeof c);
	parse_args(&c, argc, argv);
	int st = c.o.sel == IB_SEL_POSIX ? posix_main(&c) : sysv_main(&c);
	free(c.ops);
	free(c.init);
	free(c.setv);
	return st;
}
