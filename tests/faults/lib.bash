# The fault sweep's engine (tests/faults/run loads it, then one file per applet).
#
# A scenario is a name S with four functions:
#   S_prepare  makes its input files, once, in the current directory (later $IN)
#   S_setup    makes the objects it needs (each run starts with no IPC object)
#   S_run      runs the applet as `traced ARGS... <in >out 2>err` (and its peers)
#   S_check    checks the invariant; calls `broke "what"` for each thing that broke
# and a line in the applet file: `scenario APPLET S SYSCALLS "what it runs"`.
# The engine counts each syscall's calls in a clean run (whose check must hold too),
# then reruns the scenario once per (syscall, call N, fault), each in fresh
# namespaces, under strace -e inject= and timeout.

# How long one run may take before it counts as a hang.
FAULT_TIMEOUT=${FAULT_TIMEOUT:-10}

# Signals delivered at a call: after the call (it completed) and instead of it
# (the call was interrupted: EINTR).
SIGNALS=(TERM INT PIPE HUP)
# (each interrupts the call; SIGTERM also comes once after the call completed)

# The errors worth injecting into SYSCALL: those the kernel can return there.
errors_for() {
	case $1 in
	write | writev | sendmsg | sendto) echo EINTR EAGAIN ENOSPC EPIPE EIO ;;
	read | readv | recvfrom | recvmsg) echo EINTR EAGAIN EIO ENOMEM ;;
	splice) echo EINTR EAGAIN ENOSPC EPIPE EIO ENOMEM ;;
	tee) echo EINTR EAGAIN EPIPE ENOMEM EINVAL ;;
	msgsnd) echo EINTR EAGAIN ENOMEM EIDRM ;;
	msgrcv) echo EINTR ENOMSG EIDRM ENOMEM ;;
	mq_timedsend | mq_timedreceive) echo EINTR EAGAIN ETIMEDOUT ;;
	mq_open) echo EINTR ENOMEM ENOSPC EMFILE ;;
	semtimedop | semop) echo EINTR EAGAIN EIDRM ENOMEM ENOSPC ;;
	futex) echo EINTR EAGAIN ETIMEDOUT ;;
	ftruncate | fallocate) echo EINTR EIO ENOSPC ENOMEM ;;
	mmap | shmat) echo ENOMEM EAGAIN ;;
	madvise) echo ENOMEM EAGAIN EINTR ;;
	openat | shmget | msgget | semget) echo EINTR ENOMEM ENOSPC EMFILE ;;
	msgctl | shmctl | semctl) echo EIDRM EINVAL ENOMEM ;;
	unlink | unlinkat | mq_unlink) echo EIO EBUSY ENOMEM ;;
	getdents64) echo EIO ENOMEM ;;
	fchmod | chmod | fchmodat) echo EIO ;;
	socket | accept | accept4 | connect | bind | listen) echo EINTR ENOMEM ENOBUFS EMFILE ;;
	clone | clone3 | fork | vfork) echo EAGAIN ENOMEM ;;
	pipe2 | pipe | dup2 | dup3) echo EMFILE ENFILE ;;
	wait4 | waitid | poll | ppoll | pselect6) echo EINTR ;;
	kill) echo ESRCH EPERM ;;
	*) echo EIO ;;
	esac
}

# Every fault for SYSCALL, one a line, in strace's inject= syntax. A realistic EPIPE
# comes with its SIGPIPE. A short count is retval=1: strace skips the call and
# reports 1 byte done (it cannot shorten the count argument), so one byte is
# missing from the output (write) or a stale one is added to the input (read).
faults_for() {
	local e s
	for e in $(errors_for "$1"); do
		case $e in
		EPIPE) echo "error=EPIPE:signal=PIPE" ;;
		*) echo "error=$e" ;;
		esac
	done
	case $1 in
	read | write) echo "retval=1" ;;
	esac
	echo "signal=TERM"
	for s in "${SIGNALS[@]}"; do
		echo "error=EINTR:signal=$s"
	done
}

SCENARIOS=()
declare -A SC_APPLET SC_SYSCALLS SC_DESC
# scenario APPLET NAME "SYSCALL..." "what it runs, for the report"
scenario() {
	SCENARIOS+=("$2")
	SC_APPLET[$2]=$1
	SC_SYSCALLS[$2]=$3
	SC_DESC[$2]=$4
}

# --- inside a run -----------------------------------------------------------

# Where S_prepare put the scenario's input files (made once, shared by its runs).
IN=
# The command prefix `traced` runs the applet under (set per run).
TRACE=()
CMDLINE=
# Runs "$@" (the applet and its arguments) under TRACE; remembers it for the report.
traced() {
	CMDLINE="${TRACE[*]} $*"
	"${TRACE[@]}" "$@"
}

FAILS=()
# Records what broke in this run.
broke() {
	FAILS+=("$*")
}

# The injected signal's number, or 0.
injected_signal() {
	case $FAULT in
	*signal=*) kill -l "${FAULT##*signal=}" ;;
	*) echo 0 ;;
	esac
}

# Gives this worker private IPC objects: its own /dev/shm and /dev/mqueue.
private_ipc() {
	mount -t tmpfs -o mode=1777,size=256m tmpfs /dev/shm
	mount -t mqueue mqueue /dev/mqueue
	# room for msgrcv's scenario of twelve 8000-byte messages
	echo 1048576 >/proc/sys/kernel/msgmnb
	# and for POSIX queues of 16 messages
	echo 64 >/proc/sys/fs/mqueue/msg_max
}

# Removes every IPC object the last point left, so each point starts from nothing.
clear_ipc() {
	local f objs=()
	for f in /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem; do
		mapfile -t -s 1 objs <"$f"
		[ ${#objs[@]} -eq 0 ] || { ipcrm -a 2>/dev/null || :; break; }
	done
	objs=(/dev/shm/* /dev/mqueue/*)
	[ ${#objs[@]} -eq 0 ] || rm -f -- "${objs[@]}"
}

# Checks what every run must hold, whatever the applet: no hang, no crash, no
# sanitizer report, a failure says why, nothing left running.
# STATUS is the applet's exit status, err its stderr.
generic_check() {
	local sig
	sig=$(injected_signal)
	if [ "$STATUS" = 137 ]; then
		broke "hang: still running after ${FAULT_TIMEOUT}s (killed)"
	elif [ "$STATUS" -gt 128 ] && [ $((STATUS - 128)) != "$sig" ] &&
		! [[ " ${DOCUMENTED_SIGNALS:-} " == *" $((STATUS - 128)) "* ]]; then
		broke "crash: killed by SIG$(kill -l $((STATUS - 128)))"
	fi
	read_file err
	if [[ $REPLY == *Sanitizer* || $REPLY == *"runtime error:"* ]]; then
		broke "sanitizer: ${REPLY:0:300}"
	fi
	if [ "$STATUS" != 0 ] && [ "$STATUS" -le 128 ] && [ -z "$REPLY" ]; then
		broke "exit $STATUS with nothing on stderr"
	fi
	local left=() p cmd
	# (only as the first process of a PID namespace of our own: all else is ours)
	[ "$$" = 1 ] || return 0
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = 1 ] || [ "$p" = "$BASHPID" ] || [ "$p" = "$$" ] || left+=("$p")
	done
	if [ ${#left[@]} -gt 0 ]; then
		for p in "${left[@]}"; do
			read -r -d '' cmd </proc/"$p"/cmdline 2>/dev/null || :
			kill -KILL "$p" 2>/dev/null && broke "left running: pid $p ($cmd)"
		done
	fi
}

# Reads the file $1 into REPLY (no process started).
read_file() {
	REPLY=
	[ -e "$1" ] && IFS= read -r -d '' REPLY <"$1" || :
}

# Fails unless stderr has exactly one line (a failure is one line).
one_line() {
	local lines
	mapfile -t lines <err
	[ ${#lines[@]} = 1 ] || broke "stderr has ${#lines[@]} lines, want 1: $(IFS='|'; echo "${lines[*]:0:4}")"
}

# True if the file GOT equals WANT, allowing for the short count this run injected:
# one byte fewer (write) or one extra (read; at the very end of the input, the
# applet may end that byte with its own newline, as for a last unterminated line).
same_bytes() {
	local got=$1 want=$2 i
	cmp -s "$got" "$want" && return 0
	case $FAULT:$SYSCALL in
	retval=1:write) set -- "$want" "$got" ;;
	retval=1:read)
		set -- "$got" "$want"
		cmp -s <(head -c -2 "$got") "$want" && return 0
		;;
	*) return 1 ;;
	esac
	# $1 has exactly one byte more than $2: drop it at the first difference.
	[ $(($(stat -c %s "$1") - 1)) = "$(stat -c %s "$2")" ] || return 1
	i=$(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* \(byte\|char\) \([0-9]*\),.*/\2/p')
	[ -n "$i" ] || i=$(stat -c %s "$1")
	cmp -s <(head -c $((i - 1)) "$1"; tail -c +$((i + 1)) "$1") "$2"
}

# Runs one point: SCENARIO SYSCALL N FAULT (N 0: the clean, counting run, FAULT
# then names the syscalls to count). Prints "APPLET ok" or "APPLET FAIL ...".
run_point() {
	SCEN=$1 SYSCALL=$2 N=$3 FAULT=$4 FAILS=() CMDLINE=
	local applet=${SC_APPLET[$SCEN]} shared=$SHARED/$1 tmp
	clear_ipc
	if ! [ -d "$shared" ]; then
		# made aside and renamed, as another worker may be making it too
		tmp=$(mktemp -d "$shared.XXXXXX")
		(cd "$tmp" && "${SCEN}_prepare")
		mv -T "$tmp" "$shared" 2>/dev/null || rm -rf "$tmp"
	fi
	IN=$shared
	"${SCEN}_setup"
	if [ "$N" = 0 ]; then
		TRACE=(timeout -s KILL "$FAULT_TIMEOUT" strace -f -qq -o "$PWD/count.log")
	else
		TRACE=(timeout -s KILL "$FAULT_TIMEOUT" strace -f -qq -o /dev/null
			-e "inject=$SYSCALL:$FAULT:when=$N")
	fi
	set +e
	"${SCEN}_run"
	set -e
	generic_check
	local clean=CLEAN_STATUS_$SCEN
	[ "$N" != 0 ] || [ "$STATUS" = "${!clean:-0}" ] || broke "the clean run exits $STATUS"
	"${SCEN}_check"
	if [ "$N" = 0 ]; then
		count_calls count.log "$FAULT" | sed "s/^/COUNT $SCEN /"
	fi
	local what="clean run"
	[ "$N" = 0 ] || what="$SYSCALL call $N, $FAULT"
	if [ ${#FAILS[@]} -eq 0 ]; then
		echo "$applet ok"
	else
		local IFS=';'
		printf '%s FAIL %s [%s]: %s\n    scenario: %s\n    command: %s\n    rerun: %s\n' \
			"$applet" "$SCEN" "$what" "${FAILS[*]}" "${SC_DESC[$SCEN]}" "$CMDLINE" \
			"tests/faults/run --one $SCEN $SYSCALL $N $FAULT"
	fi
}

# A worker: runs the points listed in file $1 in turn, in its own IPC, mount and
# PID namespaces (so what a run leaves running is seen, and killed).
run_worker() {
	local dir
	[ "$$" = 1 ] || { echo "faults: a worker must start a PID namespace" >&2; exit 1; }
	# a point's checks go on after a command that fails: they say what broke
	set +e +o pipefail
	private_ipc
	dir=$(mktemp -d /tmp/faults.XXXXXX)
	cd "$dir"
	while read -r s sys n fault; do
		run_point "$s" "$sys" "$n" "$fault"
	done <"$1"
	cd /
	rm -rf "$dir"
}

# From a strace -f log of every call: "SYSCALL CALLS N..." for each syscall in
# the list $2 (commas), where N... are the calls worth injecting at, counted per
# process as strace's when= counts them, leaving out what the dynamic loader does
# after an execve until it unmaps ld.so.cache (a fault there is ld.so's, not the
# applet's).
count_calls() {
	awk -v want_names="$2" '
	BEGIN { n = split(want_names, w, ","); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
	match($0, /^[0-9]+ +[a-z_0-9]+\(/) {
		pid = $1; name = $2; sub(/\(.*/, "", name)
		if (name == "execve") loader[pid] = 1
		k = ++calls[pid, name]
		if (loader[pid]) { if (name == "munmap") loader[pid] = 0; next }
		if (!(name in wanted)) next
		want[name, k] = 1
		if (k > max[name]) max[name] = k
	}
	END {
		for (name in max) {
			line = name " " max[name]
			for (i = 1; i <= max[name]; i++)
				if ((name, i) in want) line = line " " i
			print line
		}
	}' "$1"
}
