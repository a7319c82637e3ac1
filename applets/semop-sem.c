/* System V semaphore sets: creation protocol, readiness, limits, timed semop. */
#include "semop-sem.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <time.h>

#include "ipc/compat.h"
#include "ipc/parse.h"

/* glibc leaves this union to the caller. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

int ib_sem_init_created(int id, int nsems, const unsigned short *values)
{
	unsigned short *all = calloc((size_t)nsems, sizeof *all);
	if (!all)
		return -1;
	if (values)
		memcpy(all, values, (size_t)nsems * sizeof *all);
	union semun arg = { .array = all };
	int rc = semctl(id, 0, SETALL, arg);
	unsigned short first = all[0];
	free(all);
	if (rc != 0)
		return -1;
	/* +1 then -1 (or -1 then +1 at the maximum) in one atomic call: the value is
	 * unchanged, nothing can block, and sem_otime is set. */
	short d = first < IB_SEMVMX ? 1 : -1;
	struct sembuf ops[2] = {
		{ .sem_num = 0, .sem_op = d, .sem_flg = IPC_NOWAIT },
		{ .sem_num = 0, .sem_op = (short)-d, .sem_flg = IPC_NOWAIT },
	};
	return semop(id, ops, 2);
}

int ib_sem_wait_ready(int id, int *nsems)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	*nsems = 0;
	for (;;) {
		if (semctl(id, 0, IPC_STAT, arg) != 0)
			return -1;
		*nsems = (int)ds.sem_nsems;
		if (ds.sem_otime != 0 || time(NULL) > ds.sem_ctime + IB_SEM_READY_SECONDS)
			return 0;
		/* The creator is between semget and its first semop: a few microseconds
		 * normally, so a short poll is enough and bounded by the check above. */
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}

int ib_semop_until(int id, struct sembuf *ops, size_t nops, const struct timespec *deadline)
{
	for (;;) {
		int rc;
		if (deadline) {
			struct timespec left = ib_ns_to_timespec(ib_ns_until(*deadline));
			rc = semtimedop(id, ops, nops, &left);
		} else {
			rc = semop(id, ops, nops);
		}
		if (rc == 0 || errno != EINTR)
			return rc;
	}
}

const char *ib_sem_parse_op(const char *s, struct sembuf *op)
{
	static const char expected[] = "expected SEMNUM:+N, SEMNUM:-N or SEMNUM:0";
	const char *p = s, *colon = strchr(s, ':');
	uint64_t semnum = 0, n = 0;
	char num[16];
	if (colon) {
		size_t len = (size_t)(colon - s);
		if (len == 0 || len >= sizeof num)
			return expected;
		memcpy(num, s, len);
		num[len] = '\0';
		if (ib_parse_u64(num, 10, 0, IB_SEMVMX, &semnum) != IB_PARSE_OK)
			return "the semaphore number must be 0-32767";
		p = colon + 1;
	}
	char sign = *p;
	bool has_sign = sign == '+' || sign == '-';
	if (has_sign)
		p++;
	size_t len = strspn(p, "0123456789");
	if (len == 0 || len >= sizeof num || (!has_sign && (len != 1 || *p != '0')))
		return expected;
	memcpy(num, p, len);
	num[len] = '\0';
	if (has_sign && ib_parse_u64(num, 10, 1, IB_SEMVMX, &n) != IB_PARSE_OK)
		return "N must be 1-32767 (SEMNUM:0 waits for zero)";
	short flg = 0;
	for (p += len; *p; p++) {
		if (*p == 'u')
			flg |= SEM_UNDO;
		else if (*p == 'n')
			flg |= IPC_NOWAIT;
		else
			return "unknown flag after the number (u: undo, n: no wait)";
	}
	op->sem_num = (unsigned short)semnum;
	op->sem_op = (short)(sign == '-' ? -(int)n : (int)n);
	op->sem_flg = flg;
	return NULL;
}

int ib_psem_take(sem_t *s, unsigned n, bool nowait, const struct timespec *deadline,
		 const volatile sig_atomic_t *stop)
{
	for (unsigned i = 0; i < n; i++) {
		int rc;
		do {
			if (stop && *stop) {
				errno = EINTR;
				rc = -1;
				break;
			}
			if (nowait)
				rc = sem_trywait(s);
			else if (deadline)
				rc = ib_sem_wait_until(s, deadline);
			else
				rc = sem_wait(s);
		} while (rc != 0 && errno == EINTR && !(stop && *stop));
		if (rc != 0) {
			int err = errno == ETIMEDOUT ? EAGAIN : errno;
			while (i-- > 0)
				sem_post(s);
			errno = err;
			return -1;
		}
	}
	return 0;
}

int ib_psem_give(sem_t *s, unsigned n, unsigned *given)
{
	for (*given = 0; *given < n; (*given)++)
		if (sem_post(s) != 0)
			return -1;
	return 0;
}
