/* Pseudoterminals for sockcat. `-e --pty -- COMMAND` runs COMMAND on a new terminal (a
 * session of its own, the terminal its controlling one) and relays the connection with
 * the terminal's master side. The address pty:LINK makes a raw terminal, links its slave
 * at LINK and relays stdin/stdout (or gives -e's COMMAND) the master side; the link is
 * removed at exit, only if it still is the one made. */
#ifndef IPCBOX_SOCKCAT_PTY_H
#define IPCBOX_SOCKCAT_PTY_H

#include <stdbool.h>

#include "sockcat-serve.h"

/* Whether TEXT is a pty:LINK address. */
bool ib_pty_is_address(const char *text);

/* Takes TEXT (pty:LINK) as O's address: checks that the options given go with it (a usage
 * error ends the process). */
void ib_sockcat_pty_address(struct sockcat_opts *o, const char *text);

/* Runs O's pty:LINK address. Returns the exit status. */
int ib_sockcat_pty_link(struct sockcat_opts *o);

/* Runs O's COMMAND on a new terminal for the peer on SOCK (called PEER in messages),
 * relaying the two until the terminal is closed. Returns COMMAND's status. */
int ib_sockcat_pty_command(const struct sockcat_opts *o, int sock, const char *peer);

/* Removes the link pty:LINK made, if it still is that link. Async-signal-safe: for
 * atexit and the SIGTERM handler. */
void ib_sockcat_pty_unlink(void);

/* The same, saying so when it cannot be removed. Returns 0, or -1 if it stayed. */
int ib_sockcat_pty_unlink_loud(void);

#endif
