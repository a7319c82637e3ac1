/* sockcopy: the bare C reference for sockcat's bench, one direction over one socket
 * with one way of copying, nothing else. The receiver listens (TCP on 127.0.0.1 port 0,
 * printing "listening on PORT" to stderr, or a UNIX path), takes one client and copies
 * it to stdout; the sender connects and copies stdin into the socket.
 *   sockcopy recv tcp|unix [PATH] HOW      sockcopy send tcp|unix PORT|PATH HOW
 * HOW is "splice" (through a 1 MiB pipe, as sockcat's relay does), "splice-poll" (the
 * same from a non-blocking descriptor, waiting in poll when it is empty, as a relay
 * that serves two directions must) or "rw:SIZE" (read/write with a SIZE-byte buffer).
 * Exits 1 on any error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void copy_splice(int in, int out, int poll_first)
{
	int p[2];
	if (pipe(p) != 0)
		die("pipe");
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	if (poll_first)
		fcntl(in, F_SETFL, fcntl(in, F_GETFL) | O_NONBLOCK);
	for (;;) {
		ssize_t n = splice(in, NULL, p[1], NULL, 1 << 20, SPLICE_F_MOVE);
		if (n < 0 && errno == EAGAIN && poll_first) {
			poll(&(struct pollfd){ .fd = in, .events = POLLIN }, 1, -1);
			continue;
		}
		if (n < 0)
			die("splice in");
		if (n == 0)
			return;
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);
			if (m <= 0)
				die("splice out");
			n -= m;
		}
	}
}

static void copy_rw(int in, int out, size_t size)
{
	char *buf = malloc(size);
	if (!buf)
		die("malloc");
	for (;;) {
		ssize_t n = read(in, buf, size);
		if (n < 0)
			die("read");
		if (n == 0)
			return;
		for (ssize_t off = 0; off < n;) {
			ssize_t m = write(out, buf + off, (size_t)(n - off));
			if (m <= 0)
				die("write");
			off += m;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	int recv = strcmp(argv[1], "recv") == 0, tcp = strcmp(argv[2], "tcp") == 0;
	const char *how = argv[argc - 1];
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr *sa = tcp ? (struct sockaddr *)&in : (struct sockaddr *)&un;
	socklen_t len = tcp ? sizeof(in) : sizeof(un);
	if (!tcp && argc > 4)
		snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[3]);
	if (tcp && !recv)
		in.sin_port = htons((unsigned short)atoi(argv[3]));
	int s = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0), c = s;
	if (s < 0)
		die("socket");
	if (recv) {
		if (bind(s, sa, len) != 0 || listen(s, 1) != 0 || getsockname(s, sa, &len) != 0)
			die("listen");
		if (tcp)
			fprintf(stderr, "listening on %d\n", ntohs(in.sin_port));
		if ((c = accept(s, NULL, NULL)) < 0)
			die("accept");
	} else if (connect(s, sa, len) != 0) {
		die("connect");
	}
	int from = recv ? c : 0, to = recv ? 1 : c;
	if (strcmp(how, "splice") == 0 || strcmp(how, "splice-poll") == 0)
		copy_splice(from, to, strcmp(how, "splice-poll") == 0);
	else if (strncmp(how, "rw:", 3) == 0)
		copy_rw(from, to, (size_t)atol(how + 3));
	else
		return 2;
	return 0;
}
