#!/usr/bin/env bats
# msgsnd: sending from arguments and stdin, to System V and POSIX queues; limits,
# waiting and errors.

load helpers
load msg_helpers

@test "each MESSAGE argument is one message, type 1 by default" {
	run --separate-stderr "$IPCBOX" msgsnd -k $K -c hello 'two words' ''
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(qnum $K)" 3
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 3 --typed)" $'1\thello\n1\ttwo words\n1\t'
}

@test "stdin is one binary-safe message by default" {
	set_msgmax 200000
	echo 400000 >/proc/sys/kernel/msgmnb
	"$IPCBOX" msgsnd -k $K -c </dev/null
	printf 'a\0b\nc\n\n' | "$IPCBOX" msgsnd -k $K
	assert_eq "$(qnum $K)" 2
	"$IPCBOX" msgrcv -k $K >empty
	[ ! -s empty ]
	"$IPCBOX" msgrcv -k $K >got
	printf 'a\0b\nc\n\n' >want
	cmp got want
	# more than one read(2) and the first buffer (64 KiB) hold
	head -c 150000 /dev/urandom >want
	"$IPCBOX" msgsnd -k $K <want
	"$IPCBOX" msgrcv -k $K -n >got
	cmp want got
}

@test "-l sends one message per line, -0 one per NUL record" {
	printf 'one\n\nthree\nlast' | "$IPCBOX" msgsnd -k $K -c -l
	assert_eq "$(qnum $K)" 4
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 4 -l)" $'one\n\nthree\nlast'
	printf 'x\ny\0z\0' | "$IPCBOX" msgsnd -k $K --null
	"$IPCBOX" msgrcv -k $K -C 2 -0 >got
	printf 'x\ny\0z\0' >want
	cmp got want
}

@test "short messages between much longer ones in one run arrive intact" {
	# One send buffer serves the whole run: it must grow for each longer message.
	# (The plain build survives writing past it: glibc's checking malloc sees it.)
	set_msgmax 65536
	echo 400000 >/proc/sys/kernel/msgmnb # room for all of them at once
	mkq
	head -c 49152 /dev/urandom | base64 -w0 >long # 65536 bytes, no newline
	head -c 6000 /dev/urandom | base64 -w0 >mid   # 8000 bytes
	{ echo x; cat long; echo; echo; cat mid; echo; echo y; cat long; echo; } >sent
	malloc_checked "$IPCBOX" msgsnd -k $K -l <sent
	"$IPCBOX" msgrcv -k $K -n -C 6 -l >got
	cmp sent got
	# From arguments, and as typed records.
	malloc_checked "$IPCBOX" msgsnd -k $K a "$(cat mid)" b "$(cat long)"
	"$IPCBOX" msgrcv -k $K -n -C 4 -l >got
	printf '%s\n' a "$(cat mid)" b "$(cat long)" | cmp - got
	sed 's/^/7\t/' sent >typed
	malloc_checked "$IPCBOX" msgsnd -k $K --typed <typed
	"$IPCBOX" msgrcv -k $K -n -C 6 --typed >got
	cmp typed got
	assert_eq "$(qnum $K)" 0
}

@test "--typed reads TYPE<TAB>payload records; -t sets the type" {
	printf '7\tseven\n3\tthree\t with tab\n' | "$IPCBOX" msgsnd -k $K -c --typed
	"$IPCBOX" msgsnd -k $K -t 9 nine
	"$IPCBOX" msgsnd -k $K --type=2 two
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 4 --typed)" $'7\tseven\n3\tthree\t with tab\n9\tnine\n2\ttwo'
	printf '5\tfive\0006\tsix\nlines\0' | "$IPCBOX" msgsnd -k $K --typed -0
	assert_eq "$("$IPCBOX" msgrcv -k $K -t 6)" $'six\nlines'
}

@test "a malformed typed record is an error naming it; earlier ones were sent" {
	mkq
	for bad in 'x\tpayload' '0\tzero' '-1\tneg' 'notab' '\tempty' '99999999999999999999999\tbig'; do
		run --separate-stderr bash -c 'printf "1\tok\n$1\n2\tnever\n" | "$0" msgsnd -k 0x5eed --typed' "$IPCBOX" "$bad"
		assert_status 1
		assert_contains "$stderr" "msgsnd: record 2 is not TYPE<TAB>payload with TYPE 1-"
		assert_contains "$stderr" "1 message sent before it"
		assert_eq "$("$IPCBOX" msgrcv -k $K -n -F --typed 2>/dev/null)" $'1\tok'
	done
}

@test "-t must be a positive type for System V" {
	mkq
	for t in 0 -1 x 1x ''; do
		run --separate-stderr "$IPCBOX" msgsnd -k $K -t "$t" m
		assert_status 2
		assert_contains "$stderr" "msgsnd: invalid type '$t'"
	done
	run --separate-stderr "$IPCBOX" msgsnd -k $K -t 9223372036854775807 m
	assert_status 0
}

@test "a message over msgmax is an error naming its record and the limit; none half-sent" {
	set_msgmax 100
	mkq
	{ echo a; echo b; head -c 101 /dev/zero | tr "\0" x; echo; echo d; } >in
	run --separate-stderr "$IPCBOX" msgsnd -k $K -l <in
	assert_status 1
	assert_eq "$stderr" "msgsnd: message 3 of 101 bytes is larger than the limit of 100 bytes (msgmax) of key 0x00005eed; 2 messages sent before it"
	assert_eq "$(qnum $K)" 2
	# exactly the limit is fine
	head -c 100 /dev/zero | "$IPCBOX" msgsnd -k $K
	assert_eq "$(qnum $K)" 3
	run --separate-stderr bash -c 'head -c 5000 /dev/zero | "$0" msgsnd -k 0x5eed' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "msgsnd: message 1 is larger than the limit of 100 bytes (msgmax) of key 0x00005eed; 0 messages sent before it"
	run --separate-stderr "$IPCBOX" msgsnd -k $K ok "$(printf '%0101d' 0)"
	assert_status 1
	assert_contains "$stderr" "message 2 of 101 bytes is larger than the limit of 100 bytes (msgmax)"
	assert_eq "$(qnum $K)" 4
}

@test "--typed: a payload of exactly msgmax is sent (TYPE<TAB> not counted); one byte more is not" {
	set_msgmax 1000
	mkq
	head -c 1000 /dev/zero | tr '\0' a >payload
	local t
	for t in 1 9223372036854775807; do
		{ printf '%s\t' $t; cat payload; echo; } >rec
		run --separate-stderr "$IPCBOX" msgsnd -k $K --typed <rec
		assert_status 0
		assert_eq "$stderr" ""
		"$IPCBOX" msgrcv -k $K -n --typed >got
		cmp rec got
		{ printf '%s\t' $t; cat payload; echo b; } >rec
		run --separate-stderr "$IPCBOX" msgsnd -k $K --typed <rec
		assert_status 1
		assert_eq "$stderr" "msgsnd: message 1 of 1001 bytes is larger than the limit of 1000 bytes (msgmax) of key 0x00005eed; 0 messages sent before it"
		assert_eq "$(qnum $K)" 0
	done
}

# Every record form at exactly LIMIT bytes, then LIMIT + 1 refused, on the queue $1
# (msgsnd's object options in $2...).
exact_limit() {
	local limit=$1; shift
	head -c "$limit" /dev/zero | tr '\0' x >exact
	{ cat exact; echo y; } | tr -d '\n' >over
	"$IPCBOX" msgsnd "$@" <exact
	{ cat exact; echo; } | "$IPCBOX" msgsnd "$@" -l
	{ cat exact; printf '\0'; } | "$IPCBOX" msgsnd "$@" -0
	{ printf '7\t'; cat exact; echo; } | "$IPCBOX" msgsnd "$@" --typed
	"$IPCBOX" msgsnd "$@" "$(cat exact)"
	for form in "" -l --typed; do
		run --separate-stderr bash -c '{ [ "$1" != --typed ] || printf "7\t"; cat over; } |
			"$0" msgsnd "${@:2}" $1' "$IPCBOX" "$form" "$@"
		assert_status 1
		assert_contains "$stderr" "is larger than the limit of $limit bytes"
	done
	for i in 1 2 3 4 5; do
		"$IPCBOX" msgrcv "$@" -n >got
		cmp exact got
	done
	run "$IPCBOX" msgrcv "$@" -n
	assert_status 3
}

@test "a message of exactly the limit is sent when the limit is 2^k-1 (65535, 131071)" {
	echo 1000000 >/proc/sys/kernel/msgmnb
	for limit in 65535 65536 131071; do
		set_msgmax $limit
		ipcrm -Q $K 2>/dev/null || :
		mkq
		exact_limit $limit -k $K
	done
}

@test "POSIX: a message of exactly --msgsize 65535 (and 131071) is sent" {
	need_mqueue
	echo 1048576 >/proc/sys/fs/mqueue/msgsize_max 2>/dev/null || :
	ulimit -q unlimited 2>/dev/null || : # the mqueue bytes of all this user's queues
	for limit in 65535 131071; do
		"$IPCBOX" msgsnd -P /big$limit -c --maxmsg 5 --msgsize $limit </dev/null
		"$IPCBOX" msgrcv -P /big$limit >/dev/null
		exact_limit $limit -P /big$limit
		rm /dev/mqueue/big$limit # RLIMIT_MSGQUEUE counts the room of every queue
	done
}

@test "a record longer than the read buffer is reported, not split" {
	mkq
	run --separate-stderr bash -c '{ echo first; head -c 200000 /dev/zero | tr "\0" y; echo; echo last; } |
		"$0" msgsnd -k 0x5eed -l' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "msgsnd: message 2 is larger than the limit of $(cat /proc/sys/kernel/msgmax) bytes (msgmax) of key 0x00005eed; 1 message sent before it"
	assert_eq "$(qnum $K)" 1
}

@test "msg_qbytes (IPC_SET) limits the message size" {
	need_sysv_ipc
	mkq
	set_qbytes $K 50
	run --separate-stderr "$IPCBOX" msgsnd -k $K "$(printf '%051d' 0)"
	assert_status 1
	assert_eq "$stderr" "msgsnd: message 1 of 51 bytes is larger than the limit of 50 bytes (msg_qbytes) of key 0x00005eed; 0 messages sent before it"
	run "$IPCBOX" msgsnd -k $K "$(printf '%050d' 0)"
	assert_status 0
}

@test "-n on a full queue exits 3 and says how many were sent" {
	need_sysv_ipc
	mkq
	set_qbytes $K 10
	run --separate-stderr bash -c 'printf "aaaa\nbbbb\ncccc\n" | "$0" msgsnd -k 0x5eed -l -n' "$IPCBOX"
	assert_status 3
	assert_eq "$stderr" "msgsnd: queue key 0x00005eed is full; 2 messages sent before"
	assert_eq "$(qnum $K)" 2
}

@test "-w waits for room, then exits 3 after the timeout" {
	need_sysv_ipc
	mkq
	set_qbytes $K 4
	"$IPCBOX" msgsnd -k $K full
	run --separate-stderr "$IPCBOX" msgsnd -k $K -w 50ms more
	assert_status 3
	assert_eq "$stderr" "msgsnd: queue key 0x00005eed still full after 50ms; 0 messages sent before"
	run --separate-stderr "$IPCBOX" msgsnd -k $K -w bogus more
	assert_status 2
}

@test "-w succeeds once a receiver makes room" {
	need_sysv_ipc
	mkq
	set_qbytes $K 8
	"$IPCBOX" msgsnd -k $K full
	start_bg "$IPCBOX" msgsnd -k $K -w 30s -v later
	wait_blocked $BG_PID 'msgsnd'
	assert_eq "$("$IPCBOX" msgrcv -k $K)" full
	expect_line 'sent 1 message'
	wait $BG_PID
	assert_eq "$("$IPCBOX" msgrcv -k $K)" later
}

@test "SIGTERM ends msgsnd -w 30s at once (143), not at the deadline; nothing lost or added" {
	need_sysv_ipc
	mkq
	set_qbytes $K 8
	"$IPCBOX" msgsnd -k $K full
	# "ab" fits; "cdefgh" waits for room
	printf 'ab\ncdefgh\n' >in
	"$IPCBOX" msgsnd -k $K -l -w 30s <in 2>err &
	local pid=$!
	wait_blocked $pid msgsnd
	assert_eq "$(qnum $K)" 2
	local t0=${EPOCHREALTIME/./}
	kill -TERM $pid
	wait_status $pid
	local ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	assert_status 143
	[ $ms -lt 5000 ] || { echo "msgsnd took $ms ms to end after SIGTERM" >&2; return 1; }
	assert_eq "$("$IPCBOX" msgrcv -k $K -n -C 2 -l)" $'full\nab'
	assert_eq "$(qnum $K)" 0
}

@test "blocked on a full queue that is removed: exit 1, says so" {
	need_sysv_ipc
	mkq
	set_qbytes $K 8
	"$IPCBOX" msgsnd -k $K full
	start_bg "$IPCBOX" msgsnd -k $K blocked
	wait_blocked $BG_PID 'msgsnd'
	ipcrm -Q $K
	expect_line 'msgsnd:'
	assert_eq "$LINE" "msgsnd: send to key 0x00005eed: the queue was removed; 0 messages sent before"
	wait_status $BG_PID
	assert_status 1
}

@test "a missing queue, and one we may not write to" {
	run --separate-stderr "$IPCBOX" msgsnd -k $K hi
	assert_status 1
	assert_eq "$stderr" "msgsnd: no message queue with key 0x00005eed"
	run --separate-stderr "$IPCBOX" msgsnd -i 123456 hi
	assert_status 1
	assert_eq "$stderr" "msgsnd: no message queue with id 123456"
	need_drop
	"$IPCBOX" msgsnd -k $K -c -m 0644
	run --separate-stderr as_nobody "$IPCBOX" msgsnd -k $K hi
	assert_status 1
	assert_eq "$stderr" "msgsnd: open message queue key 0x00005eed: Permission denied"
	run --separate-stderr as_nobody "$IPCBOX" msgsnd -i "$(qid $K)" hi
	assert_status 1
	assert_eq "$stderr" "msgsnd: send to id $(qid $K): Permission denied"
}

@test "-c -x -m create a queue with exactly that mode; -f uses ftok" {
	run --separate-stderr "$IPCBOX" msgsnd -k $K -c -x -m 0640 a
	assert_status 0
	awk -v k=$((K)) '$1 == k { print $3 }' /proc/sysvipc/msg >mode
	assert_eq "$(cat mode)" 640
	run --separate-stderr "$IPCBOX" msgsnd -k $K -c -x b
	assert_status 1
	assert_eq "$stderr" "msgsnd: create message queue key 0x00005eed: File exists"
	: >anchor
	"$IPCBOX" msgsnd -f anchor:7 -c via-ftok
	assert_eq "$("$IPCBOX" msgrcv -f anchor:7)" via-ftok
}

@test "POSIX queues: -P, -c with --maxmsg/--msgsize, priority, the size limit, -n" {
	need_mqueue
	run --separate-stderr "$IPCBOX" msgsnd -P /jobs -c --maxmsg 2 --msgsize 16 -m 0640 one
	assert_status 0
	assert_eq "$(stat -c %a /dev/mqueue/jobs)" 640
	"$IPCBOX" msgsnd -P /jobs -t 5 urgent
	run --separate-stderr "$IPCBOX" msgsnd -P /jobs -n three
	assert_status 3
	assert_eq "$stderr" "msgsnd: queue /jobs is full; 0 messages sent before"
	run --separate-stderr "$IPCBOX" msgsnd -P /jobs -w 20ms three
	assert_status 3
	assert_contains "$stderr" "still full after 20ms"
	assert_eq "$("$IPCBOX" msgrcv -P /jobs -C 2 --typed)" $'5\turgent\n0\tone'
	run --separate-stderr "$IPCBOX" msgsnd -P /jobs 0123456789abcdefX
	assert_status 1
	assert_eq "$stderr" "msgsnd: message 1 of 17 bytes is larger than the limit of 16 bytes (mq_msgsize) of /jobs; 0 messages sent before it"
	run --separate-stderr "$IPCBOX" msgsnd -P /jobs -t 32768 x
	assert_status 2
	run --separate-stderr "$IPCBOX" msgsnd -P /nope x
	assert_status 1
	assert_eq "$stderr" "msgsnd: no message queue /nope"
}

@test "usage errors exit 2" {
	for args in "" "-k $K -l a" "-k $K -l -0" "-k $K --typed -t 3" "-k $K --maxmsg 3" \
		"-P /q --msgsize 10" "-k 1 -k 2" "-k $K -x" "-k $K --bogus" "-P noslash" \
		"-P /q -c --maxmsg 0"; do
		run --separate-stderr "$IPCBOX" msgsnd $args
		assert_status 2 || { echo "args: $args" >&2; return 1; }
		assert_contains "$stderr" "Try 'msgsnd --help'"
	done
}

@test "msgsnd --help and --version" {
	run "$IPCBOX" msgsnd --help
	assert_status 0
	assert_contains "$output" "Usage: msgsnd OBJECT"
	run "$IPCBOX" msgsnd --version
	assert_status 0
}
