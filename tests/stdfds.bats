#!/usr/bin/env bats
# Started with fd 0, 1 or 2 closed: nothing an applet opens lands there, data bound for
# a closed stdout is an error (EBADF), never discarded, input from a closed stdin is an
# error, and a closed stderr changes nothing but the messages. A command an applet
# runs finds the descriptor closed, as it would from a shell.

load helpers
load sockcat_helpers

BATS_TEST_TIMEOUT=60

setup() {
	ib_setup
	SRV_PID=
	BG_PID=
}

teardown() {
	stop_server
	if [ -n "${BG_PID:-}" ]; then
		kill "$BG_PID" 2>/dev/null || :
		wait "$BG_PID" 2>/dev/null || :
	fi
}

_with_closed() {
	local fd=$1
	shift
	case $fd in
	0) "$@" <&- ;;
	1) "$@" >&- ;;
	2) "$@" 2>&- ;;
	esac
}

# closed N CMD...: runs CMD with descriptor N closed, like `run`, stderr apart (for
# N = 2 it is closed, so $stderr is empty).
closed() {
	if [ "$1" = 2 ]; then
		run _with_closed "$@"
	else
		run --separate-stderr _with_closed "$@"
	fi
}

# The number of messages on System V queue KEY.
qnum() {
	awk -v k=$(($1)) '$1 == k { print $5 }' /proc/sysvipc/msg
}

@test "sockcat with stdout closed: the peer's data is an error, not sent back to it" {
	printf 'from the server' >down
	SRV_IN=down serve tcp:127.0.0.1:0
	closed 1 "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT" </dev/null
	assert_status 1
	assert_eq "$stderr" "sockcat: write to stdout: Bad file descriptor"
	wait_server
	# Before: the socket took fd 1 and the server got its own bytes back.
	assert_eq "$(cat srv.out)" ""
}

@test "sockcat with stdin closed: reading it is an error; the socket is not stdin" {
	printf 'from the server' >down
	SRV_IN=down serve tcp:127.0.0.1:0
	closed 0 "$IPCBOX" sockcat "tcp:127.0.0.1:$PORT"
	assert_status 1
	assert_eq "$stderr" "sockcat: read from stdin: Bad file descriptor"
	wait_server
	assert_eq "$(cat srv.out)" ""
}

@test "sockcat -x FILE with stdout closed: the dump file gets a dump, never raw data" {
	printf 'raw bytes' >down
	SRV_IN=down serve tcp:127.0.0.1:0
	closed 1 "$IPCBOX" sockcat -x dump "tcp:127.0.0.1:$PORT" </dev/null
	assert_status 1
	assert_contains "$stderr" "Bad file descriptor"
	stop_server
	# Every line of the file is a dump line; the raw bytes are not there on their own.
	run grep -cv '^[<>] [0-9a-f]\{8\} ' dump
	assert_eq "$output" 0
	run grep -c '^raw bytes' dump
	assert_eq "$output" 0
}

@test "sockcat -l with 0, 1 and 2 closed: the listening socket and the client are not on 0-2" {
	"$IPCBOX" sockcat -l unix:s 0<&- 1>&- 2>&- 3>&- &
	BG_PID=$!
	local i
	for ((i = 0; i < 500; i++)); do [ -S s ] && break; "$IPCBOX" --version >/dev/null; done
	[ -S s ]
	for i in 0 1 2; do
		run readlink "/proc/$BG_PID/fd/$i"
		assert_eq "$output" /dev/null
	done
	# A client: the server cannot read its closed stdin, so it fails; the client gets
	# nothing of its own back.
	run --separate-stderr "$IPCBOX" sockcat unix:s < <(printf hello)
	assert_eq "$output" ""
	local st=0
	wait "$BG_PID" || st=$?
	BG_PID=
	assert_eq "$st" 1
}

@test "shmcat -w with stdin closed fails and leaves the segment unchanged" {
	printf abcdef | "$IPCBOX" shmcat -P /X -c -s 6 -w
	closed 0 "$IPCBOX" shmcat -P /X -w
	assert_status 1
	assert_contains "$stderr" "Bad file descriptor"
	assert_eq "$("$IPCBOX" shmcat -P /X)" abcdef
	printf abcdef | "$IPCBOX" shmcat -k 0x5d01 -c -s 6 -w
	closed 0 "$IPCBOX" shmcat -k 0x5d01 -w
	assert_status 1
	assert_eq "$("$IPCBOX" shmcat -k 0x5d01)" abcdef
}

@test "every applet with stdout closed: output is an error (exit 1), nothing is lost" {
	printf abc | "$IPCBOX" shmcat -P /Y -c -s 3 -w
	echo m | "$IPCBOX" msgsnd -k 0x5d02 -c
	"$IPCBOX" semop -k 0x5d03 -c --init 2
	local cmd
	while IFS= read -r cmd; do
		eval "closed 1 $cmd"
		[ "$status" = 1 ] || { echo "$cmd: status $status" >&2; return 1; }
		assert_contains "$stderr" "Bad file descriptor"
	done <<-'EOF'
		"$IPCBOX" --list
		"$IPCBOX" mkfifo --version
		"$IPCBOX" ipcs
		"$IPCBOX" ipcs --posix
		"$IPCBOX" ipcs --json
		"$IPCBOX" msgrcv -k 0x5d02
		"$IPCBOX" msgrcv -k 0x5d02 --peek
		"$IPCBOX" shmcat -P /Y
		"$IPCBOX" semop -k 0x5d03 --get
		"$IPCBOX" pipeline echo x '|' cat
		"$IPCBOX" pipeline echo x
		"$IPCBOX" semop -k 0x5d03 --hold -- echo x
		"$IPCBOX" ipcrm -n -q 0
	EOF
	# The message is still there, the set untouched.
	assert_eq "$(qnum 0x5d02)" 1
	assert_eq "$("$IPCBOX" semop -k 0x5d03 --get)" 2
	assert_eq "$("$IPCBOX" shmcat -P /Y)" abc
}

@test "every applet with stdin closed: input is an error (exit 1), nothing is sent" {
	"$IPCBOX" msgsnd -k 0x5d04 -c </dev/null
	"$IPCBOX" msgrcv -k 0x5d04 >/dev/null
	local cmd
	while IFS= read -r cmd; do
		eval "closed 0 $cmd"
		[ "$status" = 1 ] || { echo "$cmd: status $status" >&2; return 1; }
		assert_contains "$stderr" "Bad file descriptor"
	done <<-'EOF'
		"$IPCBOX" msgsnd -k 0x5d04
		"$IPCBOX" msgsnd -k 0x5d04 -l
		"$IPCBOX" pipeline cat
		"$IPCBOX" pipeline -s fail cat '|' cat
	EOF
	assert_eq "$(qnum 0x5d04)" 0
}

@test "every applet with stderr closed: the work is done, the status is the same" {
	closed 2 "$IPCBOX" mkfifo p
	assert_status 0
	[ -p p ]
	closed 2 "$IPCBOX" mkfifo p
	assert_status 1
	run "$IPCBOX" msgsnd -k 0x5d05 -c <<<hello 2>&-
	assert_status 0
	closed 2 "$IPCBOX" msgrcv -k 0x5d05
	assert_status 0
	assert_eq "$output" hello
	closed 2 "$IPCBOX" msgrcv -k 0x5d05 -n
	assert_status 3
	closed 2 "$IPCBOX" ipcs -q
	assert_status 0
	assert_contains "$output" "0x00005d05"
	closed 2 "$IPCBOX" pipeline echo x '|' cat
	assert_status 0
	assert_eq "$output" x
	run -127 _with_closed 2 "$IPCBOX" no-such-applet
}

@test "a command run by an applet finds a closed descriptor closed, as from a shell" {
	local probe='for f in 0 1 2; do [ -e /proc/self/fd/$f ] && echo "$f open" >&3 || echo "$f closed" >&3; done'
	sh -c "$probe" 3>want.out >&-
	"$IPCBOX" pipeline sh -c "$probe" 3>got.out >&- || :
	assert_eq "$(cat got.out)" "$(cat want.out)"
	"$IPCBOX" semop -k 0x5d06 -c --init 1 --hold -- sh -c "$probe" 3>got.out <&- || :
	sh -c "$probe" 3>want.out <&-
	assert_eq "$(cat got.out)" "$(cat want.out)"
	assert_contains "$(cat got.out)" "0 closed"
}
