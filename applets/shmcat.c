/* shmcat: read, write and inspect System V and POSIX shared memory segments.
 * Bytes move in one copy between the segment and the descriptor: write(2) straight
 * from the mapping, read(2) straight into it. -w is all or nothing: input that does
 * not fit leaves the segment as it was (see write_segment). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "ipc/err.h"
#include "ipc/io.h"
#include "ipc/object.h"
#include "ipc/opt.h"
#include "ipc/parse.h"

#include "shmcat-ahead.h"
#include "shmcat-shm.h"

enum { OPT_STAT = 0x100, OPT_JSON };
/* --stat excludes each of -w, -o and -L (which go together). */
enum { EXCL_WRITE = 1, EXCL_OFFSET = 2, EXCL_LENGTH = 4 };
/* Offsets, lengths and sizes must fit a size_t. */
#define MAX_BYTES (SIZE_MAX < INT64_MAX ? (int64_t)SIZE_MAX : INT64_MAX)

static const struct ib_opt options[] = {
	IB_HEADING("The segment (OBJECT):"),
	IB_OBJECT_OPTS("segment"),
	IB_OBJECT_CREATE_ONLY("segment"),
	IB_OPT('s', "size", SIZE, "SIZE", "with -c: the size of the new segment", .min = 1,
	       .max = MAX_BYTES),
	IB_HEADING("What to do:"),
	IB_OPT('o', "offset", SIZE, "OFFSET", "start OFFSET bytes into the segment (default 0)",
	       .max = MAX_BYTES, .excl = EXCL_OFFSET),
	IB_OPT('L', "length", SIZE, "LENGTH",
	       "copy LENGTH bytes (default: to the end of the segment)", .max = MAX_BYTES,
	       .excl = EXCL_LENGTH),
	IB_OPT('w', "write", NONE, NULL,
	       "copy standard input into the segment at OFFSET; input that does not fit is "
	       "an error and changes nothing", .excl = EXCL_WRITE),
	IB_OPT(OPT_STAT, "stat", NONE, NULL, "show size, owner, mode, attaches, pids and times",
	       .excl = EXCL_WRITE | EXCL_OFFSET | EXCL_LENGTH),
	IB_OPT(OPT_JSON, "json", NONE, NULL, "with --stat: print one JSON object"),
};

const struct ib_cmd shmcat_cmd = {
	.usage = "Usage: shmcat OBJECT [-o OFFSET] [-L LENGTH]\n"
		 "   or: shmcat OBJECT -w [-o OFFSET] [-L LENGTH]\n"
		 "   or: shmcat OBJECT --stat [--json]\n"
		 "   or: shmcat OBJECT -c -s SIZE [-x] [-m MODE]\n"
		 "               [-w [-o OFFSET] [-L LENGTH] | --stat [--json]]\n"
		 "Copy a shared memory segment to standard output, fill it from standard input\n"
		 "(-w), show its status (--stat), or create it (-c).\n",
	.opts = options,
	.nopts = IB_NELEM(options),
	.footer = "SIZE, OFFSET and LENGTH are bytes (decimal or 0x hex) with an optional K, M,\n"
		  "G or T (1024-based).\n"
		  "Exit status: 0 done, 1 failed (a failed -w changed nothing), 2 usage error.\n",
	.kinds = IB_KIND_BIT(IB_SHM),
};

/* The most one read(2) or write(2) moves, so the helper that works ahead
 * (shmcat-ahead.h) hears of the progress often. */
#define CHUNK IB_AHEAD_GRANULE

/* The signal that interrupted -w, if any. */
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

/* What -w holds off while it copies, and lets in only while it waits for input: the
 * signals that would end shmcat and that it can catch, but for those that report a
 * crash (SIGSEGV, SIGBUS, ...). SIGPIPE is among them: sent by kill(1), it left a
 * segment half written (the fault sweep found it). */
static const int stop_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1,
				    SIGUSR2, SIGALRM };
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

static int dump(const struct ib_shm *s, size_t off, size_t len)
{
	struct ib_ahead ahead;
	int status = IB_EXIT_OK;
	if (len == 0)
		return status; /* nothing to copy; an empty object may not be mapped at all */
	/* A reader that went away is an error to report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	/* A bigger pipe means fewer switches between us and the reader (best effort). */
	(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, (int)CHUNK);
	ib_ahead_start(&ahead, s->addr + off, len, false, NULL, -1, 0);
	for (size_t done = 0; done < len;) {
		size_t ready = ib_ahead_reached(&ahead, done), put;
		size_t n = ready - done < CHUNK ? ready - done : CHUNK;
		if (ib_write_all(STDOUT_FILENO, s->addr + off + done, n, &put) != 0) {
			size_t now;
			if (errno == EFAULT && ib_shm_shrank(s, &now))
				ib_warn("read %s: another process truncated the segment to %zu bytes; "
					"%zu of %zu bytes written", s->label, now, done + put, len);
			else
				ib_warn_sys(errno, "write to standard output after %zu of %zu bytes",
					    done + put, len);
			status = IB_EXIT_FAIL;
			break;
		}
		done += n;
	}
	ib_ahead_stop(&ahead);
	return status;
}

/* How many bytes are left in standard input if it is a regular file that says so,
 * or -1 if that cannot be known (a pipe, a terminal, a /proc file that reports 0). */
static int64_t input_size(void)
{
	struct stat st;
	if (fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return -1;
	off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	return pos >= st.st_size ? 0 : (int64_t)(st.st_size - pos);
}

/* How many bytes standard input (a pipe, a socket) has ready, or 0 if it cannot say. */
static size_t input_ready(void)
{
	int n;
	return ioctl(STDIN_FILENO, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

/* Puts back [DST, DST+DONE) after a failed -w: zeros for a segment this run created,
 * else BACKUP; only what is left of a segment another process truncated. Returns
 * whether the segment is now as it was (but for the truncation). */
static bool put_back(const struct ib_shm *s, unsigned char *dst, size_t done, size_t off,
		     const unsigned char *backup)
{
	size_t now;
	if (ib_shm_shrank(s, &now))
		done = now <= off ? 0 : now - off < done ? now - off : done;
	return ib_copy_mapped(dst, s->created ? NULL : backup, done) == 0;
}

/* Says why -w failed and in what state it left the segment. */
static void report(const struct ib_shm *s, const char *why, int err, int sig, size_t room,
		   size_t off, bool unchanged)
{
	char what[200], name[32];
	size_t now;
	if (ib_shm_shrank(s, &now))
		snprintf(what, sizeof what, "another process truncated the segment to %zu bytes "
			 "while it was written", now);
	else if (sig)
		snprintf(what, sizeof what, "interrupted by %s", ib_signal_name(sig, name, sizeof name));
	else if (err)
		snprintf(what, sizeof what, "%s: %s", why, strerror(err));
	else
		snprintf(what, sizeof what, "%s in the %zu bytes from offset %zu", why, room, off);
	ib_warn("write to %s: %s; %s", s->label, what,
		unchanged ? "segment left unchanged" : "the segment WAS CHANGED (partly written)");
}

/* Copies standard input into DST (ROOM bytes), all or nothing.
 * read(2) goes straight into the segment, but each 1 MiB granule is first saved to a
 * private buffer (or, for a segment this run created, known to be zeros), so input
 * that overflows, a read error or a signal puts the old bytes back. A regular file's
 * size is checked first, so input too large changes nothing at all.
 * Before a byte of a POSIX segment changes, the memory for it is reserved: a full
 * file system is an error that changes nothing, not a SIGBUS half-way. Once all the
 * input is in, a signal that came meanwhile no longer undoes it: the status is 0.
 * Returns 0, or -1 having said why and restored DST. */
static int write_segment(struct ib_shm *s, unsigned char *dst, size_t room, size_t off)
{
	int64_t known = input_size();
	if (known > (int64_t)room) {
		ib_warn("write to %s: standard input is %lld bytes, more than the %zu from offset %zu"
			" to the end; segment left unchanged", s->label, (long long)known, room, off);
		return -1;
	}
	bool stream = known < 0;
	bool zeros = s->created; /* a new segment is all zeros: restore with memset */
	unsigned char *backup = NULL;
	struct ib_ahead ahead;
	bool ahead_on = false;
	size_t done = 0;
	int err = 0;
	const char *why = NULL;

	sigset_t block, old;
	struct sigaction sa = { .sa_handler = on_signal }, oldsa[NSTOP];
	sigemptyset(&block);
	for (size_t i = 0; i < NSTOP; i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++) {
		sigaction(stop_signals[i], NULL, &oldsa[i]);
		if (oldsa[i].sa_handler != SIG_IGN) /* nohup's SIGHUP stays ignored */
			sigaction(stop_signals[i], &sa, NULL);
	}

	if (!stream && ib_shm_reserve(s, off, (size_t)known) != 0) {
		err = errno;
		why = "reserve memory for the input";
		goto out;
	}
	/* The old bytes are kept for a regular file too: a read error half-way (EIO)
	 * must leave the segment as it was. */
	if (!zeros && room > 0) {
		backup = mmap(NULL, room, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (backup == MAP_FAILED) {
			backup = NULL;
			err = errno;
			why = "cannot allocate memory to keep the old bytes";
			goto out;
		}
		madvise(backup, room, MADV_HUGEPAGE); /* fewer faults; a hint only */
	}
	/* A bigger pipe means fewer switches between the writer and us (best effort). */
	if (stream)
		(void)fcntl(STDIN_FILENO, F_SETPIPE_SZ, (int)CHUNK);
	/* [0, DONE) holds input; [DONE, READY) is populated and, with a backup, saved. */
	ib_ahead_start(&ahead, dst, room, true, backup, s->posix ? s->fd : -1, (off_t)off);
	ahead_on = true;
	for (;;) {
		/* Once the room is full, one more byte tells whether the input fits. */
		unsigned char probe, *to = &probe;
		size_t n = 1;
		if (done < room) {
			size_t ready = ib_ahead_reached(&ahead, done);
			if (ready == done) {
				err = ahead.err;
				why = "save the old bytes";
				goto out;
			}
			n = ready - done < CHUNK ? ready - done : CHUNK;
			to = dst + done;
		}
		if (stream) {
			/* Wait for input with the stop signals let through, so one that
			 * comes while we wait is seen; read(2) itself runs with them blocked. */
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			if (ppoll(&p, 1, NULL, &old) < 0 && errno != EINTR) {
				err = errno;
				why = "read standard input";
				goto out;
			}
			if (caught)
				goto out;
			size_t avail = input_ready();
			if (to != &probe && avail && avail < n)
				n = avail; /* reserve no more than comes */
			if (to != &probe && ib_shm_reserve(s, off + done, n) != 0) {
				err = errno;
				why = "reserve memory for the input";
				goto out;
			}
		}
		ssize_t r = read(STDIN_FILENO, to, n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			err = errno;
			why = "read standard input";
			goto out;
		}
		if (r == 0)
			break;
		if (to == &probe) {
			why = stream ? "standard input does not fit"
				     : "standard input grew while it was read and does not fit";
			goto out;
		}
		done += (size_t)r;
	}
out:
	if (ahead_on)
		ib_ahead_stop(&ahead); /* the helper thread is done with the segment */
	bool failed = why || caught;
	bool unchanged = done == 0;
	if (failed && done > 0)
		unchanged = put_back(s, dst, done, off, backup);
	if (backup)
		munmap(backup, room);
	if (why || (caught && !unchanged))
		report(s, why, err, why ? 0 : caught, room, off, unchanged);
	if (!failed) {
		/* Done: a signal that came meanwhile is too late to undo it. */
		struct timespec now = { 0, 0 };
		while (sigtimedwait(&block, NULL, &now) > 0)
			;
	}
	/* Back to the signal dispositions we had; the signal that stopped us then acts as
	 * it would have without us. */
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &oldsa[i], NULL);
	if (caught && !why) {
		ib_shm_close(s);
		raise(caught);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return failed ? -1 : 0;
}

int shmcat_main(int argc, char **argv)
{
	struct ib_object o;
	size_t size = 0, off = 0, len = 0;
	bool write_mode = false, stat_mode = false, json = false, size_given = false;
	bool off_given = false, len_given = false;
	int opt;

	ib_object_init(&o);
	struct ib_args args;
	ib_args_init(&args, &shmcat_cmd, argc, argv);
	while ((opt = ib_args_next(&args)) != -1) {
		if (ib_object_arg(&o, &args))
			continue;
		switch (opt) {
		case 'o':
			off = (size_t)args.u;
			off_given = true;
			break;
		case 'L':
			len = (size_t)args.u;
			len_given = true;
			break;
		case 'w': write_mode = true; break;
		case 's':
			size = (size_t)args.u;
			size_given = true;
			break;
		case OPT_STAT: stat_mode = true; break;
		case OPT_JSON: json = true; break;
		}
	}
	if (args.nops > 0)
		ib_usage_error("unexpected argument '%s'", args.ops[0]);
	if (!ib_object_check(&o, true))
		return IB_EXIT_FAIL;
	if (o.create && !size_given)
		ib_usage_error("-c needs -s SIZE");
	if (size_given && !o.create)
		ib_usage_error("-s needs -c");
	if (json && !stat_mode && !o.create_only)
		ib_usage_error("--json needs --stat or --create-only");
	if (o.create_only && (stat_mode || write_mode))
		ib_usage_error("--create-only reads and writes nothing: not with --stat or -w");
	if (o.create && !write_mode && (off_given || len_given))
		ib_usage_error("with -c, -o and -L need -w");

	struct ib_shm s;
	int access = stat_mode ? 0 : write_mode ? 0600 : o.create ? 0 : 0400;
	if (ib_shm_open(&o, size, access, &s) != 0)
		return IB_EXIT_FAIL;
	if (ib_object_announce(&o, s.posix ? -1 : s.id, json)) {
		ib_shm_close(&s);
		return IB_EXIT_OK;
	}
	int status = IB_EXIT_OK;
	if (stat_mode) {
		if (ib_shm_print_status(&s, stdout, json) != 0)
			status = IB_EXIT_FAIL;
		ib_shm_close(&s);
		return status;
	}
	if (o.create && !write_mode) {
		ib_shm_close(&s); /* created (or found): that was all */
		return IB_EXIT_OK;
	}
	if (ib_shm_attach(&s, write_mode) != 0) {
		ib_shm_close(&s);
		return IB_EXIT_FAIL;
	}
	if (off > s.size) {
		ib_warn("offset %zu is past the end of %s (%zu bytes)", off, s.label, s.size);
		status = IB_EXIT_FAIL;
	} else if (len_given && len > s.size - off) {
		ib_warn("offset %zu plus length %zu is past the end of %s (%zu bytes)", off, len,
			s.label, s.size);
		status = IB_EXIT_FAIL;
	} else {
		if (!len_given)
			len = s.size - off;
		if (write_mode)
			status = write_segment(&s, s.addr ? s.addr + off : NULL, len, off) == 0
					 ? IB_EXIT_OK : IB_EXIT_FAIL;
		else
			status = dump(&s, off, len);
	}
	ib_shm_close(&s);
	return status;
}
