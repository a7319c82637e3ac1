# Helpers for tests/semop.bats.

sem() {
	"$IPCBOX" semop "$@"
}

# Prints FIELD (value, ncnt, zcnt, pid) of semaphore SEMNUM in the set with KEY.
sem_field() { # KEY SEMNUM FIELD
	"$IPCBOX" semop -k "$1" --get --json "$2" | jq -r ".semaphores[0].$3"
}

# Waits until FIELD of semaphore SEMNUM in the set with KEY is VALUE: polls the
# kernel's own counters (a process blocked in semop shows in ncnt/zcnt), bounded by
# 10 seconds, never sleeping.
wait_sem() { # KEY SEMNUM FIELD VALUE
	local end=$((SECONDS + 10)) v
	while :; do
		v=$(sem_field "$1" "$2" "$3")
		[ "$v" = "$4" ] && return 0
		if [ $SECONDS -gt $end ]; then
			echo "semaphore $1:$2 $3 is $v; waited for $4" >&2
			return 1
		fi
	done
}

# The id of the set with KEY (decimal or 0x hex), from /proc/sysvipc/sem.
sem_id() {
	awk -v k="$(($1))" '$1 == k { print $2 }' /proc/sysvipc/sem
}
