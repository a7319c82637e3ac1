/* Sizes and times the way util-linux prints them (ipcs, lsipc); ipcs alone uses
 * them, so they live beside it. */
#ifndef IPCBOX_IPCS_HUMANFMT_H
#define IPCBOX_IPCS_HUMANFMT_H

#include <stddef.h>
#include <stdint.h>

/* A size with a one-letter binary suffix, rounded to one decimal: "0B", "4.9K",
 * "3M", "16E" (util-linux size_to_human_string with SIZE_SUFFIX_1LETTER). The
 * decimal point is the locale's. BUF holds at least 32 bytes. */
const char *ib_human_size(uint64_t bytes, char *buf, size_t len);

/* T as ctime(3) prints it in local time, without the newline:
 * "Sat Nov 21 16:41:01 2026". BUF holds at least 64 bytes. */
const char *ib_ctime(int64_t t, char *buf, size_t len);

#endif
