# ipcrm: each object is either removed or left whole (a queue keeps its message, a
# segment its bytes, a semaphore its value); exit 0 means every one was removed;
# a failure names what it could not remove.

# One object of each kind: System V keys 0x7a1 (queue), 0x7a2 (segment), 0x7a3
# (set), POSIX /rmq, /rms, /rmsem.
ipcrm_make_objects() {
	printf 'msg' | "$IPCBOX" msgsnd -k 0x7a1 -c
	printf 'shm' | "$IPCBOX" shmcat -k 0x7a2 -c -s 4096 -w
	"$IPCBOX" semop -k 0x7a3 -c --init 7 >/dev/null
	printf 'pmsg' | "$IPCBOX" msgsnd -P /rmq -c
	printf 'pshm' | "$IPCBOX" shmcat -P /rms -c -s 4096 -w
	"$IPCBOX" semop -P /rmsem -c --init 7
}

# Lists what is left, one object a line: its name, then what it holds.
ipcrm_left() {
	local line
	while read -r line; do
		set -- $line
		[ "$1" = 1953 ] && echo "0x7a1 $5 messages of $4 bytes"
	done </proc/sysvipc/msg
	while read -r line; do
		set -- $line
		[ "$1" = 1954 ] && echo "0x7a2 $4 bytes"
	done </proc/sysvipc/shm
	if grep -q '^ *1955 ' /proc/sysvipc/sem; then
		echo "0x7a3 value $("$IPCBOX" semop -k 0x7a3 --get 2>&1)"
	fi
	if [ -e /dev/mqueue/rmq ]; then
		read -r line </dev/mqueue/rmq
		echo "/rmq ${line%% *}"
	fi
	if [ -e /dev/shm/rms ]; then
		IFS= read -r -N 4 line </dev/shm/rms
		echo "/rms $line"
	fi
	if [ -e /dev/shm/sem.rmsem ]; then
		echo "/rmsem value $("$IPCBOX" semop -P /rmsem --get 2>&1)"
	fi
}

ipcrm_check_left() {
	local left line n=0
	mapfile -t left < <(ipcrm_left)
	for line in "${left[@]}"; do
		case $line in
		"0x7a1 1 messages of 3 bytes" | "0x7a2 4096 bytes" | "0x7a3 value 7" | \
			"/rmq QSIZE:4" | "/rms pshm" | "/rmsem value 7") n=$((n + 1)) ;;
		*) broke "an object left damaged: $line" ;;
		esac
	done
	[ "$STATUS" != 0 ] || [ $n = 0 ] || broke "exit 0 but $n objects are left"
	[ "$STATUS" = 0 ] || [ $n -gt 0 ] || [ "$STATUS" -gt 128 ] || broke "exit $STATUS but every object was removed"
}

# --- every object by key and name
ipcrm_keys_prepare() { :; }
ipcrm_keys_setup() { ipcrm_make_objects; }
ipcrm_keys_run() {
	traced "$IPCBOX" ipcrm -Q 0x7a1 -M 0x7a2 -S 0x7a3 --posix-mqueue /rmq --posix-shmem /rms --posix-semaphore /rmsem >out 2>err
	STATUS=$?
}
ipcrm_keys_check() { ipcrm_check_left; }
scenario ipcrm ipcrm_keys "msgget shmget semget msgctl shmctl semctl mq_unlink unlink unlinkat openat" \
	"a queue, segment, set, POSIX queue, segment, semaphore: ipcrm -Q 0x7a1 -M 0x7a2 -S 0x7a3 --posix-mqueue /rmq --posix-shmem /rms --posix-semaphore /rmsem"

# --- everything, found by listing
ipcrm_all_prepare() { :; }
ipcrm_all_setup() { ipcrm_make_objects; }
ipcrm_all_run() {
	traced "$IPCBOX" ipcrm -a >out 2>err
	STATUS=$?
}
ipcrm_all_check() { ipcrm_check_left; }
scenario ipcrm ipcrm_all "msgctl shmctl semctl mq_unlink unlink unlinkat openat getdents64 read" \
	"the same objects: ipcrm -a"
