# semop cases (microseconds per run, median). Peers: python sysv_ipc (what a script
# would use for one operation) and flock(1) (what a script uses to hold a lock around
# a command). Goal (issue 12): --hold at most 1.0x flock.
echo "== semop (µs per run)"
"$IPCBOX" semop -k 0x5e0b -c -x -N 2 --init 0,1 >/dev/null
if /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null; then
	bench_case "semop: one +1 per process" - \
		'"$TIMEIT" -n 200 -- "$IPCBOX" semop -k 0x5e0b 0:+1' \
		"python3 sysv_ipc" \
		'"$TIMEIT" -n 50 -- /usr/bin/python3 -c "import sysv_ipc; sysv_ipc.Semaphore(0x5e0b).release()"'
else
	echo "skipped: python3-sysv-ipc is not installed"
fi
if have_peer flock; then
	: >"$BENCH_TMP/lock"
	bench_vs "semop --hold -- /bin/true" 1.0 "flock FILE /bin/true" \
		-- "$IPCBOX" semop -k 0x5e0b --hold -s 1 -- /bin/true \
		--vs flock "$BENCH_TMP/lock" /bin/true
fi
