#!/usr/bin/env bats
# Every example of every man page (each .EX block of its EXAMPLES section) and of
# the README (each indented block under "## Examples") is run here, or, where it
# cannot run in the test namespaces (a systemd unit, a crontab line, a remote
# host), checked: its syntax, that its options exist (the applet's --help), and
# that its paths follow the install prefix.
#
# Each block is named PAGE.N (the Nth block of PAGE.1; README.N for the README)
# and has a handler below: ran_PAGE_N runs it, checked_PAGE_N only checks it. A
# block without a handler fails the last test, so a new example must come with
# one. A handler runs the example's own text (ex_text, or ex_cmds and ex_out for
# "$ command" blocks) inside `sandbox`: fresh IPC and mount namespaces, a tmpfs
# on /tmp, /run and /srv, the applets first in PATH, and users "app" and
# "postgres" that the pages use. The fixture (what the page takes as given: a
# queue with jobs in it, a file to send) is written next to the example in its
# handler.

load helpers

setup_file() {
	export EXDIR=$BATS_FILE_TMPDIR/ex
	mkdir -p "$EXDIR"
	local f
	for f in "$IPCBOX_TOP"/man/*.1; do
		man_blocks "$f" "$EXDIR/$(basename "$f" .1)"
	done
	readme_blocks "$IPCBOX_TOP/README.md" "$EXDIR/README"
}

# The .EX blocks of a page's EXAMPLES section as files PREFIX.1, PREFIX.2, ...,
# with roff's escapes undone and its continuation lines (a trailing \) joined.
man_blocks() { # PAGE PREFIX
	awk -v pre="$2" '
		/^\.SH/ { ex = ($0 ~ /^\.SH "?EXAMPLES"?$/) }
		!ex { next }
		/^\.EX/ { n++; out = pre "." n; printf "" > out; inex = 1; held = ""; next }
		/^\.EE/ { inex = 0; close(out); next }
		inex {
			line = held $0
			if (line ~ /[^\\]\\$/ && line !~ /\\e$/) { held = substr(line, 1, length(line) - 1); next }
			held = ""
			gsub(/\\-/, "-", line); gsub(/\\\(aq/, "\047", line); gsub(/\\\(dq/, "\"", line)
			gsub(/\\&/, "", line); gsub(/\\e/, "\\", line)
			print line > out
		}' "$1"
}

# The README's examples: each run of lines indented by four spaces under
# "## Examples", up to the next "## " heading.
readme_blocks() { # README PREFIX
	awk -v pre="$2" '
		/^## / { ex = ($0 == "## Examples"); if (inb) { close(out); inb = 0 }; next }
		!ex { next }
		/^    / { if (!inb) { n++; out = pre "." n; printf "" > out; inb = 1 }
			print substr($0, 5) > out; next }
		/^$/ { next }
		{ if (inb) { close(out); inb = 0 } }' "$1"
}

setup() {
	ib_setup
	need_cmd unshare
}

# The text of block $1 (PAGE.N).
ex_text() { cat "$EXDIR/$1"; }

# The commands of a "$ command" block, without the prompt ("> " lines continue
# the command before), and the output it documents (every other line).
ex_cmds() {
	sed -n -e 's/^\$ //p' -e 's/^> //p' "$EXDIR/$1"
}
ex_out() {
	grep -v -e '^\$ ' -e '^> ' "$EXDIR/$1" || :
}

# Runs, in fresh IPC and mount namespaces (inside the ones tests/run made):
# FIXTURE (every command must succeed), then EXAMPLE in the same shell (its
# status is the sandbox's), then AFTER, whose output follows a line "@after".
# Inside: tmpfs on /tmp, /run and /srv, a fresh /dev/shm and /dev/mqueue, the
# applets linked in /run/ib/bin at the head of PATH, HOME=/run/ib/home, the work
# directory /run/ib/work, users app (1500) and postgres (1501).
sandbox() { # FIXTURE EXAMPLE [AFTER]
	local pre='
		set -e
		mount -t tmpfs tmpfs /dev/shm
		[ -n "${IPCBOX_NO_MQUEUE:-}" ] || mount -t mqueue mqueue /dev/mqueue
		for d in /tmp /run /srv; do mkdir -p "$d"; mount -t tmpfs tmpfs "$d"; done
		mkdir -p /run/ib/bin /run/ib/home /run/ib/work /run/user/"$(id -u)"
		"$IPCBOX" --install -s /run/ib/bin
		ln -s "$IPCBOX" /run/ib/bin/ipcbox
		unset MAKEFLAGS MAKELEVEL MFLAGS
		# Objects of app and postgres are made by uids 1500 and 1501 where this
		# can switch users; elsewhere (a user namespace that maps only root) by
		# root, which the passwd file then names app, first.
		if [ "${IPCBOX_CAN_DROP:-}" = 1 ]; then
			as_app() { setpriv --reuid=1500 --regid=1500 --clear-groups -- "$@"; }
			as_postgres() { setpriv --reuid=1501 --regid=1501 --clear-groups -- "$@"; }
		else
			as_app() { "$@"; }
			as_postgres() { "$@"; }
			echo "app:x:0:0::/:/bin/false"
		fi >/run/ib/passwd
		{ grep -v -e "^app:" -e "^postgres:" /etc/passwd
		  echo "app:x:1500:1500::/:/bin/false"; echo "postgres:x:1501:1501::/:/bin/false"
		} >>/run/ib/passwd
		{ grep -v -e "^app:" -e "^postgres:" /etc/group
		  echo "app:x:1500:"; echo "postgres:x:1501:"; } >/run/ib/group
		mount --bind /run/ib/passwd /etc/passwd
		mount --bind /run/ib/group /etc/group
		export PATH=/run/ib/bin:$PATH HOME=/run/ib/home
		cd /run/ib/work
		umask 022
	'
	run unshare --ipc --mount --propagation private -- bash -c "$pre
$1
set +e
$2
st=\$?
${3:+echo @after
$3}
exit \$st"
}

# The example's own output (before "@after") and what AFTER printed.
ex_output() {
	if [[ $output == *@after* ]]; then
		local o=${output%%@after*}
		printf '%s' "${o%$'\n'}"
	else
		printf '%s' "$output"
	fi
}
after_output() {
	local a=${output#*@after}
	printf '%s' "${a#$'\n'}"
}

# Each line of $2 is a line of $1, in the same order (others may come between).
assert_lines_in() { # ACTUAL EXPECTED
	local want rest=$1 line
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		while :; do
			if [ -z "$rest" ]; then
				printf 'expected line not found: %s\nin output:\n%s\n' "$want" "$1" >&2
				return 1
			fi
			line=${rest%%$'\n'*}
			if [ "$line" = "$rest" ]; then rest=; else rest=${rest#*$'\n'}; fi
			[ "$line" != "$want" ] || break
		done
	done <<<"$2"
}

# Runs a "$ command" block as documented: status 0, and its documented output
# lines appear in order in what it printed.
ran_as_shown() { # BLOCK FIXTURE [AFTER]
	sandbox "$2" "$(ex_cmds "$1")" "${3:-}"
	assert_status 0
	assert_lines_in "$(ex_output)" "$(ex_out "$1")"
}

# --- checking what cannot run here -------------------------------------------

# Words of a shell command line (shlex), one a line.
shell_words() {
	python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.stdin.read(), comments=True)))'
}

# An applet's options as its --help lists them, one a line: NAME and whether it
# takes an argument (1), may have one after = (2) or takes none (0).
opt_table() { # APPLET
	"$IPCBOX" "$1" --help | grep -E '^ +-[^- ]|^ +--[^ ]' | sed -E 's/^ +//; s/  .*//' |
		awk -F', ' '{
			arg = ($NF ~ /\[=/) ? 2 : ($NF ~ /[= ]/) ? 1 : 0
			for (i = 1; i <= NF; i++) { o = $i; sub(/[= \[].*/, "", o); print o, arg }
		}'
}

# Checks the applet commands in a command line: an applet run by path is
# /usr/local/bin/APPLET (the default prefix) and one a default install links
# (not mkfifo, ipcs or ipcrm: those are "ipcbox NAME"); every option it is given,
# up to "--" or a shell operator (for pipeline: up to its first command), is one
# of its options. Counts the applets it saw in $applets_seen.
check_cmdline() { # COMMAND-LINE
	need_cmd python3
	local words w applet='' applets table='' skip=0
	applets=$("$IPCBOX" --list)
	mapfile -t words < <(printf '%s\n' "$1" | shell_words)
	for w in "${words[@]}"; do
		if [ "$skip" = 1 ]; then skip=0; continue; fi
		case $w in
		'|' | '||' | '&&' | ';' | '&' | '--' | '>'* | '<'* | [0-9]'>'*) applet= ; continue ;;
		esac
		if [ -z "$applet" ]; then
			local base=${w##*/}
			[ "$w" != ipcbox ] || continue
			if grep -qx -- "$base" <<<"$applets"; then
				if [ "$base" != "$w" ]; then
					assert_eq "$w" "/usr/local/bin/$base" || return 1
					case $base in mkfifo | ipcs | ipcrm)
						echo "$w: a default install does not link $base" >&2; return 1 ;;
					esac
				fi
				applet=$base
				applets_seen=$((applets_seen + 1))
				table=$(opt_table "$applet")
			fi
			continue
		fi
		case $w in
		-*)
			local name=${w%%=*} arg
			arg=$(awk -v o="$name" '$1 == o { print $2 }' <<<"$table")
			[ -n "$arg" ] || { echo "$applet has no option $name" >&2; return 1; }
			[ "$arg" != 1 ] || [[ $w == *=* ]] || skip=1
			;;
		*) [ "$applet" != pipeline ] || applet= ;;
		esac
	done
}

# A crontab line: five time fields, then a command whose applets check.
check_crontab() { # BLOCK
	local line
	line=$(ex_text "$1")
	[ "$(wc -l <<<"$line")" = 1 ] || { echo "a crontab entry is one line" >&2; return 1; }
	[[ $line =~ ^([0-9*/,-]+[[:space:]]+){5}(.*)$ ]] ||
		{ echo "not a crontab line: $line" >&2; return 1; }
	applets_seen=0
	check_cmdline "${BASH_REMATCH[2]}" || return 1
	[ "$applets_seen" -gt 0 ] || { echo "no applet in $line" >&2; return 1; }
	sh -n -c "${BASH_REMATCH[2]}"
}

# A systemd unit fragment: [Section] and Key=Value lines (a trailing \
# continues a line); the Exec lines' applets check.
check_unit() { # BLOCK
	local line joined='' key
	applets_seen=0
	while IFS= read -r line; do
		if [[ $line == *\\ ]]; then joined+="${line%\\} "; continue; fi
		line=$joined$line joined=
		[ -n "$line" ] || continue
		if [[ $line =~ ^\[[A-Za-z]+\]$ ]]; then continue; fi
		[[ $line =~ ^([A-Za-z]+)=(.*)$ ]] || { echo "not a unit line: $line" >&2; return 1; }
		key=${BASH_REMATCH[1]}
		case $key in Exec*) check_cmdline "${BASH_REMATCH[2]}" || return 1 ;; esac
	done < <(ex_text "$1")
	[ "$applets_seen" -gt 0 ] || { echo "no applet in $1" >&2; return 1; }
}

# Shell lines that need the network or another host: they parse, and their
# applets check.
check_script() { # BLOCK
	bash -n -c "$(ex_text "$1")"
	local line joined=''
	applets_seen=0
	while IFS= read -r line; do
		if [[ $line == *\\ ]]; then joined+="${line%\\} "; continue; fi
		check_cmdline "$joined$line" || return 1
		joined=
	done < <(ex_text "$1" | sed -E 's/^[a-z]+\$ +//')
	[ "$applets_seen" -gt 0 ] || { echo "no applet in $1" >&2; return 1; }
}

# --- ipcbox(1) ------------------------------------------------------------------

ran_ipcbox_1() {
	ran_as_shown ipcbox.1 'mkdir ~/bin' \
		'for a in $(ipcbox --list); do [ -L ~/bin/$a ] && [ ~/bin/$a -ef "$IPCBOX" ] || echo "no $a"; done'
	assert_eq "$(after_output)" ""
}

ran_ipcbox_2() {
	ran_as_shown ipcbox.2 '' 'stat -c %F:%a /tmp/ctl'
	assert_eq "$(after_output)" "fifo:600"
}

# --- ipcrm(1) -------------------------------------------------------------------

# The ids the page shows, made with the kernel's next-id knobs.
ran_ipcrm_1() {
	ran_as_shown ipcrm.1 '
		echo 3 >/proc/sys/kernel/msg_next_id; msgsnd -k 0x1234 -c --create-only >/dev/null
		echo 32769 >/proc/sys/kernel/shm_next_id; shmcat -k 0x99 -c -s 4K' \
		'ipcs -q -m | grep -c ^0x'
	assert_eq "$(ex_output)" "$(ex_out ipcrm.1)"
	assert_eq "$(after_output)" 0
}

# What a crashed service of user app left: a segment and a queue whose processes
# are gone (the ids and keys the pages show). A semaphore set that a live semop
# holds (it ends when the FIFO is written) is not stale and stays.
stale_fixture='
	echo 65538 >/proc/sys/kernel/shm_next_id
	as_app ipcbox shmcat -k 0x162e -c -s 4K
	echo 4 >/proc/sys/kernel/msg_next_id
	as_app ipcbox msgsnd -k 0x162f -c job
	mkfifo /run/ib/release
	semop -k 0x1631 -c --init 1 --hold -- cat /run/ib/release &
	for i in $(seq 3000); do
		[ "$(semop -k 0x1631 --get 2>/dev/null)" = 0 ] && break
		sleep 0.01
	done
'
stale_release=': >/run/ib/release; wait'
ran_ipcrm_2() {
	ran_as_shown ipcrm.2 "$stale_fixture" "ipcs -m -q -s | grep -o '^0x[0-9a-f]*'; $stale_release"
	assert_lines_in "$(ex_output)" "$(ex_out ipcrm.2)"
	assert_eq "$(ex_output | grep -c '^would remove')" 2
	assert_eq "$(ex_output | grep -c '^removing')" 2
	assert_eq "$(after_output)" 0x00001631
}

# No clock to move: an hour-old segment cannot be made, so a young one of app's
# is kept and one of root's is not looked at.
ran_ipcrm_3() {
	ran_as_shown ipcrm.3 '
		as_app ipcbox shmcat -k 0x10 -c -s 4K
		ipcbox shmcat -k 0x11 -c -s 4K' 'ipcs -m | grep -c ^0x'
	assert_eq "$(ex_output)" ""
	assert_eq "$(after_output)" 2
}

ran_ipcrm_4() {
	need_mqueue
	ran_as_shown ipcrm.4 '
		shmcat -P /cache -c -s 4K; shmcat -P /keep -c -s 4K
		semop -P /lock -c --init 1; msgsnd -P /q1 -c a; msgsnd -P /q2 -c b' \
		'ls /dev/shm /dev/mqueue'
	assert_eq "$(after_output)" "/dev/mqueue:

/dev/shm:
keep"
}

# --- ipcs(1) --------------------------------------------------------------------

ran_ipcs_1() {
	ran_as_shown ipcs.1 "$stale_fixture
		as_postgres ipcbox shmcat -k 0x5047 -c -s 4K" "$stale_release"
	assert_contains "$(ex_output)" 0x0000162e
	assert_contains "$(ex_output)" 0x00005047
}

ran_ipcs_2() {
	need_cmd jq
	ran_as_shown ipcs.2 "$stale_fixture" "$stale_release"
	assert_lines_in "$(ex_output)" "65538
would remove shared memory segment id \`65538' (key 0x0000162e, owner app)"
	refute_contains "$(ex_output)" 0x00001631
	refute_contains "$(ex_output)" "id \`0'"
}

ran_ipcs_3() {
	ran_as_shown ipcs.3 '
		echo 5 >/proc/sys/kernel/shm_next_id; shmcat -k 0x5 -c -s 4K
		echo 3 >/proc/sys/kernel/sem_next_id; semop -k 0x3 -c -N 2 --init 1,2 >/dev/null'
	assert_contains "$(ex_output)" "shmid=5"
	assert_contains "$(ex_output)" '"id": 3'
}

ran_ipcs_4() {
	need_mqueue
	ran_as_shown ipcs.4 'shmcat -k 0x5 -c -s 4K; msgsnd -P /jobs -c one'
	assert_contains "$(ex_output)" 0x00000005
	assert_contains "$(ex_output)" /jobs
}

ran_ipcs_5() {
	need_mqueue
	need_cmd jq
	ran_as_shown ipcs.5 'for j in a b c; do msgsnd -P /jobs -c "$j"; done'
	assert_eq "$(ex_output | tail -1)" 3
}

# A segment attached by a process that waits for its message on queue 4.
ran_ipcs_6() {
	need_cmd jq
	ran_as_shown ipcs.6 '
		echo 4 >/proc/sys/kernel/msg_next_id; msgsnd -k 0x162f -c --create-only >/dev/null
		shmcat -k 0x162e -c -s 4K
		/usr/bin/python3 -c "import sysv_ipc; s = sysv_ipc.SharedMemory(0x162e); s.attach(); sysv_ipc.MessageQueue(0x162f).receive()" &
		for i in $(seq 3000); do
			grep -q msgrcv /proc/$!/wchan 2>/dev/null && break
			sleep 0.01
		done' 'msgsnd -k 0x162f done; wait'
	assert_contains "$(ex_output)" "python3          waiting-receive"
	assert_contains "$(ex_output)" "(python3)"
}

ran_ipcs_7() {
	need_cmd jq
	ran_as_shown ipcs.7 '
		mkdir -p /srv/app/run; touch /srv/app/conf /srv/app/run/sock
		msgsnd -f /srv/app/conf:q -c job; msgsnd -f /srv/app/run/sock:7 -c job'
	assert_contains "$(ex_output)" /srv/app/conf:113
	assert_contains "$(ex_output)" /srv/app/run/sock:7
}

ran_ipcs_8() {
	need_smartcols
	ran_as_shown ipcs.8 'msgsnd -k 0x1234 -c x; shmcat -k 0x5047 -c -s 4K'
}

ran_ipcs_9() {
	need_smartcols
	need_cmd jq
	ran_as_shown ipcs.9 'msgsnd -k 0x1234 -c x'
	assert_contains "$(ex_output)" "MSGMNI   Number of message queues"
	assert_contains "$(ex_output)" "MSGMNI 0"
}

ran_ipcs_10() {
	need_smartcols
	ran_as_shown ipcs.10 'msgsnd -k 0x1234 -c x'
	assert_contains "$(ex_output)" '"key": "0x00001234"'
	assert_contains "$(ex_output)" '"msgs": 1'
}

# --- mkfifo(1) ------------------------------------------------------------------

ran_mkfifo_1() {
	ran_as_shown mkfifo.1 'mkdir /run/myjob; umask 077' 'stat -c %F:%a /run/myjob/ctl'
	assert_eq "$(after_output)" "fifo:600"
}

ran_mkfifo_2() {
	ran_as_shown mkfifo.2 '' 'stat -c %n:%F:%a in out'
	assert_eq "$(after_output)" "in:fifo:640
out:fifo:640"
}

# --- msgrcv(1) and msgsnd(1) ----------------------------------------------------

# A job queue: the block runs in the background with a process() that records
# each job; once every job is recorded the queue is removed, which ends the
# worker (msgrcv fails), and the block's status is not asked for.
jobs_fixture='
	mkdir /srv/incoming; touch /srv/incoming/a.csv /srv/incoming/b.csv
	process() { echo "$1" >>/run/ib/done; }
	: >/run/ib/done
'
# The same with process as a command (for msgrcv --exec), that takes the job as $1.
exec_fixture='
	mkdir /srv/incoming; touch /srv/incoming/a.csv /srv/incoming/b.csv
	printf "#!/bin/sh\necho \"\$1\" >>/run/ib/done\n" >/run/ib/bin/process
	chmod +x /run/ib/bin/process
	: >/run/ib/done
'
# The example in the background, then wait (bounded) for N jobs done.
jobs_run() { # BLOCK N [FIXTURE]
	sandbox "${3:-$jobs_fixture}" "
		( $(ex_text "$1") ) >/run/ib/out 2>&1 &
		for i in \$(seq 3000); do
			[ \"\$(wc -l </run/ib/done 2>/dev/null)\" = $2 ] && break
			sleep 0.01
		done
		ipcrm -Q 0x4a4f42
		wait
		cat /run/ib/done"
}

ran_msgrcv_1() {
	jobs_run msgrcv.1 2 "$exec_fixture"
	assert_eq "$(ex_output | sort)" "/srv/incoming/a.csv
/srv/incoming/b.csv"
}

ran_msgrcv_2() {
	sandbox 'msgsnd -k 0x100 -c -t 7 -l <<<"one
two"' "$(ex_text msgrcv.2)" 'msgrcv -k 0x200 -F -n --typed -l 2>/dev/null; ipcs -q | grep -c "^0x00000100 .* 0 *$"'
	# The first line copies both, the second moves both: 4 in 0x200, none in 0x100.
	assert_eq "$(after_output)" "7	one
7	two
7	one
7	two
1"
}

ran_msgrcv_3() {
	sandbox 'msgsnd -k 0x4a4f42 -c -t 3 -l <<<"a
b"' "$(ex_text msgrcv.3)" 'tr "\0" "\n" <stale.msgs; ipcs -q | grep -c ^0x'
	assert_eq "$(after_output)" "3	a
3	b
0"
}

# A cron job's drain: every job handled, the queue empty, status 0. Each handler
# appends its line in one write: handlers run at once (-j 8).
ran_msgrcv_5() {
	sandbox 'msgsnd -P /thumbnails -c -l <<<"a.jpg
b.jpg"; printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$(cat)\" >>/run/ib/made\n" >/run/ib/bin/make-thumbnail
chmod +x /run/ib/bin/make-thumbnail' "$(ex_text msgrcv.5)" 'sort /run/ib/made'
	assert_status 0
	assert_eq "$(after_output)" "a.jpg
b.jpg"
}

ran_msgrcv_4() {
	sandbox 'msgsnd -k 0x4a4f42 -c -t 1 other; msgsnd -k 0x4a4f42 -t 2 ok' "$(ex_text msgrcv.4)" \
		'echo "$reply"; msgrcv -k 0x4a4f42 -n'
	assert_status 0
	assert_eq "$(after_output)" "ok
other"
}

ran_msgsnd_1() {
	jobs_run msgsnd.1 2 "$exec_fixture"
	assert_eq "$(ex_output | sort)" "/srv/incoming/a.csv
/srv/incoming/b.csv"
}

# Urgent first: now.csv, sent after the others, is taken before them.
ran_msgsnd_2() {
	jobs_run msgsnd.2 3 "$exec_fixture"
	assert_eq "$(ex_output | head -1)" /srv/incoming/now.csv
	assert_eq "$(ex_output | sed 1d | sort)" "/srv/incoming/a.csv
/srv/incoming/b.csv"
}

ran_msgsnd_3() {
	sandbox 'msgsnd -k 0x100 -c -t 5 -l <<<"x
y"' "$(ex_text msgsnd.3)" 'msgrcv -k 0x200 -F -n --typed -l 2>/dev/null; msgrcv -k 0x100 -F -n --typed -l 2>/dev/null'
	assert_eq "$(after_output)" "5	x
5	y
5	x
5	y"
}

ran_msgsnd_4() {
	need_mqueue
	need_cmd jq
	sandbox 'msgsnd -k 0x4a4f42 -c --create-only >/dev/null; head -c 3000 /dev/urandom >report.bin' \
		"$(ex_text msgsnd.4)" 'msgrcv -k 0x4a4f42 -n | cmp - report.bin && echo same
		msgrcv -P /events -n; echo; ipcs --posix -q -i /events --json | jq -c "[.[\"posix-messages\"][0] | .max_messages, .max_message_size]"'
	assert_status 0
	assert_eq "$(after_output)" 'same
started
[10,8192]'
}

# --- pipeline(1) ----------------------------------------------------------------

checked_pipeline_1() { check_unit pipeline.1; }
checked_pipeline_2() { check_crontab pipeline.2; }

ran_pipeline_3() {
	ran_as_shown pipeline.3 'printf "info a\ninfo b\n" >log'
	assert_eq "$(ex_output)" "$(ex_out pipeline.3)"
}

# Pids and times vary, and which stage is reaped first may too.
ran_pipeline_4() {
	sandbox '' "$(ex_cmds pipeline.4)"
	assert_status 0
	local norm='s/pid [0-9]+/pid P/; s/[0-9]+\.[0-9]+s/Ts/g'
	assert_eq "$(ex_output | sed -E "$norm" | sort)" "$(ex_out pipeline.4 | sed -E "$norm" | sort)"
}

ran_pipeline_5() {
	need_cmd make
	need_cmd less
	ran_as_shown pipeline.5 'printf "all:\n\t@echo built\n\t@echo warned >&2\n" >Makefile
		printf "a\nb\nc\n" >file'
	assert_eq "$(ex_output)" "built
warned
2"
}

# The archive holds the whole log, however the branches were scheduled.
ran_pipeline_6() {
	need_cmd gzip
	ran_as_shown pipeline.6 'printf "ERROR a\ninfo\nERROR b\n" >app.log' \
		'zcat app.log.gz | cmp - app.log && echo archived'
	assert_eq "$(after_output)" archived
}

ran_pipeline_7() {
	need_cmd bc
	ran_as_shown pipeline.7 ''
	assert_eq "$(ex_output)" "$(ex_out pipeline.7)"
}

checked_pipeline_8() { check_crontab pipeline.8; }

# --- semop(1) -------------------------------------------------------------------

checked_semop_1() { check_crontab semop.1; }

# ffmpeg stands in: it records how many run at once (never more than four).
ran_semop_2() {
	sandbox '
		touch a.flac b.flac c.flac d.flac e.flac f.flac
		cat >/run/ib/bin/ffmpeg <<"EOF"
#!/bin/bash
n=$(semop -k 0x4a0b --get)
echo $((4 - n)) >>/run/ib/running
cp "$2" "$3"
EOF
		chmod +x /run/ib/bin/ffmpeg' "$(ex_cmds semop.2)" 'ls *.opus | wc -l; sort -n /run/ib/running | tail -1; semop -k 0x4a0b --get'
	assert_status 0
	local a
	a=$(after_output)
	assert_eq "${a%%$'\n'*}" 6
	[ "$(sed -n 2p <<<"$a")" -le 4 ]
	assert_eq "$(sed -n 3p <<<"$a")" 4
}

# The script-long lock: held while the script runs, given back when it has ended.
ran_semop_3() {
	sandbox "cat >script <<'EOF'
$(ex_text semop.3)
semop -k 0x4a0d --get
EOF" 'bash script' '
		for i in $(seq 10000); do [ "$(semop -k 0x4a0d --get)" = 1 ] && break; done
		semop -k 0x4a0d --get'
	assert_status 0
	assert_eq "$(ex_output)" 0
	assert_eq "$(after_output)" 1
}

ran_semop_4() {
	ran_as_shown semop.4 '
		printf "#!/bin/sh\necho report >>/run/ib/reports\n" >/run/ib/bin/make-report
		printf "#!/bin/sh\necho rotated\n" >/run/ib/bin/rotate-logs
		chmod +x /run/ib/bin/make-report /run/ib/bin/rotate-logs' \
		'wait; cat /run/ib/reports; semop -k 0x4a0e --get'
	assert_contains "$(ex_output)" rotated
	assert_eq "$(after_output)" "report
1"
}

ran_semop_5() {
	ran_as_shown semop.5 'semop -k 0x4a0c -c -N 2 --init 1,0 >/dev/null'
	assert_contains "$(ex_output)" '"semnum": 0, "value": 0'
	assert_contains "$(ex_output)" '"semnum": 1, "value": 1'
}

ran_semop_6() {
	ran_as_shown semop.6 'work() { echo worked; }' 'semop -P /jobs --get'
	assert_eq "$(ex_output)" worked
	assert_eq "$(after_output)" 2
}

# --- shmcat(1) ------------------------------------------------------------------

ran_shmcat_1() {
	need_cmd xxd
	ran_as_shown shmcat.1 'shmcat -k 0x1234 -c -s 4K -w <<<"hello"'
	assert_eq "$(ex_output | head -1)" "00000000: 6865 6c6c 6f0a 0000 0000 0000 0000 0000  hello..........."
	assert_eq "$(ex_output | grep -c '')" 4
}

ran_shmcat_2() {
	ran_as_shown shmcat.2 'head -c 5000 /dev/urandom >table.bin' '
		shmcat -k 0x1234 -L 5000 | cmp - table.bin && echo same
		ipcs -m | awk "/^0x00001234/ { print \$4, \$5 }"'
	assert_eq "$(after_output)" "same
640 1048576"
}

ran_shmcat_3() {
	ran_as_shown shmcat.3 'shmcat -P /app.state -c -s 4K -w < <(head -c 4096 /dev/zero | tr "\0" x)' \
		'shmcat -P /app.state -o 254 -L 8 | od -An -c'
	assert_eq "$(after_output | tr -s ' ')" " x x 001 \0 \0 \0 x x"
}

ran_shmcat_4() {
	ran_as_shown shmcat.4 'echo 32769 >/proc/sys/kernel/shm_next_id
		shmcat -k 0x1 -c -s 4K -w <<<"saved"' 'cmp snapshot.bin <(shmcat -i 32769) && echo same'
	assert_eq "$(after_output)" same
	assert_eq "$(ex_output)" ""
}

# The pid printed is the last one ipcs shows (the fixture's writer).
ran_shmcat_5() {
	need_cmd jq
	ran_as_shown shmcat.5 'shmcat -k 0x1234 -c -s 4K -w <<<x' 'ipcs -m -i 0 | grep -o "lpid=[0-9]*"'
	assert_eq "lpid=$(ex_output)" "$(after_output)"
}

# --- sockcat(1) -----------------------------------------------------------------

# A service and its client: the block's lines up to "# a client" (or its first
# line) start the service in the background; once its socket is there (polled,
# bounded) the rest, the client, runs; the service is then stopped.
service_and_client() { # BLOCK SOCKET-PATH
	local text service client
	text=$(ex_text "$1")
	if grep -q '^# a client' <<<"$text"; then
		service=$(sed '/^# a client/,$d' <<<"$text")
		client=$(sed -n '/^# a client/,$p' <<<"$text")
	else
		service=$(sed 1q <<<"$text")
		client=$(sed 1d <<<"$text")
	fi
	[[ $service == *'&' ]] || { echo "$1: the service does not go to the background" >&2; return 1; }
	sandbox '' "
		$service
		srv=\$!
		for i in \$(seq 3000); do [ -S $2 ] && break; sleep 0.01; done
		$client
		st=\$?
		kill \$srv; wait \$srv
		(exit \$st)" "stat -c %a $2 2>/dev/null || echo gone"
}

ran_sockcat_1() {
	service_and_client sockcat.1 '/run/user/$(id -u)/upper.sock'
	assert_status 0
	assert_eq "$(ex_output)" HELLO
	# --fork's listener removes its socket when it is stopped.
	assert_eq "$(after_output)" gone
}

checked_sockcat_2() { check_script sockcat.2; }
checked_sockcat_3() { check_script sockcat.3; }
checked_sockcat_4() { check_script sockcat.4; }
# db and cache resolve to 127.0.0.1; cache comes up only once db answers, so the
# example waits for at least one of them.
ran_sockcat_5() {
	[ -z "${IPCBOX_NO_LO:-}" ] || skip "$IPCBOX_NO_LO"
	sandbox '
		{ cat /etc/hosts; echo "127.0.0.1 db cache"; } >/run/ib/hosts
		mount --bind /run/ib/hosts /etc/hosts
		printf "#!/bin/sh\necho myservice started\n" >/run/ib/bin/myservice
		chmod +x /run/ib/bin/myservice
		sockcat -l -k tcp:127.0.0.1:5432 </dev/null >/dev/null 2>&1 &
		(sockcat -z --retry-for 10s tcp:127.0.0.1:5432 &&
		 exec sockcat -l -k tcp:127.0.0.1:6379) </dev/null >/dev/null 2>&1 &' \
		"($(ex_text sockcat.5))" 'kill $(jobs -p); wait; echo stopped'
	assert_status 0
	assert_eq "$(ex_output)" "myservice started"
	assert_eq "$(after_output)" stopped
}

checked_sockcat_6() { check_unit sockcat.6; }
checked_sockcat_7() { check_script sockcat.7; }

# Two shells on one host: "receiver" resolves to 127.0.0.1 (a hosts file in the
# sandbox), PORT is what the receiver printed.
ran_sockcat_8() {
	[ -z "${IPCBOX_NO_LO:-}" ] || skip "$IPCBOX_NO_LO"
	local text receiver sender
	text=$(ex_text sockcat.8)
	receiver=$(sed -n 's/^receiver\$ *//p' <<<"$text")
	sender=$(sed -n 's/^sender\$ *//p' <<<"$text")
	[ -n "$receiver" ] && [ -n "$sender" ]
	sandbox '
		{ cat /etc/hosts; echo "127.0.0.1 receiver"; } >/run/ib/hosts
		mount --bind /run/ib/hosts /etc/hosts
		mkdir -p to from/dir/sub
		printf "one\n" >from/dir/a; head -c 100000 /dev/urandom >from/dir/sub/b' "
		(cd to && $receiver) 2>/run/ib/receiver.err &
		port=
		for i in \$(seq 3000); do
			port=\$(sed -n 's/.*listening on tcp:.*:\([0-9]*\)\$/\1/p' /run/ib/receiver.err)
			[ -n \"\$port\" ] && break
			sleep 0.01
		done
		sender='$sender'
		(cd from && eval \"\${sender//PORT/\$port}\")
		wait" 'diff -r from/dir to/dir && echo same'
	assert_status 0
	assert_eq "$(after_output)" same
}

# The UDP service in the background, ready once its port shows in ss (polled,
# bounded); then the client.
ran_sockcat_9() {
	[ -z "${IPCBOX_NO_LO:-}" ] || skip "$IPCBOX_NO_LO"
	need_cmd ss
	local text service client
	text=$(ex_text sockcat.9)
	service=$(sed '/^# a client/,$d' <<<"$text")
	client=$(sed -n '/^# a client/,$p' <<<"$text")
	sandbox '' "
		$service
		srv=\$!
		for i in \$(seq 3000); do ss -Hlun | grep -q ':5353 ' && break; sleep 0.01; done
		$client
		st=\$?
		kill \$srv; wait \$srv
		(exit \$st)" 'echo stopped'
	assert_status 0
	assert_eq "$(ex_output)" "hello from 127.0.0.1"
}

# The serial pair runs until it is stopped; the client, once both links are there
# (polled, bounded), gets through one what it wrote to the other. Stopping the pair
# removes both links.
ran_sockcat_10() {
	local text
	text=$(ex_text sockcat.10)
	python3 -c 'import os; os.openpty()' 2>/dev/null || skip "no usable /dev/ptmx and /dev/pts here"
	sandbox '' "
		$(sed '/^# a client/,$d' <<<"$text")
		srv=\$!
		for i in \$(seq 3000); do [ -L /run/ttyV0 ] && [ -L /run/ttyV1 ] && break; sleep 0.01; done
		$(sed -n '/^# a client/,$p' <<<"$text") | od -An -c | tr -s ' '
		kill \$srv; wait \$srv || :" 'ls /run/ttyV0 /run/ttyV1 2>/dev/null || echo gone'
	assert_status 0
	assert_eq "$(ex_output)" ' A T Z \r'
	assert_eq "$(after_output)" gone
}

checked_sockcat_11() { check_script sockcat.11; }

# --- README.md -------------------------------------------------------------------

ran_README_1() {
	sandbox "$stale_fixture" "$(ex_text README.1)" "ipcs -m -q -s | grep -o '^0x[0-9a-f]*'; $stale_release"
	assert_status 0
	assert_contains "$(ex_output)" "0x0000162e 65538      app"
	assert_contains "$(ex_output)" "0x0000162f 4          app"
	assert_lines_in "$(ex_output)" "would remove shared memory segment id \`65538' (key 0x0000162e, owner app)
would remove message queue id \`4' (key 0x0000162f, owner app)
removing shared memory segment id \`65538' (key 0x0000162e, owner app)
removing message queue id \`4' (key 0x0000162f, owner app)"
	refute_contains "$(ex_output)" 0x00001631
	assert_eq "$(after_output)" 0x00001631
}

ran_README_2() {
	jobs_run README.2 2 "$exec_fixture"
	assert_eq "$(ex_output | sort)" "/srv/incoming/a.csv
/srv/incoming/b.csv"
}

checked_README_3() { check_crontab README.3; }

ran_README_4() {
	service_and_client README.4 '/run/user/$(id -u)/up.sock'
	assert_status 0
	assert_eq "$(ex_output)" HELLO
}

ran_README_5() {
	sandbox '' "$(ex_text README.5)"
	assert_status 0
	assert_eq "$(ex_output | tail -1)" "status 2"
	assert_contains "$(ex_output)" "no-such-dir"
}

ran_README_6() {
	need_cmd xxd
	sandbox 'shmcat -k 0x1234 -c -s 4K -w <<<"hello"' "$(ex_text README.6)"
	assert_status 0
	assert_eq "$(ex_output | head -1)" "00000000: 6865 6c6c 6f0a 0000 0000 0000 0000 0000  hello..........."
	assert_eq "$(ex_output | grep -c '')" 4
}

# --- the tests ------------------------------------------------------------------

# Runs every block of PAGE through its handler.
run_page() { # PAGE
	local f n b h
	for f in "$EXDIR/$1".*; do
		[ -e "$f" ] || { echo "$1 has no examples" >&2; return 1; }
		b=${f##*/}
		n=${b##*.}
		h=${1}_$n
		# Shown if the test fails. The handler is not called in a condition, so
		# that its every assertion counts (set -e).
		echo "example $b:"
		cat "$f"
		if declare -F "ran_$h" >/dev/null; then
			"ran_$h"
		elif declare -F "checked_$h" >/dev/null; then
			"checked_$h"
		else
			echo "example $b has no handler (ran_$h or checked_$h)" >&2
			return 1
		fi
	done
}

@test "ipcbox(1): examples" { run_page ipcbox; }
@test "ipcrm(1): examples" { run_page ipcrm; }
@test "ipcs(1): examples" { run_page ipcs; }
@test "mkfifo(1): examples" { run_page mkfifo; }
@test "msgrcv(1): examples" { run_page msgrcv; }
@test "msgsnd(1): examples" { run_page msgsnd; }
@test "pipeline(1): examples" { run_page pipeline; }
@test "semop(1): examples" { run_page semop; }
@test "shmcat(1): examples" { run_page shmcat; }
@test "sockcat(1): examples" { run_page sockcat; }
@test "README: examples" { run_page README; }

@test "every page's examples have a test, and every example is run or checked" {
	local f b h ran=0 checked=0 none=''
	for f in "$IPCBOX_TOP"/man/*.1; do
		b=$(basename "$f" .1)
		grep -q "^@test \"$b(1): examples\"" "$BATS_TEST_FILENAME" ||
			none+=" $b(1) (no test)"
		# An example outside an .EX block would not be seen here.
		awk '/^\.SH/ { ex = ($0 ~ /EXAMPLES/) } ex && /^\.(nf|fi|IP|TP)/ { bad = 1 }
			END { exit bad }' "$f" || none+=" $b(1) (EXAMPLES not in .EX blocks)"
	done
	for f in "$EXDIR"/*; do
		b=${f##*/}
		h=${b%.*}_${b##*.}
		if declare -F "ran_$h" >/dev/null; then
			ran=$((ran + 1))
		elif declare -F "checked_$h" >/dev/null; then
			checked=$((checked + 1))
		else
			none+=" $b"
		fi
	done
	echo "# ran $ran, checked $checked" >&3
	[ -z "$none" ] || { echo "examples neither run nor checked:$none" >&2; return 1; }
	[ "$ran" -gt 0 ]
}
