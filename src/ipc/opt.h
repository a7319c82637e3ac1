/* One declaration per option. An applet describes its command line once, in a
 * struct ib_cmd with a table of struct ib_opt; from it the core
 *   - parses argv (ib_args_next), every argument kind with one parser and one
 *     message ("invalid --wait '5x': expected a duration like 2, 1.5s or 250ms"),
 *   - answers --help (the OPTIONS part is made from the table, wrapped at 80
 *     columns) and --version,
 *   - completes words for the shells (ipcbox --complete, src/ipc/complete.c).
 * Nothing else lists an applet's options; the man pages are checked against the
 * tables by tests/docs.bats.
 *
 * Argument order is the same for every applet: options and operands may be mixed
 * (operands keep their order), "--" ends the options, "-" alone is an operand.
 * IB_CMD_FIRST_OPERAND_ENDS makes the first operand end the options (pipeline),
 * and an applet may set args.stop during parsing to do the same from there on
 * (semop --hold); so does POSIXLY_CORRECT in the environment, as with getopt_long.
 * Long options may be abbreviated to any unique prefix, as with
 * getopt_long, whose messages for unknown options are kept word for word. */
#ifndef IPCBOX_OPT_H
#define IPCBOX_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ipc/kind.h"

/* What an option's argument (or an applet's operands) is: how it is parsed and
 * how the shells complete it. */
enum ib_argkind {
	IB_ARG_NONE,     /* a flag: no argument */
	IB_ARG_TEXT,     /* any text, kept as written (args.arg) */
	IB_ARG_COUNT,    /* a whole number, decimal or 0x hex, in [min, max] (args.u) */
	IB_ARG_INT,      /* a signed decimal number in [min, max] (args.i) */
	IB_ARG_SIZE,     /* bytes: 4096, 0x1000, 64K, 1MiB, 1MB, in [min, max] (args.u) */
	IB_ARG_DURATION, /* 2, 1.5s, 250ms, 1m, 1h, 1d (args.u: nanoseconds) */
	IB_ARG_MODE,     /* permissions: octal or symbolic relative to 0600 (args.mode) */
	IB_ARG_KEY,      /* a System V key: decimal, 0x hex or 0 octal (args.key) */
	IB_ARG_ID,       /* a System V identifier (args.id) */
	IB_ARG_FTOK,     /* PATH[:PROJ], resolved by the object code (args.arg) */
	IB_ARG_POSIX,    /* a POSIX IPC name, /NAME, checked (args.arg) */
	IB_ARG_PATH,     /* a file name (args.arg) */
	IB_ARG_USER,     /* a user name or uid (args.arg) */
	IB_ARG_GROUP,    /* a group name or gid (args.arg) */
	IB_ARG_ADDR,     /* a socket address, TYPE:... (args.arg) */
	IB_ARG_CHOICE,   /* one word of choices, "a|b|c" (args.u: its index) */
	IB_ARG_LIST,     /* NAME,NAME,... with an optional leading '+', parsed by the
	                  * applet (args.arg); the shells complete each NAME from .words */
	IB_ARG_SIGNAL,   /* a signal name or number (args.arg) */
	IB_ARG_COMMAND,  /* operands only: a command and its arguments */
};

enum {
	IB_OPT_OPTARG = 1 << 0, /* the argument is optional and only given as --name=ARG
	                         * or attached to the letter, -aARG (getopt's "a::") */
	IB_OPT_HIDDEN = 1 << 1, /* parsed, but neither in --help nor completed */
	IB_OPT_RAW = 1 << 2,    /* the kind names the argument for help and completion
	                         * but the applet parses args.arg itself (a drop-in
	                         * keeping its peer's messages and order of checks) */
	IB_OPT_DROPS_ARG = 1 << 3, /* takes no argument once the applet has set
	                            * args.drop_args (ipcrm -m ID, but -m with a filter) */
};

struct ib_opt {
	int id;               /* what ib_args_next returns: the short letter, or a value
	                       * of 0x100 and up for a long-only option; 0 makes this
	                       * entry a heading (help is its text) */
	const char *name;     /* the long name, or NULL */
	enum ib_argkind kind;
	const char *metavar;  /* the argument's name in --help ("DURATION") */
	const char *help;     /* one line of help; the core wraps it */
	int64_t min, max;     /* COUNT, INT, SIZE: the accepted range (both 0: any) */
	const char *alias;    /* a second long name, or NULL ("nowait" for "no-wait") */
	const char *choices;  /* CHOICE: "short|full|iso" */
	const char *(*words)(size_t i); /* LIST: the names it takes, one per I from 0,
	                                 * then NULL (for completion) */
	unsigned excl;        /* options sharing a bit here exclude each other */
	unsigned kinds;       /* KEY, ID, POSIX: which kinds of object it names, for
	                       * completion (IB_KIND_BIT; 0: the command's) */
	unsigned flags;       /* IB_OPT_* */
};

/* A table entry: IB_OPT('w', "wait", DURATION, "DURATION", "wait at most ...")
 * with any further fields designated: IB_OPT(..., .min = 1, .max = 255). */
#define IB_OPT(id_, name_, kind_, metavar_, help_, ...) \
	{ .id = (id_), .name = (name_), .kind = IB_ARG_##kind_, .metavar = (metavar_), \
	  .help = (help_), __VA_ARGS__ }
#define IB_HEADING(text) { .id = 0, .help = (text) }
/* Where --help and --version go in --help (by default after the last entry). */
#define IB_STD_OPTS { .id = 0, .help = NULL }
#define IB_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The object-selecting options of HACKING.md, in the words of an applet whose
 * object is a NOUN ("queue", "segment", "set"). Their ids are the letters, handed
 * to ib_object_arg(). */
#define IB_OBJECT_OPTS(noun) \
	IB_OPT('k', "key", KEY, "KEY", "System V " noun " with this key"), \
	IB_OPT('i', "id", ID, "ID", "System V " noun " with this identifier"), \
	IB_OPT('f', "ftok", FTOK, "PATH[:PROJ]", \
	       "System V " noun " with the key ftok(3) makes of PATH"), \
	IB_OPT('P', "posix", POSIX, "/NAME", "POSIX " noun " /NAME"), \
	IB_OPT('c', "create", NONE, NULL, "create the " noun " if it does not exist"), \
	IB_OPT('x', "exclusive", NONE, NULL, "with -c: fail if it exists"), \
	IB_OPT('m', "mode", MODE, "MODE", \
	       "permissions of a created " noun ": octal or like u=rw,g=r (default 0600)")

enum {
	IB_CMD_FIRST_OPERAND_ENDS = 1 << 0, /* options stop at the first operand */
	IB_CMD_NEGATIVE_OPERANDS = 1 << 1,  /* a word like -1 or -2.5 is an operand */
};

struct ib_cmd {
	const char *usage;          /* "Usage: ..." lines and a line or two of what it
	                             * does; printed before the options */
	const struct ib_opt *opts;
	size_t nopts;
	const char *footer;         /* printed after the options (exit status ...) */
	unsigned flags;             /* IB_CMD_* */
	int usage_status;           /* exit status of a usage error: 0 means 2; the
	                             * drop-ins keep their peer's 1 */
	unsigned kinds;             /* the applet's kinds of object (msgsnd:
	                             * IB_KIND_BIT(IB_MSGQ); 0: any) */
	enum ib_argkind operands;   /* what operands are, for completion (NONE: none) */
	enum ib_argkind dashdash;   /* what follows "--", if not more operands: COMMAND
	                             * for an applet that runs one (sockcat -e, semop) */
	char help_short, version_short; /* letters that also mean --help and --version
	                                 * (util-linux's -h and -V), or 0 */
};

/* The parser's state, and the option it has just returned. */
struct ib_args {
	const struct ib_cmd *cmd;
	int argc;
	char **argv;
	int next;                /* the next word of argv to look at */
	const char *cluster;     /* the rest of a cluster of short options, or NULL */
	bool stop;               /* set by the applet: the next operand ends the options */
	bool drop_args;          /* set by the applet: IB_OPT_DROPS_ARG options take no
	                          * argument from here on */
	/* The option just returned: */
	const struct ib_opt *opt;
	const char *as_written;  /* "--wait", "-w", "--wa" */
	const char *arg;         /* its argument as written, or NULL */
	uint64_t u;              /* COUNT, SIZE, DURATION, CHOICE */
	int64_t i;               /* INT */
	mode_t mode;             /* MODE */
	key_t key;               /* KEY */
	int id;                  /* ID */
	/* Operands, in order, after the last call: */
	char **ops;
	int nops;
	unsigned seen_excl;      /* excl bits of options seen so far */
	const struct ib_opt *excl_by[32]; /* which option set each of those bits */
	char written[3];         /* "-w": the spelling of a short option */
};

/* Starts parsing ARGV (ARGV[0] is the program). a->ops is allocated here and
 * lives until exit (the applet need not free it). */
void ib_args_init(struct ib_args *a, const struct ib_cmd *cmd, int argc, char **argv);

/* The next option's id, with its argument parsed into A; -1 when the options are
 * done, with every operand in a->ops. --help and --version are answered here; an
 * unknown option, a missing or malformed argument, or two options that exclude
 * each other are a usage error (one line, the "Try" line, exit usage_status). */
int ib_args_next(struct ib_args *a);

/* Whether option ID is among the words not parsed yet (before "--"), as the
 * parser will read them; nothing is parsed or reported. For a drop-in whose peer
 * looks ahead (ipcs -i NAME, a POSIX name only if --posix comes, else a bad id
 * reported before anything that follows). */
bool ib_args_ahead(const struct ib_args *a, int id);

/* A usage error about the current option's argument, in the one format:
 * "invalid --wait '5x': expected ..." (WHAT completes "expected"). */
_Noreturn void ib_args_invalid(const struct ib_args *a, const char *what, ...)
	__attribute__((format(printf, 2, 3)));

/* Looks up an option by its id (NULL if the table has none). */
const struct ib_opt *ib_cmd_find(const struct ib_cmd *cmd, int id);

/* How an option is named in messages: "--wait" or "-w". */
const char *ib_opt_name(const struct ib_opt *o, char *buf, size_t len);

#endif
