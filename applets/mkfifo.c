/* mkfifo: make named pipes. A drop-in for coreutils mkfifo: same options, messages,
 * modes and exit codes (1 for every failure, usage errors included). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/parse.h"
#include "ipc/pathmode.h"
#include "ipc/quote.h"

static const char usage[] =
	"Usage: mkfifo [OPTION]... NAME...\n"
	"Create named pipes (FIFOs) with the given NAMEs.\n"
	"\n"
	"  -m, --mode=MODE    set file permission bits to MODE (octal, or symbolic\n"
	"                       relative to a=rw), not a=rw - umask\n"
	"  -Z                 set the SELinux security context to the default type\n"
	"      --context[=CTX]  like -Z, or set the SELinux context to CTX\n"
	"      --help         display this help and exit\n"
	"      --version      output version information and exit\n"
	"\n"
	"Exit status is 0 if every FIFO was made, 1 otherwise.\n";

enum { OPT_CONTEXT = 1 };

static const struct option longopts[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "context", optional_argument, NULL, OPT_CONTEXT },
	IB_STD_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

static int selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* Makes later file creations use CTX, as setfscreatecon(3) does. */
static void set_create_context(const char *ctx)
{
	if (!selinux_enabled()) {
		ib_warn("warning: ignoring --context; it requires an SELinux/SMACK-enabled kernel");
		return;
	}
	int fd = open("/proc/thread-self/attr/fscreate", O_WRONLY | O_CLOEXEC);
	size_t len = strlen(ctx) + 1;
	if (fd < 0 || write(fd, ctx, len) != (ssize_t)len)
		ib_die_sys(IB_EXIT_FAIL, errno, "failed to set default file creation context to %s",
			   ib_quote(ctx));
	close(fd);
}

/* Makes the fifo PATH with exactly MODE. Under a umask that gives MODE it is born with
 * it, so nothing is done to PATH by name afterwards, where a symbolic link planted in
 * the meantime would be followed (chmod) or refused (a plain lchmod, as coreutils
 * does); only a default ACL that changed the mode is mended, on the fifo itself.
 * Returns 0, or -1 with errno and *WHAT saying which step failed. */
static int make_fifo_mode(const char *path, mode_t mode, const char **what)
{
	mode_t old = umask(ib_umask_for(mode));
	int rc = mkfifo(path, mode);
	int err = errno;
	umask(old);
	errno = err;
	*what = "cannot create fifo";
	if (rc != 0)
		return -1;
	*what = "cannot set permissions of";
	return ib_settle_mode(path, S_IFIFO, mode, NULL) < 0 ? -1 : 0;
}

int mkfifo_main(int argc, char **argv)
{
	const char *mode_arg = NULL, *context = NULL;
	int opt;

	setlocale(LC_ALL, ""); /* names in messages are quoted for the user's charset */
	ib_set_prog(argv[0]);
	while ((opt = getopt_long(argc, argv, "m:Z", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			mode_arg = optarg;
			break;
		case 'Z':
			break; /* the default context is what the kernel gives anyway */
		case OPT_CONTEXT:
			context = optarg;
			break;
		case IB_OPT_HELP:
			ib_help_exit(usage);
		case IB_OPT_VERSION:
			ib_version_exit();
		default:
			ib_bad_option(IB_EXIT_FAIL);
		}
	}
	if (optind == argc)
		ib_usage_error_code(IB_EXIT_FAIL, "missing operand");
	if (context)
		set_create_context(context);

	mode_t mode = S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;
	if (mode_arg) {
		mode_t mask = umask(0);
		umask(mask);
		if (!ib_parse_mode(mode_arg, mode, mask, &mode))
			ib_die(IB_EXIT_FAIL, "invalid mode");
		if (mode & ~(mode_t)(S_IRWXU | S_IRWXG | S_IRWXO))
			ib_die(IB_EXIT_FAIL, "mode must specify only file permission bits");
	}

	int status = IB_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const char *what = "cannot create fifo";
		if (mode_arg ? make_fifo_mode(argv[i], mode, &what) != 0 : mkfifo(argv[i], mode) != 0) {
			ib_warn_sys(errno, "%s %s", what, ib_quote(argv[i]));
			status = IB_EXIT_FAIL;
		}
	}
	return status;
}
