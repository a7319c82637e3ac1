/* Byte I/O loops: the one place that handles EINTR, short reads and writes, and
 * non-blocking descriptors; and the readers of whole files (/proc, /sys) built on
 * them. Each returns -1 with errno set on failure. */
#ifndef IPCBOX_IO_H
#define IPCBOX_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One read(2), retried on EINTR (and on EAGAIN after waiting for input).
 * Returns the bytes read, 0 at end of file. */
ssize_t ib_read_some(int fd, void *buf, size_t len);

/* Reads until LEN bytes or end of file. Returns the bytes read (< LEN only at EOF). */
ssize_t ib_read_full(int fd, void *buf, size_t len);

/* pread(2) until LEN bytes or end of file, retried on EINTR. Returns the bytes read
 * (< LEN only at EOF). */
ssize_t ib_pread_full(int fd, void *buf, size_t len, off_t off);

/* Writes all LEN bytes, looping over short writes and EINTR. Returns 0 or -1;
 * on -1, *DONE (if not NULL) holds how many bytes did go out. */
int ib_write_all(int fd, const void *buf, size_t len, size_t *done);

/* Reads FD to end of file into a malloc'd buffer (*BUF, *LEN; NUL-terminated, the
 * NUL not counted). Fails with EFBIG past MAX bytes, leaving nothing allocated. */
int ib_read_to_end(int fd, size_t max, char **buf, size_t *len);

/* Reads the file at PATH (relative to DIRFD, or AT_FDCWD), opened close-on-exec and
 * non-blocking, into BUF: at most LEN - 1 bytes, NUL-terminated. Returns the bytes
 * read. For /proc and /sys files, which give their text in one read. */
ssize_t ib_read_small_file(int dirfd, const char *path, char *buf, size_t len);

/* Reads the file at PATH (relative to DIRFD, or AT_FDCWD) to its end into a malloc'd
 * buffer, as ib_read_to_end does. Returns 0. */
int ib_read_file(int dirfd, const char *path, size_t max, char **buf, size_t *len);

/* Calls LINE(ARG, text) for each line of the file at PATH (relative to DIRFD),
 * the text NUL-terminated without its newline, reading through one 64 KiB buffer
 * (a long /proc listing is never held whole: every fresh page costs a fault).
 * Stops when LINE returns non-zero, and returns that; 0 at the end of the file;
 * -1 with errno set when the file cannot be read (E2BIG: a line longer than the
 * buffer). */
int ib_read_lines(int dirfd, const char *path, int (*line)(void *arg, char *text), void *arg);

/* Reads up to MAX unsigned decimal numbers, separated by white space, from the small
 * file at PATH, such as a /proc/sys setting. Returns how many it read: 0 when the file
 * cannot be read or does not start with a number. */
size_t ib_read_numbers(const char *path, uint64_t *v, size_t max);

#endif
