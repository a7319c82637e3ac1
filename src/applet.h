/* Declares every applet's entry point, int NAME_main(int argc, char **argv), and its
 * command-line description, const struct ib_cmd NAME_cmd (src/ipc/opt.h), from the
 * list in applets.h. Each applet file includes this so its definitions are checked. */
#ifndef IPCBOX_APPLET_H
#define IPCBOX_APPLET_H

struct ib_cmd;
#define APPLET(name, summary) \
	int name##_main(int argc, char **argv); \
	extern const struct ib_cmd name##_cmd;
#include "applets.h"
#undef APPLET

#endif
