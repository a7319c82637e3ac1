#!/usr/bin/env bats
# Bad input, applet by applet: malformed keys, ids, modes, sizes, durations, addresses,
# too-long paths, missing objects, conflicting options, missing and extra operands.
# Every case must end within 10 s with the documented exit code, one line on stderr
# that starts with the applet's name (plus, for a usage error, an optional
# "Try '... --help'" line), no sanitizer report, nothing on stdout for a usage error,
# and no object or file left behind by a command that failed.

load helpers

setup() {
	ib_setup
	IO=$BATS_TEST_TMPDIR/io
	mkdir -p "$IO" "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	FAILS=
	AS=()
}

LONG300=$(printf 'n%.0s' {1..300})

# The IPC objects (and each queue's messages) and the files that exist now, in SNAP,
# to tell that a failed command made, removed or changed none. Builtins only: this
# runs twice per case.
snapshot() {
	local f a b c d e rest g
	SNAP=
	for f in /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem; do
		while read -r a b c d e rest; do
			[ "$f" = /proc/sysvipc/msg ] || e=
			SNAP+="$a $b $c $d $e;"
		done <"$f"
	done
	shopt -s nullglob dotglob
	g=(/dev/shm/* /dev/mqueue/* ./*)
	shopt -u nullglob dotglob
	SNAP+="${g[*]}"
}

# bad WANT APPLET ARG...: runs `ipcbox APPLET ARG...` with stdin from /dev/null
# (or from $STDIN if set). WANT is the exit code; prefixed with u (u2) it is a
# usage error: stdout must be empty as well. Problems are collected in FAILS;
# check_all reports them at the end, so one run shows every failing case.
bad() {
	local want=$1 usage=0 rc=0 problem= before lines
	shift
	case $want in u*) usage=1 want=${want#u} ;; esac
	snapshot
	before=$SNAP
	timeout 10 "${AS[@]}" "$IPCBOX" "$@" <"${STDIN:-/dev/null}" >"$IO/out" 2>"$IO/err" || rc=$?
	snapshot
	mapfile -t lines <"$IO/err"
	local err="${lines[*]}"
	if [ "$rc" = 124 ]; then
		problem+=" hung;"
	elif [ "$rc" != "$want" ]; then
		problem+=" exit $rc, want $want;"
	fi
	if [ ${#lines[@]} = 0 ]; then
		problem+=" nothing on stderr;"
	else
		case $err in
		*'runtime error'* | *AddressSanitizer* | *LeakSanitizer*) problem+=" sanitizer report;" ;;
		esac
		case ${lines[0]} in "$1: "*) ;; *) problem+=" stderr does not start with '$1: ';" ;; esac
		if [ ${#lines[@]} -gt 1 ] && ! { [ "$usage" = 1 ] && [ ${#lines[@]} = 2 ] &&
			[[ ${lines[1]} == "Try '"*" --help' for more information." ]]; }; then
			problem+=" ${#lines[@]} lines on stderr;"
		fi
	fi
	if [ "$usage" = 1 ] && [ -s "$IO/out" ]; then
		problem+=" stdout not empty;"
	fi
	if [ "$rc" != 0 ] && [ "$before" != "$SNAP" ]; then
		problem+=" changed objects or files: $before -> $SNAP;"
	fi
	if [ -n "$problem" ]; then
		FAILS+="$(printf '%q ' "$@")->${problem}
    stderr: ${err}
"
	fi
}

check_all() {
	if [ -n "${FAILS:-}" ]; then
		printf '%s' "$FAILS" >&2
		return 1
	fi
}

@test "ipcrm: bad ids, keys, names, filters, options (util-linux's code 1, filters too)" {
	for o in -m -q -s; do
		for v in '' -1 99999999999999999999 12x abc ' 1'; do bad 1 ipcrm "$o" "$v"; done
		bad 1 ipcrm "$o" 123456
	done
	for o in -M -Q -S; do
		for v in '' 0x 99999999999999999999 0x100000000 0x1g abc; do bad 1 ipcrm "$o" "$v"; done
		bad 1 ipcrm "$o" 0x1234
	done
	for o in --posix-shmem --posix-mqueue --posix-semaphore; do
		for v in '' noslash /a/b / "/$LONG300" /missing; do bad 1 ipcrm "$o" "$v"; done
	done
	bad u1 ipcrm --bogus
	bad u1 ipcrm -Z
	bad u1 ipcrm -m
	bad u1 ipcrm --all=bogus
	bad u1 ipcrm -a bogus
	bad 1 ipcrm shm abc
	bad 1 ipcrm shm -1
	bad 1 ipcrm shm 123456
	bad 1 ipcrm msg 99999999999999999999
	bad 1 ipcrm sem 123456
	bad u1 ipcrm foo 1
	for v in '' -1 5x abc 99999999999999999999d 1.5.5s; do bad u1 ipcrm --older-than "$v"; done
	for v in '' no-such-user-xyz 99999999999999999999; do bad u1 ipcrm --owner "$v"; done
	for v in '' a-b 1-2-3 99999999999999999999 0x100000000 x; do bad u1 ipcrm --keys "$v"; done
	for v in '' a-b 1-2-3 99999999999999999999 -5x; do bad u1 ipcrm --ids "$v"; done
	check_all
}

@test "ipcs: bad ids, options, filters (util-linux's code 1, filters too)" {
	for v in '' abc 12x 99999999999999999999 2147483648; do bad u1 ipcs -m -i "$v"; done
	# util-linux takes a negative id and says it is not found, with status 0.
	bad 0 ipcs -m -i -1
	bad 0 ipcs -q -i 123456
	bad u1 ipcs -i 1
	bad u1 ipcs -m -q -i 1
	bad u1 ipcs --bogus
	bad u1 ipcs -Z
	bad u1 ipcs -i
	for v in '' -1 5x abc 99999999999999999999d; do bad u1 ipcs --older-than "$v"; done
	for v in '' no-such-user-xyz; do bad u1 ipcs --owner "$v"; done
	for v in '' a-b 1-2-3 99999999999999999999 0x100000000; do bad u1 ipcs --keys "$v"; done
	for v in '' a-b 1-2-3 99999999999999999999; do bad u1 ipcs --ids "$v"; done
	check_all
}

@test "mkfifo: bad modes, operands, options (coreutils code: 1)" {
	bad u1 mkfifo
	for v in '' 888 8 u+q a=rwz 99999999999999999999 0x1 ' 644' 644x; do bad u1 mkfifo -m "$v" p; done
	bad u1 mkfifo --bogus p
	bad u1 mkfifo -m
	bad 1 mkfifo ''
	bad 1 mkfifo nodir/p
	bad 1 mkfifo "$LONG300"
	bad 1 mkfifo "$(printf 'd/%.0s' {1..2100})p"
	check_all
}

# Cases every applet that selects a System V or POSIX object shares (object.h).
object_cases() {
	local app=$1
	shift
	bad u2 "$app" "$@"
	for v in '' -1 99999999999999999999 0x100000000 12x abc 0x; do bad u2 "$app" -k "$v" "$@"; done
	for v in '' -1 99999999999999999999 2147483648 12x abc 0x10; do bad u2 "$app" -i "$v" "$@"; done
	for v in '' /etc/passwd:0 /etc/passwd:256 /etc/passwd:99999999999999999999 :1; do
		bad u2 "$app" -f "$v" "$@"
	done
	# After the last ':', only digits or one character are a project: otherwise the
	# whole argument is the path (documented), here one that does not exist.
	for v in /nonexistent /etc/passwd:ab /etc/passwd: /etc/passwd:-1; do
		bad 1 "$app" -f "$v" "$@"
	done
	for v in '' noslash /a/b / "/$LONG300" //x; do bad u2 "$app" -P "$v" "$@"; done
	bad u2 "$app" -k 1 -i 2 "$@"
	bad u2 "$app" -k 1 -P /x "$@"
	bad u2 "$app" -i 1 -f /etc/passwd "$@"
	bad u2 "$app" -k 0x1234 -x "$@"
	for v in '' 888 u+q 99999999999999999999 a=rwz 0x1; do bad u2 "$app" -k 0x1234 -c -m "$v" "$@"; done
	bad u2 "$app" -k
	bad u2 "$app" --bogus -k 1
	bad u2 "$app" -Z -k 1
}

@test "msgrcv: bad objects, types, durations, counts, conflicts" {
	object_cases msgrcv -n
	for v in '' abc 99999999999999999999 -99999999999999999999 1x; do bad u2 msgrcv -k 1 -t "$v"; done
	for v in '' -1 1x abc 99999999999999999999 1.5.5 ms; do bad u2 msgrcv -k 1 -w "$v"; done
	for v in '' -1 abc 99999999999999999999 1x; do bad u2 msgrcv -k 1 -C "$v"; done
	for v in '' -1 abc 99999999999999999999; do bad u2 msgrcv -k 1 --peek="$v"; done
	# -n and -w: the last one given counts (like -l and --typed, not a conflict).
	bad u2 msgrcv -k 1 -n -w 1
	bad 1 msgrcv -k 1 -l --typed
	bad u2 msgrcv -k 1 -C 2 -F
	bad u2 msgrcv -k 1 -l -0
	bad u2 msgrcv -k 1 --except
	bad u2 msgrcv -k 1 extra
	# Each message says what was expected.
	run --separate-stderr "$IPCBOX" msgrcv -k 1 -w 5x
	assert_eq "${stderr%%$'\n'*}" "msgrcv: invalid --wait '5x': expected a duration like 2, 1.5s or 250ms"
	run --separate-stderr "$IPCBOX" msgrcv -k 1 -t -9223372036854775808
	assert_eq "${stderr%%$'\n'*}" "msgrcv: invalid --type '-9223372036854775808': expected a number of at least -9223372036854775807"
	run --separate-stderr "$IPCBOX" msgsnd -P /q -c --maxmsg 0
	assert_eq "${stderr%%$'\n'*}" "msgsnd: invalid --maxmsg '0': expected a whole number of at least 1"
	bad 1 msgrcv -k 0x1234 -n
	bad 1 msgrcv -i 123456 -n
	bad 1 msgrcv -P /missing -n
	check_all
}

@test "msgsnd: bad objects, types, durations, queue attributes, conflicts" {
	object_cases msgsnd -n hi
	for v in '' 0 -1 abc 99999999999999999999 1x; do bad u2 msgsnd -k 1 -t "$v" hi; done
	for v in '' -1 1x abc 99999999999999999999; do bad u2 msgsnd -k 1 -w "$v" hi; done
	for v in '' 0 -1 abc 99999999999999999999; do bad u2 msgsnd -P /q -c --maxmsg "$v" hi; done
	for v in '' 0 -1 abc 99999999999999999999 1Q; do bad u2 msgsnd -P /q -c --msgsize "$v" hi; done
	bad u2 msgsnd -k 1 --maxmsg 4 hi
	bad u2 msgsnd -P /q --msgsize 4 hi
	bad u2 msgsnd -k 1 -n -w 1 hi
	bad u2 msgsnd -k 1 -l -0
	bad 1 msgsnd -k 1 -l --typed
	bad u2 msgsnd -k 1 -l hi
	bad 1 msgsnd -k 0x1234 hi
	bad 1 msgsnd -i 123456 hi
	bad 1 msgsnd -P /missing hi
	check_all
}

@test "semop: bad objects, operations, values, conflicts" {
	object_cases semop 0:+1
	for v in x 0: 0:+ 0:+x :+1 0:+99999999999999999999 0:+1q 99999999999999999999:+1 \
		-1:+1 0:+40000 0:*1 '' 0:+1un2; do
		bad u2 semop -k 1 "$v"
	done
	for v in x '' ++1 +99999999999999999999 +40000 1 -1x; do bad u2 semop -P /s "$v"; done
	# sem_open's file is sem.NAME: a name may have NAME_MAX - 4 characters.
	bad u2 semop -P "/$(printf 's%.0s' {1..252})" -c
	for v in abc 0= =1 0=abc 0=-1 0=40000 0=99999999999999999999 x=1; do bad u2 semop -k 1 --set "$v"; done
	bad u2 semop -k 1 --set
	for v in '' 1,,2 1,x -1 40000 99999999999999999999 ,; do bad u2 semop -k 1 --setall "$v"; done
	for v in '' 0 -1 abc 99999999999999999999; do bad u2 semop -k 0x77 -c -N "$v"; done
	for v in '' 1,,2 1,x -1 40000; do bad u2 semop -k 0x77 -c --init "$v"; done
	bad u2 semop -k 0x77 -c -N 1 --init 1,2
	bad u2 semop -k 0x77 -c -N 32001
	bad u2 semop -k 0x77 -c --init "$(printf '1,%.0s' {1..32000})1"
	for v in '' abc -1 256 99999999999999999999; do bad u2 semop -k 1 --hold -E "$v" -- true; done
	for v in '' abc -1 99999999999999999999; do bad u2 semop -k 1 --hold -s "$v" -- true; done
	for v in '' abc -1 0 99999999999999999999 40000; do bad u2 semop -k 1 --hold -C "$v" -- true; done
	for v in '' -1 abc 1x; do bad u2 semop -k 1 -w "$v" 0:+1; done
	bad u2 semop -k 1 --hold
	bad u2 semop -k 1 --hold --
	bad u2 semop -k 1 --get --set 0=1
	bad u2 semop -k 1 --get --setall 1
	bad u2 semop -k 1 --json
	bad u2 semop -k 1 -n -w 1 0:+1
	bad u2 semop -k 1 --get abc
	bad u2 semop -k 1 --get -1
	bad u2 semop -k 1 --init 1 0:+1
	bad u2 semop -k 1 -N 2 0:+1
	bad u2 semop -k 1 -E 5 0:+1
	bad u2 semop -k 1
	bad 1 semop -k 0x1234 0:+1
	bad 1 semop -i 123456 --get
	bad 1 semop -P /missing +1
	check_all
}

@test "shmcat: bad objects, sizes, offsets, conflicts" {
	object_cases shmcat
	for v in '' -1 abc 99999999999999999999 1Q 1.5K 16EiB 0x; do bad u2 shmcat -k 0x77 -c -s "$v"; done
	bad u2 shmcat -k 0x77 -c -s 0
	for v in '' -1 abc 99999999999999999999 1Q; do bad u2 shmcat -k 1 -o "$v"; done
	for v in '' -1 abc 99999999999999999999 1Q; do bad u2 shmcat -k 1 -L "$v"; done
	bad u2 shmcat -k 1 -s 10
	bad u2 shmcat -k 1 --json
	bad u2 shmcat -k 1 -w --stat
	bad u2 shmcat -k 1 --stat -o 1
	bad u2 shmcat -k 1 extra
	bad 1 shmcat -k 0x1234
	bad 1 shmcat -i 123456
	bad 1 shmcat -P /missing
	bad 1 shmcat -k 0x1234 --stat
	check_all
}

@test "pipeline: bad stages, statuses, durations, sizes, fds" {
	bad u2 pipeline
	bad u2 pipeline --
	bad u2 pipeline '|'
	bad u2 pipeline true '|'
	bad u2 pipeline '|' true
	bad u2 pipeline true '|' '|' true
	bad u2 pipeline true '|&'
	bad u2 pipeline -d '' true
	for v in '' 0 -1 abc 99999999999999999999 2 1x; do bad u2 pipeline -s "$v" true; done
	for v in '' -1 abc 99999999999999999999 1x; do bad u2 pipeline --status-fd="$v" true; done
	for v in '' -1 abc 99999999999999999999 1x 1.5.5; do bad u2 pipeline -t "$v" true; done
	for v in '' -1 abc 99999999999999999999 1x; do bad u2 pipeline -t 1 --kill-after="$v" true; done
	for v in '' -1 abc 99999999999999999999 1Q 0; do bad u2 pipeline -b "$v" true; done
	bad 1 pipeline -b 1G true
	# A --status-fd that is not open is a bad argument, found before anything runs.
	bad u2 pipeline --status-fd=99 true
	bad u2 pipeline --bogus true
	bad u2 pipeline -Z true
	bad u2 pipeline -t
	bad 127 pipeline no-such-command-xyz
	bad 127 pipeline true '|' no-such-command-xyz
	bad 126 pipeline /
	bad 126 pipeline /etc/passwd
	bad 126 pipeline ./"$LONG300"
	check_all
}

@test "sockcat: bad addresses, paths, durations, numbers, conflicts" {
	local long=$BATS_TEST_TMPDIR/$(printf 's%.0s' {1..120})
	bad u2 sockcat
	for a in foo foo:bar tcp: tcp:127.0.0.1: tcp:127.0.0.1:99999 \
		tcp:127.0.0.1:99999999999999999999 'tcp:[::1' 'tcp:[::1]' 'tcp:[::1]80' \
		udp: unix: unix-dgram: unix-seqpacket: \
		"unix:$long" "unix:@$LONG300" "unix-dgram:$long" '' tcp:127.0.0.1:-1 tcp:host:-1 \
		tcp:127.0.0.1:http-; do
		bad u2 sockcat "$a"
	done
	# A port may be a service name, so these are names the resolver does not know;
	# a family that the address does not have; the empty abstract name and the
	# empty host are addresses (nothing listens).
	for a in tcp:127.0.0.1:80x tcp4:[::1]:80 tcp6:127.0.0.1:80 unix:@ tcp::80; do
		bad 1 sockcat "$a"
	done
	bad 1 sockcat 127.0.0.1 abc
	run --separate-stderr "$IPCBOX" sockcat tcp:127.0.0.1:nosuchservice
	assert_eq "$stderr" "sockcat: resolve tcp:127.0.0.1:nosuchservice: unknown port 'nosuchservice' (a number 0-65535 or a service name)"
	# tcp:PORT alone means any host; a word there that is no service is a host
	# without its port, said once, as a usage error.
	run --separate-stderr "$IPCBOX" sockcat tcp:host
	assert_status 2
	assert_eq "$stderr" "sockcat: invalid address 'tcp:host': expected tcp:HOST:PORT (or tcp:PORT)
Try 'sockcat --help' for more information."
	run --separate-stderr "$IPCBOX" sockcat udp:host
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "sockcat: invalid address 'udp:host': expected udp:HOST:PORT (or udp:PORT)"
	# -4 and -6: the last one counts.
	bad 1 sockcat -4 -6 tcp:127.0.0.1:1
	bad u2 sockcat -l "unix:$long"
	bad u2 sockcat -U "$long"
	# sun_path has 108 bytes: a path of 107 and the NUL fit, 108 do not; an abstract
	# name (no NUL) may have 107 after its leading 0 byte.
	local p107=$BATS_TEST_TMPDIR/
	while [ ${#p107} -lt 107 ]; do p107+=p; done
	bad 1 sockcat "unix:$p107"
	bad u2 sockcat "unix:${p107}p"
	bad 1 sockcat "unix:@$p107"
	bad u2 sockcat "unix:@${p107}p"
	bad u2 sockcat -U
	bad u2 sockcat -U ''
	bad u2 sockcat 127.0.0.1
	bad u2 sockcat 127.0.0.1 99999
	bad u2 sockcat 127.0.0.1 80 extra
	bad u2 sockcat tcp:127.0.0.1:1 extra
	for o in -q -w --idle-timeout; do
		for v in '' -1 abc 99999999999999999999 1x; do bad u2 sockcat "$o" "$v" tcp:127.0.0.1:1; done
	done
	for v in '' 0 -1 abc 99999999999999999999 1Q; do bad u2 sockcat --buffer="$v" tcp:127.0.0.1:1; done
	for v in '' 888 u+q 99999999999999999999; do bad u2 sockcat -l -m "$v" unix:s; done
	for v in '' 0 -1 abc 99999999999999999999; do bad u2 sockcat -l --fork --max-clients="$v" unix:s; done
	for o in --allow-uid --allow-gid; do
		for v in '' abc 1,,2 , -1 99999999999999999999 1x; do bad u2 sockcat -l "$o=$v" unix:s; done
	done
	for v in '' 99999 99999999999999999999 -1; do bad u2 sockcat -p "$v" tcp:127.0.0.1:1; done
	for v in abc; do bad 1 sockcat -p "$v" tcp:127.0.0.1:1; done
	bad u2 sockcat -e tcp:127.0.0.1:1
	bad u2 sockcat -e tcp:127.0.0.1:1 --
	bad u2 sockcat --bogus tcp:127.0.0.1:1
	bad u2 sockcat -Z tcp:127.0.0.1:1
	bad 1 sockcat tcp:127.0.0.1:1
	bad 1 sockcat unix:/nonexistent/sock
	bad 1 sockcat -l unix:/nonexistent/dir/sock
	bad 1 sockcat -x /nonexistent/dir/dump unix:/nonexistent/sock
	check_all
}

# Objects for the cases below: a queue with one message, a 100-byte segment, a set of
# two semaphores, and their POSIX kin, all mode 0600 and owned by root.
make_objects() {
	"$IPCBOX" msgsnd -k 0x11 -c first
	"$IPCBOX" shmcat -k 0x12 -c -s 100
	"$IPCBOX" semop -k 0x13 -c -N 2 >/dev/null
	"$IPCBOX" shmcat -P /s -c -s 100
	"$IPCBOX" semop -P /sem -c
	QID=$(awk '$1 == 17 { print $2 }' /proc/sysvipc/msg)
}

@test "bad input against existing objects: ranges, sizes, limits, would-block" {
	make_objects
	bad 1 msgsnd -k 0x11 -c -x hi
	bad 1 shmcat -k 0x12 -c -x -s 100
	bad 1 semop -k 0x13 -c -x
	bad 1 shmcat -P /s -c -x -s 100
	bad 1 semop -P /sem -c -x
	bad 1 msgsnd -k 0 hi
	bad 1 shmcat -k 0
	bad 1 semop -k 0 --get
	bad 3 msgrcv -k 0x11 -t 5 -n
	bad 3 msgrcv -k 0x11 -t 5 -w 10ms
	bad 3 msgrcv -k 0x11 --peek=5
	head -c 9000 /dev/zero >"$IO/big"
	STDIN=$IO/big bad 1 msgsnd -k 0x11
	printf 'abc\n' >"$IO/typed"
	STDIN=$IO/typed bad 1 msgsnd -k 0x11 --typed
	head -c 101 /dev/zero >"$IO/101"
	STDIN=$IO/101 bad 1 shmcat -k 0x12 -w
	STDIN=$IO/101 bad 1 shmcat -k 0x12 -w -o 1 -L 99
	STDIN=$IO/101 bad 1 shmcat -P /s -w
	bad 1 shmcat -k 0x12 -o 101
	bad 1 shmcat -k 0x12 -o 100 -L 1
	bad 1 shmcat -k 0x12 -L 101
	bad 1 shmcat -P /s -o 101
	bad 1 shmcat -k 0x12 -o 99999999999999999
	bad 1 semop -k 0x13 -c -N 5
	for v in 2:+1 '0:+1 2:-1' 99:0; do bad u2 semop -k 0x13 $v; done
	bad u2 semop -k 0x13 --get 2
	bad u2 semop -k 0x13 --set 2=1
	bad u2 semop -k 0x13 --setall 1
	bad u2 semop -k 0x13 --setall 1,2,3
	bad u2 semop -k 0x13 --hold -s 2 -- true
	bad u2 semop -P /sem --get 1
	bad 3 semop -k 0x13 0:-1n
	bad 3 semop -k 0x13 -n 0:-1
	bad 3 semop -k 0x13 -w 10ms 0:-1
	bad 3 semop -P /sem -- -1n
	bad 3 semop -k 0x13 --hold -n -- true
	bad 7 semop -k 0x13 --hold -n -E 7 -- true
	"$IPCBOX" semop -k 0x13 1:+32767
	bad 1 semop -k 0x13 1:+1
	check_all
	# What a failed command must not do: the message is still there, alone.
	assert_eq "$("$IPCBOX" msgrcv -k 0x11 -n -C 1)" first
}

@test "bad input as an unprivileged user: permission denied is one line and status 1" {
	need_drop
	make_objects
	"$IPCBOX" msgsnd -P /q -c hi
	mkdir -m 0755 "$BATS_TEST_TMPDIR/rootdir"
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	cd /
	bad 1 msgrcv -k 0x11 -n
	bad 1 msgsnd -k 0x11 hi
	bad 1 msgrcv -i "$QID" -n
	bad 1 msgrcv -P /q -n
	bad 1 msgsnd -P /q hi
	bad 1 shmcat -k 0x12
	STDIN=/dev/null bad 1 shmcat -k 0x12 -w
	bad 1 shmcat -P /s
	bad 1 semop -k 0x13 0:+1
	bad 1 semop -k 0x13 --get
	bad 1 semop -k 0x13 --set 0=1
	bad 1 semop -P /sem +1
	bad 1 ipcrm -Q 0x11
	bad 1 ipcrm -q "$QID"
	bad 1 ipcrm -M 0x12
	bad 1 ipcrm -S 0x13
	bad 1 ipcrm --posix-shmem /s
	bad 1 ipcrm --posix-mqueue /q
	bad 1 ipcrm --posix-semaphore /sem
	bad 1 mkfifo "$BATS_TEST_TMPDIR/rootdir/p"
	bad 1 sockcat -l "unix:$BATS_TEST_TMPDIR/rootdir/sock"
	bad 1 sockcat -l tcp:127.0.0.1:80
	bad 1 msgsnd -k 0x11 -c -x hi
	bad 126 pipeline "$BATS_TEST_TMPDIR/rootdir"
	check_all
}

@test "the longest durations parse and work (no overflow when they become deadlines)" {
	local max=18446744073.709551615
	"$IPCBOX" msgsnd -k 0x21 -c one two
	"$IPCBOX" semop -k 0x22 -c
	for d in "$max" 18446744073s 9999999999.5s; do
		run --separate-stderr timeout 10 "$IPCBOX" msgrcv -k 0x21 -C 1 -w "$d"
		assert_status 0
		assert_eq "$stderr" ""
		run --separate-stderr timeout 10 "$IPCBOX" semop -k 0x22 -w "$d" 0:+1
		assert_status 0
		assert_eq "$stderr" ""
		run --separate-stderr timeout 10 "$IPCBOX" pipeline -t "$d" --kill-after="$d" true
		assert_status 0
		assert_eq "$stderr" ""
		"$IPCBOX" msgsnd -k 0x21 again
	done
	run --separate-stderr timeout 10 "$IPCBOX" pipeline -t "$max" -- "$IPCBOX" msgrcv -k 0x21 -w "$max" -C 1
	assert_status 0
	assert_eq "$output" again
}

@test "ipcbox: unknown applets and options, --install without or with a bad DIR" {
	run --separate-stderr "$IPCBOX" nosuch
	assert_status 127
	assert_eq "$stderr" "ipcbox: nosuch: applet not found"
	run --separate-stderr "$IPCBOX" --install /nonexistent/dir
	assert_status 1
	assert_eq "$stderr" "ipcbox: cannot install into /nonexistent/dir: No such file or directory"
	run --separate-stderr "$IPCBOX" --install /etc/passwd
	assert_status 1
	assert_eq "$stderr" "ipcbox: cannot install into /etc/passwd: Not a directory"
	for args in --install '--install -s' '--install -s a b' '--install a b' --bogus '--list x'; do
		# shellcheck disable=SC2086
		run --separate-stderr "$IPCBOX" $args
		assert_status 2
		assert_eq "$output" ""
		assert_contains "$stderr" "Try 'ipcbox --help' for more information."
		assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 2
	done
}
