/* Parsers for numbers, sizes, durations and modes. Every one rejects empty input,
 * signs where none is allowed, overflow and trailing junk; none prints anything. */
#ifndef IPCBOX_PARSE_H
#define IPCBOX_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum ib_parse_err {
	IB_PARSE_OK = 0,
	IB_PARSE_EMPTY,    /* nothing to parse */
	IB_PARSE_INVALID,  /* not a number / unknown suffix / trailing characters */
	IB_PARSE_NEGATIVE, /* a minus sign where none is allowed */
	IB_PARSE_RANGE,    /* overflows or lies outside [min, max] */
};

/* Why a parse failed, in words: "not a number", "out of range (1-255)", ... */
const char *ib_parse_strerror(enum ib_parse_err e);

/* Unsigned integer. BASE is 10, 16, 8, or 0 for C-style auto (0x hex, leading-0 octal).
 * Accepts [MIN, MAX]. */
enum ib_parse_err ib_parse_u64(const char *s, int base, uint64_t min, uint64_t max,
			       uint64_t *out);
/* Signed decimal integer in [MIN, MAX]. */
enum ib_parse_err ib_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* A size in bytes: decimal or 0x hex digits with an optional suffix K, M, G, T (also k), each optionally
 * followed by "iB" (powers of 1024, the same as the bare letter) or "B" (powers of 1000).
 * "4096", "64K", "1MiB", "1MB". Result <= MAX. */
enum ib_parse_err ib_parse_size(const char *s, uint64_t max, uint64_t *out);

/* A duration: seconds with an optional fraction, and an optional unit suffix
 * ms, s, m, h or d ("1.5", "250ms", "2s", "1h"). Result in nanoseconds. */
enum ib_parse_err ib_parse_duration(const char *s, uint64_t *ns);

/* A file mode: octal ("0640", at most 07777) or chmod(1)-style symbolic
 * ("u=rw,g+r", "a-x", "go=u"), applied to BASE exactly as chmod applies it to a
 * non-directory; a clause with no u/g/o/a leaves the bits of UMASK alone.
 * Returns false if S is malformed. */
bool ib_parse_mode(const char *s, mode_t base, mode_t umask_bits, mode_t *out);

/* Nanoseconds to a struct timespec, and an absolute CLOCK_MONOTONIC deadline. */
struct timespec ib_ns_to_timespec(uint64_t ns);
struct timespec ib_deadline_after(uint64_t ns);
/* The time NS from now on CLOCK, for calls that take another clock than
 * CLOCK_MONOTONIC (mq_timedsend: CLOCK_REALTIME). */
struct timespec ib_clock_after(clockid_t clock, uint64_t ns);
/* Nanoseconds left until DEADLINE: 0 once it has passed, at most INT64_MAX. */
uint64_t ib_ns_until(struct timespec deadline);

#endif
