/* Cached uid/gid -> name lookups. */
#include "ipc/names.h"

#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/parse.h"

struct ib_name_ent {
	unsigned id;
	bool used;
	char *name; /* NULL: the id has no name */
};

static size_t slot(unsigned id, size_t cap)
{
	return (size_t)((id * 2654435761u) & (unsigned)(cap - 1));
}

/* Finds ID in the table, adding it with LOOKUP's answer if it is not there. */
static const char *cached(struct ib_name_ent **tab, size_t *cap, size_t *count, unsigned id,
			  bool is_user)
{
	if (*count * 2 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct ib_name_ent *nt = calloc(ncap, sizeof *nt);
		if (!nt)
			return NULL;
		for (size_t i = 0; i < *cap; i++) {
			if (!(*tab)[i].used)
				continue;
			size_t j = slot((*tab)[i].id, ncap);
			while (nt[j].used)
				j = (j + 1) & (ncap - 1);
			nt[j] = (*tab)[i];
		}
		free(*tab);
		*tab = nt;
		*cap = ncap;
	}
	size_t j = slot(id, *cap);
	while ((*tab)[j].used) {
		if ((*tab)[j].id == id)
			return (*tab)[j].name;
		j = (j + 1) & (*cap - 1);
	}
	const char *name = NULL;
	if (is_user) {
		struct passwd *pw = getpwuid((uid_t)id);
		if (pw)
			name = pw->pw_name;
	} else {
		struct group *gr = getgrgid((gid_t)id);
		if (gr)
			name = gr->gr_name;
	}
	(*tab)[j].used = true;
	(*tab)[j].id = id;
	(*tab)[j].name = name ? strdup(name) : NULL;
	(*count)++;
	return (*tab)[j].name;
}

const char *ib_user_name(struct ib_names *n, uid_t uid)
{
	return cached(&n->users, &n->ucap, &n->ucount, (unsigned)uid, true);
}

const char *ib_group_name(struct ib_names *n, gid_t gid)
{
	return cached(&n->groups, &n->gcap, &n->gcount, (unsigned)gid, false);
}

void ib_names_free(struct ib_names *n)
{
	for (size_t i = 0; i < n->ucap; i++)
		free(n->users[i].name);
	for (size_t i = 0; i < n->gcap; i++)
		free(n->groups[i].name);
	free(n->users);
	free(n->groups);
	memset(n, 0, sizeof *n);
}

bool ib_parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return true;
	}
	uint64_t v;
	if (ib_parse_u64(s, 10, 0, UINT32_MAX - 1, &v) != IB_PARSE_OK)
		return false;
	*uid = (uid_t)v;
	return true;
}
