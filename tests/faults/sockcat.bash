# sockcat over a UNIX stream socket, client to server: the server writes out a
# prefix of what the client read, byte for byte, and all of it when both exit 0;
# a side that fails says so in one line (the other may see the connection end);
# the listener removes its path when it exits (also on SIGINT, SIGTERM, SIGHUP).

sock_prepare() {
	seq -w 1 30000 | head -c 150000 >in
}

# Starts a listener (the words after $1; with -v) in the background, its stderr
# going to file $1; waits for its first line (it listens) or its socket ./sock.
# BG is its pid.
start_listener() {
	local errf=$1 i
	shift
	mkfifo ready.fifo
	"$@" 2>ready.fifo &
	BG=$!
	exec 9<ready.fifo
	rm -f ready.fifo
	# the first line says it listens (or why it could not); if writing that line
	# is what failed, the socket appearing says it (bounded: 10s)
	# (a read that times out keeps what it read of the line: carry on from there;
	# the socket appears before the line is written: give the line a second more)
	local part sock_seen=0
	LINE=
	for ((i = 0; i < 200; i++)); do
		part=
		IFS= read -r -t 0.05 -u 9 part && { LINE+=$part; break; }
		LINE+=$part
		[ -z "$LINE" ] && [ -S sock ] && ((++sock_seen > 20)) && break
	done
	echo "$LINE" >"$errf"
	cat <&9 >>"$errf" &
	exec 9<&-
}

# Waits at most 10s for the background listener; its status goes in BGSTATUS.
# With $1 "unserved" no client reached it: it is stopped with SIGTERM instead.
wait_listener() {
	local i
	[ "${1:-}" != unserved ] || kill -TERM "$BG" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$BG" 2>/dev/null && { broke "the peer still runs 10s later"; kill -KILL "$BG"; }
	wait "$BG"
	BGSTATUS=$?
	wait
}

# Checks the bytes the server wrote out (file $1) against the input, and the
# statuses: $2 the client's, $3 the server's.
check_relay() {
	local got=$1 cst=$2 sst=$3
	if [ "$cst" = 0 ] && [ "$sst" = 0 ]; then
		same_bytes "$got" "$IN/in" || broke "both exit 0 but the server wrote other bytes"
	elif [ "$FAULT" != retval=1 ]; then
		cmp -s "$got" <(head -c "$(stat -c %s "$got")" "$IN/in") ||
			broke "the server wrote bytes that are not a prefix of the input"
	fi
	# The path goes when the listener ends (exit, TERM, INT, HUP); if removing it
	# fails, the listener says so on its last line and does not exit 0.
	if [ -e sock ] && [ "$sst" -le 128 -o "$sst" = 130 -o "$sst" = 143 -o "$sst" = 129 ]; then
		if [ "$sst" = 0 ] || [ "$sst" -gt 128 ] || ! grep -qs "^sockcat: remove 'sock': " srv.err err; then
			broke "the listener exited $sst and left its path"
		fi
	fi
	:
}

# --- the client under faults
sockcat_client_prepare() { sock_prepare; }
sockcat_client_setup() {
	rm -f sock srv.out srv.err
	start_listener srv.err "$IPCBOX" sockcat -v -l unix:sock </dev/null >srv.out
	[[ $LINE == *listening* ]] || broke "setup: the listener did not start: $LINE"
}
# Runs the client sockcat to the address $1, with the options after it, under the
# fault, then waits for the listener.
client_run() {
	traced "$IPCBOX" sockcat "${@:2}" "$1" <"$IN/in" >out 2>err
	STATUS=$?
	# a client that failed before it connected leaves the listener waiting
	if [ "$STATUS" != 0 ] && ! [ -s srv.out ] && ! grep -q 'connection from' srv.err; then
		wait_listener unserved
		[ "$BGSTATUS" = 143 ] && BGSTATUS=0
	else
		wait_listener
	fi
}
sockcat_client_run() { client_run unix:sock; }
sockcat_client_check() {
	check_relay srv.out "$STATUS" "$BGSTATUS"
	[ "$STATUS" = 0 ] || [ "$STATUS" -gt 128 ] || one_line
}
scenario sockcat sockcat_client "socket connect read write splice shutdown poll ppoll" \
	"listener: sockcat -v -l unix:sock >srv.out; client: sockcat unix:sock <in(150 KB)"

# --- a TCP client under faults: bytes into TCP are written from a buffer, not spliced
sockcat_tcp_client_prepare() { sock_prepare; }
sockcat_tcp_client_setup() {
	rm -f srv.out srv.err
	start_listener srv.err "$IPCBOX" sockcat -v -l tcp:127.0.0.1:0 </dev/null >srv.out
	[[ $LINE == *listening* ]] || broke "setup: the listener did not start: $LINE"
	PORT=${LINE##*:}
}
sockcat_tcp_client_run() { client_run "tcp:127.0.0.1:$PORT"; }
sockcat_tcp_client_check() { sockcat_client_check; }
scenario sockcat sockcat_tcp_client "socket connect read sendto splice shutdown poll ppoll" \
	"listener: sockcat -v -l tcp:127.0.0.1:0 >srv.out; client: sockcat tcp:127.0.0.1:PORT <in(150 KB)"

# --- the listener under faults
sockcat_server_prepare() { sock_prepare; }
sockcat_server_setup() { rm -f sock srv.out srv.err; }
# Runs the listener "$@" under the fault (stdout to srv.out, stderr to err), and a
# client sending the input to it. STATUS is the listener's status, CST the
# client's (none: the listener never listened).
serve_one() {
	local TRACEV=("${TRACE[@]}")
	start_listener err traced "$@" </dev/null >srv.out
	if [[ $LINE == *listening* ]] || [ -S sock ]; then
		"$IPCBOX" sockcat unix:sock <"$IN/in" >/dev/null 2>cli.err
		CST=$?
	else
		CST=none
	fi
	wait_listener
	STATUS=$BGSTATUS
	CMDLINE="${TRACEV[*]} $*"
}
sockcat_server_run() { serve_one "$IPCBOX" sockcat -v -l unix:sock; }
sockcat_server_check() {
	[ "$CST" = none ] && CST=1
	check_relay srv.out "$CST" "$STATUS"
}
CLEAN_STATUS_sockcat_server=0
scenario sockcat sockcat_server "socket bind listen accept accept4 read write splice unlink fchmod poll ppoll" \
	"listener: sockcat -v -l unix:sock >srv.out; client: sockcat unix:sock <in(150 KB)"

# --- the listener with -e: the command (cat) gets the connection; what it wrote
# out is a prefix of what the client sent, all of it when both exit 0. Faults in
# spawning (the descriptors moved to 0 and 1, the wait) and in accepting.
sockcat_exec_prepare() { sock_prepare; }
sockcat_exec_setup() { rm -f sock got srv.out; }
sockcat_exec_run() { serve_one "$IPCBOX" sockcat -v -l unix:sock -e -- sh -c 'exec cat >got'; }
sockcat_exec_check() {
	[ "$CST" = none ] && CST=1
	[ -e got ] || : >got
	check_relay got "$CST" "$STATUS"
}
CLEAN_STATUS_sockcat_exec=0
scenario sockcat sockcat_exec "accept accept4 vfork dup2 dup3 wait4" \
	"listener: sockcat -v -l unix:sock -e -- sh -c 'exec cat >got'; client: sockcat unix:sock <in(150 KB)"

# --- a client that retries: a failed connect is tried again (--retry 2), and the
# bytes arrive whole when both exit 0; a client that gives up says so in one line.
sockcat_retry_prepare() { sock_prepare; }
sockcat_retry_setup() { sockcat_client_setup; }
sockcat_retry_run() { client_run unix:sock --retry 2 --interval 10ms; }
sockcat_retry_check() { sockcat_client_check; }
scenario sockcat sockcat_retry "socket connect" \
	"listener: sockcat -v -l unix:sock >srv.out; client: sockcat --retry 2 --interval 10ms unix:sock <in(150 KB)"
