#!/usr/bin/env bats
# msgrcv --exec: a worker pool that loses no message. Each test counts what the
# handlers saw against what was sent and what is still on a queue.

load helpers
load msg_helpers

DL=0x5eee  # a dead-letter queue
INF=0x5eef # an in-flight queue

# Sends job1..job$1 (System V: types 1..N; POSIX: priority 0) to the queue named by
# the rest ($Q by default).
send_jobs() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do printf '%s\tjob%s\n' "$((i % 32767))" "$i"; done |
		"$IPCBOX" msgsnd "$@" -c --typed
}

# What is on a queue, as TYPE<TAB>payload lines, sorted (the queue is emptied).
drain() {
	"$IPCBOX" msgrcv "$@" -F -n -q --typed | sort || :
}

# A handler script in the current directory: $1 is its name, the rest its body.
handler() {
	local name=$1
	shift
	printf '#!/bin/sh\n%s\n' "$*" >"$name"
	chmod +x "$name"
}

@test "--exec: each message once, its payload on stdin and its type, attempt and queue in the environment" {
	send_jobs 5 -k $K
	handler h 'printf "%s %s %s %s\n" "$MSGRCV_TYPE" "$MSGRCV_ATTEMPT" "$MSGRCV_QUEUE" "$(cat)" >>seen'
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --exec -j 2 -- ./h
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(sort seen)" "$(for i in 1 2 3 4 5; do echo "$i 1 key 0x00005eed job$i"; done)"
	assert_eq "$(qnum $K)" 0
}

@test "--exec on a POSIX queue: MSGRCV_PRIORITY; -C COUNT handles COUNT and leaves the rest" {
	need_mqueue
	printf '3\tthree\n1\tone\n2\ttwo\n' | "$IPCBOX" msgsnd -P /q -c --typed
	handler h 'printf "%s %s %s\n" "$MSGRCV_PRIORITY" "$MSGRCV_QUEUE" "$(cat)" >>seen'
	run --separate-stderr "$IPCBOX" msgrcv -P /q -C 2 --exec -- ./h
	assert_status 0
	assert_eq "$(cat seen)" "$(printf '3 /q three\n2 /q two')"
	assert_eq "$(drain -P /q)" "$(printf '1\tone')"
}

@test "--exec: a payload with NULs and newlines reaches the handler byte for byte" {
	printf 'a\0b\nc\n\n' | "$IPCBOX" msgsnd -k $K -c
	run "$IPCBOX" msgrcv -k $K --exec -- sh -c 'od -An -c >got'
	assert_status 0
	assert_eq "$(tr -s ' ' <got)" " a \\0 b \\n c \\n \\n"
}

# A handler that fails the first time it sees a payload and succeeds the second.
fail_once() {
	mkdir -p tried
	handler h 'p=$(cat)
if [ -e "tried/$p" ]; then echo "$p $MSGRCV_ATTEMPT" >>done; exit 0; fi
: >"tried/$p"; exit 1'
}

@test "a handler that fails once is retried; each message is handled exactly once (System V)" {
	send_jobs 20 -k $K
	fail_once
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --exec -j 4 -- ./h
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(sort done)" "$(for i in $(seq 1 20); do echo "job$i 2"; done | sort)"
	assert_eq "$(qnum $K)" 0
}

@test "a handler that fails once is retried; each message is handled exactly once (POSIX)" {
	need_mqueue
	send_jobs 8 -P /q
	fail_once
	run --separate-stderr "$IPCBOX" msgrcv -P /q -F -n --exec -j 3 -- ./h
	assert_status 0
	assert_eq "$(sort done)" "$(for i in $(seq 1 8); do echo "job$i 2"; done | sort)"
	assert_eq "$(drain -P /q)" ""
}

@test "a handler killed by a signal counts as a failure: the message is tried again" {
	send_jobs 1 -k $K
	mkdir tried
	handler h 'p=$(cat); if [ -e "tried/$p" ]; then echo "$p" >>done; exit 0; fi
: >"tried/$p"; kill -KILL $$'
	run "$IPCBOX" msgrcv -k $K -F -n --exec -- ./h
	assert_status 0
	assert_eq "$(cat done)" job1
}

@test "--max-attempts 2 with a failing handler: to the dead-letter queue, payload and type intact (System V)" {
	send_jobs 3 -k $K
	handler h 'echo "$(cat) $MSGRCV_ATTEMPT" >>tries; exit 4'
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --max-attempts 2 --dead-letter $DL --exec -- ./h
	assert_status 0
	assert_contains "$stderr" "msgrcv: a message of type 2 failed 2 attempts (last: exit 4); moved to key 0x00005eee"
	assert_eq "$(sort tries)" "$(for i in 1 2 3; do echo "job$i 1"; echo "job$i 2"; done)"
	assert_eq "$(qnum $K)" 0
	assert_eq "$(drain -k $DL)" "$(printf '1\tjob1\n2\tjob2\n3\tjob3')"
}

@test "--max-attempts 2 with a failing handler: to a POSIX dead-letter queue, priority intact" {
	need_mqueue
	printf '5\tfive\n0\tzero\n' | "$IPCBOX" msgsnd -P /q -c --typed
	run --separate-stderr "$IPCBOX" msgrcv -P /q -F -n --max-attempts 2 --dead-letter /dead --exec -- false
	assert_status 0
	assert_eq "$(drain -P /q)" ""
	assert_eq "$(drain -P /dead)" "$(printf '0\tzero\n5\tfive')"
}

@test "without --dead-letter, a message that used up its attempts is put back at the end; exit 1" {
	send_jobs 3 -k $K
	handler h 'p=$(cat); echo "$p" >>tries; [ "$p" != job2 ]'
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --max-attempts 3 --exec -j 2 -- ./h
	assert_status 1
	assert_eq "$stderr" "msgrcv: 1 message failed 3 attempts; 1 put back on key 0x00005eed for another run"
	assert_eq "$(grep -c job2 tries)" 3
	assert_eq "$(grep -c job1 tries)" 1
	assert_eq "$(drain -k $K)" "$(printf '2\tjob2')"
}

# The number of children of process $1 (msgrcv) blocked opening or reading a fifo.
at_gate() {
	local n=0 p ppid w
	for p in /proc/[0-9]*; do
		{ read -r _ _ _ ppid _ <"$p/stat"; } 2>/dev/null || continue
		[ "$ppid" = "$1" ] || continue
		w=
		{ read -r w || :; } 2>/dev/null <"$p/wchan"
		[[ $w =~ fifo|partner|pipe ]] && n=$((n + 1))
	done
	echo $n
}

# Waits (10 s at most) until $2 handlers of msgrcv $1 wait at the gate and msgrcv
# waits for them.
wait_gate() {
	local end=$((SECONDS + 10)) w
	while [ $SECONDS -le $end ]; do
		w=
		{ read -r w || :; } 2>/dev/null <"/proc/$1/wchan"
		[[ $w =~ do_wait ]] && [ "$(at_gate "$1")" -ge "$2" ] && return 0
	done
	echo "never $2 handlers at the gate (msgrcv in '$w', $(at_gate "$1") at the gate)" >&2
	return 1
}

# Starts `msgrcv $@ --exec -j 2 -- ./h` in the background (MSGRCV_PID), whose handler
# ./h records its payload in started, waits at the fifo gate, and then records it in
# done and succeeds (or, for a payload in the file fail, fails). Waits until 2
# handlers wait at the gate and msgrcv waits for them.
start_gated() {
	mkfifo gate
	: >fail
	handler h 'p=$(cat); echo "$p" >>started; read x <gate
grep -qx "$p" fail && exit 1; echo "$p" >>done'
	"$IPCBOX" msgrcv "$@" --exec -j 2 -- ./h 2>err 3>&- &
	MSGRCV_PID=$!
	wait_gate $MSGRCV_PID 2
}

@test "kill -9 of msgrcv --exec --inflight while handlers run, then a restart: every message handled once (System V)" {
	send_jobs 6 -k $K
	start_gated -k $K -F --inflight $INF
	assert_eq "$(qnum $INF)" 2
	kill -KILL $MSGRCV_PID
	wait_status $MSGRCV_PID
	assert_status 137
	# the handlers died with it (their parent-death signal), before recording anything
	local end=$((SECONDS + 10))
	while pgrep -f '^/bin/sh ./h' >/dev/null && [ $SECONDS -le $end ]; do :; done
	[ ! -e done ]
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --inflight $INF --exec -- sh -c 'echo "$(cat) $MSGRCV_ATTEMPT" >>done'
	assert_status 0
	assert_eq "$stderr" "msgrcv: returned 2 parked messages from key 0x00005eef to key 0x00005eed"
	assert_eq "$(cut -d' ' -f1 done | sort)" "$(for i in $(seq 1 6); do echo "job$i"; done | sort)"
	# the two that were being handled carry on their count
	assert_eq "$(grep -c ' 2$' done)" 2
	assert_eq "$(qnum $K)" 0
	assert_eq "$(qnum $INF)" 0
}

@test "kill -9 of msgrcv --exec --inflight while handlers run, then a restart: every message handled once (POSIX)" {
	need_mqueue
	send_jobs 5 -P /q
	start_gated -P /q -F --inflight /inflight
	kill -KILL $MSGRCV_PID
	wait_status $MSGRCV_PID
	local end=$((SECONDS + 10))
	while pgrep -f '^/bin/sh ./h' >/dev/null && [ $SECONDS -le $end ]; do :; done
	run "$IPCBOX" msgrcv -P /q -F -n --inflight /inflight --exec -- sh -c 'cat >>done; echo >>done'
	assert_status 0
	assert_eq "$(sort done)" "$(for i in $(seq 1 5); do echo "job$i"; done | sort)"
	assert_eq "$(drain -P /q)" ""
	assert_eq "$(drain -P /inflight)" ""
}

# A queue $K with room for two 4-byte messages, holding job1 and job2, and a
# producer (PRODUCER_PID) blocked sending job3..job6 into it: it refills the queue
# whenever a message is taken.
full_queue() {
	mkq
	set_qbytes $K 8
	printf 'job1\njob2\n' | "$IPCBOX" msgsnd -k $K -l
	printf 'job3\njob4\njob5\njob6\n' | "$IPCBOX" msgsnd -k $K -l 2>producer.err &
	PRODUCER_PID=$!
	wait_blocked $PRODUCER_PID 'msg'
}

# A handler that fails each message's first attempt, once the producer has filled
# the queue again (so the message cannot go back at once), after running $1.
fail_first_when_full() {
	handler h 'p=$(cat)
if [ "$MSGRCV_ATTEMPT" = 1 ]; then
	until [ "$(awk -v k='"$(($K))"' '"'"'$1 == k { print $5 }'"'"' /proc/sysvipc/msg)" = 2 ]; do :; done
	'"$1"'
	exit 1
fi
echo "$p" >>done'
}

@test "--exec: a failed message goes back while producers keep the queue full and msgrcv is its only reader" {
	full_queue
	fail_first_when_full :
	run --separate-stderr timeout -s KILL 60 "$IPCBOX" msgrcv -k $K -F -n --exec -- ./h
	wait_status $PRODUCER_PID
	assert_status 0
	# (before, msgrcv waited for good for room to put job1 back: timeout's 124)
	[ "$status" = 0 ] || { echo "msgrcv: $output $stderr"; false; }
	assert_eq "$(sort done; drain -k $K | cut -f2)" "$(printf 'job%s\n' 1 2 3 4 5 6)"
	assert_eq "$(sort done | uniq -d)" ""
}

@test "--exec --inflight: SIGTERM while the queue is full leaves the failed message parked; a restart handles every message once" {
	full_queue
	fail_first_when_full 'kill -TERM $PPID'
	run --separate-stderr timeout -s KILL 60 "$IPCBOX" msgrcv -k $K -F --inflight $INF --exec -- ./h
	assert_status 143
	assert_contains "$stderr" "msgrcv: key 0x00005eed is full: 1 message stays parked in key 0x00005eef for the next run"
	assert_eq "$(qnum $INF)" 1
	handler h 'cat >>done; echo >>done'
	run --separate-stderr timeout -s KILL 60 "$IPCBOX" msgrcv -k $K -F -n --inflight $INF --exec -- ./h
	wait_status $PRODUCER_PID
	assert_eq "$status" 0
	assert_eq "$(sort done)" "$(printf 'job%s\n' 1 2 3 4 5 6)"
	assert_eq "$(qnum $K)" 0
	assert_eq "$(qnum $INF)" 0
}

@test "--exec --inflight (System V): SIGKILL before any receive or send loses nothing; a restart handles every message" {
	need_cmd strace
	handler h 'printf "%s\n" "$(cat)" >>done' # one write: two handlers run at once
	local call n killed
	for call in msgrcv msgsnd; do
		for ((n = 1; n <= 60; n++)); do
			rm -f done
			ipcrm --all=msg >/dev/null 2>&1 || :
			send_jobs 4 -k $K
			killed=0
			# (LeakSanitizer cannot run under ptrace)
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
				strace -f -qq -o /dev/null -e trace=$call -e inject=$call:signal=KILL:when=$n \
				"$IPCBOX" msgrcv -k $K -F -n --inflight $INF --exec -j 2 -- ./h 2>err ||
				killed=$?
			"$IPCBOX" msgrcv -k $K -F -n -q --inflight $INF --exec -- ./h 2>>err ||
				{ cat err; false; }
			# every message handled, at least once (one handled but not yet
			# taken out of the in-flight queue is handled again)
			assert_eq "$(sort -u done)" "$(printf 'job%s\n' 1 2 3 4)"
			assert_eq "$(qnum $K) $(qnum $INF)" "0 0"
			[ "$killed" != 0 ] || break # past the last call
		done
		# the sweep reached the end of the run
		[ "$killed" = 0 ]
	done
}

@test "--inflight: a handled message leaves nothing parked, with handlers ending out of order (POSIX)" {
	need_mqueue
	send_jobs 9 -P /q
	handler h 'p=$(cat); case $p in job1|job5) read x <gate ;; esac; echo "$p" >>done'
	mkfifo gate
	"$IPCBOX" msgrcv -P /q -F -n --inflight /inf --exec -j 3 -- ./h 2>err 3>&- &
	local pid=$! end=$((SECONDS + 10))
	while [ "$(wc -l <done 2>/dev/null || echo 0)" -lt 10 ] && [ $SECONDS -le $end ]; do :; done
	echo go >gate
	wait_status $pid
	assert_status 0
	assert_eq "$(sort done)" "$(for i in $(seq 1 9); do echo "job$i"; done | sort)"
	assert_eq "$(drain -P /inf)" ""
}

@test "-j N never runs more than N handlers at once, and does run N" {
	send_jobs 7 -k $K
	mkdir slots
	mkfifo gate
	# each handler holds the lowest free slot (mkdir is atomic) until the gate opens
	handler h 'p=$(cat); i=1; while ! mkdir slots/$i 2>/dev/null; do i=$((i + 1)); done
echo $i >>slot; read x <gate; rmdir slots/$i; echo "$p" >>done'
	"$IPCBOX" msgrcv -k $K -F -n --exec -j 3 -- ./h 2>err 3>&- &
	local pid=$! released=0 n end
	while [ $released -lt 7 ]; do
		n=$((7 - released < 3 ? 7 - released : 3))
		wait_gate $pid $n
		assert_eq "$(at_gate $pid)" $n
		echo go >gate
		released=$((released + n))
		end=$((SECONDS + 10))
		while [ "$(cat done 2>/dev/null | wc -l)" -lt $released ] && [ $SECONDS -le $end ]; do :; done
	done
	wait_status $pid
	assert_status 0
	assert_eq "$(sort -n slot | tail -1)" 3
	assert_eq "$(sort done)" "$(for i in $(seq 1 7); do echo "job$i"; done | sort)"
}

@test "SIGTERM to msgrcv --exec: it takes no more, waits for its handlers, puts back what was not acknowledged" {
	send_jobs 5 -k $K
	start_gated -k $K -F
	echo job2 >fail
	kill -TERM $MSGRCV_PID
	echo go >gate # job1 succeeds, job2 fails
	wait_status $MSGRCV_PID
	assert_status 143
	assert_contains "$(cat err)" "msgrcv: interrupted by SIGTERM; 1 handled, the rest left on key 0x00005eed"
	assert_eq "$(cat done)" job1
	assert_eq "$(drain -k $K)" "$(printf '2\tjob2\n3\tjob3\n4\tjob4\n5\tjob5')"
}

@test "--exec: a COMMAND that cannot run exits 127 or 126 and leaves the message on the queue" {
	send_jobs 2 -k $K
	run -127 --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --exec -j 2 -- no-such-command
	assert_eq "$stderr" "msgrcv: 'no-such-command': command not found"
	: >notexec
	run -126 --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --exec -- ./notexec
	assert_eq "$stderr" "msgrcv: cannot execute './notexec': Permission denied"
	assert_eq "$(drain -k $K)" "$(printf '1\tjob1\n2\tjob2')"
}

@test "--exec: -n on an empty queue exits 3 (-q: silently); -F -n exits 0; -w waits for one" {
	mkq
	run --separate-stderr "$IPCBOX" msgrcv -k $K -n --exec -- true
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message on key 0x00005eed; 0 handled"
	run --separate-stderr "$IPCBOX" msgrcv -k $K -n -q --exec -- true
	assert_status 3
	assert_eq "$stderr" ""
	run --separate-stderr "$IPCBOX" msgrcv -k $K -F -n --exec -- true
	assert_status 0
	assert_eq "$stderr" ""
	run --separate-stderr "$IPCBOX" msgrcv -k $K -C 2 -w 20ms --exec -- true
	assert_status 3
	assert_eq "$stderr" "msgrcv: no message on key 0x00005eed within 20ms; 0 handled"
}

@test "-q also quiets plain msgrcv's no-message line (exit 3 stays)" {
	mkq
	run --separate-stderr "$IPCBOX" msgrcv -k $K -n -q
	assert_status 3
	assert_eq "$stderr" ""
}

@test "--exec usage errors" {
	mkq
	run --separate-stderr "$IPCBOX" msgrcv -k $K --exec
	assert_status 2
	assert_contains "$stderr" "--exec needs a COMMAND to run"
	run --separate-stderr "$IPCBOX" msgrcv -k $K -j 2
	assert_status 2
	assert_contains "$stderr" "-j, --max-attempts, --dead-letter and --inflight need --exec"
	run --separate-stderr "$IPCBOX" msgrcv -k $K -l --exec -- true
	assert_status 2
	assert_contains "$stderr" "--exec takes no -l, -0, --typed, --peek or --truncate"
	run --separate-stderr "$IPCBOX" msgrcv -k $K --dead-letter 0 --exec -- true
	assert_status 2
	assert_contains "$stderr" "invalid --dead-letter '0'"
	run --separate-stderr "$IPCBOX" msgrcv -k $K --inflight /a/b --exec -- true
	assert_status 2
	assert_contains "$stderr" "invalid --inflight '/a/b'"
	run --separate-stderr "$IPCBOX" msgrcv -k $K -j 0 --exec -- true
	assert_status 2
	# the words after --exec are COMMAND's, options or not
	send_jobs 1 -k $K
	run "$IPCBOX" msgrcv -k $K --exec sh -c 'cat; echo " $0"' -n
	assert_status 0
	assert_eq "$output" "job1 -n"
}

@test "--exec as an unprivileged user: a queue or dead-letter queue it may not use is refused before anything is taken" {
	need_drop
	"$IPCBOX" msgsnd -k $K -c -m 0600 job
	run --separate-stderr as_nobody "$IPCBOX" msgrcv -k $K -n --exec -- true
	assert_status 1
	assert_contains "$stderr" "Permission denied"
	ipcrm -Q $K
	"$IPCBOX" msgsnd -k $K -c -m 0666 job
	"$IPCBOX" msgsnd -k $DL -c -m 0600 </dev/null
	run --separate-stderr as_nobody "$IPCBOX" msgrcv -k $K -n --dead-letter $DL --exec -- false
	assert_status 1
	assert_contains "$stderr" "Permission denied"
	assert_eq "$(drain -k $K)" "$(printf '1\tjob')"
}
