/* What the C libraries (glibc, musl) do not all provide, in one place: constants the
 * kernel ABI fixes, portable stand-ins for glibc-only calls, and the few kernel UAPI
 * definitions a musl toolchain (which has no <linux/...> headers) lacks. Build-time
 * probes in the Makefile say which calls exist (HAVE_X=1); nothing else tests for a
 * C library. */
#ifndef IPCBOX_COMPAT_H
#define IPCBOX_COMPAT_H

#include <semaphore.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <time.h>

/* Kernel ABI constants (Linux 3.8 and 5.14); only glibc's headers have them. */
#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* sem_wait until DEADLINE on CLOCK_MONOTONIC: sem_clockwait where the C library has
 * it, else sem_timedwait on the CLOCK_REALTIME time that is as far away. */
int ib_sem_wait_until(sem_t *s, const struct timespec *deadline);

/* sem_open and sem_unlink for the named semaphore NAME ("/NAME"), whose file is
 * /dev/shm/sem.NAME whatever the C library: glibc's name, which lsipc, ipcrm and
 * ipcbox's listings look for. musl's own calls would use /dev/shm/NAME, where a
 * semaphore passes for shared memory. The sem_t in the file is the C library's. */
sem_t *ib_sem_open(const char *name, int flags, mode_t mode, unsigned value);
int ib_sem_unlink(const char *name);

/* Buffers stdout as glibc does whatever the C library: by lines to a terminal, else
 * in 4 KiB blocks (st_blksize of pipes and files) written when full or at the end,
 * so that a failed write is seen by ib_finish's fflush with its errno. musl starts
 * stdout line-buffered, and its first failed write would come in mid-printf, its
 * errno long gone by then. Called first thing in main. */
void ib_stdout_setup(void);

/* The abbreviation of signal SIG ("TERM"), as glibc's sigabbrev_np gives it;
 * NULL for a number without one (real-time signals). */
const char *ib_sigabbrev(int sig);

/* The netlink sock_diag ABI for UNIX sockets (<linux/netlink.h>, <linux/rtnetlink.h>,
 * <linux/sock_diag.h>, <linux/unix_diag.h>), as far as applets/sockcat-sockopen.c uses it. */
#define NETLINK_SOCK_DIAG 4
#define SOCK_DIAG_BY_FAMILY 20
#define NLM_F_REQUEST 0x01
#define NLM_F_ROOT 0x100
#define NLM_F_MATCH 0x200
#define NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH)
#define NLMSG_ERROR 0x2
#define NLMSG_DONE 0x3
#define UDIAG_SHOW_VFS 0x02
#define UNIX_DIAG_VFS 1

struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type;
	uint16_t nlmsg_flags;
	uint32_t nlmsg_seq;
	uint32_t nlmsg_pid;
};
#define NLMSG_ALIGNTO 4U
#define NLMSG_ALIGN(len) (((len) + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1))
#define NLMSG_HDRLEN ((int)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(len) ((len) + NLMSG_HDRLEN)
#define NLMSG_DATA(nlh) ((void *)(((char *)nlh) + NLMSG_HDRLEN))
#define NLMSG_NEXT(nlh, len) ((len) -= NLMSG_ALIGN((nlh)->nlmsg_len), \
	(struct nlmsghdr *)(void *)(((char *)(nlh)) + NLMSG_ALIGN((nlh)->nlmsg_len)))
#define NLMSG_OK(nlh, len) ((len) >= (int)sizeof(struct nlmsghdr) && \
	(nlh)->nlmsg_len >= sizeof(struct nlmsghdr) && (nlh)->nlmsg_len <= (len))

struct rtattr {
	unsigned short rta_len;
	unsigned short rta_type;
};
#define RTA_ALIGNTO 4U
#define RTA_ALIGN(len) (((len) + RTA_ALIGNTO - 1) & ~(RTA_ALIGNTO - 1))
#define RTA_OK(rta, len) ((len) >= (int)sizeof(struct rtattr) && \
	(rta)->rta_len >= sizeof(struct rtattr) && (rta)->rta_len <= (len))
#define RTA_NEXT(rta, attrlen) ((attrlen) -= RTA_ALIGN((rta)->rta_len), \
	(struct rtattr *)(void *)(((char *)(rta)) + RTA_ALIGN((rta)->rta_len)))
#define RTA_LENGTH(len) (RTA_ALIGN(sizeof(struct rtattr)) + (len))
#define RTA_DATA(rta) ((void *)(((char *)(rta)) + RTA_LENGTH(0)))

struct unix_diag_req {
	uint8_t sdiag_family;
	uint8_t sdiag_protocol;
	uint16_t pad;
	uint32_t udiag_states;
	uint32_t udiag_ino;
	uint32_t udiag_show;
	uint32_t udiag_cookie[2];
};

struct unix_diag_msg {
	uint8_t udiag_family;
	uint8_t udiag_type;
	uint8_t udiag_state;
	uint8_t pad;
	uint32_t udiag_ino;
	uint32_t udiag_cookie[2];
};

struct unix_diag_vfs {
	uint32_t udiag_vfs_ino;
	uint32_t udiag_vfs_dev;
};

#endif
