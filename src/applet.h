/* Declares every applet's entry point, int NAME_main(int argc, char **argv), from the
 * list in applets.h. Each applet file includes this so its definition is checked. */
#ifndef IPCBOX_APPLET_H
#define IPCBOX_APPLET_H

#define APPLET(name, summary) int name##_main(int argc, char **argv);
#include "applets.h"
#undef APPLET

#endif
