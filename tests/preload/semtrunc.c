/* LD_PRELOAD shim standing for a user who truncates a /dev/shm/sem.* file at the
 * worst moment: right after ipcbox has mapped it, or right before it reads it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
static void truncate_sem(int fd)
{
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n > 0) {
		path[n] = '\0';
		if (strncmp(path, "/dev/shm/sem.", 13) == 0)
			truncate(path, 0);
	}
}
void *mmap(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
	void *(*real)(void *, size_t, int, int, int, off_t) =
		(void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	void *p = real(a, len, prot, flags, fd, off);
	if (fd >= 0)
		truncate_sem(fd);
	return p;
}
#ifdef __GLIBC__ /* musl's mmap64 is mmap */
void *mmap64(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(a, len, prot, flags, fd, off);
}
#endif
ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t (*real)(int, void *, size_t, off_t) =
		(ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	truncate_sem(fd);
	return real(fd, buf, len, off);
}
#ifdef __GLIBC__
ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off);
}
#endif
