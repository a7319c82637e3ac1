/* swaplink DIR NAME TARGET COUNT: the adversary of a program that makes DIR/NAME and
 * then changes it by name. Each time DIR/NAME is created (inotify, so no polling and
 * no sleep), it is replaced at once, atomically, by a symbolic link to TARGET, as a
 * hostile user with write access to DIR would. Prints "ready" on stderr once it
 * watches and "swapped N" after each swap; exits after COUNT swaps. A test helper,
 * not part of ipcbox. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("usage: swaplink DIR NAME TARGET COUNT\n", stderr);
		return 2;
	}
	const char *dir = argv[1], *name = argv[2], *target = argv[3];
	long count = strtol(argv[4], NULL, 10), swapped = 0;
	char path[PATH_MAX], tmp[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.swap", dir, name);
	int in = inotify_init1(IN_CLOEXEC);
	if (in < 0 || inotify_add_watch(in, dir, IN_CREATE) < 0) {
		perror("swaplink: inotify");
		return 1;
	}
	fputs("ready\n", stderr);
	fflush(stderr);
	while (swapped < count) {
		char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno != EINTR) {
			perror("swaplink: read");
			return 1;
		}
		for (char *q = buf; n > 0 && q < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)(void *)q;
			q += sizeof(*ev) + ev->len;
			if (ev->len == 0 || strcmp(ev->name, name) != 0)
				continue;
			unlink(tmp);
			if (symlink(target, tmp) == 0 && rename(tmp, path) == 0)
				fprintf(stderr, "swapped %ld\n", ++swapped);
		}
	}
	return 0;
}
