/* mkposix shm|sem|mq /NAME [MODE]: makes a POSIX object with exactly MODE (default
 * 0600), as another program would, for the ipcrm tests. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	mode_t mode = argc > 3 ? (mode_t)strtoul(argv[3], NULL, 8) : 0600;
	umask(0);
	if (strcmp(argv[1], "shm") == 0) {
		int fd = shm_open(argv[2], O_CREAT | O_EXCL | O_RDWR, mode);
		if (fd < 0 || ftruncate(fd, 4096) < 0) { perror("shm_open"); return 1; }
	} else if (strcmp(argv[1], "sem") == 0) {
		if (sem_open(argv[2], O_CREAT | O_EXCL, mode, 1) == SEM_FAILED) { perror("sem_open"); return 1; }
	} else if (mq_open(argv[2], O_CREAT | O_EXCL | O_RDWR, mode, NULL) == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	return 0;
}
