# Shared by every tests/*.bats: load it with `load helpers`.
# $IPCBOX is the binary under test (tests/run sets it); run applets as
# `$IPCBOX APPLET ...` or through the links in $BIN (made per test file).
# A file that defines its own setup() must call ib_setup first.

bats_require_minimum_version 1.5.0

ib_setup() {
	if [ -n "${IPCBOX_NO_NS:-}" ]; then
		skip "$IPCBOX_NO_NS"
	fi
	[ "${IPCBOX_IN_NS:-}" = 1 ] || skip "not run through tests/run (no private namespaces)"
	cd "$BATS_TEST_TMPDIR"
}

setup() {
	ib_setup
}

# Every test has a time limit, BATS_TEST_TIMEOUT (tests/run sets it), so a hang fails
# that test instead of stalling its file. bats 1.8's own watchdog signals the test
# first and then kills only its direct children (pkill -P), which is not enough: a
# command under `run` is a grandchild (bats reads its output through a command
# substitution), so the test waits for it for ever; and a test in `wait` or `read`
# ends at the signal and orphans its children before they are looked for. So the
# watchdog is replaced (when this bats has the functions it relies on) by one that
# ends the whole tree below the test first (see ib_end_test), then signals the test
# as bats does, which fails it with "# timeout after Ns" and runs its teardown.
if declare -F bats_start_timeout_countdown bats_timeout_trap >/dev/null; then
	bats_start_timeout_countdown() { # SECONDS
		local -ri timeout=$1 target_pid=$$
		# shellcheck disable=SC2064
		trap "bats_timeout_trap $target_pid" ABRT
		(
			sleep "$timeout" &
			# shellcheck disable=SC2064
			trap "kill $! 2>/dev/null; exit 0" ABRT # how bats stops it at the end
			wait
			ib_end_test "$target_pid"
		) &
	}
fi

# Ends the test whose shell is $1, from its watchdog: stops the shell, so nothing below
# it is orphaned while we look; stops every process below it, again and again until no
# new one appears (a stopped process cannot fork); kills them all; then wakes the shell
# with SIGABRT, bats' signal for "time is up".
ib_end_test() { # TEST-SHELL-PID
	local self=$BASHPID pids='' seen=x i
	kill -STOP "$1" 2>/dev/null || return 0 # the test is over
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$pids" != "$seen" ] || break
		seen=$pids
		pids=$(ib_descendants "$1" "$self" | sort -n)
		[ -z "$pids" ] || kill -STOP $pids 2>/dev/null
	done
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
	kill -ABRT "$1"
	kill -CONT "$1"
}

# Prints the pids of every process below $1, leaving out $2 and what is below it.
ib_descendants() { # PID [EXCEPT-PID]
	ps -e -o pid= -o ppid= | awk -v root="$1" -v except="${2:-0}" '
		{ parent[$1] = $2 }
		END {
			below[root] = 1
			do {
				more = 0
				for (p in parent)
					if (!(p in below) && p != except && (parent[p] in below)) {
						below[p] = 1
						more = 1
					}
			} while (more)
			for (p in below)
				if (p != root)
					print p
		}'
}

# Runs "$@" with glibc's checking malloc (libc_malloc_debug, MALLOC_CHECK_=3), which
# aborts on a heap overflow that the plain build survives unnoticed; plainly where
# it cannot be had or would not mix (the sanitizers and valgrind check better).
malloc_checked() {
	if [ -z "${IB_MALLOC_CHECK+set}" ]; then
		IB_MALLOC_CHECK=
		[ -n "${IPCBOX_SANITIZED:-}" ] ||
			[ -n "$(LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_CHECK_=3 "$IPCBOX" --version 2>&1 >/dev/null)" ] ||
			IB_MALLOC_CHECK=libc_malloc_debug.so.0
	fi
	if [ -n "$IB_MALLOC_CHECK" ]; then
		LD_PRELOAD=$IB_MALLOC_CHECK MALLOC_CHECK_=3 "$@"
	else
		"$@"
	fi
}

# Skips unless tests may switch to an unprivileged user (uid/gid 65534).
need_drop() {
	[ "${IPCBOX_CAN_DROP:-}" = 1 ] || skip "cannot switch to uid 65534 here"
}

# Runs a command as the unprivileged user nobody (65534).
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

need_mqueue() {
	[ -z "${IPCBOX_NO_MQUEUE:-}" ] || skip "$IPCBOX_NO_MQUEUE"
}

# The system's python, which has the sysv_ipc module (python3-sysv-ipc) that tests use
# to make objects the way another program would.
PY=/usr/bin/python3

need_sysv_ipc() {
	[ -x "$PY" ] && "$PY" -c 'import sysv_ipc' 2>/dev/null ||
		skip "/usr/bin/python3 with sysv_ipc is not installed"
}

# Skips unless ipcs can load libsmartcols.so.1, which lsipc-style JSON and tables
# on a terminal use, and which a static or musl build, or a machine without the
# library, cannot. Asked of the binary itself (the reason is its own message).
need_smartcols() {
	local why
	why=$("$IPCBOX" ipcs -g -q -J 2>&1 >/dev/null) || skip "${why#ipcs: }"
}

# Skips when COMMAND is not installed.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

# Skips unless an LD_PRELOAD shim reaches ipcbox: a static build (glibc's or musl's)
# has no dynamic loader to load it.
need_preload() {
	readelf -l "$IPCBOX" 2>/dev/null | grep -q 'program interpreter' ||
		skip "ipcbox is not dynamically linked (an LD_PRELOAD shim needs that)"
}

# Skips unless the racing helper tests/race/swaplink.c was built (make); SWAPLINK is it.
# Started as `start_bg "$SWAPLINK" DIR NAME TARGET COUNT`, it replaces DIR/NAME by a
# symbolic link to TARGET each time DIR/NAME is created (see the source).
need_swaplink() {
	SWAPLINK=${SWAPLINK:-$IPCBOX_TOP/build/tests/race/swaplink}
	[ -x "$SWAPLINK" ] || skip "$SWAPLINK is not built (make)"
}

# test_prog VAR NAME: sets VAR to the path of a test program make builds (prog/NAME
# from tests/prog/NAME.c, preload/NAME.so from tests/preload/NAME.c); skips the test
# if it is not built. No test compiles anything.
test_prog() {
	local p=$IPCBOX_TOP/build/tests/$2
	[ -e "$p" ] || skip "$p is not built (make)"
	printf -v "$1" '%s' "$p"
}

# Links every applet name to $IPCBOX in $BIN, so tests can call `$BIN/msgsnd`.
make_links() {
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	"$IPCBOX" --install -s "$BIN"
}

# TEXT (a message as glibc words it) in the words of the C library of the binary under
# test (IPCBOX_LIBC, found by tests/run). With musl some strerror texts read
# differently: that is the C library's wording, which util-linux and coreutils built
# on musl print too. (Option errors do not: ipcbox's own parser prints getopt_long's
# glibc words on every C library.) With glibc, TEXT as it is.
libc_text() {
	if [ "${IPCBOX_LIBC:-glibc}" != musl ]; then
		printf '%s' "$1"
		return
	fi
	printf '%s' "$1" | sed \
		-e 's/Numerical result out of range/Result not representable/g' \
		-e 's/File name too long/Filename too long/g' \
		-e 's/Address already in use/Address in use/g' \
		-e 's/Connection timed out/Operation timed out/g' \
		-e 's/Cannot allocate memory/Out of memory/g' \
		-e 's|Input/output error|I/O error|g' \
		-e 's/Too many levels of symbolic links/Symbolic link loop/g' \
		-e 's/Socket operation on non-socket/Not a socket/g' \
		-e 's/Transport endpoint is not connected/Socket not connected/g' \
		-e 's/Device or resource busy/Resource busy/g' \
		-e 's/Too many open files/No file descriptors available/g' \
		-e 's/Inappropriate ioctl for device/Not a tty/g' \
		-e 's/Message too long/Message too large/g' \
		-e 's/Operation not supported/Not supported/g' \
		-e 's/Value too large for defined data type/Value too large for data type/g' \
		-e 's/Illegal seek/Invalid seek/g' \
		-e 's/Network is unreachable/Network unreachable/g' \
		-e 's/No route to host/Host is unreachable/g' \
		-e 's/Cannot assign requested address/Address not available/g'
}

# Fails the test with a message unless "$1" = "$2".
assert_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %q\n     got: %q\n' "$2" "$1" >&2
		return 1
	fi
}

# Fails unless the last `run` exited with $1.
assert_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected exit status %s, got %s\nstdout: %s\nstderr: %s\n' \
			"$1" "$status" "$output" "${stderr:-}" >&2
		return 1
	fi
}

# Fails unless the string $1 contains $2.
assert_contains() {
	case $1 in
	*"$2"*) ;;
	*)
		printf 'expected to find: %q\n            in: %q\n' "$2" "$1" >&2
		return 1
		;;
	esac
}

# Fails if the string $1 contains $2.
refute_contains() {
	case $1 in
	*"$2"*)
		printf 'did not expect: %q\n            in: %q\n' "$2" "$1" >&2
		return 1
		;;
	esac
}

# Starts "$@" in the background with its stderr on a pipe the test reads (fd 8);
# BG_PID is its pid. Wait for readiness with expect_line, never with sleep.
# The command's fd 3 (bats' own) is closed so bats does not wait for it.
start_bg() {
	local fifo=$BATS_TEST_TMPDIR/bg.$$.$RANDOM
	mkfifo "$fifo"
	"$@" 2>"$fifo" 3>&- &
	BG_PID=$!
	exec 8<"$fifo"
	rm -f "$fifo"
}

# Reads the background command's stderr until a line matches the regex $1, within
# $2 seconds (default 10). The matching line is left in $LINE.
expect_line() {
	local re=$1 limit=${2:-10} end=$((SECONDS + ${2:-10}))
	while [ $SECONDS -le $end ] && IFS= read -r -t "$limit" -u 8 LINE; do
		[[ $LINE =~ $re ]] && return 0
	done
	echo "no line matching /$re/ from the background command" >&2
	return 1
}
