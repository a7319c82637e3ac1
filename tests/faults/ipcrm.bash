# ipcrm: each object is either removed or left whole (a queue keeps its message, a
# segment its bytes, a semaphore its value); exit 0 means every one was removed;
# a failure names what it could not remove.

# Two of each System V kind and one of each POSIX kind, keys 0x7a1-0x7a6.
ipcrm_make_objects() {
	local k
	for k in 0x7a1 0x7a2; do echo "msg $k" | "$IPCBOX" msgsnd -k $k -c; done
	for k in 0x7a3 0x7a4; do echo "shm $k" | "$IPCBOX" shmcat -k $k -c -s 4096 -w; done
	for k in 0x7a5 0x7a6; do "$IPCBOX" semop -k $k -c --init 7 >/dev/null; done
	echo "pmsg" | "$IPCBOX" msgsnd -P /rmq -c
	echo "pshm" | "$IPCBOX" shmcat -P /rms -c -s 4096 -w
	"$IPCBOX" semop -P /rmsem -c --init 7
}

# Lists what is left, one object a line, with what it holds.
ipcrm_left() {
	local k
	for k in 0x7a1 0x7a2; do
		"$IPCBOX" msgrcv -k $k --peek -n 2>/dev/null && echo " in $k"
	done
	for k in 0x7a3 0x7a4; do
		"$IPCBOX" shmcat -k $k -L 9 2>/dev/null && echo " in $k"
	done
	for k in 0x7a5 0x7a6; do
		"$IPCBOX" semop -k $k --get 2>/dev/null | sed "s/$/ in $k/"
	done
	[ -e /dev/mqueue/rmq ] && { "$IPCBOX" msgrcv -P /rmq --peek -n || echo broken; } && echo " in /rmq"
	[ -e /dev/shm/rms ] && { "$IPCBOX" shmcat -P /rms -L 4 || echo broken; } && echo " in /rms"
	[ -e /dev/shm/sem.rmsem ] && { "$IPCBOX" semop -P /rmsem --get || echo broken; } | sed 's|$| in /rmsem|'
	:
}

ipcrm_check_left() {
	local left line n=0
	mapfile -t left < <(ipcrm_left 2>&1)
	for line in "${left[@]}"; do
		case $line in
		"msg 0x7a1 in 0x7a1" | "msg 0x7a2 in 0x7a2" | "shm 0x7a3 in 0x7a3" | "shm 0x7a4 in 0x7a4" | \
			"7 in 0x7a5" | "7 in 0x7a6" | "pmsg in /rmq" | "pshm in /rms" | "7 in /rmsem") n=$((n + 1)) ;;
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
	traced "$IPCBOX" ipcrm -Q 0x7a1 -Q 0x7a2 -M 0x7a3 -M 0x7a4 -S 0x7a5 -S 0x7a6 \
		--posix-mqueue /rmq --posix-shmem /rms --posix-semaphore /rmsem >out 2>err
	STATUS=$?
}
ipcrm_keys_check() { ipcrm_check_left; }
scenario ipcrm ipcrm_keys "msgget shmget semget msgctl shmctl semctl mq_unlink unlink unlinkat openat" \
	"2 queues, 2 segments, 2 sets, a POSIX queue, segment and semaphore: ipcrm -Q .. -M .. -S .. --posix-mqueue /rmq --posix-shmem /rms --posix-semaphore /rmsem"

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
