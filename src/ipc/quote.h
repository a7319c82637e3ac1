/* Quoting file names for messages, as coreutils does ('name', "it's", 'a'$'\n''b'). */
#ifndef IPCBOX_QUOTE_H
#define IPCBOX_QUOTE_H

/* Returns S quoted so a shell reads it back unchanged. The result lives in one of a
 * few rotating static buffers: use it in the next message, do not keep it. */
const char *ib_quote(const char *s);

#endif
