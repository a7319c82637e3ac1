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

# --- msgrcv --exec: every message taken is handled exactly once (its handler
# recorded it and succeeded), or is on a queue again: the work queue, the
# dead-letter queue, or (--inflight) parked, where a record may also stand for a
# message handled whose parked copy could not be taken out (at least once, as
# the man page says). The handler (dash builtins only) makes none of the calls
# injected into, so every fault lands in msgrcv.
exec_prepare() {
	local i
	for ((i = 1; i <= 6; i++)); do printf '%s\tjob%s\n' "${1:-$i}" "$i"; done >want
	# job3 always fails: after two attempts it goes to the dead-letter queue
	printf '%s\n' 'read -r p; [ "$p" != job3 ] && echo "$MSGRCV_TYPE$MSGRCV_PRIORITY	$p" >>done' >handler
}

# Prints TYPE<TAB>payload for each record parked in the queue -P $1 or -k $1
# (header cut).
parked_records() {
	local sel=-P
	if [[ $1 == /* ]]; then
		[ -e "/dev/mqueue/${1#/}" ] || return 0
	else
		sel=-k
		awk -v k="$(($1))" '$1 == k { f = 1 } END { exit !f }' /proc/sysvipc/msg || return 0
	fi
	"$IPCBOX" msgrcv $sel "$1" -F -n -q --exec -- sh -c \
		'h=$(head -c 24 | od -An -t d8 -j 8 -N 8 | tr -d " "); printf "%s\t%s\n" "$h" "$(cat)"' \
		2>/dev/null || :
}

# Whether a receive was made to say "no message" or "the queue was removed": that
# ends -F -n (or -F) early with status 0, as an empty or removed queue does.
ended_early() {
	[[ $SYSCALL:$FAULT =~ ^(msgrcv|mq_timedreceive):error=(ENOMSG|EAGAIN|ETIMEDOUT|EIDRM)$ ]]
}

# Checks the run against $IN/want: done (what the handlers recorded), the work
# queue's dump $1, the dead-letter queue's $2 (or /dev/null) and the parked records
# $3 (or /dev/null), which may repeat what done holds.
check_exec() {
	local queue=$1 dead=$2 parked=$3 all lost extra
	[ -e done ] || : >done
	[ -z "$(sort done | uniq -d)" ] || broke "handled twice: $(sort done | uniq -d | tr '\n' ' ')"
	! grep -q 'job3$' done || broke "job3 (always failing) counted as handled"
	all=$(cat done "$queue" "$dead" | grep -v '^none$' | sort)
	[ -z "$(uniq -d <<<"$all")" ] ||
		broke "both handled and on a queue, or twice on one: $(uniq -d <<<"$all" | tr '\n' ' ')"
	all=$(cat done "$queue" "$dead" "$parked" | grep -v '^none$' | sort -u)
	lost=$(comm -23 <(sort "$IN/want") <(echo "$all"))
	[ -z "$lost" ] || broke "LOST (neither handled nor on a queue): $(tr '\n' ' ' <<<"$lost")"
	extra=$(comm -13 <(sort "$IN/want") <(echo "$all"))
	[ -z "$extra" ] || broke "never sent: $(tr '\n' ' ' <<<"$extra")"
	ended_early && return
	if [ "$STATUS" = 0 ] && [ "$(cat "$queue" "$parked" | grep -cv '^none$')" != 0 ]; then
		broke "exit 0 with messages left on the work or the in-flight queue"
	fi
}

# System V: six messages, two handlers at once, a dead-letter queue.
msgrcv_exec_sysv_prepare() { exec_prepare; }
msgrcv_exec_sysv_setup() { rm -f done; fill_queue -k 0x4e4; }
msgrcv_exec_sysv_run() {
	traced "$IPCBOX" msgrcv -k 0x4e4 -F -n --max-attempts 2 --dead-letter 0x4e5 --exec -j 2 \
		-- sh -c "$(cat "$IN/handler")" >out 2>err
	STATUS=$?
}
msgrcv_exec_sysv_check() {
	sysv_queue 1252 >queue
	sysv_queue 1253 >dead
	check_exec queue dead /dev/null
	[ "$STATUS" != 0 ] || ended_early || grep -qx "3	job3" dead || broke "exit 0 without job3 in the dead-letter queue"
}
scenario msgrcv msgrcv_exec_sysv "msgrcv memfd_create pwrite64 vfork wait4" \
	"6 messages: msgrcv -k 0x4e4 -F -n --max-attempts 2 --dead-letter 0x4e5 --exec -j 2 -- sh -c HANDLER"

# System V with an in-flight queue: each message is copied (MSG_COPY), parked,
# then taken (the copy confirmed), and waited for by a receive with no room.
msgrcv_exec_sysv_inflight_prepare() { exec_prepare; }
msgrcv_exec_sysv_inflight_setup() { rm -f done; fill_queue -k 0x4e6; }
msgrcv_exec_sysv_inflight_run() {
	traced "$IPCBOX" msgrcv -k 0x4e6 -F -n --max-attempts 2 --inflight 0x4e7 --exec -j 2 \
		-- sh -c "$(cat "$IN/handler")" >out 2>err
	STATUS=$?
}
msgrcv_exec_sysv_inflight_check() {
	sysv_queue 1254 >queue
	parked_records 0x4e7 >parked
	check_exec queue /dev/null parked
}
CLEAN_STATUS_msgrcv_exec_sysv_inflight=1
scenario msgrcv msgrcv_exec_sysv_inflight "msgrcv msgsnd" \
	"6 messages: msgrcv -k 0x4e6 -F -n --max-attempts 2 --inflight 0x4e7 --exec -j 2 -- sh -c HANDLER"

# POSIX with an in-flight queue: parking, unparking (the POSIX rotation) and
# putting back are all sends and receives, faults included.
msgrcv_exec_posix_prepare() { exec_prepare 2; }
msgrcv_exec_posix_setup() { rm -f done; fill_queue -P /xq --maxmsg 16; }
msgrcv_exec_posix_run() {
	traced "$IPCBOX" msgrcv -P /xq -F -n --max-attempts 2 --inflight /xi --exec -j 2 \
		-- sh -c "$(cat "$IN/handler")" >out 2>err
	STATUS=$?
}
msgrcv_exec_posix_check() {
	posix_queue /xq >queue
	parked_records /xi >parked
	check_exec queue /dev/null parked
}
# (job3 fails twice and, with no dead-letter queue, goes back: exit 1)
CLEAN_STATUS_msgrcv_exec_posix=1
scenario msgrcv msgrcv_exec_posix "mq_timedreceive mq_timedsend memfd_create pwrite64 vfork wait4" \
	"6 messages of priority 2: msgrcv -P /xq -F -n --max-attempts 2 --inflight /xi --exec -j 2 -- sh -c HANDLER"
