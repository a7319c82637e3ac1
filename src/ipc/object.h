/* Selecting an IPC object: the -k/-i/-f/-P/-c/-x/-m options of HACKING.md,
 * parsed once here and resolved to a System V id or a POSIX name.
 *
 * An applet puts IB_OBJECT_OPTS (opt.h) into its option table, hands every option
 * to ib_object_arg() first, calls ib_object_check() after the loop, then
 * ib_sysv_open() (or uses o.name for POSIX). */
#ifndef IPCBOX_OBJECT_H
#define IPCBOX_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipc/kind.h"

enum ib_select { IB_SEL_NONE, IB_SEL_KEY, IB_SEL_ID, IB_SEL_POSIX };

struct ib_object {
	enum ib_select sel;
	key_t key;         /* IB_SEL_KEY: from -k or -f */
	int id;            /* IB_SEL_ID */
	const char *name;  /* IB_SEL_POSIX: "/NAME" */
	bool create;       /* -c */
	bool exclusive;    /* -x */
	bool mode_given;   /* -m was given */
	bool create_only;  /* --create-only: create (or open) it, print its id, stop */
	mode_t mode;       /* -m, default 0600 */
	const char *ftok_arg; /* -f's PATH (FTOK_LEN bytes) until ib_object_check */
	size_t ftok_len;
	int ftok_proj;
};

#define IB_DEFAULT_MODE 0600

void ib_object_init(struct ib_object *o);

/* The id of --create-only, for applets that offer it (IB_OBJECT_CREATE_ONLY). */
enum { IB_OPT_CREATE_ONLY = 0x1f0 };
#define IB_OBJECT_CREATE_ONLY(noun) \
	IB_OPT(IB_OPT_CREATE_ONLY, "create-only", NONE, NULL, \
	       "create the " noun " (or, without -x, open it), print its id and stop")

/* A System V object that nothing could find again unless told: one this run created
 * with key 0 (IPC_PRIVATE), and any object under --create-only. Prints ID on stdout
 * then (as JSON {"id": ID} with JSON), and returns whether the applet stops here
 * (--create-only). */
bool ib_object_announce(const struct ib_object *o, int id, bool json);

struct ib_args;
/* Takes the option the table parser (opt.h) has returned if it is an object option
 * (IB_OBJECT_OPTS, IB_OBJECT_CREATE_ONLY), its argument already checked, and
 * returns true; false for any other option. */
bool ib_object_arg(struct ib_object *o, const struct ib_args *a);

/* After option parsing: exactly one of -k/-i/-f/-P, -x only with -c, -c not with -i,
 * -m only with -c, -P only if POSIX_OK; a usage error (exit 2) otherwise. Then makes
 * -f's key: false after one line ("ftok PATH: No such file or directory") if
 * ftok(3) cannot use the path (the applet exits 1). */
bool ib_object_check(struct ib_object *o, bool posix_ok);

/* Parsers shared with applets that take keys and ids as operands (ipcrm, ipcs -i).
 * They return false on malformed input and print nothing. */
bool ib_parse_key(const char *s, key_t *key);
bool ib_parse_id(const char *s, int *id);
/* A POSIX IPC name: a leading slash, no other, 1..NAME_MAX characters after it,
 * not "." or "..". Returns NULL if valid, else why not. */
const char *ib_posix_name_error(const char *name);

/* How messages name the object: "key 0x0000162e", "id 5" or "/NAME". */
const char *ib_object_label(const struct ib_object *o, char *buf, size_t len);

/* Opens the System V object O selects (creating it with -c): msgget, or shmget
 * with SIZE bytes, or semget with SIZE semaphores (SIZE 0: any, when opening).
 * ACCESS is what the caller will do, as mode bits: 0400 read, 0200 write (0600
 * both; 0 for none); opening an existing object checks it, so permission denied is
 * reported here and not half-way through.
 * Returns the id, setting *CREATED if this call made it; on failure prints one line
 * ("no message queue with key 0x0000162e", or the system error) and returns -1.
 * With -i it checks that the id exists (IPC_STAT; no read permission is not an
 * error here, the operation itself will report it). */
int ib_sysv_open(const struct ib_object *o, enum ib_kind kind, size_t size, int access,
		 bool *created);

#endif
