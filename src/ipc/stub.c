#include "ipc/stub.h"

#include <string.h>

#include "ipc/err.h"

int ib_stub_main(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0)
			ib_help_exit(usage);
		if (strcmp(argv[i], "--version") == 0)
			ib_version_exit();
	}
	ib_warn("not implemented yet");
	return IB_EXIT_FAIL;
}
