/* Shell completion from an applet's option table: see complete.c for the protocol
 * the completion scripts in completions/ speak. */
#ifndef IPCBOX_COMPLETE_H
#define IPCBOX_COMPLETE_H

#include "ipc/opt.h"

/* Prints how to complete the last of WORDS (the words after the applet's name, the
 * one being completed last, possibly empty) on stdout. */
void ib_complete(const struct ib_cmd *cmd, int nwords, char **words);

#endif
