/* ipcs --users: the processes using an object (ipc/users.h finds them), as ipcs
 * shows them in a column, under -i and in JSON. ipcs alone uses this. */
#ifndef IPCBOX_IPCS_USERS_H
#define IPCBOX_IPCS_USERS_H

#include <stddef.h>
#include <stdio.h>

#include "ipc/json.h"
#include "ipc/users.h"

/* A column's text: "PID(COMMAND)" for each process, by pid, comma-separated, or
 * "-" for none; ",?" after them (or "?" alone) when the list is incomplete. In
 * BUF, cut short with "..." if it does not fit. */
const char *ib_users_text(const struct ib_users_of *uo, char *buf, size_t len);

/* -i: "users:" and a line "  PID COMMAND HOW" for each use, on F. */
void ib_users_lines(FILE *f, const struct ib_users_of *uo);

/* JSON members "users": [{"pid", "command", "how"}...] and "users_incomplete". */
void ib_users_json(struct ib_json *j, const struct ib_users_of *uo);

#endif
