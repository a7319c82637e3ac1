# Helpers for tests/pipeline.bats.

# Runs the pipeline applet.
pl() {
	"$IPCBOX" pipeline "$@"
}

# Waits (up to 10 s) until process $1 is gone or a zombie, i.e. no longer runs.
wait_dead() {
	local i state
	for ((i = 0; i < 1000; i++)); do
		state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
		[ "$state" = Z ] && return 0
		sleep 0.01
	done
	echo "process $1 still runs" >&2
	return 1
}
