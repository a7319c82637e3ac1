/* Cached uid/gid -> name lookups, and user/group names -> ids (shared by ipcs and
 * ipcrm). util-linux looks a name up once per row: 10,000 rows, 10,000 reads of
 * /etc/passwd. Here each distinct id is looked up once per cache.
 *
 * A cache is the caller's: declare `struct ib_names n = IB_NAMES_INIT;` and
 * ib_names_free(&n) when done. */
#ifndef IPCBOX_NAMES_H
#define IPCBOX_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ib_name_ent;

struct ib_names {
	struct ib_name_ent *users, *groups; /* open-addressing tables */
	size_t ucap, ucount, gcap, gcount;
};
#define IB_NAMES_INIT { NULL, NULL, 0, 0, 0, 0 }

/* The user / group name of an id, or NULL if it has none (or memory ran out).
 * The string lives as long as the cache. */
const char *ib_user_name(struct ib_names *n, uid_t uid);
const char *ib_group_name(struct ib_names *n, gid_t gid);
void ib_names_free(struct ib_names *n);

/* A user given as a name or a decimal uid ("root", "0"). False if neither. */
bool ib_parse_user(const char *s, uid_t *uid);

#endif
