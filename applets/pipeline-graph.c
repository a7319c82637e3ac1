/* pipeline's graph: parsing the command line into chains, fan-out groups and two-way
 * links, and starting it. The words are read once, left to right; a usage error
 * names the first thing wrong. Starting goes left to right too: a group's copier is
 * forked while pipeline holds only the group's pipes, so that it inherits nothing
 * that would keep another pipe open. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/quote.h"
#include "pipeline-fanout.h"
#include "pipeline-graph.h"

enum word { W_ARG, W_PIPE, W_PIPE_ERR, W_OPEN, W_CLOSE, W_TWO_WAY };

static enum word classify(const struct ib_words *w, const char *s)
{
	if (strncmp(s, w->delim, w->dlen) != 0) {
		if (w->custom)
			return W_ARG;
		return strcmp(s, "{") == 0 ? W_OPEN : strcmp(s, "}") == 0 ? W_CLOSE
		       : strcmp(s, "<>") == 0 ? W_TWO_WAY : W_ARG;
	}
	const char *t = s + w->dlen;
	if (!*t)
		return W_PIPE;
	if (strcmp(t, "&") == 0)
		return W_PIPE_ERR;
	if (w->custom)
		return strcmp(t, "{") == 0 ? W_OPEN : strcmp(t, "}") == 0 ? W_CLOSE
		       : strcmp(t, "<>") == 0 ? W_TWO_WAY : W_ARG;
	return W_ARG;
}

/* The parser's state between words. */
struct parse {
	struct ib_graph *g;
	bool need_stage;  /* the next word must start a stage (or be a brace) */
	bool in_group;
	bool after_close; /* just after a '}' */
	bool chain_open;  /* the current segment is a chain that a stage may join */
	bool branch_next; /* the next stage starts a branch */
	size_t two_ways;
	const char *prev; /* the last special word */
};

static void new_segment(struct parse *p, bool group)
{
	struct ib_graph *g = p->g;
	g->seg[g->nseg++] = (struct ib_segment){ .first = g->n, .group = group };
}

static void stage_starts(struct parse *p, char **at)
{
	struct ib_graph *g = p->g;
	if (!p->in_group && !p->chain_open) {
		new_segment(p, false);
		p->chain_open = true;
	}
	g->st[g->n] = (struct ib_stage){ .argv = at, .branch_start = p->branch_next };
	g->n++;
	g->seg[g->nseg - 1].count++;
	p->branch_next = false;
	p->need_stage = false;
}

/* Marks the last stage of every branch of the group just closed as sending its
 * stderr into the link after the group too (a '}' followed by '|&'). */
static void group_err_to_pipe(struct ib_graph *g)
{
	struct ib_segment *s = &g->seg[g->nseg - 1];
	for (size_t i = s->first; i < s->first + s->count; i++)
		if (i + 1 == s->first + s->count || g->st[i + 1].branch_start)
			g->st[i].err_to_pipe = true;
}

static void link_word(struct parse *p, enum word t, char **argv, int i)
{
	struct ib_graph *g = p->g;
	if (p->need_stage && !p->after_close) {
		if (g->n == 0 && !p->in_group)
			ib_usage_error("the pipeline starts with %s", ib_quote(argv[i]));
		if (p->branch_next)
			ib_usage_error("a branch starts with %s", ib_quote(argv[i]));
		ib_usage_error("stage %zu is empty", g->n + 1);
	}
	if (t == W_TWO_WAY) {
		if (p->in_group || p->after_close || g->nseg > 1 || g->seg[0].group)
			ib_usage_error("%s joins two commands, not braces", ib_quote(argv[i]));
		p->two_ways++;
	} else if (p->after_close) {
		if (t == W_PIPE_ERR)
			group_err_to_pipe(g);
		p->chain_open = false;
	} else {
		g->st[g->n - 1].err_to_pipe = t == W_PIPE_ERR;
	}
	p->after_close = false;
	p->need_stage = true;
}

static void brace_word(struct parse *p, enum word t, char **argv, int i)
{
	if (t == W_OPEN) {
		if (p->in_group && p->need_stage)
			ib_usage_error("braces do not nest: %s", ib_quote(argv[i]));
		if (p->in_group || !p->need_stage)
			ib_usage_error("%s must come first, after a separator or after a "
				       "closing brace", ib_quote(argv[i]));
		if (!p->after_close) {
			if (p->two_ways)
				ib_usage_error("%s joins two commands, not braces", ib_quote(p->prev));
			new_segment(p, true);
			p->chain_open = false;
		}
		p->in_group = true;
		p->after_close = false;
		p->branch_next = true;
		return;
	}
	if (!p->in_group)
		ib_usage_error("%s without an opening brace", ib_quote(argv[i]));
	if (p->need_stage) {
		if (p->branch_next)
			ib_usage_error("an empty branch: nothing between the braces");
		ib_usage_error("a branch ends with %s", ib_quote(p->prev));
	}
	p->in_group = false;
	p->after_close = true;
	p->need_stage = true;
}

void ib_graph_parse(struct ib_graph *g, int argc, char **argv, const struct ib_words *w)
{
	if (argc <= 0)
		ib_usage_error("missing command");
	*g = (struct ib_graph){ 0 };
	g->st = calloc((size_t)argc, sizeof *g->st);
	g->seg = calloc((size_t)argc, sizeof *g->seg);
	if (!g->st || !g->seg)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "cannot allocate %d stages", argc);
	struct parse p = { .g = g, .need_stage = true };
	for (int i = 0; i < argc; i++) {
		enum word t = classify(w, argv[i]);
		if (t == W_ARG) {
			if (p.after_close)
				ib_usage_error("'}' must be followed by '{', a separator or the end, "
					       "not %s", ib_quote(argv[i]));
			if (p.need_stage)
				stage_starts(&p, &argv[i]);
			continue;
		}
		if (t == W_OPEN || t == W_CLOSE)
			brace_word(&p, t, argv, i);
		else
			link_word(&p, t, argv, i);
		p.prev = argv[i];
		argv[i] = NULL; /* ends the stage before it */
	}
	if (p.in_group)
		ib_usage_error("an opening brace without its closing one");
	if (p.need_stage && !p.after_close)
		ib_usage_error("the pipeline ends with %s", ib_quote(p.prev));
	if (p.two_ways && (p.two_ways > 1 || g->n != 2))
		ib_usage_error("'<>' joins exactly two commands, and nothing else");
	g->two_way = p.two_ways == 1;
}

void ib_graph_free(struct ib_graph *g)
{
	free(g->st);
	free(g->seg);
	free(g->cp);
}

const char *ib_command_line(char **argv, char *buf, size_t len)
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

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The size of the pipes into and out of a fan-out copier when -b gives none: each
 * round of tee and splice moves at most a pipe's worth, and with the kernel's 64 KiB
 * the wake-ups of the copier, the producer and the branches cost more than the
 * copying (1 MiB is /proc/sys/fs/pipe-max-size's default, open to every user). */
enum { FANOUT_PIPE_SIZE = 1 << 20 };

/* A pipe for the stages, close-on-exec, of S's size; a size the kernel refuses is
 * a warning (the stages run anyway). A FANOUT pipe gets FANOUT_PIPE_SIZE if S has
 * no size, where the kernel allows it. Returns 0 or an error number. */
static int make_pipe(int p[2], const struct ib_start *s, bool fanout)
{
	if (pipe2(p, O_CLOEXEC) != 0)
		return errno;
	if (s->pipe_size && fcntl(p[1], F_SETPIPE_SZ, (int)s->pipe_size) < 0)
		ib_warn_sys(errno, "cannot set the size of a pipe to %llu bytes",
			    (unsigned long long)s->pipe_size);
	else if (!s->pipe_size && fanout)
		(void)fcntl(p[1], F_SETPIPE_SZ, FANOUT_PIPE_SIZE); /* a hint: 64 KiB works too */
	return 0;
}

/* Starts stage I with stdin IN, stdout OUT (-1: ours), stderr into OUT if it says so. */
static void start_stage(struct ib_graph *g, size_t i, int in, int out, const struct ib_start *s)
{
	struct ib_stage *st = &g->st[i];
	struct ib_spawn sp = {
		.argv = st->argv,
		.fd = { in, out, st->err_to_pipe && out >= 0 ? out : -1 },
		.pgroup = -1,
		.keep = s->keep,
		.sigplan = s->plan,
		.death_signal = SIGKILL, /* should pipeline itself be SIGKILLed */
	};
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	int err = ib_spawn_start(&sp, &st->child);
	st->pid = err ? 0 : st->child.pid;
	if (err) {
		char where[32];
		snprintf(where, sizeof where, "stage %zu", i + 1);
		ib_spawn_warn(where, st->argv[0], err);
		st->code = ib_spawn_error_code(err);
		st->wstatus = st->code << 8;
	}
}

/* Starts the chain of stages [first, end) from IN to OUT (both closed here, OUT
 * only if CLOSE_OUT). Returns 0 or an error number (*WHERE: the stage before the
 * pipe that could not be made). */
static int start_chain(struct ib_graph *g, size_t first, size_t end, int in, int out,
		       const struct ib_start *s, size_t *where)
{
	for (size_t i = first; i < end; i++) {
		int p[2] = { -1, -1 };
		if (i + 1 < end) {
			int e = make_pipe(p, s, false);
			if (e) {
				close_fd(&in);
				*where = i + 1;
				return e;
			}
		}
		start_stage(g, i, in, i + 1 < end ? p[1] : out, s);
		close_fd(&in);
		close_fd(&p[1]);
		in = p[0];
	}
	return 0;
}

/* The end of the branch starting at stage I of segment SEG. */
static size_t branch_end(const struct ib_graph *g, const struct ib_segment *seg, size_t i)
{
	size_t end = seg->first + seg->count;
	while (++i < end && !g->st[i].branch_start)
		;
	return i;
}

/* Starts the copier of group SEG, reading IN (-1: our stdin), writing into a new
 * pipe per branch; their read ends come back in READS. */
static int start_copier(struct ib_graph *g, const struct ib_segment *seg, int in, int *reads,
			const struct ib_start *s)
{
	size_t nb = 0;
	for (size_t i = seg->first; i < seg->first + seg->count; i++)
		nb += g->st[i].branch_start;
	int *writes = calloc(nb, sizeof *writes);
	if (!writes)
		return ENOMEM;
	int e = 0;
	size_t made = 0;
	for (; made < nb && !e; made++) {
		int p[2];
		e = make_pipe(p, s, true);
		reads[made] = e ? -1 : p[0];
		writes[made] = e ? -1 : p[1];
	}
	struct ib_copier *c = &g->cp[g->ncp];
	*c = (struct ib_copier){ .after = seg->first };
	struct ib_fanout fo = { .src = in < 0 ? 0 : in, .n = nb, .out = writes, .drop = reads,
				.after = seg->first };
	struct ib_spawn sp = {
		.argv = (char *[]){ "pipeline", NULL }, /* never executed: PREPARE ends it */
		.fd = { -1, -1, -1 },
		.pgroup = -1,
		.keep = s->keep,
		.sigplan = s->plan,
		.death_signal = SIGKILL,
		.prepare = ib_fanout_run,
		.prepare_arg = &fo,
	};
	if (!e)
		e = ib_spawn_start(&sp, &c->child);
	if (!e) {
		c->pid = c->child.pid;
		g->ncp++;
	}
	for (size_t i = 0; i < made; i++)
		close_fd(&writes[i]);
	free(writes);
	return e;
}

/* Starts group SEG reading IN: its copier, then its branches, whose outputs all go
 * into a new pipe (its read end in *NEXT) when segment MORE follows, or to our
 * stdout (MORE NULL). The pipe is made after the copier, which must not hold it
 * open. */
static int start_group(struct ib_graph *g, const struct ib_segment *seg, int in,
		       const struct ib_segment *more, int *next, const struct ib_start *s,
		       size_t *where)
{
	int *reads = malloc(seg->count * sizeof *reads);
	if (!reads)
		return ENOMEM;
	for (size_t i = 0; i < seg->count; i++)
		reads[i] = -1; /* those not made are not closed */
	int e = start_copier(g, seg, in, reads, s), p[2] = { -1, -1 };
	if (!e && more && (e = make_pipe(p, s, more->group)) != 0)
		*where = seg->first + seg->count;
	size_t b = 0;
	for (size_t i = seg->first; i < seg->first + seg->count; i = branch_end(g, seg, i), b++)
		if (!e)
			e = start_chain(g, i, branch_end(g, seg, i), reads[b], p[1], s, where);
		else
			close_fd(&reads[b]);
	free(reads);
	close_fd(&p[1]);
	if (e)
		close_fd(&p[0]);
	*next = p[0];
	return e;
}

/* A <> B: each one's stdout is the other's stdin, by two pipes or one socketpair. */
static int start_two_way(struct ib_graph *g, const struct ib_start *s)
{
	int a[2], b[2];
	if (s->socketpair) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a) != 0)
			return errno;
		start_stage(g, 0, a[0], a[0], s);
		start_stage(g, 1, a[1], a[1], s);
		close(a[0]);
		close(a[1]);
		return 0;
	}
	int e = make_pipe(a, s, false);
	if (!e && (e = make_pipe(b, s, false)) != 0) {
		close(a[0]);
		close(a[1]);
	}
	if (e)
		return e;
	start_stage(g, 0, b[0], a[1], s);
	start_stage(g, 1, a[0], b[1], s);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	return 0;
}

int ib_graph_start(struct ib_graph *g, const struct ib_start *s, const char **what,
		   size_t *where)
{
	*where = 0;
	if (g->two_way) {
		*what = s->socketpair ? "the socketpair" : "the pipes";
		return start_two_way(g, s);
	}
	g->cp = calloc(g->nseg, sizeof *g->cp);
	if (!g->cp) {
		*what = "the fan-out";
		return ENOMEM;
	}
	int in = -1, e = 0;
	for (size_t k = 0; k < g->nseg && !e; k++) {
		const struct ib_segment *seg = &g->seg[k];
		bool more = k + 1 < g->nseg;
		int next = -1;
		if (seg->group) {
			*what = "the fan-out";
			e = start_group(g, seg, in, more ? seg + 1 : NULL, &next, s, where);
		} else {
			int p[2] = { -1, -1 };
			*what = "a pipe";
			e = more ? make_pipe(p, s, g->seg[k + 1].group) : 0;
			if (e) {
				*where = seg->first + seg->count;
			} else {
				e = start_chain(g, seg->first, seg->first + seg->count, in, p[1], s,
						where);
				in = -1; /* start_chain closed it */
			}
			close_fd(&p[1]);
			if (e)
				close_fd(&p[0]);
			next = p[0];
		}
		close_fd(&in);
		in = next;
	}
	close_fd(&in);
	return e;
}
