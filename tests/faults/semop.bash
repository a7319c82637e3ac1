# semop: operations are all or nothing, and what --hold takes is given back when
# the command ends, however it ends. Afterwards the values are either as they were
# or (exit 0) as the operation makes them; a held command saw the units taken.

# Prints the values of the System V set KEY (or of the POSIX semaphore /NAME) on
# one line, or "none".
sem_values() {
	local v
	if [ "${1:0:1}" = / ]; then
		[ -e "/dev/shm/sem.${1#/}" ] || { echo none; return; }
		v=$("$IPCBOX" semop -P "$1" --get 2>&1) || v="unreadable: $v"
	else
		v=$("$IPCBOX" semop -k "$1" --get 2>/dev/null) || v=none
	fi
	echo $v
}

# Checks the values after the run: $1 what they are, $2 before, $3 after the
# operation succeeded (exit 0).
check_values() {
	local now=$1 before=$2 after=$3
	if [ "$now" = "$before" ]; then
		[ "$STATUS" != 0 ] || [ "$before" = "$after" ] || broke "exit 0 but the values are unchanged ($now)"
	elif [ "$now" = "$after" ]; then
		# (a signal that comes after the operation may still end the process)
		[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || broke "exit $STATUS but the operation happened ($now)"
	else
		broke "values $now: neither as before ($before) nor as after ($after)"
	fi
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}

# --- System V: two operations at once
semop_sysv_ops_prepare() { :; }
semop_sysv_ops_setup() {
	"$IPCBOX" semop -k 0x5e1 -c --init 3,0 >/dev/null || broke "setup failed"
}
semop_sysv_ops_run() {
	traced "$IPCBOX" semop -k 0x5e1 0:-2 1:+1 >out 2>err
	STATUS=$?
}
semop_sysv_ops_check() {
	check_values "$(sem_values 0x5e1)" "3 0" "1 1"
}
scenario semop semop_sysv_ops "semtimedop semget semctl" \
	"a System V set of values 3,0: semop -k 0x5e1 0:-2 1:+1"

# --- System V --hold: the command sees the units taken; they come back after
semop_sysv_hold_prepare() { :; }
semop_sysv_hold_setup() {
	"$IPCBOX" semop -k 0x5e2 -c --init 3 >/dev/null || broke "setup failed"
}
semop_sysv_hold_run() {
	traced "$IPCBOX" semop -k 0x5e2 --hold -C 2 -- "$IPCBOX" semop -k 0x5e2 --get >out 2>err
	STATUS=$?
}
# After --hold -C 2 on a semaphore of value 3 ($1): the value is back to 3, and the
# command, if it ran, saw 1.
hold_check() {
	local now seen
	now=$(sem_values "$1")
	[ "$now" = 3 ] || broke "after --hold the value is $now, not 3"
	read_file out
	seen=${REPLY%$'\n'}
	[ -z "$seen" ] || [ "$seen" = 1 ] || broke "the held command saw the value $seen, not 1"
	[ "$STATUS" != 0 ] || [ "$seen" = 1 ] || broke "exit 0 but the command did not run"
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
semop_sysv_hold_check() { hold_check 0x5e2; }
scenario semop semop_sysv_hold "semtimedop semget semctl vfork clone clone3 execve wait4" \
	"a System V set of value 3: semop -k 0x5e2 --hold -C 2 -- ipcbox semop -k 0x5e2 --get"

# --- POSIX: take 3 of 2, wait 0.3s, time out: what was taken goes back
semop_posix_take_prepare() { :; }
semop_posix_take_setup() {
	"$IPCBOX" semop -P /fsem -c --init 2 || broke "setup failed"
}
semop_posix_take_run() {
	traced "$IPCBOX" semop -P /fsem -w 0.3s -- -3 >out 2>err
	STATUS=$?
}
semop_posix_take_check() {
	local now
	now=$(sem_values /fsem)
	[ "$now" = 2 ] || broke "the value is $now, not 2: units taken and not given back"
	[ "$STATUS" != 0 ] || broke "exit 0 taking 3 of 2"
	[ "$STATUS" -gt 128 ] || one_line
}
CLEAN_STATUS_semop_posix_take=3
scenario semop semop_posix_take "futex openat mmap" \
	"a POSIX semaphore of value 2: semop -P /fsem -w 0.3s -- -3 (times out)"

# --- POSIX --hold
semop_posix_hold_prepare() { :; }
semop_posix_hold_setup() {
	"$IPCBOX" semop -P /fsem -c --init 3 || broke "setup failed"
}
semop_posix_hold_run() {
	traced "$IPCBOX" semop -P /fsem --hold -C 2 -- "$IPCBOX" semop -P /fsem --get >out 2>err
	STATUS=$?
}
semop_posix_hold_check() { hold_check /fsem; }
scenario semop semop_posix_hold "futex openat mmap vfork clone clone3 execve wait4" \
	"a POSIX semaphore of value 3: semop -P /fsem --hold -C 2 -- ipcbox semop -P /fsem --get"

# --- POSIX create: never half made
semop_posix_create_prepare() { :; }
semop_posix_create_setup() { :; }
semop_posix_create_run() {
	traced "$IPCBOX" semop -P /fnew -c --init 5 >out 2>err
	STATUS=$?
}
semop_posix_create_check() {
	local now
	now=$(sem_values /fnew)
	case $now in
	5) ;;
	none) [ "$STATUS" != 0 ] || broke "exit 0 but no semaphore" ;;
	*) broke "a semaphore half made: $now" ;;
	esac
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
scenario semop semop_posix_create "openat write link unlink mmap" \
	"no semaphore yet: semop -P /fnew -c --init 5"

# --- System V --hold --shared: the command sees the value raised; it comes back
semop_sysv_shared_prepare() { :; }
semop_sysv_shared_setup() {
	"$IPCBOX" semop -k 0x5e3 -c --init 1 >/dev/null || broke "setup failed"
}
semop_sysv_shared_run() {
	traced "$IPCBOX" semop -k 0x5e3 --hold --shared -- "$IPCBOX" semop -k 0x5e3 --get >out 2>err
	STATUS=$?
}
semop_sysv_shared_check() {
	local now seen
	now=$(sem_values 0x5e3)
	[ "$now" = 1 ] || broke "after --hold --shared the value is $now, not 1"
	read_file out
	seen=${REPLY%$'\n'}
	[ -z "$seen" ] || [ "$seen" = 2 ] || broke "the shared holder saw the value $seen, not 2"
	[ "$STATUS" != 0 ] || [ "$seen" = 2 ] || broke "exit 0 but the command did not run"
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
scenario semop semop_sysv_shared "semtimedop semget semctl vfork clone clone3 execve wait4" \
	"a System V lock of value 1: semop -k 0x5e3 --hold --shared -- ipcbox semop -k 0x5e3 --get"

# --- System V --hold --background: semop returns once COMMAND runs holding; strace
# waits for COMMAND too, so afterwards the value is back in any case.
semop_sysv_background_prepare() { :; }
semop_sysv_background_setup() {
	"$IPCBOX" semop -k 0x5e4 -c --init 3 >/dev/null || broke "setup failed"
}
semop_sysv_background_run() {
	traced "$IPCBOX" semop -k 0x5e4 --hold --background -C 2 -- \
		"$IPCBOX" semop -k 0x5e4 --get >out 2>err
	STATUS=$?
}
semop_sysv_background_check() {
	local now line pid=
	now=$(sem_values 0x5e4)
	[ "$now" = 3 ] || broke "after --background the value is $now, not 3"
	# out: the pid semop printed and what COMMAND saw (1), in either order
	while read -r line; do
		case $line in
		1) ;;
		[1-9]*) pid=$line ;;
		*) broke "unexpected output line: $line" ;;
		esac
	done <out
	[ "$STATUS" != 0 ] || [ -n "$pid" ] || broke "exit 0 but no pid printed"
	# (a signal that comes after it printed the pid may still end semop)
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || [ -z "$pid" ] || broke "exit $STATUS but a pid printed"
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
# Faults go to COMMAND too, and a child says "held" with one byte: a short count of
# one byte would be a success that did nothing, which no kernel gives.
NO_SHORT_semop_sysv_background=1
scenario semop semop_sysv_background "semtimedop semget semctl clone clone3 execve pipe2 read write wait4" \
	"a System V set of value 3: semop -k 0x5e4 --hold --background -C 2 -- ipcbox semop -k 0x5e4 --get"

# --- System V --hold-for, then --release-for: the watched process is a cat that ends
# when the shell that runs them exits (it holds the fifo's only write end), so the
# holder ends too; afterwards the value is back in any case.
semop_sysv_hold_for_prepare() { :; }
semop_sysv_hold_for_setup() {
	"$IPCBOX" semop -k 0x5e5 -c --init 3 >/dev/null || broke "setup failed"
	rm -f fifo
	mkfifo fifo
}
semop_sysv_hold_for_run() {
	cat fifo >/dev/null &
	local p=$!
	traced sh -c 'exec 7>fifo; "$IPCBOX" semop -k 0x5e5 --hold-for "$1" -C 2 &&
		"$IPCBOX" semop -k 0x5e5 --get &&
		"$IPCBOX" semop -k 0x5e5 --release-for "$1"' sh "$p" >out 2>err
	STATUS=$?
	wait "$p"
}
semop_sysv_hold_for_check() {
	local now seen
	now=$(sem_values 0x5e5)
	[ "$now" = 3 ] || broke "after --hold-for the value is $now, not 3"
	read_file out
	seen=${REPLY%$'\n'}
	# SIGTERM ends the holder too (once it holds: at its write or poll), which gives
	# it back early, as documented.
	if [ "$(injected_signal)" != 15 ]; then
		[ -z "$seen" ] || [ "$seen" = 1 ] || broke "while held for the process the value was $seen, not 1"
		[ "$STATUS" != 0 ] || [ "$seen" = 1 ] || broke "exit 0 but it was not held"
	fi
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || [ -s err ] || broke "exit $STATUS, nothing said"
}
NO_SHORT_semop_sysv_hold_for=1 # (as for --background)
scenario semop semop_sysv_hold_for "semtimedop semget clone clone3 pidfd_open socket bind listen pipe2 read write poll accept4 connect" \
	"a System V set of value 3: semop -k 0x5e5 --hold-for PID -C 2; --get; --release-for PID"

# --- System V --wait-idle on an idle set: changes nothing
semop_sysv_idle_prepare() { :; }
semop_sysv_idle_setup() {
	"$IPCBOX" semop -k 0x5e6 -c --init 3 >/dev/null || broke "setup failed"
}
semop_sysv_idle_run() {
	traced "$IPCBOX" semop -k 0x5e6 --wait-idle -C 3 -w 0.3s >out 2>err
	STATUS=$?
}
semop_sysv_idle_check() {
	local now
	now=$(sem_values 0x5e6)
	[ "$now" = 3 ] || broke "--wait-idle changed the value to $now"
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
scenario semop semop_sysv_idle "semtimedop semget semctl" \
	"an idle System V set of value 3: semop -k 0x5e6 --wait-idle -C 3 -w 0.3s"
