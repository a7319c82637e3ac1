/* spawn3: the floor for any program that starts a three-stage pipeline, for the
 * pipeline bench case to compare with: runs COMMAND three times connected by pipes and
 * waits for all three, doing nothing else. With "vfork" each child is a vfork, as
 * ipcbox's pipeline does it (the next starts once one has exec'd); with "clone" a
 * clone sharing our memory without CLONE_VFORK (no waiting for the exec at all), to
 * show what that would buy on this machine. Linked like the build under test
 * (dynamically by default).
 *   spawn3 vfork|clone COMMAND [ARG...]      exit status: 0 if all three exited 0 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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

/* In a function of its own: a vfork child cannot clobber main's variables. */
__attribute__((noinline)) static pid_t start(struct kid *k, char *stack_top, bool use_clone)
{
	if (use_clone)
		return clone(kid_main, stack_top, CLONE_VM | SIGCHLD, k);
	pid_t pid = vfork();
	if (pid == 0)
		kid_main(k);
	return pid;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	enum { STACK = 64 * 1024 };
	bool use_clone = strcmp(argv[1], "clone") == 0;
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
		kids[i] = (struct kid){ argv + 2, in, p[1] };
		if (start(&kids[i], stacks + (i + 1) * STACK, use_clone) < 0)
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
