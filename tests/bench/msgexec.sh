# msgrcv --exec: a worker pool against xargs -P, the spawn limit: 2,000 jobs
# (messages; lines for xargs), four at a time, each /bin/true (milliseconds per run).
MSGEXEC_N=${MSGEXEC_N:-2000}
MSGEXEC_KEY=0x6d7378
echo "== msgrcv --exec -j 4 -- /bin/true over $MSGEXEC_N messages, against xargs -P 4 (ms per run)"
seq "$MSGEXEC_N" >"$BENCH_TMP/jobs"

msgexec_now() { date +%s%N; }
# The queue is filled before the clock starts: what is timed is the pool.
msgexec_ours() {
	ipcrm -Q $MSGEXEC_KEY 2>/dev/null || :
	"$IPCBOX" msgsnd -k $MSGEXEC_KEY -c -l <"$BENCH_TMP/jobs" || return 1
	local t0
	t0=$(msgexec_now)
	"$IPCBOX" msgrcv -k $MSGEXEC_KEY -F -n --exec -j 4 -- /bin/true || return 1
	echo $((($(msgexec_now) - t0) / 1000000))
}
msgexec_xargs() {
	local t0
	t0=$(msgexec_now)
	xargs -P 4 -n 1 /bin/true <"$BENCH_TMP/jobs" || return 1
	echo $((($(msgexec_now) - t0) / 1000000))
}

# goal: at least 0.9x xargs' rate, i.e. time ratio <= 1.11
bench_case "msgrcv -F -n --exec -j 4 /bin/true" 1.11 msgexec_ours "xargs -P 4 -n 1" msgexec_xargs
ipcrm -Q $MSGEXEC_KEY 2>/dev/null || :
