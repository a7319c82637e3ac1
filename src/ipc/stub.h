/* For applets whose issue is still open: answer --help and --version, and say
 * "not implemented yet" (exit 1) to anything else. Delete once every applet exists. */
#ifndef IPCBOX_STUB_H
#define IPCBOX_STUB_H

int ib_stub_main(int argc, char **argv, const char *usage);

#endif
