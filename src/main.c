/* ipcbox: multicall dispatch. Picks the applet from argv[0]'s basename, or from the
 * first argument when called as ipcbox; everything else lives in the applets. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/compat.h"
#include "ipc/complete.h"
#include "ipc/err.h"

struct applet {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
	const struct ib_cmd *cmd;
};

static const struct applet applets[] = {
#define APPLET(name, summary) { #name, summary, name##_main, &name##_cmd },
#include "applets.h"
#undef APPLET
};
#define NAPPLETS (sizeof applets / sizeof applets[0])

static const char usage[] =
	"Usage: ipcbox APPLET [ARGUMENT]...\n"
	"   or: APPLET [ARGUMENT]...\n"
	"   or: ipcbox [--list | --install [-s] DIR | --help | --version]\n"
	"\n"
	"Command-line tools for Unix inter-process communication, in one binary.\n"
	"\n"
	"  -l, --list             list the applets, one a line\n"
	"      --install [-s] DIR  make a hard link (-s: symbolic) named after each\n"
	"                         applet in DIR\n"
	"      --help             display this help and exit\n"
	"      --version          output version information and exit\n"
	"\n"
	"Applets:\n";

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

static int list_applets(void)
{
	for (size_t i = 0; i < NAPPLETS; i++)
		puts(applets[i].name);
	return ib_finish(IB_EXIT_OK);
}

static int help(void)
{
	fputs(usage, stdout);
	for (size_t i = 0; i < NAPPLETS; i++)
		printf("  %-10s %s\n", applets[i].name, applets[i].summary);
	fputs("\nRun 'ipcbox APPLET --help' for an applet's options.\n", stdout);
	return ib_finish(IB_EXIT_OK);
}

/* Links every applet name in DIR to this binary; an existing entry that already is
 * this binary is left alone, anything else there is an error. */
static int install_links(const char *dir, bool symbolic)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "cannot find this binary (/proc/self/exe)");
	self[n] = '\0';
	struct stat selfst;
	if (stat(self, &selfst) != 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "%s", self);
	/* One line for a missing DIR, not one per applet. */
	struct stat dirst;
	if (stat(dir, &dirst) != 0)
		ib_die_sys(IB_EXIT_FAIL, errno, "cannot install into %s", dir);
	if (!S_ISDIR(dirst.st_mode))
		ib_die_sys(IB_EXIT_FAIL, ENOTDIR, "cannot install into %s", dir);
	int status = IB_EXIT_OK;
	for (size_t i = 0; i < NAPPLETS; i++) {
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, applets[i].name) >= sizeof path) {
			ib_warn("%s/%s: %s", dir, applets[i].name, strerror(ENAMETOOLONG));
			status = IB_EXIT_FAIL;
			continue;
		}
		int r = symbolic ? symlink(self, path) : link(self, path);
		if (r == 0)
			continue;
		struct stat st;
		if (errno == EEXIST && stat(path, &st) == 0 && st.st_dev == selfst.st_dev &&
		    st.st_ino == selfst.st_ino)
			continue;
		ib_warn_sys(errno, "cannot link %s", path);
		status = IB_EXIT_FAIL;
	}
	return status;
}

/* ipcbox --complete APPLET WORD... CUR, for the completion scripts; with no
 * applet named yet (ipcbox CUR), the applets and ipcbox's own options. */
static int complete(int nwords, char **words)
{
	const struct applet *a = nwords > 1 ? find_applet(words[0]) : NULL;
	if (a) {
		ib_complete(a->cmd, nwords - 1, words + 1);
		return ib_finish(IB_EXIT_OK);
	}
	puts("words");
	if (nwords != 1)
		return ib_finish(IB_EXIT_OK);
	static const char *const own[] = { "--list", "--install", "--help", "--version" };
	for (size_t i = 0; i < NAPPLETS + IB_NELEM(own); i++) {
		const char *w = i < NAPPLETS ? applets[i].name : own[i - NAPPLETS];
		if (strncmp(w, words[0], strlen(words[0])) == 0)
			puts(w);
	}
	return ib_finish(IB_EXIT_OK);
}

static int ipcbox_main(int argc, char **argv)
{
	if (argc < 2)
		return list_applets();
	const char *arg = argv[1];
	if (strcmp(arg, "--list") == 0 || strcmp(arg, "-l") == 0)
		return argc == 2 ? list_applets() : (ib_usage_error("--list takes no argument"), 0);
	if (strcmp(arg, "--help") == 0)
		return help();
	if (strcmp(arg, "--version") == 0)
		ib_version_exit();
	if (strcmp(arg, "--complete") == 0)
		return complete(argc - 2, argv + 2);
	if (strcmp(arg, "--install") == 0) {
		bool symbolic = argc >= 3 && strcmp(argv[2], "-s") == 0;
		if (argc != (symbolic ? 4 : 3))
			ib_usage_error("usage: ipcbox --install [-s] DIR");
		return install_links(argv[symbolic ? 3 : 2], symbolic);
	}
	if (arg[0] == '-')
		ib_usage_error("unrecognized option '%s'", arg);
	const struct applet *a = find_applet(arg);
	if (!a)
		ib_die(IB_EXIT_NOTFOUND, "%s: applet not found", arg);
	ib_set_prog(a->name);
	optind = 1;
	return ib_finish(a->main(argc - 1, argv + 1));
}

/* Started with 0, 1 or 2 closed, the first thing an applet opened would land there: a
 * socket taken for stdin and stdout (the peer's data sent straight back), a dump file
 * written raw as stdout. So each closed one is held first by an O_PATH descriptor:
 * reading or writing it fails with EBADF as on a closed descriptor, so data bound for a
 * closed stdout is an error, never discarded; it is close-on-exec, so a command an
 * applet runs finds it closed, as it would from a shell. */
static void hold_closed_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: FD itself, as 0..FD-1 are open by now. */
		int held = open("/dev/null", O_PATH | O_CLOEXEC);
		if (held < 0)
			held = open("/", O_PATH | O_CLOEXEC);
		if (held != fd)
			ib_die_sys(IB_EXIT_FAIL, held < 0 ? errno : EBADF,
				   "cannot hold closed descriptor %d", fd);
	}
}

/* No setlocale() here: loading a locale is most of the start-up time, and most
 * applets print nothing locale-dependent (JSON must not get a locale's decimal
 * comma). An applet whose output follows the locale calls setlocale itself. */
int main(int argc, char **argv)
{
	hold_closed_std_fds();
	ib_stdout_setup();
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argv[0] ? argv[0] : "ipcbox");
	const struct applet *a = find_applet(base);
	if (a) {
		ib_set_prog(a->name);
		return ib_finish(a->main(argc, argv));
	}
	return ipcbox_main(argc, argv);
}
