/* JSON records of IPC objects, as ipcs --json prints them (field names in ipcs(1),
 * JSON OUTPUT). Each ib_ipcjson_* writes one object, to go in an array the caller
 * opened with ib_json_open_array(). */
#ifndef IPCBOX_IPCJSON_H
#define IPCBOX_IPCJSON_H

#include <stdbool.h>

#include "ipc/filter.h"
#include "ipc/json.h"
#include "ipc/names.h"
#include "ipc/object.h"
#include "ipc/posixlist.h"
#include "ipc/sysvlist.h"

struct ib_ipcjson {
	struct ib_json *j;
	struct ib_names *names;   /* user and group names */
	struct ib_filter *filter; /* its pid cache and POSIX users scan */
	bool processes;           /* add "stale" and "processes" to each object */
	/* if set, called last in each object to add an applet's own members */
	void (*more)(const struct ib_ipcjson *c, enum ib_kind kind, bool posix, const void *rec);
	void *arg;                /* for MORE */
};

/* REC: a System V record of KIND (ipc/sysvlist.h). ELEMS (or NULL): a set's
 * semaphores, added as "semaphores". */
void ib_ipcjson_sysv(const struct ib_ipcjson *c, enum ib_kind kind, const void *rec,
		     const struct ib_sem_elem *elems);
void ib_ipcjson_posix(const struct ib_ipcjson *c, const struct ib_posix_info *o);

#endif
