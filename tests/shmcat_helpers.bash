# Helpers for tests/shmcat.bats.

# Checksum of a segment's bytes, read by shmcat itself: shmcat_sum OBJECT-OPTIONS...
shmcat_sum() {
	"$IPCBOX" shmcat "$@" | sha256sum | cut -d' ' -f1
}

# The id of the System V segment with key $1, from /proc/sysvipc/shm.
shm_id_of() {
	awk -v k="$(($1))" 'NR > 1 && $1 == k { print $2 }' /proc/sysvipc/shm
}

# Starts a process that keeps the segment with key $1 attached until killed; waits
# until it says so. BG_PID is its pid.
hold_attached() {
	need_sysv_ipc
	start_bg "$PY" -c '
import signal, sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 0))
print("attached", m.id, file=sys.stderr, flush=True)
signal.pause()
' "$1"
	expect_line '^attached '
}

# Runs "$@" with its stdout on a pipe whose reading end is already closed.
run_to_closed_pipe() {
	run --separate-stderr "$PY" -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
sys.stderr.write(p.stderr.decode())
sys.exit(p.returncode)
' "$@"
}

# Removes every System V segment with a key in 0x5c000000-0x5cffffff (this file's keys)
# and every POSIX object named /shmcat*, so tests start clean.
shmcat_cleanup() {
	local key id
	while read -r key id; do
		[ "$key" -ge $((0x5c000000)) ] && [ "$key" -le $((0x5cffffff)) ] &&
			/usr/bin/ipcrm -m "$id" 2>/dev/null
	done < <(awk 'NR > 1 { print $1, $2 }' /proc/sysvipc/shm)
	rm -f /dev/shm/shmcat*
}
