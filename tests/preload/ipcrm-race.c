/* LD_PRELOAD shim that makes ipcrm lose a race: with RACE=rmid, another "process"
 * removes a queue just before ipcrm's IPC_RMID, which then fails with errno
 * $RACE_ERRNO; with RACE=stat, just before ipcrm looks it up again after listing it;
 * with RACE=attach, a segment gets attached just before ipcrm looks it up. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/shm.h>
int msgctl(int id, int cmd, struct msqid_ds *buf)
{
	int (*real)(int, int, struct msqid_ds *) =
		(int (*)(int, int, struct msqid_ds *))dlsym(RTLD_NEXT, "msgctl");
	const char *race = getenv("RACE");
	if (race && strcmp(race, "rmid") == 0 && cmd == IPC_RMID) {
		real(id, IPC_RMID, NULL);
		errno = atoi(getenv("RACE_ERRNO"));
		return -1;
	}
	/* A listing (from /proc, or by index, each index once) comes first; a look at an
	 * index already seen, or one without a listing by index, is the check before removal. */
	static char seen[4096];
	static int by_index; /* a listing by index starts with MSG_INFO */
	by_index |= cmd == MSG_INFO;
	int again = cmd == IPC_STAT ||
		(cmd == MSG_STAT_ANY && (!by_index || (id >= 0 && id < 4096 && seen[id])));
	if (cmd == MSG_STAT_ANY && id >= 0 && id < 4096)
		seen[id] = 1;
	if (race && strcmp(race, "stat") == 0 && again) {
		struct msqid_ds ds;
		int full = cmd == IPC_STAT ? id : real(id, MSG_STAT_ANY, &ds);
		if (full >= 0)
			real(full, IPC_RMID, NULL);
	}
	return real(id, cmd, buf);
}
int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	int (*real)(int, int, struct shmid_ds *) =
		(int (*)(int, int, struct shmid_ds *))dlsym(RTLD_NEXT, "shmctl");
	static int done;
	static char seen[4096];
	static int by_index; /* a listing by index starts with SHM_INFO */
	by_index |= cmd == SHM_INFO;
	int again = cmd == IPC_STAT ||
		(cmd == SHM_STAT_ANY && (!by_index || (id >= 0 && id < 4096 && seen[id])));
	if (cmd == SHM_STAT_ANY && id >= 0 && id < 4096)
		seen[id] = 1;
	const char *race = getenv("RACE");
	if (race && strcmp(race, "attach") == 0 && !done && again) {
		struct shmid_ds ds;
		int full = cmd == IPC_STAT ? id : real(id, SHM_STAT_ANY, &ds);
		done = 1;
		if (full >= 0)
			shmat(full, NULL, SHM_RDONLY);
	}
	return real(id, cmd, buf);
}
