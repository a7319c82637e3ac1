# Helpers for tests/ipcrm.bats: making System V and POSIX objects, and running
# ipcrm next to util-linux's on the same objects.

PY=/usr/bin/python3

need_sysv_ipc() {
	"$PY" -c 'import sysv_ipc' 2>/dev/null || skip "python3-sysv-ipc is not installed"
}

# mk KIND KEY [MODE] [SIZE]: makes a System V object (KIND msg, shm or sem; KEY 0
# for IPC_PRIVATE; SIZE bytes) and prints its id. The making process also uses it
# (sends a message, attaches, operates) and exits at once, so a dead process is
# recorded on it: it is what --stale and --dead look for.
mk() {
	"$PY" - "$@" <<'EOF'
import sys, sysv_ipc
kind, key = sys.argv[1], int(sys.argv[2], 0)
mode = int(sys.argv[3], 8) if len(sys.argv) > 3 else 0o600
size = int(sys.argv[4]) if len(sys.argv) > 4 else (4096 if kind == "shm" else 1)
key = sysv_ipc.IPC_PRIVATE if key == 0 else key
if kind == "msg":
    o = sysv_ipc.MessageQueue(key, sysv_ipc.IPC_CREX, mode)
    o.send(b"x")
elif kind == "shm":
    o = sysv_ipc.SharedMemory(key, sysv_ipc.IPC_CREX, mode, size)
    o.detach()
else:
    o = sysv_ipc.Semaphore(key, sysv_ipc.IPC_CREX, mode)
    o.release()
print(o.id)
EOF
}

# The System V objects left: "KIND KEY ID PERMS" lines, sorted.
sysv_state() {
	local k
	for k in msg shm sem; do
		awk -v k="$k" 'NR > 1 { print k, $1, $2, $3 }' "/proc/sysvipc/$k"
	done | LC_ALL=C sort
}

# A fixed set of objects, made in a fresh IPC namespace so the ids are the same on
# every run: msg key 0x1111 (id 0), shm 0x2222 (id 0), sem 0x3333 (id 0), a private
# queue (id 1), a queue 0x4444 readable by all (id 2), a segment with mode 0 (id 1).
STD_OBJECTS='mk msg 0x1111 && mk shm 0x2222 && mk sem 0x3333 && mk msg 0 &&
	mk msg 0x4444 0644 && mk shm 0x5555 000'

# run_one TOOL SETUP [ARGS...]: in a new IPC namespace, runs the shell commands
# SETUP (with mk), then TOOL ARGS (as $AS, e.g. as_nobody, when set), and sets
# RESULT to its exit code, stdout, stderr and the objects left. A tool's path
# before ": " in a getopt message is reduced to "ipcrm".
run_one() {
	local tool=$1 setup=$2 d=$BATS_TEST_TMPDIR/one
	shift 2
	mkdir -p "$d"
	unshare --ipc bash -c '
		source "$1"; setup=$2; tool=$3; d=$4; shift 4
		eval "$setup" >/dev/null || exit 99
		rc=0; $AS "$tool" "$@" >"$d/out" 2>"$d/err" || rc=$?
		echo "$rc" >"$d/rc"; sysv_state >"$d/state"' \
		bash "$BATS_TEST_DIRNAME/ipcrm_helpers.bash" "$setup" "$tool" "$d" "$@" ||
		{ echo "setup failed: $setup" >&2; return 1; }
	RESULT="rc=$(cat "$d/rc")
out=$(cat "$d/out")
err=$(sed -E 's#^[^ :]*/ipcrm: #ipcrm: #' "$d/err")
state=$(cat "$d/state")"
}

# Fails unless ours and util-linux's ipcrm agree on SETUP and ARGS.
same_as_util_linux() {
	run_one /usr/bin/ipcrm "$@"
	local theirs
	theirs=$(libc_text "$RESULT")
	run_one "$BIN/ipcrm" "$@"
	if [ "$RESULT" != "$theirs" ]; then
		printf 'ipcrm %s\n--- util-linux:\n%s\n--- ours:\n%s\n' "${*:2}" "$theirs" "$RESULT" >&2
		return 1
	fi
}

need_util_linux_ipcrm() {
	[ -x /usr/bin/ipcrm ] || skip "util-linux ipcrm is not installed"
	/usr/bin/ipcrm --version | grep -q util-linux || skip "/usr/bin/ipcrm is not util-linux's"
}

# The POSIX object maker $MKPOSIX (tests/prog/mkposix.c): mkposix shm|sem|mq /NAME [MODE].
build_mkposix() {
	test_prog MKPOSIX prog/mkposix
}

# The POSIX objects left: "shm NAME", "sem NAME", "mq NAME" lines, sorted.
posix_state() {
	local f
	for f in /dev/shm/* /dev/mqueue/*; do
		[ -e "$f" ] || continue
		case $f in
		/dev/shm/sem.*) echo "sem ${f#/dev/shm/sem.}" ;;
		/dev/shm/*) echo "shm ${f#/dev/shm/}" ;;
		*) echo "mq ${f#/dev/mqueue/}" ;;
		esac
	done | LC_ALL=C sort
}

# Removes every object left by an earlier test (the suite shares one namespace).
clear_ipc() {
	"$IPCBOX" ipcrm -a 2>/dev/null || true
	rm -f /dev/shm/* /dev/mqueue/* 2>/dev/null || true
}

# Starts a process that makes, and keeps alive behind them: segment 0xa1 (made
# and detached), segment 0xb1 (attached), queue 0xc1 (one message sent). It holds
# them until a line is written to the fifo $BATS_TEST_TMPDIR/hold.
start_holder() {
	mkfifo "$BATS_TEST_TMPDIR/hold"
	start_bg "$PY" -c 'import sys, sysv_ipc
a = sysv_ipc.SharedMemory(0xa1, sysv_ipc.IPC_CREX, 0o600, 4096); a.detach()
b = sysv_ipc.SharedMemory(0xb1, sysv_ipc.IPC_CREX, 0o600, 4096)
q = sysv_ipc.MessageQueue(0xc1, sysv_ipc.IPC_CREX, 0o600); q.send(b"x")
sys.stderr.write("ready\n"); sys.stderr.flush()
open(sys.argv[1]).read()' "$BATS_TEST_TMPDIR/hold"
	expect_line ready
}

stop_holder() {
	echo >"$BATS_TEST_TMPDIR/hold"
	wait "$BG_PID"
	unset BG_PID
}

# The System V objects left, as "KIND 0xKEY" lines, sorted.
keys_left() {
	local k
	for k in msg shm sem; do
		awk -v k="$k" 'NR > 1 { printf "%s 0x%x\n", k, $1 }' "/proc/sysvipc/$k"
	done | LC_ALL=C sort
}

# $RACE_SO (tests/preload/ipcrm-race.c), an LD_PRELOAD library that makes ipcrm lose
# a race: with RACE=rmid, another "process" removes a queue just before ipcrm's
# IPC_RMID, which then fails with errno $RACE_ERRNO; with RACE=stat, just before ipcrm
# looks it up again after listing it; with RACE=attach, a segment gets attached just
# before ipcrm looks it up.
build_race_shim() {
	need_preload
	test_prog RACE_SO preload/ipcrm-race.so
}

# Runs ipcrm with the race library preloaded (an ASan build must not object to it).
race_ipcrm() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		LD_PRELOAD=$RACE_SO "$IPCBOX" ipcrm "$@"
}
