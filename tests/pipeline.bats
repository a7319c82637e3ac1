#!/usr/bin/env bats
# pipeline: stages, separators, every status rule, signals, timeouts, orphans.

load helpers
load pipeline_helpers

@test "a three-stage pipeline passes data through" {
	run --separate-stderr pl printf 'b\na\nc\n' '|' sort '|' tr a-z A-Z
	assert_status 0
	assert_eq "$output" $'A\nB\nC'
	assert_eq "$stderr" ""
}

@test "one stage alone runs it" {
	run --separate-stderr pl echo just one
	assert_status 0
	assert_eq "$output" "just one"
}

@test "-s last (the default) is the last stage's status" {
	run pl false '|' true
	assert_status 0
	run pl true '|' sh -c 'exit 7'
	assert_status 7
	run pl -s last sh -c 'exit 3' '|' true
	assert_status 0
}

@test "-s fail is the rightmost non-zero status" {
	run pl -s fail sh -c 'exit 3' '|' sh -c 'exit 4' '|' true
	assert_status 4
	run pl --status=fail sh -c 'exit 3' '|' true '|' true
	assert_status 3
	run pl -s fail true '|' true
	assert_status 0
}

@test "-s N is stage N's status; out of range is a usage error" {
	run pl -s 1 sh -c 'exit 3' '|' sh -c 'exit 4'
	assert_status 3
	run pl -s 2 sh -c 'exit 3' '|' sh -c 'exit 4'
	assert_status 4
	for bad in 0 3 -1 x 1x ''; do
		run --separate-stderr pl -s "$bad" true '|' true
		assert_status 2
		assert_contains "$stderr" "pipeline: invalid --status '$bad': expected last, fail or a stage number from 1 to 2"
	done
}

@test "a stage killed by a signal counts as 128+N" {
	run pl true '|' sh -c 'kill -USR1 $$'
	assert_status $((128 + 10))
}

@test "--status-fd writes every status on one line, like PIPESTATUS" {
	run --separate-stderr pl --status-fd 3 sh -c 'exit 3' '|' false '|' true 3>status
	assert_status 0
	assert_eq "$(cat status)" "3 1 0"
	run pl --status-fd=3 true 3>status
	assert_eq "$(cat status)" "0"
	# every status three digits long
	run pl --status-fd 3 /nonexistent/a '|' /nonexistent/b '|' sh -c 'kill -9 $$' 3>status
	assert_eq "$(cat status)" "127 127 137"
}

@test "--status-fd is not inherited by the stages" {
	run pl --status-fd 3 sh -c 'if [ -e /proc/self/fd/3 ]; then echo leaked; else echo closed; fi' 3>status
	assert_status 0
	assert_eq "$output" "closed"
	assert_eq "$(cat status)" "0"
}

@test "--status-fd 2: statuses on stderr, and the stages keep their stderr" {
	run --separate-stderr pl --status-fd 2 sh -c 'echo from-stage >&2' '|' true
	assert_status 0
	assert_eq "$stderr" $'from-stage\n0 0'
}

@test "--status-fd: a closed or bad descriptor is a usage error" {
	run --separate-stderr pl --status-fd 9 true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" \
		"pipeline: invalid --status-fd '9': expected an open file descriptor (Bad file descriptor)"
	run --separate-stderr pl --status-fd x true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: invalid --status-fd 'x': expected a whole number of at most 2147483647"
}

@test "a failing middle stage: data still flows, -s fail reports it" {
	run --separate-stderr pl -s fail --status-fd 3 printf 'a\nb\n' '|' sh -c 'cat; exit 5' '|' cat 3>status
	assert_status 5
	assert_eq "$output" $'a\nb'
	assert_eq "$(cat status)" "0 5 0"
}

@test "a missing command is reported with its stage number, status 127" {
	run --separate-stderr pl --status-fd 3 true '|' no-such-command-xyz '|' cat 3>status
	assert_status 0
	assert_eq "$stderr" "pipeline: stage 2: 'no-such-command-xyz': command not found"
	assert_eq "$(cat status)" "0 127 0"
	run -127 --separate-stderr pl true '|' no-such-command-xyz
}

@test "a command that cannot be executed is 126" {
	printf 'x' >notexec
	run --separate-stderr pl ./notexec
	assert_status 126
	assert_eq "$stderr" "pipeline: stage 1: cannot execute './notexec': Permission denied"
	run --separate-stderr pl true '|' "$BATS_TEST_TMPDIR"
	assert_status 126
	run -127 --separate-stderr pl ./missing-file
	assert_eq "$stderr" "pipeline: stage 1: cannot execute './missing-file': No such file or directory"
}

@test "commands are found in PATH; a script without #! runs with /bin/sh as in execvp" {
	mkdir bin
	printf 'echo script ran "$@"\n' >bin/myscript
	chmod +x bin/myscript
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run --separate-stderr pl myscript a 'b c' '|' cat
	assert_status 0
	assert_eq "$output" "script ran a b c"
}

@test "the PATH search matches execvp's, as env(1) does it" {
	# Stages are started by the core's own PATH search; env runs glibc's execvp.
	mkdir noexec good notdir-parent dirs
	printf '#!/bin/sh\necho noexec\n' >noexec/tool
	printf '#!/bin/sh\necho good "$@"\n' >good/tool
	chmod +x good/tool
	cp good/tool ./cwdtool
	: >notdir-parent/file
	mkdir dirs/tool
	local d=$BATS_TEST_TMPDIR long
	long=$(printf 'x%.0s' {1..300})
	local cases=(
		"$d/noexec:$d/good|tool"         # not executable first: the search goes on
		"$d/noexec|tool"                 # only a non-executable one: 126
		"$d/dirs|tool"                   # a directory of that name: 126
		"$d/notdir-parent/file:$d/good|tool" # an entry that is a file is skipped
		"|cwdtool"                       # an empty PATH is the current directory
		"$d/good::/nonexistent|cwdtool"  # so is an empty element
		"/nonexistent|tool"              # not found: 127
		"$d/good|$long"                  # a name longer than NAME_MAX: 126
	)
	local c path name want got env
	env=$(command -v env)
	for c in "${cases[@]}"; do
		path=${c%|*} name=${c##*|}
		want=$(PATH=$path "$env" "$name" arg 2>/dev/null; echo "status $?")
		got=$(PATH=$path "$IPCBOX" pipeline "$name" arg 2>/dev/null; echo "status $?")
		assert_eq "$got" "$want"
	done
	# PATH unset: /bin:/usr/bin, as execvp
	got=$(env -u PATH "$IPCBOX" pipeline sh -c 'echo unset' 2>&1)
	assert_eq "$got" "unset"
}

@test "an empty command name is not found; a too long one cannot be executed" {
	run -127 --separate-stderr pl ''
	assert_eq "$stderr" "pipeline: stage 1: '': command not found"
	run -126 --separate-stderr pl "$(printf 'y%.0s' {1..300})"
	assert_contains "$stderr" "$(libc_text "File name too long")"
}

@test "a script without #! gets a huge argument list through /bin/sh" {
	mkdir bin
	printf 'echo "$#"\n' >bin/count
	chmod +x bin/count
	local args
	mapfile -t args < <(seq 50000)
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run --separate-stderr pl count "${args[@]}"
	assert_status 0
	assert_eq "$output" "50000"
}

@test "arguments pass through untouched: no shell, no globbing, no quoting" {
	run pl printf '%s\n' '*' '$HOME' "a b" "it's" '' '|' cat
	assert_status 0
	assert_eq "$output" $'*\n$HOME\na b\nit\'s'
}

@test "a huge argument list (100000 arguments) reaches the stage" {
	local args
	mapfile -t args < <(seq 100000)
	run pl printf '%s\n' "${args[@]}" '|' wc -l
	assert_status 0
	assert_eq "$output" "100000"
}

@test "many stages" {
	local argv=(echo deep) i
	for ((i = 0; i < 50; i++)); do argv+=('|' cat); done
	run pl "${argv[@]}"
	assert_status 0
	assert_eq "$output" "deep"
}

@test "yes | head -1: SIGPIPE is a failure, unless --sigpipe-ok" {
	run --separate-stderr pl -s fail --status-fd 3 yes '|' head -1 3>status
	assert_status 141
	assert_eq "$output" "y"
	assert_eq "$(cat status)" "141 0"
	run --separate-stderr pl -s fail --sigpipe-ok --status-fd 3 yes '|' head -1 3>status
	assert_status 0
	assert_eq "$output" "y"
	assert_eq "$(cat status)" "141 0"
	run pl -s 1 --sigpipe-ok yes '|' head -1
	assert_status 0
}

@test "|& sends the stage's stderr into the pipe too" {
	run --separate-stderr pl sh -c 'echo out; echo err >&2' '|&' sort
	assert_status 0
	assert_eq "$output" $'err\nout'
	assert_eq "$stderr" ""
	run --separate-stderr pl sh -c 'echo out; echo err >&2' '|' sort
	assert_eq "$output" "out"
	assert_eq "$stderr" "err"
}

@test "-d WORD changes the separator; | becomes a plain argument" {
	run --separate-stderr pl -d :: echo 'a | b' '|' c :: tr a-z A-Z
	assert_status 0
	assert_eq "$output" "A | B | C"
	run --separate-stderr pl --delimiter=:: sh -c 'echo e >&2' '::&' cat
	assert_eq "$output" "e"
	run --separate-stderr pl -d '' true
	assert_status 2
}

@test "an empty stage or a separator at either end is a usage error" {
	run --separate-stderr pl true '|'
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: the pipeline ends with '|'"
	run --separate-stderr pl '|' true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: the pipeline starts with '|'"
	run --separate-stderr pl true '|' '|&' true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: stage 2 is empty"
	run --separate-stderr pl true '|&'
	assert_status 2
	run --separate-stderr pl
	assert_status 2
	assert_eq "$stderr" "pipeline: missing command
Try 'pipeline --help' for more information."
	run --separate-stderr pl --
	assert_status 2
}

@test "options end at the first command word; -- ends them too" {
	run --separate-stderr pl echo -s fail
	assert_eq "$output" "-s fail"
	run -127 --separate-stderr pl -- -no-such-cmd
	run --separate-stderr pl --bogus true
	assert_status 2
	# clusters, abbreviations, hex sizes; a "--" after the command is the command's
	run --separate-stderr pl -ks1 --sig --pipe=0x10000 -- printf '%s,' -- -v '|' cat
	assert_status 0
	assert_eq "$output" "--,-v,"
	run --separate-stderr pl --st 1 true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: option '--st' is ambiguous; possibilities: '--status' '--status-fd' '--status-format'"
}

@test "stages get default signal dispositions and an empty signal mask" {
	run pl grep -E '^Sig(Blk|Ign)' /proc/self/status
	assert_status 0
	assert_eq "$output" "$(grep -E '^Sig(Blk|Ign)' /proc/self/status | sed 's/^\(SigBlk:\t\).*/\10000000000000000/')"
	assert_contains "$output" $'SigBlk:\t0000000000000000'
	# pipeline ignores SIGPIPE itself; the stages must not
	run pl yes '|' head -0
	assert_status 0
	run pl -s 1 yes '|' head -0
	assert_status 141
}

@test "-k terminates the other stages when one fails" {
	run --separate-stderr pl -k -s fail --status-fd 3 sleep 1000 '|' sh -c 'exit 4' 3>status
	assert_status 4
	assert_eq "$(cat status)" "143 4"
	run --separate-stderr pl --kill-on-fail --status-fd 3 sleep 1000 '|' false '|' sleep 1000 3>status
	assert_status 143
	assert_eq "$(cat status)" "143 1 143"
}

@test "-k: a stage that cannot start counts as failed" {
	run -127 --separate-stderr pl -k -s fail --status-fd 3 sleep 1000 '|' no-such-command-xyz 3>status
	assert_eq "$(cat status)" "143 127"
}

@test "-k with --sigpipe-ok: a SIGPIPE death is not a failure" {
	run --separate-stderr pl -k --sigpipe-ok -s fail yes '|' head -1
	assert_status 0
	assert_eq "$output" "y"
}

@test "-t: SIGTERM to every stage at expiry, exit 124" {
	run --separate-stderr pl -t 0.2 --status-fd 3 sleep 1000 '|' cat 3>status
	assert_status 124
	assert_eq "$(cat status)" "143 143"
	run --separate-stderr pl --timeout=250ms true
	assert_status 0
}

@test "-t: SIGKILL after --kill-after for a stage that ignores SIGTERM" {
	# env ignores SIGTERM before sh starts: a trap set by sh itself could come after
	# the timeout on a busy machine (then SIGTERM ended the stage: 143).
	run --separate-stderr pl -t 0.1 --kill-after 0.1 --status-fd 3 \
		env --ignore-signal=TERM sh -c 'while :; do read -r x || :; done </dev/zero >/dev/null' 3>status
	assert_status 124
	assert_eq "$(cat status)" "137"
}

@test "bad durations and sizes are usage errors" {
	for o in -t --kill-after; do
		run --separate-stderr pl "$o" abc true
		assert_status 2
		assert_eq "${stderr%%$'\n'*}" "pipeline: invalid ${o/-t/--timeout} 'abc': expected a duration like 2, 1.5s or 250ms"
	done
	for b in 0 x -1 1Q; do
		run --separate-stderr pl -b "$b" true
		assert_status 2
		assert_eq "${stderr%%$'\n'*}" "pipeline: invalid --pipe-size '$b': expected a size like 4096, 0x1000, 64K or 1MiB, from 1 to 2147483647"
	done
	run --separate-stderr pl -d '' true
	assert_status 2
	assert_eq "${stderr%%$'\n'*}" "pipeline: invalid --delimiter '': expected a word that is not empty"
}

@test "-b sets every pipe's capacity" {
	local py=/usr/bin/python3
	[ -x $py ] || skip "no /usr/bin/python3"
	# One write per line (print() writes the newline separately), so the two stages'
	# lines cannot interleave.
	local getsz='import fcntl, sys; sys.stderr.write("%d\n" % fcntl.fcntl(int(sys.argv[1]), 1032))'
	run --separate-stderr pl -b 1M $py -c "$getsz" 1 '|' $py -c "$getsz" 0 '|' cat
	assert_status 0
	assert_eq "$stderr" $'1048576\n1048576'
	run --separate-stderr pl --pipe-size=100000 $py -c "$getsz" 1 '|' cat
	assert_eq "$stderr" "131072"
}

@test "-b past /proc/sys/fs/pipe-max-size is one clear error, nothing runs" {
	local max
	max=$(cat /proc/sys/fs/pipe-max-size)
	run --separate-stderr pl -b $((max * 2)) touch ran '|' cat
	assert_status 1
	assert_eq "$stderr" "pipeline: pipe size $((max * 2)) exceeds the system maximum $max (/proc/sys/fs/pipe-max-size)"
	[ ! -e ran ]
}

@test "-v reports each stage's command, pid, status and times" {
	run --separate-stderr pl -v echo hi '|' sh -c 'cat; exit 3'
	assert_status 3
	assert_eq "$output" "hi"
	local re1='^pipeline: stage 1 \(echo hi\) pid [0-9]+: exit 0, [0-9]+\.[0-9]{3}s wall, [0-9]+\.[0-9]{3}s user, [0-9]+\.[0-9]{3}s sys$'
	local re2='^pipeline: stage 2 \(sh -c cat; exit 3\) pid [0-9]+: exit 3, '
	local l1 l2
	l1=$(grep 'stage 1' <<<"$stderr")
	l2=$(grep 'stage 2' <<<"$stderr")
	[[ $l1 =~ $re1 ]] || { echo "bad line: $l1" >&2; return 1; }
	[[ $l2 =~ $re2 ]] || { echo "bad line: $l2" >&2; return 1; }
	run --separate-stderr pl --verbose sh -c 'kill -TERM $$'
	assert_status 143
	assert_contains "$stderr" ": killed by SIGTERM, "
}

@test "SIGTERM, SIGINT and SIGHUP to pipeline reach every stage" {
	for sig in TERM INT HUP; do
		# started through env so SIGINT is not ignored as in a background job,
		# nor SIGHUP when the suite itself runs under nohup
		start_bg env --default-signal=INT,HUP "$IPCBOX" pipeline --status-fd 5 \
			sh -c 'echo "up $$" >&2; exec sleep 1000' '|' \
			sh -c 'echo "up $$" >&2; exec sleep 1000' 5>status
		expect_line '^up [0-9]+$'
		local p1=${LINE#up }
		expect_line '^up [0-9]+$'
		local p2=${LINE#up }
		kill -$sig $BG_PID
		local rc=0
		wait $BG_PID || rc=$?
		local n
		n=$(kill -l $sig)
		assert_eq "$rc" $((128 + n))
		assert_eq "$(cat status)" "$((128 + n)) $((128 + n))"
		! kill -0 "$p1" 2>/dev/null
		! kill -0 "$p2" 2>/dev/null
		exec 8<&-
	done
}

@test "stages die with pipeline even when it is SIGKILLed" {
	start_bg "$IPCBOX" pipeline sh -c 'echo "up $$" >&2; exec sleep 1000' '|' cat
	expect_line '^up [0-9]+$'
	kill -KILL $BG_PID
	wait $BG_PID || :
	wait_dead "${LINE#up }"
	exec 8<&-
}

@test "a signal ignored when pipeline starts stays ignored in the stages (nohup)" {
	run bash -c 'trap "" HUP; exec "$0" pipeline grep ^SigIgn /proc/self/status' "$IPCBOX"
	assert_status 0
	[ $((0x${output##*$'\t'} & 1)) = 1 ]
}

@test "a double-forked orphan does not outlive pipeline" {
	run --separate-stderr pl sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' '|' cat
	assert_status 0
	[[ $output =~ ^[0-9]+$ ]]
	! kill -0 "$output" 2>/dev/null
}

@test "an orphan that ignores SIGTERM is killed after --kill-after" {
	run --separate-stderr pl --kill-after 0.1 \
		sh -c '(trap "" TERM; exec sleep 1000) >/dev/null 2>&1 & echo $!'
	assert_status 0
	[[ $output =~ ^[0-9]+$ ]]
	! kill -0 "$output" 2>/dev/null
}

@test "a middle stage that closes its stdin at once" {
	run --separate-stderr pl -s fail --sigpipe-ok --status-fd 3 \
		yes '|' sh -c 'exec 0<&-; echo closed' '|' cat 3>status
	assert_status 0
	assert_eq "$output" "closed"
	assert_eq "$(cat status)" "141 0 0"
}

@test "standard descriptors closed at start: stages still get their pipes" {
	run --separate-stderr bash -c 'exec 0<&- 2>/dev/null; "$0" pipeline echo ok "|" cat' "$IPCBOX"
	assert_status 0
	assert_eq "$output" "ok"
}

@test "pipeline --help and --version" {
	run "$IPCBOX" pipeline --help
	assert_status 0
	assert_contains "$output" "Usage: pipeline [OPTION]... [--] COMMAND"
	run "$IPCBOX" pipeline --version
	assert_status 0
	assert_contains "$output" "pipeline (ipcbox)"
}

@test "a terminal's ^C reaches each stage once; a kill to pipeline alone is forwarded once" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	make_signal_counter
	local l1=$BATS_TEST_TMPDIR/s1 l2=$BATS_TEST_TMPDIR/s2
	run --separate-stderr /usr/bin/python3 "$CTRLC" "$l1,$l2" "$IPCBOX" pipeline \
		/usr/bin/python3 "$COUNTER" "$l1" '|' /usr/bin/python3 "$COUNTER" "$l2"
	assert_status 0
	assert_eq "$output" "ready INT INT TERM
ready INT INT TERM
0"
}

@test "-k -s fail: the real failure left of a stage that -k killed is the status" {
	run --separate-stderr pl -k -s fail --status-fd 3 sh -c 'exit 4' '|' sleep 1000 3>status
	assert_status 4
	assert_eq "$(cat status)" "4 143"
	run --separate-stderr pl -k -s fail --status-fd 3 sleep 1000 '|' sh -c 'exit 5' '|' sleep 1000 3>status
	assert_status 5
	assert_eq "$(cat status)" "143 5 143"
}

@test "every stage succeeds but the --status-fd write fails: exit 1" {
	run --separate-stderr pl --status-fd 3 true '|' true 3>/dev/full
	assert_status 1
	assert_eq "$stderr" "pipeline: cannot write the statuses to --status-fd 3: No space left on device"
	# A pipe nobody reads: EPIPE, not a death by SIGPIPE.
	run --separate-stderr /usr/bin/python3 -c 'import os, signal, sys
r, w = os.pipe()
os.close(r)
os.dup2(w, 4)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.execv(sys.argv[1], [sys.argv[1], "pipeline", "--status-fd", "4", "true"])' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "pipeline: cannot write the statuses to --status-fd 4: Broken pipe"
	# A failing stage's own status is kept.
	run --separate-stderr pl --status-fd 3 true '|' sh -c 'exit 6' 3>/dev/full
	assert_status 6
}

# --- fan-out, two-way links, naming the failed stage ---

@test "fan-out: every branch gets a byte-identical copy of several MiB" {
	head -c 6M /dev/urandom >data
	local want
	want=$(sha256sum <data)
	run --separate-stderr pl -s fail --status-fd 3 cat data '|' '{' sha256sum '}' \
		'{' sha256sum '}' '{' sha256sum '}' 3>status
	assert_status 0
	assert_eq "$output" "$want"$'\n'"$want"$'\n'"$want"
	assert_eq "$stderr" ""
	assert_eq "$(cat status)" "0 0 0 0"
	# small pipes: tees fall short and the copier completes them by read and write
	run --separate-stderr pl -s fail -b 4096 cat data '|' '{' sha256sum '}' \
		'{' sh -c 'while read -r l; do :; done; echo x' '}' '{' sha256sum '}' '{' sha256sum '}'
	assert_status 0
	assert_eq "$(sort <<<"$output")" "$(printf '%s\n' "$want" "$want" "$want" x | sort)"
}

@test "fan-out of pipeline's own stdin: a file (read and write) and a pipe (tee)" {
	head -c 3M /dev/urandom >data
	local want
	want=$(sha256sum <data)
	run --separate-stderr pl '{' sha256sum '}' '{' sha256sum '}' <data
	assert_status 0
	assert_eq "$output" "$want"$'\n'"$want"
	run --separate-stderr bash -c 'cat data | "$0" pipeline "{" sha256sum "}" "{" sha256sum "}"' "$IPCBOX"
	assert_status 0
	assert_eq "$output" "$want"$'\n'"$want"
}

@test "fan-out: branches' outputs merge into the next stage; groups follow groups" {
	run --separate-stderr pl seq 1000 '|' '{' cat '}' '{' cat '}' '|' \
		'{' wc -l '}' '{' sort -n '|' tail -1 '}'
	assert_status 0
	assert_eq "$(sort -n <<<"$output")" $'1000\n2000'
}

@test "fan-out: a branch that does not read makes the producer wait, and loses nothing" {
	[ "$(uname -m)" = x86_64 ] || skip "reads x86-64 syscall numbers from /proc/PID/syscall"
	head -c 4M /dev/urandom >data
	local want size pid prod i nr fd w1 w2 waited=
	want=$(sha256sum <data)
	size=$(stat -c %s data)
	pl sh -c 'echo $$ >prod.tmp; mv prod.tmp prod; exec cat data' '|' \
		'{' sh -c 'until [ -e go ]; do sleep 0.01; done; exec sha256sum' '}' \
		'{' sha256sum '}' >out 3>&- &
	pid=$!
	# the producer blocks in write(1, ...) with part of the data written, and stays so
	for ((i = 0; i < 1000; i++)); do
		if [ -e prod ] && prod=$(cat prod) && read -r nr fd _ <"/proc/$prod/syscall" &&
			[ "$nr" = 1 ] && [ "$fd" = 0x1 ]; then
			w1=$(awk '$1 == "wchar:" { print $2 }' "/proc/$prod/io")
			read -r nr fd _ <"/proc/$prod/syscall"
			w2=$(awk '$1 == "wchar:" { print $2 }' "/proc/$prod/io")
			if [ "$nr" = 1 ] && [ "$w1" = "$w2" ] && [ "$w1" -lt "$size" ]; then
				waited=1
				break
			fi
		fi
		sleep 0.01
	done
	touch go
	wait "$pid"
	assert_eq "$waited" 1
	assert_eq "$(cat out)" "$want"$'\n'"$want"
}

@test "fan-out: a branch that exits early; --sigpipe-ok when every branch has" {
	head -c 2M /dev/urandom >data
	local want
	want=$(sha256sum <data)
	run --separate-stderr pl -s fail --status-fd 3 cat data '|' '{' head -c 10 '|' wc -c '}' \
		'{' sha256sum '}' 3>status
	assert_status 0
	assert_eq "$(sort <<<"$output")" "$(printf '%s\n' 10 "$want" | sort)"
	assert_eq "$(cat status)" "0 0 0 0"
	run --separate-stderr pl -s fail --sigpipe-ok --status-fd 3 yes '|' '{' head -1 '}' \
		'{' head -c 1M '|' wc -c '}' 3>status
	assert_status 0
	assert_eq "$(sort <<<"$output")" $'1048576\ny'
	assert_eq "$stderr" ""
	assert_eq "$(cat status)" "141 0 0 0"
	run --separate-stderr pl -s fail yes '|' '{' head -1 '}' '{' head -2 '}'
	assert_status 141
	assert_eq "$stderr" "pipeline: stage 1 (yes) killed by SIGPIPE"
}

@test "fan-out with |&: into a group, inside a branch, and after one" {
	run --separate-stderr pl sh -c 'echo out; echo err >&2' '|&' '{' sort '}' '{' wc -l '}'
	assert_status 0
	assert_eq "$(sort <<<"$output")" $'2\nerr\nout'
	run --separate-stderr pl echo a '|' '{' sh -c 'cat; echo e >&2' '|&' sort '}' \
		'{' sh -c 'cat; echo f >&2' '}' '|&' sort
	assert_status 0
	assert_eq "$output" $'a\na\ne\nf'
	assert_eq "$stderr" ""
	run --separate-stderr pl echo a '|' '{' sh -c 'echo g >&2' '}' '{' cat '}' '|' cat
	assert_eq "$output" "a"
	assert_eq "$stderr" "g"
}

@test "-d WORD changes the braces and the two-way link too" {
	run --separate-stderr pl -d :: printf '{\n}\n<>\n' :: ::{ grep -c '{' ::} ::{ wc -l ::}
	assert_status 0
	assert_eq "$(sort <<<"$output")" $'1\n3'
	run --separate-stderr pl -d :: echo '{' '}' '<>' '|'
	assert_status 0
	assert_eq "$output" "{ } <> |"
	run --separate-stderr pl -d :: sh -c 'echo 6*7; read r; echo "$r" >got' ::'<>' bc
	assert_status 0
	assert_eq "$(cat got)" 42
}

@test "'<>': a dialogue with bc over two pipes; pipeline's stdin and stdout are not used" {
	need_cmd bc
	echo '1+1' >in
	run --separate-stderr pl -s fail sh -c 'l0=$(readlink /proc/$$/fd/0) l1=$(readlink /proc/$$/fd/1); echo "$l0 $l1" >fds
		echo 2+2; read r; echo "$r" >got' '<>' bc <in
	assert_status 0
	assert_eq "$output" ""
	assert_eq "$(cat got)" 4
	local l0 l1
	read -r l0 l1 <fds
	[[ $l0 == pipe:* && $l1 == pipe:* && $l0 != "$l1" ]]
	assert_eq "$(cat in)" "1+1"
}

@test "'<>' --socketpair: one socket on fd 0 and 1 for each side" {
	need_cmd bc
	run --separate-stderr pl --socketpair -s fail sh -c 'l0=$(readlink /proc/$$/fd/0) l1=$(readlink /proc/$$/fd/1); echo "$l0 $l1" >fds
		echo 2+2; read r; echo "$r" >got' '<>' bc
	assert_status 0
	assert_eq "$(cat got)" 4
	local l0 l1
	read -r l0 l1 <fds
	[[ $l0 == socket:* && $l0 == "$l1" ]]
}

@test "'<>': a side that closes its output gives the other EOF (half-close)" {
	run --separate-stderr pl -s fail sh -c 'echo hi; exec >&-; read r; echo "$r" >got' '<>' cat
	assert_status 0
	assert_eq "$(cat got)" hi
}

@test "-s fail and -k name the stage that failed, unless -q" {
	run --separate-stderr pl -s fail seq 3 '|' grep -c ERROR '|' cat
	assert_status 1
	assert_eq "$output" "0"
	assert_eq "$stderr" "pipeline: stage 2 (grep -c ERROR) exited with status 1"
	run --separate-stderr pl -s fail true '|' sh -c 'kill $$'
	assert_status 143
	assert_eq "$stderr" 'pipeline: stage 2 (sh -c kill $$) killed by SIGTERM'
	run --separate-stderr pl -q -s fail true '|' sh -c 'kill $$'
	assert_status 143
	assert_eq "$stderr" ""
	# -k: the one that failed, not those it stopped
	run --separate-stderr pl -k sleep 1000 '|' sh -c 'exit 4' '|' sleep 1000
	assert_status 143
	assert_eq "$stderr" "pipeline: stage 2 (sh -c exit 4) exited with status 4"
	# neither: nothing said
	run --separate-stderr pl true '|' false
	assert_status 1
	assert_eq "$stderr" ""
	# a fan-out branch is a stage like the others
	run --separate-stderr pl -s fail seq 3 '|' '{' grep -c 2 '}' '{' grep -c 9 '}'
	assert_status 1
	assert_eq "$stderr" "pipeline: stage 3 (grep -c 9) exited with status 1"
}

@test "--status-format=json: every stage's number, command, pid, status, signal, times" {
	need_cmd jq
	run -127 --separate-stderr pl -s fail --status-fd 3 --status-format=json seq 3 '|' \
		'{' grep -c 9 '}' '{' sh -c 'cat >/dev/null; kill -TERM $$' '}' '{' nosuchcmd-x '}' 3>status
	run jq -c 'map([.stage, .command, (.pid | type), .status, .signal,
		(.wall_ms | type), (.cpu_ms | type)])' status
	assert_status 0
	assert_eq "$output" '[[1,"seq 3","number",0,null,"number","number"],[2,"grep -c 9","number",1,null,"number","number"],[3,"sh -c cat >/dev/null; kill -TERM $$","number",143,"SIGTERM","number","number"],[4,"nosuchcmd-x","number",127,null,"number","number"]]'
	run --separate-stderr pl --status-fd 3 --status-format json true 3>status
	assert_eq "$(jq -c '.[0] | [.stage, .status]' status)" '[1,0]'
	run --separate-stderr pl --status-fd 3 --status-format xml true 3>status
	assert_status 2
}

@test "fan-out and '<>' usage errors: unbalanced braces, empty branches, '<>' at an end" {
	local bad
	while IFS='#' read -r msg args; do
		eval "set -- $args"
		run --separate-stderr pl "$@"
		assert_status 2
		assert_contains "$stderr" "pipeline: $msg"
	done <<'EOF2'
an opening brace without its closing one#true "|" "{" cat
'}' without an opening brace#true "|" cat "}"
an empty branch: nothing between the braces#true "|" "{" "}"
an empty branch: nothing between the braces#true "|" "{" cat "}" "{" "}"
a branch starts with '|'#true "|" "{" "|" cat "}"
a branch ends with '|'#true "|" "{" cat "|" "}"
braces do not nest: '{'#true "|" "{" "{" cat "}" "}"
'{' must come first, after a separator or after a closing brace#true "{" cat "}"
'}' must be followed by '{', a separator or the end, not 'x'#true "|" "{" cat "}" x
the pipeline starts with '<>'#"<>" cat
the pipeline ends with '<>'#cat "<>"
'<>' joins exactly two commands, and nothing else#cat "<>" cat "|" cat
'<>' joins exactly two commands, and nothing else#cat "|" cat "<>" cat
'<>' joins two commands, not braces#cat "|" "{" cat "<>" cat "}"
'<>' joins two commands, not braces#cat "<>" "{" cat "}"
stage 2 is empty#cat "<>" "<>" cat
--socketpair is for a two-way link ('<>'), and there is none#--socketpair cat "|" cat
EOF2
}

@test "a fan-out copier that fails says so, and pipeline fails" {
	need_cmd strace
	head -c 1M /dev/urandom >data
	run --separate-stderr strace -f -qq -o /dev/null -e inject=tee:error=EIO:when=2 \
		"$IPCBOX" pipeline -s fail cat data '|' '{' wc -c '}' '{' wc -c '}'
	# status 1, not the SIGPIPE the producer got when the copier had gone
	assert_status 1
	assert_contains "$stderr" "$(libc_text "pipeline: fan-out after stage 1: tee to branch 1: Input/output error")"
}
