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
