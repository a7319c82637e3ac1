#!/usr/bin/env bats
# ipcs: a drop-in for util-linux ipcs (differential tests against /usr/bin/ipcs on
# objects made here), plus --posix, --processes, --json and the shared filters.

load helpers
load ipcs_helpers

setup() {
	ib_setup
	[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
	clear_ipc
}

teardown() {
	stop_holder
	clear_ipc
}

@test "empty namespace: every listing mode matches util-linux" {
	need_peer_ipcs
	for a in "" -a -q -m -s -t -p -c -l -u -b --human "-b -l" "--human -l" "-b -u" "--human -u"; do
		# shellcheck disable=SC2086
		same_as_peer $a
	done
}

@test "listing modes match util-linux on queues, segments and semaphore sets" {
	need_peer_ipcs
	start_holder
	for a in "" -a -q -m -s -t -p -c -l -u --human -b "-m --human" "-q --human" "-m -t" \
		"-s -t" "-q -c" "-q -p" "-m -p" "-s -p" "--shmems --time" "--queues --creator" \
		"--semaphores --pid" "-tp" "-q -m" "--human -u" "-b -u" "-b -l" "--human -l" "--all --summary"; do
		# shellcheck disable=SC2086
		same_as_peer $a
	done
	run "$IPCBOX" ipcs
	assert_contains "$output" "$(printf '0x00000000 %-10d root       600        3145728    2          dest' "$M2")"
	assert_contains "$output" "$(printf '0xfffffff0 %-10d 12345      666' "$Q3")"
	assert_contains "$output" "nobody     640        1536"
}

@test "listings match util-linux in a UTF-8 locale and another time zone" {
	need_peer_ipcs
	start_holder
	for a in "" -t "-q -i $Q1" "-s -i $S1" "-m -i $M2" --human "--human -l"; do
		# shellcheck disable=SC2086
		LC_ALL=C.UTF-8 TZ=Asia/Kolkata same_as_peer $a
		# shellcheck disable=SC2086
		LC_ALL=C TZ=UTC same_as_peer $a
	done
}

@test "-i details match util-linux for each kind, and with --human" {
	need_peer_ipcs
	start_holder
	for id in "$Q0" "$Q1" "$Q2" "$Q3"; do
		same_as_peer -q -i "$id"
		same_as_peer -q -i "$id" --human
	done
	for id in "$S0" "$S1" "$S2" "$S3"; do
		same_as_peer -s --id "$id"
	done
	for id in "$M0" "$M1" "$M2" "$M3" "$M4"; do
		same_as_peer -m -i "$id"
		same_as_peer -m -i "$id" --human
		same_as_peer --shmems -i "$id" -b
	done
	run "$IPCBOX" ipcs -s -i "$S2"
	assert_contains "$output" "2          0          0          0          $HOLDER_PID"
	assert_contains "$output" "nsems = 3"
}

@test "-i quirks and errors match util-linux: not found exits 0, bad ids exit 1" {
	need_peer_ipcs
	start_holder
	same_as_peer -m -i 999
	same_as_peer -q -i 32768
	same_as_peer -s -i 99999
	same_as_peer -i 3
	same_as_peer -a -i 1
	same_as_peer -q -m -i 1
	same_as_peer -q -i x
	same_as_peer -q -i ''
	same_as_peer -q -i 12abc
	same_as_peer -q -i 99999999999
	same_as_peer -q -i 99999999999x
	same_as_peer -q -i 99999999999999999999x
	same_as_peer -q -i ' -1'
	same_as_peer -q -i +-1
	same_as_peer -q -i -1
	same_as_peer -m -i -1
	same_as_peer -q -i ' 1'
	same_as_peer -q -i +1
	run --separate-stderr "$IPCBOX" ipcs -m -i 999
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$stderr" "ipcs: id 999 not found"
}

@test "bad options: util-linux's message and exit status 1" {
	run --separate-stderr "$IPCBOX" ipcs -z
	assert_status 1
	assert_eq "$stderr" "$(libc_text "ipcs: invalid option -- 'z'")
Try 'ipcs --help' for more information."
	run --separate-stderr "$IPCBOX" ipcs --bogus
	assert_status 1
	assert_contains "$stderr" "$(libc_text "unrecognized option '--bogus'")"
	run --separate-stderr "$IPCBOX" ipcs -i
	assert_status 1
	assert_contains "$stderr" "$(libc_text "option requires an argument -- 'i'")"
	need_peer_ipcs
	same_as_peer stray
	same_as_peer -q stray -m
}

@test "as an unprivileged user the listings match util-linux" {
	need_peer_ipcs
	need_drop
	start_holder
	for a in "" -t -p -c -u -l "-m -i $M1" "-m -i $M3" "-s -i $S1" "-s -i $S2" "-q -i $Q1"; do
		# shellcheck disable=SC2086
		AS=as_nobody same_as_peer $a
	done
	run --separate-stderr as_nobody "$IPCBOX" ipcs -s -i "$S1"
	assert_status 1
	assert_eq "$stderr" "ipcs: semctl(GETVAL) failed: Permission denied"
	# -i reads a queue's capacity even without read permission (util-linux prints 0)
	run as_nobody "$IPCBOX" ipcs -q -i "$Q0"
	assert_status 0
	assert_contains "$output" "qbytes=16384"
}

@test "without /proc/sysvipc the fallback stat calls give the same output" {
	need_peer_ipcs
	start_holder
	run unshare --mount -- sh -c '
		mount -t tmpfs none /proc/sysvipc || exit 99
		for a in "" -t -p -c "-q -i $4" "-m -i $5" "-s -i $6"; do
			echo "== $a"; /usr/bin/ipcs $a 2>&1 | sed "s|^/usr/bin/ipcs:|ipcs:|"
		done >"$1"
		for a in "" -t -p -c "-q -i $4" "-m -i $5" "-s -i $6"; do
			echo "== $a"; "$2" ipcs $a 2>&1
		done >"$3"'	_ "$BATS_TEST_TMPDIR/peer" "$IPCBOX" "$BATS_TEST_TMPDIR/ours" "$Q1" "$M2" "$S2"
	[ "$status" -ne 99 ] || skip "cannot mount over /proc/sysvipc"
	assert_status 0
	diff -u "$BATS_TEST_TMPDIR/peer" "$BATS_TEST_TMPDIR/ours"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/ours")" "$(printf '0x00001234 %-10d root       644        1505         2' "$Q1")"
}

@test "--posix lists POSIX queues, shared memory and named semaphores" {
	need_mqueue
	/usr/bin/python3 - <<'PY'
import ctypes, os
rt = ctypes.CDLL("librt.so.1", use_errno=True)
q = rt.mq_open(b"/jobs", os.O_CREAT | os.O_WRONLY, 0o640, None)
assert q >= 0
assert rt.mq_send(q, b"hello", 5, 0) == 0
c = ctypes.CDLL(None)
c.sem_open.restype = ctypes.c_void_p
assert c.sem_open(b"/lock", os.O_CREAT, 0o644, 7)
with open("/dev/shm/frame", "wb") as f:
    f.write(b"x" * 3000)
PY
	run --separate-stderr "$IPCBOX" ipcs --posix
	assert_status 0
	assert_contains "$output" "------ POSIX Message Queues --------"
	assert_contains "$output" "/jobs                root       640        5            1"
	assert_contains "$output" "/frame               root       644        3000"
	assert_contains "$output" "/lock                root       644        7"
	[[ $output != *"Message Queues --------"$'\n'"key"* ]]
	run "$IPCBOX" ipcs --posix -s
	assert_contains "$output" "/lock"
	[[ $output != *"/jobs"* ]]
	run "$IPCBOX" ipcs --posix -m --human
	assert_contains "$output" "/frame               root       644        2.9K"
	# -a --posix: System V and POSIX
	run "$IPCBOX" ipcs -a --posix
	assert_contains "$output" "------ Semaphore Arrays --------"
	assert_contains "$output" "------ POSIX Semaphores --------"
}

@test "--posix says plainly when /dev/mqueue is not mounted" {
	run unshare --mount -- sh -c 'umount /dev/mqueue 2>/dev/null; "$1" ipcs --posix -q' _ "$IPCBOX"
	assert_status 0
	assert_contains "$output" "/dev/mqueue is not mounted: POSIX message queues cannot be listed"
	run --separate-stderr unshare --mount -- sh -c 'umount /dev/mqueue 2>/dev/null; "$1" ipcs --posix -q --json' _ "$IPCBOX"
	assert_status 0
	assert_contains "$stderr" "/dev/mqueue is not mounted"
	assert_eq "$(printf '%s' "$output" | json_eval 'd["posix-messages"]')" "None"
}

@test "--processes names the processes behind each object and whether they live" {
	start_holder
	run --separate-stderr "$IPCBOX" ipcs --processes
	assert_status 0
	assert_contains "$output" "------ Shared Memory Processes --------"
	assert_contains "$output" "python3"
	assert_contains "$output" "(dead)"
	# the stale segment: made by a process that has exited, nothing attached
	local line
	line=$(grep "^$M0 " <<<"$(sed -n '/Shared Memory Processes/,/^$/p' <<<"$output")")
	assert_contains "$line" "(dead)"
	[[ $line == *yes ]]
	run "$IPCBOX" ipcs -m --processes --json
	assert_eq "$(printf '%s' "$output" | json_eval '[(o["stale"], [p["alive"] for p in o["processes"]]) for o in d["sharedmemory"]][:2]')" \
		"[(True, [False, False]), (False, [True, True])]"
}

@test "--json: one document with every kind, field names as documented" {
	start_holder
	run --separate-stderr "$IPCBOX" ipcs --json
	assert_status 0
	printf '%s' "$output" | json_ok >/dev/null
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted(d)')" "['messages', 'semaphores', 'sharedmemory']"
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted(d["messages"][1])')" \
		"['cgid', 'cgroup', 'change_time', 'creator', 'cuid', 'gid', 'group', 'id', 'key', 'lrpid', 'lspid', 'max_bytes', 'messages', 'mode', 'owner', 'perms', 'recv_time', 'send_time', 'uid', 'used_bytes']"
	assert_eq "$(printf '%s' "$output" | json_eval '(d["messages"][1]["key"], d["messages"][1]["used_bytes"], d["messages"][1]["recv_time"])')" \
		"('0x00001234', 1505, None)"
	assert_eq "$(printf '%s' "$output" | json_eval '[(s["dest"], s["locked"]) for s in d["sharedmemory"]]')" \
		"[(False, False), (False, False), (True, False), (False, False), (False, True)]"
	assert_eq "$(printf '%s' "$output" | json_eval '(d["sharedmemory"][3]["owner"], d["messages"][3]["owner"], d["messages"][3]["uid"])')" \
		"('nobody', None, 12345)"
}

@test "--json -i: one object, semaphore elements included; not found is an empty list" {
	start_holder
	run "$IPCBOX" ipcs -s -i "$S2" --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_eval '[(e["semnum"], e["value"]) for e in d["semaphores"][0]["semaphores"]]')" \
		"[(0, 1), (1, 2), (2, 0)]"
	run "$IPCBOX" ipcs -q -i "$Q1" --json
	assert_eq "$(printf '%s' "$output" | json_eval '(d["messages"][0]["max_bytes"], d["messages"][0]["messages"])')" "(16384, 2)"
	run --separate-stderr "$IPCBOX" ipcs -m -i 77 --json
	assert_status 0
	assert_eq "$stderr" "ipcs: id 77 not found"
	assert_eq "$(printf '%s' "$output" | json_ok)" '{"sharedmemory": []}'
}

@test "--json -l and -u give the limits and summaries" {
	run "$IPCBOX" ipcs -l --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_eval '(d["limits"]["messages"]["msgmax"] == int(open("/proc/sys/kernel/msgmax").read()), d["limits"]["semaphores"]["semvmx"])')" "(True, 32767)"
	run "$IPCBOX" ipcs -u -q --json
	assert_eq "$(printf '%s' "$output" | json_ok)" '{"summary": {"messages": {"headers": 0, "queues": 0, "used_bytes": 0}}}'
	need_mqueue
	run "$IPCBOX" ipcs -a --posix --json
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted(d)')" \
		"['messages', 'posix-messages', 'posix-semaphores', 'posix-sharedmemory', 'semaphores', 'sharedmemory']"
}

@test "filters: --stale and --dead pick the objects whose processes are gone" {
	start_holder
	run "$IPCBOX" ipcs --stale
	assert_status 0
	assert_contains "$output" "0x5a000001"
	assert_contains "$output" "0x5a000002"
	assert_contains "$output" "0x5a000003"
	[[ $output != *0x00001234* && $output != *0x00000077* ]]
	# a queue nobody used yet has no pids: not stale
	[[ $output != *nobody* ]]
	run "$IPCBOX" ipcs --dead -m
	assert_eq "$(grep -c '^0x' <<<"$output")" 1
}

@test "filters: --unattached, --owner, --keys, --ids, --older-than" {
	start_holder
	run "$IPCBOX" ipcs --unattached
	assert_eq "$(grep '^0x' <<<"$output")" "$(printf '0x5a000002 %-10d root       600        4096       0                       ' "$M0")"
	run "$IPCBOX" ipcs --owner nobody
	assert_eq "$(grep -c '^0x' <<<"$output")" 2
	run "$IPCBOX" ipcs --owner 12345 -q
	assert_eq "$(grep '^0x' <<<"$output" | cut -c1-10)" "0xfffffff0"
	run "$IPCBOX" ipcs --keys 0x77-0x78 -s
	assert_eq "$(grep '^0x' <<<"$output" | cut -c1-10 | tr '\n' ' ')" "0x00000077 0x00000078 "
	run "$IPCBOX" ipcs --keys 0x5a000000-0x5affffff -c
	assert_eq "$(grep -c '^[0-9]' <<<"$output")" 3
	run "$IPCBOX" ipcs --ids "$M3" -m -t
	assert_eq "$(grep -c "^$M3 " <<<"$output")" 1
	assert_eq "$(grep -c '^[0-9]' <<<"$output")" 1
	run "$IPCBOX" ipcs --older-than 1d
	assert_eq "$(grep -c '^0x' <<<"$output")" 0
	run "$IPCBOX" ipcs --older-than 0s --json
	assert_eq "$(printf '%s' "$output" | json_eval 'len(d["messages"]) + len(d["sharedmemory"]) + len(d["semaphores"])')" 13
}

@test "filters: malformed arguments are usage errors (exit 1, as util-linux's)" {
	for a in "--older-than soon" "--owner no-such-user-here" "--keys 5-1" "--keys x" "--ids 1-2-3" "--ids -"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$IPCBOX" ipcs $a
		assert_status 1
		assert_contains "$stderr" "Try 'ipcs --help' for more information."
	done
	# one message per kind of argument, naming the option as written in the table
	run --separate-stderr "$IPCBOX" ipcs --older-than 5x
	assert_eq "$stderr" "ipcs: invalid --older-than '5x': expected a duration like 2, 1.5s or 250ms
Try 'ipcs --help' for more information."
	run --separate-stderr "$IPCBOX" ipcs --keys=1-2-3 -q
	assert_eq "$stderr" "ipcs: invalid --keys '1-2-3': expected a key range: KEY, LOW-HIGH, LOW- or -HIGH
Try 'ipcs --help' for more information."
	run --separate-stderr "$IPCBOX" ipcs --ids x
	assert_eq "$stderr" "ipcs: invalid --ids 'x': expected an id range: ID, LOW-HIGH, LOW- or -HIGH
Try 'ipcs --help' for more information."
	run --separate-stderr "$IPCBOX" ipcs --own no-such-user-here
	assert_eq "$stderr" "ipcs: invalid --owner 'no-such-user-here': expected a user name or uid
Try 'ipcs --help' for more information."
}

@test "options and operands in any order, abbreviations, --, -h and -V" {
	start_holder
	local want
	want=$("$IPCBOX" ipcs -m -p)
	# util-linux ignores operands; options after them still count
	run --separate-stderr "$IPCBOX" ipcs stray -m stray -p
	assert_status 0
	assert_eq "$output" "$want"
	run --separate-stderr "$IPCBOX" ipcs --shm --pi
	assert_eq "$output" "$want"
	# after --, an option is an ignored operand
	run --separate-stderr "$IPCBOX" ipcs -m -- -p
	assert_eq "$output" "$("$IPCBOX" ipcs -m)"
	run --separate-stderr "$IPCBOX" ipcs --p
	assert_status 1
	assert_eq "$stderr" "ipcs: option '--p' is ambiguous; possibilities: '--posix' '--posix-mqueues' '--posix-shmems' '--posix-semaphores' '--pid' '--processes'
Try 'ipcs --help' for more information."
	run --separate-stderr "$IPCBOX" ipcs -mh
	assert_status 0
	assert_contains "$output" "  -h, --help"
	run --separate-stderr "$IPCBOX" ipcs -qV
	assert_status 0
	assert_contains "$output" "ipcbox"
	need_peer_ipcs
	same_as_peer stray -m stray -p
	same_as_peer --shm --pi
	same_as_peer -m -- -p
	same_as_peer -q --id
	same_as_peer -q --id=
}

@test "--help, --version; output errors are reported" {
	run "$IPCBOX" ipcs --help
	assert_status 0
	assert_contains "$output" "Usage: ipcs"
	run "$IPCBOX" ipcs -h
	assert_status 0
	run "$IPCBOX" ipcs -V
	assert_status 0
	assert_contains "$output" "ipcs"
	run --separate-stderr "$IPCBOX" ipcs -l
	assert_status 0
	if [ -w /dev/full ]; then
		run --separate-stderr sh -c '"$1" ipcs -a >/dev/full' _ "$IPCBOX"
		assert_status 1
		assert_contains "$stderr" "No space left on device"
	fi
}

@test "an object removed before -i is simply not found" {
	id=$(/usr/bin/python3 -c 'import sysv_ipc; q = sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX); print(q.id); q.remove()')
	run --separate-stderr "$IPCBOX" ipcs -q -i "$id"
	assert_status 0
	assert_eq "$stderr" "ipcs: id $id not found"
}

@test "--human sizes round exactly as util-linux's" {
	need_peer_ipcs
	/usr/bin/python3 - <<'PY'
import sysv_ipc
for i, size in enumerate([1, 1023, 1024, 1025, 1075, 1126, 1536, 2047, 10239, 10240,
                          1048575, 1048576, 1101004, 1572864, 104857599, 1073741823,
                          1073741824, 1610612736]):
    sysv_ipc.SharedMemory(0x300 + i, sysv_ipc.IPC_CREX, size=size)
q = sysv_ipc.MessageQueue(0x400, sysv_ipc.IPC_CREX, max_message_size=8192)
q.send(b"x" * 1100)
q.send(b"y" * 8000)
PY
	same_as_peer -m --human
	same_as_peer -q --human
	same_as_peer -a --human
	LC_ALL=C.UTF-8 same_as_peer --human
	for id in $(awk 'FNR > 1 { print $2 }' /proc/sysvipc/shm); do
		same_as_peer -m -i "$id" --human
	done
}

@test "--posix --processes and --stale: POSIX objects nobody has open or mapped" {
	need_mqueue
	run --separate-stderr unshare --pid --fork --mount-proc -- bash "$IPCBOX_TOP/tests/ipcs_helpers/posix_users.sh" --posix --processes
	[ "$status" -ne 1 ] || [[ $stderr != *unshare* ]] || skip "no pid namespace: $stderr"
	assert_status 0
	assert_contains "$output" "/liveq               root       no     "
	assert_contains "$output" "/orphanq             root       yes    -"
	assert_contains "$output" "/live                root       no     "
	assert_contains "$output" "/orphan              root       yes    -"
	assert_contains "$output" "/livesem             root       no     "
	assert_contains "$output" ":python3"
	run --separate-stderr unshare --pid --fork --mount-proc -- bash "$IPCBOX_TOP/tests/ipcs_helpers/posix_users.sh" --posix --stale --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_eval '[o["name"] for k in sorted(d) for o in d[k]]')" \
		"['/orphanq', '/orphansem', '/orphan']"
	clear_ipc
	# where some process cannot be inspected, nothing is called stale
	need_drop
	run --separate-stderr unshare --pid --fork --mount-proc -- bash "$IPCBOX_TOP/tests/ipcs_helpers/posix_users.sh" --posix --stale
	assert_contains "$output" "/orphan "
	clear_ipc
	run --separate-stderr unshare --pid --fork --mount-proc -- bash -c '
		. "$1" --version >/dev/null && as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; } &&
		as_nobody "$IPCBOX" ipcs --posix --processes -m' _ "$IPCBOX_TOP/tests/ipcs_helpers/posix_users.sh"
	assert_status 0
	assert_contains "$output" "/orphan              root       ?      ?"
}

@test "long user and group names: truncated in owner columns, whole in -c, as util-linux" {
	need_peer_ipcs
	{ cat /etc/passwd; echo "averyveryverylonguser:x:4242:4343::/:/bin/false"; } >"$BATS_TEST_TMPDIR/passwd"
	{ cat /etc/group; echo "anextremelylonggroupname:x:4343:"; } >"$BATS_TEST_TMPDIR/group"
	/usr/bin/python3 -c '
import sysv_ipc
q = sysv_ipc.MessageQueue(0x4242, sysv_ipc.IPC_CREX, 0o640)
q.uid, q.gid = 4242, 4343
m = sysv_ipc.SharedMemory(0x4343, sysv_ipc.IPC_CREX, size=100)
m.uid, m.gid = 4242, 4343
s = sysv_ipc.Semaphore(0x4444, sysv_ipc.IPC_CREX)
s.uid, s.gid = 4242, 99999'
	run unshare --mount -- sh -c '
		mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group || exit 99
		for a in "" -c -t -p "--owner averyveryverylonguser"; do
			echo "== $a"; /usr/bin/ipcs $a 2>&1; echo "== ours $a"; "$2" ipcs $a 2>&1
		done' _ "$BATS_TEST_TMPDIR" "$IPCBOX"
	[ "$status" -ne 99 ] || skip "cannot bind-mount /etc/passwd"
	assert_status 0
	assert_contains "$output" "averyveryv "
	assert_contains "$output" "averyveryverylonguser anextremelylonggroupname"
	# each util-linux block equals ours (the filter block has no peer: skip it)
	local peer ours
	peer=$(awk '/^== ours/ { on = 0 } /^== / && !/^== ours/ { on = ($0 !~ /--owner/) } on' <<<"$output" | grep -v '^== ')
	ours=$(awk '/^== ours/ { on = ($0 !~ /--owner/); next } /^== / { on = 0 } on' <<<"$output")
	assert_eq "$ours" "$peer"
	assert_contains "$(sed -n '/== ours --owner/,$p' <<<"$output")" "$(printf '0x00004242 %-10s averyveryv' "$(awk 'FNR == 2 { print $2 }' /proc/sysvipc/msg)")"
}

@test "--json escapes odd POSIX names so they read back unchanged" {
	/usr/bin/python3 - <<'PY'
for n in ['quote"d', 'back\\slash', 'new\nline', 'tab\there', 'ctl\x01\x1f\x7f', 'utf8-\u00e9\u4e2d']:
    open("/dev/shm/" + n, "w").write("x")
PY
	run --separate-stderr "$IPCBOX" ipcs --posix -m --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted(o["name"] for o in d["posix-sharedmemory"]) == sorted("/" + n for n in __import__("os").listdir("/dev/shm")) and len(d["posix-sharedmemory"]) == 6')" True
	# in the text table, control characters show as '?'
	run "$IPCBOX" ipcs --posix -m
	assert_contains "$output" "/new?line "
	assert_contains "$output" "/ctl??? "
}

@test "an object removed while listing is left out, with no error" {
	need_preload
	local race_so
	test_prog race_so preload/ipcs-race.so
	[ -z "${IPCBOX_SANITIZED:-}" ] || skip "LD_PRELOAD shims do not mix with ASan"
	start_holder
	# the text listing reads /proc/sysvipc, which the kernel writes under its
	# lock; --json lists queues by index (for max_bytes), one call per object,
	# and that is where an object can go between two calls
	run --separate-stderr env LD_PRELOAD="$race_so" IPCS_RACE_REMOVE="$Q1" "$IPCBOX" ipcs -q --json
	assert_status 0
	assert_eq "$stderr" ""
	assert_contains "$output" '"key": "0x5a000001"'
	assert_contains "$output" '"key": "0xfffffff0"'
	[[ $output != *0x00001234* ]]
	assert_eq "$(grep -c '"key": "0x' <<<"$output")" 3
	# and -i on the queue removed just before its stat: not found, exit 0
	run --separate-stderr env LD_PRELOAD="$race_so" IPCS_RACE_REMOVE="$Q3" "$IPCBOX" ipcs -q -i "$Q3"
	assert_status 0
	assert_eq "$stderr" "ipcs: id $Q3 not found"
}

@test "-l --posix adds the POSIX message queue limits, in text and JSON" {
	run --separate-stderr "$IPCBOX" ipcs -l --posix
	assert_status 0
	assert_contains "$output" "------ POSIX Message Queues Limits --------
max queues system wide = $(cat /proc/sys/fs/mqueue/queues_max)
max messages per queue = $(cat /proc/sys/fs/mqueue/msg_max)
max size of message (bytes) = $(cat /proc/sys/fs/mqueue/msgsize_max)"
	[[ $output != *"Semaphore Limits"* ]]
	run "$IPCBOX" ipcs -a -l --posix --json
	assert_eq "$(printf '%s' "$output" | json_eval '(sorted(d["limits"]), d["limits"]["posix-messages"]["msg_max"] == int(open("/proc/sys/fs/mqueue/msg_max").read()))')" \
		"(['messages', 'posix-messages', 'semaphores', 'sharedmemory'], True)"
}

# Makes POSIX objects for the -u --posix and -i /NAME tests: queue /jobs (0640, two
# messages of 5 and 6 bytes), queue /private (0600, one byte), semaphore /lock (7),
# shared memory /frame (3000 bytes written) and /sparse (1 MiB, never written).
make_posix_objects() {
	/usr/bin/python3 - <<'PY'
import ctypes, os
rt = ctypes.CDLL("librt.so.1", use_errno=True)
q = rt.mq_open(b"/jobs", os.O_CREAT | os.O_WRONLY, 0o640, None)
assert q >= 0 and rt.mq_send(q, b"hello", 5, 0) == 0 and rt.mq_send(q, b"world!", 6, 0) == 0
q = rt.mq_open(b"/private", os.O_CREAT | os.O_WRONLY, 0o600, None)
assert q >= 0 and rt.mq_send(q, b"x", 1, 0) == 0
c = ctypes.CDLL(None)
c.sem_open.restype = ctypes.c_void_p
assert c.sem_open(b"/lock", os.O_CREAT, 0o644, 7)
with open("/dev/shm/frame", "wb") as f:
    f.write(b"x" * 3000)
fd = os.open("/dev/shm/sparse", os.O_CREAT | os.O_RDWR, 0o600)
os.ftruncate(fd, 1 << 20)
PY
}

@test "-u --posix sums up POSIX queues, shared memory and semaphores" {
	need_mqueue
	make_posix_objects
	run --separate-stderr "$IPCBOX" ipcs -u --posix
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$output" "
------ POSIX Messages Status --------
allocated queues = 2
queued messages = 3
used space = 12 bytes

------ POSIX Shared Memory Status --------
objects allocated 2
bytes allocated 1051576
pages used      1

------ POSIX Semaphore Status --------
allocated semaphores = 1"
	# sizes as -u prints them for System V: -b and --human
	run "$IPCBOX" ipcs -u --posix -q -b
	assert_contains "$output" "used space (bytes) = 12"
	[[ $output != *"Shared Memory"* ]]
	run "$IPCBOX" ipcs --summary --posix -m --human
	assert_contains "$output" "size allocated  1M"
	[[ $output != *"Messages"* ]]
	# -a -u --posix: System V summaries first, then POSIX; without -a only POSIX
	run "$IPCBOX" ipcs -a -u --posix
	assert_contains "$output" "------ Semaphore Status --------
used arrays = 0
allocated semaphores = 0

------ POSIX Messages Status --------"
	run "$IPCBOX" ipcs -s -u --posix
	assert_eq "$output" "
------ POSIX Semaphore Status --------
allocated semaphores = 1"
	# JSON: inside "summary", beside the System V members with -a
	run --separate-stderr "$IPCBOX" ipcs -u --posix --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_ok)" \
		'{"summary": {"posix-messages": {"messages": 3, "queues": 2, "unreadable": 0, "used_bytes": 12}, "posix-semaphores": {"semaphores": 1}, "posix-sharedmemory": {"bytes": 1051576, "objects": 2, "pages_used": 1}}}'
	run "$IPCBOX" ipcs -a -u --posix --json
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted(d["summary"])')" \
		"['messages', 'posix-messages', 'posix-semaphores', 'posix-sharedmemory', 'semaphores', 'sharedmemory']"
	# queues nobody may open are counted, and said to be unreadable
	need_drop
	chmod 0644 /dev/mqueue/jobs
	run --separate-stderr as_nobody "$IPCBOX" ipcs -u --posix -q
	assert_status 0
	assert_eq "$output" "
------ POSIX Messages Status --------
allocated queues = 2
queued messages = 2
used space = 11 bytes
unreadable queues = 1"
	run as_nobody "$IPCBOX" ipcs -u --posix -q --json
	assert_eq "$(printf '%s' "$output" | json_ok)" \
		'{"summary": {"posix-messages": {"messages": 2, "queues": 2, "unreadable": 1, "used_bytes": 11}}}'
}

@test "-u --posix says plainly when /dev/mqueue is not mounted" {
	run --separate-stderr unshare --mount -- sh -c 'umount /dev/mqueue 2>/dev/null; "$1" ipcs -u --posix -q' _ "$IPCBOX"
	assert_status 0
	assert_eq "$output" "
/dev/mqueue is not mounted: POSIX message queues cannot be listed"
	run --separate-stderr unshare --mount -- sh -c 'umount /dev/mqueue 2>/dev/null; "$1" ipcs -u --posix --json' _ "$IPCBOX"
	assert_status 0
	assert_eq "$stderr" "ipcs: /dev/mqueue is not mounted: POSIX message queues cannot be listed"
	assert_eq "$(printf '%s' "$output" | json_eval '(d["summary"]["posix-messages"], d["summary"]["posix-semaphores"])')" \
		"(None, {'semaphores': 0})"
}

@test "--posix -q|-m|-s -i /NAME shows one POSIX object, in text and JSON" {
	need_mqueue
	make_posix_objects
	local maxmsg msgsize
	maxmsg=$(cat /proc/sys/fs/mqueue/msg_default)
	msgsize=$(cat /proc/sys/fs/mqueue/msgsize_default)
	run --separate-stderr "$IPCBOX" ipcs --posix -q -i /jobs
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(sed '/_time=/d' <<<"$output")" "
POSIX Message Queue name=/jobs
uid=0	gid=0	owner=root	group=root	mode=0640
used_bytes=11	messages=2	mq_maxmsg=$maxmsg	mq_msgsize=$msgsize
notify=0	signo=0	notify_pid=0"
	assert_eq "$(grep -c '^access_time=... ... .. ..:..:.. ....$' <<<"$output")" 1
	assert_eq "$(grep -c '^modify_time=\|^change_time=' <<<"$output")" 2
	# -i before --posix, long forms, and --human
	run "$IPCBOX" ipcs --queues --id /jobs --posix --human
	assert_contains "$output" "used_size=11B	messages=2"
	run "$IPCBOX" ipcs --posix -m -i /sparse
	assert_contains "$output" "POSIX Shared Memory name=/sparse
uid=0	gid=0	owner=root	group=root	mode=0600
bytes=1048576	pages_used=0
access_time="
	run "$IPCBOX" ipcs --posix -m -i /frame --human
	assert_contains "$output" "size=2.9K	pages_used=1"
	run "$IPCBOX" ipcs --posix -s -i /lock
	assert_contains "$output" "POSIX Semaphore name=/lock
uid=0	gid=0	owner=root	group=root	mode=0644
value=7
access_time="
	# JSON: the listing's record, alone in its kind's array
	run --separate-stderr "$IPCBOX" ipcs --posix -q -i /jobs --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | json_eval '(sorted(d), [(o["name"], o["messages"], o["used_bytes"], o["max_messages"], o["max_message_size"], o["perms"]) for o in d["posix-messages"]])')" \
		"(['posix-messages'], [('/jobs', 2, 11, $maxmsg, $msgsize, '0640')])"
	run "$IPCBOX" ipcs --posix -s -i /lock --json
	assert_eq "$(printf '%s' "$output" | json_eval '[(o["name"], o["value"]) for o in d["posix-semaphores"]]')" "[('/lock', 7)]"
	run "$IPCBOX" ipcs --posix -m -i /frame --json
	assert_eq "$(printf '%s' "$output" | json_eval '[(o["name"], o["size"]) for o in d["posix-sharedmemory"]]')" "[('/frame', 3000)]"
	# a queue the user may not open: its counts are '?', the rest is shown
	need_drop
	run --separate-stderr as_nobody "$IPCBOX" ipcs --posix -q -i /private
	assert_status 0
	assert_contains "$output" "messages=?	mq_maxmsg=?	mq_msgsize=?"
}

@test "--posix -i errors: a missing name exits 1, bad names, numbers stay System V ids" {
	need_mqueue
	make_posix_objects
	run --separate-stderr "$IPCBOX" ipcs --posix -q -i /nope
	assert_status 1
	assert_eq "$output" ""
	assert_eq "$stderr" "ipcs: POSIX message queue '/nope' not found"
	run --separate-stderr "$IPCBOX" ipcs --posix -q -i /nope --json
	assert_status 1
	assert_eq "$stderr" "ipcs: POSIX message queue '/nope' not found"
	assert_eq "$(printf '%s' "$output" | json_ok)" '{"posix-messages": []}'
	# a semaphore is not shared memory, nor the other way round
	run --separate-stderr "$IPCBOX" ipcs --posix -m -i /lock
	assert_status 1
	assert_eq "$stderr" "ipcs: POSIX shared memory '/lock' not found"
	run --separate-stderr "$IPCBOX" ipcs --posix -s -i /frame
	assert_status 1
	assert_eq "$stderr" "ipcs: POSIX semaphore '/frame' not found"
	run --separate-stderr "$IPCBOX" ipcs --posix -m -i /a/b
	assert_status 1
	assert_eq "$stderr" "ipcs: invalid POSIX name '/a/b': must not contain another '/'"
	run --separate-stderr "$IPCBOX" ipcs --posix -s -i lock
	assert_status 1
	assert_eq "$stderr" "ipcs: invalid POSIX name 'lock': must start with '/'"
	run --separate-stderr "$IPCBOX" ipcs --posix -i /jobs
	assert_status 1
	assert_eq "$stderr" "ipcs: when using an ID, a single resource must be specified"
	# a number is a System V id, with --posix too (util-linux's quirk: exit 0)
	run --separate-stderr "$IPCBOX" ipcs --posix -q -i 99
	assert_status 0
	assert_eq "$stderr" "ipcs: id 99 not found"
	run --separate-stderr unshare --mount -- sh -c 'umount /dev/mqueue 2>/dev/null; "$1" ipcs --posix -q -i /jobs' _ "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "ipcs: /dev/mqueue is not mounted: POSIX message queues cannot be read"
	# without --posix a name is a bad id, exactly as util-linux says, at once
	run --separate-stderr "$IPCBOX" ipcs -q -i /jobs -z
	assert_status 1
	assert_eq "$stderr" "ipcs: failed to parse id argument: '/jobs'"
	run --separate-stderr "$IPCBOX" ipcs -q -i /jobs -i 0
	assert_status 1
	assert_eq "$stderr" "ipcs: failed to parse id argument: '/jobs'"
	# --posix later makes a name a name (so does -Q, as lsipc's letter); as -i's
	# argument it is not the option, nor after --. Since lsipc's --posix-mqueues,
	# --posix-shmems and --posix-semaphores, --posix has no abbreviation left.
	run --separate-stderr "$IPCBOX" ipcs -q -i /nope -i /jobs --posix
	assert_status 0
	assert_contains "$output" "POSIX Message Queue name=/jobs"
	run --separate-stderr "$IPCBOX" ipcs -q -i /nope -i /jobs --posix-mq
	assert_status 0
	assert_contains "$output" "/jobs"
	run --separate-stderr "$IPCBOX" ipcs -q -i /nope -i /jobs --po
	assert_status 1
	run --separate-stderr "$IPCBOX" ipcs -q -i /nope -i /jobs --posix
	assert_status 0
	assert_contains "$output" "POSIX Message Queue name=/jobs"
	run --separate-stderr "$IPCBOX" ipcs -q -i /jobs -i --posix
	assert_status 1
	assert_eq "$stderr" "ipcs: failed to parse id argument: '/jobs'"
	run --separate-stderr "$IPCBOX" ipcs -q -i /jobs -- --posix
	assert_status 1
	assert_eq "$stderr" "ipcs: failed to parse id argument: '/jobs'"
	need_peer_ipcs
	same_as_peer -q -i /jobs
	same_as_peer -q -i /jobs -i 0
	same_as_peer -m -i /frame -z
	same_as_peer -s -i /lock --pid
}

@test "--keys 0 lists the IPC_PRIVATE objects (ipcrm refuses to remove by it)" {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null ||
		skip "/usr/bin/python3 with sysv_ipc is not installed"
	local p
	p=$(/usr/bin/python3 -c 'import sysv_ipc
print(sysv_ipc.MessageQueue(sysv_ipc.IPC_PRIVATE, sysv_ipc.IPC_CREX, 0o600).id)
sysv_ipc.MessageQueue(0x5, sysv_ipc.IPC_CREX, 0o600)')
	run --separate-stderr "$IPCBOX" ipcs -q --keys 0
	assert_status 0
	assert_eq "$(grep '^0x' <<<"$output" | awk '{ print $1, $2 }')" "0x00000000 $p"
	run --separate-stderr "$IPCBOX" ipcs -q --keys -5
	assert_status 0
	assert_eq "$(grep -c '^0x' <<<"$output")" 2
}

@test "--posix shows an mtime beyond the calendar whole, not cut" {
	local t
	for t in -9223372036854775808 9223372036854775807; do
		: >/dev/shm/x
		touch -d "@$t" /dev/shm/x || skip "cannot set an mtime of $t here"
		run --separate-stderr "$IPCBOX" ipcs --posix -m
		assert_status 0
		assert_eq "$(grep '^/x ' <<<"$output" | awk '{ print $NF }')" "$t"
	done
	touch -d '2001-02-03 04:05:06' /dev/shm/x
	run --separate-stderr env TZ=UTC "$IPCBOX" ipcs --posix -m
	assert_eq "$(grep '^/x ' <<<"$output" | cut -c57-)" "Feb  3 04:05:06     "
}

# $TRUNC_SO (tests/preload/semtrunc.c), an LD_PRELOAD library standing for a user
# who truncates a /dev/shm/sem.* file at the worst moment: right after ipcbox has
# mapped it, or right before it reads it.
build_truncating_shim() {
	ldd "$IPCBOX" >/dev/null 2>&1 || skip "ipcbox is not dynamically linked"
	test_prog TRUNC_SO preload/semtrunc.so
}

@test "a sem.* file another user truncates or squats empty kills no applet with SIGBUS" {
	need_drop
	# Squatted empty, world-writable, by an unprivileged user.
	as_nobody sh -c ': >/dev/shm/sem.squat && chmod 666 /dev/shm/sem.squat'
	local a
	for a in +1 -1 "-n -1" --get "--hold -- true"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$IPCBOX" semop -P /squat $a
		assert_status 1
		assert_eq "$stderr" "semop: semaphore /squat is truncated or corrupt"
	done
	run --separate-stderr "$IPCBOX" ipcs --posix -s
	assert_status 0
	assert_eq "$(grep '^/squat ' <<<"$output" | awk '{ print $2, $3, $4 }')" "nobody 666 ?"
	run --separate-stderr "$IPCBOX" ipcrm -n --stale
	assert_status 0
	# A real semaphore truncated by its (unprivileged) owner while ipcbox reads it.
	as_nobody "$IPCBOX" semop -P /real -c -m 0666 --init 3
	build_truncating_shim
	run --separate-stderr env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		LD_PRELOAD="$TRUNC_SO" "$IPCBOX" ipcs --posix -s
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(grep '^/real ' <<<"$output" | awk '{ print $4 }')" "?"
	as_nobody "$IPCBOX" semop -P /real2 -c -m 0666 --init 3
	run --separate-stderr env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		LD_PRELOAD="$TRUNC_SO" "$IPCBOX" ipcrm -v -a
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(ls /dev/shm)" ""
}
