# msgsnd / msgrcv: streaming 1,000,000 16-byte messages through a System V queue
# (milliseconds per run, median), and the cost of one msgsnd invocation (µs).
MSG_N=${MSG_N:-1000000}
MSG_KEY=0x6d7367
echo "== msgsnd/msgrcv: $MSG_N 16-byte messages through a queue (ms per run)"
cc -O2 -o "$BENCH_TMP/msgloop" "$(dirname "${BASH_SOURCE[0]}")/msgloop.c"
awk -v n="$MSG_N" 'BEGIN { for (i = 0; i < n; i++) printf "%016d\n", i }' >"$BENCH_TMP/lines"

msg_now() { date +%s%N; }
msg_fresh() { ipcrm -Q $MSG_KEY 2>/dev/null || :; }

# msgsnd -l feeding a queue that msgrcv -l drains, as two processes. msgrcv runs
# with -C N rather than -F (the same loop) so that a run ends by itself.
msg_ours() {
	msg_fresh
	local t0 p
	t0=$(msg_now)
	"$IPCBOX" msgrcv -k $MSG_KEY -c -C "$MSG_N" -l >/dev/null &
	p=$!
	"$IPCBOX" msgsnd -k $MSG_KEY -c -l <"$BENCH_TMP/lines" || return 1
	wait $p || return 1
	echo $((($(msg_now) - t0) / 1000000))
}
msg_raw() {
	msg_fresh
	local t0 p
	t0=$(msg_now)
	"$BENCH_TMP/msgloop" recv $MSG_KEY "$MSG_N" &
	p=$!
	"$BENCH_TMP/msgloop" send $MSG_KEY "$MSG_N" 16 || return 1
	wait $p || return 1
	echo $((($(msg_now) - t0) / 1000000))
}
msg_python() {
	msg_fresh
	local t0 p
	t0=$(msg_now)
	/usr/bin/python3 -c 'import sys, sysv_ipc
q = sysv_ipc.MessageQueue(int(sys.argv[1], 0), sysv_ipc.IPC_CREAT)
for _ in range(int(sys.argv[2])): q.receive()' $MSG_KEY "$MSG_N" &
	p=$!
	/usr/bin/python3 -c 'import sys, sysv_ipc
q = sysv_ipc.MessageQueue(int(sys.argv[1], 0), sysv_ipc.IPC_CREAT)
for line in sys.stdin.buffer: q.send(line[:-1])' $MSG_KEY <"$BENCH_TMP/lines" || return 1
	wait $p || return 1
	echo $((($(msg_now) - t0) / 1000000))
}

# goal: at least 0.8x the raw loop's rate, i.e. time ratio <= 1.25
bench_case "msgsnd -l | queue | msgrcv -l" 1.25 msg_ours "raw C loop" msg_raw
if /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null; then
	bench_case "msgsnd -l | queue | msgrcv -l" 1.0 msg_ours "python sysv_ipc" msg_python
else
	echo "skipped: python3 sysv_ipc is not installed"
fi
msg_fresh

echo "== one msgsnd invocation (µs per run)"
"$IPCBOX" msgsnd -k $MSG_KEY -c </dev/null
msg_once() {
	"$TIMEIT" -n 300 -- "$1" msgsnd -k $MSG_KEY hello || return 1
	"$IPCBOX" msgrcv -k $MSG_KEY -F -n >/dev/null 2>&1 || :
}
msg_ipcmk() {
	"$TIMEIT" -n 300 -- ipcmk -Q || return 1
	ipcrm --all=msg >/dev/null 2>&1
	"$IPCBOX" msgsnd -k $MSG_KEY -c </dev/null
}
if have_peer ipcmk; then
	bench_case "msgsnd -k K hello" - 'msg_once "$IPCBOX"' "ipcmk -Q" msg_ipcmk
	bench_case "msgsnd -k K hello (static)" - 'msg_once "$IPCBOX_STATIC"' "ipcmk -Q" msg_ipcmk
fi
msg_fresh
