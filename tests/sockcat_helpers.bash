# Helpers for tests/sockcat.bats. Servers listen on port 0 or a path and are waited
# for by their "listening on" line, never by sleeping.

# mkpayload FILE [SIZE]: SIZE (default 4M) random bytes.
mkpayload() {
	head -c "${2:-4M}" /dev/urandom >"$1"
}

# The SHA-256 of a file.
sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# Fails unless files $1 and $2 have the same contents.
assert_same() {
	[ -f "$2" ] || { echo "missing: $2" >&2; return 1; }
	assert_eq "$(sum_of "$2") $(stat -c %s "$2")" "$(sum_of "$1") $(stat -c %s "$1")"
}

_sc_serve() {
	exec "$IPCBOX" sockcat -v -l "$@" >"${SRV_OUT:-srv.out}" <"${SRV_IN:-/dev/null}"
}

# serve ARGS...: runs `sockcat -v -l ARGS` in the background (stdout to $SRV_OUT,
# default srv.out; stdin from $SRV_IN, default /dev/null) and waits for its
# "listening on" line: SRV_ADDR is the address it printed, PORT its port.
serve() {
	start_bg _sc_serve "$@"
	expect_line 'listening on '
	SRV_ADDR=${LINE#*listening on }
	PORT=${LINE##*:}
	SRV_PID=$BG_PID
}

# Waits for the background server; SRV_STATUS is its exit status.
wait_server() {
	SRV_STATUS=0
	wait "$SRV_PID" || SRV_STATUS=$?
	SRV_PID=
}

# Kills the background server if it still runs.
stop_server() {
	if [ -n "${SRV_PID:-}" ]; then
		kill "$SRV_PID" 2>/dev/null || :
		wait "$SRV_PID" 2>/dev/null || :
		SRV_PID=
	fi
}
