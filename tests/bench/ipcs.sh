# ipcs cases (microseconds per run, median): 10,000 message queues in the bench's
# private IPC namespace, listed and looked up by id, against util-linux ipcs.
echo "== ipcs on 10,000 queues (µs per run)"
if have_peer /usr/bin/ipcs && /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null; then
	IPCS_LAST_ID=$(/usr/bin/python3 -c '
import sysv_ipc
q = None
for k in range(10000):
    q = sysv_ipc.MessageQueue(0x10000 + k, sysv_ipc.IPC_CREX, 0o600)
    if k % 7 == 0:
        q.send(b"payload %d" % k)
print(q.id)')
	bench_case "ipcs -q: list 10,000 queues" 0.25 \
		'"$TIMEIT" -n 20 -- "$IPCBOX" ipcs -q' "util-linux ipcs" '"$TIMEIT" -n 20 -- /usr/bin/ipcs -q'
	bench_case "ipcs -q -i ID (last of 10,000)" 0.05 \
		'"$TIMEIT" -n 50 -- "$IPCBOX" ipcs -q -i "$IPCS_LAST_ID"' "util-linux ipcs" \
		'"$TIMEIT" -n 50 -- /usr/bin/ipcs -q -i "$IPCS_LAST_ID"'
	bench_case "ipcs -q --json: 10,000 queues" - \
		'"$TIMEIT" -n 20 -- "$IPCBOX" ipcs -q --json' "util-linux ipcs -q" '"$TIMEIT" -n 20 -- /usr/bin/ipcs -q'
	# lsipc's output options (issue 16): chosen columns, printed by hand to a pipe
	# (ipcs-print.c), against lsipc and against the machine's floor: ipcsfloor.c,
	# a bare C program making the same system calls for the same bytes.
	${CC:-cc} -O2 -o "$BENCH_TMP/ipcsfloor" "$(dirname "${BASH_SOURCE[0]}")/ipcsfloor.c"
	bench_case "ipcs -q -o KEY,ID,OWNER --noheadings" 0.25 \
		'"$TIMEIT" -n 20 -- "$IPCBOX" ipcs -q -o KEY,ID,OWNER --noheadings' \
		"util-linux ipcs -q" '"$TIMEIT" -n 20 -- /usr/bin/ipcs -q'
	if have_peer lsipc; then
		bench_case "ipcs -q -o KEY,ID,OWNER (vs lsipc)" 0.25 \
			'"$TIMEIT" -n 20 -- "$IPCBOX" ipcs -q -o KEY,ID,OWNER --noheadings' \
			"lsipc -q -o ..." '"$TIMEIT" -n 20 -- lsipc -q -o KEY,ID,OWNER --noheadings'
		bench_case "  the floor itself (vs lsipc)" - \
			'"$TIMEIT" -n 20 -- "$BENCH_TMP/ipcsfloor"' \
			"lsipc -q -o ..." '"$TIMEIT" -n 20 -- lsipc -q -o KEY,ID,OWNER --noheadings'
	fi
	bench_case "ipcs -q -o KEY,ID,OWNER (vs floor)" 1.1 \
		'"$TIMEIT" -n 20 -- "$IPCBOX" ipcs -q -o KEY,ID,OWNER --noheadings' \
		"ipcsfloor.c" '"$TIMEIT" -n 20 -- "$BENCH_TMP/ipcsfloor"'
	# what loading libsmartcols (dlopen, for JSON and terminals only) costs one object
	if why=$("$IPCBOX" ipcs -g -q -J 2>&1 >/dev/null); then
		bench_vs "ipcs -q -i ID -J -o KEY (loads the lib)" - "ipcs -q -i ID --json" \
			-- "$IPCBOX" ipcs -q -i "$IPCS_LAST_ID" -J -o KEY --vs "$IPCBOX" ipcs -q -i "$IPCS_LAST_ID" --json
	else
		echo "skipped: loading libsmartcols: ${why#ipcs: }"
	fi
	/usr/bin/python3 -c '
import sysv_ipc
for k in range(10000):
    sysv_ipc.MessageQueue(0x10000 + k).remove()'
else
	echo "skipped: needs util-linux ipcs and /usr/bin/python3 with sysv_ipc"
fi

# ipcs --users: one pass over /proc for every segment, against lsof -n, which lists
# the same attachments (and every other open file) of every process.
echo "== ipcs -m --users: 500 segments attached by 1,000 processes (µs per run)"
if have_peer lsof && /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null; then
	exec 7< <(exec /usr/bin/python3 -c '
import ctypes, os, signal, sys, sysv_ipc
libc = ctypes.CDLL(None)
segs = [sysv_ipc.SharedMemory(0x20000 + k, sysv_ipc.IPC_CREX, 0o600, 4096) for k in range(500)]
for s in segs:
    s.detach()
r, w = os.pipe()
for i in range(1000):
    if os.fork() == 0:
        libc.prctl(1, signal.SIGKILL)  # ends with the fleet
        segs[i % 500].attach()
        if i % 3 == 0:
            segs[(i * 7 + 1) % 500].attach()
        os.write(w, b"x")
        signal.pause()
        os._exit(0)
for i in range(1000):
    os.read(r, 1)
for s in segs:
    s.remove()  # gone when the fleet is
print("ready", flush=True)
signal.pause()')
	read -r _ <&7
	fleet=$!
	bench_case "ipcs -m --users (1,000 processes)" 0.5 \
		'"$TIMEIT" -n 5 -- sh -c "exec \"\$0\" ipcs -m --users 2>/dev/null" "$IPCBOX"' \
		"lsof -n" '"$TIMEIT" -n 5 -- sh -c "lsof -n 2>/dev/null; :"'
	kill "$fleet"
	exec 7<&-
else
	echo "skipped: needs lsof and /usr/bin/python3 with sysv_ipc"
fi
