/* pipeline: run commands connected by pipes, without a shell, and report every status.
 * The command line becomes a graph (pipeline-graph.c: chains, fan-out groups with
 * their copiers, two-way links); each stage is started with ib_spawn_start (a vfork:
 * the next starts once this one has exec'd); then one loop waits for children,
 * forwarded signals and deadlines with sigtimedwait, the signals it handles blocked.
 * As a child subreaper it also catches the orphans the stages leave behind and
 * terminates them before it exits. */
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
#include "ipc/json.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"
#include "ipc/spawn.h"
#include "pipeline-graph.h"

enum { OPT_SIGPIPE_OK = 0x100, OPT_STATUS_FD, OPT_STATUS_FORMAT, OPT_KILL_AFTER, OPT_SOCKETPAIR };

static const struct ib_opt options[] = {
	IB_OPT('d', "delimiter", TEXT, "WORD",
	       "separate stages with WORD (and WORD&) instead of |; braces and the two-way "
	       "link become WORD{, WORD} and WORD<>"),
	IB_OPT('s', "status", TEXT, "WHICH",
	       "exit with the status of the last stage (last, the default), the rightmost "
	       "failed one (fail), or stage N (a number, from 1)"),
	IB_OPT(OPT_SIGPIPE_OK, "sigpipe-ok", NONE, NULL, "count a stage killed by SIGPIPE as a success"),
	IB_OPT(OPT_STATUS_FD, "status-fd", COUNT, "FD",
	       "write every stage's status to FD at the end, on one line, separated by spaces "
	       "(like PIPESTATUS)", .max = INT_MAX),
	IB_OPT(OPT_STATUS_FORMAT, "status-format", CHOICE, "FORMAT",
	       "what --status-fd writes: words (the default) or json, an array of objects",
	       .choices = "words|json"),
	IB_OPT('k', "kill-on-fail", NONE, NULL, "terminate the other stages when one fails"),
	IB_OPT('t', "timeout", DURATION, "DURATION", "terminate every stage after DURATION; exit 124"),
	IB_OPT(OPT_KILL_AFTER, "kill-after", DURATION, "DURATION",
	       "send SIGKILL this long after SIGTERM (default 5s)"),
	IB_OPT('b', "pipe-size", SIZE, "SIZE", "set the capacity of every pipe (like 1M)", .min = 1,
	       .max = INT_MAX),
	IB_OPT(OPT_SOCKETPAIR, "socketpair", NONE, NULL,
	       "join the two sides of '<>' by one socketpair instead of two pipes"),
	IB_OPT('q', "quiet", NONE, NULL, "with -s fail or -k: do not name the stages that failed"),
	IB_OPT('v', "verbose", NONE, NULL, "report each stage's pid, status and times on stderr"),
};

const struct ib_cmd pipeline_cmd = {
	.usage = "Usage: pipeline [OPTION]... [--] COMMAND [ARG]... ['|' COMMAND [ARG]...]...\n"
		 "  or:  pipeline [OPTION]... [--] COMMAND... '|' '{' COMMAND... '}'... ['|' ...]\n"
		 "  or:  pipeline [OPTION]... [--] COMMAND [ARG]... '<>' COMMAND [ARG]...\n"
		 "Run COMMANDs connected by pipes, without a shell: each one's standard output is\n"
		 "the next one's standard input. A stage that ends with '|&' instead of '|' also\n"
		 "sends its standard error into the pipe. After '|', branches in braces each get\n"
		 "a full copy of the output; '<>' joins two commands both ways. Commands are\n"
		 "looked up in PATH.\n",
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

struct opts {
	enum { ST_LAST, ST_FAIL, ST_STAGE } which;
	size_t stage;
	bool sigpipe_ok, kill_on_fail, verbose, quiet, json, socketpair;
	int status_fd;
	uint64_t timeout_ns, kill_after_ns, pipe_size;
};

static bool failed(const struct opts *o, const struct ib_stage *s)
{
	if (s->code == 0)
		return false;
	return !(o->sigpipe_ok && WIFSIGNALED(s->wstatus) && WTERMSIG(s->wstatus) == SIGPIPE);
}

/* Signals the running stages, the last first: a stage is signalled before the one
 * that feeds it can end, so it never sees that end (EOF) and exits 0 first. The
 * copiers ignore all but SIGKILL: they end when their input or their branches do. */
static void signal_running(struct ib_graph *g, int sig)
{
	for (size_t i = g->n; i-- > 0;)
		if (g->st[i].pid > 0) {
			g->st[i].stopped = true;
			kill(g->st[i].pid, sig);
		}
	for (size_t i = 0; i < g->ncp && sig == SIGKILL; i++)
		if (g->cp[i].pid > 0)
			kill(g->cp[i].pid, sig);
}

static uint64_t ns_of(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

static void report(struct ib_stage *s, size_t idx, const struct rusage *ru)
{
	char cmd[80], how[64];
	ib_warn("stage %zu (%s) pid %ld: %s, %.3fs wall, %.3fs user, %.3fs sys", idx + 1,
		ib_command_line(s->argv, cmd, sizeof cmd), (long)s->pid,
		ib_wait_describe(s->wstatus, how, sizeof how), (double)s->wall_ns / 1e9,
		(double)ns_of(ru->ru_utime) / 1e9, (double)ns_of(ru->ru_stime) / 1e9);
}

static void warn_not_started(const struct ib_stage *st, size_t i, int err)
{
	char where[32];
	snprintf(where, sizeof where, "stage %zu", i + 1);
	ib_spawn_warn(where, st[i].argv[0], err);
}

/* Starts the graph; if a pipe or a copier cannot be made, stops what runs and fails. */
static void start_stages(struct ib_graph *g, const struct opts *o, const sigset_t *keep,
			 const struct ib_sigplan *plan)
{
	struct ib_start s = { .pipe_size = o->pipe_size, .socketpair = o->socketpair,
			      .keep = keep, .plan = plan };
	const char *what = "a pipe";
	size_t where;
	int e = ib_graph_start(g, &s, &what, &where);
	if (!e)
		return;
	signal_running(g, SIGTERM);
	ib_reap_all_children(o->kill_after_ns);
	if (where)
		ib_die_sys(IB_EXIT_FAIL, e, "cannot make %s after stage %zu", what, where);
	ib_die_sys(IB_EXIT_FAIL, e, "cannot make %s", what);
}

/* With -k, when stage S has failed by itself: marks the running ones as stopped by
 * us and returns true (they are to be terminated). */
static bool kill_on_fail(struct ib_graph *g, const struct opts *o, const struct ib_stage *s)
{
	if (!o->kill_on_fail || s->killed || !failed(o, s))
		return false;
	for (size_t j = 0; j < g->n; j++)
		g->st[j].killed = g->st[j].killed || g->st[j].pid > 0;
	return true;
}

/* Notes that stage I ended with wait status WS. */
static void stage_ended(struct ib_graph *g, size_t i, int ws, const struct rusage *ru,
			const struct opts *o, bool *kill_now)
{
	struct ib_stage *s = &g->st[i];
	int err = ib_child_done(&s->child);
	if (err) /* it exited 126 or 127 */
		warn_not_started(g->st, i, err);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->wall_ns = (uint64_t)(now.tv_sec - s->start.tv_sec) * 1000000000u +
		     (uint64_t)now.tv_nsec - (uint64_t)s->start.tv_nsec;
	s->cpu_ns = ns_of(ru->ru_utime) + ns_of(ru->ru_stime);
	s->wstatus = ws;
	s->code = ib_wait_code(ws);
	if (o->verbose)
		report(s, i, ru);
	s->pid = 0;
	*kill_now |= kill_on_fail(g, o, s);
}

/* Reaps ended children; returns how many stages and copiers ended. */
static size_t reap(struct ib_graph *g, const struct opts *o, bool *kill_now)
{
	size_t ended = 0;
	int ws;
	struct rusage ru;
	pid_t pid;
	while ((pid = wait4(-1, &ws, WNOHANG, &ru)) > 0) {
		for (size_t i = 0; i < g->n; i++)
			if (g->st[i].pid == pid) {
				stage_ended(g, i, ws, &ru, o, kill_now);
				ended++;
			}
		for (size_t i = 0; i < g->ncp; i++)
			if (g->cp[i].pid == pid) {
				ib_child_done(&g->cp[i].child);
				g->cp[i].wstatus = ws;
				g->cp[i].pid = 0;
				ended++;
			}
	}
	return ended;
}

/* Waits for every stage and copier, forwarding signals and enforcing the deadlines.
 * Returns true if the timeout expired. */
static bool wait_stages(struct ib_graph *g, const struct opts *o, const sigset_t *set)
{
	size_t running = 0;
	for (size_t i = 0; i < g->n; i++)
		running += g->st[i].pid > 0;
	for (size_t i = 0; i < g->ncp; i++)
		running += g->cp[i].pid > 0;
	bool timed_out = false, have_deadline = o->timeout_ns > 0, have_kill = false;
	struct timespec deadline = have_deadline ? ib_deadline_after(o->timeout_ns) : (struct timespec){ 0 };
	struct timespec kill_at = { 0 };
	bool kill_now = false;
	for (size_t i = 0; i < g->n; i++) /* a stage that could not start has failed too */
		if (g->st[i].pid == 0)
			kill_now |= kill_on_fail(g, o, &g->st[i]);
	while (running > 0) {
		running -= reap(g, o, &kill_now);
		if (kill_now && running > 0) {
			signal_running(g, SIGTERM);
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
				signal_running(g, sig);
			else
				for (size_t i = 0; i < g->n; i++)
					g->st[i].stopped |= g->st[i].pid > 0;
		} else if (sig < 0 && errno == EAGAIN) {
			if (have_deadline && !timed_out && ib_ns_until(deadline) == 0) {
				timed_out = true;
				signal_running(g, SIGTERM);
				if (!have_kill)
					kill_at = ib_deadline_after(o->kill_after_ns);
				have_kill = true;
			}
			if (have_kill && ib_ns_until(kill_at) == 0) {
				signal_running(g, SIGKILL);
				have_kill = false;
			}
		}
	}
	return timed_out;
}

static int exit_code(const struct ib_graph *g, const struct opts *o)
{
	const struct ib_stage *st = g->st, *s = &st[g->n - 1];
	if (o->which == ST_STAGE)
		s = &st[o->stage - 1];
	if (o->which != ST_FAIL)
		return failed(o, s) ? s->code : 0;
	for (size_t i = g->n; i-- > 0;)
		if (failed(o, &st[i]) && !st[i].killed)
			return st[i].code;
	for (size_t i = g->n; i-- > 0;) /* only stages that -k stopped: the rightmost of them */
		if (failed(o, &st[i]))
			return st[i].code;
	return 0;
}

/* With -s fail or -k, unless -q: one line for each stage that failed by itself. */
static void name_failures(const struct ib_graph *g, const struct opts *o)
{
	if (o->quiet || !(o->which == ST_FAIL || o->kill_on_fail))
		return;
	for (size_t i = 0; i < g->n; i++) {
		const struct ib_stage *s = &g->st[i];
		if (!failed(o, s) || s->stopped || s->killed)
			continue;
		char cmd[80], name[32];
		ib_command_line(s->argv, cmd, sizeof cmd);
		if (WIFSIGNALED(s->wstatus)) {
			ib_signal_name(WTERMSIG(s->wstatus), name, sizeof name);
			ib_warn("stage %zu (%s) killed by %s", i + 1, cmd, name);
		} else {
			ib_warn("stage %zu (%s) exited with status %d", i + 1, cmd, s->code);
		}
	}
}

/* Whether every copier ended well; says which did not (a copier that failed by
 * itself has said why already). */
static bool copiers_ok(const struct ib_graph *g)
{
	bool ok = true;
	for (size_t i = 0; i < g->ncp; i++) {
		int ws = g->cp[i].wstatus;
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
			continue;
		ok = false;
		if (WIFSIGNALED(ws)) {
			char how[64];
			ib_warn("the fan-out after stage %zu was %s: its branches may have missed "
				"input", g->cp[i].after, ib_wait_describe(ws, how, sizeof how));
		}
	}
	return ok;
}

static void json_status(FILE *f, const struct ib_graph *g)
{
	struct ib_json j;
	ib_json_init(&j, f);
	ib_json_open_array(&j, NULL);
	for (size_t i = 0; i < g->n; i++) {
		const struct ib_stage *s = &g->st[i];
		size_t len = 1;
		for (size_t k = 0; s->argv[k]; k++)
			len += strlen(s->argv[k]) + 1;
		char *cmd = malloc(len), name[32];
		if (cmd)
			ib_command_line(s->argv, cmd, len);
		ib_json_open_line(&j, NULL);
		ib_json_uint(&j, "stage", i + 1);
		ib_json_str(&j, "command", cmd ? cmd : s->argv[0]);
		if (s->child.pid > 0)
			ib_json_int(&j, "pid", s->child.pid);
		else
			ib_json_null(&j, "pid");
		ib_json_int(&j, "status", s->code);
		if (WIFSIGNALED(s->wstatus)) {
			ib_signal_name(WTERMSIG(s->wstatus), name, sizeof name);
			ib_json_str(&j, "signal", name);
		} else {
			ib_json_null(&j, "signal");
		}
		ib_json_uint(&j, "wall_ms", s->wall_ns / 1000000u);
		ib_json_uint(&j, "cpu_ms", s->cpu_ns / 1000000u);
		ib_json_close(&j);
		free(cmd);
	}
	ib_json_close_array(&j);
	ib_json_end(&j);
}

static int write_statuses(const struct ib_graph *g, int fd, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	if (json)
		json_status(f, g);
	else
		for (size_t i = 0; i < g->n; i++)
			fprintf(f, "%s%d", i ? " " : "", g->st[i].code);
	if (!json)
		fputc('\n', f);
	int r = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		r = -1;
	if (r == 0)
		r = ib_write_all(fd, buf, len, NULL);
	else
		errno = ENOMEM;
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
		case OPT_STATUS_FORMAT: o->json = a->u == 1; break;
		case 'k': o->kill_on_fail = true; break;
		case 't': o->timeout_ns = a->u; break;
		case OPT_KILL_AFTER: o->kill_after_ns = a->u; break;
		case 'b': o->pipe_size = a->u; break;
		case OPT_SOCKETPAIR: o->socketpair = true; break;
		case 'q': o->quiet = true; break;
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

/* Which stage's status to exit with, from -s WHICH. */
static void choose_status(struct opts *o, const char *which, size_t n)
{
	if (strcmp(which, "last") == 0) {
		o->which = ST_LAST;
	} else if (strcmp(which, "fail") == 0) {
		o->which = ST_FAIL;
	} else {
		uint64_t k;
		enum ib_parse_err e = ib_parse_u64(which, 10, 1, n, &k);
		if (e)
			ib_usage_error("invalid --status %s: expected last, fail or a stage number "
				       "from 1 to %zu", ib_quote(which), n);
		o->which = ST_STAGE;
		o->stage = (size_t)k;
	}
}

int pipeline_main(int argc, char **argv)
{
	struct opts o = { .which = ST_LAST, .status_fd = -1, .kill_after_ns = 5000000000ULL };
	const char *delim = NULL, *which = "last";
	struct ib_args args;
	ib_args_init(&args, &pipeline_cmd, argc, argv);
	parse_options(&args, &o, &delim, &which);

	struct ib_words words = { .delim = delim ? delim : "|", .custom = delim != NULL };
	words.dlen = strlen(words.delim);
	struct ib_graph g;
	ib_graph_parse(&g, args.nops, args.ops, &words);
	if (o.socketpair && !g.two_way)
		ib_usage_error("--socketpair is for a two-way link ('%s<>'), and there is none",
			       delim ? delim : "");
	choose_status(&o, which, g.n);
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
	start_stages(&g, &o, &ignored, &plan);
	bool timed_out = wait_stages(&g, &o, &set);
	ib_reap_all_children(o.kill_after_ns); /* orphans the stages left behind */

	int status = timed_out ? 124 : exit_code(&g, &o);
	name_failures(&g, &o);
	if (!copiers_ok(&g)) /* the cause: what the stages did next (SIGPIPE) follows */
		status = IB_EXIT_FAIL;
	if (o.status_fd >= 0 && write_statuses(&g, o.status_fd, o.json) != 0) {
		ib_warn_sys(errno, "cannot write the statuses to --status-fd %d", o.status_fd);
		if (status == 0)
			status = IB_EXIT_FAIL;
	}
	ib_graph_free(&g);
	return status;
}
