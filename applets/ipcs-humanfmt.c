/* Sizes and times the way util-linux prints them; ipcs alone uses them. */
#include "ipcs-humanfmt.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <time.h>

static int binary_exponent(uint64_t n)
{
	int shift;
	for (shift = 10; shift <= 60; shift += 10)
		if (n < (1ULL << shift))
			break;
	return shift - 10;
}

const char *ib_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char letters[] = "BKMGTPE";
	int exp = binary_exponent(bytes);
	char suffix = letters[exp ? exp / 10 : 0];
	uint64_t dec = exp ? bytes / (1ULL << exp) : bytes;
	uint64_t frac = exp ? bytes % (1ULL << exp) : 0;

	if (frac) {
		/* three digits after the point, then round to one */
		if (frac >= UINT64_MAX / 1000)
			frac = ((frac / 1024) * 1000) / (1ULL << (exp - 10));
		else
			frac = (frac * 1000) / (1ULL << exp);
		frac = ((frac + 50) / 100) * 10;
		if (frac == 100) {
			dec++;
			frac = 0;
		}
	}
	if (frac) {
		const struct lconv *l = localeconv();
		const char *dp = l && l->decimal_point && *l->decimal_point ? l->decimal_point : ".";
		/* frac is 10..90 here: one digit after the point */
		snprintf(buf, len, "%" PRIu64 "%s%u%c", dec, dp, (unsigned)(frac / 10), suffix);
	} else {
		snprintf(buf, len, "%" PRIu64 "%c", dec, suffix);
	}
	return buf;
}

const char *ib_ctime(int64_t t, char *buf, size_t len)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		snprintf(buf, len, "%" PRId64, t);
		return buf;
	}
	snprintf(buf, len, "%.3s %.3s%3d %.2d:%.2d:%.2d %d", days + 3 * tm.tm_wday,
		 months + 3 * tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 tm.tm_year + 1900);
	return buf;
}
