/* Number, size, duration and mode parsing. */
#include "ipc/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *ib_parse_strerror(enum ib_parse_err e)
{
	switch (e) {
	case IB_PARSE_OK: return "ok";
	case IB_PARSE_EMPTY: return "empty value";
	case IB_PARSE_INVALID: return "not a valid number";
	case IB_PARSE_NEGATIVE: return "negative values are not allowed";
	case IB_PARSE_RANGE: return "out of range";
	}
	return "invalid";
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Digits of S in BASE (auto-detected when 0) into *OUT; *END past the last digit.
 * Never wraps: RANGE on overflow. */
static enum ib_parse_err scan_u64(const char *s, int base, uint64_t *out, const char **end)
{
	if (*s == '\0')
		return IB_PARSE_EMPTY;
	if (*s == '-')
		return IB_PARSE_NEGATIVE;
	if (*s == '+' || isspace((unsigned char)*s))
		return IB_PARSE_INVALID;
	if (base == 0 || base == 16) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			if (digit_value(s[2]) >= 16)
				return IB_PARSE_INVALID;
			s += 2;
			base = 16;
		} else if (base == 0) {
			base = (s[0] == '0' && s[1] != '\0') ? 8 : 10;
		}
	}
	if (digit_value(*s) >= base)
		return IB_PARSE_INVALID;
	uint64_t v = 0;
	bool overflow = false;
	for (; digit_value(*s) < base; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (v > (UINT64_MAX - d) / (unsigned)base)
			overflow = true;
		else
			v = v * (unsigned)base + d;
	}
	*out = v;
	*end = s;
	return overflow ? IB_PARSE_RANGE : IB_PARSE_OK;
}

enum ib_parse_err ib_parse_u64(const char *s, int base, uint64_t min, uint64_t max,
			       uint64_t *out)
{
	uint64_t v;
	const char *end;
	enum ib_parse_err e = scan_u64(s, base, &v, &end);
	if (e == IB_PARSE_RANGE) {
		/* A number too big is "out of range" only if nothing else is wrong. */
		return *end ? IB_PARSE_INVALID : e;
	}
	if (e)
		return e;
	if (*end)
		return IB_PARSE_INVALID;
	if (v < min || v > max)
		return IB_PARSE_RANGE;
	*out = v;
	return IB_PARSE_OK;
}

enum ib_parse_err ib_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t mag;
	const char *end;
	enum ib_parse_err e = scan_u64(neg ? s + 1 : s, 10, &mag, &end);
	if (e == IB_PARSE_NEGATIVE || (neg && e == IB_PARSE_EMPTY))
		return IB_PARSE_INVALID;
	if (e == IB_PARSE_RANGE)
		return *end ? IB_PARSE_INVALID : e;
	if (e)
		return e;
	if (*end)
		return IB_PARSE_INVALID;
	int64_t v;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return IB_PARSE_RANGE;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return IB_PARSE_RANGE;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		return IB_PARSE_RANGE;
	*out = v;
	return IB_PARSE_OK;
}

enum ib_parse_err ib_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;
	const char *end;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	enum ib_parse_err e = scan_u64(s, hex ? 16 : 10, &v, &end);
	if (e == IB_PARSE_RANGE)
		return IB_PARSE_RANGE;
	if (e)
		return e;
	unsigned power = 0;
	uint64_t unit = 1024;
	if (*end) {
		const char *letters = "KMGT";
		const char *p = strchr(letters, toupper((unsigned char)*end));
		if (!p || *end == 'm' || *end == 'g' || *end == 't')
			return IB_PARSE_INVALID;
		power = (unsigned)(p - letters) + 1;
		end++;
		if (strcmp(end, "iB") == 0)
			end += 2;
		else if (strcmp(end, "B") == 0) {
			unit = 1000;
			end++;
		}
		if (*end)
			return IB_PARSE_INVALID;
	}
	while (power--) {
		if (v > UINT64_MAX / unit)
			return IB_PARSE_RANGE;
		v *= unit;
	}
	if (v > max)
		return IB_PARSE_RANGE;
	*out = v;
	return IB_PARSE_OK;
}

enum ib_parse_err ib_parse_duration(const char *s, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	const char *p = s;
	if (*p == '\0')
		return IB_PARSE_EMPTY;
	if (*p == '-')
		return IB_PARSE_NEGATIVE;
	if (*p != '.') {
		enum ib_parse_err e = scan_u64(p, 10, &whole, &p);
		if (e)
			return e;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p) && p - s == 1)
			return IB_PARSE_INVALID; /* "." alone */
		for (; isdigit((unsigned char)*p); p++) {
			if (frac_scale < 1000000000000000000ULL) { /* ignore digits past 1e-18 */
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_scale *= 10;
			}
		}
	}
	uint64_t unit;
	if (strcmp(p, "") == 0 || strcmp(p, "s") == 0)
		unit = 1000000000ULL;
	else if (strcmp(p, "ms") == 0)
		unit = 1000000ULL;
	else if (strcmp(p, "m") == 0)
		unit = 60000000000ULL;
	else if (strcmp(p, "h") == 0)
		unit = 3600000000000ULL;
	else if (strcmp(p, "d") == 0)
		unit = 86400000000000ULL;
	else
		return IB_PARSE_INVALID;
	if (whole > UINT64_MAX / unit)
		return IB_PARSE_RANGE;
	uint64_t v = whole * unit;
	/* frac/frac_scale of a unit; unit <= 8.64e13 and frac < 1e18 would overflow, so
	 * scale down first. */
	long double part = (long double)frac / (long double)frac_scale * (long double)unit;
	if ((long double)(UINT64_MAX - v) < part)
		return IB_PARSE_RANGE;
	*ns = v + (uint64_t)part;
	return IB_PARSE_OK;
}

/* ---- modes: the rules of chmod(1) for a non-directory ---- */

#define ALL_BITS 07777u
#define UGO_R (S_IRUSR | S_IRGRP | S_IROTH)
#define UGO_W (S_IWUSR | S_IWGRP | S_IWOTH)
#define UGO_X (S_IXUSR | S_IXGRP | S_IXOTH)

enum { CHANGE_ORDINARY, CHANGE_COPY, CHANGE_X_IF_ANY_X };

/* One "who op perms" step applied to MODE. */
static mode_t apply_change(mode_t mode, char op, int flag, mode_t who, mode_t value,
			   mode_t umask_bits)
{
	if (flag == CHANGE_COPY) {
		value &= mode;
		value |= ((value & UGO_R) ? UGO_R : 0) | ((value & UGO_W) ? UGO_W : 0) |
			 ((value & UGO_X) ? UGO_X : 0);
	} else if (flag == CHANGE_X_IF_ANY_X && (mode & UGO_X)) {
		value |= UGO_X;
	}
	value &= who ? who : (mode_t)~umask_bits;
	switch (op) {
	case '=':
		return (mode & (who ? (mode_t)~who : 0)) | value;
	case '+':
		return mode | value;
	default:
		return mode & (mode_t)~value;
	}
}

static bool parse_octal_mode(const char **pp, mode_t *out)
{
	const char *p = *pp;
	unsigned v = 0;
	do {
		v = v * 8 + (unsigned)(*p++ - '0');
		if (v > ALL_BITS)
			return false;
	} while (*p >= '0' && *p <= '7');
	*pp = p;
	*out = (mode_t)v;
	return true;
}

bool ib_parse_mode(const char *s, mode_t base, mode_t umask_bits, mode_t *out)
{
	const char *p = s;
	mode_t mode = base & ALL_BITS;
	if (*p >= '0' && *p <= '7') {
		mode_t v;
		if (!parse_octal_mode(&p, &v) || *p)
			return false;
		*out = v;
		return true;
	}
	for (;;) {
		mode_t who = 0;
		for (;; p++) {
			if (*p == 'u')
				who |= S_ISUID | S_IRWXU;
			else if (*p == 'g')
				who |= S_ISGID | S_IRWXG;
			else if (*p == 'o')
				who |= S_ISVTX | S_IRWXO;
			else if (*p == 'a')
				who |= ALL_BITS;
			else
				break;
		}
		if (*p != '=' && *p != '+' && *p != '-')
			return false;
		do {
			char op = *p++;
			mode_t value = 0;
			int flag = CHANGE_ORDINARY;
			mode_t step_who = who;
			if (*p >= '0' && *p <= '7') {
				/* "=644" style: only without a who, and alone in its clause. */
				if (!parse_octal_mode(&p, &value) || who || (*p && *p != ','))
					return false;
				step_who = ALL_BITS;
			} else if (*p == 'u' || *p == 'g' || *p == 'o') {
				value = *p == 'u' ? S_IRWXU : *p == 'g' ? S_IRWXG : S_IRWXO;
				flag = CHANGE_COPY;
				p++;
			} else {
				for (;; p++) {
					if (*p == 'r')
						value |= UGO_R;
					else if (*p == 'w')
						value |= UGO_W;
					else if (*p == 'x')
						value |= UGO_X;
					else if (*p == 'X')
						flag = CHANGE_X_IF_ANY_X;
					else if (*p == 's')
						value |= S_ISUID | S_ISGID;
					else if (*p == 't')
						value |= S_ISVTX;
					else
						break;
				}
			}
			mode = apply_change(mode, op, flag, step_who, value, umask_bits);
		} while (*p == '=' || *p == '+' || *p == '-');
		if (*p != ',')
			break;
		p++;
	}
	if (*p)
		return false;
	*out = mode;
	return true;
}

/* ---- time ---- */

struct timespec ib_ns_to_timespec(uint64_t ns)
{
	struct timespec ts;
	uint64_t secs = ns / 1000000000ULL;
	ts.tv_sec = secs > (uint64_t)INT32_MAX * 1000 ? (time_t)INT32_MAX * 1000 : (time_t)secs;
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	return ts;
}

struct timespec ib_deadline_after(uint64_t ns)
{
	return ib_clock_after(CLOCK_MONOTONIC, ns);
}

struct timespec ib_clock_after(clockid_t clock, uint64_t ns)
{
	struct timespec now, add = ib_ns_to_timespec(ns);
	clock_gettime(clock, &now);
	now.tv_sec += add.tv_sec;
	now.tv_nsec += add.tv_nsec;
	if (now.tv_nsec >= 1000000000L) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000L;
	}
	return now;
}

uint64_t ib_ns_until(struct timespec deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > deadline.tv_sec ||
	    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
		return 0;
	int64_t s = (int64_t)(deadline.tv_sec - now.tv_sec);
	int64_t n = (int64_t)(deadline.tv_nsec - now.tv_nsec);
	if (n < 0) {
		s--;
		n += 1000000000LL;
	}
	/* A duration of centuries (-w 18446744073s) saturates at INT64_MAX ns instead of
	 * overflowing: callers may still round it up or add to it. */
	if (s >= INT64_MAX / 1000000000LL)
		return (uint64_t)INT64_MAX;
	return (uint64_t)(s * 1000000000LL + n);
}
