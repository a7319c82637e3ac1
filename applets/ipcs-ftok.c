/* ipcs --ftok-scan: the files behind System V keys (ipcs-ftok.h). */
#include "ipcs-ftok.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/quote.h"

struct file {
	uint32_t low;      /* (st_dev & 0xff) << 16 | (st_ino & 0xffff) */
	dev_t dev;
	ino_t ino;
	size_t order;      /* when it was found */
};

struct ib_ftok {
	struct file *f;
	char **paths;      /* paths[i] is f[i]'s, until sorted; then by match */
	size_t n, cap;
	bool sorted;
};

struct ib_ftok *ib_ftok_new(void)
{
	return calloc(1, sizeof(struct ib_ftok));
}

static bool add_file(struct ib_ftok *t, const char *path, const struct stat *st)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct file *nf = realloc(t->f, ncap * sizeof *nf);
		if (!nf)
			return false;
		t->f = nf;
		char **np = realloc(t->paths, ncap * sizeof *np);
		if (!np)
			return false;
		t->paths = np;
		t->cap = ncap;
	}
	char *p = strdup(path);
	if (!p)
		return false;
	t->f[t->n] = (struct file){ (uint32_t)((st->st_dev & 0xff) << 16 | (st->st_ino & 0xffff)),
				    st->st_dev, st->st_ino, t->n };
	t->paths[t->n++] = p;
	t->sorted = false;
	return true;
}

/* The entries of directory FD (named PATH), and with RECURSIVE those below. */
static void add_entries(struct ib_ftok *t, int fd, const char *path, bool recursive)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		ib_warn_sys(errno, "--ftok-scan: cannot read %s", ib_quote(path));
		close(fd);
		return;
	}
	struct dirent *e;
	size_t plen = strlen(path);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		size_t len = plen + strlen(e->d_name) + 2;
		char *sub = malloc(len);
		if (!sub)
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
		snprintf(sub, len, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/", e->d_name);
		struct stat st, lst;
		/* ftok follows links; a dangling one makes no key */
		if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && !add_file(t, sub, &st))
			ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
		if (recursive && fstatat(dirfd(d), e->d_name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(lst.st_mode)) {
			int sfd = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd < 0)
				ib_warn_sys(errno, "--ftok-scan: cannot read %s", ib_quote(sub));
			else
				add_entries(t, sfd, sub, true);
		}
		free(sub);
	}
	closedir(d);
}

bool ib_ftok_add(struct ib_ftok *t, const char *dir, bool recursive)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		ib_warn_sys(errno, "--ftok-scan: cannot read %s", ib_quote(dir));
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (!add_file(t, dir, &st))
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
	add_entries(t, fd, dir, recursive);
	return true;
}

/* By low bits, then file, then the order found: a file's first path leads. */
static int by_low(const void *a, const void *b)
{
	const struct file *x = a, *y = b;
	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Sorted by low bits, each file once (its first path), paths in that order. */
static void sort(struct ib_ftok *t)
{
	qsort(t->f, t->n, sizeof *t->f, by_low);
	char **paths = malloc((t->n ? t->n : 1) * sizeof *paths);
	if (!paths)
		ib_die_sys(IB_EXIT_FAIL, ENOMEM, "--ftok-scan");
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (n && t->f[n - 1].dev == t->f[i].dev && t->f[n - 1].ino == t->f[i].ino) {
			free(t->paths[t->f[i].order]);
			continue;
		}
		paths[n] = t->paths[t->f[i].order];
		t->f[n++] = t->f[i];
	}
	/* a collision's candidates in the order found */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && t->f[j].low == t->f[i].low; j++)
			;
		for (size_t a = i + 1; a < j; a++)
			for (size_t b = a; b > i && t->f[b - 1].order > t->f[b].order; b--) {
				struct file tf = t->f[b];
				char *tp = paths[b];
				t->f[b] = t->f[b - 1];
				paths[b] = paths[b - 1];
				t->f[b - 1] = tf;
				paths[b - 1] = tp;
			}
	}
	free(t->paths);
	t->paths = paths;
	t->n = n;
	t->sorted = true;
}

struct ib_ftok_match ib_ftok_find(struct ib_ftok *t, key_t key)
{
	uint32_t k = (uint32_t)key, low = k & 0xffffff;
	struct ib_ftok_match m = { NULL, 0, k >> 24 };
	if (!t->sorted)
		sort(t);
	if (m.proj == 0)
		return m;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->f[mid].low < low)
			lo = mid + 1;
		else
			hi = mid;
	}
	m.paths = (const char *const *)t->paths + lo;
	while (lo + m.n < t->n && t->f[lo + m.n].low == low)
		m.n++;
	return m;
}

const char *ib_ftok_text(const struct ib_ftok_match *m, char *buf, size_t len)
{
	size_t used = 0;
	if (!m->n)
		return "-";
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + used, len - used, "%s%s:%u", i ? "," : "", m->paths[i], m->proj);
		if (n < 0 || (size_t)n >= len - used) {
			if (len >= 4)
				strcpy(buf + len - 4, "...");
			break;
		}
		used += (size_t)n;
	}
	for (char *c = buf; *c; c++) /* keep control characters off the terminal */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return buf;
}

void ib_ftok_json(struct ib_json *j, const struct ib_ftok_match *m)
{
	char buf[PATH_MAX + 8];
	ib_json_open_array(j, "ftok");
	for (size_t i = 0; i < m->n; i++) {
		snprintf(buf, sizeof buf, "%s:%u", m->paths[i], m->proj);
		ib_json_str(j, NULL, buf);
	}
	ib_json_close_array(j);
}

void ib_ftok_free(struct ib_ftok *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->paths[i]);
	free(t->paths);
	free(t->f);
	free(t);
}
