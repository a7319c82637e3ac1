/* ipcrm: not implemented yet; its issue replaces this stub. */
#include "applet.h"
#include "ipc/stub.h"

static const char usage[] =
	"Usage: ipcrm [OPTION]...\n"
	"Remove certain IPC resources.\n"
	"\n"
	"      --help     display this help and exit\n"
	"      --version  output version information and exit\n"
	"\n"
	"This applet is not implemented yet.\n";

int ipcrm_main(int argc, char **argv)
{
	return ib_stub_main(argc, argv, usage);
}
