# msgsnd: what is on the queue afterwards is exactly the first S input records, in
# order, each whole (none lost in the middle, none twice, none cut), and:
# exit 0: S is every record; exit 1 (one line): S is the count the line gives when
# it gives one; killed by the injected signal: any S. A queue -c made has its mode.

# Ten lines, the first and last longer, so calls of every size are covered.
msg_lines() {
	printf 'first message, longer than the others\n'
	seq -f 'm%02g' 2 9
	printf 'last message, longer than the others\n'
}

# Prints the System V queue KEY's messages as TYPE<TAB>payload lines (and empties
# it), or "none" if there is no such queue.
sysv_queue() {
	local q
	mapfile -t q </proc/sysvipc/msg
	if ! [[ ${q[*]} =~ (^| )$1\  ]]; then
		echo none
		return
	fi
	"$IPCBOX" msgrcv -k "$1" -n -F --typed 2>/dev/null || :
}

posix_queue() {
	if ! [ -e "/dev/mqueue/${1#/}" ]; then
		echo none
		return
	fi
	"$IPCBOX" msgrcv -P "$1" -n -F --typed 2>/dev/null || :
}

# Checks the queue dump in file $1 against the records of file $2 (TYPE<TAB>payload
# lines), as the head of this file says.
check_sent() {
	local got want i n
	mapfile -t got <"$1"
	mapfile -t want <"$2"
	if [ "${got[*]}" = none ]; then
		[ "$STATUS" != 0 ] || broke "exit 0 but the queue does not exist"
		return
	fi
	if [ "$FAULT:$SYSCALL:$STATUS" = retval=1:read:0 ]; then
		# strace made up one byte of input (see faults_for)
		cut -f 2- "$1" >got.stream
		same_bytes "$1" "$2" || same_bytes got.stream "$IN/in" ||
			broke "the queue holds other than the input plus the byte strace added"
		return
	fi
	for ((i = 0; i < ${#got[@]}; i++)); do
		if [ "${got[i]}" != "${want[i]:-}" ]; then
			broke "queued message $((i + 1)) is '${got[i]:0:60}', sent was '${want[i]:-(nothing)}'"
			return
		fi
	done
	case $STATUS in
	0) [ ${#got[@]} = ${#want[@]} ] || broke "exit 0 but ${#got[@]} of ${#want[@]} records on the queue" ;;
	1)
		one_line
		read_file err
		if [[ $REPLY =~ [\;\(]\ *([0-9]+)\ messages?\ sent\ before ]]; then
			n=${BASH_REMATCH[1]}
			[ "$n" = ${#got[@]} ] || broke "stderr says $n sent before, the queue has ${#got[@]}"
		fi
		;;
	esac
}

# --- System V, -l, into a queue that -c creates with mode 0640
msgsnd_sysv_lines_prepare() {
	msg_lines >in
	msg_lines | sed 's/^/1\t/' >want
}
msgsnd_sysv_lines_setup() { :; }
msgsnd_sysv_lines_run() {
	traced "$IPCBOX" msgsnd -k 0x4d1 -c -m 0640 -l <"$IN/in" >out 2>err
	STATUS=$?
}
msgsnd_sysv_lines_check() {
	local q
	mapfile -t q </proc/sysvipc/msg
	[[ ${q[*]} != *" 1233 "* || ${q[*]} =~ \ 1233\ +[0-9]+\ +640\  ]] ||
		broke "the queue was created with another mode: ${q[*]:1}"
	sysv_queue 1233 >got
	check_sent got "$IN/want"
}
scenario msgsnd msgsnd_sysv_lines "read msgsnd msgget" \
	"10 lines on stdin (a file): msgsnd -k 0x4d1 -c -m 0640 -l <in"

# --- System V, --typed records through a pipe, into an existing queue
msgsnd_sysv_typed_prepare() {
	msg_lines | awk '{ print NR "\t" $0 }' >want
	msg_lines >in
}
msgsnd_sysv_typed_setup() {
	"$IPCBOX" msgrcv -k 0x4d2 -c -n 2>/dev/null || :
}
msgsnd_sysv_typed_run() {
	traced "$IPCBOX" msgsnd -k 0x4d2 --typed < <(cat "$IN/want") >out 2>err
	STATUS=$?
}
msgsnd_sysv_typed_check() {
	sysv_queue 1234 >got
	check_sent got "$IN/want"
}
scenario msgsnd msgsnd_sysv_typed "read msgsnd" \
	"10 TYPE<TAB>payload records through a pipe: cat in | msgsnd -k 0x4d2 --typed"

# --- POSIX, -l, into a queue that -c creates
msgsnd_posix_lines_prepare() {
	msg_lines >in
	msg_lines | sed 's/^/0\t/' >want
}
msgsnd_posix_lines_setup() { :; }
msgsnd_posix_lines_run() {
	traced "$IPCBOX" msgsnd -P /fq -c --maxmsg 16 -l <"$IN/in" >out 2>err
	STATUS=$?
}
msgsnd_posix_lines_check() {
	posix_queue /fq >got
	check_sent got "$IN/want"
}
scenario msgsnd msgsnd_posix_lines "read mq_open mq_timedsend" \
	"10 lines on stdin (a file): msgsnd -P /fq -c --maxmsg 16 -l <in"
