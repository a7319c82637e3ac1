#!/usr/bin/env bats
# ipcs with lsipc's output options (-o, --noheadings, -r, -e, -y, -n, --notruncate,
# --time-format, -P, -J, -g, -M/-Q/-S): tables printed through libsmartcols, which
# ipcs loads only for them. Objects are made with the applets themselves; what
# the table says is checked against /proc and the kernel's limits, and the JSON
# names against lsipc -J where it is installed.

load helpers
load ipcs_helpers

setup() {
	ib_setup
	clear_ipc
}

teardown() {
	# a background holder a failed test left running keeps its segment
	if [ -n "${BG_PID:-}" ]; then
		kill "$BG_PID" 2>/dev/null || :
		wait "$BG_PID" 2>/dev/null || :
	fi
	clear_ipc
}

# A queue 0x1234 with two messages, a 4 KiB segment 0x5047, a set 0x3 of two, a
# POSIX queue /jobs with one message, memory /frame of 3000 bytes and a named
# semaphore /lock of 7.
make_objects() {
	"$IPCBOX" msgsnd -k 0x1234 -c -m 0640 hello
	"$IPCBOX" msgsnd -k 0x1234 world!
	"$IPCBOX" shmcat -k 0x5047 -c -s 4K </dev/null
	"$IPCBOX" semop -k 0x3 -c -N 2 --init 1,2 >/dev/null
	if [ -z "${IPCBOX_NO_MQUEUE:-}" ]; then
		"$IPCBOX" msgsnd -P /jobs -c one
	fi
	"$IPCBOX" shmcat -P /frame -c -s 3000 </dev/null
	"$IPCBOX" semop -P /lock -c --init 7
}

# Field $2 (1-based) of /proc/sysvipc/$1's line for key $3 (hex).
proc_field() { # msg|shm|sem N KEY
	awk -v n="$2" -v k="$(($3))" '$1 == k { print $n }' "/proc/sysvipc/$1"
}

@test "-o KEY,ID,OWNER --noheadings: the queue's key, id and owner, nothing else" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -q -o KEY,ID,OWNER --noheadings
	assert_status 0
	local id
	id=$(proc_field msg 2 0x1234)
	assert_eq "$(tr -s ' ' <<<"$output")" "0x00001234 $id $(id -un)"
	# names in any case, as lsipc
	run "$IPCBOX" ipcs -q -o key,Id --noheadings
	assert_eq "$(tr -s ' ' <<<"$output")" "0x00001234 $id"
}

@test "the default columns are lsipc's, and +LIST adds to them" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -q
	assert_contains "$output" "Message Queues"
	assert_eq "$("$IPCBOX" ipcs -q -r | head -1)" "KEY ID PERMS OWNER USEDBYTES MSGS LSPID LRPID"
	assert_eq "$("$IPCBOX" ipcs -m -r | head -1)" \
		"KEY ID PERMS OWNER SIZE NATTCH STATUS CTIME CPID LPID COMMAND"
	assert_eq "$("$IPCBOX" ipcs -s -r | head -1)" "KEY ID PERMS OWNER NSEMS"
	assert_eq "$("$IPCBOX" ipcs -M -r | head -1)" "NAME PERMS OWNER SIZE MTIME"
	assert_eq "$("$IPCBOX" ipcs -S -r | head -1)" "NAME PERMS OWNER MTIME SVAL"
	assert_eq "$("$IPCBOX" ipcs -q -r -o +CUID,KEY | head -1)" \
		"KEY ID PERMS OWNER USEDBYTES MSGS LSPID LRPID CUID KEY"
	# -c and -t add lsipc's columns; COMMAND stays last
	assert_eq "$("$IPCBOX" ipcs -m -r -t | head -1)" \
		"KEY ID PERMS OWNER SIZE NATTCH STATUS CTIME CPID LPID ATTACH DETACH COMMAND"
	assert_eq "$("$IPCBOX" ipcs -s -r -c | head -1)" "KEY ID PERMS OWNER NSEMS CUID CGID UID GID"
	# "-o +" alone: the default columns (lsipc's JSON for a kind, say)
	assert_eq "$("$IPCBOX" ipcs -s -r -o + | head -1)" "KEY ID PERMS OWNER NSEMS"
}

@test "a row holds what the kernel holds: sizes, counts, pids" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -q -r --noheadings -o USEDBYTES,MSGS,LSPID,LRPID
	assert_eq "$output" "$(proc_field msg 4 0x1234) $(proc_field msg 5 0x1234) $(proc_field msg 6 0x1234) $(proc_field msg 7 0x1234)"
	assert_eq "$output" "11 2 $(proc_field msg 6 0x1234) 0"
	run "$IPCBOX" ipcs -m -r --noheadings -o SIZE,NATTCH,CPID,LPID,RSS,SWAP
	assert_eq "$output" "4096 0 $(proc_field shm 5 0x5047) $(proc_field shm 6 0x5047) $(proc_field shm 15 0x5047) $(proc_field shm 16 0x5047)"
	run "$IPCBOX" ipcs -m -r --noheadings -o SIZE --human
	assert_eq "$output" "4K"
	run "$IPCBOX" ipcs -s -r --noheadings -o NSEMS,PERMS
	assert_eq "$output" "2 rw-------"
	run "$IPCBOX" ipcs -S -r --noheadings -o NAME,SVAL
	assert_eq "$output" "/lock 7"
	run "$IPCBOX" ipcs -M -r --noheadings -o NAME,SIZE
	assert_eq "$output" "/frame 3000"
}

@test "-P: PERMS in octal; without it as ls shows them" {
	need_smartcols
	make_objects
	assert_eq "$("$IPCBOX" ipcs -q -r --noheadings -o PERMS)" "rw-r-----"
	assert_eq "$("$IPCBOX" ipcs -q -r --noheadings -o PERMS -P)" "0640"
	assert_eq "$("$IPCBOX" ipcs -q --numeric-perms -J -o PERMS | jq -r '.messages[0].perms')" "0640"
}

@test "-e: each row is NAME=\"VALUE\" pairs a shell evaluates to the values" {
	need_smartcols
	make_objects
	local line KEY ID OWNER USEDBYTES n=0
	while IFS= read -r line; do
		eval "$line"
		n=$((n + 1))
	done < <("$IPCBOX" ipcs -q -e -o KEY,ID,OWNER,USEDBYTES)
	assert_eq "$n" 1
	assert_eq "$KEY $ID $OWNER $USEDBYTES" "0x00001234 $(proc_field msg 2 0x1234) $(id -un) 11"
	# a POSIX name, and a value with spaces (the creator's command line)
	line=$("$IPCBOX" ipcs -S -e -o NAME,SVAL)
	eval "$line"
	assert_eq "$NAME $SVAL" "/lock 7"
}

@test "-y: every column name is a valid shell variable name (USE% is USE_PCT)" {
	need_smartcols
	make_objects
	local names
	names=$("$IPCBOX" ipcs -g -e -y | grep -oE '[^ ]+="' | tr -d '="' | sort -u)
	assert_eq "$names" "$(printf '%s\n' DESCRIPTION LIMIT RESOURCE USED USE_PCT)"
	local all opts=(-q -m -s -M -S)
	[ -n "${IPCBOX_NO_MQUEUE:-}" ] || opts+=(-Q)
	for o in "${opts[@]}"; do
		all=$("$IPCBOX" ipcs --list-columns | awk -v o="$o" '{ for (i = 2; i < NF; i++) if ($i == o) { print $1; break } }' |
			paste -sd,)
		names=$("$IPCBOX" ipcs "$o" -n -y -o "$all" | sed 's/=.*//' | sort -u)
		[ -n "$names" ]
		for n in $names; do
			[[ $n =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "$o: $n" >&2; return 1; }
		done
	done
	# and a shell takes them: eval sets USE_PCT
	local line RESOURCE USE_PCT
	line=$("$IPCBOX" ipcs -g -q -e -y | grep MSGMNI)
	eval "$line"
	assert_eq "$RESOURCE" MSGMNI
	[[ $USE_PCT == *% ]]
}

@test "-n: one NAME=\"VALUE\" a line; -r: one row a line, cells between single spaces" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -q -n -o KEY,ID,MSGS
	assert_eq "$output" "KEY=\"0x00001234\"
ID=\"$(proc_field msg 2 0x1234)\"
MSGS=\"2\""
	run "$IPCBOX" ipcs -q -r -o KEY,OWNER,MSGS
	assert_eq "$output" "KEY OWNER MSGS
0x00001234 $(id -un) 2"
	run "$IPCBOX" ipcs -q -r --noheadings -o KEY,MSGS
	assert_eq "$output" "0x00001234 2"
}

@test "--time-format: iso is read back by date -d; full is ctime's; JSON has epoch seconds" {
	need_smartcols
	make_objects
	local epoch iso full
	epoch=$("$IPCBOX" ipcs -q -J -o CTIME | jq '.messages[0].ctime')
	assert_eq "$epoch" "$(proc_field msg 14 0x1234)"
	iso=$("$IPCBOX" ipcs -q -r --noheadings --time-format iso -o CTIME)
	[[ $iso =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$ ]]
	assert_eq "$(date -d "$iso" +%s)" "$epoch"
	iso=$(TZ=Asia/Kolkata "$IPCBOX" ipcs -q -r --noheadings --time-format iso -o CTIME)
	assert_contains "$iso" "+05:30"
	assert_eq "$(date -d "$iso" +%s)" "$epoch"
	full=$(LC_ALL=C "$IPCBOX" ipcs -q --noheadings --time-format full -o SEND | tr -s ' ')
	assert_eq "$full" "$(LC_ALL=C date -d "@$(proc_field msg 12 0x1234)" '+%a %b %e %H:%M:%S %Y' | tr -s ' ')"
	# short: today's time of day
	assert_eq "$("$IPCBOX" ipcs -q -r --noheadings -o CTIME)" "$(date -d "@$epoch" +%H:%M)"
	# JSON with iso: a string; a time not set: empty, or null in JSON
	assert_eq "$("$IPCBOX" ipcs -q -J --time-format iso -o CTIME | jq -r '.messages[0].ctime')" \
		"$("$IPCBOX" ipcs -q -r --noheadings --time-format iso -o CTIME)"
	assert_eq "$("$IPCBOX" ipcs -q -J -o RECV | jq '.messages[0].recv')" null
	run "$IPCBOX" ipcs -q --time-format=long
	assert_status 1
	assert_contains "$output" "invalid --time-format 'long'"
}

@test "-J: lsipc's document, typed values, checked with jq" {
	need_smartcols
	need_cmd jq
	make_objects
	local j
	j=$("$IPCBOX" ipcs -q -J -o +)
	assert_eq "$(jq -c '.messages[0] | [.key, .id, .perms, .usedbytes, .msgs, .lrpid]' <<<"$j")" \
		"[\"0x00001234\",$(proc_field msg 2 0x1234),\"rw-r-----\",11,2,0]"
	assert_eq "$(jq -r '.messages[0] | [.id, .usedbytes, .msgs, .lspid] | map(type) | unique | .[]' <<<"$j")" number
	j=$("$IPCBOX" ipcs -m --json -o KEY,SIZE,NATTCH,STATUS,ATTACH)
	assert_eq "$(jq -c '.sharedmemory[0]' <<<"$j")" \
		'{"key":"0x00005047","size":4096,"nattch":0,"status":null,"attach":null}'
	j=$("$IPCBOX" ipcs -S -J)
	assert_eq "$(jq -c '."posix-semaphores"[0] | [.name, .sval]' <<<"$j")" '["/lock",7]'
	# --json alone keeps ipcs's own document
	assert_eq "$("$IPCBOX" ipcs -q --json | jq -r '.messages[0].used_bytes')" 11
	# -J excludes the other forms
	run "$IPCBOX" ipcs -q -J -r
	assert_status 1
	assert_contains "$output" "exclude each other"
}

@test "-J field names are lsipc -J's on the same objects" {
	need_smartcols
	need_cmd jq
	command -v lsipc >/dev/null || skip "lsipc is not installed"
	make_objects
	local k ours theirs
	for k in -q -m -s; do
		theirs=$(lsipc "$k" -J | jq -c '[.[][0] | keys[]] | sort')
		ours=$("$IPCBOX" ipcs "$k" -J -o + | jq -c '[.[][0] | keys[]] | sort')
		assert_eq "$ours" "$theirs"
		# and with every column lsipc has for the kind
		theirs=$(lsipc "$k" -J -o "$(lsipc --help | awk '/^Generic columns/ { on = 1; next }
			/^$/ { on = 0 } on { print $1 }' | paste -sd,)" | jq -c '[.[][0] | keys[]] | sort')
		ours=$("$IPCBOX" ipcs "$k" -J -o "$(lsipc --help | awk '/^Generic columns/ { on = 1; next }
			/^$/ { on = 0 } on { print $1 }' | paste -sd,)" | jq -c '[.[][0] | keys[]] | sort')
		assert_eq "$ours" "$theirs"
	done
	theirs=$(lsipc -g -J | jq -c '[.ipclimits[0] | keys[]] | sort')
	assert_eq "$("$IPCBOX" ipcs -g -J | jq -c '[.ipclimits[0] | keys[]] | sort')" "$theirs"
	assert_eq "$(lsipc -q -J | jq -r '.messages[0].key')" "$("$IPCBOX" ipcs -q -J -o + | jq -r '.messages[0].key')"
}

@test "-g: LIMIT is /proc/sys/kernel's, USED the objects in use; above 2^53 a JSON string" {
	need_smartcols
	need_cmd jq
	make_objects
	local j r
	j=$("$IPCBOX" ipcs -g -J)
	lim() { jq -r --arg r "$1" '.ipclimits[] | select(.resource == $r) | .limit' <<<"$j"; }
	used() { jq -r --arg r "$1" '.ipclimits[] | select(.resource == $r) | .used' <<<"$j"; }
	for r in msgmni msgmax msgmnb shmmni shmmax shmall; do
		assert_eq "$(lim "${r^^}")" "$(cat "/proc/sys/kernel/$r")"
	done
	read -r semmsl semmns semopm semmni </proc/sys/kernel/sem
	assert_eq "$(lim SEMMSL) $(lim SEMMNS) $(lim SEMOPM) $(lim SEMMNI)" "$semmsl $semmns $semopm $semmni"
	assert_eq "$(used MSGMNI) $(used SHMMNI) $(used SEMMNI) $(used SEMMNS) $(used MSGMAX)" "1 1 1 2 null"
	assert_eq "$(used SHMALL)" 1
	if [ -z "${IPCBOX_NO_MQUEUE:-}" ]; then
		assert_eq "$(lim MQUMNI) $(used MQUMNI)" "$(cat /proc/sys/fs/mqueue/queues_max) 1"
		assert_eq "$(lim MQUMAX)" "$(cat /proc/sys/fs/mqueue/msgsize_max)"
	fi
	# typed: a number, or past 2^53 the digits as a string
	local big
	big=$(cat /proc/sys/kernel/shmmax)
	if [ "${#big}" -gt 16 ]; then
		assert_eq "$(jq -r '.ipclimits[] | select(.resource == "SHMMAX") | .limit | type' <<<"$j")" string
	fi
	assert_eq "$(jq -r '.ipclimits[] | select(.resource == "SHMMNI") | .limit | type' <<<"$j")" number
	assert_eq "$(jq -r '.ipclimits[] | select(.resource == "MSGMNI") | .["use%"]' <<<"$j")" \
		"$(awk -v l="$(lim MSGMNI)" 'BEGIN { printf "%.2f", 100 / l }' | sed 's/\.\?0*$//')"
	# text: "-" where there is no use; -q alone: its rows only
	run "$IPCBOX" ipcs -g -q -r --noheadings
	assert_eq "$(cut -d' ' -f1 <<<"$output" | paste -sd,)" "MSGMNI,MSGMAX,MSGMNB"
	# raw: libsmartcols writes a space inside a cell as \x20, as lsipc -r does
	assert_contains "$output" "MSGMAX Max\\x20size\\x20of\\x20message\\x20(bytes) $(cat /proc/sys/kernel/msgmax) - -"
	run "$IPCBOX" ipcs -g -m -o RESOURCE,LIMIT --noheadings -r
	assert_eq "$(sed -n 4p <<<"$output")" "SHMMIN 1"
	run "$IPCBOX" ipcs -g -i 0
	assert_status 1
}

@test "-Q, -M, -S with -i /NAME: one row; a missing name exits 1, a missing id 0" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -M -i /frame -r --noheadings -o NAME,SIZE
	assert_status 0
	assert_eq "$output" "/frame 3000"
	run "$IPCBOX" ipcs -S -i /lock -r --noheadings -o SVAL
	assert_eq "$output" 7
	if [ -z "${IPCBOX_NO_MQUEUE:-}" ]; then
		run "$IPCBOX" ipcs -Q -i /jobs -r --noheadings -o NAME,MSGS,USEDBYTES
		assert_eq "$output" "/jobs 1 3"
		run "$IPCBOX" ipcs -i /jobs -Q -J
		assert_eq "$(jq -r '."posix-messages"[0].msgs' <<<"$output")" 1
	fi
	run "$IPCBOX" ipcs -M -i /none -r --noheadings
	assert_status 1
	assert_eq "$output" "ipcs: POSIX shared memory '/none' not found"
	run "$IPCBOX" ipcs -q -i 99999 -r
	assert_status 0
	assert_eq "$output" "ipcs: id 99999 not found"
	run "$IPCBOX" ipcs -q -i "$(proc_field msg 2 0x1234)" -r --noheadings -o KEY
	assert_eq "$output" 0x00001234
}

# lsipc -i's line for LABEL and VALUE: "Label:", padded to 36 columns, then the
# value padded to 36.
label_line() { # LABEL VALUE
	printf '%s:%*c%-36s\n' "$1" $((35 - ${#1})) ' ' "$2"
}

@test "-i with a table option: a line per column, lsipc -i's labels; a set's semaphores under them" {
	need_smartcols
	make_objects
	local qid sid
	qid=$(proc_field msg 2 0x1234)
	sid=$(proc_field sem 2 0x3)
	run "$IPCBOX" ipcs -q -i "$qid" -o KEY,ID,USEDBYTES,MSGS
	assert_status 0
	assert_eq "$output" "$(label_line Key 0x00001234; label_line ID "$qid"; label_line 'Bytes used' 11
		label_line Messages 2)"
	# without -o: every column of the kind that has a value; times in full
	run "$IPCBOX" ipcs -q -i "$qid" --noheadings
	assert_eq "$(sed -n 1p <<<"$output")" "$(label_line Key 0x00001234)"
	assert_contains "$output" "$(label_line 'Creator UID' "$(id -u)")"
	assert_contains "$output" "$(label_line 'Msg sent' "$(LC_ALL=C date -d "@$(proc_field msg 12 0x1234)" '+%a %b %e %H:%M:%S %Y')")"
	refute_contains "$output" "Msg received:"
	refute_contains "$output" "Semaphores:"
	# a segment's Status line is there even with no flag, as lsipc's is
	run "$IPCBOX" ipcs -m -i "$(proc_field shm 2 0x5047)" -o SIZE,STATUS,ATTACH
	assert_eq "$output" "$(label_line 'Segment size' 4096; label_line Status '')"
	# RSS and SWAP, ours, only when asked for: from /proc, as in the listing
	run "$IPCBOX" ipcs -m -i "$(proc_field shm 2 0x5047)" -o RSS,SWAP
	assert_eq "$output" "$(label_line 'Resident size' "$(proc_field shm 15 0x5047)"
		label_line 'Swapped size' "$(proc_field shm 16 0x5047)")"
	run "$IPCBOX" ipcs -m -i "$(proc_field shm 2 0x5047)" -r --noheadings -o RSS
	assert_eq "$output" "$(proc_field shm 15 0x5047)"
	refute_contains "$("$IPCBOX" ipcs -m -i "$(proc_field shm 2 0x5047)" -y)" "Resident size:"
	# a set: its lines, then each semaphore's value (semop --init 1,2)
	run "$IPCBOX" ipcs -s -i "$sid" -o NSEMS
	assert_eq "$(sed -n '1,3p' <<<"$output")" "$(label_line Semaphores 2; printf 'Elements:\n\n')"
	assert_eq "$(sed -n '4,$p' <<<"$output" | awk '{ print $1, $2, $3, $4 }')" "SEMNUM VALUE NCOUNT ZCOUNT
0 1 0 0
1 2 0 0"
	# POSIX objects too, by name
	run "$IPCBOX" ipcs -S -i /lock -o NAME,SVAL
	assert_eq "$output" "$(label_line Name /lock; label_line Value 7)"
	run "$IPCBOX" ipcs -M -i /frame -P
	assert_eq "$(sed -n 1p <<<"$output")" "$(label_line Name /frame)"
	assert_contains "$output" "$(label_line Permissions 0600)"
	assert_contains "$output" "$(label_line 'Segment size' 3000)"
	# -r, -e, -n and -J still give a row; JSON is what the listing has for it
	run "$IPCBOX" ipcs -q -i "$qid" -r -o KEY,MSGS
	assert_eq "$output" "KEY MSGS
0x00001234 2"
	assert_eq "$("$IPCBOX" ipcs -q -i "$qid" -J -o +)" "$("$IPCBOX" ipcs -q -J -o +)"
	# nothing found: nothing printed but the one line; a missing name exits 1
	run "$IPCBOX" ipcs -q -i 99999 --noheadings
	assert_status 0
	assert_eq "$output" "ipcs: id 99999 not found"
	run "$IPCBOX" ipcs -S -i /none
	assert_status 1
	assert_eq "$output" "ipcs: POSIX semaphore '/none' not found"
}

@test "-i with a table option prints what lsipc -i prints, byte for byte" {
	need_smartcols
	command -v lsipc >/dev/null || skip "lsipc is not installed"
	# a segment removed while attached ("dest", key 0), a set whose last
	# operation is by a live process (its COMMAND shown), that process's
	start_bg "$PY" -c '
import ctypes, signal, sys
libc = ctypes.CDLL(None)
libc.shmat.restype = ctypes.c_void_p
shm = libc.shmget(0x5048, 8192, 0o1640)
assert libc.shmat(shm, None, 0) != ctypes.c_void_p(-1).value
assert libc.shmctl(shm, 0, None) == 0
sem = libc.semget(0x3a, 1, 0o1600)
assert libc.semop(sem, (ctypes.c_short * 3)(0, 1, 0), 1) == 0
print("ready", file=sys.stderr, flush=True)
signal.pause()'
	expect_line '^ready'
	make_objects
	local k id o ours theirs
	for k in -q -m -s; do
		for id in $(awk 'NR > 1 { print $2 }' "/proc/sysvipc/$(case $k in -q) echo msg;; -m) echo shm;; -s) echo sem;; esac)"); do
			# ours gives bytes unless --human; lsipc human sizes unless -b
			for o in "--noheadings" "-y" "-o KEY,ID,PERMS" "-o +CTIME" "-c -y" "-t -y" "-o +ID -c" \
				"--time-format iso -y" "--time-format short -o CTIME" "--notruncate" "-r" "-e" "-n" \
				"-n -o ID" "-r -o KEY,ID --noheadings"; do
				# shellcheck disable=SC2086
				theirs=$(lsipc "$k" -i "$id" -b ${o//-y/} 2>&1; echo "rc=$?")
				# shellcheck disable=SC2086
				ours=$("$IPCBOX" ipcs "$k" -i "$id" $o 2>&1; echo "rc=$?")
				[ "$ours" = "$theirs" ] || { echo "ipcs $k -i $id $o" >&2; diff <(echo "$theirs") <(echo "$ours") >&2; return 1; }
			done
			# shellcheck disable=SC2086
			assert_eq "$("$IPCBOX" ipcs "$k" -i "$id" --human -y)" "$(lsipc "$k" -i "$id")"
		done
	done
	assert_contains "$("$IPCBOX" ipcs -m -i "$(proc_field shm 2 0)" -y)" "$(label_line Status dest)"
	assert_contains "$("$IPCBOX" ipcs -s -i "$(proc_field sem 2 0x3a)" -y)" " $BG_PID $PY -c"
	kill "$BG_PID"
	wait "$BG_PID" || :
	run lsipc -q -i 99999 -o KEY
	assert_eq "$("$IPCBOX" ipcs -q -i 99999 -o KEY 2>&1)" "${output/lsipc:/ipcs:}"
}

@test "the filters apply to the table" {
	need_smartcols
	make_objects
	"$IPCBOX" msgsnd -k 0x99 -c x
	run "$IPCBOX" ipcs -q -r --noheadings -o KEY --keys 0x1000-0x2000
	assert_eq "$output" 0x00001234
	run "$IPCBOX" ipcs -q -r --noheadings -o KEY --owner 4242
	assert_eq "$output" ""
}

@test "bad columns and kinds: one line, exit 1" {
	need_smartcols
	make_objects
	run "$IPCBOX" ipcs -q -o KEY,BOGUS
	assert_status 1
	assert_eq "$output" "ipcs: unknown column: BOGUS"
	run "$IPCBOX" ipcs -q -o NSEMS
	assert_status 1
	assert_eq "$output" "ipcs: column NSEMS does not apply to the specified IPC"
	run "$IPCBOX" ipcs -q -m -o KEY
	assert_status 1
	assert_contains "$output" "give one of -q, -m, -s, -Q, -M, -S"
	run "$IPCBOX" ipcs -o KEY
	assert_status 1
	run "$IPCBOX" ipcs -q -p -o KEY
	assert_status 1
}

@test "--list-columns: each column is usable in a table of every kind it names" {
	need_smartcols
	make_objects
	local name kinds k n=0
	while read -r name kinds; do
		for k in ${kinds% *}; do
			[[ $k == -? ]] || continue
			[ "$k" != -Q ] || [ -z "${IPCBOX_NO_MQUEUE:-}" ] || continue
			"$IPCBOX" ipcs "$k" -o "$name" -r >/dev/null || { echo "$k -o $name" >&2; return 1; }
			n=$((n + 1))
		done
	done < <("$IPCBOX" ipcs --list-columns | sed -E 's/  +[A-Z][a-z].*$//')
	[ "$n" -gt 40 ]
}

@test "--notruncate and COMMAND: the creator's whole command line" {
	need_smartcols
	start_bg /usr/bin/python3 -c '
import ctypes, signal, sys
libc = ctypes.CDLL(None)
assert libc.shmget(0x77, 4096, 0o1600) >= 0
print("ready", file=sys.stderr, flush=True)
signal.pause()' "a long argument that a narrow table would cut"
	expect_line '^ready'
	run "$IPCBOX" ipcs -m --notruncate --noheadings -o COMMAND
	assert_contains "$output" "a long argument that a narrow table would cut"
	run "$IPCBOX" ipcs -m -J -o CPID,COMMAND
	assert_eq "$(jq -r '.sharedmemory[0].cpid' <<<"$output")" "$BG_PID"
	local cmdline
	cmdline=$(tr '\0' ' ' </proc/"$BG_PID"/cmdline)
	assert_eq "$(jq -r '.sharedmemory[0].command' <<<"$output")" "${cmdline% }"
	kill "$BG_PID"
	wait "$BG_PID" || :
}

@test "libsmartcols is loaded for JSON and a terminal only; tables to a pipe never load it" {
	need_smartcols
	need_cmd strace
	need_cmd script
	local t=$BATS_TEST_TMPDIR/t o
	for o in "-q" "-q --json" "--list-columns" "-q -o KEY" "-g" "-q -r" "-q -e -y" "-M -n"; do
		# shellcheck disable=SC2086
		# (the status is not asked: LeakSanitizer stops under ptrace, at exit)
		strace -f -e trace=openat -o "$t" "$IPCBOX" ipcs $o >/dev/null 2>&1 || :
		refute_contains "$(cat "$t")" libsmartcols
	done
	strace -f -e trace=openat -o "$t" "$IPCBOX" ipcs -q -J -o KEY >/dev/null 2>&1 || :
	assert_contains "$(cat "$t")" libsmartcols.so.1
	# on a terminal, to fit the table to its width
	script -qc "strace -f -e trace=openat -o '$t' '$IPCBOX' ipcs -q -o KEY" /dev/null >/dev/null
	assert_contains "$(cat "$t")" libsmartcols.so.1
}

@test "without libsmartcols.so.1 JSON tables fail with one line naming it; the rest print by hand" {
	"$IPCBOX" ipcs -g -q -J >/dev/null 2>&1 && skip "libsmartcols.so.1 loads here"
	make_objects
	local o
	for o in "-q -o KEY -J" "-g -J" "-M -J" "-q --noheadings -J"; do
		# shellcheck disable=SC2086
		run "$IPCBOX" ipcs $o
		assert_status 1
		assert_contains "$output" "libsmartcols.so.1"
		assert_eq "$(wc -l <<<"$output")" 1
	done
	run "$IPCBOX" ipcs -q -o KEY,MSGS --noheadings
	assert_status 0
	assert_eq "$output" "0x00001234 2"
	run "$IPCBOX" ipcs -s -e -o KEY,NSEMS
	assert_eq "$output" 'KEY="0x00000003" NSEMS="2"'
	run "$IPCBOX" ipcs -g -q -r -o RESOURCE
	assert_status 0
	assert_contains "$output" MSGMNI
	# a terminal gets the same table, not fitted to its width
	run script -qec "'$IPCBOX' ipcs -q -o KEY,MSGS --noheadings" /dev/null
	assert_status 0
	assert_eq "${output//$'\r'/}" "0x00001234 2"
}

# Objects whose cells have every kind of byte a cell can hold: a segment made
# by a process whose command line has a tab, a backslash before x, UTF-8, a
# control character and spaces (the COMMAND column), and plain ones.
odd_segments() {
	local name fifo=$BATS_TEST_TMPDIR/hold
	HOLDERS=()
	mkfifo "$fifo"
	for name in $'we\tird \\x41 \xc3\xa9\x01 end' 'plain name' $'caf\xc3\xa9'; do
		(exec -a "$name" "$PY" -c '
import sys, sysv_ipc
sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, 0o600, 4096)
sys.stdin.read()' <"$fifo") &
		HOLDERS+=("$!")
	done
	exec 9>"$fifo"
	local i
	for ((i = 0; i < 1000; i++)); do
		[ "$(awk '$7 == 1' /proc/sysvipc/shm | wc -l)" -ge 3 ] && return 0
	done
	return 1
}

@test "tables printed by hand are byte for byte lsipc's, in every form and locale" {
	need_cmd lsipc
	need_sysv_ipc
	odd_segments
	local loc o a b locales=(C)
	# without the library, text in a multibyte locale is escaped byte by byte
	"$IPCBOX" ipcs -g -q -J >/dev/null 2>&1 && locales+=(C.UTF-8)
	for loc in "${locales[@]}"; do
		for o in "" "--noheadings" "-r" "-e" "-n" "-e -y" "-r -y" "-n -y" "-r --noheadings"; do
			# shellcheck disable=SC2086
			a=$(LC_ALL=$loc "$IPCBOX" ipcs -m $o -o KEY,ID,COMMAND,NATTCH,PERMS,OWNER)
			# shellcheck disable=SC2086
			b=$(LC_ALL=$loc lsipc -b -m $o -o KEY,ID,COMMAND,NATTCH,PERMS,OWNER)
			assert_eq "$a" "$b"
		done
		for o in "" "-r" "-e" "-y -e" "--noheadings"; do # (less our POSIX queue rows)
			# shellcheck disable=SC2086
			assert_eq "$(LC_ALL=$loc "$IPCBOX" ipcs -g $o | grep -v MQUM)" \
				"$(LC_ALL=$loc lsipc -b -g $o)"
		done
	done
	exec 9>&-
	wait "${HOLDERS[@]}"
}
