/* mkfifo: make named pipes. A drop-in for coreutils mkfifo: same options, messages,
 * modes and exit codes (1 for every failure, usage errors included). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/opt.h"
#include "ipc/parse.h"
#include "ipc/pathmode.h"
#include "ipc/quote.h"

enum { OPT_CONTEXT = 0x100 };

static const struct ib_opt options[] = {
	IB_HEADING("Mandatory arguments to long options are mandatory for short options too."),
	/* coreutils' modes (relative to a=rw, its own messages): parsed below */
	IB_OPT('m', "mode", TEXT, "MODE",
	       "set file permission bits to MODE (octal, or symbolic relative to a=rw), "
	       "not a=rw - umask"),
	IB_OPT('Z', NULL, NONE, NULL, "set the SELinux security context to the default type"),
	IB_OPT(OPT_CONTEXT, "context", TEXT, "CTX", "like -Z, or set the SELinux context to CTX",
	       .flags = IB_OPT_OPTARG),
};

const struct ib_cmd mkfifo_cmd = {
	.usage = "Usage: mkfifo [OPTION]... NAME...\n"
		 "Create named pipes (FIFOs) with the given NAMEs.\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "Exit status is 0 if every FIFO was made, 1 otherwise.\n",
	.usage_status = IB_EXIT_FAIL, /* as coreutils */
	.operands = IB_ARG_PATH,
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
	struct ib_args args;
	ib_args_init(&args, &mkfifo_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		switch (opt) {
		case 'm': mode_arg = args.arg; break;
		case 'Z': break; /* the default context is what the kernel gives anyway */
		case OPT_CONTEXT: context = args.arg; break;
		}
	}
	if (args.nops == 0)
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
	for (int i = 0; i < args.nops; i++) {
		const char *path = args.ops[i];
		const char *what = "cannot create fifo";
		if (mode_arg ? make_fifo_mode(path, mode, &what) != 0 : mkfifo(path, mode) != 0) {
			ib_warn_sys(errno, "%s %s", what, ib_quote(path));
			status = IB_EXIT_FAIL;
		}
	}
	return status;
}
