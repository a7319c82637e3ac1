# semop cases (microseconds per run, median). No goal in the issue: numbers only.
# Peers: python sysv_ipc (what a script would use for one operation) and flock(1)
# (what a script uses to hold a lock around a command).
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
	bench_case "semop --hold -- true" - \
		'"$TIMEIT" -n 200 -- "$IPCBOX" semop -k 0x5e0b --hold -s 1 -- true' \
		"flock FILE true" '"$TIMEIT" -n 200 -- flock "$BENCH_TMP/lock" true'
fi
