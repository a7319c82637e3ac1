#!/usr/bin/env bats
# The ipc core's parsers and helpers, through the test driver build/coretest.

load helpers

ok() { # ok EXPECTED DRIVER-ARGS...
	local want=$1
	shift
	run --separate-stderr "$CORETEST" "$@"
	assert_status 0
	assert_eq "$output" "$want"
}

bad() { # bad REASON DRIVER-ARGS...
	local why=$1
	shift
	run --separate-stderr "$CORETEST" "$@"
	assert_status 2
	assert_contains "$stderr" "$why"
}

@test "unsigned numbers: bases, limits, and every malformed class" {
	ok 42 u64 10 0 100 42
	ok 255 u64 0 0 1000 0xff
	ok 8 u64 0 0 1000 010
	ok 0 u64 0 0 1000 0
	ok 18446744073709551615 u64 10 0 18446744073709551615 18446744073709551615
	bad "empty value" u64 10 0 100 ''
	bad "not a valid number" u64 10 0 100 abc
	bad "not a valid number" u64 10 0 100 12abc
	bad "not a valid number" u64 10 0 100 ' 12'
	bad "not a valid number" u64 10 0 100 +12
	bad "not a valid number" u64 0 0 100 0x
	bad "not a valid number" u64 0 0 100 09
	bad "negative values are not allowed" u64 10 0 100 -1
	bad "out of range" u64 10 0 100 101
	bad "out of range" u64 10 5 100 4
	bad "out of range" u64 10 0 18446744073709551615 18446744073709551616
	bad "not a valid number" u64 10 0 100 99999999999999999999999x
}

@test "signed numbers" {
	ok -5 i64 -10 10 -5
	ok -9223372036854775808 i64 -9223372036854775808 0 -9223372036854775808
	bad "out of range" i64 -10 10 -11
	bad "out of range" i64 -10 10 9223372036854775808
	bad "not a valid number" i64 -10 10 -
	bad "not a valid number" i64 -10 10 --1
	bad "empty value" i64 -10 10 ''
}

@test "sizes: bytes, K/M/G/T, iB and B suffixes" {
	ok 4096 size 0xffffffffffffffff 4096
	ok 65536 size 0xffffffffffffffff 64K
	ok 65536 size 0xffffffffffffffff 64k
	ok 1048576 size 0xffffffffffffffff 1MiB
	ok 1048576 size 0xffffffffffffffff 1M
	ok 1000000 size 0xffffffffffffffff 1MB
	ok 3221225472 size 0xffffffffffffffff 3G
	ok 1099511627776 size 0xffffffffffffffff 1TiB
	bad "not a valid number" size 0xffffffffffffffff 1X
	bad "not a valid number" size 0xffffffffffffffff 1Kib
	bad "not a valid number" size 0xffffffffffffffff 1m
	bad "not a valid number" size 0xffffffffffffffff 1.5K
	bad "not a valid number" size 0xffffffffffffffff K
	bad "negative values are not allowed" size 0xffffffffffffffff -1K
	bad "out of range" size 0xffffffffffffffff 20000000T
	bad "out of range" size 0xffffffffffffffff 99999999999999999999
	bad "out of range" size 1000 1K
	bad "empty value" size 100 ''
}

@test "durations: seconds, fractions, ms/s/m/h/d" {
	ok 1000000000 duration 1
	ok 1500000000 duration 1.5
	ok 500000000 duration .5
	ok 250000000 duration 250ms
	ok 2000000000 duration 2s
	ok 90000000000 duration 1.5m
	ok 3600000000000 duration 1h
	ok 86400000000000 duration 1d
	ok 0 duration 0
	bad "empty value" duration ''
	bad "negative values are not allowed" duration -1
	bad "not a valid number" duration 1x
	bad "not a valid number" duration 1.5.5
	bad "not a valid number" duration .
	bad "not a valid number" duration s
	bad "out of range" duration 99999999999999d
}

@test "modes: octal and chmod-style symbolic" {
	ok 0640 mode 0640 0600 022
	ok 0755 mode 755 0 022
	ok 7777 mode 7777 0 0
	ok 0640 mode u=rw,g=r 0 0
	ok 0640 mode g+r 0600 0
	ok 0711 mode +x 0600 066
	ok 0600 mode go= 0666 0
	ok 0666 mode go=u 0600 0
	ok 0644 mode =644 0 0
	ok 4600 mode u+s 0600 0
	ok 0600 mode a+X 0600 0
	ok 0711 mode a+X 0700 0
	bad "invalid mode" mode 10000 0 0
	bad "invalid mode" mode 8 0 0
	bad "invalid mode" mode '' 0 0
	bad "invalid mode" mode u 0 0
	bad "invalid mode" mode u+q 0 0
	bad "invalid mode" mode 'u=r,' 0 0
	bad "invalid mode" mode u+644 0 0
	bad "invalid mode" mode 644x 0 0
}

@test "keys: decimal, hex, octal, the full 32-bit range" {
	ok 0x0000162e key 5678
	ok 0x0000162e key 0x162e
	ok 0x00000008 key 010
	ok 0xffffffff key 4294967295
	ok 0xffffffff key 0xffffffff
	bad "invalid key" key 4294967296
	bad "invalid key" key -1
	bad "invalid key" key 12z
	bad "invalid key" key ''
}

@test "ids and POSIX names" {
	ok 0 id 0
	ok 2147483647 id 2147483647
	bad "invalid id" id 2147483648
	bad "invalid id" id -1
	bad "invalid id" id 0x10
	ok ok posix /name
	bad "must start with '/'" posix name
	bad "must not contain another '/'" posix /a/b
	bad "must have a name after '/'" posix /
	bad "must not be '.' or '..'" posix /..
	bad "is too long" posix "/$(printf 'n%.0s' {1..256})"
	ok ok posix "/$(printf 'n%.0s' {1..255})"
}

@test "object selection: one parser for -k -i -f -P -c -x -m" {
	ok "key 0x00000010 create=0 exclusive=0 mode=0600" object -k 16
	ok "id 7 create=0 exclusive=0 mode=0600" object --id 7
	ok "/q create=1 exclusive=1 mode=0640" object -P /q -c -x -m g+r
	ok "key 0x0000162e create=1 exclusive=0 mode=0644" object --key=0x162e --create --mode=644
	bad "only one of -k, -i, -f and -P" object -k 1 -i 2
	bad "no object given" object
	bad "-x needs -c" object -k 1 -x
	bad "-m needs -c" object -k 1 -m 600
	bad "-c needs a key" object -i 1 -c
	bad "invalid --key 'zz'" object -k zz
	bad "invalid --id '-3'" object -i -3
	bad "invalid --posix 'q'" object -P q
	bad "invalid --mode '1777'" object -k 1 -c -m 1777
	bad "invalid --mode 'bogus'" object -k 1 -c -m bogus
}

@test "object selection: ftok of a path, with and without a project" {
	: >f
	local k1 k2
	run "$CORETEST" object -f f
	assert_status 0
	k1=$output
	run "$CORETEST" object -f f:1
	assert_eq "$output" "$k1"
	run "$CORETEST" object -f f:A
	assert_status 0
	[ "$output" != "$k1" ]
	k2=$output
	run "$CORETEST" object -f f:65
	assert_eq "$output" "$k2"
	bad "invalid ftok project '256'" object -f f:256
	bad "invalid ftok project '0'" object -f f:0
	run --separate-stderr "$CORETEST" object -f missing
	assert_status 1
	assert_eq "$stderr" "coretest: ftok missing: No such file or directory"
}

@test "opening System V objects: create, open, exclusive, missing, IPC_PRIVATE" {
	run --separate-stderr "$CORETEST" object -k 0x4242 --open msg
	assert_status 1
	assert_eq "$stderr" "coretest: no message queue with key 0x00004242"
	run "$CORETEST" object -k 0x4242 -c --open msg
	assert_status 0
	assert_contains "$output" "created=1"
	local id=${output##*id=}
	id=${id%% *}
	run "$CORETEST" object -k 0x4242 -c --open msg
	assert_contains "$output" "id=$id created=0"
	run --separate-stderr "$CORETEST" object -k 0x4242 -c -x --open msg
	assert_status 1
	assert_eq "$stderr" "coretest: create message queue key 0x00004242: File exists"
	run "$CORETEST" object -i "$id" --open msg
	assert_status 0
	run --separate-stderr "$CORETEST" object -i 99999 --open shm
	assert_status 1
	assert_eq "$stderr" "coretest: no shared memory segment with id 99999"
	run --separate-stderr "$CORETEST" object -k 0 --open sem
	assert_status 1
	assert_contains "$stderr" "IPC_PRIVATE"
	run "$CORETEST" object -k 0x51 -c --open sem 3
	assert_status 0
	run "$CORETEST" object -k 0x52 -c -m 640 --open shm 4096
	assert_status 0
	[[ $(ipcs -m) == *"0x00000052"*"640"*"4096"* ]]
}

@test "opening as an unprivileged user: permission denied is reported" {
	need_drop
	"$CORETEST" object -k 0x4343 -c -m 600 --open msg
	run --separate-stderr as_nobody "$CORETEST" object -k 0x4343 --open msg
	assert_status 1
	assert_eq "$stderr" "coretest: open message queue key 0x00004343: Permission denied"
}

@test "quoting names in messages like coreutils" {
	ok "'plain'" quote plain
	ok "'a b'" quote 'a b'
	ok "\"it's\"" quote "it's"
	ok "'it'\\''s \$x'" quote "it's \$x"
	ok "'a'\$'\\n''b'" quote $'a\nb'
	ok "''" quote ''
}

@test "byte I/O: copy survives short reads and writes, EOF, and a full disk" {
	head -c 3000000 /dev/urandom >in
	"$CORETEST" copy <in | cat >out
	cmp in out
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$0" copy <in >/dev/full' "$CORETEST"
	assert_status 1
	assert_eq "$stderr" "coretest: write: No space left on device"
}

@test "byte I/O: read to end honours its limit" {
	head -c 100000 /dev/zero >in
	ok 100000 slurp 100000 <in
	run --separate-stderr "$CORETEST" slurp 99999 <in
	assert_status 1
	assert_contains "$stderr" "File too large"
}

# The option parser (src/ipc/opt.c), through "coretest opts": a table with one
# option of each kind. Each line of output is an option as parsed, then the operands.
opts_ok() { # opts_ok EXPECTED-LINES ARGS...
	local want=$1
	shift
	run --separate-stderr "$CORETEST" opts "$@"
	assert_status 0 || { echo "args: $*" >&2; return 1; }
	assert_eq "$output" "$want"
	assert_eq "$stderr" ""
}

opts_bad() { # opts_bad MESSAGE ARGS...: a usage error, one line and the Try line
	local want=$1
	shift
	run --separate-stderr "$CORETEST" opts "$@"
	assert_status 2 || { echo "args: $*" >&2; return 1; }
	assert_eq "$stderr" "coretest: $want
Try 'coretest --help' for more information."
}

@test "options: clusters, attached and separate arguments, abbreviations, --opt=" {
	opts_ok "-v (-v)
--count (-C) '3' 3
--wait (--wa=1.5s) '1.5s' 1500000000
--type (-t) '-5' -5
--size (-s) '0x10' 16
--size (--si=1K) '1K' 1024
--mode (-m) 'u=rw,g=r' 0640
--key (-k) '0x10' 0x00000010
--text (--text=) ''
--text (--tex) 'x'" -vC3 --wa=1.5s -t -5 -s 0x10 --si=1K -m u=rw,g=r -k 0x10 --text= --tex x
	# a short option's argument may look like an option or be empty
	opts_ok "--text (--text) '-v'
--text (--text) ''" --text -v --text ''
	opts_bad "option requires an argument -- 'w'" -w
	opts_bad "option '--wait' requires an argument" --wait
	opts_bad "option '--wait' requires an argument" --wa
	opts_bad "invalid --count '': expected a whole number from 1 to 10" --count=
	opts_bad "invalid --count '11': expected a whole number from 1 to 10" -C11
	# the value quoted as coreutils quotes names: still one line
	opts_bad "invalid --count 'a'\$'\\n''b': expected a whole number from 1 to 10" --count=$'a\nb'
	opts_bad "invalid --size \"it's\": expected a size like 4096, 0x1000, 64K or 1MiB" -s "it's"
	opts_bad "invalid option -- 'q'" -vq
	opts_bad "unrecognized option '--bogus=1'" --bogus=1
	opts_bad "unrecognized option '---'" ---
	opts_bad "option '--help' doesn't allow an argument" --help=1
}

@test "options: an alias is one option with two names, in abbreviations and messages" {
	opts_ok "--no-wait (--nowait)
--no-wait (--no-wait)
--no-wait (--now)
--no-wait (--n)" --nowait --no-wait --now --n
	opts_bad "option '--nowait' doesn't allow an argument" --now=1
	opts_bad "option '--no-wait' doesn't allow an argument" --no=1
	# getopt_long's words, the word as written (= part included), one name per option
	opts_bad "option '--s=1' is ambiguous; possibilities: '--size' '--stop'" --s=1
	opts_bad "--no-wait and --wait exclude each other" --nowait -w 1
	opts_bad "--wait and --no-wait exclude each other" -w1 -n
	opts_ok "--no-wait (-n)
--no-wait (-n)" -n -n
}

@test "options: optional arguments only attached; no value left from the option before" {
	opts_ok "--all (-a) 0
--all (--all=shm) 'shm' 1
--all (-a) 'sem' 2
--count (-C) '2' 2
--peek (--peek) 0
--peek (--peek=0x7) '0x7' 7
operand 'shm'" -a --all=shm -asem -C 2 --peek --peek=0x7 shm
	opts_bad "invalid --all '': expected one of msg,shm,sem" --all=
	opts_bad "invalid --all 'x': expected one of msg,shm,sem" -vax
}

@test "options: operands in order, '-' is one, '--' ends the options, once" {
	opts_ok "-v (-v)
-v (-v)
operand 'a'
operand '-'
operand 'b'
operand '-v'
operand '--'" a -v - b -v -- -v --
	opts_ok "" --
	opts_bad "invalid option -- '-'" -v--
	opts_bad "invalid option -- '1'" -1
	run --separate-stderr "$CORETEST" opts-neg -1 -v -.5 -- -2
	assert_eq "$output" "-v (-v)
operand '-1'
operand '-.5'
operand '-2'"
	run --separate-stderr "$CORETEST" opts-neg -w -1
	assert_status 2
	assert_contains "$stderr" "invalid --wait '-1': expected a duration"
}

@test "options: the first operand ends them (pipeline), or the applet says so (args.stop)" {
	run --separate-stderr "$CORETEST" opts-first -v cmd -v -- x
	assert_eq "$output" "-v (-v)
operand 'cmd'
operand '-v'
operand '--'
operand 'x'"
	run --separate-stderr "$CORETEST" opts-first -- -v
	assert_eq "$output" "operand '-v'"
	opts_ok "-v (-v)
--stop (--stop)
operand 'a'
operand 'b'
operand '-v'" -v a --stop b -v
	# POSIXLY_CORRECT: the first operand ends the options, as getopt_long does
	POSIXLY_CORRECT=1 run --separate-stderr "$CORETEST" opts -v a -v
	assert_eq "$output" "-v (-v)
operand 'a'
operand '-v'"
}

@test "options: --help lists aliases and optional arguments, every line within 80 columns" {
	run --separate-stderr "$CORETEST" opts --he
	assert_status 0
	assert_contains "$output" "  -n, --no-wait, --nowait
                        flag with an alias"
	assert_contains "$output" "  -a, --all[=KIND]      an optional choice"
	assert_contains "$output" "  -v                    a short-only flag"
	assert_eq "$(awk 'length > 80' <<<"$output")" ""
	# the applets on the option tables so far (ipcs, ipcrm, sockcat: conv2's branch)
	for a in msgsnd msgrcv shmcat semop mkfifo pipeline; do
		assert_eq "$("$IPCBOX" "$a" --help | awk 'length > 80')" "" || { echo "in $a" >&2; return 1; }
	done
}

@test "a private object created with key 0 prints its id; --create-only creates (or opens) and stops" {
	local id
	# msgsnd: the private queue's id is printed, and the message is in that queue
	id=$("$IPCBOX" msgsnd -k 0 -c hello)
	[[ $id =~ ^[0-9]+$ ]]
	assert_eq "$("$IPCBOX" msgrcv -i "$id" -n)" hello
	# --create-only: created, printed, nothing sent, nothing read from stdin
	id=$(echo unread | "$IPCBOX" msgsnd -k 0x7e57 --create-only)
	assert_eq "$id" "$(awk '$1 == 32343 { print $2 }' /proc/sysvipc/msg)"
	assert_eq "$(awk '$1 == 32343 { print $5 }' /proc/sysvipc/msg)" 0
	# without -x it opens an existing one and prints the same id; with -x it fails
	assert_eq "$("$IPCBOX" msgsnd -k 0x7e57 --create-only)" "$id"
	run --separate-stderr "$IPCBOX" msgsnd -k 0x7e57 --create-only -x
	assert_status 1
	run --separate-stderr "$IPCBOX" msgsnd -k 0x7e57 --create-only hi
	assert_status 2
	# shmcat: plain and JSON
	id=$("$IPCBOX" shmcat -k 0 --create-only -s 4096)
	assert_eq "$(awk -v id="$id" '$2 == id { print $4 }' /proc/sysvipc/shm)" 4096
	run "$IPCBOX" shmcat -k 0 --create-only -s 4096 --json
	assert_status 0
	[ "$(jq -r .id <<<"$output")" -ge 0 ]
	id=$("$IPCBOX" shmcat -k 0 -c -s 8192 -w </dev/null)
	assert_eq "$(awk -v id="$id" '$2 == id { print $4 }' /proc/sysvipc/shm)" 8192
	# semop: a private set created for an operation prints its id, and the op happened
	id=$("$IPCBOX" semop -k 0 -c 0:+2)
	assert_eq "$("$IPCBOX" semop -i "$id" --get)" 2
	id=$("$IPCBOX" semop -k 0x7e58 --create-only)
	assert_eq "$("$IPCBOX" semop -i "$id" --get)" 0
	run --separate-stderr "$IPCBOX" semop -k 0x7e58 --create-only 0:+1
	assert_status 2
}
