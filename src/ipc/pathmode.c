/* Modes of objects made at a path. See pathmode.h. */
#include "ipc/pathmode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

mode_t ib_umask_for(mode_t mode)
{
	return ~mode & (S_IRWXU | S_IRWXG | S_IRWXO);
}

int ib_settle_mode(const char *path, mode_t type, mode_t mode, struct stat *st)
{
	struct stat own;
	st = st ? st : &own;
	/* O_NOFOLLOW with O_PATH opens a symbolic link itself, which fstat then shows. */
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	int rc = 0;
	if (fstat(fd, st) != 0) {
		rc = -1;
	} else if ((st->st_mode & S_IFMT) != type) {
		rc = 1;
	} else if ((st->st_mode & 07777) != mode) {
		/* chmod cannot take an O_PATH descriptor; its /proc link names the very
		 * inode, whatever the path names by now. */
		char proc[32];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (chmod(proc, mode) != 0) {
			rc = -1;
			if (errno == ENOENT)
				errno = EOPNOTSUPP;
		} else {
			st->st_mode = (st->st_mode & S_IFMT) | mode;
		}
	}
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}
