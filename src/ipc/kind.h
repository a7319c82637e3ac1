/* The kinds of IPC object: one enum for System V and POSIX alike. Identifiers spell
 * each kind one way: msgq (message queue), shm (shared memory), sem (semaphores); a
 * POSIX one adds posix (ib_posix_msgq_limits), never pmq, mq or msq. The values
 * index tables (ipcs, ipcrm) and stay 0, 1, 2. */
#ifndef IPCBOX_KIND_H
#define IPCBOX_KIND_H

enum ib_kind { IB_MSGQ, IB_SHM, IB_SEM };
#define IB_NKINDS 3

/* A set of kinds (struct ib_opt and ib_cmd .kinds: which objects a KEY, ID or POSIX
 * argument names, for completion). */
#define IB_KIND_BIT(k) (1u << (k))
#define IB_ALL_KINDS (IB_KIND_BIT(IB_NKINDS) - 1)

#endif
