/* The descriptions of ipcs's views (ipcs-desc.h): each table as util-linux 2.38
 * prints it, and the JSON names of -l and -u. */
#include "ipcs-desc.h"

#include <sys/shm.h>

#include "ipc/posixlist.h"
#include "ipc/sysvlist.h"

#define CELL(title_, fmt_, type_, at_, ...) \
	{ .title = (title_), .fmt = (fmt_), .type = C_##type_, .at = (at_), __VA_ARGS__ }
#define LINE(fmt_, type_, at_, ...) CELL(NULL, fmt_, type_, at_, __VA_ARGS__)
#define PERM(m) offsetof(struct ib_sysv_perm, m) /* first in every System V record */
#define MSGQ(m) offsetof(struct ib_msgq_info, m)
#define SHM(m) offsetof(struct ib_shm_info, m)
#define SEM(m) offsetof(struct ib_sem_info, m)
#define PX(m) offsetof(struct ib_posix_info, m)
/* A line of -l or -u, and its JSON name. */
#define STAT(json, fmt, type, rec, member, ...) \
	CELL(json, fmt, type, offsetof(struct rec, member), __VA_ARGS__)

#define CELLS(...) ((const struct cell[]){ __VA_ARGS__, { .fmt = NULL } })
#define VIEW(title_, ...) { .title = (title_), .cells = CELLS(__VA_ARGS__) }
#define STATS(title_, fail_, ...) \
	{ .title = (title_), .cells = CELLS(__VA_ARGS__), .fail = (fail_) }

#define SYSV_DEFAULT(idname) \
	CELL("key", "%-10s", KEY, PERM(key)), CELL(idname, " %-10s", INT, PERM(id)), \
	CELL("owner", " %-10.10s", USER, PERM(uid)), CELL("perms", " %-10s", PERMS, PERM(mode))
#define SYSV_CREATOR(title, idname) VIEW(title " Creators/Owners", \
	CELL(idname, "%-10s", INT, PERM(id)), CELL("perms", " %-10s", PERMS, PERM(mode)), \
	CELL("cuid", " %-10s", USER, PERM(cuid)), CELL("cgid", " %-10s", GROUP, PERM(cgid)), \
	CELL("uid", " %-10s", USER, PERM(uid)), CELL("gid", " %-10s", GROUP, PERM(gid)))
#define ID_OWNER(idname, idfmt, ...) \
	CELL(idname, idfmt, INT, PERM(id), __VA_ARGS__), CELL("owner", " %-10.10s", USER, PERM(uid))
#define SIZE_LINE(label, hlabel, at) \
	LINE(label "=%s\t", SIZE, at, .when = NOT_HUMAN), LINE(hlabel "=%s\t", SIZE, at, .when = HUMAN)
#define IDS(sep) LINE("uid=%s\t", UINT, PERM(uid)), LINE(sep "gid=%s\t", UINT, PERM(gid)), \
	LINE(sep "cuid=%s\t", UINT, PERM(cuid))


const struct kind ib_ipcs_sysv[IB_NKINDS] = {
	[IB_MSGQ] = { false, IB_MSGQ, sizeof(struct ib_msgq_info), "messages", {
		[F_DEFAULT] = VIEW("Message Queues", SYSV_DEFAULT("msqid"),
			CELL("used-bytes", " %-12s", SIZE, MSGQ(cbytes), .when = NOT_HUMAN),
			CELL("size", " %6s      ", SIZE, MSGQ(cbytes), .head = " %-12s", .when = HUMAN),
			CELL("messages", " %-12s", U64, MSGQ(qnum))),
		[F_CREATOR] = SYSV_CREATOR("Message Queues", "msqid"),
		[F_TIME] = VIEW("Message Queues Send/Recv/Change Times", ID_OWNER("msqid", "%-8s"),
			CELL("send", " %-20.16s", TIME, MSGQ(stime)),
			CELL("recv", " %-20.16s", TIME, MSGQ(rtime)),
			CELL("change", " %-20.16s", TIME, MSGQ(ctime))),
		[F_PID] = VIEW("Message Queues PIDs", ID_OWNER("msqid", "%-8s", .head = "%-10s"),
			CELL("lspid", "  %5s", INT, MSGQ(lspid), .head = " %-10s"),
			CELL("lrpid", "     %5s", INT, MSGQ(lrpid), .head = " %-10s")),
		[F_PROCESSES] = VIEW("Message Queues Processes", ID_OWNER("msqid", "%-10s"),
			CELL("lspid", " %-10s", INT, MSGQ(lspid)),
			CELL("last-sender", " %-16s", PROC, MSGQ(lspid)),
			CELL("lrpid", " %-10s", INT, MSGQ(lrpid)),
			CELL("last-receiver", " %-16s", PROC, MSGQ(lrpid)),
			CELL("stale", " %s", STALE, 0)),
		[F_LIMITS] = STATS("Messages Limits", "unable to fetch message limits",
			STAT("msgmni", "max queues system wide = %s\n", INT, ib_msgq_limits, msgmni),
			STAT("msgmax", "max size of message", BYTES, ib_msgq_limits, msgmax, .unit = U_BYTES),
			STAT("msgmnb", "default max size of queue", IBYTES, ib_msgq_limits, msgmnb,
			     .unit = U_BYTES)),
		[F_STATUS] = STATS("Messages Status", "kernel not configured for message queues",
			STAT("queues", "allocated queues = %s\n", INT, ib_msgq_status, pool),
			STAT("headers", "used headers = %s\n", INT, ib_msgq_status, map),
			STAT("used_bytes", "used space", IBYTES, ib_msgq_status, tql)),
	}, VIEW(NULL, LINE("\nMessage Queue msqid=%s\n", INT, PERM(id)), IDS(""),
		LINE("cgid=%s\t", UINT, PERM(cgid)), LINE("mode=%s\n", MODE, PERM(mode)),
		SIZE_LINE("cbytes", "csize", MSGQ(cbytes)), SIZE_LINE("qbytes", "qsize", MSGQ(qbytes)),
		LINE("qnum=%s\t", U64, MSGQ(qnum)), LINE("lspid=%s\t", INT, MSGQ(lspid)),
		LINE("lrpid=%s\n", INT, MSGQ(lrpid)),
		LINE("send_time=%-26.24s\n", LTIME, MSGQ(stime)),
		LINE("rcv_time=%-26.24s\n", LTIME, MSGQ(rtime)),
		LINE("change_time=%-26.24s\n", LTIME, MSGQ(ctime))) },
	[IB_SHM] = { false, IB_SHM, sizeof(struct ib_shm_info), "sharedmemory", {
		[F_DEFAULT] = VIEW("Shared Memory Segments", SYSV_DEFAULT("shmid"),
			CELL("bytes", " %-10s", SIZE, SHM(segsz), .when = NOT_HUMAN),
			CELL("size", " %6s    ", SIZE, SHM(segsz), .head = " %-10s", .when = HUMAN),
			CELL("nattch", " %-10s", U64, SHM(nattch)),
			CELL("status", " %-6s", FLAG, PERM(mode), .head = " %-12s", .bit = SHM_DEST,
			     .word = "dest"),
			CELL(NULL, " %-6s", FLAG, PERM(mode), .bit = SHM_LOCKED, .word = "locked")),
		[F_CREATOR] = SYSV_CREATOR("Shared Memory Segment", "shmid"),
		[F_TIME] = VIEW("Shared Memory Attach/Detach/Change Times", ID_OWNER("shmid", "%-10s"),
			CELL("attached", " %-20.16s", TIME, SHM(atime)),
			CELL("detached", " %-20.16s", TIME, SHM(dtime)),
			CELL("changed", " %-20.16s", TIME, SHM(ctime))),
		[F_PID] = VIEW("Shared Memory Creator/Last-op PIDs", ID_OWNER("shmid", "%-10s"),
			CELL("cpid", " %-10s", UINT, SHM(cpid)), CELL("lpid", " %-10s", UINT, SHM(lpid))),
		[F_PROCESSES] = VIEW("Shared Memory Processes", ID_OWNER("shmid", "%-10s"),
			CELL("nattch", " %-10s", U64, SHM(nattch)), CELL("cpid", " %-10s", INT, SHM(cpid)),
			CELL("creator", " %-16s", PROC, SHM(cpid)), CELL("lpid", " %-10s", INT, SHM(lpid)),
			CELL("last-op", " %-16s", PROC, SHM(lpid)), CELL("stale", " %s", STALE, 0)),
		[F_LIMITS] = STATS("Shared Memory Limits", "unable to fetch shared memory limits",
			STAT("shmmni", "max number of segments = %s\n", U64, ib_shm_limits, shmmni),
			STAT("shmmax", "max seg size", BYTES, ib_shm_limits, shmmax, .unit = U_KB),
			STAT("shmall", "max total shared memory", SHMALL, ib_shm_limits, shmall),
			STAT("shmmin", "min seg size", BYTES, ib_shm_limits, shmmin, .unit = U_BYTES),
			STAT("page_size", "", PAGE_BYTES, ib_shm_limits, shmmni)),
		[F_STATUS] = STATS("Shared Memory Status", "kernel not configured for shared memory",
			STAT("segments", "segments allocated %s\n", INT, ib_shm_status, used_ids),
			STAT("pages_allocated", "pages allocated %s\n", ULONG, ib_shm_status, tot),
			STAT("pages_resident", "pages resident  %s\n", ULONG, ib_shm_status, rss),
			STAT("pages_swapped", "pages swapped   %s\n", ULONG, ib_shm_status, swp),
			STAT("swap_attempts", "Swap performance: %s attempts\t", ULONG, ib_shm_status,
			     swap_attempts),
			STAT("swap_successes", " %s successes\n", ULONG, ib_shm_status, swap_successes)),
	}, VIEW(NULL, LINE("\nShared memory Segment shmid=%s\n", INT, PERM(id)), IDS(""),
		LINE("cgid=%s\n", UINT, PERM(cgid)),
		LINE("mode=%s\t", MODE, PERM(mode)), LINE("access_perms=%s\n", ACCESS, PERM(mode)),
		SIZE_LINE("bytes", "size", SHM(segsz)),
		LINE("lpid=%s\t", UINT, SHM(lpid)), LINE("cpid=%s\t", UINT, SHM(cpid)),
		LINE("nattch=%s\n", U64, SHM(nattch)),
		LINE("att_time=%-26.24s\n", LTIME, SHM(atime)),
		LINE("det_time=%-26.24s\n", LTIME, SHM(dtime)),
		LINE("change_time=%-26.24s\n", CTIME, SHM(ctime))) },
	[IB_SEM] = { false, IB_SEM, sizeof(struct ib_sem_info), "semaphores", {
		[F_DEFAULT] = VIEW("Semaphore Arrays", SYSV_DEFAULT("semid"),
			CELL("nsems", " %-10s", U64, SEM(nsems))),
		[F_CREATOR] = SYSV_CREATOR("Semaphore Arrays", "semid"),
		[F_TIME] = VIEW("Semaphore Operation/Change Times", ID_OWNER("semid", "%-8s"),
			CELL("last-op", "  %-26.24s", LTIME, SEM(otime), .head = " %-26.24s"),
			CELL("last-changed", " %-26.24s", LTIME, SEM(ctime))),
		/* [F_PID]: util-linux prints no semaphore section for -p */
		[F_PROCESSES] = VIEW("Semaphore Arrays Processes", ID_OWNER("semid", "%-10s"),
			CELL("nsems", " %-10s", U64, SEM(nsems)), CELL("stale", " %-6s", STALE, 0),
			CELL("last-operators", "%s", USERS, 0, .head = " %s")),
		[F_LIMITS] = STATS("Semaphore Limits", "unable to fetch semaphore limits",
			STAT("semmni", "max number of arrays = %s\n", INT, ib_sem_limits, semmni),
			STAT("semmsl", "max semaphores per array = %s\n", INT, ib_sem_limits, semmsl),
			STAT("semmns", "max semaphores system wide = %s\n", INT, ib_sem_limits, semmns),
			STAT("semopm", "max ops per semop call = %s\n", INT, ib_sem_limits, semopm),
			STAT("semvmx", "semaphore max value = %s\n", UINT, ib_sem_limits, semvmx)),
		[F_STATUS] = STATS("Semaphore Status", "kernel not configured for semaphores",
			STAT("arrays", "used arrays = %s\n", INT, ib_sem_status, usz),
			STAT("semaphores", "allocated semaphores = %s\n", INT, ib_sem_status, aem)),
	}, VIEW(NULL, LINE("\nSemaphore Array semid=%s\n", INT, PERM(id)), IDS(" "),
		LINE(" cgid=%s\n", UINT, PERM(cgid)),
		LINE("mode=%s, ", MODE, PERM(mode)), LINE("access_perms=%s\n", ACCESS, PERM(mode)),
		LINE("nsems = %s\n", U64, SEM(nsems)), LINE("otime = %-26.24s\n", LTIME, SEM(otime)),
		LINE("ctime = %-26.24s\n", CTIME, SEM(ctime))) },
};

#define POSIX_START CELL("name", "%-20s", NAME, PX(name)), CELL("owner", " %-10.10s", USER, PX(uid))
#define POSIX_DEFAULT(bytes) \
	POSIX_START, CELL("perms", " %-10s", PERMS, PX(mode)), \
	CELL(bytes, " %-12s", SIZE, PX(size), .when = NOT_HUMAN), \
	CELL("size", " %-12s", SIZE, PX(size), .when = HUMAN)
#define POSIX_PROCESSES(title) VIEW(title, POSIX_START, CELL("stale", " %-6s", STALE, 0), \
	CELL("users", "%s", USERS, 0, .head = " %s"))
#define POSIX_DETAIL(title, ...) VIEW(NULL, LINE("\n" title " name=%s\n", NAME, PX(name)), \
	LINE("uid=%s\t", UINT, PX(uid)), LINE("gid=%s\t", UINT, PX(gid)), \
	LINE("owner=%s\t", USER, PX(uid)), LINE("group=%s\t", GROUP, PX(gid)), \
	LINE("mode=%s\n", MODE, PX(mode)), __VA_ARGS__, \
	LINE("access_time=%s\n", CTIME, PX(atime)), LINE("modify_time=%s\n", CTIME, PX(mtime)), \
	LINE("change_time=%s\n", CTIME, PX(ctime)))

const struct kind ib_ipcs_posix[IB_NKINDS] = {
	[IB_MSGQ] = { true, IB_MSGQ, sizeof(struct ib_posix_info), "posix-messages", {
		[F_DEFAULT] = VIEW("POSIX Message Queues", POSIX_DEFAULT("used-bytes"),
			CELL("messages", " %-12s", LONG, PX(msgs), .known = PX(msgs_known))),
		[F_PROCESSES] = POSIX_PROCESSES("POSIX Message Queues"),
		[F_LIMITS] = STATS("POSIX Message Queues Limits",
			"unable to fetch POSIX message queue limits",
			STAT("queues_max", "max queues system wide = %s\n", LONG, ib_posix_msgq_limits, queues_max),
			STAT("msg_max", "max messages per queue = %s\n", LONG, ib_posix_msgq_limits, msg_max),
			STAT("msgsize_max", "max size of message (bytes) = %s\n", LONG, ib_posix_msgq_limits,
			     msgsize_max),
			STAT("msg_default", "default max messages per queue = %s\n", LONG, ib_posix_msgq_limits,
			     msg_default),
			STAT("msgsize_default", "default max size of message (bytes) = %s\n", LONG,
			     ib_posix_msgq_limits, msgsize_default)),
		[F_STATUS] = VIEW("POSIX Messages Status",
			STAT("queues", "allocated queues = %s\n", SIZET, ib_posix_summary, objects),
			STAT("messages", "queued messages = %s\n", U64, ib_posix_summary, messages),
			STAT("used_bytes", "used space", BYTES, ib_posix_summary, bytes),
			STAT("unreadable", "unreadable queues = %s\n", SIZET, ib_posix_summary, unreadable,
			     .if_set = true)),
	}, POSIX_DETAIL("POSIX Message Queue", SIZE_LINE("used_bytes", "used_size", PX(size)),
		LINE("messages=%s\t", LONG, PX(msgs), .known = PX(msgs_known)),
		LINE("mq_maxmsg=%s\t", LONG, PX(maxmsg), .known = PX(msgs_known)),
		LINE("mq_msgsize=%s\n", LONG, PX(msgsize), .known = PX(msgs_known)),
		LINE("notify=%s\t", INT, PX(notify)), LINE("signo=%s\t", INT, PX(signo)),
		LINE("notify_pid=%s\n", INT, PX(notify_pid))) },
	[IB_SHM] = { true, IB_SHM, sizeof(struct ib_posix_info), "posix-sharedmemory", {
		[F_DEFAULT] = VIEW("POSIX Shared Memory", POSIX_DEFAULT("bytes"),
			CELL("modified", " %-20s", MTIME, PX(mtime))),
		[F_PROCESSES] = POSIX_PROCESSES("POSIX Shared Memory"),
		[F_STATUS] = VIEW("POSIX Shared Memory Status",
			STAT("objects", "objects allocated %s\n", SIZET, ib_posix_summary, objects),
			STAT("bytes", "bytes allocated %s\n", SIZE, ib_posix_summary, bytes,
			     .when = NOT_HUMAN),
			STAT(NULL, "size allocated  %s\n", SIZE, ib_posix_summary, bytes, .when = HUMAN),
			STAT("pages_used", "pages used      %s\n", U64, ib_posix_summary, pages)),
	}, POSIX_DETAIL("POSIX Shared Memory", SIZE_LINE("bytes", "size", PX(size)),
		LINE("pages_used=%s\n", PAGES, 0)) },
	[IB_SEM] = { true, IB_SEM, sizeof(struct ib_posix_info), "posix-semaphores", {
		[F_DEFAULT] = VIEW("POSIX Semaphores", POSIX_START,
			CELL("perms", " %-10s", PERMS, PX(mode)),
			CELL("value", " %-10s", INT, PX(value), .known = PX(value_known))),
		[F_PROCESSES] = POSIX_PROCESSES("POSIX Semaphores"),
		[F_STATUS] = VIEW("POSIX Semaphore Status",
			STAT("semaphores", "allocated semaphores = %s\n", SIZET, ib_posix_summary, objects)),
	}, POSIX_DETAIL("POSIX Semaphore", LINE("value=%s\n", INT, PX(value),
						.known = PX(value_known))) },
};

