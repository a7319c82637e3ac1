/* Byte I/O loops: the one place that handles EINTR, short reads and writes, and
 * non-blocking descriptors. Each returns -1 with errno set on failure. */
#ifndef IPCBOX_IO_H
#define IPCBOX_IO_H

#include <stddef.h>
#include <sys/types.h>

/* One read(2), retried on EINTR (and on EAGAIN after waiting for input).
 * Returns the bytes read, 0 at end of file. */
ssize_t ib_read_some(int fd, void *buf, size_t len);

/* Reads until LEN bytes or end of file. Returns the bytes read (< LEN only at EOF). */
ssize_t ib_read_full(int fd, void *buf, size_t len);

/* Writes all LEN bytes, looping over short writes and EINTR. Returns 0 or -1;
 * on -1, *DONE (if not NULL) holds how many bytes did go out. */
int ib_write_all(int fd, const void *buf, size_t len, size_t *done);

/* Reads FD to end of file into a malloc'd buffer (*BUF, *LEN; NUL-terminated, the
 * NUL not counted). Fails with EFBIG past MAX bytes, leaving nothing allocated. */
int ib_read_to_end(int fd, size_t max, char **buf, size_t *len);

#endif
