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
# The static musl build (make musl-static), the one for containers: start-up against
# busybox's (itself a static build), and its size once stripped.
if [ -x "$IPCBOX_MUSL_STATIC" ]; then
	if have_peer busybox; then
		bench_vs "start-up (static musl) vs busybox" 1.0 "busybox true" \
			-- "$IPCBOX_MUSL_STATIC" --list --vs busybox true
	fi
	strip -o "$BENCH_TMP/musl-static" "$IPCBOX_MUSL_STATIC"
	awk -v b="$(stat -c %s "$BENCH_TMP/musl-static")" 'BEGIN {
		k = b / 1024
		printf "%-36s %.0f KiB stripped%s\n", "size: static musl build", k,
			k < 400 ? "  ok (goal < 400 KiB)" : "  MISSED (goal < 400 KiB)" }'
else
	echo "skipped: no static musl build (musl-gcc, from musl-tools, is not installed)"
fi
bench_vs "mkfifo: create a fifo" - "coreutils mkfifo" --unlink "$BENCH_TMP/f" \
	-- "$IPCBOX" mkfifo "$BENCH_TMP/f" --vs mkfifo "$BENCH_TMP/f"
