/* spawn3: the floor for any program that starts a three-stage pipeline, for the
 * pipeline bench case to compare with: runs COMMAND three times connected by pipes and
 * waits for all three, doing nothing else. Each child is a clone sharing our memory
 * (no waiting for its exec), as ipcbox's pipeline does; it is linked like the build
 * under test (dynamically by default).
 *   spawn3 COMMAND [ARG...]          exit status: 0 if all three exited 0 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct kid {
	char **argv;
	int in, out;
};

static int kid_main(void *arg)
{
	struct kid *k = arg;
	if (k->in >= 0)
		dup2(k->in, 0);
	if (k->out >= 0)
		dup2(k->out, 1);
	execve(k->argv[0], k->argv, environ);
	_exit(127);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	enum { STACK = 64 * 1024 };
	static struct kid kids[3];
	char *stacks = mmap(NULL, 3 * STACK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stacks == MAP_FAILED)
		return 1;
	int in = -1;
	for (int i = 0; i < 3; i++) {
		int p[2] = { -1, -1 };
		if (i < 2 && pipe2(p, O_CLOEXEC) != 0)
			return 1;
		kids[i] = (struct kid){ argv + 1, in, p[1] };
		if (clone(kid_main, stacks + (i + 1) * STACK, CLONE_VM | SIGCHLD, &kids[i]) < 0)
			return 1;
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
	int ws, bad = 0;
	for (int i = 0; i < 3; i++)
		if (wait(&ws) < 0 || ws != 0)
			bad = 1;
	return bad;
}
