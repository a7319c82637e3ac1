#!/usr/bin/env bats
# sockcat: every address type, half-close both ways, keep-open, fork, exec, UNIX path
# rules, credentials, timeouts, errors, IPv6 and two hosts joined by a veth pair. Payloads
# are several MiB and compared by checksum; servers are waited for by their
# "listening on" line.

load helpers
load sockcat_helpers

setup() {
	ib_setup
	[ -z "${IPCBOX_NO_LO:-}" ] || skip "$IPCBOX_NO_LO"
	mkpayload payload
	SRV_PID=
}

teardown() {
	stop_server
	for l in ${LINKS_MADE:-}; do ip link del "$l" 2>/dev/null || :; done
}

@test "tcp: a client's payload arrives whole and both sides exit 0" {
	serve tcp:127.0.0.1:0
	assert_eq "$SRV_ADDR" "tcp:127.0.0.1:$PORT"
	run --separate-stderr "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <payload
	assert_status 0
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "half-close: the reply after EOF is the client's stdout, byte for byte" {
	mkpayload reply 3M
	serve tcp:127.0.0.1:0 -e -- sh -c 'cat >got; sha256sum <got | cut -d" " -f1; cat reply'
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <payload >back
	wait_server
	assert_eq "$SRV_STATUS" 0
	{ sum_of payload; cat reply; } >want
	assert_same want back
}

@test "half-close the other way: the server's EOF comes first, the client keeps sending" {
	mkpayload down 3M
	SRV_IN=down serve tcp:127.0.0.1:0
	# The client's stdin is a pipe that delivers only after the server's data is in.
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" < <(cat payload) >back
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same down back
	assert_same payload srv.out
}

@test "unix: stream socket payload both ways; the path is removed at exit" {
	mkpayload down 3M
	SRV_IN=down serve unix:sock
	assert_eq "$SRV_ADDR" "unix:sock"
	[ -S sock ]
	"$IPCBOX" sockcat unix:sock <payload >back
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
	assert_same down back
	[ ! -e sock ]
}

@test "unix: abstract names (unix:@NAME) leave nothing behind" {
	local name=sockcat-test-$$-$RANDOM
	serve "unix:@$name"
	assert_eq "$SRV_ADDR" "unix:@$name"
	"$IPCBOX" sockcat "unix:@$name" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "unix-seqpacket: payload through a seqpacket socket, EOF passes" {
	mkpayload down 2M
	SRV_IN=down serve unix-seqpacket:sp
	"$IPCBOX" sockcat unix-seqpacket:sp <payload >back
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
	assert_same down back
}

@test "unix-dgram: each read of stdin becomes one datagram; a 4 MiB stream arrives" {
	# 64 KiB datagrams: dd reads exactly one per read(2) and stops after 64 of them.
	serve unix-dgram:dg -e -- dd of=got bs=65536 count=64 status=none
	run --separate-stderr "$IPCBOX" sockcat -q 0 unix-dgram:dg <payload
	assert_status 0
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload got
}

@test "unix-seqpacket keeps message boundaries" {
	# A server command that reads with a big buffer sees one message per read.
	serve unix-seqpacket:sp -e -- sh -c 'dd bs=1000 count=1 status=none; printf "|"'
	printf one | "$IPCBOX" sockcat unix-seqpacket:sp >back
	wait_server
	assert_eq "$(cat back)" "one|"
}

@test "udp: a request and its reply; -q 0 ends a datagram relay at stdin's EOF" {
	printf pong >reply
	# The server relays: its first datagram is queued before the relay starts, so
	# -q 0 still delivers it; the client command reads exactly one datagram.
	SRV_IN=reply serve -q 0 udp:127.0.0.1:0
	run --separate-stderr "$IPCBOX" sockcat "udp:127.0.0.1:$PORT" -e -- \
		sh -c 'printf ping; dd bs=65536 count=1 status=none >&2'
	assert_status 0
	assert_eq "$stderr" pong
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_eq "$(cat srv.out)" ping
}

@test "IPv6: tcp6 on [::1], and a dual-stack [::] listener takes IPv4 clients" {
	serve 'tcp6:[::1]:0'
	assert_eq "$SRV_ADDR" "tcp:[::1]:$PORT"
	"$IPCBOX" sockcat "tcp:[::1]:$PORT" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
	rm srv.out
	serve tcp::0
	assert_eq "$SRV_ADDR" "tcp:[::]:$PORT"
	"$IPCBOX" sockcat "tcp4:127.0.0.1:$PORT" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "nc style: -l HOST PORT, HOST PORT, -U PATH, host names resolved" {
	serve 127.0.0.1 0
	"$IPCBOX" sockcat localhost "$PORT" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
	rm srv.out
	serve -U ncsock
	"$IPCBOX" sockcat -N -U ncsock <payload
	wait_server
	assert_same payload srv.out
}

@test "-k serves the next client after one leaves" {
	mkpayload second 2M
	serve -k tcp:127.0.0.1:0
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <payload
	expect_line 'received [0-9]+ bytes'
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <second
	expect_line 'received [0-9]+ bytes'
	cat payload second >want
	assert_same want srv.out
}

@test "--fork serves clients concurrently, --max-clients bounds them" {
	serve --fork --max-clients 2 tcp:127.0.0.1:0 -e -- sh -c 'sha256sum | cut -d" " -f1'
	local pids=() i
	for i in 1 2 3 4; do
		"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <payload >"back$i" &
		pids+=($!)
	done
	for i in 0 1 2 3; do wait "${pids[$i]}"; done
	for i in 1 2 3 4; do assert_eq "$(cat "back$i")" "$(sum_of payload)"; done
}

@test "--max-clients 1: the next client is served only after the first leaves" {
	mkfifo hold
	serve --fork --max-clients 1 tcp:127.0.0.1:0 -e -- sh -c 'echo start >>log; cat >/dev/null; echo end >>log'
	# Only the test holds the fifo's writing end: closing it ends the first client's input.
	exec 7<>hold
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <hold 7>&- &
	local a=$!
	expect_line 'connection from'
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" </dev/null 7>&- &
	local b=$!
	exec 7>&-
	wait "$a"
	wait "$b"
	assert_eq "$(cat log)" "start
end
start
end"
}

@test "-e: the command's status passes through; 127 when it is not found" {
	serve -k tcp:127.0.0.1:0 -e -- cat
	run --separate-stderr "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" -e -- sh -c 'exit 7'
	assert_status 7
	run -127 --separate-stderr "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" -e -- no-such-command-here
	assert_status 127
	assert_eq "$stderr" "sockcat: exec 'no-such-command-here': No such file or directory"
	# An echo service: what goes in comes back.
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" <payload >back
	assert_same payload back
}

@test "unix listen: a path that is not a socket is refused and left alone" {
	echo keep >file
	run --separate-stderr "$IPCBOX" sockcat -l unix:file
	assert_status 1
	assert_eq "$stderr" "sockcat: listen unix:file: 'file' exists and is not a socket"
	assert_eq "$(cat file)" keep
}

@test "unix listen: a stale socket is replaced, a live one is refused" {
	/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("s")'
	[ -S s ]
	serve unix:s
	run --separate-stderr "$IPCBOX" sockcat -l unix:s
	assert_status 1
	assert_eq "$stderr" "$(libc_text "sockcat: listen unix:s: Address already in use")"
	"$IPCBOX" sockcat unix:s <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
	[ ! -e s ]
}

@test "unix listen: the path is removed on SIGTERM, and -m sets its mode" {
	serve -m 0660 unix:s
	assert_eq "$(stat -c %a s)" 660
	kill -TERM "$SRV_PID"
	wait_server
	assert_eq "$SRV_STATUS" $((128 + 15))
	[ ! -e s ]
}

@test "credentials: --allow-uid drops other users and logs them; -v shows pid/uid/gid" {
	need_drop
	local s=/dev/shm/sockcat-cred-$$
	serve -k -m 0666 --allow-uid 0 "unix:$s"
	as_nobody "$IPCBOX" sockcat "unix:$s" </dev/null >/dev/null 2>&1 || :
	expect_line 'refused'
	assert_contains "$LINE" "uid 65534 gid 65534 is not allowed"
	"$IPCBOX" sockcat "unix:$s" <payload
	expect_line 'connection from'
	assert_contains "$LINE" "uid 0 gid 0"
	expect_line 'received [0-9]+ bytes'
	assert_same payload srv.out
	stop_server
	[ ! -e "$s" ]
}

@test "credentials: --allow-gid admits the listed group" {
	need_drop
	local s=/dev/shm/sockcat-gid-$$
	serve -m 0666 --allow-gid 65534 "unix:$s"
	as_nobody "$IPCBOX" sockcat "unix:$s" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "credentials: --allow-gid admits a client by a supplementary group only" {
	need_drop
	local s=/dev/shm/sockcat-sgid-$$
	serve -k -m 0666 --allow-gid 4242 "unix:$s"
	setpriv --reuid=65534 --regid=65534 --groups=4242 "$IPCBOX" sockcat "unix:$s" <payload
	expect_line 'connection from|refused'
	assert_contains "$LINE" "connection from"
	expect_line 'received [0-9]+ bytes'
	assert_same payload srv.out
	setpriv --reuid=65534 --regid=65534 --groups=4243,4244 "$IPCBOX" sockcat "unix:$s" \
		</dev/null >/dev/null 2>&1 || :
	expect_line 'connection from|refused'
	assert_contains "$LINE" "refused a client of unix:$s: pid"
	assert_contains "$LINE" "uid 65534 gid 65534 is not allowed"
}

@test "errors: refused, unreachable, unknown host" {
	run --separate-stderr "$IPCBOX" sockcat tcp:127.0.0.1:1
	assert_status 1
	assert_eq "$stderr" "sockcat: connect tcp:127.0.0.1:1: Connection refused"
	run --separate-stderr "$IPCBOX" sockcat tcp:192.0.2.1:9
	assert_status 1
	assert_eq "$stderr" "$(libc_text "sockcat: connect tcp:192.0.2.1:9: Network is unreachable")"
	run --separate-stderr "$IPCBOX" sockcat unix:nothing-here
	assert_status 1
	assert_eq "$stderr" "sockcat: connect unix:nothing-here: No such file or directory"
	run --separate-stderr "$IPCBOX" sockcat -n tcp:no.such.host.invalid:80
	assert_status 1
	assert_contains "$stderr" "sockcat: resolve tcp:no.such.host.invalid:80: "
}

@test "usage errors: malformed addresses and too-long UNIX paths exit 2" {
	local bad
	for bad in foo:1 tcp:1.2.3.4 tcp:::1:80 'tcp:[::1]' tcp:host:99999 tcp:host:-1 "unix:$(printf 'x%.0s' {1..120})" unix:; do
		run --separate-stderr "$IPCBOX" sockcat "$bad"
		assert_status 2
		assert_contains "$stderr" "sockcat: invalid address"
	done
	run --separate-stderr "$IPCBOX" sockcat
	assert_status 2
	run --separate-stderr "$IPCBOX" sockcat -k tcp:127.0.0.1:1
	assert_status 2
	run --separate-stderr "$IPCBOX" sockcat -l tcp::0 -e
	assert_status 2
}

@test "--connect-timeout: a peer that never answers gives exit 3" {
	local a=scA$$ b=scB$$
	ip link add "$a" type veth peer name "$b" || skip "no veth here"
	LINKS_MADE=$a
	ip addr add 192.0.2.1/24 dev "$a"
	ip link set "$a" up
	ip link set "$b" up
	# A known neighbour that nobody answers for: the SYN goes out and is lost.
	ip neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev "$a" nud permanent
	run --separate-stderr "$IPCBOX" sockcat -w 0.2 tcp:192.0.2.9:80 </dev/null
	assert_status 3
	assert_eq "$stderr" "$(libc_text "sockcat: connect tcp:192.0.2.9:80: Connection timed out")"
}

@test "--idle-timeout: nothing moving in either direction gives exit 3" {
	mkfifo idle
	exec 7<>idle
	SRV_IN=idle serve tcp:127.0.0.1:0
	run --separate-stderr "$IPCBOX" sockcat --idle-timeout 0.2 "tcp:127.0.0.1:$PORT" <&7
	exec 7>&-
	assert_status 3
	assert_contains "$stderr" "idle timeout"
}

@test "two hosts: a veth pair into another network namespace" {
	local a=scH$$ b=scG$$
	mkfifo go
	# Host B: a new network namespace that waits for its end of the cable.
	start_bg unshare --net sh -c '
		read x <go
		ip link set lo up && ip addr add 192.0.2.2/24 dev "$1" && ip link set "$1" up &&
		exec "$2" sockcat -v -l tcp:192.0.2.2:0 >srv.out </dev/null' _ "$b" "$IPCBOX"
	SRV_PID=$BG_PID
	ip link add "$a" type veth peer name "$b" || skip "no veth here"
	LINKS_MADE=$a
	ip link set "$b" netns "$BG_PID"
	ip addr add 192.0.2.1/24 dev "$a"
	ip link set "$a" up
	echo go >go
	expect_line 'listening on '
	PORT=${LINE##*:}
	"$IPCBOX" sockcat -w 5 "tcp:192.0.2.2:$PORT" <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "-x writes a hex dump of both directions" {
	SRV_IN=<(printf pong) serve tcp:127.0.0.1:0
	printf 'hi' | "$IPCBOX" sockcat -x dump "tcp:127.0.0.1:$PORT" >back
	wait_server
	assert_eq "$(cat back)" pong
	assert_contains "$(cat dump)" "> 00000000  68 69"
	assert_contains "$(cat dump)" "|hi|"
	assert_contains "$(cat dump)" "< 00000000  70 6f 6e 67"
}

@test "a write error on stdout is reported" {
	SRV_IN=payload serve tcp:127.0.0.1:0
	run --separate-stderr sh -c '"$1" sockcat "tcp:127.0.0.1:$2" </dev/null >/dev/full' _ "$IPCBOX" "$PORT"
	assert_status 1
	assert_eq "$stderr" "sockcat: write to stdout: No space left on device"
}

@test "-s binds the client's source address; -v logs the peer" {
	serve tcp:127.0.0.1:0
	"$IPCBOX" sockcat -s 127.0.0.2 "tcp:127.0.0.1:$PORT" <payload
	expect_line 'connection from'
	assert_contains "$LINE" "connection from tcp:127.0.0.2:"
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv.out
}

@test "--no-shutdown: a request-reply works with the sending side left open" {
	# The server answers only after its command saw 4 bytes, not an EOF.
	serve tcp:127.0.0.1:0 -e -- sh -c 'head -c 4 >got; printf pong'
	run --separate-stderr "$IPCBOX" sockcat --no-shutdown "tcp:127.0.0.1:$PORT" < <(printf ping)
	assert_status 0
	assert_eq "$output" pong
	wait_server
	assert_eq "$(cat got)" ping
}

@test "a small --buffer and the copy path (-x) still deliver every byte both ways" {
	mkpayload down 1M
	mkpayload up 1M
	SRV_IN=down serve --buffer 4096 unix:s
	"$IPCBOX" sockcat -x dump --buffer 8K --keepalive unix:s <up >back
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same up srv.out
	assert_same down back
	assert_eq "$(grep -c '^>' dump)" $((1048576 / 16))
}

@test "-l -m never changes what a symbolic link swapped in for the new socket points to" {
	need_swaplink
	mkdir d
	echo secret >victim
	chmod 0600 victim
	# The racer swaps d/s for a link to victim as soon as bind makes it.
	start_bg "$SWAPLINK" d s "$PWD/victim" 1000000
	local racer=$BG_PID i pid
	expect_line ready
	for ((i = 0; i < 40; i++)); do
		rm -f d/s
		# Every other run with the window held open: strace stops sockcat for a while
		# right after bind made the socket, so the swap surely comes first.
		if ((i % 2)) && command -v strace >/dev/null; then
			strace -f -qq -o /dev/null -e inject=bind:delay_exit=100000 \
				"$IPCBOX" sockcat -l -m 0646 unix:d/s </dev/null >/dev/null 2>&1 3>&- &
		else
			"$IPCBOX" sockcat -l -m 0646 unix:d/s </dev/null >/dev/null 2>&1 3>&- &
		fi
		pid=$!
		expect_line '^swapped'
		kill_traced "$pid"
	done
	kill "$racer"
	assert_eq "$(stat -c %a victim)" 600
	assert_eq "$(cat victim)" secret
}

@test "-l -m: the socket is born with MODE whatever the umask" {
	umask 077
	serve -m a=rw,o-w unix:s
	assert_eq "$(stat -c %a s)" 664
	stop_server
	umask 000
	serve -m 0600 unix:t
	assert_eq "$(stat -c %a t)" 600
}

@test "a one-shot unix listener that served its client leaves a newer listener's path alone" {
	mkfifo hold
	exec 7<>hold
	serve unix:s 7>&-
	local first=$SRV_PID
	"$IPCBOX" sockcat unix:s <hold >/dev/null 7>&- &
	local client=$!
	expect_line 'connection from'
	# The first has stopped listening; a newer listener takes the path.
	SRV_OUT=srv2.out serve unix:s 7>&-
	exec 7>&-
	wait "$client"
	wait "$first"
	[ -S s ]
	"$IPCBOX" sockcat unix:s <payload
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_same payload srv2.out
}

@test "a listener whose path was taken over while it ran removes only its own socket" {
	serve -k unix:s
	local first=$SRV_PID
	# Something that removes live sockets (Debian's nc does) puts its own there.
	rm s
	SRV_OUT=srv2.out serve unix:s
	kill -TERM "$first"
	wait "$first" || :
	[ -S s ]
	"$IPCBOX" sockcat unix:s <payload
	wait_server
	assert_same payload srv2.out
}

# Kills a background PID; if it is strace, the command it traces (strace would
# detach from it and let it run).
kill_traced() {
	local kid
	kid=$(cat /proc/"$1"/task/*/children 2>/dev/null) || :
	kill $kid "$1" 2>/dev/null || :
	wait "$1" || :
}

# Starts two `sockcat -l -k unix:s -e -- cat` at once and checks that exactly one runs,
# the other failed with "Address already in use", and the one running answers. With
# "held", the first is held between bind and listen (by strace) while the second
# starts: where the second used to take the first's socket for a stale one.
two_listeners() {
	rm -f s a.err b.err
	local a b t
	if [ "${1:-}" = held ]; then
		strace -f -qq -o /dev/null -e inject=listen:delay_enter=300000 \
			"$IPCBOX" sockcat -l -k unix:s -e -- cat </dev/null 2>a.err 3>&- &
		a=$!
		t=$((SECONDS + 5))
		while [ ! -S s ] && [ $SECONDS -le $t ]; do
			"$IPCBOX" --version >/dev/null
		done
	else
		"$IPCBOX" sockcat -l -k unix:s -e -- cat </dev/null 2>a.err 3>&- &
		a=$!
	fi
	"$IPCBOX" sockcat -l -k unix:s -e -- cat </dev/null 2>b.err 3>&- &
	b=$!
	# Bounded: the loser fails at once; both still running after 3 s is the bug.
	t=$((SECONDS + 3))
	while kill -0 "$a" 2>/dev/null && kill -0 "$b" 2>/dev/null && [ $SECONDS -le $t ]; do
		"$IPCBOX" --version >/dev/null
	done
	local alive=$a dead=$b dead_err=b.err st=0
	kill -0 "$a" 2>/dev/null || { alive=$b dead=$a dead_err=a.err; }
	if kill -0 "$dead" 2>/dev/null; then
		echo "both listeners run" >&2
		kill_traced "$a"
		kill_traced "$b"
		return 1
	fi
	wait "$dead" || st=$?
	assert_eq "$st" 1
	assert_eq "$(cat "$dead_err")" "$(libc_text "sockcat: listen unix:s: Address already in use")"
	kill -0 "$alive"
	# The one left is the one at the path, once it listens (strace may still hold
	# it between bind and listen): bounded retries until it answers.
	local got=
	t=$((SECONDS + 10))
	until [ "$got" = ping ] || [ $SECONDS -gt $t ]; do
		got=$(printf ping | "$IPCBOX" sockcat unix:s 2>/dev/null) || :
	done
	assert_eq "$got" ping
	kill_traced "$alive"
}

@test "two unix listeners started together: exactly one wins and is reachable" {
	local i
	for ((i = 0; i < 20; i++)); do
		two_listeners
	done
	command -v strace >/dev/null || skip "no strace to hold a listener between bind and listen"
	for ((i = 0; i < 3; i++)); do
		two_listeners held
	done
}

@test "-q 0 ends a datagram listener whose stdin ended before any datagram came" {
	run --separate-stderr timeout 10 "$IPCBOX" sockcat -u -l -U dg -q 0 </dev/null
	assert_status 0
	[ ! -e dg ]
	run --separate-stderr timeout 10 "$IPCBOX" sockcat -l unix-dgram:dg -q 0.1 </dev/null
	assert_status 0
	run --separate-stderr timeout 10 "$IPCBOX" sockcat -l udp:127.0.0.1:0 -q 0 </dev/null
	assert_status 0
}

@test "an empty datagram does not end the stream: later datagrams arrive, both ways" {
	serve unix-dgram:dg
	# A client with an address, so the server answers it: "one", "", "two".
	"$PY" - <<-'PYEOF' &
		import socket
		s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
		s.bind("client")
		s.connect("dg")
		for m in (b"one", b"", b"two"):
		    s.send(m)
	PYEOF
	wait $!
	local t=$((SECONDS + 20)) # bounded by time: slow under the sanitizers
	until [ "$(cat srv.out)" = onetwo ] || [ $SECONDS -gt $t ]; do
		"$IPCBOX" --version >/dev/null
	done
	assert_eq "$(cat srv.out)" onetwo
	kill -0 "$SRV_PID"
	stop_server
	# The client side: a server that answers "", then "later".
	rm -f dg
	"$PY" - <<-'PYEOF' 2>py.err &
		import socket, sys
		s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
		s.bind("dg")
		print("ready", file=sys.stderr, flush=True)
		data, peer = s.recvfrom(100)
		s.sendto(b"", peer)
		s.sendto(b"later", peer)
	PYEOF
	local py=$!
	for ((i = 0; i < 500; i++)); do
		[ -S dg ] && break
		"$IPCBOX" --version >/dev/null
	done
	run --separate-stderr timeout 10 "$IPCBOX" sockcat -e unix-dgram:dg -- \
		sh -c 'printf hi; dd bs=100 count=1 status=none >&2; dd bs=100 count=1 status=none >&2'
	wait "$py"
	assert_status 0
	assert_eq "$stderr" later
}

@test "a unix --fork listener without -e keeps its path after a client's process exits" {
	serve --fork unix:s
	"$IPCBOX" sockcat unix:s <payload
	expect_line 'received [0-9]+ bytes'
	# Wait until the client's process is gone.
	local i kids=x
	for ((i = 0; i < 500; i++)); do
		kids=$(cat /proc/"$SRV_PID"/task/*/children)
		[ -z "$kids" ] && break
		"$IPCBOX" --version >/dev/null
	done
	assert_eq "$kids" ""
	[ -S s ]
	mkpayload second 1M
	"$IPCBOX" sockcat unix:s <second
	expect_line 'received [0-9]+ bytes'
	cat payload second >want
	local n
	for ((i = 0; i < 500; i++)); do
		n=$(stat -c %s srv.out)
		[ "$n" = "$(stat -c %s want)" ] && break
		"$IPCBOX" --version >/dev/null
	done
	stop_server
	[ ! -e s ]
	# The two children append in turn to the one srv.out.
	assert_same want srv.out
}

_sc_serve_limited() {
	exec prlimit --nofile="$1:" "$IPCBOX" sockcat -v -l "${@:2}" >srv.out </dev/null
}

@test "-k and --fork servers ride out accept's EMFILE: reported once, then they serve on" {
	need_cmd prlimit
	local mode fd lowest
	for mode in -k --fork; do
		rm -f srv.out
		# The server inherits this shell's descriptors but 3 (its listening socket):
		# with the limit at the next free one, accept has no descriptor to give.
		for ((lowest = 4; ; lowest++)); do
			[ -e "/proc/$BASHPID/fd/$lowest" ] || break
		done
		start_bg _sc_serve_limited "$lowest" "$mode" unix:s
		SRV_PID=$BG_PID
		expect_line 'listening on'
		expect_line 'accept on|connection from'
		assert_eq "$LINE" "$(libc_text "sockcat: accept on unix:s (waiting to try again): Too many open files")"
		# It keeps trying, and says nothing more until it has a descriptor again.
		"$IPCBOX" sockcat unix:s <payload &
		local client=$!
		prlimit --pid "$SRV_PID" --nofile="$(ulimit -Hn):"
		expect_line 'accept on|connection from'
		assert_contains "$LINE" "connection from"
		wait "$client"
		expect_line 'received [0-9]+ bytes'
		for ((fd = 0; fd < 500; fd++)); do
			[ "$(stat -c %s srv.out)" = "$(stat -c %s payload)" ] && break
			"$IPCBOX" --version >/dev/null
		done
		assert_same payload srv.out
		kill -0 "$SRV_PID"
		stop_server
	done
}

@test "unix: a listener whose listen(2) fails removes the path it bound" {
	need_cmd strace
	# (the fault sweep's find: the path was left behind)
	# (LeakSanitizer cannot run under ptrace: off for this run of a sanitized build)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run --separate-stderr strace -f -qq -o /dev/null -e inject=listen:error=ENOMEM \
		"$IPCBOX" sockcat -l unix:s1 </dev/null
	assert_status 1
	assert_eq "$stderr" "$(libc_text "sockcat: listen unix:s1: Cannot allocate memory")"
	[ ! -e s1 ] || { echo "s1 was left behind" >&2; return 1; }
}

@test "options anywhere, --, and the command's own options after -e --" {
	# the command after -- keeps its options, sockcat's own included
	serve unix:sock -e -- printf '%s|' -x --y -l
	run --separate-stderr "$IPCBOX" sockcat unix:sock </dev/null
	assert_status 0
	assert_eq "$output" "-x|--y|-l|"
	wait_server
	assert_eq "$SRV_STATUS" 0
	# the client side: -e ADDRESS -- COMMAND -x, options after the address too
	SRV_OUT=srv2.out serve unix:sock2
	run --separate-stderr "$IPCBOX" sockcat -e unix:sock2 --verb -- printf '%s|' -x -e
	assert_status 0
	wait_server
	assert_eq "$(cat srv2.out)" "-x|-e|"
	# without -e, -- only ends the options; an abbreviation and a hex size do
	serve unix:sock3
	run --separate-stderr "$IPCBOX" sockcat --buf 0x1000 --no-sh -- unix:sock3 <payload
	assert_status 0
	wait_server
	assert_same payload srv.out
	run --separate-stderr "$IPCBOX" sockcat -- unix:sock4 -v
	assert_status 2
	assert_eq "$stderr" "sockcat: extra operand '-v'
Try 'sockcat --help' for more information."
}

@test "bad option values: one message per kind" {
	run --separate-stderr "$IPCBOX" sockcat -q 5x tcp:127.0.0.1:1
	assert_status 2
	assert_eq "$stderr" "sockcat: invalid --quit-after '5x': expected a duration like 2, 1.5s or 250ms
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat --idle=1x tcp:127.0.0.1:1
	assert_eq "$stderr" "sockcat: invalid --idle-timeout '1x': expected a duration like 2, 1.5s or 250ms
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat --buffer 4095 tcp:127.0.0.1:1
	assert_status 2
	assert_eq "$stderr" "sockcat: invalid --buffer '4095': expected a size like 4096, 0x1000, 64K or 1MiB, from 4096 to 1073741824
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat -l --max-clients 0 unix:s
	assert_eq "$stderr" "sockcat: invalid --max-clients '0': expected a whole number from 1 to 1000000
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat -l -m u+q unix:s
	assert_eq "$stderr" "sockcat: invalid --mode 'u+q': expected a mode, octal like 0640 or symbolic like u=rw,g=r
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat -l --allow-uid=0,,1 unix:s
	assert_eq "$stderr" "sockcat: invalid --allow-uid '0,,1': expected user names or numbers separated by commas (an empty item)
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat -l --allow-gid=no-such-group-here unix:s
	assert_eq "$stderr" "sockcat: invalid --allow-gid 'no-such-group-here': expected group names or numbers separated by commas (no group 'no-such-group-here')
Try 'sockcat --help' for more information."
	[ ! -e s ]
}

@test "-z: exit 0 when every address answers, 1 when one does not; -v says which" {
	serve -k tcp:127.0.0.1:0
	"$IPCBOX" sockcat -l -k unix:up.sock 2>/dev/null </dev/null &
	local u=$!
	run "$IPCBOX" sockcat -z --retry-for 10s unix:up.sock "tcp:127.0.0.1:$PORT"
	assert_status 0
	assert_eq "$output" ""
	run --separate-stderr "$IPCBOX" sockcat -z "tcp:127.0.0.1:$PORT" unix:down.sock
	assert_status 1
	assert_eq "$stderr" ""
	run --separate-stderr "$IPCBOX" sockcat -zv "tcp:127.0.0.1:$PORT" unix:down.sock 127.0.0.1 "$PORT"
	assert_status 1
	assert_eq "$stderr" "sockcat: tcp:127.0.0.1:$PORT answered
sockcat: connect unix:down.sock: No such file or directory
sockcat: tcp:127.0.0.1:$PORT answered"
	# A probe is a connection that carries nothing: the server saw no byte.
	assert_eq "$(stat -c %s srv.out)" 0
	kill "$u"
	run --separate-stderr "$IPCBOX" sockcat -z udp:127.0.0.1:9
	assert_status 2
	assert_contains "$stderr" "-z needs a stream address"
	run --separate-stderr "$IPCBOX" sockcat -z -l tcp:127.0.0.1:0
	assert_status 2
}

@test "--retry-for waits for a service that comes up later" {
	start_bg "$IPCBOX" sockcat -zv --retry-for 20s --interval 20ms unix:later.sock
	local probe=$BG_PID
	expect_line 'trying again in'
	# The probe has failed at least once; now the service comes up.
	"$IPCBOX" sockcat -l unix:later.sock </dev/null >/dev/null 2>&1 &
	local srv=$!
	expect_line 'answered'
	wait "$probe"
	wait "$srv"
	[ ! -e later.sock ]
}

@test "--retry N tries N+1 times; --retry-for gives exit 3 when its time runs out" {
	run --separate-stderr "$IPCBOX" sockcat -v --retry 3 --interval 1ms tcp:127.0.0.1:1 </dev/null
	assert_status 1
	assert_eq "$(grep -c 'Connection refused (trying again in 0.001s)$' <<<"$stderr")" 3
	assert_eq "$(tail -n1 <<<"$stderr" | sed 's/ in [0-9.e-]*s)$/)/')" \
		"sockcat: connect tcp:127.0.0.1:1: Connection refused (gave up after 4 tries)"
	run --separate-stderr "$IPCBOX" sockcat --retry-for 0.3s tcp:127.0.0.1:1 </dev/null
	assert_status 3
	assert_contains "$stderr" "sockcat: connect tcp:127.0.0.1:1: Connection refused (gave up after "
	assert_eq "$(wc -l <<<"$stderr")" 1
	# An address that can never work is a usage error at once, not retried.
	run --separate-stderr "$IPCBOX" sockcat --retry-for 10s tcp:localhost
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: invalid address 'tcp:localhost': expected tcp:HOST:PORT (or tcp:PORT)"
	run --separate-stderr "$IPCBOX" sockcat -l --retry 2 tcp:127.0.0.1:0
	assert_status 2
}

@test "-e: the command finds its peer in SOCKCAT_PEER_* and SOCKCAT_LOCAL_*" {
	local envcmd='env | grep ^SOCKCAT_ | sort'
	serve tcp:127.0.0.1:0 -e -- sh -c "$envcmd"
	"$IPCBOX" sockcat -s 127.0.0.1 -p 40123 "tcp:127.0.0.1:$PORT" </dev/null >got
	assert_eq "$(cat got)" "SOCKCAT_LOCAL_ADDR=127.0.0.1
SOCKCAT_LOCAL_PORT=$PORT
SOCKCAT_PEER_ADDR=127.0.0.1
SOCKCAT_PEER_PORT=40123"
	wait_server
	# The connecting side's command sees the same, from its end.
	serve tcp:127.0.0.1:0
	"$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" -e -- sh -c "$envcmd >&2" 2>got </dev/null
	grep -qx "SOCKCAT_PEER_PORT=$PORT" got
	wait_server
	# UNIX: the client's pid and ids, from the kernel (SO_PEERCRED).
	need_drop
	serve -m 0777 unix:peer.sock -e -- sh -c "$envcmd"
	as_nobody "$IPCBOX" sockcat unix:peer.sock </dev/null >got &
	local client=$!
	wait "$client"
	assert_eq "$(grep -v PEER_PID got)" "SOCKCAT_PEER_GID=65534
SOCKCAT_PEER_UID=65534"
	grep -qx "SOCKCAT_PEER_PID=[0-9]*" got
}

@test "--allow-addr and --deny-addr admit TCP clients by address block, IPv4 in dual stack too" {
	# [::] takes IPv4 clients as ::ffff:127.0.0.1; a 127.0.0.0/8 block still matches them.
	serve -k --allow-addr 10.0.0.0/8,127.0.0.0/8 --deny-addr 127.0.0.2 tcp::0
	echo one | "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT"
	expect_line 'connection from tcp:127.0.0.1:'
	run "$IPCBOX" sockcat -s 127.0.0.2 "tcp:127.0.0.1:$PORT" <<<two
	expect_line "refused a client of tcp:127.0.0.1:$PORT: tcp:127.0.0.2:[0-9]+ is not allowed"
	run "$IPCBOX" sockcat "tcp:[::1]:$PORT" <<<three
	expect_line "refused a client of tcp:\[::1\]:$PORT: tcp:\[::1\]:[0-9]+ is not allowed"
	echo four | "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT"
	expect_line 'connection from tcp:127.0.0.1:'
	stop_server
	assert_eq "$(cat srv.out)" "one
four"
	local bad
	for bad in 300.1.1.1 10.0.0.0/33 ::1/129 localhost '' 10.0.0.1,; do
		run --separate-stderr "$IPCBOX" sockcat -l --allow-addr "$bad" tcp::0
		assert_status 2
	done
	run --separate-stderr "$IPCBOX" sockcat --deny-addr 10.0.0.1 tcp:127.0.0.1:1
	assert_status 2
	run --separate-stderr "$IPCBOX" sockcat -l --deny-addr 10.0.0.1 unix:x.sock
	assert_status 2
}

@test "socket activation: systemd's LISTEN_FDS, Accept=yes, and --fd N" {
	command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate"
	# Inside the test's own network namespace a fixed port is private.
	start_bg systemd-socket-activate -l 127.0.0.1:7071 "$IPCBOX" sockcat -l -k -e -- \
		sh -c 'echo "$SOCKCAT_LOCAL_PORT ${LISTEN_FDS:-unset}"'
	SRV_PID=$BG_PID
	expect_line 'Listening on 127.0.0.1:7071'
	assert_eq "$("$IPCBOX" sockcat tcp:127.0.0.1:7071 </dev/null)" "7071 unset"
	assert_eq "$("$IPCBOX" sockcat tcp:127.0.0.1:7071 </dev/null)" "7071 unset"
	stop_server
	# Accept=yes: the service gets the connected socket; its peer is the client.
	start_bg systemd-socket-activate -a -l 127.0.0.1:7072 "$IPCBOX" sockcat -l -e -- \
		sh -c 'echo "peer $SOCKCAT_PEER_ADDR"; cat'
	SRV_PID=$BG_PID
	expect_line 'Listening on 127.0.0.1:7072'
	"$IPCBOX" sockcat tcp:127.0.0.1:7072 <payload >back
	assert_eq "$(head -n1 back)" "peer 127.0.0.1"
	tail -c +16 back >rest
	assert_same payload rest
	stop_server
	# --fd N: a listening socket a supervisor left on descriptor 5.
	start_bg "$PY" -c '
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
os.dup2(s.fileno(), 5)
print("port", s.getsockname()[1], file=sys.stderr, flush=True)
os.execv(sys.argv[1], [sys.argv[1], "sockcat", "-l", "--fd", "5", "-e", "--", "cat"])' "$IPCBOX"
	SRV_PID=$BG_PID
	expect_line '^port '
	"$IPCBOX" sockcat "tcp:127.0.0.1:${LINE#port }" <payload >back
	assert_same payload back
	wait_server
	assert_eq "$SRV_STATUS" 0
	run --separate-stderr "$IPCBOX" sockcat -l --fd 0 </dev/null
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: --fd: descriptor 0 is not a socket"
	run --separate-stderr "$IPCBOX" sockcat --fd 5 tcp:127.0.0.1:1
	assert_status 2
}

# A client reading the fifo to_cli, without the test's writing end of it (fd 6) that
# would keep its stdin from ending (start_bg's & alone would give it /dev/null).
_client_of_fifo() {
	exec "$IPCBOX" sockcat "$@" <to_cli 6>&-
}

@test "SIGUSR1 reports the bytes moved at once; --progress every second and at the end" {
	mkfifo to_cli
	serve tcp:127.0.0.1:0
	exec 9<&8 # the server's stderr
	exec 6<>to_cli
	start_bg _client_of_fifo "tcp:127.0.0.1:$PORT"
	local cli=$BG_PID
	printf 'hello\n' >&6
	# The server has the client's line once it wrote it out: then ask the client.
	for _ in $(seq 1000); do [ "$(cat srv.out)" = hello ] && break; sleep 0.01; done
	assert_eq "$(cat srv.out)" hello
	kill -USR1 "$cli"
	expect_line "^sockcat: tcp:127.0.0.1:$PORT: [0-9.]+s: sent 6 bytes \([0-9.]+ MiB/s\), received 0 bytes"
	kill -0 "$cli"
	# The server, its stdin at its end, receives alone on a socket it made blocking:
	# the signal is taken there too.
	exec 7<&8 8<&9 9<&-
	kill -USR1 "$SRV_PID"
	expect_line ": [0-9.]+s: sent 0 bytes \([0-9.]+ MiB/s\), received 6 bytes" 5
	exec 8<&7 7<&-
	exec 6>&-
	wait "$cli"
	wait_server
	# --progress: a line each second while the relay runs, and one at its end.
	serve tcp:127.0.0.1:0
	exec 6<>to_cli
	start_bg _client_of_fifo --progress "tcp:127.0.0.1:$PORT"
	cli=$BG_PID
	expect_line ': 1\.[0-9]s: sent 0 bytes' 5
	expect_line ': 2\.[0-9]s: sent 0 bytes' 5
	printf 'bye\n' >&6
	exec 6>&-
	expect_line ': [0-9.]+s: sent 4 bytes \([0-9.]+ MiB/s\), received 0 bytes \(0\.0 MiB/s\)$' 5
	wait "$cli"
	wait_server
	assert_eq "$(cat srv.out)" bye
}

@test "udp --deny-addr: a denied sender's datagrams queued before the peer's connect are dropped too" {
	# The listener is stopped until both senders have sent: the allowed one's datagram
	# comes first and makes the peer; the denied one's waits behind it in the queue.
	serve -u --deny-addr 127.0.0.3 -q 1 udp:127.0.0.1:0
	kill -STOP "$SRV_PID"
	echo allowed | "$IPCBOX" sockcat -u -q 0 -s 127.0.0.2 "udp:127.0.0.1:$PORT"
	echo denied | "$IPCBOX" sockcat -u -q 0 -s 127.0.0.3 "udp:127.0.0.1:$PORT"
	kill -CONT "$SRV_PID"
	expect_line 'connection from udp:127.0.0.2:'
	wait_server
	assert_eq "$SRV_STATUS" 0
	assert_eq "$(cat srv.out)" allowed
}

@test "SIGUSR1 ends no sockcat: not while it connects, waits for a client, or runs a command" {
	start_bg "$IPCBOX" sockcat -v -l tcp:127.0.0.1:0 -e -- sh -c 'echo ran; read x'
	SRV_PID=$BG_PID
	expect_line 'listening on '
	PORT=${LINE##*:}
	kill -USR1 "$SRV_PID"
	assert_eq "$(echo go | "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT")" ran
	wait_server
	assert_eq "$SRV_STATUS" 0
	start_bg "$IPCBOX" sockcat -v --retry-for 20s --interval 10ms unix:late.sock </dev/null
	local cli=$BG_PID
	expect_line 'trying again'
	kill -USR1 "$cli"
	expect_line 'trying again'
	"$IPCBOX" sockcat -l unix:late.sock </dev/null >/dev/null 2>&1 &
	wait "$cli"
	wait $!
}

@test "an inherited socket takes no ADDRESS: with -e it is not taken for the command" {
	run --separate-stderr "$PY" -c '
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
os.dup2(s.fileno(), 9); os.set_inheritable(9, True)
os.execv(sys.argv[1], [sys.argv[1], "sockcat", "-l", "--fd", "9", "tcp:127.0.0.1:9", "-e", "--", "cat"])' "$IPCBOX"
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: 'tcp:127.0.0.1:9': an inherited socket (--fd, LISTEN_FDS) takes no ADDRESS"
}
