#!/usr/bin/env bats
# sockcat -l -k on datagram sockets (UDP and unix-dgram): every sender's datagrams are
# taken, each answered to its own sender: by stdin (the most recent sender) or by a
# command run per datagram (-e). Servers listen on port 0 or a path and are waited for
# by their "listening on" line; clients are python sockets bound to their own address,
# so that they can be told apart and answered.

load helpers
load sockcat_helpers

setup() {
	ib_setup
	[ -z "${IPCBOX_NO_LO:-}" ] || skip "$IPCBOX_NO_LO"
	SRV_PID=
}

teardown() {
	stop_server
}

# The command run per datagram: one write, "REQUEST for PEERPORT" (the sender's port, or
# "unix" when there is none).
ANSWER='x=$(cat); printf "%s for %s" "$x" "${SOCKCAT_PEER_PORT:-unix}"'

# clients FAMILY ADDRESS NAME...: one socket per NAME (UDP on 127.0.0.1 bound to port 0
# or, for unix, bound to the path NAME; "-" is an unbound unix socket), reading lines of
# "NAME send TEXT", "NAME recv" (prints what came, or "timeout") and "NAME none"
# (prints "none" if nothing is queued, else what is) from stdin. "NAME port" prints
# its port.
clients() {
	"$PY" -c '
import socket, sys
fam, addr, names = sys.argv[1], sys.argv[2], sys.argv[3:]
if fam == "udp":
    addr = ("127.0.0.1", int(addr))
socks = {}
for n in names:
    s = socket.socket(socket.AF_INET if fam == "udp" else socket.AF_UNIX, socket.SOCK_DGRAM)
    if fam == "udp":
        s.bind(("127.0.0.1", 0))
    elif n != "-":
        s.bind(n)
    s.settimeout(20)
    socks[n] = s
for line in sys.stdin:
    n, op, *rest = line.split(" ", 2)
    s = socks[n]
    op = op.strip()
    if op == "send":
        s.sendto(rest[0].rstrip("\n").encode(), addr)
    elif op == "recv":
        try:
            print(s.recv(65536).decode(), flush=True)
        except socket.timeout:
            print("timeout", flush=True)
    elif op == "none":
        s.settimeout(0)
        try:
            print(s.recv(65536, socket.MSG_DONTWAIT).decode(), flush=True)
        except BlockingIOError:
            print("none", flush=True)
    elif op == "port":
        print(s.getsockname()[1], flush=True)
' "$@"
}

@test "udp -l -k -e: two senders, each answered by its own command, and only by it" {
	serve -k -u udp:127.0.0.1:0 -e -- sh -c "$ANSWER"
	run --separate-stderr clients udp "$PORT" a b <<-EOF
		a port
		b port
		a send one-a
		b send one-b
		a recv
		b recv
		b send two-b
		a send two-a
		b recv
		a recv
		a none
		b none
	EOF
	assert_status 0
	local -a l
	mapfile -t l <<<"$output"
	local pa=${l[0]} pb=${l[1]}
	assert_eq "${l[*]:2}" "one-a for $pa one-b for $pb two-b for $pb two-a for $pa none none"
	kill -0 "$SRV_PID"
}

@test "udp -l -k --fork -e: commands for two senders run at once, each answers its own" {
	# a's command waits until b's has run: one at a time, it would wait for ever.
	serve -k --max-clients 2 -u udp:127.0.0.1:0 -e -- sh -c '
		x=$(cat)
		if [ "$x" = first ]; then
			for i in $(seq 2000); do [ -e b.done ] && break; sleep 0.01; done
		else
			: >b.done
		fi
		[ -e b.done ] && printf "%s for %s" "$x" "$SOCKCAT_PEER_PORT"'
	run --separate-stderr clients udp "$PORT" a b <<-EOF
		a port
		b port
		a send first
		b send second
		b recv
		a recv
		a none
		b none
	EOF
	assert_status 0
	local -a l
	mapfile -t l <<<"$output"
	assert_eq "${l[*]:2}" "second for ${l[1]} first for ${l[0]} none none"
}

@test "unix-dgram -l -k -e: bound senders answered separately; an unbound one's answer is dropped, said" {
	serve -k unix-dgram:dg -e -- sh -c "$ANSWER"
	run --separate-stderr clients unix dg ca cb - <<-EOF
		ca send one-a
		- send lost
		cb send one-b
		cb recv
		ca recv
		ca none
		cb none
	EOF
	assert_status 0
	assert_eq "$output" "one-b for unix
one-a for unix
none
none"
	expect_line 'unix-dgram:dg: a message of 13 bytes for an unbound sender dropped: it has no address to answer'
	kill -0 "$SRV_PID"
}

# A background client of the server, fed by the test through the fifo cli.in, its
# answers in cli.out.
_client() {
	exec 6>&- 7>&- # the test's ends of the fifos: the client's stdin must end
	clients "$@" <cli.in >cli.out
}

# Waits (bounded) until file $1 holds exactly $2.
wait_for_content() {
	local t=$((SECONDS + 30))
	until [ "$(cat "$1" 2>/dev/null)" = "$2" ] || [ $SECONDS -gt $t ]; do
		"$IPCBOX" --version >/dev/null
	done
	assert_eq "$(cat "$1")" "$2"
}

# serve_stdin ARGS...: a -k listener whose stdin the test writes through fd 6.
serve_stdin() {
	mkfifo srv.in cli.in
	exec 6<>srv.in
	SRV_IN=srv.in serve -k "$@"
	exec 7<>cli.in
}

@test "-l -k without -e: every sender's datagrams go to stdout, stdin answers the latest sender" {
	local fam addr
	for fam in udp unix; do
		rm -f srv.in cli.in cli.out dg ca cb srv.out
		if [ $fam = udp ]; then
			serve_stdin -u udp:127.0.0.1:0
			addr=$PORT
		else
			serve_stdin unix-dgram:dg
			addr=dg
		fi
		start_bg _client "$fam" "$addr" ca cb
		local cli=$BG_PID
		echo "ca send a1" >&7
		wait_for_content srv.out a1
		printf 'to-a' >&6
		echo "ca recv" >&7
		wait_for_content cli.out to-a
		echo "cb send b1" >&7
		wait_for_content srv.out a1b1
		printf 'to-b' >&6
		echo "cb recv" >&7
		echo "ca none" >&7
		wait_for_content cli.out "to-a
to-b
none"
		exec 7>&- 6>&-
		wait "$cli"
		stop_server
	done
}

@test "udp -l -k --deny-addr: a denied sender's datagrams are dropped, with and without -e" {
	serve -k -u --deny-addr 127.0.0.3 udp:127.0.0.1:0 -e -- sh -c "$ANSWER"
	run --separate-stderr "$PY" -c '
import socket, sys
port = int(sys.argv[1])
bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); bad.bind(("127.0.0.3", 0))
good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); good.bind(("127.0.0.2", 0))
good.settimeout(20); bad.setblocking(False)
bad.sendto(b"bad", ("127.0.0.1", port))
good.sendto(b"good", ("127.0.0.1", port))
print(good.recv(100).decode() == "good for %d" % good.getsockname()[1])
try:
    print(bad.recv(100))
except BlockingIOError:
    print("none")' "$PORT"
	assert_status 0
	assert_eq "$output" "True
none"
	expect_line "refused a datagram to udp:127.0.0.1:$PORT: udp:127.0.0.3:[0-9]+ is not allowed"
	stop_server
	# Without -e: stdout has only the allowed sender's datagram.
	serve -k -u --allow-addr 127.0.0.2 udp:127.0.0.1:0
	"$IPCBOX" sockcat -u -q 0 -s 127.0.0.3 "udp:127.0.0.1:$PORT" <<<denied
	"$IPCBOX" sockcat -u -q 0 -s 127.0.0.2 "udp:127.0.0.1:$PORT" <<<allowed
	expect_line "refused a datagram to udp:127.0.0.1:$PORT: udp:127.0.0.3:[0-9]+ is not allowed"
	wait_for_content srv.out allowed
}

@test "-l -u: --fork and --max-clients need -e" {
	run --separate-stderr "$IPCBOX" sockcat -l -u --fork udp:127.0.0.1:0
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: --fork and --max-clients on a datagram address need -e"
}
