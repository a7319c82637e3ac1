/* LD_PRELOAD shim for the ipcs tests: removes the message queue whose id is in
 * $IPCS_RACE_REMOVE just before ipcs stats its first queue, as if another process
 * removed it while ipcs was listing. Built by make. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/msg.h>

#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif

int msgctl(int id, int cmd, struct msqid_ds *buf)
{
	static int (*real)(int, int, struct msqid_ds *);
	static int done;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "msgctl");
	const char *victim = getenv("IPCS_RACE_REMOVE");
	if (!done && victim && (cmd == MSG_STAT_ANY || cmd == MSG_STAT || cmd == IPC_STAT)) {
		done = 1;
		real(atoi(victim), IPC_RMID, NULL);
	}
	return real(id, cmd, buf);
}
