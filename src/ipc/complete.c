/* Shell completion from the option tables: `ipcbox --complete APPLET WORD... CUR`
 * prints what may stand at CUR. The shells' scripts (completions/) are thin: they
 * pass the words and act on the first line, which says how to complete:
 *   words          the candidates follow, one a line
 *   files PREFIX   file names, each after PREFIX (often empty: "files ")
 *   users, groups  user or group names
 *   command N      a command line starting at word N of the words given
 *                  (0 = the first word after APPLET): complete it as the shell
 *                  completes any command
 * Nothing here is typed twice: options, their kinds and the object kinds all come
 * from the applet's struct ib_cmd. */
#include "ipc/complete.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void word(const char *cur, const char *prefix, const char *w)
{
	size_t pl = strlen(prefix);
	if (strncmp(cur, prefix, pl) == 0 && starts(w, cur + pl))
		printf("%s%s\n", prefix, w);
}

/* Live System V keys or ids of a kind, from /proc/sysvipc (columns: key, id). */
static void sysv_words(const char *cur, const char *prefix, unsigned kinds, bool ids)
{
	static const char *const files[] = { [IB_MSGQ] = "msg", [IB_SHM] = "shm", [IB_SEM] = "sem" };
	for (int k = 0; k < IB_NKINDS; k++) {
		if (!(kinds & IB_KIND_BIT(k)))
			continue;
		char path[64], line[512];
		snprintf(path, sizeof path, "/proc/sysvipc/%s", files[k]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(line, sizeof line, f)) { /* the header */
			long long key;
			int id;
			while (fgets(line, sizeof line, f))
				if (sscanf(line, "%lld %d", &key, &id) == 2 && (ids || key != 0)) {
					char w[32];
					if (ids)
						snprintf(w, sizeof w, "%d", id);
					else
						snprintf(w, sizeof w, "0x%08x", (unsigned)key);
					word(cur, prefix, w);
				}
		}
		fclose(f);
	}
}

/* POSIX names: queues in /dev/mqueue, segments and semaphores (sem.NAME) in /dev/shm;
 * for all kinds (ipcs, ipcrm), the file names in /dev/shm as they are. */
static void posix_words(const char *cur, const char *prefix, unsigned kinds)
{
	bool any = kinds == IB_ALL_KINDS;
	if (kinds & IB_KIND_BIT(IB_MSGQ)) {
		DIR *d = opendir("/dev/mqueue");
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			char w[300];
			if (e->d_name[0] != '.') {
				snprintf(w, sizeof w, "/%s", e->d_name);
				word(cur, prefix, w);
			}
		}
		if (d)
			closedir(d);
	}
	if (kinds & (IB_KIND_BIT(IB_SHM) | IB_KIND_BIT(IB_SEM))) {
		DIR *d = opendir("/dev/shm");
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			bool sem = starts(e->d_name, "sem.");
			char w[300];
			if (e->d_name[0] == '.' || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
				continue;
			if (any || (kinds & IB_KIND_BIT(sem ? IB_SEM : IB_SHM))) {
				snprintf(w, sizeof w, "/%s", sem && !any ? e->d_name + 4 : e->d_name);
				word(cur, prefix, w);
			}
		}
		if (d)
			closedir(d);
	}
}

static void address_words(const char *cur)
{
	static const char *const types[] = { "tcp:", "tcp4:", "tcp6:", "udp:", "udp4:", "udp6:",
					     "unix:", "unix-dgram:", "unix-seqpacket:", "pty:" };
	for (size_t i = 0; i < IB_NELEM(types); i++)
		if (starts(cur, types[i]) && (starts(types[i], "unix") || starts(types[i], "pty"))) {
			printf("files %s\n", types[i]);
			return;
		}
	puts("words");
	for (size_t i = 0; i < IB_NELEM(types); i++)
		word(cur, "", types[i]);
}

/* A LIST value, NAME,NAME,...: the last NAME completed from the option's words,
 * after what comes before it (a leading '+' kept), leaving out the names the list
 * already has (in any case, as the applet reads them). CUR starts with PREFIX ("--output=" or nothing). */
static void list_words(const struct ib_opt *o, const char *prefix, const char *cur)
{
	size_t pl = strlen(prefix);
	if (!o || !o->words || strncmp(cur, prefix, pl) != 0)
		return;
	const char *list = cur + pl;
	const char *last = strrchr(list, ',');
	last = last ? last + 1 : list + (list[0] == '+');
	char head[1024];
	if (snprintf(head, sizeof head, "%s%.*s", prefix, (int)(last - list), list) >= (int)sizeof head)
		return;
	const char *w;
	for (size_t i = 0; (w = o->words(i)) != NULL; i++) {
		size_t len = strlen(w);
		bool listed = false;
		for (const char *p = list + (list[0] == '+'); p < last && !listed; p += strcspn(p, ",") + 1)
			listed = strcspn(p, ",") == len && strncasecmp(p, w, len) == 0;
		if (!listed)
			word(cur, head, w);
	}
}

/* Completes CUR as a value of KIND (for option O, or operands when O is NULL), each
 * candidate after PREFIX ("--wait=" when the value shares the option's word). */
static void value_words(const struct ib_cmd *cmd, const struct ib_opt *o, enum ib_argkind kind,
			const char *prefix, const char *cur)
{
	unsigned kinds = o && o->kinds ? o->kinds : cmd->kinds;
	if (!kinds)
		kinds = IB_ALL_KINDS;
	switch (kind) {
	case IB_ARG_PATH:
	case IB_ARG_FTOK:
		printf("files %s\n", prefix);
		return;
	case IB_ARG_USER:
		puts("users");
		return;
	case IB_ARG_GROUP:
		puts("groups");
		return;
	case IB_ARG_ADDR:
		if (!*prefix) {
			address_words(cur);
			return;
		}
		break;
	default:
		break;
	}
	puts("words");
	switch (kind) {
	case IB_ARG_KEY:
	case IB_ARG_ID:
		sysv_words(cur, prefix, kinds, kind == IB_ARG_ID);
		break;
	case IB_ARG_POSIX:
		posix_words(cur, prefix, kinds);
		break;
	case IB_ARG_MODE: {
		static const char *const modes[] = { "0600", "0640", "0644", "0660", "0666" };
		for (size_t i = 0; i < IB_NELEM(modes); i++)
			word(cur, prefix, modes[i]);
		break;
	}
	case IB_ARG_CHOICE:
		for (const char *c = o->choices; *c;) {
			char w[64];
			size_t len = strcspn(c, "|");
			snprintf(w, sizeof w, "%.*s", (int)len, c);
			word(cur, prefix, w);
			c += len + (c[len] == '|');
		}
		break;
	case IB_ARG_LIST:
		list_words(o, prefix, cur);
		break;
	case IB_ARG_SIGNAL:
		for (int sig = 1; sig < NSIG; sig++) {
			char name[32];
			if (strncmp(ib_signal_name(sig, name, sizeof name), "SIG", 3) == 0)
				word(cur, prefix, name + 3);
		}
		break;
	default:
		break;
	}
}

static void option_words(const struct ib_cmd *cmd, const char *cur)
{
	puts("words");
	for (size_t i = 0; i < cmd->nopts; i++) {
		const struct ib_opt *o = &cmd->opts[i];
		if (o->id == 0 || (o->flags & IB_OPT_HIDDEN))
			continue;
		char w[128];
		if (o->name) {
			bool eq = o->kind != IB_ARG_NONE;
			snprintf(w, sizeof w, "--%s%s", o->name, eq ? "=" : "");
			word(cur, "", w);
		}
		if (o->alias) {
			snprintf(w, sizeof w, "--%s%s", o->alias, o->kind != IB_ARG_NONE ? "=" : "");
			word(cur, "", w);
		}
		if (o->id < 0x100 && !starts(cur, "--")) {
			snprintf(w, sizeof w, "-%c", o->id);
			word(cur, "", w);
		}
	}
	word(cur, "", "--help");
	word(cur, "", "--version");
	char w[3] = "-?";
	for (int k = 0; k < 2 && !starts(cur, "--"); k++) {
		w[1] = k ? cmd->version_short : cmd->help_short;
		if (w[1])
			word(cur, "", w);
	}
}

/* The option a word names (exact or unique prefix, up to '='), or NULL. */
static const struct ib_opt *lookup(const struct ib_cmd *cmd, const char *w)
{
	const struct ib_opt *hit = NULL;
	if (w[0] != '-' || w[1] == '\0')
		return NULL;
	if (w[1] != '-') {
		/* The last letter of a cluster is the one that may take the next word. */
		for (const char *p = w + 1; *p; p++) {
			const struct ib_opt *o = ib_cmd_find(cmd, (unsigned char)*p);
			if (!o)
				return NULL;
			if (o->kind != IB_ARG_NONE)
				return p[1] ? NULL : o;
			hit = o;
		}
		return hit;
	}
	size_t len = strcspn(w + 2, "=");
	int hits = 0;
	for (size_t i = 0; i < cmd->nopts; i++) {
		const struct ib_opt *o = &cmd->opts[i];
		const char *names[2] = { o->name, o->alias };
		for (int k = 0; k < 2; k++) {
			if (!names[k] || o->id == 0 || strncmp(names[k], w + 2, len) != 0)
				continue;
			if (names[k][len] == '\0')
				return o;
			if (hit != o)
				hits++;
			hit = o;
		}
	}
	return hits == 1 ? hit : NULL;
}

/* Whether option word W, naming O, takes the next word as its argument. */
static bool takes_next(const struct ib_opt *o, const char *w)
{
	return o && o->kind != IB_ARG_NONE && !(o->flags & IB_OPT_OPTARG) && !strchr(w, '=');
}

void ib_complete(const struct ib_cmd *cmd, int nwords, char **words)
{
	const char *cur = nwords > 0 ? words[nwords - 1] : "";
	bool options = true;
	for (int i = 0; i < nwords - 1; i++) {
		const char *w = words[i];
		if (!options)
			continue;
		if (strcmp(w, "--") == 0) {
			options = false;
			if (cmd->dashdash == IB_ARG_COMMAND) {
				printf("command %d\n", i + 1);
				return;
			}
			continue;
		}
		const struct ib_opt *o = lookup(cmd, w);
		if (o && takes_next(o, w)) {
			if (i + 1 == nwords - 1) {
				value_words(cmd, o, o->kind, "", cur);
				return;
			}
			i++;
			continue;
		}
		if (w[0] == '-' && w[1] != '\0')
			continue;
		if (cmd->operands == IB_ARG_COMMAND || (cmd->flags & IB_CMD_FIRST_OPERAND_ENDS)) {
			if (cmd->operands == IB_ARG_COMMAND) {
				printf("command %d\n", i);
				return;
			}
			options = false;
		}
	}
	if (options && cur[0] == '-' && cur[1] == '-' && strchr(cur, '=')) {
		const struct ib_opt *o = lookup(cmd, cur);
		if (o && o->kind != IB_ARG_NONE) {
			char prefix[128];
			snprintf(prefix, sizeof prefix, "%.*s", (int)(strchr(cur, '=') - cur + 1), cur);
			value_words(cmd, o, o->kind, prefix, cur);
		} else {
			puts("words");
		}
		return;
	}
	if (options && cur[0] == '-' && !(cmd->flags & IB_CMD_NEGATIVE_OPERANDS && cur[1] >= '0' &&
					  cur[1] <= '9')) {
		option_words(cmd, cur);
		return;
	}
	if (cmd->operands == IB_ARG_COMMAND) {
		printf("command %d\n", nwords - 1);
		return;
	}
	value_words(cmd, NULL, cmd->operands, "", cur);
}
