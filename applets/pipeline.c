/* pipeline: run commands connected by pipes, without a shell, and report every status.
 * Stages are split in place in argv at the separator words; each is started with
 * ib_spawn_start (a vfork: the next starts once this one has exec'd); then one
 * loop waits for children, forwarded signals and deadlines with sigtimedwait, the
 * signals it handles blocked. As a child subreaper it also catches
 * the orphans the stages leave behind and terminates them before it exits. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"

enum { OPT_SIGPIPE_OK = 0x100, OPT_STATUS_FD, OPT_KILL_AFTER };

static const struct ib_opt options[] = {
	IB_OPT('d', "delimiter", TEXT, "WORD", "separate stages with WORD (and WORD&) instead of |"),
	IB_OPT('s', "status", TEXT, "WHICH",
	       "exit with the status of the last stage (last, the default), the rightmost "
	       "failed one (fail), or stage N (a number, from 1)"),
	IB_OPT(OPT_SIGPIPE_OK, "sigpipe-ok", NONE, NULL, "count a stage killed by SIGPIPE as a success"),
	IB_OPT(OPT_STATUS_FD, "status-fd", COUNT, "FD",
	       "write every stage's status to FD at the end, on one line, separated by spaces "
	       "(like PIPESTATUS)", .max = INT_MAX),
	IB_OPT('k', "kill-on-fail", NONE, NULL, "terminate the other stages when one fails"),
	IB_OPT('t', "timeout", DURATION, "DURATION", "terminate every stage after DURATION; exit 124"),
	IB_OPT(OPT_KILL_AFTER, "kill-after", DURATION, "DURATION",
	       "send SIGKILL this long after SIGTERM (default 5s)"),
	IB_OPT('b', "pipe-size", SIZE, "SIZE", "set the capacity of every pipe (like 1M)", .min = 1,
	       .max = INT_MAX),
	IB_OPT('v', "verbose", NONE, NULL, "report each stage's pid, status and times on stderr"),
};

const struct ib_cmd pipeline_cmd = {
	.usage = "Usage: pipeline [OPTION]... [--] COMMAND [ARG]... ['|' COMMAND [ARG]...]...\n"
		 "Run COMMANDs connected by pipes, without a shell: each one's standard output is\n"
		 "the next one's standard input. A stage that ends with '|&' instead of '|' also\n"
		 "sends its standard error into the pipe. Commands are looked up in PATH.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "DURATION is seconds with an optional fraction, or has a unit: 250ms, 2s, 1m.\n"
		  "Exit status: that of the stage -s selects (126: could not execute, 127: not\n"
		  "found, 128+N: killed by signal N); 124 after a timeout; 1 if pipeline itself\n"
		  "failed; 2 for a usage error. SIGINT, SIGTERM and SIGHUP are passed on to every\n"
		  "stage.\n",
	.flags = IB_CMD_FIRST_OPERAND_ENDS,
	.operands = IB_ARG_COMMAND,
};

struct stage {
	char **argv;      /* NULL-terminated in place */
	bool err_to_pipe; /* ended with |& */
	pid_t pid;        /* > 0 while running */
	int wstatus;      /* its wait status, once ended */
	int code;         /* its exit code: status, 128+N, 126/127 */
	bool killed;      /* terminated by -k, not failing on its own */
	struct timespec start;
	struct ib_child child;
};

struct opts {
	enum { ST_LAST, ST_FAIL, ST_STAGE } which;
	size_t stage;
	bool sigpipe_ok, kill_on_fail, verbose;
	int status_fd;
	uint64_t timeout_ns, kill_after_ns, pipe_size;
};

static bool failed(const struct opts *o, const struct stage *s)
{
	if (s->code == 0)
		return false;
	return !(o->sigpipe_ok && WIFSIGNALED(s->wstatus) && WTERMSIG(s->wstatus) == SIGPIPE);
}

/* Whether WORD separates stages: DELIM, or DELIM& (which also pipes stderr). */
static bool is_separator(const char *word, const char *delim, size_t dlen)
{
	return strncmp(word, delim, dlen) == 0 && (word[dlen] == '\0' || strcmp(word + dlen, "&") == 0);
}

/* Splits argv[first..argc) at the separator words into stages; usage errors for an
 * empty stage or a separator at either end. Returns the stage count. */
static size_t split_stages(int argc, char **argv, int first, const char *delim,
			   struct stage **out)
{
	size_t dlen = strlen(delim), n = 1;
	if (first >= argc)
		ib_usage_error("missing command");
	for (int i = first, start = first; i <= argc; i++) {
		if (i < argc && !is_separator(argv[i], delim, dlen))
			continue;
		if (i == start) {
			if (i == first)
				ib_usage_error("the pipeline starts with %s", ib_quote(argv[i]));
			if (i == argc)
				ib_usage_error("the pipeline ends with %s", ib_quote(argv[i - 1]));
			ib_usage_error("stage %zu is empty", n);
		}
		n += i < argc;
		start = i + 1;
	}
	struct stage *st = calloc(n, sizeof *st);
	if (!st)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "cannot allocate %zu stages", n);
	size_t k = 0;
	st[0].argv = &argv[first];
	for (int i = first; i < argc; i++) {
		if (!is_separator(argv[i], delim, dlen))
			continue;
		st[k].err_to_pipe = argv[i][dlen] == '&';
		argv[i] = NULL;
		st[++k].argv = &argv[i + 1];
	}
	*out = st;
	return n;
}

/* Signals the running stages, the last first: a stage is signalled before the one
 * that feeds it can end, so it never sees that end (EOF) and exits 0 first. */
static void signal_running(struct stage *st, size_t n, int sig)
{
	for (size_t i = n; i-- > 0;)
		if (st[i].pid > 0)
			kill(st[i].pid, sig);
}

/* "cmd arg arg..." shortened to fit BUF. */
static const char *command_line(char **argv, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; argv[i] && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
		if (w < 0 || (size_t)w >= len - used) {
			strcpy(buf + len - 4, "...");
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void report(struct stage *s, size_t idx, const struct rusage *ru)
{
	char cmd[80], how[64];
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double wall = (double)(now.tv_sec - s->start.tv_sec) +
		      (double)(now.tv_nsec - s->start.tv_nsec) / 1e9;
	ib_warn("stage %zu (%s) pid %ld: %s, %.3fs wall, %.3fs user, %.3fs sys", idx + 1,
		command_line(s->argv, cmd, sizeof cmd), (long)s->pid,
		ib_wait_describe(s->wstatus, how, sizeof how), wall, seconds(ru->ru_utime),
		seconds(ru->ru_stime));
}

static void warn_not_started(const struct stage *st, size_t i, int err)
{
	char where[32];
	snprintf(where, sizeof where, "stage %zu", i + 1);
	ib_spawn_warn(where, st[i].argv[0], err);
}

/* Starts every stage; a stage that cannot be started gets status 126/127 and the
 * others run on, as in a shell. Fails only when a pipe cannot be made. */
static void start_stages(struct stage *st, size_t n, const struct opts *o, const sigset_t *keep,
			 const struct ib_sigplan *plan)
{
	int in = -1;
	for (size_t i = 0; i < n; i++) {
		int p[2] = { -1, -1 };
		if (i + 1 < n) {
			if (pipe2(p, O_CLOEXEC) != 0) {
				int e = errno;
				signal_running(st, n, SIGTERM);
				ib_reap_all_children(o->kill_after_ns);
				ib_die_sys(IB_EXIT_FAIL, e, "cannot make the pipe after stage %zu", i + 1);
			}
			if (o->pipe_size && fcntl(p[1], F_SETPIPE_SZ, (int)o->pipe_size) < 0)
				ib_warn_sys(errno, "cannot set the size of pipe %zu to %llu bytes", i + 1,
					    (unsigned long long)o->pipe_size);
		}
		struct ib_spawn sp = {
			.argv = st[i].argv,
			.fd = { in, p[1], st[i].err_to_pipe ? p[1] : -1 },
			.pgroup = -1,
			.keep = keep,
			.sigplan = plan,
			.death_signal = SIGKILL, /* should pipeline itself be SIGKILLed */
		};
		clock_gettime(CLOCK_MONOTONIC, &st[i].start);
		int err = ib_spawn_start(&sp, &st[i].child);
		st[i].pid = err ? 0 : st[i].child.pid;
		if (err) {
			warn_not_started(st, i, err);
			st[i].code = ib_spawn_error_code(err);
			st[i].wstatus = st[i].code << 8;
		}
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
}

/* With -k, when stage S has failed by itself: marks the running ones as stopped by
 * us and returns true (they are to be terminated). */
static bool kill_on_fail(struct stage *st, size_t n, const struct opts *o, const struct stage *s)
{
	if (!o->kill_on_fail || s->killed || !failed(o, s))
		return false;
	for (size_t j = 0; j < n; j++)
		st[j].killed = st[j].killed || st[j].pid > 0;
	return true;
}

/* Reaps ended children; returns how many stages ended. */
static size_t reap(struct stage *st, size_t n, const struct opts *o, bool *kill_now)
{
	size_t ended = 0;
	int ws;
	struct rusage ru;
	pid_t pid;
	while ((pid = wait4(-1, &ws, WNOHANG, &ru)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (st[i].pid != pid)
				continue;
			int err = ib_child_done(&st[i].child);
			if (err) /* it exited 126 or 127 */
				warn_not_started(st, i, err);
			st[i].wstatus = ws;
			st[i].code = ib_wait_code(ws);
			if (o->verbose)
				report(&st[i], i, &ru);
			st[i].pid = 0;
			ended++;
			*kill_now |= kill_on_fail(st, n, o, &st[i]);
		}
	}
	return ended;
}

/* Waits for every stage, forwarding signals and enforcing the deadlines.
 * Returns true if the timeout expired. */
static bool wait_stages(struct stage *st, size_t n, const struct opts *o, const sigset_t *set)
{
	size_t running = 0;
	for (size_t i = 0; i < n; i++)
		running += st[i].pid > 0;
	bool timed_out = false, have_deadline = o->timeout_ns > 0, have_kill = false;
	struct timespec deadline = have_deadline ? ib_deadline_after(o->timeout_ns) : (struct timespec){ 0 };
	struct timespec kill_at = { 0 };
	bool kill_now = false;
	for (size_t i = 0; i < n; i++) /* a stage that could not start has failed too */
		if (st[i].pid == 0)
			kill_now |= kill_on_fail(st, n, o, &st[i]);
	while (running > 0) {
		running -= reap(st, n, o, &kill_now);
		if (kill_now && running > 0) {
			signal_running(st, n, SIGTERM);
			if (!have_kill)
				kill_at = ib_deadline_after(o->kill_after_ns);
			have_kill = true;
		}
		kill_now = false;
		if (running == 0)
			break;
		uint64_t left = UINT64_MAX;
		if (have_deadline && !timed_out)
			left = ib_ns_until(deadline);
		if (have_kill && ib_ns_until(kill_at) < left)
			left = ib_ns_until(kill_at);
		struct timespec ts = ib_ns_to_timespec(left);
		siginfo_t info;
		int sig = sigtimedwait(set, &info, left == UINT64_MAX ? NULL : &ts);
		if (sig > 0 && sig != SIGCHLD) {
			/* The stages share our process group: one the terminal signalled
			 * (^C) has it already, and a second ^C means "force quit" to some */
			if (!ib_signal_reached_group(&info))
				signal_running(st, n, sig);
		} else if (sig < 0 && errno == EAGAIN) {
			if (have_deadline && !timed_out && ib_ns_until(deadline) == 0) {
				timed_out = true;
				signal_running(st, n, SIGTERM);
				if (!have_kill)
					kill_at = ib_deadline_after(o->kill_after_ns);
				have_kill = true;
			}
			if (have_kill && ib_ns_until(kill_at) == 0) {
				signal_running(st, n, SIGKILL);
				have_kill = false;
			}
		}
	}
	return timed_out;
}

static int exit_code(struct stage *st, size_t n, const struct opts *o)
{
	struct stage *s = &st[n - 1];
	if (o->which == ST_STAGE)
		s = &st[o->stage - 1];
	if (o->which != ST_FAIL)
		return failed(o, s) ? s->code : 0;
	for (size_t i = n; i-- > 0;)
		if (failed(o, &st[i]) && !st[i].killed)
			return st[i].code;
	for (size_t i = n; i-- > 0;) /* only stages that -k stopped: the rightmost of them */
		if (failed(o, &st[i]))
			return st[i].code;
	return 0;
}

static int write_statuses(struct stage *st, size_t n, int fd)
{
	size_t cap = n * 4 + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%d", i ? " " : "", st[i].code);
	buf[len++] = '\n';
	int r = ib_write_all(fd, buf, len, NULL);
	free(buf);
	return r;
}

/* Parses the options into O, DELIM and WHICH; the operands (the stages) are left
 * in A. */
static void parse_options(struct ib_args *a, struct opts *o, const char **delim,
			  const char **which)
{
	int opt;
	while ((opt = ib_args_next(a)) != -1) {
		switch (opt) {
		case 'd':
			if (!*a->arg)
				ib_args_invalid(a, "a word that is not empty");
			*delim = a->arg;
			break;
		case 's': *which = a->arg; break;
		case OPT_SIGPIPE_OK: o->sigpipe_ok = true; break;
		case OPT_STATUS_FD:
			o->status_fd = (int)a->u;
			/* the stages must not hold it open, but 0-2 are theirs too */
			if (fcntl(o->status_fd, o->status_fd > 2 ? F_SETFD : F_GETFD, FD_CLOEXEC) < 0)
				ib_args_invalid(a, "an open file descriptor (%s)", strerror(errno));
			break;
		case 'k': o->kill_on_fail = true; break;
		case 't': o->timeout_ns = a->u; break;
		case OPT_KILL_AFTER: o->kill_after_ns = a->u; break;
		case 'b': o->pipe_size = a->u; break;
		case 'v': o->verbose = true; break;
		}
	}
}

/* Refuses a pipe size past /proc/sys/fs/pipe-max-size, which only privileged
 * processes may exceed, with one clear message before anything starts. */
static void check_pipe_size(uint64_t size)
{
	uint64_t max;
	if (ib_read_numbers("/proc/sys/fs/pipe-max-size", &max, 1) == 1 && size > max)
		ib_die(IB_EXIT_FAIL, "pipe size %llu exceeds the system maximum %llu "
		       "(/proc/sys/fs/pipe-max-size)", (unsigned long long)size,
		       (unsigned long long)max);
}

int pipeline_main(int argc, char **argv)
{
	struct opts o = { .which = ST_LAST, .status_fd = -1, .kill_after_ns = 5000000000ULL };
	const char *delim = "|", *which = "last";
	struct ib_args args;
	ib_args_init(&args, &pipeline_cmd, argc, argv);
	parse_options(&args, &o, &delim, &which);

	struct stage *st;
	size_t n = split_stages(args.nops, args.ops, 0, delim, &st);
	if (strcmp(which, "last") == 0) {
		o.which = ST_LAST;
	} else if (strcmp(which, "fail") == 0) {
		o.which = ST_FAIL;
	} else {
		uint64_t k;
		enum ib_parse_err e = ib_parse_u64(which, 10, 1, n, &k);
		if (e)
			ib_usage_error("invalid --status %s: expected last, fail or a stage number "
				       "from 1 to %zu", ib_quote(which), n);
		o.which = ST_STAGE;
		o.stage = (size_t)k;
	}
	if (o.pipe_size)
		check_pipe_size(o.pipe_size);

	/* Signals ignored when we started stay ignored, in the stages too, as in sh (so
	 * nohup works); everything else the stages get at its default. The wait loop takes
	 * the signals it forwards that were not ignored, and SIGCHLD. */
	sigset_t ignored, set;
	ib_ignored_signals(&ignored);
	sigdelset(&ignored, SIGCHLD);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (int i = 0; i < 3; i++) {
		int sig = (int[]){ SIGINT, SIGTERM, SIGHUP }[i];
		if (sigismember(&ignored, sig) != 1)
			sigaddset(&set, sig);
	}
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would reap our children for us */
	signal(SIGPIPE, SIG_IGN); /* a closed --status-fd is an error, not our death */
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	struct ib_sigplan plan;
	ib_sigplan_make(&plan, &ignored);
	start_stages(st, n, &o, &ignored, &plan);
	bool timed_out = wait_stages(st, n, &o, &set);
	ib_reap_all_children(o.kill_after_ns); /* orphans the stages left behind */

	int status = timed_out ? 124 : exit_code(st, n, &o);
	if (o.status_fd >= 0 && write_statuses(st, n, o.status_fd) != 0) {
		ib_warn_sys(errno, "cannot write the statuses to --status-fd %d", o.status_fd);
		if (status == 0)
			status = IB_EXIT_FAIL;
	}
	free(st);
	return status;
}
