# Start-up and mkfifo cases (times in microseconds per run, median).
echo "== start-up and mkfifo (µs per run)"
bench_vs "start-up: ipcbox --list vs true" - "/bin/true" -- "$IPCBOX" --list --vs /bin/true
bench_vs "start-up (static build) vs true" - "/bin/true" -- "$IPCBOX_STATIC" --list --vs /bin/true
if have_peer busybox; then
	bench_vs "start-up (static) vs busybox true" 1.2 "busybox true" \
		-- "$IPCBOX_STATIC" --list --vs busybox true
	bench_vs "start-up (default) vs busybox true" - "busybox true" \
		-- "$IPCBOX" --list --vs busybox true
fi
bench_vs "mkfifo: create a fifo" - "coreutils mkfifo" --unlink "$BENCH_TMP/f" \
	-- "$IPCBOX" mkfifo "$BENCH_TMP/f" --vs mkfifo "$BENCH_TMP/f"
