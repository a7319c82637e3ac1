/* msgloop: the raw C limit for tests/bench/msg.sh. One process sends N messages of
 * SIZE bytes to the System V queue KEY, another receives N; no I/O besides.
 *   msgloop send KEY N SIZE | msgloop recv KEY N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: msgloop send|recv KEY N [SIZE]\n");
		return 2;
	}
	key_t key = (key_t)strtol(argv[2], NULL, 0);
	long n = atol(argv[3]);
	size_t size = argc > 4 ? (size_t)atol(argv[4]) : 16;
	int id = msgget(key, IPC_CREAT | 0600);
	if (id < 0) {
		perror("msgget");
		return 1;
	}
	struct {
		long type;
		char text[8192];
	} m = { 1, { 0 } };
	memset(m.text, 'x', sizeof m.text);
	if (strcmp(argv[1], "send") == 0) {
		for (long i = 0; i < n; i++)
			if (msgsnd(id, &m, size, 0) != 0) {
				perror("msgsnd");
				return 1;
			}
	} else {
		for (long i = 0; i < n; i++)
			if (msgrcv(id, &m, sizeof m.text, 0, 0) < 0) {
				perror("msgrcv");
				return 1;
			}
	}
	return 0;
}
