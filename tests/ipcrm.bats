#!/usr/bin/env bats
# ipcrm: a drop-in for util-linux ipcrm, proved by running both on the same objects,
# plus POSIX objects, --dry-run and the filters.

load helpers
load ipcrm_helpers

setup() {
	ib_setup
	make_links
	clear_ipc
}

# A holder left by a failed test would keep its segments attached.
teardown() {
	if [ -n "${BG_PID:-}" ]; then
		kill "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
}

@test "ipcrm answers -h, --help, -V and --version" {
	for o in -h --help; do
		run --separate-stderr "$IPCBOX" ipcrm "$o"
		assert_status 0
		assert_contains "$output" "Usage: ipcrm [OPTION]..."
	done
	for o in -V --version; do
		run --separate-stderr "$IPCBOX" ipcrm "$o"
		assert_status 0
		assert_contains "$output" "ipcbox"
	done
}

@test "ipcrm with no argument is a usage error, exit 1" {
	run --separate-stderr "$IPCBOX" ipcrm
	assert_status 1
	assert_eq "$output" ""
	assert_eq "$stderr" "ipcrm: bad usage
Try 'ipcrm --help' for more information."
}

@test "ipcrm removes by id and by key, short and long options, like util-linux" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" -q 0
	same_as_util_linux "$s" -m 0
	same_as_util_linux "$s" -s 0
	same_as_util_linux "$s" -Q 0x1111
	same_as_util_linux "$s" -M 0x2222
	same_as_util_linux "$s" -S 0x3333
	same_as_util_linux "$s" -S 13107
	same_as_util_linux "$s" -Q 010421
	same_as_util_linux "$s" --queue-id 1 --shmem-id=1 --semaphore-id 0
	same_as_util_linux "$s" --queue-key=0x4444 --shmem-key 0x2222 --semaphore-key=0x3333
	same_as_util_linux "$s" -q0 -q1 -m0 -s0
	same_as_util_linux "$s" -v -q 0 -M 0x2222 --verbose -S 0x3333
	same_as_util_linux "$s" -q 0 -v -q 1
}

@test "ipcrm reports bad ids and keys like util-linux and carries on" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" -q 77 -q 0
	same_as_util_linux "$s" -q 0 -q 0 -m 0
	same_as_util_linux "$s" -m 5 -s 9 -q 1
	same_as_util_linux "$s" -q -1
	same_as_util_linux "$s" -Q 0 -q 0
	same_as_util_linux "$s" -Q 0x9999 -M 0x9999 -S 0x9999 -m 0
	same_as_util_linux "$s" -Q 99999999999
	same_as_util_linux "$s" -Q -5
	same_as_util_linux "$s" -M 0x2222 -M 0x2222
	same_as_util_linux "$s" -Q 0x4444 -q 2
}

@test "ipcrm stops at an unparsable argument like util-linux" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" -q abc
	same_as_util_linux "$s" -q 0 -q abc -q 1
	same_as_util_linux "$s" -q 99999999999 -q 0
	same_as_util_linux "$s" -q 0x10
	same_as_util_linux "$s" -q ''
	same_as_util_linux "$s" -Q 0x -q 0
	same_as_util_linux "$s" -Q 12junk
	same_as_util_linux "$s" -q 0 extra
	same_as_util_linux "$s" extra -q 0
	same_as_util_linux "$s" -q
	same_as_util_linux "$s" --bogus -q 0
	same_as_util_linux "$s" -x
	same_as_util_linux "$s" -v
}

@test "ipcrm reads abbreviations, --, clusters and option order like util-linux" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" --queue 0
	same_as_util_linux "$s" --queue-i 0 --semaphore-k 0x3333 --verb
	same_as_util_linux "$s" -- -q 0
	same_as_util_linux "$s" -q 0 -- -q 1
	same_as_util_linux "$s" -vq0
	same_as_util_linux "$s" -va
	same_as_util_linux "$s" --queue-id
	same_as_util_linux "$s" --verbose=1 -q 0
	same_as_util_linux "$s" -q 0 extra -q 1
}

@test "ipcrm shm|msg|sem ID... (the historical syntax) behaves like util-linux" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" msg 0 1
	same_as_util_linux "$s" shm 0 1
	same_as_util_linux "$s" sem 0
	same_as_util_linux "$s" msg 0 77 2
	same_as_util_linux "$s" msg 0 abc 1
	same_as_util_linux "$s" msg 0x10
	same_as_util_linux "$s" msg -1
	same_as_util_linux "$s" msg -v 0
	same_as_util_linux "$s" msg
	same_as_util_linux "$s" -v msg 0
}

@test "ipcrm -a and --all=KIND remove everything (of a kind) like util-linux" {
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	same_as_util_linux "$s" -a
	same_as_util_linux "$s" -v -a
	same_as_util_linux "$s" --all
	same_as_util_linux "$s" -v --all=msg
	same_as_util_linux "$s" -ashm
	same_as_util_linux "$s" --all=sem -v
	same_as_util_linux "$s" -a=shm
	same_as_util_linux "$s" --all=foo
	same_as_util_linux "$s" -a -q 0
	same_as_util_linux "$s" -a msg
	same_as_util_linux "$s" -ashm -amsg
}

@test "an unprivileged user gets util-linux's permission messages" {
	need_drop
	need_util_linux_ipcrm
	need_sysv_ipc
	local s=$STD_OBJECTS
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	same_as_util_linux "$s" -q 0 -Q 0x1111 -m 1 -M 0x5555 -s 0 -S 0x3333
	same_as_util_linux "$s" -Q 0x4444 -q 2
	same_as_util_linux "$s" -a
	same_as_util_linux "$s" -v --all=shm
	same_as_util_linux "$s" msg 0 1
	same_as_util_linux "mk msg 0x1111 0666 && mk msg 0x2222 0" -Q 0x1111 -q 1
	unset AS
}

@test "an unprivileged owner removes its own objects" {
	need_drop
	need_sysv_ipc
	local id
	id=$(as_nobody "$PY" -c 'import sysv_ipc; print(sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX, 0o600).id)')
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -v -q "$id"
	assert_status 0
	assert_eq "$output" "removing message queue id \`$id'"
	assert_eq "$(sysv_state)" ""
}

@test "a segment removed while attached is gone by key and stays until detached" {
	need_sysv_ipc
	local id
	id=$(mk shm 0x2222)
	# The holder keeps the segment attached until a line arrives on the fifo.
	mkfifo hold
	start_bg "$PY" -c 'import sys, sysv_ipc
m = sysv_ipc.SharedMemory(0x2222)
sys.stderr.write("attached\n"); sys.stderr.flush(); open("hold").read()'
	expect_line attached
	run --separate-stderr "$IPCBOX" ipcrm -v -M 0x2222
	assert_status 0
	assert_eq "$output" "removing shared memory segment id \`$id'"
	run --separate-stderr "$IPCBOX" ipcrm -M 0x2222
	assert_status 1
	assert_eq "$stderr" "ipcrm: invalid key (0x2222)"
	# Still listed (key 0, SHM_DEST) while attached.
	assert_eq "$(awk 'NR > 1 { print $1, $2 }' /proc/sysvipc/shm)" "0 $id"
	echo >hold
	wait "$BG_PID"
	assert_eq "$(sysv_state)" ""
}

@test "the differential check itself notices a difference" {
	need_util_linux_ipcrm
	need_sysv_ipc
	# util-linux 2.38 exits 0 silently on a bare ipcrm; ours (as 2.40+) says "bad usage".
	run same_as_util_linux "$STD_OBJECTS"
	assert_status 1
	assert_contains "$output" "bad usage"
}

@test "--posix-shmem, --posix-mqueue and --posix-semaphore remove POSIX objects" {
	need_mqueue
	build_mkposix
	"$MKPOSIX" shm /s1 && "$MKPOSIX" shm /s2 && "$MKPOSIX" sem /p1 && "$MKPOSIX" mq /q1
	run --separate-stderr "$IPCBOX" ipcrm -v --posix-shmem /s1 --posix-semaphore p1 --posix-mqueue /q1
	assert_status 0
	assert_eq "$output" "removing POSIX shared memory \`/s1'
removing POSIX semaphore \`p1'
removing POSIX message queue \`/q1'"
	assert_eq "$stderr" ""
	assert_eq "$(posix_state)" "shm s2"
}

@test "a missing or bad POSIX name is reported and ipcrm carries on" {
	need_mqueue
	build_mkposix
	"$MKPOSIX" shm /s1
	run --separate-stderr "$IPCBOX" ipcrm --posix-mqueue /nope --posix-semaphore /a/b \
		--posix-shmem "/$(printf 'x%.0s' {1..300})" --posix-shmem /s1
	assert_status 1
	assert_eq "$output" ""
	assert_eq "$stderr" "ipcrm: name \`/nope' not found
ipcrm: name \`/a/b': Invalid argument
ipcrm: name \`/$(printf 'x%.0s' {1..300})' too long"
	assert_eq "$(posix_state)" ""
}

@test "an unprivileged user may not remove another's POSIX objects" {
	need_drop
	need_mqueue
	build_mkposix
	"$MKPOSIX" shm /s1 0666 && "$MKPOSIX" sem /p1 0666 && "$MKPOSIX" mq /q1 0666
	run --separate-stderr as_nobody "$IPCBOX" ipcrm --posix-shmem /s1 --posix-semaphore /p1 --posix-mqueue /q1
	assert_status 1
	assert_eq "$stderr" "ipcrm: permission denied for name \`/s1'
ipcrm: permission denied for name \`/p1'
ipcrm: permission denied for name \`/q1'"
	assert_eq "$(posix_state)" "mq q1
sem p1
shm s1"
}

@test "--all=pshm, --all=psem and --all=pmsg remove one POSIX kind; -a removes every kind" {
	need_mqueue
	need_sysv_ipc
	build_mkposix
	"$MKPOSIX" shm /s1 && "$MKPOSIX" shm /s2 && "$MKPOSIX" sem /p1 && "$MKPOSIX" mq /q1
	mk msg 0x1111 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm -v --all=pshm
	assert_status 0
	assert_eq "$output" "removing POSIX shared memory \`/s1'
removing POSIX shared memory \`/s2'"
	assert_eq "$(posix_state)" "mq q1
sem p1"
	run --separate-stderr "$IPCBOX" ipcrm --all=psem
	assert_status 0
	assert_eq "$(posix_state)" "mq q1"
	"$MKPOSIX" shm /s3
	run --separate-stderr "$IPCBOX" ipcrm -a
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(posix_state)" ""
	assert_eq "$(sysv_state)" ""
}

@test "-n/--dry-run prints what would be removed and removes nothing, wherever it is written" {
	need_mqueue
	need_sysv_ipc
	build_mkposix
	"$MKPOSIX" shm /s1
	local q m before
	q=$(mk msg 0x1111)
	m=$(mk shm 0x2222)
	before=$(sysv_state)
	run --separate-stderr "$IPCBOX" ipcrm -q "$q" -M 0x2222 --posix-shmem /s1 -q 7 --posix-shmem /nope --dry-run
	assert_status 1
	assert_eq "$output" "would remove message queue id \`$q'
would remove shared memory segment id \`$m'
would remove POSIX shared memory \`/s1'
would remove message queue id \`7'
would remove POSIX shared memory \`/nope'"
	assert_eq "$stderr" "ipcrm: invalid id (7)
ipcrm: name \`/nope' not found"
	run --separate-stderr "$IPCBOX" ipcrm -n -a
	assert_status 0
	assert_eq "$output" "would remove shared memory segment id \`$m'
would remove POSIX shared memory \`/s1'
would remove message queue id \`$q'"
	assert_eq "$(sysv_state)" "$before"
	assert_eq "$(posix_state)" "shm s1"
}

@test "--dry-run as an unprivileged user foresees permission denied" {
	need_drop
	need_sysv_ipc
	local a b
	a=$(mk msg 0x1111 0644)
	b=$(mk msg 0x2222 0)
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -n -q "$a" -q "$b" -Q 0x1111
	assert_status 1
	assert_eq "$stderr" "ipcrm: permission denied for id ($a)
ipcrm: permission denied for id ($b)
ipcrm: permission denied for key ($a)"
	assert_eq "$(sysv_state | wc -l)" 2
}

@test "--stale removes what no live process is behind, and nothing attached" {
	need_sysv_ipc
	start_holder
	mk shm 0xd1 >/dev/null
	mk msg 0xe1 >/dev/null
	mk sem 0xf1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm -v --stale
	assert_status 0
	assert_eq "$stderr" ""
	assert_contains "$output" "(key 0x000000d1, owner root)"
	assert_contains "$output" "removing semaphore id"
	assert_eq "$(printf '%s\n' "$output" | wc -l)" 3
	assert_eq "$(keys_left)" "msg 0xc1
shm 0xa1
shm 0xb1"
	# Its process gone (and so detached), everything it made is stale.
	stop_holder
	run --separate-stderr "$IPCBOX" ipcrm --stale
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(keys_left)" ""
}

@test "--dead removes objects whose processes are all gone" {
	need_sysv_ipc
	start_holder
	mk shm 0xd1 >/dev/null
	mk msg 0xe1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm --dead -q -m
	assert_status 0
	assert_eq "$(keys_left)" "msg 0xc1
shm 0xa1
shm 0xb1"
	stop_holder
}

@test "--unattached -m removes only segments nothing is attached to" {
	need_sysv_ipc
	start_holder
	mk shm 0xd1 >/dev/null
	mk msg 0xe1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm --unattached --older-than 0 -m
	assert_status 0
	assert_eq "$(keys_left)" "msg 0xc1
msg 0xe1
shm 0xb1"
	# Without -m the other kinds never match --unattached either.
	run --separate-stderr "$IPCBOX" ipcrm --unattached
	assert_status 0
	assert_eq "$(keys_left)" "msg 0xc1
msg 0xe1
shm 0xb1"
	stop_holder
}

@test "--older-than keeps what changed recently; -q/-s/--all=KIND choose kinds" {
	need_sysv_ipc
	mk shm 0xd1 >/dev/null
	mk msg 0xe1 >/dev/null
	mk sem 0xf1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm -v --older-than 1h
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(keys_left | wc -l)" 3
	run --separate-stderr "$IPCBOX" ipcrm --older-than 0s -q --all=sem
	assert_status 0
	assert_eq "$(keys_left)" "shm 0xd1"
}

@test "--owner, --keys and --ids pick objects by owner, key and id" {
	need_drop
	need_sysv_ipc
	need_mqueue
	build_mkposix
	local n r
	n=$(as_nobody "$PY" -c 'import sysv_ipc; print(sysv_ipc.MessageQueue(0x11, sysv_ipc.IPC_CREX, 0o600).id)')
	r=$(mk msg 0x22)
	mk msg 0x1234 >/dev/null
	as_nobody "$MKPOSIX" shm /theirs
	"$MKPOSIX" shm /mine
	run --separate-stderr "$IPCBOX" ipcrm -v --owner nobody
	assert_status 0
	assert_eq "$output" "removing POSIX shared memory \`/theirs' (owner nobody)
removing message queue id \`$n' (key 0x00000011, owner nobody)"
	assert_eq "$(posix_state)" "shm mine"
	run --separate-stderr "$IPCBOX" ipcrm --keys 0x1000-0x1fff
	assert_status 0
	assert_eq "$(keys_left)" "msg 0x22"
	run --separate-stderr "$IPCBOX" ipcrm -v --ids "$r" --owner 0 -q
	assert_status 0
	assert_eq "$output" "removing message queue id \`$r' (key 0x00000022, owner root)"
	assert_eq "$(keys_left)" ""
	assert_eq "$(posix_state)" "shm mine"
}

@test "--dry-run with a filter prints exactly what a real run then removes" {
	need_sysv_ipc
	mk shm 0xd1 >/dev/null
	mk msg 0xe1 >/dev/null
	local before
	before=$(keys_left)
	run --separate-stderr "$IPCBOX" ipcrm --stale -n
	assert_status 0
	local would=$output
	assert_eq "$(keys_left)" "$before"
	run --separate-stderr "$IPCBOX" ipcrm --stale --verbose
	assert_status 0
	assert_eq "${would//would remove/removing}" "$output"
	assert_eq "$(printf '%s\n' "$output" | wc -l)" 2
	assert_eq "$(keys_left)" ""
}

@test "an unprivileged user's filtered removal reports what it may not remove" {
	need_drop
	need_sysv_ipc
	local id
	id=$(mk msg 0xe1 0666)
	run --separate-stderr as_nobody "$IPCBOX" ipcrm --stale
	assert_status 1
	assert_eq "$stderr" "ipcrm: permission denied for id ($id)"
	assert_eq "$(keys_left)" "msg 0xe1"
}

@test "a filter never widens to everything: misuse is an error that removes nothing" {
	need_sysv_ipc
	mk msg 0xe1 >/dev/null
	mk shm 0xd1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm -m
	assert_status 1
	assert_contains "$stderr" "$(libc_text "option requires an argument -- 'm'")"
	run --separate-stderr "$IPCBOX" ipcrm --stale -q 5
	assert_status 1
	assert_eq "$stderr" "ipcrm: unknown argument: 5
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm --stale -Q 0xe1
	assert_status 1
	assert_eq "$stderr" "ipcrm: -Q cannot be combined with a filter
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm --dead --posix-shmem /x
	assert_status 1
	assert_contains "$stderr" "--posix-shmem cannot be combined with a filter"
	run --separate-stderr "$IPCBOX" ipcrm --older-than soon
	assert_status 1
	assert_eq "$stderr" "ipcrm: invalid --older-than 'soon': expected a duration like 2, 1.5s or 250ms
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm --owner no-such-user-here
	assert_status 1
	assert_eq "$stderr" "ipcrm: invalid --owner 'no-such-user-here': expected a user name or uid
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm --keys 0x100000000
	assert_status 1
	assert_eq "$stderr" "ipcrm: invalid --keys '0x100000000': expected a key range: KEY, LOW-HIGH, LOW- or -HIGH
Try 'ipcrm --help' for more information."
	# with a filter, -m and --shmem-id name no segment: an ID is an error, not
	# ignored (that would sweep every stale segment)
	run --separate-stderr "$IPCBOX" ipcrm --stale --shmem-id 5
	assert_status 1
	assert_eq "$stderr" "ipcrm: unknown argument: 5
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm --stale --shmem-id=5
	assert_status 1
	assert_eq "$stderr" "ipcrm: option '--shmem-id' doesn't allow an argument
Try 'ipcrm --help' for more information."
	run --separate-stderr "$IPCBOX" ipcrm -m 5 --stale
	assert_status 1
	assert_eq "$stderr" "ipcrm: unknown argument: 5
Try 'ipcrm --help' for more information."
	# a -q before the first filter still takes an ID, as in util-linux
	run --separate-stderr "$IPCBOX" ipcrm -q --stale
	assert_status 1
	assert_eq "$stderr" "ipcrm: failed to parse argument: '--stale'"
	run --separate-stderr "$IPCBOX" ipcrm --stale --all=bogus
	assert_status 1
	assert_eq "$stderr" "ipcrm: unknown argument: bogus"
	assert_eq "$(keys_left)" "msg 0xe1
shm 0xd1"
}

@test "an object removed by someone else mid-sweep is not a failure" {
	need_sysv_ipc
	build_race_shim
	local a b
	a=$(mk msg 0xe1)
	b=$(mk msg 0xe2)
	for e in 22 43; do # EINVAL, EIDRM
		RACE=rmid RACE_ERRNO=$e run --separate-stderr race_ipcrm -v -a
		assert_status 0
		assert_eq "$stderr" ""
		assert_contains "$output" "message queue id \`$a' was already removed"
		assert_eq "$(keys_left)" ""
		a=$(mk msg 0xe1)
		b=$(mk msg 0xe2)
	done
	RACE=rmid RACE_ERRNO=22 run --separate-stderr race_ipcrm -v --stale
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(keys_left)" ""
	a=$(mk msg 0xe1)
	RACE=stat run --separate-stderr race_ipcrm -v --stale
	assert_status 0
	assert_eq "$output" "message queue id \`$a' was already removed"
	assert_eq "$stderr" ""
}

@test "an object removed by someone else before an explicit removal is reported as util-linux does" {
	need_sysv_ipc
	build_race_shim
	local a
	a=$(mk msg 0xe1)
	RACE=rmid RACE_ERRNO=43 run --separate-stderr race_ipcrm -q "$a"
	assert_status 1
	assert_eq "$stderr" "ipcrm: already removed id ($a)"
	a=$(mk msg 0xe1)
	RACE=rmid RACE_ERRNO=43 run --separate-stderr race_ipcrm -Q 0xe1
	assert_status 1
	assert_eq "$stderr" "ipcrm: already removed key ($a)"
	assert_eq "$(keys_left)" ""
}

@test "--dry-run foresees what POSIX removals would fail" {
	need_drop
	need_mqueue
	build_mkposix
	"$MKPOSIX" shm /s1 0666 && "$MKPOSIX" mq /q1 0666
	as_nobody "$MKPOSIX" sem /mine
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -n --posix-shmem /s1 --posix-mqueue q1 \
		--posix-semaphore /mine --posix-semaphore /nope
	assert_status 1
	assert_eq "$output" "would remove POSIX shared memory \`/s1'
would remove POSIX message queue \`q1'
would remove POSIX semaphore \`/mine'
would remove POSIX semaphore \`/nope'"
	assert_eq "$stderr" "ipcrm: permission denied for name \`/s1'
ipcrm: permission denied for name \`q1'
ipcrm: name \`/nope' not found"
	assert_eq "$(posix_state)" "mq q1
sem mine
shm s1"
}

@test "an object attached after it was listed is left alone" {
	need_sysv_ipc
	build_race_shim
	local a
	a=$(mk shm 0xd1)
	RACE=attach run --separate-stderr race_ipcrm -v --stale
	assert_status 0
	assert_eq "$output" "shared memory segment id \`$a' changed since it was listed: left alone"
	assert_eq "$stderr" ""
	assert_eq "$(keys_left)" "shm 0xd1"
}

@test "a failed write to stdout is an error" {
	need_sysv_ipc
	mk msg 0xe1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm -n -a
	assert_status 0
	run --separate-stderr bash -c '"$IPCBOX" ipcrm -n -a >/dev/full'
	assert_status 1
	assert_contains "$stderr" "ipcrm: write error: No space left on device"
	assert_eq "$(keys_left)" "msg 0xe1"
}

@test "--stale and --dead leave objects no process has used yet" {
	need_sysv_ipc
	"$PY" -c 'import sysv_ipc; sysv_ipc.MessageQueue(0xe9, sysv_ipc.IPC_CREX, 0o600)'
	mk msg 0xe1 >/dev/null
	run --separate-stderr "$IPCBOX" ipcrm --stale
	assert_status 0
	run --separate-stderr "$IPCBOX" ipcrm --dead
	assert_status 0
	assert_eq "$(keys_left)" "msg 0xe9"
}

@test "POSIX queues cannot be swept without an mqueue fs: an error when asked for, else skipped" {
	need_mqueue
	need_sysv_ipc
	mk msg 0xe1 >/dev/null
	run --separate-stderr unshare --mount bash -c 'umount /dev/mqueue && "$IPCBOX" ipcrm --all=pmsg'
	assert_status 1
	assert_eq "$stderr" "ipcrm: cannot list POSIX message queues: no mqueue file system on /dev/mqueue"
	run --separate-stderr unshare --mount bash -c 'umount /dev/mqueue && "$IPCBOX" ipcrm -a'
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(keys_left)" ""
}

@test "--stale takes the POSIX objects no process has open or mapped" {
	need_mqueue
	build_mkposix
	"$MKPOSIX" shm /held && "$MKPOSIX" shm /free && "$MKPOSIX" sem /lock
	# In a new pid namespace with its own /proc every process can be seen, which the
	# check needs (outside, a process we may not inspect would make it match nothing).
	unshare --pid --fork --mount-proc true 2>/dev/null || skip "no private pid namespace"
	mkfifo hold ready
	run --separate-stderr unshare --pid --fork --mount-proc bash -c '
		"$1" -c "import mmap, os
fd = os.open(\"/dev/shm/held\", os.O_RDWR); m = mmap.mmap(fd, 4096); os.close(fd)
open(\"ready\", \"w\").write(\"x\"); open(\"hold\").read()" &
		read -r _ <ready
		"$IPCBOX" ipcrm -v --stale --all=pshm || exit
		ls /dev/shm
		echo >hold
		wait
		"$IPCBOX" ipcrm -v --stale' _ "$PY"
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$output" "removing POSIX shared memory \`/free' (owner root)
held
sem.lock
removing POSIX shared memory \`/held' (owner root)
removing POSIX semaphore \`/lock' (owner root)"
	assert_eq "$(posix_state)" ""
}

@test "without privilege the POSIX users cannot all be seen, so no POSIX object is stale" {
	need_drop
	need_mqueue
	build_mkposix
	as_nobody "$MKPOSIX" shm /mine
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -v --stale
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(posix_state)" "shm mine"
}

@test "an empty id in the historical syntax is refused, not taken for id 0" {
	need_sysv_ipc
	local id
	id=$(mk msg 0xe1)
	run --separate-stderr "$IPCBOX" ipcrm msg ""
	assert_status 1
	assert_eq "${stderr% }" "ipcrm: invalid id:" # (bats may trim the trailing space)
	assert_eq "$(keys_left)" "msg 0xe1"
}

@test "-n holds in the historical syntax wherever it is written, up to --" {
	need_sysv_ipc
	local s q m before words
	s=$(mk shm 0xd1)
	q=$(mk msg 0xe1)
	m=$(mk sem 0xf1)
	before=$(sysv_state)
	for words in "shm $s -n" "shm -n $s" "-n shm $s" "shm $s --dry-run" "shm $s --dry" \
		"--dry-run shm $s"; do
		run --separate-stderr "$IPCBOX" ipcrm $words
		assert_status 0
		assert_eq "$output" "would remove shared memory segment id \`$s'"
		assert_eq "$stderr" ""
		assert_eq "$(sysv_state)" "$before"
	done
	run --separate-stderr "$IPCBOX" ipcrm msg "$q" -n 99
	assert_status 1
	assert_eq "$output" "would remove message queue id \`$q'
would remove message queue id \`99'"
	assert_eq "$stderr" "ipcrm: invalid id (99)"
	run --separate-stderr "$IPCBOX" ipcrm sem "$m" -n
	assert_status 0
	assert_eq "$(sysv_state)" "$before"
	# After --, -n is an id again (and not a number).
	run --separate-stderr "$IPCBOX" ipcrm sem -- -n
	assert_status 1
	assert_eq "$stderr" "ipcrm: invalid id: -n"
	assert_eq "$(sysv_state)" "$before"
	run --separate-stderr "$IPCBOX" ipcrm shm "$s"
	assert_status 0
	assert_eq "$output" "resource(s) deleted"
	assert_eq "$(keys_left)" "msg 0xe1
sem 0xf1"
}

@test "-v and -n quote POSIX names holding control bytes; plain names keep \`NAME'" {
	local nl=$'/a\nb' esc=$'/x\e[31my'
	: >"/dev/shm/${nl#/}"
	: >"/dev/shm/${esc#/}"
	: >/dev/shm/plain
	run --separate-stderr "$IPCBOX" ipcrm -n --all=pshm
	assert_status 0
	assert_eq "$output" "would remove POSIX shared memory '/a'\$'\\n''b'
would remove POSIX shared memory \`/plain'
would remove POSIX shared memory '/x'\$'\\033''[31my'"
	run --separate-stderr "$IPCBOX" ipcrm -v --posix-shmem "$nl" --posix-semaphore "$esc"
	assert_status 1
	assert_eq "$output" "removing POSIX shared memory '/a'\$'\\n''b'
removing POSIX semaphore '/x'\$'\\033''[31my'"
	assert_eq "$stderr" "ipcrm: name '/x'\$'\\033''[31my' not found"
	run --separate-stderr "$IPCBOX" ipcrm -v --owner root --all=pshm
	assert_status 0
	assert_eq "$output" "removing POSIX shared memory \`/plain' (owner root)
removing POSIX shared memory '/x'\$'\\033''[31my' (owner root)"
	assert_eq "$(ls /dev/shm)" ""
}

@test "--keys never selects IPC_PRIVATE objects; --keys 0 alone is a usage error" {
	need_sysv_ipc
	local p s
	p=$(mk msg 0)
	s=$(mk shm 0)
	mk msg 0x5 >/dev/null
	mk shm 0x6 >/dev/null
	for r in 0 0x0 00 0-0 -0; do
		run --separate-stderr "$IPCBOX" ipcrm --keys "$r"
		assert_status 1 # a usage error, as util-linux's ipcrm gives it
		assert_eq "${stderr%%$'\n'*}" "ipcrm: invalid --keys '$r': expected a key range other than 0: key 0 is IPC_PRIVATE, which names no object; select private objects with --ids"
		assert_eq "$(keys_left)" "msg 0x0
msg 0x5
shm 0x0
shm 0x6"
	done
	run --separate-stderr "$IPCBOX" ipcrm -n --keys -0xff
	assert_status 0
	assert_eq "$output" "would remove shared memory segment id \`$(awk '$1 == 6 { print $2 }' /proc/sysvipc/shm)' (key 0x00000006, owner root)
would remove message queue id \`$(awk '$1 == 5 { print $2 }' /proc/sysvipc/msg)' (key 0x00000005, owner root)"
	run --separate-stderr "$IPCBOX" ipcrm --keys 0-0xff -q
	assert_status 0
	assert_eq "$(keys_left)" "msg 0x0
shm 0x0
shm 0x6"
	run --separate-stderr "$IPCBOX" ipcrm --keys 0-
	assert_status 0
	assert_eq "$(keys_left)" "msg 0x0
shm 0x0"
	# Private objects are removed by id.
	run --separate-stderr "$IPCBOX" ipcrm --ids "$p" -q
	assert_status 0
	run --separate-stderr "$IPCBOX" ipcrm --ids "$s" -m
	assert_status 0
	assert_eq "$(keys_left)" ""
}

@test "--older-than saturates: objects centuries old (or at any mtime) match, the future never does" {
	need_sysv_ipc
	local t
	mk msg 0xe1 >/dev/null
	for t in -9223372036854775808 -100000000000 -20000000000; do
		: >/dev/shm/old
		touch -d "@$t" /dev/shm/old || skip "cannot set an mtime of $t here"
		for d in 1s 1d 200000d; do
			run --separate-stderr "$IPCBOX" ipcrm -n --older-than "$d" --all=pshm
			assert_status 0
			assert_eq "$output" "would remove POSIX shared memory \`/old' (owner root)"
			assert_eq "$stderr" ""
		done
	done
	: >/dev/shm/future
	touch -d @9223372036854775807 /dev/shm/future
	rm /dev/shm/old
	run --separate-stderr "$IPCBOX" ipcrm -n --older-than 0 --all=pshm
	assert_status 0
	assert_eq "$output" ""
	# A System V object made just now is not 200000 days old (no wrap either).
	run --separate-stderr "$IPCBOX" ipcrm --older-than 200000d
	assert_status 0
	assert_eq "$(keys_left)" "msg 0xe1"
	assert_eq "$(posix_state)" "shm future"
}

@test "-n by an object's creator after its owner was changed says it would remove it" {
	need_drop
	need_sysv_ipc
	local id
	id=$(as_nobody "$PY" -c 'import sysv_ipc; print(sysv_ipc.MessageQueue(0x71, sysv_ipc.IPC_CREX, 0o600).id)')
	"$PY" -c 'import sys, sysv_ipc; q = sysv_ipc.MessageQueue(int(sys.argv[1], 0)); q.uid = 12345' 0x71
	assert_eq "$(awk '$1 == 113 { print $8, $10 }' /proc/sysvipc/msg)" "12345 65534"
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -n -q "$id"
	assert_status 0
	assert_eq "$output" "would remove message queue id \`$id'"
	assert_eq "$stderr" ""
	assert_eq "$(keys_left)" "msg 0x71"
	# and the real run agrees
	run --separate-stderr as_nobody "$IPCBOX" ipcrm -v -q "$id"
	assert_status 0
	assert_eq "$output" "removing message queue id \`$id'"
	assert_eq "$(keys_left)" ""
}

@test "--stale leaves a segment attached by a live process whose creator and last attacher died" {
	need_sysv_ipc
	mk shm 0x72 >/dev/null # its creator has exited
	mkfifo hold
	start_bg "$PY" -c 'import sys, sysv_ipc
m = sysv_ipc.SharedMemory(0x72)
sys.stderr.write("attached\n"); sys.stderr.flush()
open(sys.argv[1]).read()' hold
	expect_line attached
	"$PY" -c 'import sysv_ipc; sysv_ipc.SharedMemory(0x72).detach()' # the last to attach, gone
	local cpid lpid nattch
	read -r cpid lpid nattch < <(awk '$1 == 114 { print $5, $6, $7 }' /proc/sysvipc/shm)
	assert_eq "$nattch" 1
	! kill -0 "$cpid" 2>/dev/null
	! kill -0 "$lpid" 2>/dev/null
	[ "$lpid" != "$BG_PID" ]
	run --separate-stderr "$IPCBOX" ipcrm -v --stale
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(keys_left)" "shm 0x72"
	echo >hold
	wait "$BG_PID"
	unset BG_PID
	run --separate-stderr "$IPCBOX" ipcrm --stale
	assert_status 0
	assert_eq "$(keys_left)" ""
}
