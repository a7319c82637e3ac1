/* The option tables: parsing, the one message per argument kind, and --help. */
#include "ipc/opt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/object.h"
#include "ipc/parse.h"
#include "ipc/quote.h"

enum { ID_HELP = -2, ID_VERSION = -3 };

static void cmd_help(const struct ib_cmd *cmd, FILE *out);

static const struct ib_opt std_opts[] = {
	IB_OPT(ID_HELP, "help", NONE, NULL, "display this help and exit"),
	IB_OPT(ID_VERSION, "version", NONE, NULL, "output version information and exit"),
};

static int usage_status(const struct ib_cmd *cmd)
{
	return cmd->usage_status ? cmd->usage_status : IB_EXIT_USAGE;
}

/* getopt_long's words for what is wrong with an option, then our "Try" line. */
static _Noreturn __attribute__((format(printf, 2, 3)))
void bad_option(const struct ib_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", ib_prog(), msg);
	ib_try_help();
	exit(usage_status(cmd));
}

const char *ib_opt_name(const struct ib_opt *o, char *buf, size_t len)
{
	if (o->name)
		snprintf(buf, len, "--%s", o->name);
	else
		snprintf(buf, len, "-%c", o->id);
	return buf;
}

const struct ib_opt *ib_cmd_find(const struct ib_cmd *cmd, int id)
{
	for (size_t i = 0; i < cmd->nopts; i++)
		if (cmd->opts[i].id == id && id != 0)
			return &cmd->opts[i];
	return NULL;
}

/* The operands array lives until exit: kept here too, so that a leak checker
 * still sees it once the applet's main has returned (volatile: a store never
 * read would be optimised away). */
static char **volatile kept_ops;

void ib_args_init(struct ib_args *a, const struct ib_cmd *cmd, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	a->argc = argc;
	a->argv = argv;
	a->next = 1;
	a->ops = calloc((size_t)argc + 1, sizeof *a->ops);
	if (!a->ops)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "arguments");
	kept_ops = a->ops;
	/* as getopt_long: with POSIXLY_CORRECT set, the first operand ends the options */
	a->stop = getenv("POSIXLY_CORRECT") != NULL;
}

void ib_args_invalid(const struct ib_args *a, const char *what, ...)
{
	char name[80], expected[400];
	va_list ap;
	va_start(ap, what);
	vsnprintf(expected, sizeof expected, what, ap);
	va_end(ap);
	/* quoted as a shell would read it back: a newline in the value must not
	 * break the one line */
	ib_usage_error_code(usage_status(a->cmd), "invalid %s %s: expected %s",
			    ib_opt_name(a->opt, name, sizeof name), ib_quote(a->arg ? a->arg : ""),
			    expected);
}

/* The accepted range in words, after PREFIX: "from 1 to 255", "of at least 1",
 * "at most 8192" (SIZE: ", at least 1"), or nothing when any value goes (a
 * whole number or size of at least 0 with no upper bound but the type's). */
static const char *range_words(const struct ib_opt *o, char *buf, size_t len)
{
	bool size = o->kind == IB_ARG_SIZE;
	bool unbounded = o->max == 0 || o->max == INT64_MAX || (size && o->max == LONG_MAX);
	buf[0] = '\0';
	if ((o->min == 0 && o->max == 0) || (o->min <= 0 && unbounded && o->kind != IB_ARG_INT))
		return buf;
	if (unbounded)
		snprintf(buf, len, "%s at least %lld", size ? "," : " of", (long long)o->min);
	else if (o->min <= 0 && o->kind != IB_ARG_INT)
		snprintf(buf, len, "%s at most %lld", size ? "," : " of", (long long)o->max);
	else
		snprintf(buf, len, "%s from %lld to %lld", size ? "," : "", (long long)o->min,
			 (long long)o->max);
	return buf;
}

static bool hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

static uint64_t umax_of(const struct ib_opt *o)
{
	return o->max > 0 ? (uint64_t)o->max : (o->min == 0 && o->max == 0 ? UINT64_MAX : (uint64_t)INT64_MAX);
}

/* Parses a->arg as a->opt's kind; a usage error if it is malformed. */
static void parse_value(struct ib_args *a)
{
	const struct ib_opt *o = a->opt;
	const char *s = a->arg;
	char range[96];
	const char *why;
	uint64_t v;
	switch (o->kind) {
	case IB_ARG_COUNT:
		if (ib_parse_u64(s, hex_prefix(s) ? 16 : 10, (uint64_t)o->min, umax_of(o), &v) !=
		    IB_PARSE_OK)
			ib_args_invalid(a, "a whole number%s", range_words(o, range, sizeof range));
		a->u = v;
		break;
	case IB_ARG_INT: {
		int64_t lo = o->min, hi = o->max;
		if (lo == 0 && hi == 0)
			lo = INT64_MIN, hi = INT64_MAX;
		if (ib_parse_i64(s, lo, hi, &a->i) != IB_PARSE_OK)
			ib_args_invalid(a, "a number%s", range_words(o, range, sizeof range));
		break;
	}
	case IB_ARG_SIZE:
		if (ib_parse_size(s, umax_of(o), &v) != IB_PARSE_OK || v < (uint64_t)o->min)
			ib_args_invalid(a, "a size like 4096, 0x1000, 64K or 1MiB%s",
					range_words(o, range, sizeof range));
		a->u = v;
		break;
	case IB_ARG_DURATION:
		if (ib_parse_duration(s, &a->u) != IB_PARSE_OK)
			ib_args_invalid(a, "a duration like 2, 1.5s or 250ms");
		break;
	case IB_ARG_MODE:
		if (!ib_parse_mode(s, IB_DEFAULT_MODE, 0, &a->mode) || (a->mode & ~0777u))
			ib_args_invalid(a, "a mode, octal like 0640 or symbolic like u=rw,g=r");
		break;
	case IB_ARG_KEY:
		if (!ib_parse_key(s, &a->key))
			ib_args_invalid(a, "a key: a number up to 0xffffffff (decimal, 0x hex or 0 octal)");
		break;
	case IB_ARG_ID:
		if (!ib_parse_id(s, &a->id))
			ib_args_invalid(a, "an id from 0 to %d", INT_MAX);
		break;
	case IB_ARG_POSIX:
		if ((why = ib_posix_name_error(s)) != NULL)
			ib_args_invalid(a, "a POSIX name like /NAME (it %s)", why);
		break;
	case IB_ARG_CHOICE: {
		size_t n = strlen(s), i = 0;
		const char *c = o->choices;
		for (;;) {
			size_t len = strcspn(c, "|");
			if (len == n && n > 0 && strncmp(c, s, n) == 0)
				break;
			if (c[len] == '\0') {
				char list[200];
				snprintf(list, sizeof list, "%s", o->choices);
				for (char *p = list; (p = strchr(p, '|')) != NULL;)
					*p = ',';
				ib_args_invalid(a, "one of %s", list);
			}
			c += len + 1;
			i++;
		}
		a->u = i;
		break;
	}
	default:
		break;
	}
}

/* Two options that share an excl bit: the second one given is an error. */
static void check_excl(struct ib_args *a)
{
	unsigned clash = a->opt->excl & a->seen_excl;
	for (unsigned bit = 0; clash && bit < 32; bit++) {
		if (!(clash & (1u << bit)) || a->excl_by[bit] == a->opt)
			continue;
		char n1[80], n2[80];
		ib_usage_error_code(usage_status(a->cmd), "%s and %s exclude each other",
				    ib_opt_name(a->excl_by[bit], n1, sizeof n1),
				    ib_opt_name(a->opt, n2, sizeof n2));
	}
	for (unsigned bit = 0; bit < 32; bit++)
		if (a->opt->excl & (1u << bit)) {
			a->seen_excl |= 1u << bit;
			a->excl_by[bit] = a->opt;
		}
}

/* The long option NAME (up to '=' or LEN characters): an exact name wins, else a
 * unique prefix; entries reached by two names (an alias) count once. NULL when
 * none matches, or (*AMBIGUOUS set) when several do. *MATCHED is the name (or
 * alias) that matched, for getopt_long's messages. */
static const struct ib_opt *match_long(const struct ib_args *a, const char *word, size_t len,
				       bool *ambiguous, const char **matched)
{
	const struct ib_opt *hit = NULL;
	*ambiguous = false;
	for (int pass = 0; pass < 2; pass++) {
		const struct ib_opt *tab = pass ? std_opts : a->cmd->opts;
		size_t n = pass ? IB_NELEM(std_opts) : a->cmd->nopts;
		for (size_t i = 0; i < n; i++) {
			const char *names[2] = { tab[i].name, tab[i].alias };
			for (int k = 0; k < 2; k++) {
				if (!names[k] || tab[i].id == 0 || strncmp(names[k], word, len) != 0)
					continue;
				if (names[k][len] == '\0') {
					*ambiguous = false;
					*matched = names[k];
					return &tab[i];
				}
				if (hit && hit != &tab[i])
					*ambiguous = true;
				if (hit != &tab[i])
					*matched = names[k];
				hit = &tab[i];
			}
		}
	}
	return *ambiguous ? NULL : hit;
}

/* match_long, reporting an ambiguous prefix as getopt_long does. */
static const struct ib_opt *find_long(const struct ib_args *a, const char *word, size_t len,
				      const char **matched)
{
	bool ambiguous;
	const struct ib_opt *o = match_long(a, word, len, &ambiguous, matched);
	if (!ambiguous)
		return o;
	/* getopt_long's message, possibilities included. */
	char msg[1024];
	size_t used = (size_t)snprintf(msg, sizeof msg, "option '--%s' is ambiguous; possibilities:",
				       word);
	for (int pass = 0; pass < 2; pass++) {
		const struct ib_opt *tab = pass ? std_opts : a->cmd->opts;
		size_t n = pass ? IB_NELEM(std_opts) : a->cmd->nopts;
		for (size_t i = 0; i < n; i++) {
			/* one name per entry: getopt_long does not count an alias (an
			 * entry with the same value) as a second possibility */
			const char *names[2] = { tab[i].name, tab[i].alias };
			for (int k = 0; k < 2; k++)
				if (names[k] && tab[i].id && strncmp(names[k], word, len) == 0 &&
				    used < sizeof msg) {
					used += (size_t)snprintf(msg + used, sizeof msg - used, " '--%s'",
								 names[k]);
					break;
				}
		}
	}
	bad_option(a->cmd, "%s", msg);
}

static const struct ib_opt *find_short(const struct ib_args *a, char c)
{
	if (c != 0 && c == a->cmd->help_short)
		return &std_opts[0];
	if (c != 0 && c == a->cmd->version_short)
		return &std_opts[1];
	for (size_t i = 0; i < a->cmd->nopts; i++)
		if (a->cmd->opts[i].id == (unsigned char)c && c != 0)
			return &a->cmd->opts[i];
	return NULL;
}

/* Whether O takes an argument here (perhaps an optional one). */
static bool takes_arg(const struct ib_args *a, const struct ib_opt *o)
{
	return o->kind != IB_ARG_NONE && !((o->flags & IB_OPT_DROPS_ARG) && a->drop_args);
}

/* Takes the long option in WORD (after "--"). */
static void take_long(struct ib_args *a, const char *word)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const char *name = NULL;
	const struct ib_opt *o = find_long(a, word, len, &name);
	if (!o)
		bad_option(a->cmd, "unrecognized option '--%s'", word);
	a->opt = o;
	a->as_written = a->argv[a->next - 1];
	a->arg = NULL;
	if (!takes_arg(a, o)) {
		if (eq)
			bad_option(a->cmd, "option '--%s' doesn't allow an argument", name);
	} else if (eq) {
		a->arg = eq + 1;
	} else if (!(o->flags & IB_OPT_OPTARG)) {
		if (a->next >= a->argc)
			bad_option(a->cmd, "option '--%s' requires an argument", name);
		a->arg = a->argv[a->next++];
	}
}

/* Takes the next short option of the cluster a->cluster points into. */
static void take_short(struct ib_args *a)
{
	char c = *a->cluster++;
	const struct ib_opt *o = find_short(a, c);
	if (!o)
		bad_option(a->cmd, "invalid option -- '%c'", c);
	a->opt = o;
	a->written[0] = '-';
	a->written[1] = c;
	a->written[2] = '\0';
	a->as_written = a->written;
	a->arg = NULL;
	if (takes_arg(a, o) && (o->flags & IB_OPT_OPTARG)) {
		/* getopt's "a::": only an argument attached to the letter */
		if (*a->cluster)
			a->arg = a->cluster;
		a->cluster = NULL;
	} else if (takes_arg(a, o)) {
		if (*a->cluster) {
			a->arg = a->cluster;
		} else {
			if (a->next >= a->argc)
				bad_option(a->cmd, "option requires an argument -- '%c'", c);
			a->arg = a->argv[a->next++];
		}
		a->cluster = NULL;
	}
	if (a->cluster && *a->cluster == '\0')
		a->cluster = NULL;
}

static bool is_negative_number(const char *w)
{
	return w[0] == '-' && ((w[1] >= '0' && w[1] <= '9') || (w[1] == '.' && w[2] >= '0' && w[2] <= '9'));
}

static void rest_are_operands(struct ib_args *a)
{
	while (a->next < a->argc)
		a->ops[a->nops++] = a->argv[a->next++];
}

bool ib_args_ahead(const struct ib_args *a, int id)
{
	bool ambiguous, ends = a->stop || (a->cmd->flags & IB_CMD_FIRST_OPERAND_ENDS);
	const char *matched;
	const char *cluster = a->cluster;
	int next = a->next;
	for (;;) {
		const struct ib_opt *o;
		if (cluster && *cluster) {
			o = find_short(a, *cluster++);
			if (o && o->id == id)
				return true;
			if (o && takes_arg(a, o) && !(o->flags & IB_OPT_OPTARG) && !*cluster)
				next++;
			if (o && takes_arg(a, o))
				cluster = NULL;
			continue;
		}
		if (next >= a->argc)
			return false;
		const char *w = a->argv[next++];
		if (strcmp(w, "--") == 0)
			return false;
		if (w[0] != '-' || w[1] == '\0' ||
		    ((a->cmd->flags & IB_CMD_NEGATIVE_OPERANDS) && is_negative_number(w))) {
			if (ends)
				return false;
			continue;
		}
		if (w[1] != '-') {
			cluster = w + 1;
			continue;
		}
		size_t len = strcspn(w + 2, "=");
		o = match_long(a, w + 2, len, &ambiguous, &matched);
		if (o && o->id == id)
			return true;
		if (o && takes_arg(a, o) && !(o->flags & IB_OPT_OPTARG) && w[2 + len] != '=')
			next++;
	}
}

int ib_args_next(struct ib_args *a)
{
	for (;;) {
		if (!a->cluster) {
			if (a->next >= a->argc)
				return -1;
			char *w = a->argv[a->next++];
			bool ends = a->stop || (a->cmd->flags & IB_CMD_FIRST_OPERAND_ENDS);
			if (strcmp(w, "--") == 0) {
				rest_are_operands(a);
				return -1;
			}
			if (w[0] != '-' || w[1] == '\0' ||
			    ((a->cmd->flags & IB_CMD_NEGATIVE_OPERANDS) && is_negative_number(w))) {
				a->ops[a->nops++] = w;
				if (ends) {
					rest_are_operands(a);
					return -1;
				}
				continue;
			}
			if (w[1] == '-')
				take_long(a, w + 2);
			else {
				a->cluster = w + 1;
				take_short(a);
			}
		} else {
			take_short(a);
		}
		if (a->opt->id == ID_HELP) {
			cmd_help(a->cmd, stdout);
			exit(ib_finish(IB_EXIT_OK));
		}
		if (a->opt->id == ID_VERSION)
			ib_version_exit();
		/* an optional argument not given leaves no value of the option before */
		a->u = 0;
		a->i = 0;
		a->mode = 0;
		a->key = 0;
		a->id = 0;
		if (a->arg && !(a->opt->flags & IB_OPT_RAW))
			parse_value(a);
		if (a->opt->excl)
			check_excl(a);
		return a->opt->id;
	}
}

/* --help: one option a line, "  -k, --key=KEY" (and the alias: ", --nowait") then
 * the help from column 24 (or on the next line when the names are longer), wrapped
 * at 80 columns. */
enum { HELP_COL = 24, HELP_WIDTH = 80 };

static void help_line(FILE *out, const struct ib_opt *o)
{
	char names[128];
	int n;
	if (o->id > 0 && o->id < 0x100)
		n = snprintf(names, sizeof names, "  -%c%s", o->id, o->name ? ", " : "");
	else
		n = snprintf(names, sizeof names, "      ");
	/* The long name, then its alias, each with the metavar. */
	const char *longs[2] = { o->name, o->name ? o->alias : NULL };
	for (int k = 0; k < 2 && (k == 0 || longs[k]); k++) {
		if (longs[k])
			n += snprintf(names + n, sizeof names - (size_t)n, "%s--%s", k ? ", " : "",
				      longs[k]);
		if (o->kind != IB_ARG_NONE && o->metavar) {
			const char *fmt = o->name ? ((o->flags & IB_OPT_OPTARG) ? "[=%s]" : "=%s") : " %s";
			n += snprintf(names + n, sizeof names - (size_t)n, fmt, o->metavar);
		}
	}
	fputs(names, out);
	int col = n;
	if (col > HELP_COL - 2) {
		fputc('\n', out);
		col = 0;
	}
	const char *p = o->help ? o->help : "";
	int indent = HELP_COL;
	while (*p) {
		/* As many words as fit on this line, at least one. */
		size_t room = (size_t)(HELP_WIDTH - indent), take = strlen(p);
		if (take > room) {
			take = room;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = strcspn(p, " ");
		}
		fprintf(out, "%*s%.*s\n", indent - col, "", (int)take, p);
		p += take;
		while (*p == ' ')
			p++;
		col = 0;
		indent = HELP_COL + 2;
	}
	if (!o->help || !*o->help)
		fputc('\n', out);
}

/* The lines of --help and --version, with the applet's letters for them. */
static bool std_help_lines(const struct ib_cmd *cmd, FILE *out)
{
	const char letters[] = { cmd->help_short, cmd->version_short };
	for (size_t i = 0; i < IB_NELEM(std_opts); i++) {
		struct ib_opt o = std_opts[i];
		if (letters[i])
			o.id = (unsigned char)letters[i];
		help_line(out, &o);
	}
	return true;
}

/* The help text: usage, the options from the table, the footer. */
static void cmd_help(const struct ib_cmd *cmd, FILE *out)
{
	fputs(cmd->usage, out);
	bool headed = cmd->nopts > 0 && cmd->opts[0].id == 0 && cmd->opts[0].help;
	if (!headed)
		fputs("\nOptions:\n", out);
	bool std_done = false;
	for (size_t i = 0; i < cmd->nopts; i++) {
		const struct ib_opt *o = &cmd->opts[i];
		if (o->id == 0 && !o->help)
			std_done = std_help_lines(cmd, out);
		else if (o->id == 0)
			fprintf(out, "\n%s\n", o->help);
		else if (!(o->flags & IB_OPT_HIDDEN))
			help_line(out, o);
	}
	if (!std_done)
		std_help_lines(cmd, out);
	if (cmd->footer)
		fprintf(out, "\n%s", cmd->footer);
}
