# msgrcv: the records written to stdout, in order, are the first K messages of the
# queue, each whole; whatever was taken and not completely written is back on the
# queue with its type or priority (a record cut short on stdout is also back); so
# written + queued == sent, nothing twice, and the exit status agrees: 0: all K
# written; 1 (one line): what went back; 128+N: the injected signal N.

# Fills the queue from the TYPE<TAB>payload records of $IN/want (msgsnd is not
# under test here).
fill_queue() {
	"$IPCBOX" msgsnd "$@" -c --typed <"$IN/want" || broke "setup: could not fill the queue"
}

# Compares stdout (file out, records as --typed or -l writes them) and the queue
# dump (file $1, TYPE<TAB>payload) with the records sent ($IN/want). $2 is
# "typed" if stdout has the types.
check_received() {
	local dump=$1 kind=$2 want out queue rec i partial=
	mapfile -t want <"$IN/want"
	mapfile -t out <out
	mapfile -t queue <"$dump"
	[ "${queue[*]}" != none ] || { broke "the queue is gone"; queue=(); }
	if [ "$FAULT:$SYSCALL" = retval=1:write ]; then
		[ "$STATUS" = 0 ] || broke "a short write made it exit $STATUS"
		same_bytes out "$IN/out" || broke "stdout is not what was sent, less the byte strace skipped"
		[ ${#queue[@]} = 0 ] || broke "${#queue[@]} messages left on the queue"
		return
	fi
	# a last line without its end is a record cut short
	if [ -s out ] && [ "$(tail -c 1 out | od -An -c | tr -d ' ')" != '\n' ]; then
		partial=${out[-1]}
		unset 'out[-1]'
	fi
	for ((i = 0; i < ${#out[@]}; i++)); do
		rec=${want[i]}
		[ "$kind" = typed ] || rec=${rec#*$'\t'}
		if [ "${out[i]}" != "$rec" ]; then
			broke "record $((i + 1)) on stdout is '${out[i]:0:40}', want '${rec:0:40}'"
			return
		fi
	done
	local rest
	rest=$(printf '%s\n' "${want[@]:${#out[@]}}" | sort)
	[ ${#want[@]} -gt ${#out[@]} ] || rest=
	local left
	left=$(printf '%s\n' "${queue[@]}" | sort)
	[ ${#queue[@]} -gt 0 ] || left=
	if [ "$left" != "$rest" ]; then
		local lost extra
		lost=$(comm -23 <(echo "$rest") <(echo "$left") | cut -c1-12 | tr '\n' ' ')
		extra=$(comm -13 <(echo "$rest") <(echo "$left") | cut -c1-12 | tr '\n' ' ')
		broke "${#out[@]} written; ${lost:+LOST (neither written nor on the queue): $lost}${extra:+on the queue but written or never sent: $extra}"
	fi
	if [ -n "$partial" ]; then
		[ "$STATUS" != 0 ] || broke "exit 0 with a record cut short on stdout"
		[[ ${queue[0]:-} == *"$partial"* || $left == *$'\t'"$partial"* ]] ||
			broke "the record cut short on stdout is not back on the queue"
	fi
	case $STATUS in
	0) [ ${#out[@]} = ${#want[@]} ] || broke "exit 0 but ${#out[@]} of ${#want[@]} written" ;;
	1) one_line ;;
	esac
}

# Ten records: types 1-10 (System V) or all priority 3 (POSIX).
rcv_prepare() {
	local i=0
	msg_lines | while IFS= read -r l; do
		i=$((i + 1))
		printf '%s\t%s\n' "${1:-$i}" "$l"
	done >want
	cut -f 2- want >out
}

# --- System V, -l, ten messages
msgrcv_sysv_lines_prepare() { rcv_prepare; }
msgrcv_sysv_lines_setup() { fill_queue -k 0x4e1; }
msgrcv_sysv_lines_run() {
	traced "$IPCBOX" msgrcv -k 0x4e1 -C 10 -l >out 2>err
	STATUS=$?
}
msgrcv_sysv_lines_check() {
	sysv_queue 1249 >got
	check_received got lines
}
scenario msgrcv msgrcv_sysv_lines "msgrcv write" \
	"10 messages of types 1-10 on the queue: msgrcv -k 0x4e1 -C 10 -l >file"

# --- System V, --typed, ten messages: types must survive being put back
msgrcv_sysv_typed_prepare() { rcv_prepare; cp want out; }
msgrcv_sysv_typed_setup() { fill_queue -k 0x4e2; }
msgrcv_sysv_typed_run() {
	traced "$IPCBOX" msgrcv -k 0x4e2 -C 10 --typed >out 2>err
	STATUS=$?
}
msgrcv_sysv_typed_check() {
	sysv_queue 1250 >got
	check_received got typed
}
scenario msgrcv msgrcv_sysv_typed "msgrcv write" \
	"10 messages of types 1-10 on the queue: msgrcv -k 0x4e2 -C 10 --typed >file"

# --- System V, --typed, twelve 8000-byte messages: stdout is written in several
# pieces as the 64 KiB buffer fills, with messages in hand at each
msgrcv_sysv_big_prepare() {
	local i
	for ((i = 1; i <= 12; i++)); do
		printf '%s\t%s%s\n' "$i" "big$i:" "$(head -c 7990 /dev/zero | tr '\0' "$(printf "\\$(printf %o $((96 + i)))")")"
	done >want
	cp want out
}
msgrcv_sysv_big_setup() { fill_queue -k 0x4e3; }
msgrcv_sysv_big_run() {
	traced "$IPCBOX" msgrcv -k 0x4e3 -C 12 --typed >out 2>err
	STATUS=$?
}
msgrcv_sysv_big_check() {
	sysv_queue 1251 >got
	check_received got typed
}
scenario msgrcv msgrcv_sysv_big "msgrcv write" \
	"12 messages of 8000 bytes (msgmnb raised): msgrcv -k 0x4e3 -C 12 --typed >file"

# --- POSIX, -l, ten messages of priority 3
msgrcv_posix_lines_prepare() { rcv_prepare 3; }
msgrcv_posix_lines_setup() { fill_queue -P /rq --maxmsg 16; }
msgrcv_posix_lines_run() {
	traced "$IPCBOX" msgrcv -P /rq -C 10 -l >out 2>err
	STATUS=$?
}
msgrcv_posix_lines_check() {
	posix_queue /rq >got
	check_received got lines
}
scenario msgrcv msgrcv_posix_lines "mq_timedreceive write" \
	"10 messages of priority 3 on the queue: msgrcv -P /rq -C 10 -l >file"
