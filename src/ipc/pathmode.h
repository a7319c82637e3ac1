/* Giving a fifo or socket just made at a path its mode, safely as root in a shared
 * directory: the caller makes it under a umask that already gives MODE (so in the
 * usual case nothing is done by name afterwards), then ib_settle_mode mends what a
 * default ACL changed, on the object itself, never on what a symbolic link planted
 * at the path in the meantime points to. */
#ifndef IPCBOX_PATHMODE_H
#define IPCBOX_PATHMODE_H

#include <sys/stat.h>
#include <sys/types.h>

/* The umask under which mkfifo/mknod/bind give exactly MODE (permission bits only). */
mode_t ib_umask_for(mode_t mode);

/* Makes sure the object at PATH, if it is of TYPE (S_IFIFO, S_IFSOCK), has exactly
 * MODE: it is reached by an O_PATH | O_NOFOLLOW descriptor, checked, and changed
 * through /proc/self/fd only if its mode differs. ST (may be NULL) gets what the
 * descriptor saw, for the caller to recognise the object later (st_dev, st_ino).
 * Returns 0; 1 if PATH is no longer an object of TYPE (a symbolic link or anything
 * else: left alone); -1 with errno on failure (EOPNOTSUPP without /proc). */
int ib_settle_mode(const char *path, mode_t type, mode_t mode, struct stat *st);

#endif
