/* ipcs --users as text and JSON (ipcs-users.h). */
#include "ipcs-users.h"

#include <string.h>

/* A command name fit for a terminal: control characters as '?'. */
static const char *printable(const char *comm, char *buf, size_t len)
{
	size_t i = 0;
	for (; comm[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)comm[i] < 0x20 || comm[i] == 0x7f ? '?' : comm[i];
	buf[i] = '\0';
	return buf;
}

const char *ib_users_text(const struct ib_users_of *uo, char *buf, size_t len)
{
	size_t used = 0;
	char comm[sizeof uo->v->command];
	buf[0] = '\0';
	for (size_t i = 0; i < uo->n; i++) {
		if (i && uo->v[i].pid == uo->v[i - 1].pid)
			continue; /* one process in several ways: named once */
		int n = snprintf(buf + used, len - used, "%s%d(%s)", used ? "," : "",
				 (int)uo->v[i].pid, printable(uo->v[i].command, comm, sizeof comm));
		if (n < 0 || (size_t)n >= len - used) {
			if (len >= 4)
				strcpy(buf + (used + 4 <= len ? used : len - 4), "...");
			return buf;
		}
		used += (size_t)n;
	}
	if (uo->incomplete)
		snprintf(buf + used, len - used, "%s?", used ? "," : "");
	else if (!used)
		snprintf(buf, len, "-");
	return buf;
}

void ib_users_lines(FILE *f, const struct ib_users_of *uo)
{
	char comm[sizeof uo->v->command];
	if (!uo->n)
		fprintf(f, "users: %s\n", uo->incomplete ? "none seen (incomplete)" : "none");
	else
		fprintf(f, "users:%s\n", uo->incomplete ? " (incomplete: there may be more)" : "");
	for (size_t i = 0; i < uo->n; i++)
		fprintf(f, "  %-10d %-16s %s\n", (int)uo->v[i].pid,
			printable(uo->v[i].command, comm, sizeof comm), ib_use_name(uo->v[i].how));
}

void ib_users_json(struct ib_json *j, const struct ib_users_of *uo)
{
	ib_json_open_array(j, "users");
	for (size_t i = 0; i < uo->n; i++) {
		ib_json_open_line(j, NULL);
		ib_json_int(j, "pid", uo->v[i].pid);
		ib_json_str(j, "command", uo->v[i].command);
		ib_json_str(j, "how", ib_use_name(uo->v[i].how));
		ib_json_close(j);
	}
	ib_json_close_array(j);
	ib_json_bool(j, "users_incomplete", uo->incomplete);
}
