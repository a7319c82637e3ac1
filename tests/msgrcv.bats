#!/usr/bin/env bats
# msgrcv: selecting, waiting, streaming, record formats, peeking, limits, errors, and
# the no-loss guarantee (a message that cannot be written goes back on the queue).

load helpers
load msg_helpers

teardown() {
	umount "$BATS_TEST_TMPDIR/small" 2>/dev/null || :
}

@test "receives the first message and writes its payload raw" {
	"$IPCBOX" msgsnd -k $K -c first second
	run --separate-stderr "$IPCBOX" msgrcv -k $K
	assert_status 0
	assert_eq "$output" first
	assert_eq "$stderr" ""
	assert_eq "$(qnum $K)" 1
	"$IPCBOX" msgrcv -k $K >raw
	assert_eq "$(od -An -c raw | tr -s ' ')" " s e c o n d"
}

@test "-t 0, N and -N select as msgrcv(2) does; --except" {
	mkq
	printf '5\tfive\n2\ttwo\n7\tseven\n2\ttwo-b\n1\tone\n' | "$IPCBOX" msgsnd -k $K --typed
	assert_eq "$("$IPCBOX" msgrcv -k $K -t 2)" two
	assert_eq "$("$IPCBOX" msgrcv -k $K --type=-6)" one
	assert_eq "$("$IPCBOX" msgrcv -k $K -t 5 --except)" seven
	assert_eq "$("$IPCBOX" msgrcv -k $K -t 0)" five
	assert_eq "$("$IPCBOX" msgrcv -k $K)" two-b
	run --separate-stderr "$IPCBOX" msgrcv -k $K --except
	assert_status 2
	assert_contains "$stderr" "--except needs -t with a type > 0"
}

@test "-n with nothing to receive exits 3; so does -w after its timeout" {
	mkq
	"$IPCBOX" msgsnd -k $K -t 3 other
	run --separate-stderr "$IPCBOX" msgrcv -k $K -n -t 4
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message on key 0x00005eed; 0 received"
	run --separate-stderr "$IPCBOX" msgrcv -k $K --wait=30ms -t 4
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message on key 0x00005eed within 30ms; 0 received"
	assert_eq "$(qnum $K)" 1
}

@test "-w receives a message that comes while it waits" {
	mkq
	"$IPCBOX" msgrcv -k $K -w 30s >out &
	local pid=$!
	wait_blocked $pid msgrcv
	"$IPCBOX" msgsnd -k $K late
	wait_status $pid
	assert_status 0
	assert_eq "$(cat out)" late
}

@test "a blocked msgrcv is woken when a message comes (output checked)" {
	mkq
	"$IPCBOX" msgrcv -k $K -C 2 -l >out 2>err &
	local pid=$!
	wait_blocked $pid msgrcv
	"$IPCBOX" msgsnd -k $K a b
	wait $pid
	assert_eq "$(cat out)" $'a\nb'
}

@test "-C COUNT receives COUNT; fewer with -n: those, then exit 3" {
	mkq
	seq 5 | "$IPCBOX" msgsnd -k $K -l
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 3 -l)" $'1\n2\n3'
	run --separate-stderr "$IPCBOX" msgrcv -k $K --count=4 -n -l
	assert_status 3
	assert_eq "$output" $'4\n5'
	assert_eq "$stderr" "msgrcv: no message on key 0x00005eed; 2 received"
	run --separate-stderr "$IPCBOX" msgrcv -k $K -C 0
	assert_status 2
}

@test "-l, -0 and --typed delimit records; raw concatenates" {
	mkq
	"$IPCBOX" msgsnd -k $K -t 4 'a b' ''
	"$IPCBOX" msgsnd -k $K -t 9 $'x\ny'
	"$IPCBOX" msgrcv -k $K --peek -F >raw
	printf 'a bx\ny' | cmp - raw
	"$IPCBOX" msgrcv -k $K --peek -F -l >lines
	printf 'a b\n\nx\ny\n' | cmp - lines
	"$IPCBOX" msgrcv -k $K --peek -F -0 >nul
	printf 'a b\0\0x\ny\0' | cmp - nul
	"$IPCBOX" msgrcv -k $K --peek -F --typed -0 >typed0
	printf '4\ta b\0004\t\0009\tx\ny\0' | cmp - typed0
}

@test "--typed refuses a payload with a newline and leaves it on the queue" {
	mkq
	"$IPCBOX" msgsnd -k $K -t 3 ok
	"$IPCBOX" msgsnd -k $K -t 9 $'two\nlines'
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F --typed
	assert_status 1
	assert_eq "$output" $'3\tok'
	assert_eq "$stderr" "msgrcv: message 2 contains a newline, which --typed cannot delimit; put 1 message back on key 0x00005eed (at the end of the queue)"
	assert_eq "$("$IPCBOX" msgrcv -k $K -t 9)" $'two\nlines'
}

@test "msgrcv --typed | msgsnd --typed copies a queue, types and all" {
	mkq 0x100
	mkq 0x200
	printf '3\tc\n1\ta\n2\tb b\n1\t\n' | "$IPCBOX" msgsnd -k 0x100 --typed
	# copy without taking: --peek; then move: -F -n drains
	"$IPCBOX" msgrcv -k 0x100 --peek -F --typed | "$IPCBOX" msgsnd -k 0x200 --typed
	assert_eq "$(qnum 0x100)" 4
	assert_eq "$("$IPCBOX" msgrcv -k 0x200 --peek -F --typed)" "$("$IPCBOX" msgrcv -k 0x100 --peek -F --typed)"
	run --separate-stderr bash -c '"$0" msgrcv -k 0x100 -F -n --typed | "$0" msgsnd -k 0x200 --typed' "$IPCBOX"
	assert_status 0
	assert_eq "$(qnum 0x100)" 0
	assert_eq "$(qnum 0x200)" 8
	assert_eq "$("$IPCBOX" msgrcv -k 0x200 -t 3 -C 2 --typed)" $'3\tc\n3\tc'
}

@test "-F receives until the queue is removed (exit 0)" {
	mkq
	"$IPCBOX" msgsnd -k $K early
	"$IPCBOX" msgrcv -k $K -F -l >out 2>err &
	local pid=$!
	"$IPCBOX" msgsnd -k $K second
	wait_blocked $pid msgrcv
	"$IPCBOX" msgsnd -k $K third
	# asleep in msgrcv again: everything sent so far has been taken
	wait_blocked $pid msgrcv
	ipcrm -Q $K
	wait_status $pid
	assert_status 0
	assert_eq "$(cat out)" $'early\nsecond\nthird'
	assert_eq "$(cat err)" ""
}

@test "-F ends on SIGTERM while waiting: killed by the signal, nothing lost" {
	mkq
	"$IPCBOX" msgsnd -k $K one
	"$IPCBOX" msgrcv -k $K -F -l >out &
	local pid=$!
	wait_blocked $pid msgrcv
	kill -TERM $pid
	wait_status $pid
	assert_status 143
	assert_eq "$(cat out)" one
	"$IPCBOX" msgsnd -k $K two
	assert_eq "$("$IPCBOX" msgrcv -k $K)" two
}

@test "-F writes out what it has before it waits for the next message" {
	mkq
	"$IPCBOX" msgsnd -k $K first
	"$IPCBOX" msgrcv -k $K -F -l >out &
	local pid=$!
	wait_blocked $pid msgrcv
	# It waits for more: "first" must be out already, not held back in its buffer.
	assert_eq "$(cat out)" first
	"$IPCBOX" msgsnd -k $K second
	local end=$((SECONDS + 10))
	until [ "$(cat out)" = $'first\nsecond' ] || [ $SECONDS -gt $end ]; do :; done
	assert_eq "$(cat out)" $'first\nsecond'
	kill -TERM $pid
	wait_status $pid
	assert_status 143
}

@test "SIGTERM ends msgrcv -w 30s at once (143), not at the deadline; nothing lost" {
	mkq
	"$IPCBOX" msgsnd -k $K -t 1 one
	"$IPCBOX" msgsnd -k $K -t 2 other
	# It takes "one", writes it, then waits for a second message of type 1.
	"$IPCBOX" msgrcv -k $K -t 1 -C 2 -w 30s -l >out 2>err &
	local pid=$!
	wait_blocked $pid msgrcv
	local t0=${EPOCHREALTIME/./}
	kill -TERM $pid
	wait_status $pid
	local ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	assert_status 143
	[ $ms -lt 5000 ] || { echo "msgrcv took $ms ms to end after SIGTERM" >&2; return 1; }
	assert_eq "$(cat out)" one
	assert_eq "$(cat err)" ""
	assert_eq "$("$IPCBOX" msgrcv -k $K -n -C 1 --typed)" $'2\tother'
	assert_eq "$(qnum $K)" 0
}

@test "a single msgrcv blocked on a queue that is removed: exit 1, says so" {
	mkq
	start_bg "$IPCBOX" msgrcv -k $K
	wait_blocked $BG_PID msgrcv
	ipcrm -Q $K
	expect_line 'msgrcv:'
	assert_eq "$LINE" "msgrcv: receive from key 0x00005eed: the queue was removed; 0 received"
	wait_status $BG_PID
	assert_status 1
}

@test "--peek copies without removing; --peek=INDEX; past the end exits 3" {
	mkq
	"$IPCBOX" msgsnd -k $K zero one two
	assert_eq "$("$IPCBOX" msgrcv -k $K --peek)" zero
	assert_eq "$("$IPCBOX" msgrcv -k $K --peek=2)" two
	assert_eq "$("$IPCBOX" msgrcv -k $K --peek=1 -C 2 -l)" $'one\ntwo'
	assert_eq "$(qnum $K)" 3
	run --separate-stderr "$IPCBOX" msgrcv -k $K --peek=3
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message at index 3 of key 0x00005eed"
	for bad in "--peek -t 1" "--peek -w 1" "--peek=x" "--peek=-1"; do
		run --separate-stderr "$IPCBOX" msgrcv -k $K $bad
		assert_status 2
	done
}

@test "a message over the buffer (msgmax) stays queued, the error gives its size; --truncate" {
	mkq
	head -c 8000 /dev/zero | tr '\0' z | "$IPCBOX" msgsnd -k $K -t 6
	set_msgmax 100
	run --separate-stderr "$IPCBOX" msgrcv -k $K
	assert_status 1
	assert_eq "$stderr" "msgrcv: receive from key 0x00005eed: the message of 8000 bytes is larger than the 100-byte buffer (msgmax); it stays on the queue (--truncate cuts it short)"
	assert_eq "$(qnum $K)" 1
	run --separate-stderr "$IPCBOX" msgrcv -k $K --peek
	assert_status 1
	assert_eq "$stderr" "msgrcv: peek at key 0x00005eed: message 0 is larger than the 100-byte buffer (msgmax)"
	assert_eq "$(qnum $K)" 1
	"$IPCBOX" msgrcv -k $K --truncate --typed >cut
	assert_eq "$(cat cut)" "6	$(head -c 100 /dev/zero | tr '\0' z)"
	assert_eq "$(qnum $K)" 0
}

@test "the buffer follows msgmax: a big message comes through whole" {
	set_msgmax 100000
	echo 200000 >/proc/sys/kernel/msgmnb
	mkq
	head -c 99999 /dev/urandom >big
	"$IPCBOX" msgsnd -k $K <big
	"$IPCBOX" msgrcv -k $K >got
	cmp big got
}

@test "no loss: writing to a full disk puts the messages back, in order, types kept" {
	[ -w /dev/full ] || skip "no /dev/full"
	mkq
	printf '4\tfour\n2\ttwo\n9\tnine\n' | "$IPCBOX" msgsnd -k $K --typed
	run --separate-stderr bash -c '"$0" msgrcv -k 0x5eed -C 3 -l >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: No space left on device; put 3 messages back on key 0x00005eed (at the end of the queue)"
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 3 --typed)" $'4\tfour\n2\ttwo\n9\tnine'
	"$IPCBOX" msgsnd -k $K single
	run --separate-stderr bash -c '"$0" msgrcv -k 0x5eed >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$("$IPCBOX" msgrcv -k $K -n)" single
}

@test "no loss: a pipe with no reader (EPIPE, SIGPIPE) puts the message back" {
	mkq
	"$IPCBOX" msgsnd -k $K -t 5 precious
	mkfifo p
	exec 7<>p 9>p 7<&-   # a write end whose pipe has no reader left
	run --separate-stderr bash -c '"$0" msgrcv -k 0x5eed >&9' "$IPCBOX"
	exec 9>&-
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: Broken pipe; put 1 message back on key 0x00005eed (at the end of the queue)"
	assert_eq "$("$IPCBOX" msgrcv -k $K --typed)" $'5\tprecious'
}

# Runs msgrcv "$@" with stdout on the file out, which may grow to 3 KiB only
# (RLIMIT_FSIZE, SIGXFSZ ignored): a longer write is cut short at 3072 bytes and the
# next one fails with EFBIG.
msgrcv_into_3k() {
	run --separate-stderr bash -c 'ulimit -f 3 && trap "" XFSZ && exec "$0" msgrcv "$@" >out' \
		"$IPCBOX" "$@"
}

@test "no loss, no duplicate: a write cut short exactly at a message boundary" {
	# Eight 1 KiB records are written in one write(2), which stops after the third:
	# those three stay delivered, the other five go back, each once, in order.
	mkq
	local i
	for i in 1 2 3 4 5 6 7 8; do printf '%s%01022d\n' $i 0; done >sent
	"$IPCBOX" msgsnd -k $K -l <sent
	msgrcv_into_3k -k $K -C 8 -l
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: File too large; put 5 messages back on key 0x00005eed (at the end of the queue)"
	assert_eq "$(qnum $K)" 5
	head -c 3072 sent | cmp - out
	"$IPCBOX" msgrcv -k $K -n -C 5 -l >>out
	cmp sent out
	assert_eq "$(qnum $K)" 0
	# The same with --typed records (types kept) and on a POSIX queue (priorities kept).
	for i in 1 2 3 4 5 6 7 8; do printf '%s\t%01021d\n' $i $i; done >sent
	"$IPCBOX" msgsnd -k $K --typed <sent
	msgrcv_into_3k -k $K -C 8 --typed
	assert_status 1
	assert_contains "$stderr" "put 5 messages back"
	"$IPCBOX" msgrcv -k $K -n -C 5 --typed >>out
	cmp sent out
	[ -z "${IPCBOX_NO_MQUEUE:-}" ] || return 0
	for i in 1 2 3 4 5 6 7 8; do printf '%s\t%01021d\n' 3 $i; done >sent
	"$IPCBOX" msgsnd -P /q -c --typed <sent
	msgrcv_into_3k -P /q -C 8 --typed
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: File too large; put 5 messages back on /q (at the end of the queue)"
	"$IPCBOX" msgrcv -P /q -n -C 5 --typed >>out
	cmp sent out
	run "$IPCBOX" msgrcv -P /q -n
	assert_status 3
}

# Starts msgrcv -k $K with $@ writing into a fifo nobody reads, and waits until it is
# blocked writing (the message is out of the queue, not yet delivered).
blocked_writer() {
	set_msgmax 200000
	echo 400000 >/proc/sys/kernel/msgmnb
	mkq
	head -c 150000 /dev/urandom >big
	"$IPCBOX" msgsnd -k $K -t 8 <big
	mkfifo p
	exec 7<>p
	# (a background job starts with SIGINT and SIGQUIT ignored: undo that)
	env --default-signal=INT,QUIT "$IPCBOX" msgrcv -k $K "$@" >p 2>err &
	WPID=$!
	wait_blocked $WPID pipe
	assert_eq "$(qnum $K)" 0
}

@test "no loss: SIGTERM while writing puts the message back whole, then ends by it" {
	blocked_writer -F
	kill -TERM $WPID
	wait_status $WPID
	assert_status 143
	assert_eq "$(cat err)" "msgrcv: interrupted by SIGTERM while writing to stdout; put 1 message back on key 0x00005eed (at the end of the queue); the first of them was partly written"
	exec 7<&-
	"$IPCBOX" msgrcv -k $K -t 8 >got
	cmp big got
}

@test "no loss: SIGPIPE while writing puts the message back whole" {
	blocked_writer
	kill -PIPE $WPID
	wait_status $WPID
	assert_status 1
	assert_contains "$(cat err)" "msgrcv: interrupted by SIGPIPE while writing to stdout; put 1 message back"
	exec 7<&-
	"$IPCBOX" msgrcv -k $K >got
	cmp big got
}

# Queues N messages "0001xxx…" to "000Nxxx…" of SIZE bytes on the queue given by
# the remaining arguments (msgsnd's object options), each of type (priority) 3.
queue_numbered() { # N SIZE OBJECT...
	local n=$1 size=$2; shift 2
	for i in $(seq "$n"); do
		printf '3\t%04d' "$i"
		head -c $((size - 4)) /dev/zero | tr '\0' x
		echo
	done >numbered
	"$IPCBOX" msgsnd "$@" --typed <numbered
}

# Drains the queue (object options in $@) as --typed lines into the file "back".
drain() {
	run --separate-stderr "$IPCBOX" msgrcv "$@" -F -n --typed
	assert_status 3
	printf '%s\n' "$output" >back
}

@test "no loss: a failed write with messages buffered puts back the one in hand too" {
	[ -w /dev/full ] || skip "no /dev/full"
	echo 1000000 >/proc/sys/kernel/msgmnb
	mkq
	# 16 of these fill the 64 KiB output buffer: the 17th is in hand when it is written
	queue_numbered 20 4000 -k $K
	for form in -l --typed; do
		run --separate-stderr bash -c '"$0" msgrcv -k 0x5eed -C 20 "$1" >/dev/full' "$IPCBOX" $form
		assert_status 1
		assert_eq "$stderr" "msgrcv: write to stdout: No space left on device; put 17 messages back on key 0x00005eed (at the end of the queue)"
		drain -k $K
		# what stayed first, then what went back, in order, types kept
		assert_eq "$(cut -c1-6 back | tr '\n' ' ')" "$(printf '3\t%s ' 0018 0019 0020 0001 0002 0003 0004 0005 0006 0007 0008 0009 0010 0011 0012 0013 0014 0015 0016 0017)"
		cmp <(sort back) numbered
		"$IPCBOX" msgsnd -k $K --typed <numbered
	done
}

@test "no loss, POSIX: a failed write with messages buffered puts back the one in hand too" {
	need_mqueue
	[ -w /dev/full ] || skip "no /dev/full"
	"$IPCBOX" msgsnd -P /q -c --maxmsg 10 --msgsize 8192 </dev/null
	"$IPCBOX" msgrcv -P /q >/dev/null
	queue_numbered 10 8000 -P /q
	run --separate-stderr bash -c '"$0" msgrcv -P /q -C 10 -l >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: No space left on device; put 9 messages back on /q (at the end of the queue)"
	drain -P /q
	assert_eq "$(cut -c3-6 back | tr '\n' ' ')" "0010 0001 0002 0003 0004 0005 0006 0007 0008 0009 "
	cmp <(sort back) numbered
}

@test "no loss: SIGTERM while a slow reader lags behind -F -l puts back all not written" {
	echo 1000000 >/proc/sys/kernel/msgmnb
	mkq
	queue_numbered 40 8000 -k $K
	mkfifo p
	exec 7<>p # a reader that never reads: the pipe fills, msgrcv blocks writing
	"$IPCBOX" msgrcv -k $K -F -l >p 2>err &
	local pid=$!
	wait_blocked $pid pipe
	kill -TERM $pid
	wait_status $pid
	assert_status 143
	assert_contains "$(cat err)" "msgrcv: interrupted by SIGTERM while writing to stdout; put "
	exec 6<p 7>&-
	cat <&6 >piped
	exec 6<&-
	drain -k $K
	# the complete lines that reached the pipe plus the queue: every message, once
	{ grep -a -x '[0-9]\{4\}x*' piped | grep -a -x '.\{8000\}'; cut -f2 back; } | sort >all
	cmp all <(cut -f2 numbered)
}

@test "no loss: a write that stops exactly at a message boundary puts back only the rest" {
	mkq
	mkdir small
	mount -t tmpfs -o size=8k tmpfs small || skip "cannot mount a tmpfs here"
	# ten lines of 1024 bytes in one write: the 8 KiB file system takes exactly eight
	queue_numbered 10 1023 -k $K
	run --separate-stderr bash -c '"$0" msgrcv -k 0x5eed -C 10 -l >small/out' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "msgrcv: write to stdout: No space left on device; put 2 messages back on key 0x00005eed (at the end of the queue)"
	assert_eq "$(wc -c <small/out)" 8192
	drain -k $K
	# the eight written are not put back, the two not written are: none twice
	cmp <(cat small/out; cut -f2 back) <(cut -f2 numbered)
}

@test "no loss: SIGQUIT, SIGUSR1 while writing put the message back too; nohup's SIGHUP is ignored" {
	for sig in QUIT USR1; do
		blocked_writer
		kill -$sig $WPID
		wait_status $WPID
		assert_eq "$(kill -l $status)" $sig
		assert_contains "$(cat err)" "msgrcv: interrupted by SIG$sig while writing to stdout; put 1 message back"
		exec 7<&-
		"$IPCBOX" msgrcv -k $K >got
		cmp big got
		rm p
	done
	"$IPCBOX" msgsnd -k $K -t 8 <big
	mkfifo p
	exec 7<>p
	nohup "$IPCBOX" msgrcv -k $K >p 2>err &
	WPID=$!
	wait_blocked $WPID pipe
	kill -HUP $WPID
	exec 6<p 7>&-
	cat <&6 >got # the reader comes back: the message is delivered
	exec 6<&-
	wait_status $WPID
	assert_status 0
	cmp big got
}

@test "streams: 100000 lines and NUL records through a small queue arrive whole and in order" {
	mkq
	seq 100000 >want
	"$IPCBOX" msgrcv -k $K -C 100000 -l >got &
	local pid=$!
	"$IPCBOX" msgsnd -k $K -l <want
	wait_status $pid
	assert_status 0
	cmp want got
	tr '\n' '\0' <want >want0
	"$IPCBOX" msgrcv -k $K -F -0 >got0 &
	pid=$!
	"$IPCBOX" msgsnd -k $K -0 <want0
	wait_blocked $pid msgrcv
	ipcrm -Q $K
	wait_status $pid
	assert_status 0
	cmp want0 got0
}

@test "no loss: SIGTERM in the middle of a stream; output plus queue hold every message" {
	mkq
	seq 30000 >want
	"$IPCBOX" msgsnd -k $K -l <want &
	local snd=$!
	"$IPCBOX" msgrcv -k $K -F -l >got 2>err &
	local pid=$!
	# once some output is out, the stream is in flight: stop the receiver
	local end=$((SECONDS + 10))
	until [ -s got ] || [ $SECONDS -gt $end ]; do :; done
	kill -TERM $pid
	wait_status $pid
	[ "$status" = 143 ] || { cat err >&2; return 1; }
	"$IPCBOX" msgrcv -k $K -F -l >>got &
	pid=$!
	wait $snd
	wait_blocked $pid msgrcv
	ipcrm -Q $K
	wait $pid
	assert_eq "$(sort -n got | uniq | wc -l)" 30000
	assert_eq "$(wc -l <got)" 30000
}

@test "-c -x -m create the queue to wait on" {
	run --separate-stderr "$IPCBOX" msgrcv -k $K -c -x -m 0640 -n
	assert_status 3
	assert_eq "$(awk -v k=$((K)) '$1 == k { print $3 }' /proc/sysvipc/msg)" 640
	run --separate-stderr "$IPCBOX" msgrcv -k $K -c -x -n
	assert_status 1
	assert_eq "$stderr" "msgrcv: create message queue key 0x00005eed: File exists"
}

@test "a missing queue, and one we may not read" {
	run --separate-stderr "$IPCBOX" msgrcv -k $K
	assert_status 1
	assert_eq "$stderr" "msgrcv: no message queue with key 0x00005eed"
	need_drop
	"$IPCBOX" msgsnd -k $K -c -m 0622 secret
	run --separate-stderr as_nobody "$IPCBOX" msgrcv -k $K -n
	assert_status 1
	assert_eq "$stderr" "msgrcv: open message queue key 0x00005eed: Permission denied"
	run --separate-stderr as_nobody "$IPCBOX" msgrcv -i "$(qid $K)" -n
	assert_status 1
	assert_eq "$stderr" "msgrcv: receive from id $(qid $K): Permission denied"
	assert_eq "$(qnum $K)" 1
}

@test "POSIX queues: priority order, -n, -w, put-back on a full disk" {
	need_mqueue
	"$IPCBOX" msgsnd -P /q -c -t 1 low
	"$IPCBOX" msgsnd -P /q -t 7 high
	assert_eq "$("$IPCBOX" msgrcv -P /q --typed)" $'7\thigh'
	if [ -w /dev/full ]; then
		run --separate-stderr bash -c '"$0" msgrcv -P /q >/dev/full' "$IPCBOX"
		assert_status 1
		assert_contains "$stderr" "put 1 message back on /q"
	fi
	assert_eq "$("$IPCBOX" msgrcv -P /q --typed)" $'1\tlow'
	run --separate-stderr "$IPCBOX" msgrcv -P /q -n
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message on /q; 0 received"
	run --separate-stderr "$IPCBOX" msgrcv -P /q -w 20ms
	assert_status 3
	run --separate-stderr "$IPCBOX" msgrcv -P /none
	assert_status 1
	assert_eq "$stderr" "msgrcv: no message queue /none"
	for bad in "-t 1" "--peek" "--truncate" "-t 1 --except"; do
		run --separate-stderr "$IPCBOX" msgrcv -P /q $bad
		assert_status 2
	done
}

@test "usage errors exit 2" {
	for args in "" "-k $K extra" "-k $K -C 2 -F" "-k $K -l -0" "-k $K -t x" "-k $K -w soon" \
		"-k $K -C -1" "-k $K --bogus"; do
		run --separate-stderr "$IPCBOX" msgrcv $args
		assert_status 2 || { echo "args: $args" >&2; return 1; }
		assert_contains "$stderr" "Try 'msgrcv --help'"
	done
}

@test "options: --no-wait and --nowait, abbreviations, hex counts, one message per kind" {
	mkq
	"$IPCBOX" msgsnd -k $K a b c d e f
	assert_eq "$("$IPCBOX" msgrcv -k $K --nowait)" a
	assert_eq "$("$IPCBOX" msgrcv -k $K --no-wait)" b
	assert_eq "$("$IPCBOX" msgrcv --ke $K --cou=0x2 -l --no)" $'c\nd'
	# --peek without =INDEX starts at 0, whatever -C took before it
	assert_eq "$("$IPCBOX" msgrcv -k $K -C 2 -l --peek)" $'e\nf'
	local args want
	while IFS='|' read -r args want; do
		run --separate-stderr "$IPCBOX" msgrcv $args
		assert_status 2 || { echo "args: $args" >&2; return 1; }
		assert_eq "${stderr%%$'\n'*}" "msgrcv: $want"
	done <<EOF
-k $K -n -w 1|--no-wait and --wait exclude each other
-k $K --wait=1 --nowait|--wait and --no-wait exclude each other
-k $K -C 2 -F|--count and --follow exclude each other
-k $K -l -0|--lines and --null exclude each other
-k $K -w 5x|invalid --wait '5x': expected a duration like 2, 1.5s or 250ms
-k $K -C 0|invalid --count '0': expected a whole number of at least 1
-k $K -t 1x|invalid --type '1x': expected a number of at least -9223372036854775807
-k $K --peek=x|invalid --peek 'x': expected a whole number
-k $K --n=1|option '--n=1' is ambiguous; possibilities: '--no-wait' '--null'
-k $K -|unexpected argument '-'
-k $K -- -n|unexpected argument '-n'
EOF
	assert_eq "$(qnum $K)" 2
}

@test "msgrcv --help and --version" {
	run "$IPCBOX" msgrcv --help
	assert_status 0
	assert_contains "$output" "Usage: msgrcv OBJECT"
	run "$IPCBOX" msgrcv --version
	assert_status 0
}
