/* timeit: runs a command N times and prints the median wall time of one run in
 * microseconds. With "--vs" and a second command, runs the two in turn (first, second,
 * first...), so that a machine that slows down or speeds up meanwhile affects both
 * alike, and prints both medians on one line. With --unlink PATH, removes PATH after
 * each run (not timed).
 *   timeit [-n N] [--unlink PATH] -- COMMAND [ARG...] [--vs COMMAND [ARG...]]
 * Commands' stdout goes to /dev/null. Exits 1 if any run fails, so a broken case never
 * yields a number. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Runs CMD once; returns its wall time in microseconds, or -1 if it failed. */
static double run_once(char **cmd, const posix_spawn_file_actions_t *fa, const char *unlink_path)
{
	struct timespec a, b;
	pid_t pid;
	int st;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int e = posix_spawnp(&pid, cmd[0], fa, NULL, cmd, environ);
	if (e) {
		fprintf(stderr, "timeit: %s: %s\n", cmd[0], strerror(e));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "timeit: %s failed (status %d)\n", cmd[0], st);
		return -1;
	}
	if (unlink_path)
		unlink(unlink_path);
	return (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
}

int main(int argc, char **argv)
{
	int n = 100, i = 1;
	const char *unlink_path = NULL;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "--unlink") == 0 && i + 1 < argc)
			unlink_path = argv[++i];
		else {
			fprintf(stderr, "timeit: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	char **cmd[2] = { argv + i + 1, NULL };
	for (int j = i + 1; j < argc; j++)
		if (strcmp(argv[j], "--vs") == 0) {
			argv[j] = NULL;
			cmd[1] = argv + j + 1;
			break;
		}
	if (i + 1 >= argc || n < 1 || !cmd[0][0] || (cmd[1] && !cmd[1][0])) {
		fprintf(stderr, "usage: timeit [-n N] [--unlink PATH] -- COMMAND [ARG...] "
				"[--vs COMMAND [ARG...]]\n");
		return 2;
	}
	int ncmd = cmd[1] ? 2 : 1;
	double *t[2] = { malloc(sizeof(double) * (size_t)n), malloc(sizeof(double) * (size_t)n) };
	if (!t[0] || !t[1])
		return 1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int r = 0; r < n; r++)
		for (int c = 0; c < ncmd; c++)
			if ((t[c][r] = run_once(cmd[c], &fa, unlink_path)) < 0)
				return 1;
	for (int c = 0; c < ncmd; c++) {
		qsort(t[c], (size_t)n, sizeof(double), cmp);
		printf(c ? " %.1f" : "%.1f", t[c][n / 2]);
	}
	putchar('\n');
	free(t[0]);
	free(t[1]);
	return 0;
}
