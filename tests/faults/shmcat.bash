# shmcat: -w is all or nothing. Afterwards the segment holds either its old bytes
# or the input at the offset (nothing else), and the status says which: 0 written,
# 1 (one line) or 128+N (the injected signal) unchanged. Reading (no -w) never
# changes the segment, and stdout is the segment's bytes (exit 0) or a prefix of
# them (exit 1, one line). A segment -c made has the size asked for.

# 256 KiB of old bytes, and 200 KiB of input that goes in at offset 4096.
shm_prepare() {
	head -c 262144 /dev/zero | tr '\0' o >old
	seq -w 1 40000 | head -c 204800 >input
	{ head -c 4096 old; cat input; tail -c +$((4096 + 204800 + 1)) old; } >new
}

# Puts the segment's bytes in file $1 ("none" if there is no such segment).
sysv_segment() {
	"$IPCBOX" shmcat -k "$2" >"$1" 2>/dev/null || echo none >"$1"
}

# True if the segment (file $1) holds the input with one byte added, at 4096, and
# the old bytes (file $2) elsewhere.
short_read_written() {
	tail -c +4097 "$1" | head -c 204801 >region
	same_bytes region "$IN/input" &&
		cmp -s <(head -c 4096 "$1"; tail -c +$((4096 + 204801 + 1)) "$1") \
			<(head -c 4096 "$2"; tail -c +$((4096 + 204801 + 1)) "$2")
}

# Compares the segment's bytes (file $1) with the old and the new bytes and the
# exit status. $2 is the old content's file.
check_segment() {
	local now=$1 old=$2 state
	if cmp -s "$now" "$IN/new"; then
		state=written
	elif [ "$FAULT:$SYSCALL" = retval=1:read ] && short_read_written "$now" "$old"; then
		state=written # the input strace lengthened by a stale byte went in
	elif cmp -s "$now" "$old"; then
		state=unchanged
	else
		broke "the segment is neither unchanged nor fully written ($(cmp "$now" "$IN/new" 2>&1 | head -1))"
		return
	fi
	case $STATUS in
	0) [ $state = written ] || broke "exit 0 but the segment is unchanged" ;;
	1)
		one_line
		[ $state = unchanged ] || broke "exit 1 but the segment was written"
		;;
	*) [ "$STATUS" -le 128 ] || [ $state = unchanged ] ||
		broke "exit $STATUS (signal) but the segment was completely written" ;;
	esac
}

# --- System V segment, input through a pipe
shmcat_sysv_pipe_prepare() { shm_prepare; }
shmcat_sysv_pipe_setup() {
	"$IPCBOX" shmcat -k 0x5a1 -c -s 256K -w <"$IN/old" || broke "setup failed"
}
shmcat_sysv_pipe_run() {
	traced "$IPCBOX" shmcat -k 0x5a1 -w -o 4096 < <(cat "$IN/input") >out 2>err
	STATUS=$?
	wait $! 2>/dev/null # the cat feeding it
}
shmcat_sysv_pipe_check() {
	sysv_segment now 0x5a1
	check_segment now "$IN/old"
}
scenario shmcat shmcat_sysv_pipe "read shmat ppoll madvise mmap" \
	"a 256 KiB System V segment: cat input(200 KiB) | shmcat -k 0x5a1 -w -o 4096"

# --- System V segment, input a regular file
shmcat_sysv_file_prepare() { shm_prepare; }
shmcat_sysv_file_setup() { shmcat_sysv_pipe_setup; }
shmcat_sysv_file_run() {
	traced "$IPCBOX" shmcat -k 0x5a1 -w -o 4096 <"$IN/input" >out 2>err
	STATUS=$?
}
shmcat_sysv_file_check() { shmcat_sysv_pipe_check; }
scenario shmcat shmcat_sysv_file "read shmat" \
	"a 256 KiB System V segment: shmcat -k 0x5a1 -w -o 4096 <input(200 KiB file)"

# --- POSIX segment, input through a pipe
shmcat_posix_pipe_prepare() { shm_prepare; }
shmcat_posix_pipe_setup() {
	"$IPCBOX" shmcat -P /fs -c -s 256K -w <"$IN/old" || broke "setup failed"
}
shmcat_posix_pipe_run() {
	traced "$IPCBOX" shmcat -P /fs -w -o 4096 < <(cat "$IN/input") >out 2>err
	STATUS=$?
	wait $! 2>/dev/null # the cat feeding it
}
shmcat_posix_pipe_check() {
	check_segment /dev/shm/fs "$IN/old"
}
scenario shmcat shmcat_posix_pipe "read openat mmap ppoll madvise" \
	"a 256 KiB POSIX segment: cat input(200 KiB) | shmcat -P /fs -w -o 4096"

# --- POSIX segment that this run creates, input through a pipe
shmcat_posix_create_prepare() {
	shm_prepare
	head -c 262144 /dev/zero >zeros
	{ head -c 4096 zeros; cat input; tail -c +$((4096 + 204800 + 1)) zeros; } >new
}
shmcat_posix_create_setup() { :; }
shmcat_posix_create_run() {
	traced "$IPCBOX" shmcat -P /fc -c -s 256K -w -o 4096 < <(cat "$IN/input") >out 2>err
	STATUS=$?
	wait $! 2>/dev/null # the cat feeding it
}
shmcat_posix_create_check() {
	if [ -e /dev/shm/fc ]; then
		check_segment /dev/shm/fc "$IN/zeros"
	else
		[ "$STATUS" != 0 ] || broke "exit 0 but no segment"
	fi
}
scenario shmcat shmcat_posix_create "read openat ftruncate fallocate mmap ppoll" \
	"no segment yet: cat input(200 KiB) | shmcat -P /fc -c -s 256K -w -o 4096"

# --- reading a System V segment to stdout
shmcat_sysv_read_prepare() { shm_prepare; }
shmcat_sysv_read_setup() { shmcat_sysv_pipe_setup; }
shmcat_sysv_read_run() {
	traced "$IPCBOX" shmcat -k 0x5a1 >out 2>err
	STATUS=$?
}
shmcat_sysv_read_check() {
	sysv_segment now 0x5a1
	cmp -s now "$IN/old" || broke "reading changed the segment"
	case $STATUS in
	0) same_bytes out "$IN/old" || broke "exit 0 but stdout is not the segment" ;;
	*)
		[ "$STATUS" -gt 128 ] || one_line
		cmp -s out <(head -c "$(stat -c %s out)" "$IN/old") ||
			[ "$FAULT" = retval=1 ] || broke "stdout is not a prefix of the segment"
		;;
	esac
}
scenario shmcat shmcat_sysv_read "write shmat" \
	"a 256 KiB System V segment: shmcat -k 0x5a1 >file"
