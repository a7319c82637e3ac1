/* A test driver for the ipc core: runs one parser or helper on its arguments and
 * prints the result, so tests/core.bats can check every input class.
 *   coretest u64 BASE MIN MAX STR | i64 MIN MAX STR | size MAX STR | duration STR
 *   coretest mode STR BASE_OCTAL UMASK_OCTAL | key STR | id STR | posix NAME
 *   coretest quote STR | object [OBJECT-OPTIONS] [--open msg|shm|sem [SIZE]]
 *   coretest copy       (stdin to stdout through ib_read_some/ib_write_all)
 *   coretest slurp MAX  (stdin through ib_read_to_end, prints its length)
 *   coretest opts [ARG]...   (ib_args_next over a table of every kind; prints
 *                             one line per option, then the operands)
 *   coretest opts-first|opts-neg [ARG]...  (the same, IB_CMD_FIRST_OPERAND_ENDS
 *                             or IB_CMD_NEGATIVE_OPERANDS)
 * A parse failure prints the reason on stderr and exits 2. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/quote.h"

static uint64_t num(const char *s)
{
	uint64_t v;
	if (ib_parse_u64(s, 0, 0, UINT64_MAX, &v))
		ib_die(2, "bad driver argument '%s'", s);
	return v;
}

static int check(enum ib_parse_err e)
{
	if (e)
		ib_die(2, "%s", ib_parse_strerror(e));
	return 0;
}

static int object(int argc, char **argv)
{
	static const struct ib_opt opts[] = {
		IB_OBJECT_OPTS("object"),
		IB_OPT('O', "open", TEXT, "KIND", "open it: msg, shm or sem"),
	};
	static const struct ib_cmd cmd = { .usage = "Usage: coretest object OBJECT\n",
					   .opts = opts, .nopts = IB_NELEM(opts) };
	struct ib_object o;
	struct ib_args args;
	const char *open_kind = NULL;
	int opt;
	ib_object_init(&o);
	ib_args_init(&args, &cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1)
		if (!ib_object_arg(&o, &args) && opt == 'O')
			open_kind = args.arg;
	if (!ib_object_check(&o, true))
		return IB_EXIT_FAIL;
	char label[64];
	printf("%s create=%d exclusive=%d mode=%04o\n", ib_object_label(&o, label, sizeof label),
	       o.create, o.exclusive, (unsigned)o.mode);
	if (open_kind) {
		enum ib_kind k = strcmp(open_kind, "msg") == 0 ? IB_MSGQ
			       : strcmp(open_kind, "shm") == 0 ? IB_SHM : IB_SEM;
		size_t size = args.nops > 0 ? (size_t)num(args.ops[0]) : 0;
		bool created;
		int id = ib_sysv_open(&o, k, size, 0600, &created);
		if (id < 0)
			return 1;
		printf("id=%d created=%d\n", id, created);
	}
	return 0;
}

/* A table with an option of each kind, for the parser's tests. */
enum { OPT_PEEK = 0x100, OPT_TEXT, OPT_STOP };
static const struct ib_opt test_opts[] = {
	IB_HEADING("Test:"),
	IB_OPT('n', "no-wait", NONE, NULL, "flag with an alias", .alias = "nowait", .excl = 1),
	IB_OPT('w', "wait", DURATION, "DURATION", "a duration", .excl = 1),
	IB_OPT('C', "count", COUNT, "N", "a count from 1 to 10", .min = 1, .max = 10),
	IB_OPT('t', "type", INT, "TYPE", "a signed number"),
	IB_OPT('s', "size", SIZE, "SIZE", "a size"),
	IB_OPT('m', "mode", MODE, "MODE", "a mode"),
	IB_OPT('k', "key", KEY, "KEY", "a key"),
	IB_OPT('a', "all", CHOICE, "KIND", "an optional choice", .choices = "msg|shm|sem",
	       .flags = IB_OPT_OPTARG),
	IB_OPT(OPT_PEEK, "peek", COUNT, "INDEX", "an optional count", .flags = IB_OPT_OPTARG),
	IB_OPT(OPT_TEXT, "text", TEXT, "TEXT", "any text"),
	IB_OPT(OPT_STOP, "stop", NONE, NULL, "the next operand ends the options"),
	IB_OPT('v', NULL, NONE, NULL, "a short-only flag"),
};

static int opts(int argc, char **argv, unsigned flags)
{
	const struct ib_cmd cmd = {
		.usage = "Usage: coretest opts [OPTION]... [OPERAND]...\n",
		.opts = test_opts, .nopts = IB_NELEM(test_opts), .flags = flags,
	};
	struct ib_args a;
	int id;
	ib_args_init(&a, &cmd, argc, argv);
	while ((id = ib_args_next(&a)) != -1) {
		char name[80];
		printf("%s (%s)", ib_opt_name(a.opt, name, sizeof name), a.as_written);
		if (a.arg)
			printf(" '%s'", a.arg);
		switch (a.opt->kind) {
		case IB_ARG_NONE: case IB_ARG_TEXT: break;
		case IB_ARG_INT: printf(" %" PRId64, a.i); break;
		case IB_ARG_MODE: printf(" %04o", (unsigned)a.mode); break;
		case IB_ARG_KEY: printf(" 0x%08x", (unsigned)a.key); break;
		default: printf(" %" PRIu64, a.u); break;
		}
		putchar('\n');
		if (id == OPT_STOP)
			a.stop = true;
	}
	for (int i = 0; i < a.nops; i++)
		printf("operand '%s'\n", a.ops[i]);
	return 0;
}

static int copy(void)
{
	char buf[4096];
	ssize_t n;
	while ((n = ib_read_some(0, buf, sizeof buf)) > 0)
		if (ib_write_all(1, buf, (size_t)n, NULL) != 0)
			ib_die_sys(1, errno, "write");
	if (n < 0)
		ib_die_sys(1, errno, "read");
	return 0;
}

int main(int argc, char **argv)
{
	ib_set_prog("coretest");
	if (argc < 2)
		ib_die(2, "no command");
	const char *cmd = argv[1];
	uint64_t u;
	int64_t i;
	if (strcmp(cmd, "u64") == 0 && argc == 6) {
		check(ib_parse_u64(argv[5], (int)num(argv[2]), num(argv[3]), num(argv[4]), &u));
		printf("%" PRIu64 "\n", u);
	} else if (strcmp(cmd, "i64") == 0 && argc == 5) {
		int64_t lo = strtoll(argv[2], NULL, 10), hi = strtoll(argv[3], NULL, 10);
		check(ib_parse_i64(argv[4], lo, hi, &i));
		printf("%" PRId64 "\n", i);
	} else if (strcmp(cmd, "size") == 0 && argc == 4) {
		check(ib_parse_size(argv[3], num(argv[2]), &u));
		printf("%" PRIu64 "\n", u);
	} else if (strcmp(cmd, "duration") == 0 && argc == 3) {
		check(ib_parse_duration(argv[2], &u));
		printf("%" PRIu64 "\n", u);
	} else if (strcmp(cmd, "mode") == 0 && argc == 5) {
		mode_t m;
		if (!ib_parse_mode(argv[2], (mode_t)strtoul(argv[3], NULL, 8),
				   (mode_t)strtoul(argv[4], NULL, 8), &m))
			ib_die(2, "invalid mode");
		printf("%04o\n", (unsigned)m);
	} else if (strcmp(cmd, "key") == 0 && argc == 3) {
		key_t k;
		if (!ib_parse_key(argv[2], &k))
			ib_die(2, "invalid key");
		printf("0x%08x\n", (unsigned)k);
	} else if (strcmp(cmd, "id") == 0 && argc == 3) {
		int id;
		if (!ib_parse_id(argv[2], &id))
			ib_die(2, "invalid id");
		printf("%d\n", id);
	} else if (strcmp(cmd, "posix") == 0 && argc == 3) {
		const char *why = ib_posix_name_error(argv[2]);
		if (why)
			ib_die(2, "%s", why);
		puts("ok");
	} else if (strcmp(cmd, "quote") == 0 && argc == 3) {
		puts(ib_quote(argv[2]));
	} else if (strcmp(cmd, "object") == 0) {
		return ib_finish(object(argc - 1, argv + 1));
	} else if (strcmp(cmd, "opts") == 0) {
		return ib_finish(opts(argc - 1, argv + 1, 0));
	} else if (strcmp(cmd, "opts-first") == 0) {
		return ib_finish(opts(argc - 1, argv + 1, IB_CMD_FIRST_OPERAND_ENDS));
	} else if (strcmp(cmd, "opts-neg") == 0) {
		return ib_finish(opts(argc - 1, argv + 1, IB_CMD_NEGATIVE_OPERANDS));
	} else if (strcmp(cmd, "copy") == 0) {
		return ib_finish(copy());
	} else if (strcmp(cmd, "slurp") == 0 && argc == 3) {
		char *buf;
		size_t len;
		if (ib_read_to_end(0, (size_t)num(argv[2]), &buf, &len) != 0)
			ib_die_sys(1, errno, "read");
		printf("%zu\n", len);
		free(buf);
	} else {
		ib_die(2, "unknown command or wrong arguments");
	}
	return ib_finish(0);
}
