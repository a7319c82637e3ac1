/* Quoting file names for messages, as coreutils does ('name', "it's", 'a'$'\n''b'). */
#ifndef IPCBOX_QUOTE_H
#define IPCBOX_QUOTE_H

#include <stdbool.h>

/* Returns S quoted so a shell reads it back unchanged. The result lives in one of a
 * few rotating static buffers: use it in the next message, do not keep it. */
const char *ib_quote(const char *s);

/* Whether S holds a character a terminal would not show as itself: a control byte,
 * or a sequence that is invalid or unprintable in the current locale (LC_CTYPE). */
bool ib_has_unprintable(const char *s);

#endif
