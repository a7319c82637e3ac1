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
};

void ib_ipcjson_msgq(const struct ib_ipcjson *c, const struct ib_msgq_info *q);
void ib_ipcjson_shm(const struct ib_ipcjson *c, const struct ib_shm_info *s);
/* ELEMS (or NULL): the set's semaphores, added as "semaphores". */
void ib_ipcjson_sem(const struct ib_ipcjson *c, const struct ib_sem_info *s,
		    const struct ib_sem_elem *elems);
void ib_ipcjson_posix(const struct ib_ipcjson *c, const struct ib_posix_info *o);

#endif
