# Helpers for tests/msgsnd.bats and tests/msgrcv.bats.

K=0x5eed

# Every test starts with no queues and the default msgmax (the namespace is shared
# by the whole file).
setup() {
	ib_setup
	ipcrm --all=msg >/dev/null 2>&1 || :
	rm -f /dev/mqueue/* 2>/dev/null || :
	echo 8192 >/proc/sys/kernel/msgmax 2>/dev/null || :
	echo 16384 >/proc/sys/kernel/msgmnb 2>/dev/null || :
}

# Creates the empty System V queue with key $K (or $1).
mkq() {
	"$IPCBOX" msgsnd -k "${1:-$K}" -c </dev/null && "$IPCBOX" msgrcv -k "${1:-$K}" >/dev/null
}

# The number of messages on the System V queue with key $1 (from /proc/sysvipc/msg).
qnum() {
	awk -v k="$(($1))" '$1 == k { print $5; found = 1 } END { if (!found) print "none" }' \
		/proc/sysvipc/msg
}

# The id of the System V queue with key $1.
qid() {
	awk -v k="$(($1))" '$1 == k { print $2 }' /proc/sysvipc/msg
}

# Waits until process $1 is blocked in a kernel function matching $2 (its wchan):
# the readiness check for "msgrcv is now waiting". Polls the process state, with a
# 10-second bound; never a fixed sleep. A receiver seen asleep in msgrcv after a
# send returned has taken that message: a send to a sleeping receiver wakes it
# (making it runnable, wchan empty) before the send returns.
wait_blocked() {
	local pid=$1 re=$2 w end=$((SECONDS + 10))
	while [ $SECONDS -le $end ]; do
		w=
		{ read -r w || :; } 2>/dev/null <"/proc/$pid/wchan" # no newline at its end
		[[ $w =~ $re ]] && return 0
		kill -0 "$pid" 2>/dev/null || { echo "process $pid exited before blocking" >&2; return 1; }
	done
	echo "process $pid never blocked in /$re/ (wchan: $w)" >&2
	return 1
}

# Sets a System V queue's msg_qbytes (IPC_SET) with python's sysv_ipc.
set_qbytes() { # KEY BYTES
	/usr/bin/python3 -c 'import sys, sysv_ipc
q = sysv_ipc.MessageQueue(int(sys.argv[1], 0)); q.max_size = int(sys.argv[2])' "$1" "$2"
}

# Sets this IPC namespace's msgmax (root in the namespace may).
set_msgmax() {
	echo "$1" >/proc/sys/kernel/msgmax 2>/dev/null || skip "cannot set msgmax here"
}

# Waits for background job $1 and sets $status to its exit status.
wait_status() {
	status=0
	wait "$1" || status=$?
}
