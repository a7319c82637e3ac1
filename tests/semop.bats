#!/usr/bin/env bats
# semop: System V and POSIX semaphores from the shell, and --hold.
# Waiting for a process to block is done by reading the kernel's ncount/zcount
# (semop --get --json), never by sleeping. The suite shares one IPC namespace, so
# every key here is 0x5e3a00NN, a range no other test file uses.

load helpers
load semop_helpers

setup() {
	ib_setup
	need_cmd jq
}

# ---- creation and --get ----

@test "semop -c -N --init creates an initialised set and prints its id" {
	run --separate-stderr sem -k 0x5e3a0010 -c -N 3 --init 1,2,3
	assert_status 0
	assert_eq "$output" "$(sem_id 0x5e3a0010)"
	run sem -k 0x5e3a0010 --get
	assert_status 0
	assert_eq "$output" "1
2
3"
	run sem -k 0x5e3a0010 --get 2 0
	assert_eq "$output" "3
1"
}

@test "semop -c sets sem_otime, so openers know the set is ready" {
	sem -k 0x5e3a0011 -c -N 2 >/dev/null
	# /proc/sysvipc/sem: key semid perms nsems uid gid cuid cgid otime ctime
	local otime
	otime=$(awk -v k=$((0x5e3a0011)) '$1 == k { print $9 }' /proc/sysvipc/sem)
	[ "$otime" -ne 0 ]
	assert_eq "$(sem -k 0x5e3a0011 --get)" "0
0"
}

@test "semop -c by many at once: every one sees the initialised values" {
	local pids=() i
	for i in $(seq 20); do
		"$IPCBOX" semop -k 0x5e3a001f -c --init 3,4 --get >out.$i 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	for i in $(seq 20); do
		assert_eq "$(cat out.$i)" "3
4" || return 1
	done
	assert_eq "$(awk -v k=$((0x5e3a001f)) '$1 == k' /proc/sysvipc/sem | wc -l)" 1
}

@test "semop waits for the creator of a fresh set to initialise it (sem_otime 0)" {
	/usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null || skip "python3-sysv-ipc is not installed"
	# sysv_ipc creates a set without operating on it: sem_otime stays 0, value 0,
	# as if its creator were still between semget and its first semop.
	/usr/bin/python3 -c 'import sysv_ipc; sysv_ipc.Semaphore(0x5e3a001d, sysv_ipc.IPC_CREX)'
	# Without waiting, -n 0:-1 on value 0 would fail at once with status 3.
	start_bg "$IPCBOX" semop -k 0x5e3a001d -n 0:-1
	local end=$((SECONDS + 10))
	until grep -q nanosleep "/proc/$BG_PID/wchan" 2>/dev/null; do
		[ $SECONDS -le $end ] || { echo "semop never polled" >&2; return 1; }
	done
	/usr/bin/python3 -c 'import sysv_ipc; sysv_ipc.Semaphore(0x5e3a001d).release()'
	wait "$BG_PID"
	assert_eq "$(sem -k 0x5e3a001d --get)" 0
}

@test "semop --get to a full disk fails loudly" {
	[ -w /dev/full ] || skip "no /dev/full"
	sem -k 0x5e3a001e -c --init 1 >/dev/null
	run --separate-stderr bash -c '"$IPCBOX" semop -k 0x5e3a001e --get >/dev/full'
	assert_status 1
	assert_contains "$stderr" "No space left on device"
}

@test "semop -c with one --init value per semaphore; -N defaults to their count, else 1" {
	sem -k 0x5e3a0012 -c --init 4,5 >/dev/null
	assert_eq "$(sem -k 0x5e3a0012 --get)" "4
5"
	sem -k 0x5e3a0013 -c >/dev/null
	assert_eq "$(sem -k 0x5e3a0013 --get)" "0"
	run --separate-stderr sem -k 0x5e3a0014 -c -N 3 --init 1,2
	assert_status 2
	assert_contains "$stderr" "--init gives 2 values for 3 semaphores"
}

@test "semop -c on an existing set opens it and leaves its values; -x refuses" {
	sem -k 0x5e3a0015 -c --init 7 >/dev/null
	run sem -k 0x5e3a0015 -c --init 1 --get
	assert_status 0
	assert_eq "$output" 7
	run --separate-stderr sem -k 0x5e3a0015 -c -x --init 1
	assert_status 1
	assert_eq "$stderr" "semop: create semaphore set key 0x5e3a0015: File exists"
	run --separate-stderr sem -k 0x5e3a0015 -c -N 4
	assert_status 1
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0015 has 1 semaphores, not 4"
}

@test "semop -c -m sets the permissions; -i and -f select the set too" {
	local id
	id=$(sem -k 0x5e3a0016 -c -m 0640 --init 3)
	assert_eq "$(awk -v k=$((0x5e3a0016)) '$1 == k { print $3 }' /proc/sysvipc/sem)" 640
	assert_eq "$(sem -i "$id" --get)" 3
	: >ftokfile
	sem -f ftokfile:7 -c --init 9 >/dev/null
	assert_eq "$(sem -f ftokfile:7 --get)" 9
	assert_eq "$(sem -k 0 -c --init 2 | xargs -I{} "$IPCBOX" semop -i {} --get)" 2
}

@test "semop --get --json gives value, waiters and last pid" {
	sem -k 0x5e3a0017 -c --init 5,0 >/dev/null
	sem -k 0x5e3a0017 0:-2
	run sem -k 0x5e3a0017 --get --json
	assert_status 0
	assert_eq "$(jq -c '[.nsems, [.semaphores[] | .semnum, .value, .ncount, .zcount]]' <<<"$output")" \
		"[2,[0,3,0,0,1,0,0,0]]"
	[ "$(jq '.semaphores[0].pid' <<<"$output")" -gt 0 ]
	assert_eq "$(jq '.id' <<<"$output")" "$(sem_id 0x5e3a0017)"
}

@test "semop --set and --setall change values" {
	sem -k 0x5e3a0018 -c -N 3 >/dev/null
	sem -k 0x5e3a0018 --set 0=5 2=32767
	assert_eq "$(sem -k 0x5e3a0018 --get)" "5
0
32767"
	sem -k 0x5e3a0018 --setall 1,2,3
	assert_eq "$(sem -k 0x5e3a0018 --get)" "1
2
3"
	run --separate-stderr sem -k 0x5e3a0018 --setall 1,2
	assert_status 2
	assert_contains "$stderr" "--setall gives 2 values for 3 semaphores"
}

# ---- operations ----

@test "semop OPs happen together or not at all" {
	sem -k 0x5e3a0020 -c --init 1,0 >/dev/null
	run --separate-stderr sem -k 0x5e3a0020 -n 0:-1 1:-1
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0020: would block"
	assert_eq "$(sem -k 0x5e3a0020 --get)" "1
0"
	sem -k 0x5e3a0020 0:-1 1:+2
	assert_eq "$(sem -k 0x5e3a0020 --get)" "0
2"
	sem -k 0x5e3a0020 0:0 1:-1 1:-1
	assert_eq "$(sem -k 0x5e3a0020 --get)" "0
0"
}

@test "semop suffix n and option -n do not wait; -w waits at most DURATION" {
	sem -k 0x5e3a0021 -c --init 0,1 >/dev/null
	run --separate-stderr sem -k 0x5e3a0021 0:-1n
	assert_status 3
	run --separate-stderr sem -k 0x5e3a0021 --nowait 1:0
	assert_status 3
	run --separate-stderr sem -k 0x5e3a0021 --no-wait 1:0
	assert_status 3
	run --separate-stderr sem -k 0x5e3a0021 1:0 --no
	assert_status 3
	run --separate-stderr sem -k 0x5e3a0021 -w 50ms 0:-1
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0021: timed out after 50ms"
	run --separate-stderr sem -k 0x5e3a0021 --wait 5 1:-1
	assert_status 0
	assert_eq "$(sem -k 0x5e3a0021 --get 1)" 0
}

@test "semop u undoes the operation when semop exits" {
	sem -k 0x5e3a0022 -c --init 1 >/dev/null
	sem -k 0x5e3a0022 0:-1u
	assert_eq "$(sem -k 0x5e3a0022 --get)" 1
	sem -k 0x5e3a0022 0:+3un
	assert_eq "$(sem -k 0x5e3a0022 --get)" 1
}

@test "semop -N (a bare minus) works as the first OP without --" {
	sem -k 0x5e3a0023 -c --init 3 >/dev/null
	sem -k 0x5e3a0023 -2
	assert_eq "$(sem -k 0x5e3a0023 --get)" 1
	sem -k 0x5e3a0023 -n -1 +4
	assert_eq "$(sem -k 0x5e3a0023 --get)" 4
}

@test "semop options may follow the operands; with --hold, COMMAND needs no --" {
	sem -k 0x5e3a002a -c --init 1,0 >/dev/null
	run --separate-stderr sem -k 0x5e3a002a 1:-1 -n
	assert_status 3
	run --separate-stderr sem 0:-1 1:+1 -k 0x5e3a002a --wait=1
	assert_status 0
	assert_eq "$(sem -k 0x5e3a002a --get 1 --json | jq -c '[.semaphores[].value]')" "[1]"
	run sem --ini 2 -k 0x5e3a002b --create --get
	assert_eq "$output" 2
	run sem -k 0x5e3a002a --hold -s 1 sh -c 'printf "%s," "$@"; exit 4' sh -n -- x
	assert_status 4
	assert_eq "$output" "-n,--,x,"
}

@test "semop blocks until another process makes the operation possible" {
	sem -k 0x5e3a0024 -c -N 2 >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0024 0:-2 1:+1
	wait_sem 0x5e3a0024 0 ncount 1
	sem -k 0x5e3a0024 0:+1
	assert_eq "$(sem -k 0x5e3a0024 --get 1)" 0
	sem -k 0x5e3a0024 0:+1
	wait "$BG_PID"
	assert_eq "$(sem -k 0x5e3a0024 --get)" "0
1"
}

@test "semop waiting for zero blocks until the value is zero" {
	sem -k 0x5e3a0025 -c --init 2 >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0025 0:0
	wait_sem 0x5e3a0025 0 zcount 1
	sem -k 0x5e3a0025 0:-2
	wait "$BG_PID"
}

@test "semop blocked when the set is removed: EIDRM, exit 1" {
	need_cmd ipcrm
	sem -k 0x5e3a0026 -c >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0026 0:-1
	wait_sem 0x5e3a0026 0 ncount 1
	ipcrm -s "$(sem_id 0x5e3a0026)"
	local rc=0
	wait "$BG_PID" || rc=$?
	assert_eq "$rc" 1
	IFS= read -r -t 10 -u 8 LINE
	assert_eq "$LINE" "semop: semaphore set key 0x5e3a0026: removed while in use"
}

@test "semop blocked survives a stop and continue and still completes" {
	sem -k 0x5e3a0027 -c >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0027 0:-1
	wait_sem 0x5e3a0027 0 ncount 1
	kill -STOP "$BG_PID"
	kill -CONT "$BG_PID"
	wait_sem 0x5e3a0027 0 ncount 1
	sem -k 0x5e3a0027 0:+1
	wait "$BG_PID"
	assert_eq "$(sem -k 0x5e3a0027 --get)" 0
}

@test "semop blocked and killed by a signal takes nothing" {
	sem -k 0x5e3a0028 -c --init 1,0 >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0028 0:-1 1:-1
	wait_sem 0x5e3a0028 1 ncount 1
	kill -TERM "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	assert_eq "$rc" 143
	assert_eq "$(sem -k 0x5e3a0028 --get)" "1
0"
	assert_eq "$(sem_field 0x5e3a0028 1 ncount)" 0
}

@test "semop result above 32767 is refused (ERANGE), nothing changes" {
	sem -k 0x5e3a0029 -c --init 32767 >/dev/null
	run --separate-stderr sem -k 0x5e3a0029 0:+1
	assert_status 1
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0029: a value would go above 32767"
	assert_eq "$(sem -k 0x5e3a0029 --get)" 32767
}

# ---- errors ----

@test "semop on a missing object: exit 1 and says which" {
	run --separate-stderr sem -k 0x5e3a0030 0:+1
	assert_status 1
	assert_eq "$stderr" "semop: no semaphore set with key 0x5e3a0030"
	run --separate-stderr sem -i 123456 --get
	assert_status 1
	assert_eq "$stderr" "semop: no semaphore set with id 123456"
	run --separate-stderr sem -P /nosuch --get
	assert_status 1
	assert_eq "$stderr" "semop: no semaphore /nosuch"
}

@test "semop as an unprivileged user: permission denied" {
	need_drop
	sem -k 0x5e3a0031 -c -m 0600 --init 1 >/dev/null
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a0031 0:-1
	assert_status 1
	assert_eq "$stderr" "semop: open semaphore set key 0x5e3a0031: Permission denied"
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a0031 --get
	assert_status 1
	sem -k 0x5e3a0032 -c -m 0604 --init 1 >/dev/null
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a0032 --get
	assert_status 0
	assert_eq "$output" 1
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a0032 --set 0=3
	assert_status 1
	assert_eq "$stderr" "semop: open semaphore set key 0x5e3a0032: Permission denied"
	sem -P /private -c -m 0600 --init 1
	run --separate-stderr as_nobody "$IPCBOX" semop -P /private -1
	assert_status 1
	assert_eq "$stderr" "semop: open semaphore /private: Permission denied"
}

@test "semop usage errors: malformed OPs and values out of range, exit 2" {
	sem -k 0x5e3a0033 -c -N 2 >/dev/null
	local bad
	for bad in 0:1 0:+ 0: :+1 x:+1 0:+1x 0:-0 0:+32768 0:- 1:++1 0:00 abc; do
		run --separate-stderr sem -k 0x5e3a0033 "$bad"
		assert_status 2 || { echo "op $bad" >&2; return 1; }
		assert_contains "$stderr" "invalid" || return 1
	done
	run --separate-stderr sem -k 0x5e3a0033 2:+1
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" \
		"semop: semaphore number 2 out of range: semaphore set key 0x5e3a0033 has 2 (0-1)"
	run --separate-stderr sem -k 0x5e3a0033 --get 0 5
	assert_status 2
	assert_eq "$output" ""
	run --separate-stderr sem -k 0x5e3a0033 --set 1=32768
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "semop: invalid value '32768': must be 0-32767"
	run --separate-stderr sem -k 0x5e3a0033 --set 1
	assert_status 2
	run --separate-stderr sem -k 0x5e3a0034 -c --init 40000
	assert_status 2
	run --separate-stderr sem -k 0x5e3a0033 --hold -s 3 -- true
	assert_status 2
	assert_eq "$(sem -k 0x5e3a0033 --get)" "0
0"
}

@test "semop refuses more OPs than SEMOPM in one call" {
	sem -k 0x5e3a0035 -c >/dev/null
	local max ops=()
	max=$(awk '{ print $3 }' /proc/sys/kernel/sem)
	for ((i = 0; i <= max; i++)); do ops+=(0:+1); done
	run --separate-stderr sem -k 0x5e3a0035 "${ops[@]}"
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" \
		"semop: too many operations ($((max + 1))): the kernel allows $max in one call (SEMOPM)"
	unset 'ops[0]'
	sem -k 0x5e3a0035 "${ops[@]}"
	assert_eq "$(sem -k 0x5e3a0035 --get)" "$max"
}

@test "semop usage errors: option combinations, exit 2" {
	local args
	while IFS= read -r args; do
		run --separate-stderr sem $args
		assert_status 2 || { echo "args: $args" >&2; return 1; }
		assert_contains "$stderr" "Try 'semop --help'" || return 1
	done <<-'EOF'
		0:+1
		-k 1
		-k 1 -n -w 1 0:+1
		-k 1 --json 0:+1
		-k 1 -N 2 0:+1
		-k 1 --init 1 0:+1
		-k 1 -s 1 0:+1
		-k 1 -E 4 0:+1
		-k 1 --get --set
		-k 1 --hold
		-k 1 --hold -C 0 -- true
		-k 1 --hold -E 256 -- true
		-k 1 -w soon 0:+1
		-k 1 -n --get
		-k 1 -c --setall 1 2
		-k 1 -c -N 0
		-k 1 -c -N 32001
		-k 1 -c --init 1,,2
		-k 1 -c --init ,1
		-k 1 -c --init 1,
		-k 1 -c --init -1
		-k 1 --bogus
		-P /p --set 0=1
		-P /p --setall 1
		-P /p 0:+1u
		-P /p 1:+1
		-P /p 0:0
		-P /p +1 +1
		-P /p -c -N 2
		-P /p --hold -s 1 -- true
		-P bad --get
		-k 1 --background 0:+1
		-k 1 --shared 0:+1
		-k 1 --hold --shared --writer -- true
		-k 1 --hold --shared -C 2 -- true
		-k 1 --hold-for 0
		-k 1 --hold-for x
		-k 1 --hold-for 1 -- true
		-k 1 --release-for 1 -n
		-k 1 --release-for 1 -C 2
		-k 1 --wait-idle --background
		-k 1 --wait-idle --shared
		-k 1 -q --get
		-P /p --hold --shared -- true
		-P /p --hold --background -- true
		-P /p --hold-for 1
		-P /p --wait-idle
	EOF
}

@test "semop usage errors: one message per argument kind and per exclusion" {
	local args want
	while IFS='|' read -r args want; do
		run --separate-stderr sem $args
		assert_status 2 || { echo "args: $args" >&2; return 1; }
		assert_eq "${stderr%%$'\n'*}" "semop: $want"
	done <<-'EOF'
		-k 1 -w 1x 0:+1|invalid --wait '1x': expected a duration like 2, 1.5s or 250ms
		-k 1 -n -w 1 0:+1|--no-wait and --wait exclude each other
		-k 1 --get --set|--get and --set exclude each other
		-k 1 --hold --setall 1 -- true|--hold and --setall exclude each other
		-k 1 -c -N 0|invalid --nsems '0': expected a whole number from 1 to 32000
		-k 1 -c --init 1,x|invalid --init '1,x': expected values V,V,... from 0 to 32767
		-k 1 --setall 1,,2|invalid --setall '1,,2': expected values V,V,... from 0 to 32767
		-k 1 --hold -C 0 -- true|invalid --count '0': expected a whole number from 1 to 32767
		-k 1 --hold -E 256 -- true|invalid --conflict-exit-code '256': expected a whole number of at most 255
		-k 1 --hold -s x -- true|invalid --semnum 'x': expected a whole number of at most 32767
		-k 1 --se 1|option '--se' is ambiguous; possibilities: '--set' '--setall' '--semnum'
		-k 1 --hold --shared --writer -- true|--shared and --writer exclude each other
		-k 1 --hold --hold-for 1|--hold and --hold-for exclude each other
		-k 1 --hold --shared -C 2 -- true|-C does not go with --shared: a shared holder raises the value by one
		-P /p --hold --background -- true|--shared, --writer, --background, --hold-for, --release-for and --wait-idle need a System V semaphore (a POSIX one has no undo)
	EOF
}

@test "semop --help and --version" {
	run sem --help
	assert_status 0
	assert_contains "$output" "Usage: semop OBJECT [-n | -w DURATION] OP..."
	run sem --version
	assert_status 0
}

# ---- --hold ----

@test "semop --hold runs COMMAND holding the semaphore and passes its status" {
	sem -k 0x5e3a0040 -c --init 3 >/dev/null
	run --separate-stderr sem -k 0x5e3a0040 --hold -C 2 -- sh -c '"$IPCBOX" semop -k 0x5e3a0040 --get; exit 7'
	assert_status 7
	assert_eq "$output" 1
	assert_eq "$(sem -k 0x5e3a0040 --get)" 3
	sem -k 0x5e3a0040 --setall 0
	sem -k 0x5e3a0041 -c --init 0,1 >/dev/null
	run sem -k 0x5e3a0041 --hold -s 1 -- "$IPCBOX" semop -k 0x5e3a0041 --get
	assert_status 0
	assert_eq "$output" "0
0"
}

@test "semop --hold: the command's pid holds the semaphore (its undo)" {
	sem -k 0x5e3a0042 -c --init 1 >/dev/null
	run sem -k 0x5e3a0042 --hold -- sh -c 'echo $$; "$IPCBOX" semop -k 0x5e3a0042 --get --json 0 | jq .semaphores[0].pid'
	assert_status 0
	assert_eq "${lines[0]}" "${lines[1]}"
}

@test "semop --hold: a command killed by a signal gives 128+N and releases" {
	sem -k 0x5e3a0043 -c --init 1 >/dev/null
	run sem -k 0x5e3a0043 --hold -- sh -c 'kill -KILL $$'
	assert_status 137
	assert_eq "$(sem -k 0x5e3a0043 --get)" 1
	run sem -k 0x5e3a0043 --hold -- sh -c 'kill -SEGV $$'
	assert_status 139
	assert_eq "$(sem -k 0x5e3a0043 --get)" 1
}

@test "semop --hold passes the status even when SIGCHLD came in ignored" {
	sem -k 0x5e3a004a -c --init 1 >/dev/null
	run bash -c 'trap "" CHLD; exec "$IPCBOX" semop -k 0x5e3a004a --hold -- sh -c "exit 5"'
	assert_status 5
}

@test "semop --hold: 127 for a command not found, 126 for one not executable" {
	sem -k 0x5e3a0044 -c --init 1 >/dev/null
	run -127 --separate-stderr sem -k 0x5e3a0044 --hold -- no-such-command-here
	assert_status 127
	assert_eq "$stderr" "semop: cannot run 'no-such-command-here': No such file or directory"
	: >notexec
	run --separate-stderr sem -k 0x5e3a0044 --hold -- ./notexec
	assert_status 126
	assert_eq "$stderr" "semop: cannot run './notexec': Permission denied"
	assert_eq "$(sem -k 0x5e3a0044 --get)" 1
}

@test "semop --hold -n, -w and -E when the semaphore is taken" {
	sem -k 0x5e3a0045 -c --init 1 >/dev/null
	run --separate-stderr sem -k 0x5e3a0045 --hold -C 2 -n -- touch ran
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0045: would block"
	run --separate-stderr sem -k 0x5e3a0045 --hold -C 2 -w 20ms -E 42 -- touch ran
	assert_status 42
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0045: timed out after 20ms"
	run --separate-stderr sem -k 0x5e3a0045 --hold -C 2 -n --conflict-exit-code 0 -- touch ran
	assert_status 0
	[ ! -e ran ]
	assert_eq "$(sem -k 0x5e3a0045 --get)" 1
}

@test "semop --hold forwards SIGTERM to the command, which releases" {
	sem -k 0x5e3a0046 -c --init 1,0 >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0046 --hold -- "$IPCBOX" semop -k 0x5e3a0046 1:-1
	wait_sem 0x5e3a0046 1 ncount 1
	assert_eq "$(sem -k 0x5e3a0046 --get 0)" 0
	kill -TERM "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	assert_eq "$rc" 143
	assert_eq "$(sem -k 0x5e3a0046 --get)" "1
0"
	assert_eq "$(sem_field 0x5e3a0046 1 ncount)" 0
}

@test "semop --hold forwards SIGHUP too; 128+N is the command's signal" {
	sem -k 0x5e3a0048 -c --init 1,0 >/dev/null
	# (env: an ignored SIGHUP, as under nohup, would rightly stay ignored)
	start_bg env --default-signal=HUP "$IPCBOX" semop -k 0x5e3a0048 --hold -- \
		"$IPCBOX" semop -k 0x5e3a0048 1:-1
	wait_sem 0x5e3a0048 1 ncount 1
	kill -HUP "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	assert_eq "$rc" 129
	assert_eq "$(sem -k 0x5e3a0048 --get 0)" 1
}

@test "semop --hold forwards SIGINT when it was not ignored; an ignored one stays ignored" {
	sem -k 0x5e3a0049 -c --init 1,0 >/dev/null
	# Background jobs of a script start with SIGINT ignored: env gives it back.
	start_bg env --default-signal=INT "$IPCBOX" semop -k 0x5e3a0049 --hold -- \
		"$IPCBOX" semop -k 0x5e3a0049 1:-1
	wait_sem 0x5e3a0049 1 ncount 1
	kill -INT "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	assert_eq "$rc" 130
	assert_eq "$(sem -k 0x5e3a0049 --get 0)" 1
	# Inherited "ignore" passes to COMMAND unchanged (as nohup relies on for SIGHUP).
	run bash -c 'trap "" INT; exec "$IPCBOX" semop -k 0x5e3a0049 --hold -- sh -c "kill -INT \$\$; echo survived"'
	assert_status 0
	assert_eq "$output" survived
}

@test "semop --hold: killing semop itself leaves COMMAND holding until it ends" {
	sem -k 0x5e3a0047 -c --init 1,0 >/dev/null
	start_bg "$IPCBOX" semop -k 0x5e3a0047 --hold -- "$IPCBOX" semop -k 0x5e3a0047 1:-1
	wait_sem 0x5e3a0047 1 ncount 1
	kill -KILL "$BG_PID"
	wait "$BG_PID" || true
	assert_eq "$(sem -k 0x5e3a0047 --get 0)" 0
	sem -k 0x5e3a0047 1:+1
	wait_sem 0x5e3a0047 0 value 1
}

@test "ten concurrent semop --hold on a count-2 semaphore never run more than two" {
	# 0x5e3a0050 is the lock (2); 0x5e3a0051 the job's gate (gated_job).
	sem -k 0x5e3a0050 -c --init 2 >/dev/null
	gated_job 0x5e3a0051
	local pids=() i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$IPCBOX" semop -k 0x5e3a0050 --hold -- sh job 3>&- &
		pids+=($!)
	done
	# Two inside waiting at the gate, eight waiting for the lock.
	wait_sem 0x5e3a0051 2 ncount 2
	wait_sem 0x5e3a0050 0 ncount 8
	assert_eq "$(sem -k 0x5e3a0051 --get 0 1)" "2
0"
	# Let them through one at a time: each time, again two inside.
	for i in 1 2 3 4 5 6 7 8; do
		sem -k 0x5e3a0051 2:+1
		wait_sem 0x5e3a0050 0 ncount $((8 - i))
		wait_sem 0x5e3a0051 2 ncount 2
		assert_eq "$(sem -k 0x5e3a0051 --get 0)" 2
	done
	sem -k 0x5e3a0051 2:+2
	for i in "${pids[@]}"; do wait "$i"; done
	[ ! -e overflow ]
	assert_eq "$(sem -k 0x5e3a0050 --get)" 2
	assert_eq "$(sem -k 0x5e3a0051 --get)" "0
2
0"
}

# ---- POSIX named semaphores ----

@test "semop -P: -c --init, +N posts, -N waits, --get" {
	sem -P /ps -c --init 2
	[ -e /dev/shm/sem.ps ]
	assert_eq "$(sem -P /ps --get)" 2
	sem -P /ps +3
	sem -P /ps -4
	assert_eq "$(sem -P /ps --get 0)" 1
	sem -P /ps 0:-1
	assert_eq "$(sem -P /ps --get --json)" '{"name": "/ps", "value": 0}'
	run --separate-stderr sem -P /ps -c -x
	assert_status 1
	assert_eq "$stderr" "semop: create semaphore /ps: File exists"
	run --separate-stderr sem -P /ps --get 1
	assert_status 2
}

@test "semop -P -n and -w: exit 3, and a partial -N is given back" {
	umask 077
	sem -P /pw -c --init 1 -m 0644
	assert_eq "$(stat -c %a /dev/shm/sem.pw)" 644
	run --separate-stderr sem -P /pw -n -2
	assert_status 3
	assert_eq "$stderr" "semop: semaphore /pw: would block"
	assert_eq "$(sem -P /pw --get)" 1
	run --separate-stderr sem -P /pw -w 20ms -2
	assert_status 3
	assert_eq "$stderr" "semop: semaphore /pw: timed out after 20ms"
	assert_eq "$(sem -P /pw --get)" 1
	run --separate-stderr sem -P /pw -1n
	assert_status 0
	assert_eq "$(sem -P /pw --get)" 0
}

@test "semop -P blocks until posted" {
	sem -P /pb -c
	start_bg "$IPCBOX" semop -P /pb -w 30 -1
	# POSIX semaphores show no waiters; whenever the post lands, the wait ends.
	sem -P /pb +1
	wait "$BG_PID"
	assert_eq "$(sem -P /pb --get)" 0
}

@test "semop -P --hold takes, runs and gives back, even if the command is killed" {
	sem -P /ph -c --init 3
	run sem -P /ph --hold -C 2 -- "$IPCBOX" semop -P /ph --get
	assert_status 0
	assert_eq "$output" 1
	run sem -P /ph --hold -- sh -c 'kill -KILL $$'
	assert_status 137
	assert_eq "$(sem -P /ph --get)" 3
	run --separate-stderr sem -P /ph --hold -C 4 -n -E 5 -- true
	assert_status 5
	run --separate-stderr sem -P /ph --hold -C 4 -w 10ms -E 0 -- touch ran
	assert_status 0
	assert_eq "$stderr" "semop: semaphore /ph: timed out after 10ms"
	[ ! -e ran ]
	assert_eq "$(sem -P /ph --get)" 3
}

@test "--hold: a terminal's ^C reaches COMMAND once; a kill to semop alone is forwarded once" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	load pipeline_helpers
	make_signal_counter
	local l=$BATS_TEST_TMPDIR/s1
	run --separate-stderr /usr/bin/python3 "$CTRLC" "$l" "$IPCBOX" semop -k 0x7c -c --init 1 \
		--hold -- /usr/bin/python3 "$COUNTER" "$l"
	assert_status 0
	assert_eq "$output" "ready INT INT TERM
0"
	assert_eq "$("$IPCBOX" semop -k 0x7c --get)" 1
}

# Waits until process $1 sleeps in a futex (a POSIX semaphore wait), bounded.
wait_futex() {
	local w end=$((SECONDS + 10))
	while [ $SECONDS -le $end ]; do
		w=$(cat "/proc/$1/wchan" 2>/dev/null) || :
		[[ $w == *futex* ]] && return 0
		kill -0 "$1" 2>/dev/null || { echo "process $1 exited" >&2; return 1; }
	done
	echo "process $1 never waited in a futex (wchan: $w)" >&2
	return 1
}

@test "semop -P -N stopped by a signal while it waits gives back the units it took" {
	for sig in TERM INT HUP QUIT USR1 ALRM; do
		sem -P /pn -c --init 2
		# -3 takes two and waits for the third
		env --default-signal=INT,QUIT,HUP "$IPCBOX" semop -P /pn -3 2>err &
		local pid=$!
		wait_futex $pid
		assert_eq "$(sem -P /pn --get)" 0
		kill -$sig $pid
		local rc=0
		wait $pid || rc=$?
		assert_eq "$(kill -l $rc)" $sig
		assert_eq "$(cat err)" "semop: semaphore /pn: interrupted while waiting by SIG$sig; what was taken was given back"
		assert_eq "$(sem -P /pn --get)" 2
		rm /dev/shm/sem.pn
	done
}

@test "semop -P --hold -C N stopped while still waiting gives back, runs nothing" {
	sem -P /pc -c --init 2
	"$IPCBOX" semop -P /pc --hold -C 3 -- touch ran 2>err &
	local pid=$!
	wait_futex $pid
	kill -TERM $pid
	local rc=0
	wait $pid || rc=$?
	assert_eq "$rc" 143
	assert_eq "$(sem -P /pc --get)" 2
	[ ! -e ran ]
}

@test "semop -P --hold stopped by a signal it does not pass on: gives back once COMMAND ends" {
	mkfifo p
	for sig in USR1 USR2 ALRM PIPE QUIT; do
		sem -P /pr -c --init 1
		start_bg env --default-signal=INT,QUIT "$IPCBOX" semop -P /pr --hold -- \
			sh -c 'echo running >&2; read line <p; echo "done $line" >&2'
		expect_line '^running'
		assert_eq "$(sem -P /pr --get)" 0
		kill -$sig $BG_PID
		echo go >p # COMMAND goes on, holding the semaphore, until it ends
		expect_line '^done go'
		local rc=0
		wait $BG_PID || rc=$?
		BG_PID=
		assert_eq "$(kill -l $rc)" $sig
		assert_eq "$(sem -P /pr --get)" 1
		rm /dev/shm/sem.pr
	done
}

# ---- locks and jobs (issue 12): free locks, --shared/--writer, --background,
# --wait-idle, --hold-for/--release-for, -q ----

@test "semop -c --hold without --init creates a free lock: COUNT, or 1 for --shared" {
	run --separate-stderr sem -k 0x5e3a0070 -c --hold -- "$IPCBOX" semop -k 0x5e3a0070 --get
	assert_status 0
	assert_eq "$output" 0
	assert_eq "$(sem -k 0x5e3a0070 --get)" 1
	run sem -k 0x5e3a0071 -c --hold -C 3 -- "$IPCBOX" semop -k 0x5e3a0071 --get
	assert_eq "$output" 0
	assert_eq "$(sem -k 0x5e3a0071 --get)" 3
	run sem -k 0x5e3a0072 -c --hold --shared -- "$IPCBOX" semop -k 0x5e3a0072 --get
	assert_eq "$output" 2
	assert_eq "$(sem -k 0x5e3a0072 --get)" 1
	# an existing set keeps its value
	sem -k 0x5e3a0072 --setall 0
	run --separate-stderr sem -k 0x5e3a0072 -c --hold -n -- touch ran
	assert_status 3
	[ ! -e ran ]
	# POSIX too
	run sem -P /free -c --hold -- "$IPCBOX" semop -P /free --get
	assert_eq "$output" 0
	assert_eq "$(sem -P /free --get)" 1
}

@test "semop --shared: ten shared holders run together while a --writer waits" {
	# 0x5e3a0073 is the lock. 0x5e3a0074: [0] holders inside, [1] a gate the test opens.
	sem -k 0x5e3a0073 -c --init 1 >/dev/null
	sem -k 0x5e3a0074 -c --init 0,0 >/dev/null
	cat >reader <<-'EOF2'
		"$IPCBOX" semop -k 0x5e3a0074 0:+1
		"$IPCBOX" semop -k 0x5e3a0074 1:-1
		"$IPCBOX" semop -k 0x5e3a0074 0:-1
	EOF2
	local pids=() i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$IPCBOX" semop -k 0x5e3a0073 --hold --shared -- sh reader 3>&- &
		pids+=($!)
	done
	wait_sem 0x5e3a0074 1 ncount 10 # all ten inside at once
	assert_eq "$(sem -k 0x5e3a0074 --get 0)" 10
	assert_eq "$(sem -k 0x5e3a0073 --get)" 11
	"$IPCBOX" semop -k 0x5e3a0073 --hold --writer -- \
		sh -c '"$IPCBOX" semop -k 0x5e3a0074 --get 0 >writer' 3>&- &
	local writer=$!
	wait_sem 0x5e3a0073 0 zcount 1 # the writer waits for the shared holders to leave
	[ ! -e writer ]
	# No writer preference (as flock): another shared holder still gets in.
	run sem -k 0x5e3a0073 --hold --shared -n -- "$IPCBOX" semop -k 0x5e3a0073 --get
	assert_status 0
	assert_eq "$output" 12
	sem -k 0x5e3a0074 1:+10
	for i in "${pids[@]}"; do wait "$i"; done
	wait "$writer"
	assert_eq "$(cat writer)" 0 # no shared holder inside while the writer ran
	assert_eq "$(sem -k 0x5e3a0073 --get)" 1
	assert_eq "$(sem -k 0x5e3a0074 --get)" "0
0"
}

@test "semop --writer holds alone: --shared and --writer wait; a killed holder releases" {
	sem -k 0x5e3a0075 -c --init 1 >/dev/null
	run --separate-stderr sem -k 0x5e3a0075 --hold --writer -- sh -c '
		"$IPCBOX" semop -k 0x5e3a0075 --hold --shared -n -- true; echo "shared $?"
		"$IPCBOX" semop -k 0x5e3a0075 --hold --writer -n -- true; echo "writer $?"'
	assert_status 0
	assert_eq "$output" "shared 3
writer 3"
	run sem -k 0x5e3a0075 --hold --shared -- sh -c 'kill -KILL $$'
	assert_status 137
	assert_eq "$(sem -k 0x5e3a0075 --get)" 1
	run sem -k 0x5e3a0075 --hold --writer -- sh -c 'kill -KILL $$'
	assert_status 137
	assert_eq "$(sem -k 0x5e3a0075 --get)" 1
	# a plain --hold does not wait for shared holders (documented): it takes one
	run sem -k 0x5e3a0075 --hold --shared -- "$IPCBOX" semop -k 0x5e3a0075 --hold -n -- \
		"$IPCBOX" semop -k 0x5e3a0075 --get
	assert_status 0
	assert_eq "$output" 1
}

@test "semop --hold --background prints the pid of COMMAND, which holds until it ends" {
	sem -k 0x5e3a0076 -c --init 1 >/dev/null
	mkfifo f
	sem -k 0x5e3a0076 --hold --background -- sh -c 'read x <f' >out 3>&-
	local pid
	pid=$(cat out)
	kill -0 "$pid"
	assert_eq "$(sem -k 0x5e3a0076 --get)" 0
	assert_eq "$(sem_field 0x5e3a0076 0 pid)" "$pid"
	run --separate-stderr sem -k 0x5e3a0076 --hold --background -n -- touch ran
	assert_status 3
	assert_eq "$output" ""
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0076: would block"
	echo go >f
	wait_sem 0x5e3a0076 0 value 1
	[ ! -e ran ]
	run -127 --separate-stderr sem -k 0x5e3a0076 --hold --background -- no-such-command-here
	assert_status 127
	assert_eq "$output" ""
	assert_eq "$stderr" "semop: cannot run 'no-such-command-here': No such file or directory"
	assert_eq "$(sem -k 0x5e3a0076 --get)" 1
	# killed by any signal, it gives back
	sem -k 0x5e3a0076 --hold --background -- sleep 1000 >out 3>&-
	kill -KILL "$(cat out)"
	wait_sem 0x5e3a0076 0 value 1
}

@test "semop --background on a count-2 semaphore: never more than two jobs; --wait-idle waits for the last" {
	# 0x5e3a0077 is the semaphore (2); 0x5e3a0078 the job's gate (gated_job).
	sem -k 0x5e3a0077 -c --init 2 >/dev/null
	gated_job 0x5e3a0078
	cat >script <<-'EOF2'
		for i in 1 2 3 4 5 6; do
			"$IPCBOX" semop -k 0x5e3a0077 --hold --background -- sh job >>pids ||
				{ echo "semop --background exited $?" >&2; exit 1; }
		done
		"$IPCBOX" semop -k 0x5e3a0077 --wait-idle -C 2 && echo idle >done
	EOF2
	bash script 3>&- 2>script.err &
	local script=$! i
	# (a wait that times out says what the script and the jobs said)
	waits() { wait_sem "$@" || { cat script.err overflow >&2 2>/dev/null; return 1; }; }
	waits 0x5e3a0078 2 ncount 2 # two jobs at the gate
	waits 0x5e3a0077 0 ncount 1 # the third waits for a slot
	assert_eq "$(wc -l <pids)" 2
	for i in 1 2 3 4; do
		sem -k 0x5e3a0078 2:+1
		waits 0x5e3a0078 2 ncount 2
		assert_eq "$(sem -k 0x5e3a0078 --get 0)" 2
	done
	waits 0x5e3a0077 0 ncount 1 # --wait-idle waits
	assert_eq "$(wc -l <pids)" 6
	assert_eq "$(sort -u pids | wc -l)" 6
	[ ! -e done ]
	sem -k 0x5e3a0078 2:+1
	wait_sem 0x5e3a0078 0 value 1
	[ ! -e done ]
	sem -k 0x5e3a0078 2:+1
	wait "$script"
	assert_eq "$(cat done)" idle
	[ ! -e overflow ]
	assert_eq "$(sem -k 0x5e3a0077 --get)" 2
	assert_eq "$(sem -k 0x5e3a0078 --get)" "0
2
0"
}

@test "semop --wait-idle: -n and -w when held, at once when idle" {
	sem -k 0x5e3a0079 -c --init 3 >/dev/null
	run --separate-stderr sem -k 0x5e3a0079 --wait-idle -C 3
	assert_status 0
	run --separate-stderr sem -k 0x5e3a0079 --hold -- "$IPCBOX" semop -k 0x5e3a0079 --wait-idle -C 3 -n
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0079: would block"
	run --separate-stderr sem -k 0x5e3a0079 --hold -- "$IPCBOX" semop -k 0x5e3a0079 --wait-idle -C 3 -w 1
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0079: timed out after 1s"
	run --separate-stderr sem -k 0x5e3a0079 --hold -- "$IPCBOX" semop -k 0x5e3a0079 --wait-idle -C 3 -w 20ms -q
	assert_status 3
	assert_eq "$stderr" ""
	assert_eq "$(sem -k 0x5e3a0079 --get)" 3
}

@test "semop --wait-idle needs only read permission (as an unprivileged user)" {
	need_drop
	sem -k 0x5e3a0080 -c --init 2 -m 0644 >/dev/null
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a0080 --wait-idle -C 2 -n
	assert_status 0
	assert_eq "$stderr" ""
	run --separate-stderr sem -k 0x5e3a0080 --hold -- setpriv --reuid=65534 --regid=65534 --clear-groups -- "$IPCBOX" semop -k 0x5e3a0080 --wait-idle -C 2 -w 50ms
	assert_status 3
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a0080: timed out after 50ms"
	# it waits for the holder to go: a job holds until gate is written
	mkfifo gate
	sem -k 0x5e3a0080 --hold -- sh -c 'read x <gate' &
	local holder=$!
	wait_sem 0x5e3a0080 0 value 1
	as_nobody "$IPCBOX" semop -k 0x5e3a0080 --wait-idle -C 2 -w 60s >out 2>&1 &
	local waiter=$!
	echo go >gate
	wait "$holder"
	wait "$waiter"
	assert_eq "$(cat out)" ""
	assert_eq "$(sem -k 0x5e3a0080 --get)" 2
}

@test "semop --hold-for \$\$: released when the script is SIGKILLed, while its background child lives on" {
	sem -k 0x5e3a007a -c --init 1 >/dev/null
	start_bg bash -c '"$IPCBOX" semop -k 0x5e3a007a --hold-for $$ || exit
		sleep 1000 </dev/null >/dev/null 2>&1 &
		echo "child $!" >&2
		wait'
	expect_line '^child '
	local child=${LINE#child }
	assert_eq "$(sem -k 0x5e3a007a --get)" 0
	kill -KILL "$BG_PID"
	wait "$BG_PID" || true
	wait_sem 0x5e3a007a 0 value 1
	kill -0 "$child" # it lives on, and does not hold
	kill "$child"
}

@test "semop --hold-for and --release-for: once per process, given back early, errors" {
	sleep 1000 3>&- &
	local p=$!
	run --separate-stderr sem -k 0x5e3a007b -c --hold-for "$p"
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(sem -k 0x5e3a007b --get)" 0
	run --separate-stderr sem -k 0x5e3a007b --hold-for "$p" -n
	assert_status 1
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a007b: already held for process $p"
	sem -k 0x5e3a007b 0:+1
	run --separate-stderr sem -k 0x5e3a007b --release-for "$p"
	assert_status 0
	assert_eq "$(sem -k 0x5e3a007b --get)" 2
	run --separate-stderr sem -k 0x5e3a007b --release-for "$p"
	assert_status 1
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a007b: not held for process $p"
	# --shared for a process; -n, -E and -q when it cannot take
	sem -k 0x5e3a007b --setall 1
	sem -k 0x5e3a007b --hold-for "$p" --shared
	assert_eq "$(sem -k 0x5e3a007b --get)" 2
	run --separate-stderr sem -k 0x5e3a007b --hold-for $$ --writer -n -E 7
	assert_status 7
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a007b: would block"
	run --separate-stderr sem -k 0x5e3a007b --hold-for $$ --writer -w 20ms -q
	assert_status 3
	assert_eq "$stderr" ""
	kill "$p"
	wait "$p" || true
	wait_sem 0x5e3a007b 0 value 1
	run --separate-stderr sem -k 0x5e3a007b --hold-for "$p"
	assert_status 1
	assert_eq "$stderr" "semop: no process $p"
}

@test "semop -q: no message when it cannot take in time, the status stays" {
	sem -k 0x5e3a007c -c --init 0 >/dev/null
	run --separate-stderr sem -k 0x5e3a007c --hold -n -q -- touch ran
	assert_status 3
	assert_eq "$stderr" ""
	run --separate-stderr sem -k 0x5e3a007c --hold -n -q -E 0 -- touch ran
	assert_status 0
	assert_eq "$stderr" ""
	[ ! -e ran ]
	run --separate-stderr sem -k 0x5e3a007c -q -w 10ms 0:-1
	assert_status 3
	assert_eq "$stderr" ""
	sem -P /quiet -c
	run --separate-stderr sem -P /quiet --hold --quiet -n -- touch ran
	assert_status 3
	assert_eq "$stderr" ""
	# other failures still speak
	run --separate-stderr sem -k 0x5e3a00ff -q -n 0:-1
	assert_status 1
	assert_contains "$stderr" "semop:"
}

@test "semop --hold-for, --release-for as an unprivileged user" {
	need_drop
	sem -k 0x5e3a007d -c -m 0600 --init 1 >/dev/null
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a007d --hold-for $$
	assert_status 1
	assert_eq "$stderr" "semop: open semaphore set key 0x5e3a007d: Permission denied"
	sem -k 0x5e3a007e -c -m 0666 --init 1 >/dev/null
	sleep 1000 3>&- &
	local p=$!
	sem -k 0x5e3a007e --hold-for "$p"
	# another user may not give back root's hold
	run --separate-stderr as_nobody "$IPCBOX" semop -k 0x5e3a007e --release-for "$p"
	assert_status 1
	assert_eq "$stderr" "semop: semaphore set key 0x5e3a007e: held for process $p by another user"
	assert_eq "$(sem -k 0x5e3a007e --get)" 0
	kill "$p"
	wait "$p" || true
	wait_sem 0x5e3a007e 0 value 1
}
