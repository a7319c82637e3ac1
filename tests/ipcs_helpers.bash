# Helpers for tests/ipcs.bats.

# Starts tests/ipcs_helpers/holder.py (a varied set of SysV objects, some made by a
# process that has exited) and waits until it says "ready". HOLDER_PID is its pid;
# the ids are in Q0..Q3 (queues), M0..M4 (segments), S0..S3 (semaphore sets), in the
# order holder.py makes them (index 0: the stale one).
start_holder() {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null ||
		skip "/usr/bin/python3 with sysv_ipc is not installed"
	start_bg /usr/bin/python3 "$IPCBOX_TOP/tests/ipcs_helpers/holder.py" "$BATS_TEST_TMPDIR/ids"
	expect_line '^ready '
	HOLDER_PID=$BG_PID
	# shellcheck disable=SC1091
	. "$BATS_TEST_TMPDIR/ids"
}

stop_holder() {
	if [ -n "${HOLDER_PID:-}" ]; then
		kill "$HOLDER_PID" 2>/dev/null || :
		wait "$HOLDER_PID" 2>/dev/null || :
		HOLDER_PID=
	fi
}

# Skips unless util-linux ipcs is installed as /usr/bin/ipcs.
need_peer_ipcs() {
	[ -x /usr/bin/ipcs ] && /usr/bin/ipcs -V 2>/dev/null | grep -q util-linux ||
		skip "util-linux ipcs is not installed"
}

# Runs /usr/bin/ipcs and ours with the same arguments (and environment, and the
# command prefix in $AS, e.g. as_nobody) and fails unless stdout, stderr and the
# exit status are identical.
same_as_peer() {
	local e_out e_err e_rc o_out o_err o_rc
	e_out=$(${AS:-} /usr/bin/ipcs "$@" 2>"$BATS_TEST_TMPDIR/e_err"; echo "rc=$?")
	o_out=$(${AS:-} "$IPCBOX" ipcs "$@" 2>"$BATS_TEST_TMPDIR/o_err"; echo "rc=$?")
	e_err=$(libc_text "$(sed 's|^/usr/bin/ipcs:|ipcs:|' "$BATS_TEST_TMPDIR/e_err")")
	o_err=$(cat "$BATS_TEST_TMPDIR/o_err")
	if [ "$e_out" != "$o_out" ] || [ "$e_err" != "$o_err" ]; then
		echo "ipcs $* differs from util-linux:" >&2
		diff -u <(printf '%s\n%s\n' "$e_out" "$e_err") <(printf '%s\n%s\n' "$o_out" "$o_err") >&2
		return 1
	fi
}

# Checks that stdin is one valid JSON document; prints it re-serialised compactly.
json_ok() {
	/usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'
}

# Evaluates a Python expression over the JSON document on stdin (as "d").
json_eval() {
	/usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# Removes every System V and POSIX object in the test's private IPC namespace.
clear_ipc() {
	/usr/bin/python3 - <<'PY'
import ctypes
libc = ctypes.CDLL(None)
for kind, rm in (("msg", lambda i: libc.msgctl(i, 0, None)),
                 ("shm", lambda i: libc.shmctl(i, 0, None)),
                 ("sem", lambda i: libc.semctl(i, 0, 0))):
    with open("/proc/sysvipc/" + kind) as f:
        next(f)
        for line in f:
            rm(int(line.split()[1]))
PY
	rm -f /dev/shm/* /dev/mqueue/* 2>/dev/null || :
}
