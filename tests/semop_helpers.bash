# Helpers for tests/semop.bats.

sem() {
	"$IPCBOX" semop "$@"
}

# Prints FIELD (value, ncount, zcount, pid) of semaphore SEMNUM in the set with KEY.
sem_field() { # KEY SEMNUM FIELD
	"$IPCBOX" semop -k "$1" --get --json "$2" | jq -r ".semaphores[0].$3"
}

# Waits until FIELD of semaphore SEMNUM in the set with KEY is VALUE: polls the
# kernel's own counters (a process blocked in semop shows in ncount/zcount), bounded by
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

# gated_job KEY: makes the set KEY and writes ./job, a command that checks that at most
# two run at once and waits at a gate. KEY's semaphores: [0] jobs inside, [1] two slots
# each job takes without waiting (a third at once fails and writes ./overflow), [2] the
# gate, which the test opens one job at a time (2:+1).
gated_job() {
	sem -k "$1" -c --init 0,2,0 >/dev/null
	cat >job <<-EOF
		"\$IPCBOX" semop -k $1 -n 1:-1 || { echo over >>overflow; exit 1; }
		"\$IPCBOX" semop -k $1 0:+1
		"\$IPCBOX" semop -k $1 2:-1
		"\$IPCBOX" semop -k $1 0:-1 1:+1
	EOF
}
