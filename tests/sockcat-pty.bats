#!/usr/bin/env bats
# sockcat and pseudoterminals: `-e --pty` (a command on a new terminal, relayed with a
# UNIX socket connection) and the pty:LINK address (a raw terminal linked at LINK, and
# two of them as a virtual serial pair). The slaves are opened with python3; readiness
# is a line sockcat prints or a link that appears, polled in a bounded loop.

load helpers
load sockcat_helpers

setup() {
	ib_setup
	need_cmd python3
	python3 -c 'import os; os.openpty()' 2>/dev/null || skip "no usable /dev/ptmx and /dev/pts here"
	SRV_PID=
	PTY_PID=
}

teardown() {
	stop_server
	if [ -n "${PTY_PID:-}" ]; then
		kill "$PTY_PID" 2>/dev/null || :
		wait "$PTY_PID" 2>/dev/null || :
	fi
}

# The terminal a /proc/PID/stat tty_nr names, as /dev/pts/N (136-143 are the pty slaves).
pts_of_tty_nr() {
	local nr=$1 major minor
	major=$(((nr >> 8) & 0xfff))
	minor=$(((nr & 0xff) | ((nr >> 12) & 0xfff00)))
	[ "$major" -ge 136 ] && [ "$major" -le 143 ] || { echo "not a pty: $nr" >&2; return 1; }
	echo "/dev/pts/$(((major - 136) * 256 + minor))"
}

# Waits (10 s at most, polling) until every path given is a symbolic link.
wait_links() {
	local i p ok
	for i in $(seq 1000); do
		ok=1
		for p in "$@"; do [ -L "$p" ] || ok=; done
		[ -z "$ok" ] || return 0
		sleep 0.01 # between polls, not as synchronisation
	done
	echo "no links $* after 10 s" >&2
	return 1
}

# slave_io LINK SEND WANT: opens the terminal at LINK, writes SEND (a Python bytes literal
# body, escapes allowed) and prints what it then reads until WANT bytes came (10 s at most).
slave_io() {
	python3 - "$@" <<'EOF'
import ast, os, select, sys, time
link, send, want = sys.argv[1], ast.literal_eval("b'" + sys.argv[2] + "'"), int(sys.argv[3])
fd = os.open(link, os.O_RDWR | os.O_NOCTTY)
os.write(fd, send)
got, end = b"", time.monotonic() + 10
while len(got) < want and time.monotonic() < end:
    if select.select([fd], [], [], 0.5)[0]:
        got += os.read(fd, 4096)
sys.stdout.buffer.write(got)
EOF
}

_pty_run() {
	exec "$IPCBOX" sockcat -v "$@" <"${PTY_IN:-/dev/null}" >"${PTY_OUT:-pty.out}" 7>&-
}

# pty_start ARGS...: `sockcat -v ARGS` in the background (stdin $PTY_IN, stdout $PTY_OUT),
# waited for by its "pty:LINK is /dev/pts/N" line: PTY_SLAVE is N's path.
pty_start() {
	start_bg _pty_run "$@"
	expect_line ' is /dev/pts/[0-9]+$'
	PTY_SLAVE=${LINE##* is }
	PTY_PID=$BG_PID
}

@test "--pty: tty names a /dev/pts slave and stty -a shows sane settings, 24x80" {
	serve unix:s -e --pty -- sh -c 'tty; stty -a'
	run --separate-stderr "$IPCBOX" sockcat unix:s </dev/null
	assert_status 0
	wait_server
	assert_eq "$SRV_STATUS" 0
	local out=${output//$'\r'/}
	[[ ${out%%$'\n'*} =~ ^/dev/pts/[0-9]+$ ]] || { echo "tty said: $out" >&2; return 1; }
	assert_contains "$out" "rows 24; columns 80"
	for flag in " icanon" " echo " " isig" " icrnl" " opost" " onlcr" " cs8"; do
		assert_contains " ${out//$'\n'/ } " "$flag"
	done
	refute_contains "$out" "not a tty"
}

@test "--pty: the command leads a session whose controlling terminal is its pty" {
	serve unix:s -e --pty -- sh -c 'tty; read -r s </proc/$$/stat; echo "$$ ${s##*) }"'
	run --separate-stderr "$IPCBOX" sockcat unix:s </dev/null
	assert_status 0
	wait_server
	local out=${output//$'\r'/} pts pid state ppid pgrp sid nr rest
	pts=${out%%$'\n'*}
	read -r pid state ppid pgrp sid nr rest <<<"${out#*$'\n'}"
	assert_eq "$sid" "$pid"  # setsid: a session of its own
	assert_eq "$pgrp" "$pid" # and its process group
	assert_eq "$(pts_of_tty_nr "$nr")" "$pts"
}

@test "--pty: the command's exit status passes back, 127 when it is not found" {
	serve unix:s -e --pty -- sh -c 'echo bye; exit 7'
	run --separate-stderr "$IPCBOX" sockcat unix:s </dev/null
	assert_eq "$output" "bye"$'\r'
	wait_server
	assert_eq "$SRV_STATUS" 7

	serve unix:s2 -e --pty -- no-such-command-xyz
	"$IPCBOX" sockcat unix:s2 </dev/null
	wait_server
	assert_eq "$SRV_STATUS" 127
	expect_line 'no-such-command-xyz'
	assert_contains "$LINE" "exec 'no-such-command-xyz': No such file or directory"

	# The connecting side too: its -e --pty command's status is its own.
	serve unix:s3
	run "$IPCBOX" sockcat unix:s3 -e --pty -- sh -c 'tty >/dev/null && exit 5'
	assert_status 5
	wait_server
}

@test "--pty: the peer's lines reach the command, its EOF is typed as ^D, output drained" {
	serve unix:s -e --pty -- sh -c 'cat; echo "cat ended"; exit 3'
	run --separate-stderr "$IPCBOX" sockcat unix:s < <(printf 'one\ntwo\n')
	assert_status 0
	wait_server
	assert_eq "$SRV_STATUS" 3
	# the terminal echoes each line as it comes and cat writes it back: every line
	# twice (the echo of "two" may come before or after cat's "one"), then the end
	local out=${output//$'\r'/}
	assert_eq "${out##*$'\n'}" "cat ended"
	assert_eq "$(sort <<<"${out%$'\n'*}" | tr '\n' ' ')" "one one two two "
}

@test "--pty: a ^C from the peer interrupts the command (SIGINT from its terminal)" {
	serve unix:s -e --pty -- sleep 100
	printf '\003' | "$IPCBOX" sockcat unix:s >/dev/null
	wait_server
	assert_eq "$SRV_STATUS" $((128 + 2))
}

@test "--pty: when the peer is gone, the command is hung up (SIGHUP) and waited for" {
	serve unix:s -e --pty -- sh -c 'echo started; while :; do echo more; sleep 0.01; done'
	# -q 0: the client leaves at its stdin's end, without waiting for the output's
	"$IPCBOX" sockcat -q 0 unix:s </dev/null >/dev/null
	wait_server
	assert_eq "$SRV_STATUS" $((128 + 1))
}

@test "--pty --fork: each client gets a terminal of its own" {
	serve --fork unix:s -e --pty -- sh -c 'tty; cat'
	mkfifo in1
	"$IPCBOX" sockcat unix:s <in1 >out1 &
	local c1=$!
	exec 6>in1
	for _ in $(seq 1000); do [ -s out1 ] && break; sleep 0.01; done
	run --separate-stderr "$IPCBOX" sockcat unix:s </dev/null
	assert_status 0
	exec 6>&- # the first client ends too
	wait "$c1"
	local a b
	a=$(tr -d '\r' <out1) b=${output//$'\r'/}
	[[ $a =~ ^/dev/pts/[0-9]+$ ]] && [[ $b =~ ^/dev/pts/[0-9]+$ ]] || { echo "$a / $b" >&2; return 1; }
	[ "$a" != "$b" ]
}

@test "--pty: the command finds the peer in SOCKCAT_PEER_UID" {
	serve unix:s -e --pty -- sh -c 'echo "uid=$SOCKCAT_PEER_UID"'
	run --separate-stderr "$IPCBOX" sockcat unix:s </dev/null
	assert_eq "$output" "uid=$(id -u)"$'\r'
	wait_server
}

@test "--pty with --allow-uid: a shell for one user, others refused" {
	need_drop
	local s=/dev/shm/sockcat-ptysh-$$
	serve -k -m 0666 --allow-uid 0 "unix:$s" -e --pty -- sh
	as_nobody "$IPCBOX" sockcat "unix:$s" </dev/null >/dev/null 2>&1 || :
	expect_line 'refused'
	assert_contains "$LINE" "uid 65534 gid 65534 is not allowed"
	run --separate-stderr "$IPCBOX" sockcat "unix:$s" < <(printf 'echo "in $(tty)"\n')
	assert_status 0
	assert_contains "$output" "in /dev/pts/"
	stop_server
}

@test "pty:LINK: the link names a /dev/pts slave while it runs; bytes go both ways; removed at the end" {
	mkfifo in
	exec 7<>in
	PTY_IN=in pty_start -q 0 pty:ttyV
	[ -L ttyV ]
	assert_eq "$(readlink ttyV)" "$PTY_SLAVE"
	[[ $PTY_SLAVE =~ ^/dev/pts/[0-9]+$ ]]
	# stdin to the slave, raw: every byte as it is, no echo, no CR/NL change
	printf 'to\r\nslave\000\377\003' >&7
	slave_io ttyV 'from\r\nslave\x00\xff' 12 >got
	cmp got <(printf 'to\r\nslave\000\377\003')
	for _ in $(seq 1000); do [ "$(stat -c %s pty.out)" = 13 ] && break; sleep 0.01; done
	exec 7>&- # stdin's end: -q 0 stops at once
	wait "$PTY_PID" || { echo "sockcat failed: $?" >&2; return 1; }
	PTY_PID=
	cmp pty.out <(printf 'from\r\nslave\000\377')
	[ ! -e ttyV ] && [ ! -L ttyV ]
}

@test "pty:LINK: SIGTERM and SIGINT remove the link" {
	for sig in TERM INT; do
		pty_start pty:tty$sig
		[ -L tty$sig ]
		kill -$sig "$PTY_PID"
		local st=0
		wait "$PTY_PID" || st=$?
		PTY_PID=
		[ "$st" -gt 128 ]
		[ ! -L tty$sig ]
	done
}

@test "pty:LINK: an existing LINK is refused with one line and left as it was" {
	echo keep >file
	ln -s file link
	ln -s nowhere dangling
	for l in file link dangling; do
		local before
		before=$(stat -c '%i %F' "$l")
		run --separate-stderr "$IPCBOX" sockcat pty:$l </dev/null
		assert_status 1
		assert_eq "$(wc -l <<<"$stderr")" 1
		[[ $stderr =~ ^"sockcat: make the link '$l' to /dev/pts/"[0-9]+": File exists"$ ]] ||
			{ echo "stderr: $stderr" >&2; return 1; }
		assert_eq "$(stat -c '%i %F' "$l")" "$before"
	done
	assert_eq "$(cat file)" keep
	assert_eq "$(readlink link) $(readlink dangling)" "file nowhere"
}

@test "pty:LINK: a link put in its place while it runs is not removed" {
	pty_start pty:ttyR
	ln -sfn /dev/null ttyR.new
	mv -T ttyR.new ttyR
	kill -TERM "$PTY_PID"
	wait "$PTY_PID" || :
	PTY_PID=
	assert_eq "$(readlink ttyR)" /dev/null
}

@test "pty:LINK -e sockcat pty:LINK2: a virtual serial pair, bytes both ways" {
	start_bg "$IPCBOX" sockcat pty:ttyV0 -e -- "$IPCBOX" sockcat pty:ttyV1
	PTY_PID=$BG_PID
	wait_links ttyV0 ttyV1
	[[ $(readlink ttyV0) =~ ^/dev/pts/[0-9]+$ ]]
	[[ $(readlink ttyV1) =~ ^/dev/pts/[0-9]+$ ]]
	run python3 - <<'EOF'
import os, select, time
a = os.open("ttyV0", os.O_RDWR | os.O_NOCTTY)
b = os.open("ttyV1", os.O_RDWR | os.O_NOCTTY)
os.set_blocking(a, False)
os.set_blocking(b, False)
def move(src, dst, data):  # writes and reads at once: the terminals hold only a few KiB
    left, got, end = data, b"", time.monotonic() + 30
    while len(got) < len(data) and time.monotonic() < end:
        r, w, _ = select.select([dst], [src] if left else [], [], 0.5)
        if w:
            left = left[os.write(src, left[:4096]):]
        if r:
            got += os.read(dst, 65536)
    return got == data
big = os.urandom(100000)
print(move(a, b, b"AT\r\n\x00\xff"), move(b, a, b"OK\r\n\x03"), move(a, b, big), move(b, a, big))
EOF
	assert_eq "$output" "True True True True"
	kill -TERM "$PTY_PID"
	local st=0
	wait "$PTY_PID" || st=$?
	PTY_PID=
	assert_eq "$st" $((128 + 15))
	[ ! -L ttyV0 ] && [ ! -L ttyV1 ]
}

@test "--pty and pty:LINK: usage errors" {
	run --separate-stderr "$IPCBOX" sockcat --pty unix:s
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: --pty needs -e"
	run --separate-stderr "$IPCBOX" sockcat -e --pty -u udp:127.0.0.1:9 -- sh
	assert_status 2
	run --separate-stderr "$IPCBOX" sockcat pty:
	assert_status 2
	assert_contains "$stderr" "expected pty:LINK"
	for opt in -l -u -U -4 --keepalive -e; do
		args=(sockcat "$opt" pty:x)
		[ "$opt" != -e ] || args=(sockcat pty:x -e --pty -- sh)
		run --separate-stderr "$IPCBOX" "${args[@]}"
		assert_status 2
		assert_contains "$stderr" "pty:LINK does not go with"
	done
	[ ! -e x ]
}
