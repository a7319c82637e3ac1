/* Byte I/O loops, and reading whole files with them. */
#include "ipc/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Waits until FD is ready for EVENTS; used when a descriptor we were handed is
 * non-blocking. */
static int wait_ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	for (;;) {
		int r = poll(&p, 1, -1);
		if (r >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

ssize_t ib_read_some(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_ready(fd, POLLIN) == 0)
			continue;
		return -1;
	}
}

ssize_t ib_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = ib_read_some(fd, (char *)buf + got, len - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t ib_pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int ib_write_all(int fd, const void *buf, size_t len, size_t *done)
{
	size_t put = 0;
	while (put < len) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);
		if (n > 0) {
			put += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_ready(fd, POLLOUT) == 0)
			continue;
		if (n == 0)
			errno = ENOSPC; /* write(2) made no progress: treat as a full device */
		if (done)
			*done = put;
		return -1;
	}
	if (done)
		*done = put;
	return 0;
}

int ib_read_to_end(int fd, size_t max, char **bufp, size_t *lenp)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		if (cap - len < 2) {
			/* LEN <= MAX here: room for MAX bytes, the NUL and one byte more
			 * (to see whether the input ends at MAX) is all it ever needs */
			size_t ncap = cap > max / 2 ? max + 2 : cap * 2;
			char *nbuf = realloc(buf, ncap);
			if (!nbuf) {
				free(buf);
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t n = ib_read_some(fd, buf + len, cap - len - 1);
		if (n < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int open_to_read(int dirfd, const char *path)
{
	return openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

ssize_t ib_read_small_file(int dirfd, const char *path, char *buf, size_t len)
{
	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	int fd = open_to_read(dirfd, path);
	if (fd < 0)
		return -1;
	ssize_t n = ib_read_full(fd, buf, len - 1);
	int e = errno;
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	errno = e;
	return n;
}

int ib_read_file(int dirfd, const char *path, size_t max, char **buf, size_t *len)
{
	int fd = open_to_read(dirfd, path);
	if (fd < 0)
		return -1;
	int rc = ib_read_to_end(fd, max, buf, len);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int ib_read_lines(int dirfd, const char *path, int (*line)(void *arg, char *text), void *arg)
{
	enum { CAP = 65536 };
	char *buf = malloc(CAP);
	int fd = buf ? open_to_read(dirfd, path) : -1, rc = 0;
	if (fd < 0) {
		free(buf);
		return -1;
	}
	size_t len = 0;
	for (;;) {
		ssize_t n = ib_read_some(fd, buf + len, CAP - 1 - len);
		if (n < 0) {
			rc = -1;
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		char *p = buf, *nl;
		while (rc == 0 && (nl = memchr(p, '\n', len - (size_t)(p - buf)))) {
			*nl = '\0';
			rc = line(arg, p);
			p = nl + 1;
		}
		len -= (size_t)(p - buf);
		memmove(buf, p, len + 1);
		if (rc != 0)
			break;
		if (n == 0) { /* at the end: a last line without its newline */
			if (len > 0)
				rc = line(arg, buf);
			break;
		}
		if (len == CAP - 1) {
			errno = E2BIG;
			rc = -1;
			break;
		}
	}
	int e = errno;
	close(fd);
	free(buf);
	errno = e;
	return rc;
}

size_t ib_read_numbers(const char *path, uint64_t *v, size_t max)
{
	char buf[256];
	if (ib_read_small_file(AT_FDCWD, path, buf, sizeof buf) <= 0)
		return 0;
	size_t n = 0;
	char *s = buf, *end;
	while (n < max) {
		errno = 0;
		unsigned long long x = strtoull(s, &end, 10);
		if (end == s || errno)
			break;
		v[n++] = x;
		s = end;
	}
	return n;
}
