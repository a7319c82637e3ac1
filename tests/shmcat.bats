#!/usr/bin/env bats
# shmcat: read, write (all or nothing) and stat System V and POSIX shared memory.

load helpers
load shmcat_helpers

K=0x5c000001
K2=0x5c000002

setup() {
	ib_setup
	shmcat_cleanup
	BG_PID=
	SMALL_SHM=
}

teardown() {
	if [ -n "${SMALL_SHM:-}" ]; then
		umount /dev/shm
	fi
	if [ -n "${BG_PID:-}" ]; then
		kill "$BG_PID" 2>/dev/null || :
		wait "$BG_PID" 2>/dev/null || :
	fi
	shmcat_cleanup
}

@test "shmcat --help and --version" {
	run "$IPCBOX" shmcat --help
	assert_status 0
	assert_contains "$output" "Usage: shmcat OBJECT [-o OFFSET] [-L LENGTH]"
	run "$IPCBOX" shmcat --version
	assert_status 0
	assert_contains "$output" "shmcat (ipcbox)"
}

@test "-c -s creates a System V segment of zeros with the exact mode, and prints nothing" {
	umask 077
	run --separate-stderr "$IPCBOX" shmcat -k $K -c -s 4K -m 0640
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(awk -v k=$((K)) '$1 == k { print $3, $4 }' /proc/sysvipc/shm)" "640 4096"
	assert_eq "$(shmcat_sum -k $K)" "$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1)"
	# -c on an existing segment opens it (its size stays); -x refuses it.
	run --separate-stderr "$IPCBOX" shmcat -k $K -c -s 8K
	assert_status 0
	run --separate-stderr "$IPCBOX" shmcat -k $K -c -x -s 4K
	assert_status 1
	assert_eq "$stderr" "shmcat: create shared memory segment key 0x5c000001: File exists"
	run --separate-stderr "$IPCBOX" shmcat -k $K -c -s 4K -m u=rw,g=r,o=r -x
	assert_status 1
}

@test "-w fills the segment at OFFSET; -o and -L read parts of it" {
	"$IPCBOX" shmcat -k $K -c -s 16
	printf 'hello' | "$IPCBOX" shmcat -k $K -w
	printf 'XY' | "$IPCBOX" shmcat -k $K -w -o 10
	run --separate-stderr bash -c '"$1" shmcat -k $2 | xxd -p' _ "$IPCBOX" $K
	assert_status 0
	assert_eq "$output" "68656c6c6f0000000000585900000000"
	run --separate-stderr "$IPCBOX" shmcat -k $K -o 1 -L 4
	assert_eq "$output" "ello"
	run --separate-stderr "$IPCBOX" shmcat -k $K --offset=10 --length=2
	assert_eq "$output" "XY"
	# Reading up to the very end, and an empty read at the end, are fine.
	run --separate-stderr bash -c '"$1" shmcat -k $2 -o 12 | wc -c' _ "$IPCBOX" $K
	assert_eq "$output" "4"
	run --separate-stderr bash -c '"$1" shmcat -k $2 -o 16 | wc -c' _ "$IPCBOX" $K
	assert_status 0
	assert_eq "$output" "0"
	# Sizes take suffixes.
	"$IPCBOX" shmcat -k $K2 -c -s 1KiB
	run --separate-stderr bash -c '"$1" shmcat -k $2 -o 1K | wc -c' _ "$IPCBOX" $K2
	assert_eq "$output" "0"
	# Offsets, lengths and sizes take 0x hex, as xxd prints offsets; options may
	# be abbreviated and come in any order.
	printf 'AB' | "$IPCBOX" shmcat -w --off=0xe -k $K
	run --separate-stderr "$IPCBOX" shmcat --len 0x2 -k $K -o 0xa
	assert_eq "$output" "XY"
	run --separate-stderr bash -c '"$1" shmcat -k $2 -o 0x3fe | xxd -p' _ "$IPCBOX" $K2
	assert_eq "$output" "0000"
	run --separate-stderr bash -c '"$1" shmcat -k $2 | xxd -p' _ "$IPCBOX" $K
	assert_eq "$output" "68656c6c6f0000000000585900004142"
}

@test "-w with -c creates and fills in one go; -L bounds the window -w may fill" {
	printf 'abc' | "$IPCBOX" shmcat -k $K -c -s 8 -w -o 2
	assert_eq "$("$IPCBOX" shmcat -k $K | xxd -p)" "0000616263000000"
	printf 'zz' | "$IPCBOX" shmcat -k $K -w -o 6 -L 2
	assert_eq "$("$IPCBOX" shmcat -k $K | xxd -p)" "0000616263007a7a"
	run --separate-stderr bash -c 'printf 123 | "$1" shmcat -k $2 -w -L 2' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$stderr" "shmcat: write to key 0x5c000001: standard input does not fit in the 2 bytes from offset 0; segment left unchanged"
	assert_eq "$("$IPCBOX" shmcat -k $K | xxd -p)" "0000616263007a7a"
}

@test "several MiB round-trip through a pipe and through a regular file" {
	head -c 3000000 /dev/urandom >data
	"$IPCBOX" shmcat -k $K -c -s 3000000
	cat data | "$IPCBOX" shmcat -k $K -w
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <data | cut -d' ' -f1)"
	head -c 3000000 /dev/urandom >data2
	"$IPCBOX" shmcat -k $K -w <data2
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <data2 | cut -d' ' -f1)"
	# Shorter input changes only its own bytes.
	printf 'head' | "$IPCBOX" shmcat -k $K -w
	assert_eq "$("$IPCBOX" shmcat -k $K -o 4 | sha256sum)" "$(tail -c +5 data2 | sha256sum)"
}

@test "segments past 4 MiB (a helper thread works ahead): round trip, overflow, offsets" {
	head -c 12000000 /dev/urandom >data
	"$IPCBOX" shmcat -k $K -c -s 12000000
	cat data | "$IPCBOX" shmcat -k $K -w
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <data | cut -d' ' -f1)"
	run --separate-stderr bash -c 'head -c 12000001 /dev/zero | "$1" shmcat -k $2 -w' _ "$IPCBOX" $K
	assert_status 1
	assert_contains "$stderr" "segment left unchanged"
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <data | cut -d' ' -f1)"
	head -c 7000000 /dev/zero | "$IPCBOX" shmcat -k $K -w -o 5000000
	assert_eq "$("$IPCBOX" shmcat -k $K -L 5000000 | sha256sum)" "$(head -c 5000000 data | sha256sum)"
	assert_eq "$("$IPCBOX" shmcat -k $K -o 5000000 | sha256sum)" "$(head -c 7000000 /dev/zero | sha256sum)"
	"$IPCBOX" shmcat -k $K -w <data
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <data | cut -d' ' -f1)"
}

@test "-w input that overflows leaves the segment unchanged: pipe, regular file, fresh segment" {
	head -c 2000000 /dev/urandom >old
	"$IPCBOX" shmcat -k $K -c -s 2000000 -w <old
	local before
	before=$(shmcat_sum -k $K)
	# From a pipe: more than a MiB goes into the segment before the overflow shows.
	run --separate-stderr bash -c 'head -c 2000001 /dev/zero | "$1" shmcat -k $2 -w' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$stderr" "shmcat: write to key 0x5c000001: standard input does not fit in the 2000000 bytes from offset 0; segment left unchanged"
	assert_eq "$(shmcat_sum -k $K)" "$before"
	run --separate-stderr bash -c 'head -c 1999999 /dev/zero | "$1" shmcat -k $2 -w -o 2' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$(shmcat_sum -k $K)" "$before"
	# From a regular file: its size is known, so nothing is even read.
	head -c 2000001 /dev/zero >big
	run --separate-stderr "$IPCBOX" shmcat -k $K -w <big
	assert_status 1
	assert_eq "$stderr" "shmcat: write to key 0x5c000001: standard input is 2000001 bytes, more than the 2000000 from offset 0 to the end; segment left unchanged"
	assert_eq "$(shmcat_sum -k $K)" "$before"
	# A segment this run creates stays all zeros.
	run --separate-stderr bash -c 'head -c 5000 /dev/urandom | "$1" shmcat -k $2 -c -s 4096 -w' _ "$IPCBOX" $K2
	assert_status 1
	assert_eq "$(shmcat_sum -k $K2)" "$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1)"
}

@test "a signal while -w waits for input puts the old bytes back" {
	head -c 3000000 /dev/urandom >old
	"$IPCBOX" shmcat -k $K -c -s 3000000 -w <old
	local before
	before=$(shmcat_sum -k $K)
	mkfifo in
	"$IPCBOX" shmcat -k $K -w <in 3>&- &
	local pid=$!
	exec 7>in
	head -c 1500000 /dev/zero >&7
	# Wait (bounded, no sleep) until shmcat has put those bytes into the segment.
	local tries=0
	until [ "$("$IPCBOX" shmcat -k $K -o 1499999 -L 1 | xxd -p)" = 00 ]; do
		tries=$((tries + 1))
		[ $tries -lt 100000 ] || { echo "shmcat never wrote" >&2; return 1; }
	done
	kill -TERM $pid
	local rc=0
	wait $pid || rc=$?
	exec 7>&-
	assert_eq "$rc" 143
	assert_eq "$(shmcat_sum -k $K)" "$before"
}

@test "-w under nohup (SIGHUP ignored) finishes when HUP arrives: all written, exit 0" {
	head -c 200000 /dev/urandom >new
	"$IPCBOX" shmcat -k $K -c -s 200000
	mkfifo in
	nohup "$IPCBOX" shmcat -k $K -w <in >/dev/null 2>err 3>&- &
	local pid=$!
	exec 7>in
	head -c 100000 new >&7
	# Wait (bounded, no sleep) until shmcat has put those bytes into the segment.
	local tries=0
	until "$IPCBOX" shmcat -k $K -L 100000 | cmp -s - <(head -c 100000 new); do
		tries=$((tries + 1))
		[ $tries -lt 10000 ] || { echo "shmcat never wrote" >&2; return 1; }
	done
	kill -HUP $pid
	tail -c +100001 new >&7
	exec 7>&-
	local rc=0
	wait $pid || rc=$?
	assert_eq "$rc" 0
	assert_eq "$(cat err)" ""
	assert_eq "$(shmcat_sum -k $K)" "$(sha256sum <new | cut -d' ' -f1)"
}

@test "-w completed: a signal held off during the copy does not turn it into 128+N" {
	need_cmd strace
	head -c 3000000 /dev/urandom >new
	for obj in "-k $K" "-P /shmcatS"; do
		"$IPCBOX" shmcat $obj -c -s 3000000
		# SIGTERM at the first read of a regular file: it waits until the copy is done
		local n
		n=$(first_stdin_read "$IPCBOX" shmcat $obj -w <new)
		[ -n "$n" ]
		# (LeakSanitizer cannot work under ptrace)
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 run --separate-stderr \
			strace -f -qq -o /dev/null -e inject=read:signal=TERM:when=$n \
			"$IPCBOX" shmcat $obj -w <new
		assert_status 0
		assert_eq "$stderr" ""
		assert_eq "$(shmcat_sum $obj)" "$(sha256sum <new | cut -d' ' -f1)"
	done
}

@test "POSIX -w on a full /dev/shm: ENOSPC, segment unchanged, no SIGBUS (file, pipe, -c)" {
	small_dev_shm /shmcatF 4194304 1m
	head -c 2000000 /dev/urandom >in
	run --separate-stderr "$IPCBOX" shmcat -P /shmcatF -w <in
	assert_status 1
	assert_eq "$stderr" "shmcat: write to /shmcatF: reserve memory for the input: No space left on device; segment left unchanged"
	cmp /dev/shm/shmcatF <(head -c 4194304 /dev/zero)
	run --separate-stderr bash -c 'cat in | "$0" shmcat -P /shmcatF -w' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "shmcat: write to /shmcatF: reserve memory for the input: No space left on device; segment left unchanged"
	cmp /dev/shm/shmcatF <(head -c 4194304 /dev/zero)
	rm /dev/shm/shmcatF
	run --separate-stderr bash -c 'cat in | "$0" shmcat -P /shmcatF -c -s 4M -w' "$IPCBOX"
	assert_status 1
	assert_contains "$stderr" "No space left on device; segment left unchanged"
	cmp /dev/shm/shmcatF <(head -c 4194304 /dev/zero)
	# what fits still goes in, from a pipe too
	head -c 300000 /dev/urandom >in
	run --separate-stderr bash -c 'cat in | "$0" shmcat -P /shmcatF -w' "$IPCBOX"
	assert_status 0
	cmp -n 300000 /dev/shm/shmcatF in
}

@test "POSIX -w: a segment truncated mid-write by another process: no SIGBUS, says so, puts back the rest" {
	head -c 8388608 /dev/urandom >old
	"$IPCBOX" shmcat -P /shmcatT -c -s 8M -w <old
	mkfifo in
	"$IPCBOX" shmcat -P /shmcatT -w <in 2>err 3>&- &
	local pid=$!
	exec 7>in
	head -c 3000000 /dev/zero >&7
	local tries=0
	until [ "$(od -An -tx1 -j 2999999 -N1 /dev/shm/shmcatT | tr -d ' ')" = 00 ]; do
		tries=$((tries + 1))
		[ $tries -lt 100000 ] || { echo "shmcat never wrote" >&2; return 1; }
	done
	truncate -s 1M /dev/shm/shmcatT
	head -c 3000000 /dev/zero >&7 2>/dev/null || :
	exec 7>&-
	local rc=0
	wait $pid || rc=$?
	assert_eq "$rc" 1
	assert_eq "$(cat err)" "shmcat: write to /shmcatT: another process truncated the segment to 1048576 bytes while it was written; segment left unchanged"
	cmp /dev/shm/shmcatT <(head -c 1048576 old)
}

@test "POSIX -w against a truncating adversary: never a signal, status and message agree" {
	head -c 6000000 /dev/urandom >in
	"$IPCBOX" shmcat -P /shmcatA -c -s 6000000
	truncate_loop shmcatA 4096 6000000 1000000 &
	local adv=$! i
	for i in $(seq 20); do
		for src in file pipe; do
			if [ $src = file ]; then
				run --separate-stderr "$IPCBOX" shmcat -P /shmcatA -w <in
			else
				run --separate-stderr bash -c 'cat in | "$0" shmcat -P /shmcatA -w' "$IPCBOX"
			fi
			case $status in
			0) assert_eq "$stderr" "" ;;
			1) [[ $stderr =~ ^"shmcat: write to /shmcatA: "[^$'\n']*"; "("segment left unchanged"|"the segment WAS CHANGED (partly written)")$ ]] ||
				{ echo "status 1 with: $stderr" >&2; return 1; } ;;
			*) echo "shmcat ended with status $status: $stderr" >&2; return 1 ;;
			esac
		done
	done
	touch stop
	wait $adv
}

@test "-i and -f select System V segments too" {
	"$IPCBOX" shmcat -k $K -c -s 8
	printf 'by id' | "$IPCBOX" shmcat -i "$(shm_id_of $K)" -w
	run --separate-stderr "$IPCBOX" shmcat -i "$(shm_id_of $K)" -L 5
	assert_eq "$output" "by id"
	: >keyfile
	printf 'ftok' | "$IPCBOX" shmcat -f keyfile:7 -c -s 4 -w
	run --separate-stderr "$IPCBOX" shmcat --ftok keyfile:7
	assert_eq "$output" "ftok"
	"$IPCBOX" shmcat -f keyfile:7 --stat >/dev/null
	/usr/bin/ipcrm -M "$("$IPCBOX" shmcat -f keyfile:7 --stat --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["key"])')"
}

@test "a missing segment: key, id, POSIX name" {
	run --separate-stderr "$IPCBOX" shmcat -k 0x5c0000ff
	assert_status 1
	assert_eq "$stderr" "shmcat: no shared memory segment with key 0x5c0000ff"
	run --separate-stderr "$IPCBOX" shmcat -i 2147483647
	assert_status 1
	assert_eq "$stderr" "shmcat: no shared memory segment with id 2147483647"
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-none --stat
	assert_status 1
	assert_eq "$stderr" "shmcat: no shared memory segment named /shmcat-none"
	run --separate-stderr "$IPCBOX" shmcat -k 0x5c0000ff -w </dev/null
	assert_status 1
}

@test "offset or length past the end is an error" {
	"$IPCBOX" shmcat -k $K -c -s 100
	run --separate-stderr "$IPCBOX" shmcat -k $K -o 101
	assert_status 1
	assert_eq "$stderr" "shmcat: offset 101 is past the end of key 0x5c000001 (100 bytes)"
	assert_eq "$output" ""
	run --separate-stderr "$IPCBOX" shmcat -k $K -o 50 -L 51
	assert_status 1
	assert_eq "$stderr" "shmcat: offset 50 plus length 51 is past the end of key 0x5c000001 (100 bytes)"
	assert_eq "$output" ""
	# A length that reaches exactly to the end is fine, reading and writing.
	run --separate-stderr bash -c '"$1" shmcat -k $2 -o 50 -L 50 | wc -c' _ "$IPCBOX" $K
	assert_status 0
	assert_eq "$output" 50
	printf 0123456789 | "$IPCBOX" shmcat -k $K -w -o 90 -L 10
	assert_eq "$("$IPCBOX" shmcat -k $K -o 90)" 0123456789
	run --separate-stderr "$IPCBOX" shmcat -k $K -w -o 200 </dev/null
	assert_status 1
	assert_eq "$stderr" "shmcat: offset 200 is past the end of key 0x5c000001 (100 bytes)"
	run --separate-stderr "$IPCBOX" shmcat -k $K -L 18446744073709551615
	assert_status 2
}

@test "usage errors exit 2" {
	local -a cases=(
		"|no object given: use -k KEY, -i ID, -f PATH or -P /NAME"
		"-k 1 -c|-c needs -s SIZE"
		"-k 1 -s 4K|-s needs -c"
		"-k 1 --json|--json needs --stat"
		"-k 1 --stat -w|--stat and --write exclude each other"
		"-k 1 --stat -o 1|--stat and --offset exclude each other"
		"-k 1 -L 1 --stat|--length and --stat exclude each other"
		"-k 1 -c -s 4K -o 1|with -c, -o and -L need -w"
		"-k 1 -c -s 0|invalid --size '0': expected a size like 4096, 0x1000, 64K or 1MiB, at least 1"
		"-k 1 -c -s 4X|invalid --size '4X': expected a size like 4096, 0x1000, 64K or 1MiB"
		"-k 1 -o -1|invalid --offset '-1': expected a size like 4096, 0x1000, 64K or 1MiB"
		"-k 1 -L abc|invalid --length 'abc': expected a size like 4096, 0x1000, 64K or 1MiB"
		"-k 1 -o 0x|invalid --offset '0x': expected a size like 4096, 0x1000, 64K or 1MiB"
		"-k 1 extra|unexpected argument 'extra'"
		"-k 1 -x|-x needs -c"
		"-k 1 -m 600|-m needs -c"
		"-k 1 -i 2|only one of -k, -i, -f and -P may select the object"
		"-P noslash|invalid --posix 'noslash': expected a POSIX name like /NAME (it must start with '/')"
		"-k 1 --bogus|unrecognized option"
	)
	local c
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$IPCBOX" shmcat ${c%%|*}
		assert_status 2 || { echo "for: ${c%%|*}" >&2; return 1; }
		assert_contains "$stderr" "${c#*|}" || { echo "for: ${c%%|*}" >&2; return 1; }
		assert_contains "$stderr" "Try 'shmcat --help' for more information."
	done
}

@test "as nobody: read permission is enough to read; -w needs write permission" {
	need_drop
	printf 'public' | "$IPCBOX" shmcat -k $K -c -s 6 -m 0604 -w
	run --separate-stderr as_nobody "$IPCBOX" shmcat -k $K
	assert_status 0
	assert_eq "$output" "public"
	run --separate-stderr as_nobody "$IPCBOX" shmcat -i "$(shm_id_of $K)"
	assert_status 0
	assert_eq "$output" "public"
	run --separate-stderr bash -c 'printf x | setpriv --reuid=65534 --regid=65534 --clear-groups "$1" shmcat -k $2 -w' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$stderr" "shmcat: open shared memory segment key 0x5c000001: Permission denied"
	run --separate-stderr bash -c 'printf x | setpriv --reuid=65534 --regid=65534 --clear-groups "$1" shmcat -i $2 -w' _ "$IPCBOX" "$(shm_id_of $K)"
	assert_status 1
	assert_eq "$stderr" "shmcat: attach shared memory segment id $(shm_id_of $K): Permission denied"
	assert_eq "$("$IPCBOX" shmcat -k $K)" "public"
	# No permission at all: reading fails, --stat still works.
	"$IPCBOX" shmcat -k $K2 -c -s 10 -m 0600
	run --separate-stderr as_nobody "$IPCBOX" shmcat -k $K2
	assert_status 1
	assert_eq "$stderr" "shmcat: open shared memory segment key 0x5c000002: Permission denied"
	run --separate-stderr as_nobody "$IPCBOX" shmcat -k $K2 --stat --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(d["size"], d["mode"])')" "10 0600"
}

@test "as nobody: POSIX read-only objects read, refuse -w" {
	need_drop
	printf 'psx' | "$IPCBOX" shmcat -P /shmcat-ro -c -s 3 -m 0644 -w
	run --separate-stderr as_nobody "$IPCBOX" shmcat -P /shmcat-ro
	assert_status 0
	assert_eq "$output" "psx"
	run --separate-stderr bash -c 'printf x | setpriv --reuid=65534 --regid=65534 --clear-groups "$1" shmcat -P /shmcat-ro -w' _ "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "shmcat: open shared memory segment /shmcat-ro: Permission denied"
	"$IPCBOX" shmcat -P /shmcat-private -c -s 3 -m 0600
	run --separate-stderr as_nobody "$IPCBOX" shmcat -P /shmcat-private --stat
	assert_status 0
	assert_contains "$output" "mode:         0600"
}

@test "a full disk or a closed pipe on stdout fails loudly" {
	"$IPCBOX" shmcat -k $K -c -s 1M
	run --separate-stderr bash -c '"$1" shmcat -k $2 >/dev/full' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$stderr" "shmcat: write to standard output after 0 of 1048576 bytes: No space left on device"
	run_to_closed_pipe "$IPCBOX" shmcat -k $K
	assert_status 1
	assert_eq "$stderr" "shmcat: write to standard output after 0 of 1048576 bytes: Broken pipe"
	run --separate-stderr bash -c '"$1" shmcat -k $2 --stat >/dev/full' _ "$IPCBOX" $K
	assert_status 1
	assert_eq "$stderr" "shmcat: write error: No space left on device"
}

@test "a segment marked for removal but still attached is read and stat'ed by id" {
	printf 'still here' | "$IPCBOX" shmcat -k $K -c -s 10 -w
	local id
	id=$(shm_id_of $K)
	hold_attached $K
	/usr/bin/ipcrm -m "$id"
	run --separate-stderr "$IPCBOX" shmcat -i "$id"
	assert_status 0
	assert_eq "$output" "still here"
	run --separate-stderr "$IPCBOX" shmcat -i "$id" --stat
	assert_status 0
	assert_contains "$output" "status:       marked for removal"
	assert_contains "$output" "key:          0x00000000"
	run --separate-stderr "$IPCBOX" shmcat -i "$id" --stat --json
	assert_eq "$(printf '%s' "$output" | "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(d["dest"], d["nattch"], d["id"], d["key"])')" "True 1 $id 0x00000000"
	printf 'changed' | "$IPCBOX" shmcat -i "$id" -w
	assert_eq "$("$IPCBOX" shmcat -i "$id")" "changedere"
	run --separate-stderr "$IPCBOX" shmcat -k $K
	assert_status 1
	# Once the last process detaches, it is gone.
	kill "$BG_PID"
	wait "$BG_PID" || :
	BG_PID=
	run --separate-stderr "$IPCBOX" shmcat -i "$id"
	assert_status 1
	assert_eq "$stderr" "shmcat: no shared memory segment with id $id"
}

@test "POSIX: -P creates with the exact mode despite the umask, writes, reads" {
	umask 077
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-a -c -s 64K -m 0640
	assert_status 0
	assert_eq "$(stat -c '%a %s' /dev/shm/shmcat-a)" "640 65536"
	head -c 65536 /dev/urandom >data
	cat data | "$IPCBOX" shmcat -P /shmcat-a -w
	cmp data /dev/shm/shmcat-a
	assert_eq "$(shmcat_sum -P /shmcat-a)" "$(sha256sum <data | cut -d' ' -f1)"
	printf 'Z' | "$IPCBOX" shmcat --posix /shmcat-a -w -o 65535
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-a -o 65535
	assert_eq "$output" "Z"
	run --separate-stderr bash -c 'head -c 2 /dev/zero | "$1" shmcat -P /shmcat-a -w -o 65535' _ "$IPCBOX"
	assert_status 1
	assert_contains "$stderr" "segment left unchanged"
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-a -o 65535
	assert_eq "$output" "Z"
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-a -c -x -s 1
	assert_status 1
	assert_eq "$stderr" "shmcat: create shared memory segment /shmcat-a: File exists"
	# An object of size 0 (made by someone else) reads as nothing.
	: >/dev/shm/shmcat-empty
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-empty
	assert_status 0
	assert_eq "$output" ""
	printf '' | "$IPCBOX" shmcat -P /shmcat-empty -w
	run --separate-stderr bash -c 'printf x | "$1" shmcat -P /shmcat-empty -w' _ "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "shmcat: write to /shmcat-empty: standard input does not fit in the 0 bytes from offset 0; segment left unchanged"
}

@test "--stat prints the System V status as text" {
	"$IPCBOX" shmcat -k $K -c -s 123 -m 0640
	run --separate-stderr "$IPCBOX" shmcat -k $K --stat
	assert_status 0
	local id
	id=$(shm_id_of $K)
	local want
	want=$(printf '%s\n' "key:          0x5c000001" "id:           $id" "size:         123" \
		"owner:        user root (0), group root (0)" \
		"creator:      user root (0), group root (0)" "mode:         0640" \
		"status:       -" "attaches:     0")
	assert_eq "$(printf '%s\n' "$output" | head -8)" "$want"
	assert_contains "$output" "last attach:  never"
	assert_contains "$output" "last detach:  never"
	assert_contains "$output" "creator pid:  "
	"$IPCBOX" shmcat -k $K >/dev/null
	run --separate-stderr "$IPCBOX" shmcat -k $K --stat
	[[ $output != *"last attach:  never"* ]]
}

@test "--stat --json prints one JSON document, System V and POSIX, as ipcs --json does" {
	"$IPCBOX" shmcat -k $K -c -s 4K -m 0600
	run --separate-stderr "$IPCBOX" shmcat -k $K --stat --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(d["key"], d["size"], d["perms"], d["owner"], d["creator"], d["dest"], d["nattch"], d["attach_time"], d["change_time"] > 0, sorted(d))')" \
		"0x5c000001 4096 0600 root root False 0 None True ['attach_time', 'cgid', 'cgroup', 'change_time', 'cpid', 'creator', 'cuid', 'dest', 'detach_time', 'gid', 'group', 'id', 'key', 'locked', 'lpid', 'mode', 'nattch', 'owner', 'perms', 'size', 'uid']"
	# The same object as in ipcs --json (less rss and swap, which only /proc gives).
	assert_eq "$(printf '%s' "$output" | "$PY" -c 'import json, sys; d = json.load(sys.stdin); d.pop("lpid"); print(sorted(d.items()))')" \
		"$("$IPCBOX" ipcs -m --json | "$PY" -c '
import json, sys
d = [s for s in json.load(sys.stdin)["sharedmemory"] if s["key"] == "0x5c000001"][0]
for k in ("rss", "swap", "lpid"):
    d.pop(k, None)
print(sorted(d.items()))')"
	"$IPCBOX" shmcat -P /shmcat-j -c -s 10 -m 0644
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-j --stat --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(d["name"], d["size"], d["perms"], d["owner"], sorted(d))')" \
		"/shmcat-j 10 0644 root ['ctime', 'gid', 'group', 'mtime', 'name', 'owner', 'perms', 'size', 'uid']"
	run --separate-stderr "$IPCBOX" shmcat -P /shmcat-j --stat
	assert_contains "$output" "name:         /shmcat-j"
	assert_contains "$output" "size:         10"
}

@test "--json escapes any name into valid JSON" {
	local name
	name=$(printf '/shmcat-"q\\\t\x01\xff\xc3\xa9')
	"$IPCBOX" shmcat -P "$name" -c -s 1
	run --separate-stderr "$IPCBOX" shmcat -P "$name" --stat --json
	assert_status 0
	assert_eq "$(printf '%s' "$output" | "$PY" -c 'import json, sys; print(ascii(json.load(sys.stdin)["name"]))')" \
		"'/shmcat-\"q\\\\\\t\\x01\\ufffd\\xe9'"
}

@test "-w puts the old bytes back on SIGPIPE, SIGUSR1 and SIGALRM too" {
	# Any signal that would end shmcat mid-copy must not leave the segment half written.
	head -c 300000 /dev/urandom >old
	"$IPCBOX" shmcat -k $K -c -s 300000 -w <old
	local before sig rc tries pid
	before=$(shmcat_sum -k $K)
	for sig in PIPE USR1 ALRM; do
		mkfifo in
		"$IPCBOX" shmcat -k $K -w <in 3>&- &
		pid=$!
		exec 7>in
		rm in
		head -c 150000 /dev/zero >&7
		# Wait (bounded, no sleep) until shmcat has put those bytes into the segment.
		tries=0
		until [ "$("$IPCBOX" shmcat -k $K -o 149999 -L 1 | xxd -p)" = 00 ]; do
			tries=$((tries + 1))
			[ $tries -lt 100000 ] || { echo "shmcat never wrote" >&2; return 1; }
		done
		kill -$sig $pid
		rc=0
		wait $pid || rc=$?
		exec 7>&-
		assert_eq "$sig $rc" "$sig $((128 + $(kill -l $sig)))"
		assert_eq "$(shmcat_sum -k $K)" "$before"
	done
}
