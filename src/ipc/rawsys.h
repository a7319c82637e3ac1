/* The system calls a child makes between clone or vfork and exec, while it still runs
 * on its parent's memory. They return -errno instead of setting errno, since errno is
 * the parent's: a child of clone(CLONE_VM) without CLONE_VFORK runs alongside the parent,
 * and must not write to it. On x86-64 and AArch64 they are the bare instruction
 * (IB_RAWSYS_NATIVE is 1); elsewhere they call libc, which does set errno, and then
 * only a vfork child (the parent suspended) may use them. */
#ifndef IPCBOX_RAWSYS_H
#define IPCBOX_RAWSYS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Inlined, so that a sanitizer does not instrument them as functions of their own. */
#define IB_RAWSYS_FN static inline __attribute__((always_inline))

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(__ILP32__) /* not x32, ILP32 */
#define IB_RAWSYS_NATIVE 1

IB_RAWSYS_FN long ib_rawsys(long n, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
#endif
}

/* The kernel's struct sigaction on both: handler, flags, restorer, 64-bit mask (long
 * is 64 bits: LP64 only). */
struct ib_ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

IB_RAWSYS_FN int ib_sys_setpgid(pid_t pid, pid_t pgid)
{
	return (int)ib_rawsys(SYS_setpgid, pid, pgid, 0, 0);
}
IB_RAWSYS_FN int ib_sys_prctl(int option, unsigned long arg)
{
	return (int)ib_rawsys(SYS_prctl, option, (long)arg, 0, 0);
}
IB_RAWSYS_FN pid_t ib_sys_getppid(void)
{
	return (pid_t)ib_rawsys(SYS_getppid, 0, 0, 0, 0);
}
IB_RAWSYS_FN int ib_sys_clear_cloexec(int fd)
{
	return (int)ib_rawsys(SYS_fcntl, fd, F_SETFD, 0, 0);
}
IB_RAWSYS_FN int ib_sys_dup2(int from, int to) /* FROM != TO */
{
	return (int)ib_rawsys(SYS_dup3, from, to, 0, 0);
}
/* Sets SIG's disposition to SIG_DFL or SIG_IGN. */
IB_RAWSYS_FN int ib_sys_signal(int sig, void (*disp)(int))
{
	struct ib_ksigaction ka = { disp, 0, 0, 0 };
	return (int)ib_rawsys(SYS_rt_sigaction, sig, (long)&ka, 0, 8);
}
IB_RAWSYS_FN int ib_sys_unblock_all(void)
{
	unsigned long none = 0;
	return (int)ib_rawsys(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, 8);
}
IB_RAWSYS_FN int ib_sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)ib_rawsys(SYS_execve, (long)path, (long)argv, (long)envp, 0);
}
__attribute__((noreturn)) IB_RAWSYS_FN void ib_sys_exit(int code)
{
	for (;;)
		ib_rawsys(SYS_exit_group, code, 0, 0, 0);
}

#else /* libc's wrappers: they set errno */
#define IB_RAWSYS_NATIVE 0

#define IB_SYS_(call) ((call) < 0 ? -errno : 0)
IB_RAWSYS_FN int ib_sys_setpgid(pid_t pid, pid_t pgid) { return IB_SYS_(setpgid(pid, pgid)); }
IB_RAWSYS_FN int ib_sys_prctl(int option, unsigned long arg)
{
	return IB_SYS_(prctl(option, arg, 0, 0, 0));
}
IB_RAWSYS_FN pid_t ib_sys_getppid(void) { return getppid(); }
IB_RAWSYS_FN int ib_sys_clear_cloexec(int fd) { return IB_SYS_(fcntl(fd, F_SETFD, 0)); }
IB_RAWSYS_FN int ib_sys_dup2(int from, int to) { return IB_SYS_(dup2(from, to)); }
IB_RAWSYS_FN int ib_sys_signal(int sig, void (*disp)(int))
{
	struct sigaction sa = { 0 };
	sa.sa_handler = disp;
	return IB_SYS_(sigaction(sig, &sa, NULL));
}
IB_RAWSYS_FN int ib_sys_unblock_all(void)
{
	sigset_t none;
	sigemptyset(&none);
	return IB_SYS_(sigprocmask(SIG_SETMASK, &none, NULL));
}
IB_RAWSYS_FN int ib_sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return IB_SYS_(execve(path, argv, envp));
}
__attribute__((noreturn)) IB_RAWSYS_FN void ib_sys_exit(int code) { _exit(code); }
#endif

#endif
