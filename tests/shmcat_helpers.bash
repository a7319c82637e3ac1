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

# The number N of the first read(2) from fd 0 among the read(2) calls of "$@", for
# strace's -e inject=read:...:when=N (the dynamic loader reads before main does).
first_stdin_read() {
	strace -f -qq -e trace=read -o reads "$@" >/dev/null 2>&1 || :
	awk '/read\(0,/ { print NR; exit }' reads
}

# A POSIX object of SIZE bytes ($2) named $1 on a tmpfs of FS bytes ($3) mounted over
# /dev/shm in this test's mount namespace: a file system too small to fill it.
small_dev_shm() { # NAME SIZE FS
	mount -t tmpfs -o size="$3" tmpfs /dev/shm || skip "cannot mount a tmpfs on /dev/shm"
	SMALL_SHM=1
	"$IPCBOX" shmcat -P "$1" -c -s "$2"
}

# Truncates /dev/shm/$1 to $2 bytes and back to $3, over and over, until the file
# "stop" exists (at most $4 rounds): the adversary of a writing shmcat.
truncate_loop() { # NAME SMALL FULL ROUNDS
	"$PY" -c '
import os, sys
path, small, full, rounds = "/dev/shm/" + sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fd = os.open(path, os.O_RDWR)
for i in range(rounds):
    if os.path.exists("stop"):
        break
    os.ftruncate(fd, small)
    os.ftruncate(fd, full)
' "$@"
}
