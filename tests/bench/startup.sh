# Start-up and mkfifo cases (times in microseconds per run, median).
echo "== start-up and mkfifo (µs per run)"
bench_case "start-up: ipcbox --list vs true" - \
	'"$TIMEIT" -n 300 -- "$IPCBOX" --list' "/bin/true" '"$TIMEIT" -n 300 -- /bin/true'
bench_case "start-up (static build) vs true" - \
	'"$TIMEIT" -n 300 -- "$IPCBOX_STATIC" --list' "/bin/true" '"$TIMEIT" -n 300 -- /bin/true'
if have_peer busybox; then
	bench_case "start-up (static) vs busybox true" 1.2 \
		'"$TIMEIT" -n 300 -- "$IPCBOX_STATIC" --list' "busybox true" '"$TIMEIT" -n 300 -- busybox true'
	bench_case "start-up (default) vs busybox true" - \
		'"$TIMEIT" -n 300 -- "$IPCBOX" --list' "busybox true" '"$TIMEIT" -n 300 -- busybox true'
fi
bench_case "mkfifo: create a fifo" - \
	'"$TIMEIT" -n 300 --unlink "$BENCH_TMP/f" -- "$IPCBOX" mkfifo "$BENCH_TMP/f"' \
	"coreutils mkfifo" '"$TIMEIT" -n 300 --unlink "$BENCH_TMP/f" -- mkfifo "$BENCH_TMP/f"'
